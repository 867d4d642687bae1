"""The Wagtail admin: family files for instructors, email templates and outbox for communication officers."""

from html import unescape

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import ModelLogEntry

from espace_famille.comptes.permissions import COMMUNICATION, INSTRUCTORS, ensure_staff_groups
from espace_famille.dossier.models import Family, Subscription, SubscriptionMethod
from notifications.models import EmailTemplate, OutboxMessage, OutboxStatus
from tests.factories import ChildFactory, FamilyFactory, GuardianFactory, InvoiceFactory, UserFactory, role

pytestmark = pytest.mark.django_db

FAMILIES = "/admin/espace_famille/family/"
TEMPLATES = "/admin/snippets/notifications/emailtemplate/"
OUTBOX = "/admin/snippets/notifications/outboxmessage/"


def text(response):
    return unescape(response.content.decode())


def staff(group_name=None, **kwargs):
    user = UserFactory(**kwargs)
    if group_name:
        user.groups.add(role(group_name))
    return user


@pytest.fixture
def superuser():
    return staff(is_superuser=True, email="admin@example.org")


def failed_email(**kwargs):
    return OutboxMessage.objects.create(
        key="failed",
        kind="account_confirmation",
        to_email="parent@example.org",
        from_email="mairie@example.org",
        subject="Sujet en échec",
        body_text="Bonjour",
        body_html="<p>Bonjour</p>",
        status=OutboxStatus.FAILED,
        attempts=3,
        last_error="SMTP injoignable",
        **kwargs,
    )


def test_family_list_and_edit_page_show_the_subscriber_code(client, superuser):
    family = FamilyFactory(name="DURANT", subscriber_code="DURANT2026")
    GuardianFactory.create_batch(2, family=family)
    ChildFactory(family=family)
    client.force_login(superuser)

    listing = client.get(FAMILIES)
    assert listing.status_code == 200
    assert "DURANT" in text(listing) and "DURANT2026" in text(listing)
    assert f"/admin/espace_famille/guardian/?family={family.pk}" in text(listing)

    edit = client.get(f"{FAMILIES}edit/{family.pk}/")
    assert edit.status_code == 200 and "DURANT2026" in text(edit)


def test_guardians_are_listed_for_one_family(client, superuser):
    mine, other = FamilyFactory(name="DURANT"), FamilyFactory(name="MARTIN")
    GuardianFactory(family=mine, first_name="Jean")
    GuardianFactory(family=other, first_name="Paul")
    client.force_login(superuser)
    page = text(client.get(f"/admin/espace_famille/guardian/?family={mine.pk}"))
    assert "Jean" in page and "Paul" not in page


def test_creating_a_family_in_the_admin_draws_its_subscriber_code(client, superuser):
    client.force_login(superuser)
    form = text(client.get(f"{FAMILIES}create/"))
    assert 'name="name"' in form and 'name="subscriber_code"' not in form

    response = client.post(f"{FAMILIES}create/", {"name": "NOUVELLE"})

    family = Family.objects.get(name="NOUVELLE")
    assert response.status_code == 302
    assert len(family.subscriber_code) == 10
    assert ModelLogEntry.objects.filter(action="wagtail.create", object_id=str(family.pk), user=superuser).exists()


def test_staff_links_an_account_to_a_family_through_the_service(client, superuser):
    parent, family = UserFactory(email="parent@example.org"), FamilyFactory()
    client.force_login(superuser)

    client.post("/admin/espace_famille/subscription/create/", {"user": parent.pk, "family": family.pk})

    subscription = Subscription.objects.get(user=parent, family=family)
    assert subscription.method == SubscriptionMethod.STAFF
    assert ModelLogEntry.objects.get(action="portail.subscription.create").user == superuser
    assert "parent@example.org" in text(client.get("/admin/espace_famille/subscription/"))
    assert client.get(f"/admin/espace_famille/subscription/edit/{subscription.pk}/").status_code in (302, 403)


def test_instructor_opens_families_and_invoices_but_not_email_templates(client, site):
    FamilyFactory(name="DURANT", subscriber_code="DURANT2026")
    InvoiceFactory(number="2018-2544")
    client.force_login(staff(INSTRUCTORS))
    assert "DURANT2026" in text(client.get(FAMILIES))
    assert "2018-2544" in text(client.get("/admin/espace_facturation/invoice/"))
    assert client.get(TEMPLATES).status_code in (302, 403)
    assert client.get(OUTBOX).status_code in (302, 403)


def test_communication_officer_edits_templates_but_not_families(client, site):
    client.force_login(staff(COMMUNICATION))
    template = EmailTemplate.objects.get(kind="account_confirmation")
    response = client.get(f"{TEMPLATES}edit/{template.pk}/")
    assert response.status_code == 200
    page = text(response)
    assert "Variables disponibles" in page and "{{ nom_complet }}" in page and "{{ lien }}" in page
    assert "Envoyer un test" in page
    assert client.get(FAMILIES).status_code in (302, 403)


def test_preview_renders_the_sample_data(client, site, superuser):
    client.force_login(superuser)
    template = EmailTemplate.objects.get(kind="account_confirmation")
    url = f"{TEMPLATES}preview/{template.pk}/"
    data = {
        "kind": template.kind,
        "subject": template.subject,
        "body": template.body,
        "button_label": template.button_label,
        "zone": template.zone,
    }
    assert client.post(url, data).json()["is_valid"]
    page = text(client.get(url))
    assert "Bonjour M. Jean DURANT," in page and "Confirmer mon inscription" in page


def test_send_a_test_email_to_oneself(client, site):
    client.force_login(staff(COMMUNICATION, email="com@example.org"))
    template = EmailTemplate.objects.get(kind="account_confirmation")
    url = reverse("wagtailsnippets_notifications_emailtemplate:send_test", args=[template.pk])
    assert url in text(client.get(TEMPLATES))
    assert "com@example.org" in text(client.get(url))

    response = client.post(url, follow=True)

    assert response.redirect_chain[-1][0] == f"{TEMPLATES}edit/{template.pk}/"
    assert "E-mail de test envoyé à com@example.org" in text(response)
    row = OutboxMessage.objects.get()
    assert row.subject.startswith("[TEST]") and row.status == OutboxStatus.SENT
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["com@example.org"]
    assert ModelLogEntry.objects.filter(action="portail.email.test").exists()


def test_outbox_lists_emails_and_resends_a_failed_one(client, superuser):
    row = failed_email()
    client.force_login(superuser)
    listing = text(client.get(f"{OUTBOX}?status=failed"))
    assert "Sujet en échec" in listing and "Renvoyer" in listing
    assert "SMTP injoignable" in text(client.get(f"{OUTBOX}inspect/{row.pk}/"))

    client.post(reverse("wagtailsnippets_notifications_outboxmessage:resend", args=[row.pk]))

    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    assert [m.subject for m in mail.outbox] == ["Sujet en échec"]
    assert ModelLogEntry.objects.filter(action="portail.outbox.resend").exists()


def test_outbox_is_read_only_even_for_a_superuser(client, superuser):
    row = failed_email()
    client.force_login(superuser)
    assert client.get(f"{OUTBOX}edit/{row.pk}/").status_code in (302, 403)
    assert client.get(f"{OUTBOX}add/").status_code in (302, 403)
    assert client.post(f"{OUTBOX}delete/{row.pk}/").status_code in (302, 403)
    assert OutboxMessage.objects.filter(pk=row.pk).exists()


def test_a_pending_email_is_not_resent(client, superuser):
    row = failed_email()
    OutboxMessage.objects.filter(pk=row.pk).update(status=OutboxStatus.PENDING)
    client.force_login(superuser)
    client.post(reverse("wagtailsnippets_notifications_outboxmessage:resend", args=[row.pk]))
    row.refresh_from_db()
    assert row.status == OutboxStatus.PENDING and mail.outbox == []


def test_a_parent_cannot_enter_the_admin(client):
    client.force_login(UserFactory())
    assert client.get("/admin/").status_code == 403
    assert client.get(FAMILIES).status_code == 403


def test_staff_groups_are_created_once(db):
    first = ensure_staff_groups()
    second = ensure_staff_groups()
    assert [g.pk for g in first] == [g.pk for g in second]
    assert first[1].page_permissions.count() == 3 and first[1].collection_permissions.count() == 6
