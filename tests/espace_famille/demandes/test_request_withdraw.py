"""«Retirer ma demande»: a parent withdraws a pending request, once; what its kind held is released, the staff's
queues and dashboard no longer count it, and its history says «Retirée par la famille»."""

from datetime import date, datetime
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from wagtail.models import ModelLogEntry

from commun.clock import PARIS
from espace_famille.demandes import dashboard, selectors, services
from espace_famille.demandes.exceptions import AlreadyWithdrawn, NotWithdrawable
from espace_famille.demandes.models import DecisionNotice, EventKind, Request, RequestKind, RequestState
from espace_famille.modifications import services as modifications_services
from espace_famille.planning import services as planning_services
from espace_famille.planning.models import Booking, BookingHistory
from tests.conftest import CommittingClient
from tests.espace_famille.creche.factories import creche, submitted_application
from tests.factories import (
    ActivityFactory,
    ChildFactory,
    EnrolmentFactory,
    FamilyFactory,
    GuardianFactory,
    parent_of,
    service_instructor,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 10, 9, 0, tzinfo=PARIS)
MONDAY, TUESDAY = date(2026, 11, 16), date(2026, 11, 17)
FAMILY_QUEUE = "/admin/snippets/espace_famille/request/"


def text(response) -> str:
    return unescape(response.content.decode())


def page_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def detail_url(request: Request) -> str:
    return reverse("espace_famille:request_detail", args=[request.pk])


def withdraw_url(request: Request) -> str:
    return reverse("espace_famille:request_withdraw", args=[request.pk])


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def family(site):
    family = FamilyFactory(name="BLMAN", city="Dijon")
    GuardianFactory(family=family, first_name="Annette")
    return family


@pytest.fixture
def parent(client, family):
    user = parent_of(family, email="annette@example.org")
    client.force_login(user)
    return user


@pytest.fixture
def instructor():
    return service_instructor(email="instructeur@example.org")


@pytest.fixture
def staff_client(instructor):
    staff = CommittingClient()
    staff.force_login(instructor)
    return staff


def ask_address(family, parent, city="Is-sur-Tille") -> Request:
    return modifications_services.family_file_submit(
        family=family, kind=RequestKind.ADDRESS_CHANGE, values={"city": city}, by=parent
    )


class Planning:
    """The family's child enrolled in an activity (Monday, Tuesday, Thursday, Friday)."""

    def __init__(self, family, parent, capacity=None):
        self.family, self.parent = family, parent
        self.child = ChildFactory(family=family, first_name="Léo")
        self.activity = ActivityFactory(code="4", label="Péri SOIR", capacity=capacity)
        EnrolmentFactory(child=self.child, activity=self.activity)

    def ask(self, kind, *days, child=None, by=None) -> Request:
        child = child or self.child
        planning_services.booking_request_submit(
            family=child.family, by=by or self.parent, children=[child], activity=self.activity, kind=kind, days=days
        )
        return Request.objects.filter(child=child, kind=kind).latest("pk")

    def state(self, day, child=None) -> str:
        booking = Booking.objects.filter(child=child or self.child, activity=self.activity, day=day).first()
        return booking.state if booking else "none"


# The family's screens -------------------------------------------------------------------------------------------


def test_a_pending_request_is_withdrawn_after_a_confirmation(client, parent, family, clock):
    request = ask_address(family, parent)
    assert f'href="{withdraw_url(request)}">Retirer ma demande</a>' in text(client.get(detail_url(request)))

    confirmation = text(client.get(withdraw_url(request)))
    assert "Voulez-vous vraiment retirer cette demande ?" in confirmation
    assert "Votre dossier famille garde ses valeurs actuelles" in confirmation
    assert ">Oui, retirer ma demande</button>" in confirmation
    request.refresh_from_db()
    assert request.state == RequestState.PENDING  # showing the confirmation changes nothing

    response = client.post(withdraw_url(request))

    assert response.status_code == 302 and response["Location"] == detail_url(request)
    assert page_messages(response) == ["Votre demande a été retirée."]
    request.refresh_from_db()
    assert (request.state, request.decided_at, request.decided_by) == (RequestState.WITHDRAWN, NOW, None)
    assert list(request.events.values_list("kind", "author")) == [
        (EventKind.SUBMITTED, parent.pk),
        (EventKind.WITHDRAWN, parent.pk),
    ]
    entry = ModelLogEntry.objects.get(action="portail.request.withdraw", object_id=str(request.pk))
    assert entry.user == parent
    assert not DecisionNotice.objects.filter(request=request).exists()  # nothing to announce: no one decided
    assert selectors.pending_request(family=family, kind=RequestKind.ADDRESS_CHANGE) is None
    family.refresh_from_db()
    assert family.city == "Dijon"

    page = text(client.get(detail_url(request)))
    assert "<dt>Statut</dt><dd>Retirée par la famille</dd>" in page
    assert "10/11/2026 à 09:00</strong> — Demande retirée par la famille" in page
    assert "Retirer ma demande" not in page


def test_submitting_twice_changes_nothing_and_says_so(client, parent, family, clock):
    request = ask_address(family, parent)
    client.post(withdraw_url(request), follow=True)  # the parent reads «Votre demande a été retirée.»

    again = client.post(withdraw_url(request), follow=True)

    assert again.redirect_chain == [(detail_url(request), 302)]
    assert '<p class="message message-info">Cette demande a déjà été retirée.</p>' in text(again)
    assert request.events.filter(kind=EventKind.WITHDRAWN).count() == 1
    assert ModelLogEntry.objects.filter(action="portail.request.withdraw", object_id=str(request.pk)).count() == 1
    reopened = client.get(withdraw_url(request), follow=True)
    assert reopened.redirect_chain == [(detail_url(request), 302)]
    assert "Cette demande a déjà été retirée." in text(reopened)
    with pytest.raises(AlreadyWithdrawn):
        services.request_withdraw(request=request, by=parent)


def test_a_decided_request_is_not_withdrawn(client, parent, family, instructor, clock):
    request = ask_address(family, parent)
    modifications_services.request_accept(request=request, by=instructor)
    assert "Retirer ma demande" not in text(client.get(detail_url(request)))

    response = client.post(withdraw_url(request))

    assert page_messages(response) == ["Cette demande a déjà été traitée : elle ne peut plus être retirée."]
    request.refresh_from_db()
    assert request.state == RequestState.ACCEPTED
    assert not request.events.filter(kind=EventKind.WITHDRAWN).exists()
    with pytest.raises(NotWithdrawable):
        services.request_withdraw(request=request, by=parent)


def test_a_document_waiting_for_its_check_cannot_be_withdrawn(client, parent, family, clock):
    request = Request.objects.create(family=family, kind=RequestKind.DOCUMENT, author=parent, subject="Assurance")
    assert "Retirer ma demande" not in text(client.get(detail_url(request)))

    response = client.post(withdraw_url(request), follow=True)

    assert "Une demande de ce type ne peut pas être retirée." in text(response)
    opened = client.get(withdraw_url(request), follow=True)
    assert opened.redirect_chain == [(detail_url(request), 302)]
    assert "Une demande de ce type ne peut pas être retirée." in text(opened)
    request.refresh_from_db()
    assert request.state == RequestState.PENDING


def test_another_familys_request_gives_404_and_anonymous_goes_to_login(client, parent, clock):
    other = FamilyFactory()
    theirs = ask_address(other, parent_of(other))

    assert client.get(withdraw_url(theirs)).status_code == 404
    assert client.post(withdraw_url(theirs)).status_code == 404
    client.logout()
    for response in (client.get(withdraw_url(theirs)), client.post(withdraw_url(theirs))):
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    theirs.refresh_from_db()
    assert theirs.state == RequestState.PENDING


def test_only_a_parent_of_the_family_withdraws_it(parent, family, instructor, clock):
    request = ask_address(family, parent)

    for someone in (instructor, parent_of(FamilyFactory())):
        with pytest.raises(PermissionDenied):
            services.request_withdraw(request=request, by=someone)
    request.refresh_from_db()
    assert request.state == RequestState.PENDING


# What the staff see ---------------------------------------------------------------------------------------------


def test_a_withdrawn_request_leaves_the_queue_and_the_dashboard(
    client, parent, family, instructor, staff_client, clock
):
    martin = FamilyFactory(name="MARTIN")
    withdrawn, kept = ask_address(family, parent), ask_address(martin, parent_of(martin), city="Beaune")
    assert [(row.label, row.count) for row in dashboard.waiting_requests(instructor)] == [
        ("Modification de l'adresse principale", 2)
    ]

    client.post(withdraw_url(withdrawn))

    assert [(row.label, row.count) for row in dashboard.waiting_requests(instructor)] == [
        ("Modification de l'adresse principale", 1)
    ]
    queue = text(staff_client.get(FAMILY_QUEUE))
    assert f"{FAMILY_QUEUE}inspect/{kept.pk}/" in queue
    assert f"{FAMILY_QUEUE}inspect/{withdrawn.pk}/" not in queue
    assert f"{FAMILY_QUEUE}inspect/{withdrawn.pk}/" in text(staff_client.get(FAMILY_QUEUE, {"state": "all"}))


def test_staff_read_when_the_family_withdrew_it(client, parent, family, staff_client, clock):
    request = ask_address(family, parent)
    client.post(withdraw_url(request))

    page = text(staff_client.get(f"{FAMILY_QUEUE}inspect/{request.pk}/"))

    assert "Retirée par la famille le 10/11/2026 à 09:00." in page
    assert "Demande retirée par la famille" in page  # the request's history
    assert ">Accepter</button>" not in page


# What a booking or absence request held ---------------------------------------------------------------------


def test_withdrawing_a_booking_request_releases_its_pending_days(client, parent, family, staff_client, clock):
    planning = Planning(family, parent)
    request = planning.ask("booking", MONDAY, TUESDAY)
    assert "les jours déjà acceptés ou refusés restent tels quels" in text(client.get(withdraw_url(request)))

    client.post(withdraw_url(request))

    request.refresh_from_db()
    assert request.state == RequestState.WITHDRAWN
    assert list(request.lines.values_list("day", "state")) == [(MONDAY, "withdrawn"), (TUESDAY, "withdrawn")]
    assert (planning.state(MONDAY), planning.state(TUESDAY)) == ("cancelled", "cancelled")
    moves = BookingHistory.objects.filter(request=request, to_state="cancelled")
    assert (
        sorted(moves.values_list("from_state", "by", "reason"))
        == [("pending", parent.pk, "Demande retirée par la famille")] * 2
    )
    entry = ModelLogEntry.objects.get(action="portail.request.withdraw", object_id=str(request.pk))
    assert entry.data["days"] == ["2026-11-16", "2026-11-17"]
    page = text(client.get(detail_url(request)))
    assert "Retiré par la famille le 10/11/2026 à 09:00" in page
    admin_page = text(staff_client.get(reverse("espace_famille_booking_requests:inspect", args=[request.pk])))
    assert "Retirée par la famille le 10/11/2026 à 09:00." in admin_page
    # The days can be asked again.
    assert planning.ask("booking", MONDAY).lines.get().state == "pending"


def test_withdrawing_an_absence_leaves_the_day_booked(client, parent, family, instructor, clock):
    planning = Planning(family, parent)
    planning_services.booking_request_decide(request=planning.ask("booking", MONDAY), by=instructor, accept=[MONDAY])
    absence = planning.ask("absence", MONDAY)
    assert planning.state(MONDAY) == "abs_pending"

    client.post(withdraw_url(absence))

    absence.refresh_from_db()
    assert absence.state == RequestState.WITHDRAWN
    assert planning.state(MONDAY) == "booked"


def test_a_partly_decided_request_keeps_its_decided_days(client, parent, family, instructor, clock):
    planning = Planning(family, parent)
    request = planning.ask("booking", MONDAY, TUESDAY)
    planning_services.booking_request_decide(request=request, by=instructor, accept=[MONDAY])

    client.post(withdraw_url(request))

    request.refresh_from_db()
    assert request.state == RequestState.ACCEPTED  # what is left of it: its accepted day
    assert dict(request.lines.values_list("day", "state")) == {MONDAY: "accepted", TUESDAY: "withdrawn"}
    assert (planning.state(MONDAY), planning.state(TUESDAY)) == ("booked", "cancelled")
    assert request.events.filter(kind=EventKind.WITHDRAWN).count() == 1


def test_a_day_on_the_waiting_list_gives_up_its_turn(client, parent, family, instructor, clock):
    planning = Planning(family, parent, capacity=1)
    other = FamilyFactory(name="MARTIN")
    first = ChildFactory(family=other, first_name="Timéo")
    EnrolmentFactory(child=first, activity=planning.activity)
    planning_services.booking_request_decide(
        request=planning.ask("booking", MONDAY, child=first, by=parent_of(other)), by=instructor, accept=[MONDAY]
    )
    request = planning.ask("booking", MONDAY, TUESDAY)
    planning_services.booking_request_decide(request=request, by=instructor, accept=[MONDAY])
    assert planning.state(MONDAY) == "waiting"

    client.post(withdraw_url(request))

    request.refresh_from_db()
    assert request.state == RequestState.WITHDRAWN
    assert (planning.state(MONDAY), planning.state(TUESDAY)) == ("cancelled", "cancelled")
    assert planning.state(MONDAY, child=first) == "booked"


def test_a_withdrawn_creche_application_leaves_the_creche_queue(client, staff_client, clock):
    petits = creche("Crèche Les Petits Pas")
    withdrawn = submitted_application(family_name="DURANT", child="Léo", choices=[petits])
    kept = submitted_application(family_name="ADERNO", child="Nathan", choices=[petits])
    client.force_login(withdrawn.request.author)
    assert "Vous pourrez en faire une nouvelle." in text(client.get(withdraw_url(withdrawn.request)))

    client.post(withdraw_url(withdrawn.request))

    withdrawn.request.refresh_from_db()
    assert withdrawn.request.state == RequestState.WITHDRAWN
    queue = "/admin/snippets/creche/crecheapplication/"
    assert f"{queue}inspect/{kept.pk}/" in text(staff_client.get(queue))
    assert f"{queue}inspect/{withdrawn.pk}/" not in text(staff_client.get(queue))
    assert f"{queue}inspect/{withdrawn.pk}/" in text(staff_client.get(queue, {"state": RequestState.WITHDRAWN}))
    page = text(staff_client.get(f"{queue}inspect/{withdrawn.pk}/"))
    assert "État : Retirée par la famille le 10/11/2026 à 09:00" in page
