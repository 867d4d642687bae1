"""The decision framework's contract, over the real registered kinds: a pending request of each kind, built through
the apps' own services, decided through demandes.services.request_decide. The framework writes every record of a
decision (state, event, audit entry, the family's notice): a kind that stops returning its audit entry or notice
fails here."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import ModelLogEntry

from commun.clock import PARIS
from espace_famille.demandes import kinds, services
from espace_famille.demandes.exceptions import InvalidTransition
from espace_famille.demandes.models import DecisionNotice, EventKind, Request, RequestEvent, RequestKind, RequestState
from espace_famille.justificatifs import services as documents
from espace_famille.justificatifs.models import DocumentType, Validity
from espace_famille.modifications import services as modifications
from espace_famille.planning import services as planning
from tests.espace_famille.creche.factories import creche, submitted_application
from tests.espace_famille.justificatifs.test_documents import pdf_bytes
from tests.factories import (
    ActivityFactory,
    ChildFactory,
    EnrolmentFactory,
    FamilyFactory,
    GuardianFactory,
    UserFactory,
    parent_of,
    service_instructor,
)

pytestmark = pytest.mark.django_db

ASKED = datetime(2026, 11, 10, 9, 0, tzinfo=PARIS)
MONDAY = date(2026, 11, 16)


def _family():
    family = FamilyFactory(name="DURANT")
    return family, parent_of(family)


def _file_change(kind, values, *, person=None):
    def build():
        family, parent = _family()
        target = {}
        if person == "guardian":
            target["guardian"] = GuardianFactory(family=family)
        elif person == "child":
            target["child"] = ChildFactory(family=family)
        return modifications.family_file_submit(family=family, kind=kind, values=values, by=parent, **target)

    return build


def _days(kind):
    def build():
        family, parent = _family()
        child = ChildFactory(family=family, first_name="Léa")
        activity = ActivityFactory(code="4", label="Péri SOIR")
        EnrolmentFactory(child=child, activity=activity)
        ask = dict(family=family, by=parent, children=[child], activity=activity, days=[MONDAY], now=ASKED)
        if kind == RequestKind.ABSENCE:
            booking = planning.booking_request_submit(kind="booking", **ask).requests[0]
            planning.booking_request_decide(request=booking, by=service_instructor(), accept=[MONDAY])
        return planning.booking_request_submit(kind=kind.value, **ask).requests[0]

    return build


def _document():
    family, parent = _family()
    insurance = DocumentType.objects.create(name="Justificatif de domicile", validity=Validity.SEMESTER)
    upload = SimpleUploadedFile("domicile.pdf", pdf_bytes("Facture EDF"), content_type="application/pdf")
    return documents.document_upload(
        family=family, document_type=insurance, child=None, upload=upload, by=parent
    ).request


def _creche():
    return submitted_application(family_name="DURANT", child="Lou", choices=[creche("Les Lutins")]).request


PENDING = {
    RequestKind.GUARDIAN_CHANGE: _file_change(RequestKind.GUARDIAN_CHANGE, {"mobile": "0611223344"}, person="guardian"),
    RequestKind.ADDRESS_CHANGE: _file_change(RequestKind.ADDRESS_CHANGE, {"city": "Lyon"}),
    RequestKind.FISCAL_CHANGE: _file_change(RequestKind.FISCAL_CHANGE, {"quotient": 640}),
    RequestKind.BANK_CHANGE: _file_change(RequestKind.BANK_CHANGE, {"iban": "FR7610107001011234567890129"}),
    RequestKind.CHILD_CHANGE: _file_change(RequestKind.CHILD_CHANGE, {"allergies": "Lait"}, person="child"),
    RequestKind.CHILD_ADD: _file_change(
        RequestKind.CHILD_ADD,
        {"last_name": "Durant", "first_name": "Zoé", "birth_date": "2019-05-04", "sex": "F", "vaccinations": []},
    ),
    RequestKind.BOOKING: _days(RequestKind.BOOKING),
    RequestKind.ABSENCE: _days(RequestKind.ABSENCE),
    RequestKind.DOCUMENT: _document,
    RequestKind.CRECHE: _creche,
}
# Recorded as decided when the family asks (it withdraws its own requests): nothing left to decide.
DECIDED_ON_SUBMISSION = {RequestKind.CANCELLATION}
DECISIONS = [
    (kinds.ACCEPT, RequestState.ACCEPTED, EventKind.ACCEPTED),
    (kinds.REFUSE, RequestState.REFUSED, EventKind.REFUSED),
]


def records(request: Request) -> tuple[int, int, int]:
    """The decision's records: events other than the submission, audit entries of the decision, notices."""
    events = RequestEvent.objects.filter(request=request).exclude(kind=EventKind.SUBMITTED).count()
    audit = ModelLogEntry.objects.filter(action__startswith="portail.").exclude(action__endswith=".submit")
    return events, audit.count(), DecisionNotice.objects.filter(request=request).count()


def test_every_registered_kind_is_covered_by_the_contract():
    registered = {kind for handler in kinds.handlers() for kind in handler.kinds}
    assert registered == {kind.value for kind in RequestKind}
    assert registered == {kind.value for kind in PENDING} | {kind.value for kind in DECIDED_ON_SUBMISSION}


@pytest.mark.parametrize("kind", list(PENDING), ids=str)
@pytest.mark.parametrize(("decision", "state", "event"), DECISIONS, ids=[d[0] for d in DECISIONS])
def test_a_request_of_each_kind_is_decided_through_the_framework_with_all_its_records(
    site, kind, decision, state, event
):
    request = PENDING[kind]()
    assert (request.kind, request.state) == (kind, RequestState.PENDING)
    before = records(request)
    audit_before = set(ModelLogEntry.objects.values_list("pk", flat=True))

    with pytest.raises(PermissionDenied):
        services.request_decide(request=request, by=UserFactory(is_staff=True), decision=decision, message="Non")
    assert records(request) == before
    assert Request.objects.get(pk=request.pk).state == RequestState.PENDING

    instructor = service_instructor()
    decided = services.request_decide(request=request, by=instructor, decision=decision, message=" Réponse ")

    assert (decided.state, decided.decided_by) == (state, instructor)
    assert RequestEvent.objects.filter(request=request, kind=event, author=instructor, message="Réponse").count() == 1
    entries = ModelLogEntry.objects.exclude(pk__in=audit_before).filter(user=instructor)
    assert entries.filter(action__startswith="portail.").exists(), "the decision has no audit entry"
    notices = DecisionNotice.objects.filter(request=request, family_id=request.family_id)
    assert notices.exists(), "the family is not told of the decision"
    assert {notice.message for notice in notices} == {"Réponse"}

    after = records(decided)
    with pytest.raises(InvalidTransition):
        services.request_decide(request=decided, by=instructor, decision=decision)
    assert records(decided) == after


def test_a_kind_that_returns_no_record_of_its_decision_is_refused(site, monkeypatch):
    """A handler cannot decide silently: an Outcome with no notice or no audit entry is refused, nothing kept."""
    request = _creche()
    handler = kinds.handler_for(request.kind)
    monkeypatch.setattr(handler, "accept", lambda *args, **kwargs: kinds.Outcome(state=RequestState.ACCEPTED, audit=[]))

    with pytest.raises(ImproperlyConfigured, match="without a notice for the family or an audit entry"):
        services.request_decide(request=request, by=service_instructor(), decision=kinds.ACCEPT)

    assert Request.objects.get(pk=request.pk).state == RequestState.PENDING
    assert not DecisionNotice.objects.filter(request=request).exists()


@pytest.mark.parametrize("kind", sorted(DECIDED_ON_SUBMISSION))
def test_a_kind_decided_on_submission_cannot_be_decided_again(site, kind):
    family, parent = _family()
    child = ChildFactory(family=family)
    activity = ActivityFactory()
    EnrolmentFactory(child=child, activity=activity)
    ask = dict(family=family, by=parent, children=[child], activity=activity, days=[MONDAY], now=ASKED)
    planning.booking_request_submit(kind="booking", **ask)
    request = planning.booking_request_submit(kind=kind.value, **ask).requests[0]
    assert request.state == RequestState.ACCEPTED

    with pytest.raises(InvalidTransition):
        services.request_decide(request=request, by=service_instructor(), decision=kinds.REFUSE)
