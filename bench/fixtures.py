"""Data the benchmark needs beyond the demo, created inside the bench's throw-away database.

Called from bench/run.py through `manage.py shell -c`, so that Django is set up by the project's own settings:
- `planning_family()`: a family with 3 children × 4 activities, a month of mixed states, and a logged-in
  session; prints the session key;
- `bulk_acceptance(days)`: `days` pending booking days spread over requests, accepted in bulk by the
  instructor's service; prints its figure (bench/figures.py).
"""

import time
from datetime import date, timedelta

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.utils import timezone

from bench.figures import Figure, emit, thousands
from espace_famille.comptes.models import User
from espace_famille.demandes.models import Request, RequestKind, RequestLine
from espace_famille.dossier.models import Child, Family, Sex, Subscription, SubscriptionMethod
from espace_famille.planning import rules, services
from espace_famille.planning.models import Activity, Booking, BookingState, Enrolment

BENCH_EMAIL = "bench@example.org"
BULK_TARGET_S = 10
ACTIVITY_CODES = ("1", "2", "4", "5")  # three school-time activities and the accueil de loisirs
STATES = [BookingState.BOOKED, BookingState.PENDING, BookingState.ABSENCE_BILLED, BookingState.WAITING, None]


@transaction.atomic
def planning_family() -> str:
    """3 children enrolled in 4 activities for the school year, with a booking state on most days of the month."""
    family = Family.objects.create(name="BENCH", subscriber_code="BENCH0000")
    user = User.objects.create_user(email=BENCH_EMAIL, password=None, first_name="Banc", last_name="ESSAI")
    Subscription.objects.create(user=user, family=family, method=SubscriptionMethod.STAFF)
    activities = list(Activity.objects.filter(code__in=ACTIVITY_CODES).prefetch_related("slots"))
    today = timezone.localdate()
    first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    now = timezone.now()
    bookings = []
    for number in range(3):
        child = Child.objects.create(
            family=family,
            first_name=f"Enfant{number + 1}",
            last_name="BENCH",
            birth_date=date(2018, 1, 1),
            sex=Sex.GIRL,
        )
        for activity in activities:
            weekdays = sorted(slot.weekday for slot in activity.slots.all())
            Enrolment.objects.create(
                child=child,
                activity=activity,
                start_date=date(today.year - 1, 9, 1),
                end_date=date(today.year + 1, 8, 31),
                weekdays=weekdays,
            )
            for index, day in enumerate(rules.days_between(first, last, set(weekdays))):
                state = STATES[(index + number) % len(STATES)]
                if state:
                    bookings.append(Booking(child=child, activity=activity, day=day, state=state, queued_at=now))
    Booking.objects.bulk_create(bookings)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    print(session.session_key)
    return session.session_key


def bulk_acceptance(days: int = 10_000) -> float:
    """`days` pending days (10 children × the activities with no capacity limit), accepted in one bulk action."""
    instructor = User.objects.filter(is_staff=True).order_by("pk").first()
    family = Family.objects.order_by("pk").first()
    activity = Activity.objects.filter(capacity__isnull=True).first() or Activity.objects.first()
    activity.capacity = None
    activity.save(update_fields=["capacity"])
    now = timezone.now()
    per_child = 500
    children = (days + per_child - 1) // per_child
    requests, lines, bookings = [], [], []
    with transaction.atomic():
        for number in range(children):
            child = Child.objects.create(
                family=family, first_name=f"Bulk{number}", last_name="BENCH", birth_date=date(2018, 1, 1), sex=Sex.BOY
            )
            start = date(2027, 1, 4)
            count = min(per_child, days - number * per_child)
            span = [start + timedelta(days=i) for i in range(count)]
            Enrolment.objects.create(
                child=child, activity=activity, start_date=span[0], end_date=span[-1], weekdays=list(range(7))
            )
            request = Request(
                family=family,
                kind=RequestKind.BOOKING,
                child=child,
                activity=activity,
                start_date=span[0],
                end_date=span[-1],
            )
            requests.append(request)
            bookings.extend(
                Booking(child=child, activity=activity, day=day, state=BookingState.PENDING, queued_at=now)
                for day in span
            )
        Request.objects.bulk_create(requests)
        Booking.objects.bulk_create(bookings)
        by_key = {(b.child_id, b.day): b for b in Booking.objects.filter(child__first_name__startswith="Bulk")}
        for request in requests:
            lines.extend(
                RequestLine(request=request, day=day, booking=booking)
                for (child_id, day), booking in by_key.items()
                if child_id == request.child_id
            )
        RequestLine.objects.bulk_create(lines)
    started = time.perf_counter()
    result = services.booking_requests_bulk_decide(requests=[r.pk for r in requests], by=instructor, accept=True)
    elapsed = time.perf_counter() - started
    booked = Booking.objects.filter(child__first_name__startswith="Bulk", state=BookingState.BOOKED).count()
    if booked != days:
        raise SystemExit(f"acceptation en masse : {booked} jours réservés sur {days} ({result})")
    emit(
        Figure(
            part="bulk",
            label=f"Acceptation en masse de {thousands(days)} jours en attente",
            value=elapsed,
            goal=BULK_TARGET_S,
            rows=f"{thousands(booked)} jours réservés, {thousands(len(requests))} demandes",
            database={"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(connection.vendor, connection.vendor),
        )
    )
    return elapsed
