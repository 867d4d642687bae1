"""For any edit of the family-file pages, accepting what was asked gives exactly the file the parent saw plus the
parent's edits: nothing more, nothing less (hypothesis, through the real pages and services)."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from espace_famille.demandes.models import Request, RequestState
from espace_famille.dossier import changes, rules
from espace_famille.dossier.models import (
    AuthorizedContact,
    Civility,
    Diet,
    Family,
    FamilySituation,
    Guardian,
    Quality,
    Relationship,
    Sex,
    Vaccination,
)
from espace_famille.modifications import services as modifications_services
from tests.conftest import examples
from tests.espace_famille.modifications.page_form import page_form
from tests.factories import PASSWORD, ChildFactory, FamilyFactory, GuardianFactory, UserFactory, service_instructor

pytestmark = pytest.mark.django_db
# Each example opens up to a dozen pages and asks (about half a second, more on a busy machine): 7 of them keep
# each property under 5 seconds; HYPOTHESIS_PROFILE=deep tries 70.
EXAMPLES = settings(
    max_examples=examples(7),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Values as the forms give them back (stripped, phones written the French way, IBAN and BIC compact).
WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèçABCDEFGHIJKLMNOPQRSTUVWXYZ-'", min_size=1, max_size=10)
NAME = st.builds(lambda a, b: f"{a} {b}" if b else a, WORD, st.one_of(st.just(""), WORD))
OPTIONAL = st.one_of(st.just(""), NAME)
PHONE = st.sampled_from(["06 12 34 56 78", "06 98 76 54 32", "03 80 22 22 22", "06 11 22 33 44"])
OPTIONAL_PHONE = st.one_of(st.just(""), PHONE)
DAY = st.dates(min_value=date(2005, 1, 1), max_value=date(2022, 12, 31))
IBANS = st.sampled_from(["FR7630006000011234567890189", "FR7610107001011234567890129", "DE89370400440532013000"])
BICS = st.sampled_from(["AGRIFRPP882", "BNPAFRPP", "COBADEFFXXX"])


def choice(choices, blank=True):
    values = [value for value in choices.values if value]
    return st.sampled_from([""] * blank + values)


FAMILY = {
    "quotient": st.one_of(st.none(), st.integers(0, 99999)),
    "allocataire_number": st.one_of(st.just(""), st.from_regex(r"\A[0-9]{4,8}\Z")),
    "dependants": st.one_of(st.none(), st.integers(0, 30)),
    "address_line": NAME,
    "address_complement": OPTIONAL,
    "postcode": st.from_regex(r"\A[0-9]{5}\Z"),
    "city": NAME,
    "account_holder": OPTIONAL,
    "bic": st.one_of(st.just(""), BICS),
}
SECTIONS = {
    "fiscal": ("quotient", "allocataire_number", "dependants"),
    "address": ("address_line", "address_complement", "postcode", "city"),
    "bank": ("account_holder", "iban", "bic"),
}
GUARDIAN = {
    "civility": choice(Civility),
    "family_situation": choice(FamilySituation),
    "last_name": NAME,
    "first_name": NAME,
    "email": st.sampled_from(["", "jean@example.org", "anne.durant@example.fr"]),
    "phone": OPTIONAL_PHONE,
    "quality": choice(Quality),
    "mobile": OPTIONAL_PHONE,
    "accepts_email": st.booleans(),
    "accepts_sms": st.booleans(),
}
CHILD = {
    "last_name": NAME,
    "first_name": NAME,
    "birth_date": DAY.map(date.isoformat),
    "sex": choice(Sex, blank=False),
    "insurance_company": OPTIONAL,
    "insurance_number": OPTIONAL,
    **{name: st.booleans() for name in ("glasses", "dental_appliance", "hearing_aid")},
    **{name: st.booleans() for name in rules.CHILD_FIELDS if name.startswith("allows_")},
    "diet": st.sampled_from(Diet.values),
    "allergies": OPTIONAL,
}


@st.composite
def vaccination(draw) -> dict:
    given = draw(DAY)
    booster = draw(st.one_of(st.none(), st.integers(0, 3000).map(lambda days: given + timedelta(days=days))))
    return {"name": draw(NAME), "date": given.isoformat(), "booster_date": booster and booster.isoformat()}


@st.composite
def contact(draw) -> dict:
    mobile, phone = draw(OPTIONAL_PHONE), draw(OPTIONAL_PHONE)
    if not (mobile or phone):
        mobile = draw(PHONE)
    return {
        "full_name": draw(NAME),
        "mobile": mobile,
        "phone": phone,
        "relationship": draw(choice(Relationship, blank=False)),
        "emergency_call": draw(st.booleans()),
        "can_pick_up": draw(st.booleans()),
    }


ROWS = {"vaccinations": (vaccination(), Vaccination), "contacts": (contact(), AuthorizedContact)}


def typed(data: dict, name: str, value) -> None:
    """Type `value` into the field `name` of the form as a browser would send it."""
    if isinstance(value, bool):
        if value:
            data[name] = "on"
        else:
            data.pop(name, None)
    else:
        data[name] = "" if value is None else str(value)


def row_at(data: dict, prefix: str, index: int) -> dict:
    """Row `index` of a table as the form holds it, read back as the file's values."""
    row = {}
    for field in rules.CHILD_LIST_FIELDS[prefix]:
        raw = data.get(f"{prefix}-{index}-{field}")
        if field in ("emergency_call", "can_pick_up"):
            row[field] = bool(raw)
        elif field.endswith("date"):
            row[field] = raw or None
        else:
            row[field] = raw
    return row


def shown_rows(data: dict, prefix: str) -> list[dict]:
    """The rows the page shows."""
    shown = [row_at(data, prefix, index) for index in range(int(data[f"{prefix}-INITIAL_FORMS"]))]
    return changes.normalise_rows(prefix, shown)


@pytest.fixture
def people(client, site):
    parent = UserFactory()
    instructor = service_instructor(email="instructeur@example.org", is_staff=True)
    family = FamilyFactory(name="DURANT")
    family.subscriptions.create(user=parent, method="code")
    client.force_login(parent)
    return parent, instructor, family


def accept_everything(instructor) -> None:
    for request in Request.objects.filter(state=RequestState.PENDING):
        modifications_services.request_accept(request=request, by=instructor)


class Rollback(Exception):
    """Ends an example: what it wrote goes, the next one starts from the same database."""


def in_savepoint(check):
    try:
        with transaction.atomic():
            check()
            raise Rollback
    except Rollback:
        pass


@EXAMPLES
@given(data=st.data())
def test_the_guardians_page_gives_the_file_shown_plus_the_edits(client, people, data):
    parent, instructor, family = people

    def check():
        initial = {name: data.draw(strategy, label=name) for name, strategy in FAMILY.items()}
        initial["iban"] = data.draw(st.one_of(st.just(""), IBANS), label="iban") if initial["bic"] else ""
        Family.objects.filter(pk=family.pk).update(**initial)
        guardian = GuardianFactory(family=family, **{name: data.draw(s, label=name) for name, s in GUARDIAN.items()})
        url = reverse("espace_famille:guardian_edit", args=[guardian.pk])
        expected_family = changes.snapshot(Family.objects.get(pk=family.pk), FAMILY | {"iban": None})
        expected_guardian = changes.snapshot(guardian, GUARDIAN)

        for _ in range(data.draw(st.integers(1, 2), label="submissions")):
            form = page_form(client.get(url))
            edits = data.draw(st.lists(st.sampled_from([*FAMILY, "iban", *GUARDIAN]), unique=True), label="edited")
            if "iban" in edits and "bic" not in edits:
                edits.append("bic")
            for name in edits:
                if name in GUARDIAN:
                    value = data.draw(GUARDIAN[name], label=name)
                    typed(form, f"guardian-{name}", value)
                    expected_guardian[name] = value
                    continue
                value = data.draw(
                    IBANS if name == "iban" else BICS if name == "bic" and "iban" in edits else FAMILY[name]
                )
                section = next(prefix for prefix, names in SECTIONS.items() if name in names)
                typed(form, f"{section}-{name}", value)
                expected_family[name] = value
            if any(name in SECTIONS["bank"] for name in edits):
                form["bank-password"] = PASSWORD
            response = client.post(url, form)
            assert response.status_code == 302, response.content.decode()

        accept_everything(instructor)
        assert changes.snapshot(Family.objects.get(pk=family.pk), expected_family) == expected_family
        assert changes.snapshot(Guardian.objects.get(pk=guardian.pk), expected_guardian) == expected_guardian

    in_savepoint(check)


@EXAMPLES
@given(data=st.data())
def test_a_childs_page_gives_the_file_shown_plus_the_edits(client, people, data):
    parent, instructor, family = people

    def check():
        child = ChildFactory(family=family, **{name: data.draw(s, label=name) for name, s in CHILD.items()})
        for prefix, (row, model) in ROWS.items():
            for values in data.draw(st.lists(row, max_size=3), label=prefix):
                model.objects.create(child=child, **values)
        url = reverse("espace_famille:child_edit", args=[child.pk])
        expected = changes.snapshot(child, [*CHILD, *ROWS])

        for _ in range(data.draw(st.integers(1, 2), label="submissions")):
            page = client.get(url)
            for prefix in ROWS:
                # The page shows the file, or the values pending: the parent starts from there.
                assert shown_rows(page_form(page), prefix) == expected[prefix]
                for _ in range(data.draw(st.integers(0, 2), label=f"new {prefix}")):
                    page = client.post(url, {**page_form(page), "add": prefix})
            form = page_form(page)
            for name in data.draw(st.lists(st.sampled_from(list(CHILD)), unique=True), label="edited"):
                expected[name] = data.draw(CHILD[name], label=name)
                typed(form, f"child-{name}", expected[name])
            for prefix, (row, _) in ROWS.items():
                kept = []
                for index in range(int(form[f"{prefix}-TOTAL_FORMS"])):
                    shown = index < int(form[f"{prefix}-INITIAL_FORMS"])
                    action = data.draw(
                        st.sampled_from(["keep", "edit", "delete"] if shown else ["fill", "leave empty"])
                    )
                    if action == "keep":
                        kept.append(row_at(form, prefix, index))
                    elif action == "delete":
                        form[f"{prefix}-{index}-DELETE"] = "on"
                    elif action in ("edit", "fill"):
                        values = data.draw(row, label=f"{prefix} {index}")
                        for field, value in values.items():
                            typed(form, f"{prefix}-{index}-{field}", value)
                        kept.append(values)
                expected[prefix] = changes.normalise_rows(prefix, kept)
            response = client.post(url, form)
            assert response.status_code == 302, response.content.decode()

        accept_everything(instructor)
        child.refresh_from_db()
        assert changes.snapshot(child, expected) == expected

    in_savepoint(check)
