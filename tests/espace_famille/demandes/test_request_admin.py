"""Instructors decide family-file requests in the Wagtail admin: queue, decision page, bulk decisions."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.contrib.messages import get_messages
from wagtail.models import ModelLogEntry

from espace_famille.comptes.permissions import COMMUNICATION, INSTRUCTORS
from espace_famille.demandes.models import EventKind, Request, RequestEvent, RequestKind, RequestState
from espace_famille.dossier.models import Family, Guardian, Subscription, Vaccination
from espace_famille.modifications import services as modifications_services
from tests.factories import ChildFactory, FamilyFactory, GuardianFactory, UserFactory, role
from tests.intents import intent_in, submit

pytestmark = pytest.mark.django_db

QUEUE = "/admin/snippets/espace_famille/request/"


def text(response) -> str:
    return unescape(response.content.decode())


def page_messages(response) -> list[str]:
    return [unescape(str(message)).strip() for message in get_messages(response.wsgi_request)]


def decision_url(request: Request) -> str:
    return f"{QUEUE}inspect/{request.pk}/"


def bulk_url(action: str, *requests: Request) -> str:
    ids = "&".join(f"id={request.pk}" for request in requests)
    return f"/admin/bulk/espace_famille/request/{action}/?{ids}&next={QUEUE}"


def staff(group_name, **kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(role(group_name))
    return user


@pytest.fixture
def instructor(client):
    user = staff(INSTRUCTORS, email="instructeur@example.org", first_name="Inès", last_name="Structrice")
    client.force_login(user)
    return user


@pytest.fixture
def parent():
    return UserFactory(email="parent@example.org")


def linked(parent, family: Family) -> Family:
    """The parent's account linked to the family: the family asks through it."""
    Subscription.objects.get_or_create(user=parent, family=family, defaults={"method": "code"})
    return family


def guardian_change(parent, name="DURANT", **values) -> tuple[Guardian, Request]:
    guardian = GuardianFactory(
        family=FamilyFactory(name=name), first_name="Jean", phone="0102030405", email="jean@example.org"
    )
    linked(parent, guardian.family)
    request = modifications_services.family_file_submit(
        family=guardian.family,
        kind=RequestKind.GUARDIAN_CHANGE,
        values=values or {"phone": "0611223344"},
        by=parent,
        guardian=guardian,
    )
    return guardian, request


def test_queue_lists_pending_family_file_requests_oldest_first(client, instructor, parent):
    _, durant = guardian_change(parent, "DURANT")
    _, martin = guardian_change(parent, "MARTIN")
    _, refused = guardian_change(parent, "REFUSEE")
    modifications_services.request_refuse(request=refused, by=instructor)
    # Planning requests have their own queue: they must not appear in this one.
    booking = Request.objects.create(family=durant.family, kind=RequestKind.BOOKING, subject="Piscine du mercredi")

    page = text(client.get(QUEUE))

    assert "DURANT Jean" in page and "MARTIN Jean" in page
    assert "REFUSEE Jean" not in page and "Piscine du mercredi" not in page
    assert "Modification du responsable" in page and "En cours d'instruction" in page
    assert page.index("DURANT Jean") < page.index("MARTIN Jean")
    assert decision_url(durant) in page
    assert client.get(decision_url(booking)).status_code == 404


def test_queue_filters_by_type_state_family_date_and_name(client, instructor, parent):
    _, durant = guardian_change(parent, "DURANT")
    martin = modifications_services.family_file_submit(
        family=linked(parent, FamilyFactory(name="MARTIN")),
        kind=RequestKind.ADDRESS_CHANGE,
        values={"address_line": "1 rue de la Mairie", "city": "Villeneuve"},
        by=parent,
    )
    _, refused = guardian_change(parent, "REFUSEE")
    modifications_services.request_refuse(request=refused, by=instructor)

    def listed(**params) -> set[Request]:
        page = text(client.get(QUEUE, params))
        return {r for r in (durant, martin, refused) if decision_url(r) in page}

    assert listed() == {durant, martin}
    assert listed(kind=RequestKind.ADDRESS_CHANGE) == {martin}
    assert listed(state=RequestState.REFUSED) == {refused}
    assert listed(state="all") == {durant, martin, refused}
    assert listed(family=durant.family_id) == {durant}
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert listed(created_at_from=tomorrow) == set()
    assert listed(created_at_to=tomorrow) == {durant, martin}
    assert listed(q="martin") == {martin}
    assert listed(q="durant jean") == {durant}
    assert "Modification de l'adresse principale" in text(client.get(QUEUE, {"kind": RequestKind.ADDRESS_CHANGE}))


def test_decision_page_shows_current_and_asked_values(client, instructor, parent):
    _, request = guardian_change(parent, phone="0611223344", quality="pere")

    page = text(client.get(decision_url(request)))

    assert "Valeur actuelle" in page and "Valeur demandée" in page
    assert "Téléphone" in page and "0102030405" in page and "0611223344" in page
    assert "Qualité" in page and "Père" in page
    assert "Message pour la famille" in page and ">Accepter</button>" in page and ">Refuser</button>" in page
    assert "Demande enregistrée" in page and "parent@example.org" in page
    assert "Modifié depuis la demande" not in page


def test_accepting_applies_the_values_and_logs_the_instructor(client, instructor, parent):
    guardian, request = guardian_change(parent, phone="0611223344", email="nouveau@example.org")

    response = submit(client, decision_url(request), {"decision": "accept", "message": "Dossier à jour."})

    assert response.status_code == 302 and response["Location"] == QUEUE
    guardian.refresh_from_db()
    request.refresh_from_db()
    assert (guardian.phone, guardian.email) == ("0611223344", "nouveau@example.org")
    assert request.state == RequestState.ACCEPTED and request.decided_by == instructor
    assert RequestEvent.objects.get(request=request, kind=EventKind.ACCEPTED).message == "Dossier à jour."
    assert ModelLogEntry.objects.get(action="portail.request.accept", object_id=str(request.pk)).user == instructor
    assert ModelLogEntry.objects.get(action="wagtail.edit", object_id=str(guardian.pk)).user == instructor

    decided = text(client.get(decision_url(request)))
    assert "Acceptée" in decided and "Inès STRUCTRICE" in decided and "Dossier à jour." in decided
    assert "Valeur avant la demande" in decided and ">Accepter</button>" not in decided


def test_refusing_keeps_the_file_and_the_message_reaches_the_family(client, instructor, parent):
    guardian, request = guardian_change(parent, phone="0611223344")

    submit(client, decision_url(request), {"decision": "refuse", "message": "Justificatif manquant."})

    guardian.refresh_from_db()
    request.refresh_from_db()
    assert guardian.phone == "0102030405"
    assert request.state == RequestState.REFUSED and request.decided_by == instructor
    event = RequestEvent.objects.get(request=request, kind=EventKind.REFUSED)
    assert event.message == "Justificatif manquant." and event.visible_to_family and event.author == instructor
    assert ModelLogEntry.objects.get(action="portail.request.refuse").user == instructor


def test_a_file_changed_since_the_request_is_accepted_only_with_fresh_values(client, instructor, parent):
    guardian, request = guardian_change(parent, phone="0611223344", email="nouveau@example.org")
    Guardian.objects.filter(pk=guardian.pk).update(phone="0799887766")

    before = text(client.get(decision_url(request)))
    assert "Modifié depuis la demande" in before and "Lors de la demande : 0102030405" in before

    warned = submit(client, decision_url(request), {"decision": "accept", "message": "Vu."})

    page = text(warned)
    assert warned.status_code == 200
    assert "Le dossier a été modifié depuis cette demande" in page
    assert "0799887766" in page and "Accepter avec ces valeurs" in page
    assert 'name="valeur-phone"' in page and 'value="0611223344"' in page and 'name="valeur-email"' not in page
    request.refresh_from_db()
    guardian.refresh_from_db()
    assert request.state == RequestState.PENDING and guardian.phone == "0799887766"

    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', page).group(1)
    submit(
        client,
        decision_url(request),
        {"decision": "accept_values", "fingerprint": fingerprint, "valeur-phone": "0655443322", "message": "Vu."},
    )

    request.refresh_from_db()
    guardian.refresh_from_db()
    assert request.state == RequestState.ACCEPTED
    assert (guardian.phone, guardian.email) == ("0655443322", "nouveau@example.org")


def test_a_file_changed_again_while_deciding_is_shown_again(client, instructor, parent):
    guardian, request = guardian_change(parent, phone="0611223344")
    Guardian.objects.filter(pk=guardian.pk).update(phone="0799887766")
    page = text(submit(client, decision_url(request), {"decision": "accept"}))
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', page).group(1)
    Guardian.objects.filter(pk=guardian.pk).update(phone="0788888888")

    response = submit(
        client,
        decision_url(request),
        {"decision": "accept_values", "fingerprint": fingerprint, "valeur-phone": "0655443322"},
    )

    assert "Le dossier a encore été modifié pendant votre vérification" in text(response)
    assert "0788888888" in text(response)
    request.refresh_from_db()
    guardian.refresh_from_db()
    assert request.state == RequestState.PENDING and guardian.phone == "0788888888"


def test_fresh_bank_details_are_chosen_masked_before_they_are_applied(client, instructor, parent):
    family = linked(parent, FamilyFactory(name="DURANT", iban="FR7630006000011234567890189", bic="BNPAFRPP"))
    request = modifications_services.family_file_submit(
        family=family, kind=RequestKind.BANK_CHANGE, values={"iban": "FR7610107001011234567890129"}, by=parent
    )
    Family.objects.filter(pk=family.pk).update(iban="FR7630004000031234567890143")
    page = text(submit(client, decision_url(request), {"decision": "accept"}))
    assert "Garder l'IBAN actuel (FR76 •••• •••• •••• •••• •••• 143)" in page
    assert "Appliquer l'IBAN demandé (FR76 •••• •••• •••• •••• •••• 129)" in page
    for full in ("FR7630004000031234567890143", "FR7610107001011234567890129", "FR76 1010 7001 0112 3456 7890 129"):
        assert full not in page
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', page).group(1)

    refused = submit(
        client,
        decision_url(request),
        {"decision": "accept_values", "fingerprint": fingerprint, "valeur-iban": "FR76 1010 7001 0112 3456 7890 129"},
    )

    assert refused.status_code == 200 and "Sélectionnez un choix valide" in text(refused)
    assert Request.objects.get(pk=request.pk).state == RequestState.PENDING

    submit(
        client, decision_url(request), {"decision": "accept_values", "fingerprint": fingerprint, "valeur-iban": "asked"}
    )

    family.refresh_from_db()
    assert family.iban == "FR7610107001011234567890129"
    assert Request.objects.get(pk=request.pk).state == RequestState.ACCEPTED


def test_a_new_child_is_shown_with_its_tables(client, instructor, parent):
    family = linked(parent, FamilyFactory(name="DURANT"))
    request = modifications_services.family_file_submit(
        family=family,
        kind=RequestKind.CHILD_ADD,
        values={
            "last_name": "Durant",
            "first_name": "Zoé",
            "birth_date": "2019-05-04",
            "sex": "F",
            "vaccinations": [{"name": "DTP", "date": "2019-07-01", "booster_date": None}],
            "contacts": [],
        },
        by=parent,
    )

    page = text(client.get(decision_url(request)))
    assert "Ajout d'un enfant" in page and "04/05/2019" in page and "Fille" in page
    assert "Vaccin" in page and "DTP" in page and "01/07/2019" in page

    submit(client, decision_url(request), {"decision": "accept"})

    request.refresh_from_db()
    assert request.child.first_name == "Zoé"
    assert list(Vaccination.objects.filter(child=request.child).values_list("name", flat=True)) == ["DTP"]


def test_bulk_accept_skips_stale_and_decided_requests_and_says_so(client, instructor, parent):
    fresh_guardian, fresh = guardian_change(parent, "DURANT")
    stale_guardians_requests = [guardian_change(parent, name) for name in ("MARTIN", "PETIT")]
    for guardian, _ in stale_guardians_requests:
        Guardian.objects.filter(pk=guardian.pk).update(phone="0799887766")
    _, decided = guardian_change(parent, "REFUSEE")
    modifications_services.request_refuse(request=decided, by=instructor)
    selected = [fresh, *(request for _, request in stale_guardians_requests), decided]

    confirm = text(client.get(bulk_url("accept", *selected)))
    assert "Accepter 3 demandes ?" in confirm and "Message pour les familles" in confirm
    assert "déjà traitée : Refusée" in confirm

    response = submit(client, bulk_url("accept", *selected), {"message": "Bonne journée."})

    assert response.status_code == 302
    fresh_guardian.refresh_from_db()
    assert fresh_guardian.phone == "0611223344"
    assert Request.objects.get(pk=fresh.pk).state == RequestState.ACCEPTED
    assert RequestEvent.objects.get(request=fresh, kind=EventKind.ACCEPTED).message == "Bonne journée."
    for guardian, request in stale_guardians_requests:
        guardian.refresh_from_db()
        assert guardian.phone == "0799887766"
        assert Request.objects.get(pk=request.pk).state == RequestState.PENDING
    assert Request.objects.get(pk=decided.pk).state == RequestState.REFUSED
    notices = page_messages(response)
    assert "1 demande acceptée." in notices
    assert any(
        n.startswith("2 demandes n'ont pas été acceptées : le dossier a changé depuis ; traitez-les une par une.")
        for n in notices
    )
    assert "1 demande avait déjà été traitée : elle n'a pas été modifiée." in notices


def test_bulk_refuse_keeps_the_files_and_sends_the_message(client, instructor, parent):
    requests = [guardian_change(parent, name) for name in ("DURANT", "MARTIN")]

    response = submit(client, bulk_url("refuse", *(r for _, r in requests)), {"message": "Pièces manquantes."})

    assert "2 demandes refusées." in page_messages(response)
    for guardian, request in requests:
        guardian.refresh_from_db()
        assert guardian.phone == "0102030405"
        assert Request.objects.get(pk=request.pk).state == RequestState.REFUSED
        assert RequestEvent.objects.get(request=request, kind=EventKind.REFUSED).message == "Pièces manquantes."
    assert ModelLogEntry.objects.filter(action="portail.request.refuse", user=instructor).count() == 2


def test_the_queue_offers_only_decisions_as_bulk_actions(client, instructor, parent):
    guardian_change(parent)
    page = text(client.get(QUEUE))
    assert "/admin/bulk/espace_famille/request/accept/" in page
    assert "/admin/bulk/espace_famille/request/refuse/" in page
    assert "/admin/bulk/espace_famille/request/delete/" not in page
    assert f"{QUEUE}add/" not in page


def test_nobody_edits_or_deletes_a_request_in_the_admin(client, parent):
    _, request = guardian_change(parent)
    client.force_login(UserFactory(is_superuser=True, email="admin@example.org"))
    assert client.get(f"{QUEUE}edit/{request.pk}/").status_code in (302, 403)
    assert client.get(f"{QUEUE}add/").status_code in (302, 403)
    client.post(f"{QUEUE}delete/{request.pk}/")
    client.post(bulk_url("delete", request))
    assert Request.objects.filter(pk=request.pk).exists()


def test_a_communication_officer_cannot_see_or_decide_requests(client, parent):
    guardian, request = guardian_change(parent)
    client.force_login(staff(COMMUNICATION))

    assert client.get(QUEUE).status_code in (302, 403)
    assert client.get(decision_url(request)).status_code in (302, 403)
    assert client.post(decision_url(request), {"decision": "accept"}).status_code in (302, 403)
    client.post(bulk_url("accept", request), {"message": ""})

    request.refresh_from_db()
    guardian.refresh_from_db()
    assert request.state == RequestState.PENDING and guardian.phone == "0102030405"
    assert "Demandes" not in text(client.get("/admin/"))


def test_an_anonymous_visitor_is_sent_to_the_admin_login(client, parent):
    _, request = guardian_change(parent)
    for url in (QUEUE, decision_url(request)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.post(decision_url(request), {"decision": "accept"})
    assert Request.objects.get(pk=request.pk).state == RequestState.PENDING


def test_the_journal_reads_decisions_in_french(client, instructor, parent):
    _, request = guardian_change(parent)
    submit(client, decision_url(request), {"decision": "refuse", "message": "Pièce manquante."})

    journal = text(client.get(f"{QUEUE}history/{request.pk}/"))

    assert "Demande enregistrée par la famille" in journal
    assert "Demande refusée — message pour la famille : « Pièce manquante. »" in journal


def test_the_journal_leads_back_to_the_request_and_nowhere_else(client, instructor, parent):
    _, request = guardian_change(parent)
    journal_url = f"{QUEUE}history/{request.pk}/"

    journal = client.get(journal_url).content.decode()

    assert set(re.findall(rf'href="({QUEUE}[a-z]+/{request.pk}/)"', journal)) <= {decision_url(request), journal_url}
    assert re.search(rf'href="{decision_url(request)}"[^>]*>\s*(<svg.*?</svg>)?\s*Voir la demande', journal, re.S)
    assert "/edit/" not in journal
    assert client.get(decision_url(request)).status_code == 200


def test_staff_correct_a_guardian_and_the_change_is_logged(client, instructor):
    guardian = GuardianFactory(family=FamilyFactory(name="DURANT"), first_name="Jean")
    data = {
        "family": guardian.family_id,
        "civility": "M.",
        "quality": "pere",
        "last_name": "DURANT",
        "first_name": "Jean-Marc",
        "family_situation": "marie",
        "position": 1,
        "email": "jm@example.org",
        "phone": "",
        "mobile": "0611223344",
        "accepts_email": "on",
    }

    response = client.post(f"/admin/espace_famille/guardian/edit/{guardian.pk}/", data)

    assert response.status_code == 302
    guardian.refresh_from_db()
    assert (guardian.first_name, guardian.mobile, guardian.quality) == ("Jean-Marc", "0611223344", "pere")
    assert ModelLogEntry.objects.get(action="wagtail.edit", object_id=str(guardian.pk)).user == instructor
    assert "Jean-Marc" in text(client.get("/admin/espace_famille/guardian/", {"q": "jean-marc"}))


def test_an_instructor_edits_a_family_but_not_its_iban(client, instructor):
    family = FamilyFactory(name="DURANT", iban="FR7630006000011234567890189")
    url = f"/admin/espace_famille/family/edit/{family.pk}/"
    form = text(client.get(url))
    for label in ("Informations fiscales", "Quotient familial", "Adresse", "Code postal", "Coordonnées bancaires"):
        assert label in form
    assert "FR76 •••• •••• •••• •••• •••• 189" in form and "FR7630006000011234567890189" not in form
    data = {"name": "DURANT", "quotient": "850", "postcode": "75001", "city": "Paris", "account_holder": "J. Durant"}

    client.post(url, {**data, "iban": "FR76 1010 7001 0112 3456 7890 129", "bic": "BNPAFRPP"})

    family.refresh_from_db()
    assert (family.iban, family.bic, family.quotient) == ("FR7630006000011234567890189", "BNPAFRPP", 850)
    assert ModelLogEntry.objects.get(action="wagtail.edit", object_id=str(family.pk)).user == instructor


def test_a_childs_vaccines_open_from_the_children_list(client, instructor):
    child = ChildFactory(first_name="Léa")
    other = ChildFactory(first_name="Tom")
    Vaccination.objects.create(child=child, name="DTP", date=date(2020, 1, 1))
    Vaccination.objects.create(child=other, name="ROR", date=date(2020, 1, 1))

    children = text(client.get("/admin/espace_famille/child/"))
    assert f"/admin/espace_famille/vaccination/?child={child.pk}" in children

    vaccines = text(client.get("/admin/espace_famille/vaccination/", {"child": child.pk}))
    assert "DTP" in vaccines and "ROR" not in vaccines


def test_a_decision_sent_twice_is_taken_once(client, instructor, parent):
    guardian, request = guardian_change(parent, phone="0611223344")
    form = {"decision": "accept", "message": "Dossier à jour.", "intent": intent_in(client.get(decision_url(request)))}
    client.post(decision_url(request), form)
    again = client.post(decision_url(request), {**form, "decision": "refuse"})

    assert again.status_code == 302 and again["Location"] == QUEUE
    assert "Cette demande est déjà enregistrée." in page_messages(again)
    assert Request.objects.get(pk=request.pk).state == RequestState.ACCEPTED
    assert RequestEvent.objects.filter(request=request, kind=EventKind.ACCEPTED).count() == 1


def test_a_bulk_decision_sent_twice_decides_once_and_says_so(client, instructor, parent):
    requests = [request for _, request in (guardian_change(parent, name) for name in ("DURANT", "MARTIN"))]
    url = bulk_url("accept", *requests)
    form = {"message": "Bonne journée.", "intent": intent_in(client.get(url))}
    first = client.post(url, form)
    again = client.post(url, form)

    assert "2 demandes acceptées." in page_messages(first)
    assert again.status_code == 302  # the first page's message was not read: the repeat adds only its own
    assert page_messages(again) == ["2 demandes acceptées.", "Cette demande est déjà enregistrée."]
    assert RequestEvent.objects.filter(kind=EventKind.ACCEPTED).count() == 2
    assert ModelLogEntry.objects.filter(action="portail.request.accept").count() == 2


def test_a_bulk_confirmation_names_its_requests(client, instructor, parent):
    shown, other = (request for _, request in (guardian_change(parent, name) for name in ("DURANT", "MARTIN")))
    token = intent_in(client.get(bulk_url("refuse", shown)))
    response = client.post(bulk_url("refuse", shown, other), {"message": "", "intent": token})

    assert response.status_code == 302 and "Cette page a expiré" in " ".join(page_messages(response))
    assert set(Request.objects.values_list("state", flat=True)) == {RequestState.PENDING}
