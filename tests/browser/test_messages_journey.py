"""«Messages aux familles» in a real browser: an instructor writes to a family from its «Écrire à la famille» link,
sees the SMS counted as she types, checks the preview and sends; the parent reads the message in «Mes messages».
axe-core checks every page of both."""

import pytest
from django.contrib.auth.models import Group

from espace_famille.comptes.permissions import ensure_staff_groups
from espace_famille.dossier.models import Subscription
from espace_famille.messagerie.models import FamilyMessage
from notifications import sms
from tests.browser.staff import staff_log_in
from tests.factories import PASSWORD, FamilyFactory, GuardianFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_instructor_writes_to_a_family_and_the_parent_reads_it(live_server, page, axe, site):
    family = FamilyFactory(name="DURANT")
    GuardianFactory(
        family=family, first_name="Jean", email="jean.durant@example.org", mobile="06 12 34 56 78", accepts_sms=True
    )
    parent = UserFactory(email="jean.durant@example.org")
    Subscription.objects.create(user=parent, family=family, method="code")
    ensure_staff_groups()
    instructor = UserFactory(email="instructrice@example.org", is_staff=True)
    instructor.groups.add(Group.objects.get(name="Instructeurs"))
    url = live_server.url

    admin = page.context.browser.new_context(locale="fr-FR")
    staff_page = admin.new_page()
    staff_log_in(staff_page, url, instructor)
    staff_page.goto(f"{url}/admin/messages-familles/ecrire/?famille={family.pk}")
    axe(staff_page)
    staff_page.get_by_label("Objet").fill("Attestation d'assurance")
    staff_page.locator("#id_body").fill("Bonjour,\n\nL'attestation de Léo manque au dossier.")
    staff_page.get_by_label("Par SMS, aux responsables qui acceptent les SMS").check()
    staff_page.get_by_label("Texte du SMS").fill("L'attestation d'assurance de Léo manque au dossier.")
    assert staff_page.locator("#sms-counter").inner_text() == "51 caractères sur 306 : 1 SMS"
    staff_page.get_by_role("button", name="Aperçu avant envoi").click()
    staff_page.wait_for_load_state()
    content = staff_page.content()
    assert "Famille DURANT" in content and "51 caractères : 1 SMS" in content
    axe(staff_page)
    staff_page.get_by_role("button", name="Envoyer le message").click()
    staff_page.wait_for_load_state()
    assert "envoyé à 1 famille" in staff_page.content()
    axe(staff_page)
    admin.close()

    assert FamilyMessage.objects.get().subject == "Attestation d'assurance"
    assert [s.to for s in sms.outbox] == ["+33612345678"]

    page.goto(url + "/compte/login/")
    page.get_by_role("textbox", name="Identifiant (obligatoire)").fill(parent.email)
    page.get_by_role("textbox", name="Mot de passe (obligatoire)").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/mon-espace/")
    assert "1 nouveau message" in page.content()
    axe(page)
    page.get_by_role("link", name="Mes messages").first.click()
    page.wait_for_url("**/mon-espace/messages/")
    axe(page)
    page.get_by_role("link", name="Lire le message « Attestation d'assurance »").click()
    page.wait_for_load_state()
    assert "L'attestation de Léo manque au dossier." in page.content()
    axe(page)
