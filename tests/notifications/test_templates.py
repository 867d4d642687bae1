"""Email templates: placeholders, escaping, the municipality's text and signature."""

import pytest
from django.core.exceptions import ValidationError

from notifications import kinds, rendering, services
from notifications.models import EmailTemplate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_municipality_text_replaces_the_default(site):
    EmailTemplate.objects.filter(kind="account_confirmation").update(
        subject="Bienvenue {{ prenom }}", body="Cher {{ nom_complet }},\n\nMerci.", zone="Zone commune."
    )
    email = services.render_for(
        kind="account_confirmation", context={"prenom": "Léa", "nom_complet": "Mme Léa DURANT", "lien": "https://x/y"}
    )
    assert email.subject == "Bienvenue Léa"
    assert email.text.startswith("Cher Mme Léa DURANT,\n\nMerci.")
    assert "Zone commune." in email.text
    assert "Confirmer mon inscription :\nhttps://x/y" in email.text
    assert "892 rue Yves Kermen" in email.text and "Ceci est un mail automatique" in email.text
    assert '<a href="https://x/y"' in email.html


def test_a_template_edited_is_read_again_by_the_next_email(site):
    """The text is kept in the cache (e-mails are written under their cause's locks): saving it, or deleting it,
    drops what was kept."""
    context = {"prenom": "Léa", "nom_complet": "Mme Léa DURANT", "lien": "https://x/y"}
    template = EmailTemplate.objects.get(kind="account_confirmation")
    first = services.render_for(kind="account_confirmation", context=context).subject
    template.subject = "Bienvenue {{ prenom }}"
    template.save()
    assert services.render_for(kind="account_confirmation", context=context).subject == "Bienvenue Léa" != first
    template.delete()
    assert services.render_for(kind="account_confirmation", context=context).subject == first


def test_a_template_moved_to_another_kind_leaves_its_former_kind_with_the_default_text(site):
    context = {"prenom": "Léa", "nom_complet": "Mme Léa DURANT", "lien": "https://x/y"}
    EmailTemplate.objects.filter(kind="test").delete()
    template = EmailTemplate.objects.get(kind="account_confirmation")
    template.subject = "Texte de la commune"
    template.save()
    assert services.render_for(kind="account_confirmation", context=context).subject == "Texte de la commune"
    template.kind = "test"
    template.save()
    assert services.render_for(kind="account_confirmation", context=context).subject != "Texte de la commune"
    assert services.render_for(kind="test", context=context).subject == "Texte de la commune"


def test_values_are_escaped_in_html_but_not_in_text():
    kind = kinds.get("test")
    email = rendering.render(kind=kind, context={"nom_complet": "<script>alert(1)</script>"})
    assert "<script>" not in email.html and "&lt;script&gt;" in email.html
    assert "<script>alert(1)</script>" in email.text


def test_unknown_placeholder_is_refused_beside_the_field():
    template = EmailTemplate(kind="account_confirmation", subject="Bonjour {{ inconnu }}", body="ok {{ lien }}")
    with pytest.raises(ValidationError) as error:
        template.full_clean()
    assert error.value.message_dict["subject"] == ["Variable inconnue : {{ inconnu }}"]


def test_every_kind_renders_its_sample_without_leftover_placeholders():
    for kind in kinds.all_kinds():
        email = rendering.render(kind=kind, context=kind.sample_context)
        assert "{{" not in email.text and "{{" not in email.subject, kind.slug


def test_test_send_goes_through_the_outbox(site, django_capture_on_commit_callbacks):
    from django.core import mail

    template = EmailTemplate.objects.get(kind="account_confirmation")
    with django_capture_on_commit_callbacks(execute=True):
        row = services.template_send_test(template=template, to="com@example.org", by=UserFactory(is_superuser=True))
    assert row.subject == "[TEST] Portail citoyen : confirmation de création de compte"
    assert mail.outbox[0].to == ["com@example.org"]
    assert "Bonjour M. Jean DURANT," in mail.outbox[0].body


def test_de_before_a_value_with_a_vowel_sound_is_elided_in_the_subject_text_and_html(site):
    EmailTemplate.objects.filter(kind="account_confirmation").update(
        subject="Compte de {{ prenom }}", body="La réservation de {{ nom_complet }}, code {{ lien }}.", zone=""
    )
    alice = services.render_for(kind="account_confirmation", context={"prenom": "Alice", "nom_complet": "Hugo"})
    paul = services.render_for(kind="account_confirmation", context={"prenom": "Paul", "nom_complet": "Yann"})
    assert alice.subject == "Compte d'Alice" and "La réservation d'Hugo, code" in alice.text
    assert "La réservation d&#x27;Hugo" in alice.html
    assert paul.subject == "Compte de Paul" and "La réservation de Yann, code" in paul.text
