"""«Pré-inscription en crèche»: the three steps, the draft, the review page, the submission and the decisions."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from espace_famille.creche import services
from espace_famille.creche.models import CrecheApplication, CrecheDraft
from espace_famille.demandes.exceptions import InvalidTransition
from espace_famille.demandes.models import DecisionNotice, RequestEvent, RequestKind, RequestState
from espace_famille.dossier.models import Subscription
from espace_famille.planning.models import FacilityKind
from notifications.models import OutboxMessage
from tests.factories import FacilityFactory, FamilyFactory, GuardianFactory, UserFactory, service_instructor
from tests.intents import intent_in, submit
from tests.races import at_the_same_moment

pytestmark = pytest.mark.django_db
STEP = [None] + [reverse("creche:step", args=[n]) for n in (1, 2, 3)]
REVIEW = reverse("creche:review")
SUBMIT = reverse("creche:submit")
FUTURE = (timezone.localdate() + timedelta(days=90)).isoformat()


def text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def creches(db):
    return [
        FacilityFactory(name="Crèche Les Petits Pas", kind=FacilityKind.CRECHE),
        FacilityFactory(name="Crèche Les Lucioles", kind=FacilityKind.CRECHE),
    ]


@pytest.fixture
def family(site):
    family = FamilyFactory(name="BLMAN", allocataire_number="1234567", postcode="38000", city="Grenoble")
    GuardianFactory(family=family, first_name="Annette", last_name="BLMAN", email="annette@example.org")
    return family


@pytest.fixture
def parent(client, family):
    user = UserFactory(email="annette@example.org")
    Subscription.objects.create(user=user, family=family, method="code")
    client.force_login(user)
    return user


STEP1 = {
    "r1_civility": "Mme",
    "r1_last_name": "BLMAN",
    "r1_first_name": "Annette",
    "r1_birth_date": "1990-04-02",
    "r1_phone": "06 12 34 56 78",
    "r1_email": "annette@example.org",
    "r1_allocataire": "1234567",
}
STEP2 = {"child_sex": "F", "child_last_name": "BLMAN", "child_first_name": "Lina", "child_birth_date": "2026-12-01"}


def step3(creches, **extra):
    return {
        "choice1": creches[0].pk,
        "choice2": creches[1].pk,
        "entry_date": FUTURE,
        "care_kind": "regulier",
        "slot_0_0": "on",
        "slot_2_1": "on",
        **extra,
    }


def fill(client, creches):
    assert client.post(STEP[1], STEP1).status_code == 302
    assert client.post(STEP[2], STEP2).status_code == 302
    response = client.post(STEP[3], step3(creches))
    assert response.status_code == 302 and response.url == REVIEW


def test_the_first_step_is_prefilled_from_the_family_file(client, parent, creches):
    page = text(client.get(STEP[1]))
    assert "Etape 1 Informations" in page and "Responsable1" in page and "Responsable2" in page
    assert 'value="Annette"' in page and 'value="annette@example.org"' in page and 'value="1234567"' in page
    page = text(client.get(STEP[2]))
    assert 'value="38000"' in page and 'value="Grenoble"' in page and "Nouvel enfant" in page


def test_a_missing_required_field_is_refused_beside_it_with_400(client, parent, creches):
    response = client.post(STEP[1], {**STEP1, "r1_last_name": ""})
    assert response.status_code == 400
    assert "* Ce champ n'est pas optionnel." in text(response)
    assert not CrecheDraft.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("r1_phone", "12", "Saisissez un numéro de téléphone valide"),
        ("r1_email", "annette", "Saisissez une adresse e-mail valide."),
        ("r1_birth_date", "1850-01-01", "La date de naissance n'est pas plausible."),
        ("r1_birth_date", "2999-01-01", "La date de naissance ne peut pas être dans le futur."),
    ],
)
def test_bad_guardian_values_get_a_french_message(client, parent, field, value, message):
    response = client.post(STEP[1], {**STEP1, field: value})
    assert response.status_code == 400
    assert message in text(response)


def test_a_started_second_guardian_needs_its_starred_fields(client, parent):
    response = client.post(STEP[1], {**STEP1, "r2_first_name": "Paul"})
    assert response.status_code == 400
    assert text(response).count("* Ce champ n'est pas optionnel.") == 5


def test_an_absurd_child_birth_date_is_refused(client, parent):
    response = client.post(STEP[2], {**STEP2, "child_birth_date": "2001-01-01"})
    assert response.status_code == 400
    assert "Un enfant accueilli en crèche a moins de 6 ans." in text(response)


def test_the_entry_date_is_in_the_future_and_choices_are_distinct(client, parent, creches):
    response = client.post(STEP[3], step3(creches, choice2=creches[0].pk, entry_date="2000-01-01"))
    assert response.status_code == 400
    page = text(response)
    assert "La date d'entrée souhaitée doit être dans le futur." in page
    assert "Cette crèche est déjà choisie" in page


def test_the_draft_is_kept_across_sessions(client, parent, family, creches):
    client.post(STEP[1], {**STEP1, "r1_profession": "Infirmière"})
    client.logout()
    client.force_login(parent)
    assert 'value="Infirmière"' in text(client.get(STEP[1]))
    assert CrecheDraft.objects.get(family=family).data["r1_profession"] == "Infirmière"


def test_previous_goes_back_and_keeps_the_answers(client, parent, creches):
    client.post(STEP[1], STEP1)
    response = client.post(STEP[2], {**STEP2, "previous": "1"})
    assert response.url == STEP[1]
    assert 'value="Lina"' in text(client.get(STEP[2]))


def test_the_review_page_shows_everything(client, parent, creches):
    fill(client, creches)
    page = text(client.get(REVIEW))
    for shown in [
        "Vérifier ma saisie",
        "Annette",
        "06 12 34 56 78",
        "Lina",
        "Fille",
        "01/12/2026",
        "Crèche Les Petits Pas",
        "Crèche Les Lucioles",
        "Régulier",
        "Lundi matin",
        "Mercredi soir",
    ]:
        assert shown in page, shown


def test_the_review_page_sends_back_to_an_unfinished_step(client, parent, creches):
    client.post(STEP[1], STEP1)
    assert client.get(REVIEW).url == STEP[2]


def test_the_submission_creates_the_request_the_application_and_the_acknowledgement(client, parent, family, creches):
    fill(client, creches)
    response = submit(client, SUBMIT, page=REVIEW)
    application = CrecheApplication.objects.get()
    request = application.request
    assert response.url == reverse("espace_famille:request_detail", args=[request.pk])
    assert request.kind == RequestKind.CRECHE and request.family == family and request.author == parent
    assert request.subject == "Pré-inscription de Lina — Crèche Les Petits Pas"
    assert application.entry_date.isoformat() == FUTURE
    assert set(application.choices.all()) == set(creches)
    assert not CrecheDraft.objects.exists()
    assert OutboxMessage.objects.filter(to_email="annette@example.org").count() == 1
    detail = text(client.get(response.url))
    assert "Crèche Les Lucioles" in detail and "Régulier" in detail
    assert "Pré-inscription de Lina" in text(client.get(reverse("espace_famille:requests")))


@pytest.fixture
def submitted(client, parent, family, creches):
    fill(client, creches)
    submit(client, SUBMIT, page=REVIEW)
    return CrecheApplication.objects.get().request


def test_an_application_sent_twice_is_one_application_and_the_repeat_leads_to_it(client, parent, family, creches):
    fill(client, creches)
    form = {"intent": intent_in(client.get(REVIEW))}
    first = client.post(SUBMIT, form)
    again = client.post(SUBMIT, form)

    assert again.status_code == 302 and again.url == first.url
    assert "Cette demande est déjà enregistrée." in text(client.get(again.url))
    assert CrecheApplication.objects.count() == 1
    assert OutboxMessage.objects.filter(to_email="annette@example.org").count() == 1


def test_a_send_without_its_intent_sends_nothing_and_says_so(client, parent, family, creches):
    fill(client, creches)
    response = client.post(SUBMIT)
    assert response.url == REVIEW and not CrecheApplication.objects.exists()
    assert "Cette page a expiré" in text(client.get(REVIEW, follow=True))
    assert CrecheDraft.objects.exists()


def test_a_step_sent_twice_leaves_the_same_draft(client, parent, creches):
    client.post(STEP[1], STEP1)
    once = CrecheDraft.objects.get().data
    assert client.post(STEP[1], STEP1).status_code == 302
    assert CrecheDraft.objects.get().data == once


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections racing need PostgreSQL")
def test_two_review_pages_sent_at_the_same_moment_make_one_application_and_no_server_error(parent, creches):
    browsers = [Client(), Client()]
    for browser in browsers:
        browser.force_login(parent)
    fill(browsers[0], creches)
    forms = [{"intent": intent_in(browser.get(REVIEW))} for browser in browsers]
    answers = []
    sends = zip(browsers, forms, strict=True)
    at_the_same_moment(*(lambda b=b, f=f: answers.append(b.post(SUBMIT, f).status_code) for b, f in sends))
    assert answers == [302, 302]
    assert CrecheApplication.objects.count() == 1


def test_an_instructor_puts_on_the_waiting_list_then_accepts(submitted):
    instructor = service_instructor(is_staff=True)
    services.decide(request=submitted, by=instructor, decision=RequestState.WAITING, message="Pas de place")
    submitted.refresh_from_db()
    assert submitted.state == RequestState.WAITING
    assert DecisionNotice.objects.get(request=submitted).state == "Sur liste d'attente"
    with pytest.raises(InvalidTransition):
        services.decide(request=submitted, by=instructor, decision=RequestState.WAITING)
    services.decide(request=submitted, by=instructor, decision=RequestState.ACCEPTED, message="Bienvenue")
    submitted.refresh_from_db()
    assert submitted.state == RequestState.ACCEPTED
    assert list(RequestEvent.objects.filter(request=submitted).values_list("message", flat=True).order_by("pk")) == [
        "",
        "Pas de place",
        "Bienvenue",
    ]
    with pytest.raises(InvalidTransition):
        services.decide(request=submitted, by=instructor, decision=RequestState.REFUSED)


def test_a_refusal_is_told_to_the_family(client, submitted):
    services.decide(
        request=submitted, by=service_instructor(is_staff=True), decision=RequestState.REFUSED, message="Complet"
    )
    assert DecisionNotice.objects.get(request=submitted).state == "Refusé"
    assert "Complet" in text(client.get(reverse("espace_famille:request_detail", args=[submitted.pk])))


def test_the_application_reads_its_dates_as_the_parent_writes_them(client, submitted):
    detail = text(client.get(reverse("espace_famille:request_detail", args=[submitted.pk])))
    assert "<dt>Date de naissance (prévue)</dt><dd>01/12/2026</dd>" in detail and "2026-12-01" not in detail


def test_another_family_cannot_see_the_application(client, submitted):
    other = UserFactory()
    Subscription.objects.create(user=other, family=FamilyFactory(name="DURANT"), method="code")
    client.force_login(other)
    assert client.get(reverse("espace_famille:request_detail", args=[submitted.pk])).status_code == 404
    assert 'value="Annette"' not in text(client.get(STEP[1]))


def test_a_user_without_family_gets_404(client, db):
    client.force_login(UserFactory())
    for url in [STEP[1], STEP[2], STEP[3], REVIEW]:
        assert client.get(url).status_code == 404
    assert client.post(SUBMIT).status_code == 404


@pytest.mark.parametrize("url", [STEP[1], STEP[2], STEP[3], REVIEW, SUBMIT, reverse("creche:start")])
def test_anonymous_people_are_sent_to_login(client, url, db):
    response = client.get(url) if url != SUBMIT else client.post(url)
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def starred_and_named(page: str, prefix: str) -> dict[str, bool]:
    """Each field of the page whose name starts with `prefix`: does its label (or legend) carry the asterisk?"""
    shown = {}
    for block in page.split('<div class="field')[1:]:
        name = re.search(r'name="(\w+)"', block)
        if name and name.group(1).startswith(prefix):
            shown[name.group(1)] = '<span class="required"' in block.split("</label>")[0].split("</legend>")[0]
    return shown


def test_the_second_guardians_fields_show_an_asterisk_exactly_where_a_started_one_is_required(client, parent):
    starred = starred_and_named(text(client.get(STEP[1])), "r2_")
    assert starred["r2_birth_date"] and starred["r2_first_name"] and not starred["r2_profession"]

    response = client.post(STEP[1], {**STEP1, "r2_profession": "Infirmier"})
    page = text(response)
    assert response.status_code == 400
    refused = {
        name for name in starred if re.search(rf'id="id_{name}_error"><p>\* Ce champ n\'est pas optionnel\.', page)
    }
    assert refused == {name for name, star in starred.items() if star}


def test_an_entry_date_before_the_childs_birth_is_refused_beside_it(client, parent, creches):
    client.post(STEP[1], STEP1)
    client.post(STEP[2], {**STEP2, "child_birth_date": (timezone.localdate() + timedelta(days=200)).isoformat()})
    response = client.post(STEP[3], step3(creches, entry_date=FUTURE))
    assert response.status_code == 400
    error = re.search(r'id="id_entry_date_error">(.*?)</div>', text(response), re.S)
    assert error and "ne peut pas précéder la naissance de l'enfant" in error.group(1)
    assert "entry_date" not in CrecheDraft.objects.get().data


def test_regular_care_with_no_day_ticked_is_refused_beside_the_grid(client, parent, creches):
    answers = {name: value for name, value in step3(creches).items() if not name.startswith("slot_")}
    response = client.post(STEP[3], answers)
    assert response.status_code == 400
    page = text(response)
    grid = page[page.index("Fréquentation souhaitée") :]
    assert "Cochez au moins un jour de garde pour un accueil régulier." in grid[: grid.index("</table>")]
    occasional = client.post(STEP[3], {**answers, "care_kind": "occasionnel"})
    assert occasional.status_code == 302


def test_the_recap_screens_write_dates_in_french(client, parent, creches):
    fill(client, creches)
    review = text(client.get(REVIEW))
    detail = text(client.get(submit(client, SUBMIT, page=REVIEW).url))
    for page in (review, detail):
        main = page[page.index("<main") : page.index("</main>")]
        assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", main), re.findall(r"\b\d{4}-\d{2}-\d{2}\b", main)
        assert "01/12/2026" in main
