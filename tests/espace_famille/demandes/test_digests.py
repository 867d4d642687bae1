"""The processing digests («Accusé de traitement») of 13:00 and 18:00, read in the emails actually sent."""

from datetime import UTC, date, datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django_q.models import Schedule

from commun.clock import PARIS
from espace_famille.demandes import digests, tasks
from espace_famille.demandes.models import DecisionNotice, Request, RequestKind
from espace_famille.dossier.models import Subscription, SubscriptionMethod
from espace_famille.modifications import services as modifications_services
from espace_famille.planning import cancellation
from espace_famille.planning import services as planning_services
from espace_famille.planning.models import Booking, HolidayRule
from notifications import schedules
from notifications import services as outbox
from notifications.models import OutboxMessage, OutboxStatus
from tests.factories import (
    ActivityFactory,
    ChildFactory,
    EnrolmentFactory,
    FamilyFactory,
    GuardianFactory,
    UserFactory,
    service_instructor,
)
from tests.races import RaceWindow, at_the_same_moment

pytestmark = pytest.mark.django_db

ASKED = datetime(2027, 1, 4, 9, 0, tzinfo=PARIS)
MONDAY, TUESDAY, WEDNESDAY = date(2027, 1, 18), date(2027, 1, 19), date(2027, 1, 20)
HEADER = "Jour\tHeure\tType de la demande\tActivité\tStatut"


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


class Household:
    """A family whose parent (subscribed, email confirmed) asks days of an activity open every day."""

    def __init__(self, activity, *, first_name="Jean", last_name="Blman", civility="M."):
        self.parent = UserFactory(first_name=first_name, last_name=last_name, civility=civility)
        self.family = FamilyFactory()
        Subscription.objects.create(user=self.parent, family=self.family, method=SubscriptionMethod.STAFF)
        self.child = ChildFactory(family=self.family, first_name="Léa")
        self.activity = activity
        EnrolmentFactory(child=self.child, activity=activity, weekdays=list(range(7)))

    def ask(self, kind, *days, now=ASKED) -> Request:
        planning_services.booking_request_submit(
            family=self.family,
            by=self.parent,
            children=[self.child],
            activity=self.activity,
            kind=kind,
            days=days,
            now=now,
        )
        return Request.objects.filter(child=self.child, kind=kind).latest("pk")


def at(moment: datetime):
    """Every clock of the services reads `moment`."""
    return mock.patch("django.utils.timezone.now", return_value=moment.astimezone(UTC))


def decide(request, *, moment, accept=(), refuse=(), message="", by=None):
    with at(moment):
        return planning_services.booking_request_decide(
            request=request, by=by or service_instructor(), accept=accept, refuse=refuse, message=message
        )


def run(slot_end: datetime, capture):
    """One run of the digest job for a slot, its emails sent after commit as a worker would."""
    with capture(execute=True):
        return digests.digests_send(slot_end=slot_end)


def rows(message) -> list[str]:
    lines = message.body.splitlines()
    start = lines.index(HEADER) + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def sent_to(email: str):
    return [message for message in mail.outbox if message.to == [email]]


@pytest.fixture
def activity():
    return ActivityFactory(
        code="4", label="Péri SOIR", holiday_rule=HolidayRule.ALWAYS, weekdays=list(range(7)), capacity=None
    )


@pytest.fixture
def home(activity):
    return Household(activity)


@pytest.fixture
def instructor():
    return service_instructor(email="instructeur@example.org", is_staff=True)


# Slots --------------------------------------------------------------------------------------------------------


def test_the_13h_digest_holds_decisions_up_to_13h00m00s_and_the_18h_one_those_after(
    site, home, instructor, django_capture_on_commit_callbacks
):
    request = home.ask("booking", MONDAY, TUESDAY, WEDNESDAY)
    decide(request, moment=paris(2027, 1, 15, 12, 59, 59), accept=[MONDAY], by=instructor)
    decide(request, moment=paris(2027, 1, 15, 13, 0, 0), refuse=[TUESDAY], by=instructor)
    decide(request, moment=paris(2027, 1, 15, 13, 0, 1), accept=[WEDNESDAY], by=instructor)
    mail.outbox.clear()

    at_13 = run(paris(2027, 1, 15, 13), django_capture_on_commit_callbacks)

    assert (at_13.slot, at_13.emails, at_13.decisions) == ("2027-01-15T13:00+01:00", 1, 2)
    [email] = mail.outbox
    assert email.subject == "Accusé de traitement" and email.to == [home.parent.email]
    assert email.body.startswith("Bonjour M. Jean BLMAN,\n\n2 de vos demandes ont été traitées :")
    assert rows(email) == [
        "18/01/2027\t16:30\tRéservation\t4/Péri SOIR\tAccepté",
        "19/01/2027\t16:30\tRéservation\t4/Péri SOIR\tRefusé",
    ]
    assert "Vous pouvez également retrouver l'ensemble de vos demandes depuis votre espace citoyen" in email.body
    assert "/mon-espace/demandes/" in email.body
    assert '<th scope="col"' in email.alternatives[0][0] and "Refusé</td>" in email.alternatives[0][0]

    mail.outbox.clear()
    at_18 = run(paris(2027, 1, 15, 18), django_capture_on_commit_callbacks)

    assert at_18.slot == "2027-01-15T18:00+01:00"
    [email] = mail.outbox
    assert "Une de vos demandes a été traitée :" in email.body
    assert rows(email) == ["20/01/2027\t16:30\tRéservation\t4/Péri SOIR\tAccepté"]
    assert set(DecisionNotice.objects.values_list("digest_key", flat=True)) == {at_13.slot, at_18.slot}


def test_the_13h_job_run_twice_sends_one_email(site, home, instructor, django_capture_on_commit_callbacks):
    decide(home.ask("booking", MONDAY), moment=paris(2027, 1, 15, 9), accept=[MONDAY], by=instructor)
    mail.outbox.clear()

    first = run(paris(2027, 1, 15, 13), django_capture_on_commit_callbacks)
    second = run(paris(2027, 1, 15, 13), django_capture_on_commit_callbacks)

    assert (first.emails, second.emails) == (1, 0)
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.filter(kind="requests_processed").count() == 1


def test_a_missed_13h_job_leaves_everything_to_the_18h_email(
    site, home, instructor, django_capture_on_commit_callbacks, time_machine
):
    request = home.ask("booking", MONDAY, TUESDAY)
    decide(request, moment=paris(2027, 1, 14, 18, 0, 1), accept=[MONDAY], by=instructor)
    decide(request, moment=paris(2027, 1, 15, 15), accept=[TUESDAY], by=instructor)
    mail.outbox.clear()

    # The server was down at 13:00: the job of 18:00 (started a little late) finds both decisions.
    time_machine.move_to(paris(2027, 1, 15, 18, 2), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.send_digests(scheduled_for=paris(2027, 1, 15, 18).astimezone(UTC).isoformat())

    assert result.startswith("2027-01-15T18:00+01:00 : 1 e-mail(s)")
    [email] = mail.outbox
    assert rows(email) == [
        "18/01/2027\t16:30\tRéservation\t4/Péri SOIR\tAccepté",
        "19/01/2027\t16:30\tRéservation\t4/Péri SOIR\tAccepté",
    ]


def test_a_decision_committed_after_its_slot_ran_goes_in_the_next_email_not_a_second_one(
    site, home, instructor, django_capture_on_commit_callbacks
):
    request = home.ask("booking", MONDAY, TUESDAY)
    decide(request, moment=paris(2027, 1, 15, 12, 30), accept=[MONDAY], by=instructor)
    run(paris(2027, 1, 15, 13), django_capture_on_commit_callbacks)
    # An instructor's transaction took its time at 12:59:59 and committed once the 13:00 digest had gone.
    decide(request, moment=paris(2027, 1, 15, 12, 59, 59), accept=[TUESDAY], by=instructor)
    mail.outbox.clear()

    assert run(paris(2027, 1, 15, 13), django_capture_on_commit_callbacks).emails == 0
    assert not mail.outbox
    run(paris(2027, 1, 15, 18), django_capture_on_commit_callbacks)

    [email] = mail.outbox
    assert rows(email) == ["19/01/2027\t16:30\tRéservation\t4/Péri SOIR\tAccepté"]


def test_the_job_sends_the_latest_slot_ended_by_now():
    assert digests.slot_end_at_or_before(paris(2027, 1, 15, 12, 59, 59)) == paris(2027, 1, 14, 18)
    assert digests.slot_end_at_or_before(paris(2027, 1, 15, 13)) == paris(2027, 1, 15, 13)
    assert digests.slot_end_at_or_before(paris(2027, 1, 15, 17, 59)) == paris(2027, 1, 15, 13)
    assert digests.slot_end_at_or_before(paris(2027, 1, 15, 23, 30)) == paris(2027, 1, 15, 18)


def test_a_worker_dying_after_queueing_leaves_the_email_to_the_sweep_and_no_second_digest(
    site, home, instructor, django_capture_on_commit_callbacks
):
    decide(home.ask("booking", MONDAY), moment=paris(2027, 1, 15, 9), accept=[MONDAY], by=instructor)
    outbox.outbox_sweep(older_than_seconds=0)  # the acknowledgement of receipt
    mail.outbox.clear()

    # The worker queued the digest and died before the email went out (its after-commit work never ran).
    digests.digests_send(slot_end=paris(2027, 1, 15, 13))
    assert not mail.outbox
    # The slot is run again (a retry, or the next worker): nothing more is queued.
    assert run(paris(2027, 1, 15, 13), django_capture_on_commit_callbacks).emails == 0

    assert outbox.outbox_sweep(older_than_seconds=0) == 1

    [email] = mail.outbox
    assert rows(email) == ["18/01/2027\t16:30\tRéservation\t4/Péri SOIR\tAccepté"]
    assert OutboxMessage.objects.get(kind="requests_processed").status == OutboxStatus.SENT


@pytest.mark.parametrize(
    ("before", "last", "after", "slot"),
    [
        # Sunday 28 March 2027: 02:00 becomes 03:00.
        (
            paris(2027, 3, 27, 18, 0, 1),
            paris(2027, 3, 28, 13, 0, 0),
            paris(2027, 3, 28, 13, 0, 1),
            "2027-03-28T13:00+02:00",
        ),
        # Sunday 25 October 2026: 03:00 becomes 02:00.
        (
            paris(2026, 10, 24, 18, 0, 1),
            paris(2026, 10, 25, 13, 0, 0),
            paris(2026, 10, 25, 13, 0, 1),
            "2026-10-25T13:00+01:00",
        ),
    ],
)
def test_the_days_the_clocks_change(
    before, last, after, slot, site, home, instructor, django_capture_on_commit_callbacks
):
    request = home.ask("booking", MONDAY, TUESDAY, WEDNESDAY, now=paris(2026, 10, 1, 9))
    decide(request, moment=before, accept=[MONDAY], by=instructor)
    decide(request, moment=last, accept=[TUESDAY], by=instructor)
    decide(request, moment=after, accept=[WEDNESDAY], by=instructor)
    mail.outbox.clear()

    # The scheduler runs the job at 13:00 Paris time, whatever the offset that day.
    with django_capture_on_commit_callbacks(execute=True):
        result = digests.digests_send_due(now=last.astimezone(UTC))

    assert result.slot == slot and result.decisions == 2
    [email] = mail.outbox
    assert [row.split("\t")[0] for row in rows(email)] == ["18/01/2027", "19/01/2027"]
    assert run(paris(last.year, last.month, last.day, 18), django_capture_on_commit_callbacks).decisions == 1


def test_django_q_keeps_13h_paris_across_the_clock_changes():
    schedule = Schedule(schedule_type=Schedule.DAILY, next_run=paris(2027, 3, 27, 13))
    assert schedule.calculate_next_run() == paris(2027, 3, 28, 13)
    assert schedule.calculate_next_run().utcoffset().total_seconds() == 7200
    schedule = Schedule(schedule_type=Schedule.DAILY, next_run=paris(2026, 10, 24, 18))
    assert schedule.calculate_next_run() == paris(2026, 10, 25, 18)
    assert schedule.calculate_next_run().utcoffset().total_seconds() == 3600


# What the email says ------------------------------------------------------------------------------------------


def test_automatic_and_waiting_list_decisions_are_in_the_digest(site, instructor, django_capture_on_commit_callbacks):
    automatic = ActivityFactory(
        code="2", label="Repas Sco", holiday_rule=HolidayRule.ALWAYS, weekdays={0: ("12:00", "13:30")}
    )
    small = ActivityFactory(code="5", label="ALSH-IS-Matin", holiday_rule=HolidayRule.ALWAYS, weekdays=[0], capacity=1)
    automatic.auto_accept = True
    automatic.save()
    first, second = Household(small), Household(small, first_name="Sol", last_name="Dupuis", civility="Mme")
    with at(paris(2027, 1, 15, 10)):
        EnrolmentFactory(child=first.child, activity=automatic, weekdays=[0])
        planning_services.booking_request_submit(
            family=first.family,
            by=first.parent,
            children=[first.child],
            activity=automatic,
            kind="booking",
            days=[MONDAY],
            now=ASKED,
        )
        first_request, second_request = first.ask("booking", MONDAY), second.ask("booking", MONDAY)
    decide(first_request, moment=paris(2027, 1, 15, 10, 5), accept=[MONDAY], by=instructor)
    decide(second_request, moment=paris(2027, 1, 15, 10, 6), accept=[MONDAY], by=instructor)
    with at(paris(2027, 1, 15, 11)):
        cancellation.booking_cancel(
            booking=Booking.objects.get(child=first.child, activity=small), by=instructor, reason="Sortie annulée."
        )
    mail.outbox.clear()

    run(paris(2027, 1, 15, 13), django_capture_on_commit_callbacks)

    [to_first] = sent_to(first.parent.email)
    assert rows(to_first) == [
        "18/01/2027\t12:00\tRéservation\t2/Repas Sco\tAccepté",
        "18/01/2027\t16:30\tRéservation\t5/ALSH-IS-Matin\tAccepté",
        "18/01/2027\t16:30\tAnnulation\t5/ALSH-IS-Matin\tRéservation annulée",
    ]
    assert "Sortie annulée." in to_first.body
    [to_second] = sent_to(second.parent.email)
    assert to_second.body.startswith("Bonjour Mme Sol DUPUIS,")
    assert rows(to_second) == [
        "18/01/2027\t16:30\tRéservation\t5/ALSH-IS-Matin\tEn liste d'attente",
        "18/01/2027\t16:30\tRéservation\t5/ALSH-IS-Matin\tAccepté",
    ]


def test_each_subscribed_account_gets_its_own_email_with_the_familys_rows_and_messages(
    site, home, activity, instructor, django_capture_on_commit_callbacks
):
    other_parent = UserFactory(first_name="Anne", last_name="Blman", civility="Mme")
    Subscription.objects.create(user=other_parent, family=home.family, method=SubscriptionMethod.CODE)
    unconfirmed = UserFactory(verified=False)
    Subscription.objects.create(user=unconfirmed, family=home.family, method=SubscriptionMethod.CODE)
    neighbour = Household(activity, first_name="Paul", last_name="Voisin")
    guardian = GuardianFactory(family=home.family)
    booking = home.ask("booking", MONDAY, TUESDAY)
    decide(booking, moment=paris(2027, 1, 15, 9), accept=[MONDAY], by=instructor)
    decide(
        booking, moment=paris(2027, 1, 15, 9, 1), refuse=[TUESDAY], message="Plus de place ce jour-là.", by=instructor
    )
    decide(neighbour.ask("booking", WEDNESDAY), moment=paris(2027, 1, 15, 9), accept=[WEDNESDAY], by=instructor)
    with at(paris(2027, 1, 14, 16, 33)):
        change = modifications_services.family_file_submit(
            family=home.family,
            kind=RequestKind.GUARDIAN_CHANGE,
            values={"mobile": "06 12 34 56 78"},
            by=home.parent,
            guardian=guardian,
        )
    with at(paris(2027, 1, 15, 11)):
        modifications_services.request_accept(request=change, by=instructor, message="Numéro mis à jour.")
    mail.outbox.clear()

    result = run(paris(2027, 1, 15, 13), django_capture_on_commit_callbacks)

    assert (result.families, result.emails, result.decisions) == (2, 3, 4)
    assert not sent_to(unconfirmed.email)
    expected = [
        "14/01/2027\t16:33\tModification du responsable\t—\tAccepté",
        "18/01/2027\t16:30\tRéservation\t4/Péri SOIR\tAccepté",
        "19/01/2027\t16:30\tRéservation\t4/Péri SOIR\tRefusé",
    ]
    for parent, greeting in ((home.parent, "Bonjour M. Jean BLMAN,"), (other_parent, "Bonjour Mme Anne BLMAN,")):
        [email] = sent_to(parent.email)
        assert email.body.startswith(greeting + "\n\n3 de vos demandes ont été traitées :")
        assert rows(email) == expected
        assert "Plus de place ce jour-là." in email.body and "Numéro mis à jour." in email.body
    [email] = sent_to(neighbour.parent.email)
    assert rows(email) == ["20/01/2027\t16:30\tRéservation\t4/Péri SOIR\tAccepté"]
    assert "Plus de place" not in email.body


def test_absences_show_accepted_or_billed_as_the_planning_does(
    site, home, instructor, django_capture_on_commit_callbacks
):
    decide(home.ask("booking", MONDAY, TUESDAY), moment=paris(2027, 1, 5, 9), accept=[MONDAY, TUESDAY], by=instructor)
    in_time = home.ask("absence", MONDAY, now=paris(2027, 1, 10, 9))
    # Declared after the deadline (the day before at 12:00) without a justification: accepted, but billed.
    late = home.ask("absence", TUESDAY, now=paris(2027, 1, 18, 15))
    decide(in_time, moment=paris(2027, 1, 19, 9), accept=[MONDAY], by=instructor)
    decide(late, moment=paris(2027, 1, 19, 9, 1), accept=[TUESDAY], by=instructor)
    mail.outbox.clear()

    run(paris(2027, 1, 19, 13), django_capture_on_commit_callbacks)

    [email] = mail.outbox
    assert rows(email) == [
        "18/01/2027\t16:30\tRéservation\t4/Péri SOIR\tAccepté",
        "18/01/2027\t16:30\tAbsence\t4/Péri SOIR\tAccepté",
        "19/01/2027\t16:30\tRéservation\t4/Péri SOIR\tAccepté",
        "19/01/2027\t16:30\tAbsence\t4/Péri SOIR\tAbsence facturée",
    ]


def test_a_withdrawal_by_the_family_is_not_a_decision(site, home, django_capture_on_commit_callbacks):
    home.ask("booking", MONDAY)
    home.ask("cancellation", MONDAY)
    mail.outbox.clear()

    assert run(paris(2027, 1, 15, 13), django_capture_on_commit_callbacks).decisions == 0
    assert not mail.outbox and not DecisionNotice.objects.exists()


def test_a_family_with_no_confirmed_account_is_marked_without_email(
    site, activity, instructor, django_capture_on_commit_callbacks
):
    home = Household(activity)
    asked = home.ask("booking", MONDAY)
    Subscription.objects.filter(family=home.family).delete()
    decide(asked, moment=paris(2027, 1, 15, 9), accept=[MONDAY], by=instructor)
    mail.outbox.clear()

    result = run(paris(2027, 1, 15, 13), django_capture_on_commit_callbacks)

    assert (result.decisions, result.emails) == (1, 0) and not mail.outbox
    assert not DecisionNotice.objects.filter(digest_key__isnull=True).exists()


# Schedules -----------------------------------------------------------------------------------------------------


def test_register_schedules_registers_the_digests_at_13h_and_18h_and_is_safe_to_run_twice():
    with at(paris(2027, 1, 15, 12, 59)):
        call_command("register_schedules", stdout=mock.MagicMock())
    first = {s.name: s.next_run for s in Schedule.objects.all()}
    with at(paris(2027, 1, 15, 13, 30)):
        call_command("register_schedules", stdout=mock.MagicMock())

    digests_schedules = Schedule.objects.filter(func="espace_famille.demandes.tasks.send_digests").order_by("name")
    assert [(s.name, s.schedule_type, s.intended_date_kwarg) for s in digests_schedules] == [
        ("Accusés de traitement de 13:00", Schedule.DAILY, "scheduled_for"),
        ("Accusés de traitement de 18:00", Schedule.DAILY, "scheduled_for"),
    ]
    # Run again after 13:00, the command leaves the 13:00 run that is due where it was.
    assert {s.name: s.next_run for s in Schedule.objects.all()} == first
    assert [s.next_run for s in digests_schedules] == [paris(2027, 1, 15, 13), paris(2027, 1, 15, 18)]
    # One row per task the apps registered (the outbox sweep, the digests, the retention...), none twice.
    assert Schedule.objects.count() == len(schedules.all_tasks())
    assert Schedule.objects.filter(func="notifications.tasks.sweep_outbox").count() == 1
    assert Schedule.objects.filter(func="cms.retention.run_scheduled").count() == 1


# Two workers (PostgreSQL) --------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL: SQLite serialises whole transactions (set DATABASE_URL to run this)",
)
def test_two_workers_running_the_same_slot_send_it_once(site, activity, instructor, monkeypatch):
    households = [Household(activity, first_name=f"Parent{n}") for n in range(30)]
    for household in households:
        decide(household.ask("booking", MONDAY), moment=paris(2027, 1, 15, 9), accept=[MONDAY], by=instructor)
    recipients = digests._recipients

    window = RaceWindow()

    def slow_recipients(family_ids):
        # Hold the race open: each run waits, once it has read the decisions and before it queues and marks them,
        # until the other run is there too or waits for its lock.
        window.hold()
        return recipients(family_ids)

    monkeypatch.setattr(digests, "_recipients", slow_recipients)
    results = []

    def worker():
        results.append(digests.digests_send(slot_end=paris(2027, 1, 15, 13)))

    at_the_same_moment(worker, worker, window=window)

    assert sorted(r.emails for r in results) == [0, 30]
    assert OutboxMessage.objects.filter(kind="requests_processed").count() == 30
    assert not DecisionNotice.objects.filter(digest_key__isnull=True).exists()


def test_a_family_with_two_children_reads_whose_day_each_row_is_and_a_bulk_message_once(
    site, home, activity, instructor, django_capture_on_commit_callbacks
):
    tom = ChildFactory(family=home.family, first_name="Tom")
    EnrolmentFactory(child=tom, activity=activity, weekdays=list(range(7)))
    with at(ASKED):
        planning_services.booking_request_submit(
            family=home.family,
            by=home.parent,
            children=[home.child, tom],
            activity=activity,
            kind="booking",
            days=[MONDAY, TUESDAY],
            now=ASKED,
        )
    requests = Request.objects.filter(family=home.family)
    assert requests.count() == 2
    with at(paris(2027, 1, 15, 9)):
        planning_services.booking_requests_bulk_decide(
            requests=requests, by=instructor, accept=True, message="Bonnes vacances."
        )
    mail.outbox.clear()

    run(paris(2027, 1, 15, 13), django_capture_on_commit_callbacks)

    [email] = sent_to(home.parent.email)
    lines = email.body.splitlines()
    start = lines.index(HEADER + "\tEnfant") + 1
    assert lines[start : start + 4] == [
        "18/01/2027\t16:30\tRéservation\t4/Péri SOIR\tAccepté\tLéa",
        "18/01/2027\t16:30\tRéservation\t4/Péri SOIR\tAccepté\tTom",
        "19/01/2027\t16:30\tRéservation\t4/Péri SOIR\tAccepté\tLéa",
        "19/01/2027\t16:30\tRéservation\t4/Péri SOIR\tAccepté\tTom",
    ]
    # The bulk decision's message was written once per request: the family reads it once.
    assert email.body.count("Bonnes vacances.") == 1
    assert '<th scope="col"' in email.alternatives[0][0] and ">Enfant</th>" in email.alternatives[0][0]
