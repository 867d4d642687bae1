"""The rush hour's data, inside its own database (bench/rush.py), and the checks read back from it afterwards.

Run through `manage.py shell -c` so that Django is set up by the rush's settings:
- `setup(parents, browsers)`: the summer-camp week (RUSH_CAPACITY seats, automatic acceptance, waiting list), and
  `parents` families whose one child is enrolled in it, `browsers` families with a school-time enrolment and
  invoices; every account verified, with the same password (one hash, computed once). Prints a JSON line of what
  the locust file needs.
- `report(parents)`: the checks of the database after the rush (see `evaluate`), as a JSON line.

`evaluate` is pure (rows in, verdicts out): tests/test_rush.py runs it on a tiny fixture.
"""

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

PASSWORD = "Rush-2027-ete"
CAPACITY = 50
CAMP_CODE = "ETE27"
SCHOOL_CODE = "PERI27"
BOOKER_EMAIL = "rush-parent-{}@example.org"
BROWSER_EMAIL = "rush-visite-{}@example.org"
WEEKDAYS = [0, 1, 2, 3, 4]


def camp_week(today: date) -> tuple[date, date]:
    """Monday to Friday of the first full week of July after today: the summer camp parents rush to book."""
    year = today.year if today < date(today.year, 6, 1) else today.year + 1
    first = date(year, 7, 1)
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    return monday, monday + timedelta(days=4)


def setup(parents: int, browsers: int) -> dict:
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from espace_facturation.models import Invoice, Regie
    from espace_famille.comptes.models import User
    from espace_famille.dossier.models import Child, Family, Sex, Subscription, SubscriptionMethod
    from espace_famille.planning.models import (
        Activity,
        ActivitySlot,
        DeadlineKind,
        Enrolment,
        Facility,
        FacilityKind,
        HolidayRule,
    )

    today = timezone.localdate()
    start, end = camp_week(today)
    school_start = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    with transaction.atomic():
        centre, _ = Facility.objects.get_or_create(name="Centre de loisirs des Pins", kind=FacilityKind.LEISURE)
        school, _ = Facility.objects.get_or_create(name="Ecole des Tilleuls", kind=FacilityKind.SCHOOL)
        camp = Activity.objects.create(
            facility=centre,
            code=CAMP_CODE,
            label="Séjour d'été (semaine)",
            holiday_rule=HolidayRule.ALWAYS,
            capacity=CAPACITY,
            auto_accept=True,
            booking_deadline_kind=DeadlineKind.DAYS_BEFORE,
            booking_deadline_days=7,
            price=Decimal("18.00"),
        )
        peri = Activity.objects.create(
            facility=school, code=SCHOOL_CODE, label="Péri SOIR", capacity=None, price=Decimal("2.10")
        )
        ActivitySlot.objects.bulk_create(
            [ActivitySlot(activity=camp, weekday=d, start_time="09:00", end_time="17:00") for d in WEEKDAYS]
            + [ActivitySlot(activity=peri, weekday=d, start_time="16:30", end_time="18:30") for d in (0, 1, 3, 4)]
        )
        password = make_password(PASSWORD)  # once: argon2 a thousand times would take minutes
        emails = [BOOKER_EMAIL.format(i) for i in range(parents)] + [BROWSER_EMAIL.format(i) for i in range(browsers)]
        users = User.objects.bulk_create(
            User(email=email, password=password, first_name="Parent", last_name=f"RUSH{i}")
            for i, email in enumerate(emails)
        )
        EmailAddress.objects.bulk_create(
            EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
        )
        families = Family.objects.bulk_create(
            Family(name=f"RUSH{i}", subscriber_code=f"RUSH{i:06d}") for i in range(len(users))
        )
        Subscription.objects.bulk_create(
            Subscription(user=user, family=family, method=SubscriptionMethod.STAFF)
            for user, family in zip(users, families, strict=True)
        )
        children = Child.objects.bulk_create(
            Child(family=family, first_name="Camille", last_name=family.name, birth_date=date(2017, 5, 4), sex=Sex.GIRL)
            for family in families
        )
        Enrolment.objects.bulk_create(
            Enrolment(child=child, activity=camp, start_date=start, end_date=end, weekdays=WEEKDAYS)
            for child in children[:parents]
        )
        Enrolment.objects.bulk_create(
            Enrolment(
                child=child,
                activity=peri,
                start_date=school_start,
                end_date=date(school_start.year + 1, 7, 3),
                weekdays=[0, 1, 3, 4],
            )
            for child in children[parents:]
        )
        regie, _ = Regie.objects.get_or_create(name="Regie BL Enfance", defaults={"service_name": "Service enfance"})
        Invoice.objects.bulk_create(
            Invoice(
                regie=regie,
                family=family,
                number=f"{today.year}-R{index:05d}-{month}",
                issued_on=today.replace(day=1) - timedelta(days=30 * month),
                due_on=today.replace(day=1) - timedelta(days=30 * month - 25),
                amount=Decimal("42.50"),
                emission_code=f"EM{today.year}",
                personal_code=f"P{index:05d}",
            )
            for index, family in enumerate(families[parents:])
            for month in (1, 2, 3)
        )
    info = {"activity": camp.pk, "start": start.isoformat(), "end": end.isoformat(), "capacity": CAPACITY}
    print(json.dumps(info))
    return info


# The checks ----------------------------------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def most_held(history, holds) -> dict:
    """The most places held at any moment, per day, replaying the booking history in the order it was written.

    history: (day, booking id, from state, to state) in write order; holds: the states that hold a place."""
    held, most = {}, {}
    for day, _booking, before, after in history:
        change = (after in holds) - (before in holds)
        held[day] = held.get(day, 0) + change
        most[day] = max(most.get(day, 0), held[day])
    return most


def evaluate(*, parents, capacity, days, bookings, history, requests, holds, booked, waiting) -> list[Check]:
    """The rush's checks on what the database holds.

    parents: the child ids of the parents who booked; days: the camp's days; bookings: (child id, day, state,
    queued_at, pk); history: (day, booking id, from, to) in write order; requests: {child id: number of booking
    requests}; holds: the states holding a place; booked / waiting: the two states a parent may end in."""
    checks = []
    most = most_held(history, holds)
    worst = max(most.values(), default=0)
    checks.append(Check("capacité jamais dépassée", worst <= capacity, f"au plus {worst} places tenues sur {capacity}"))
    state = {(child, day): s for child, day, s, _at, _pk in bookings}
    missing = [
        child
        for child in parents
        if requests.get(child, 0) != 1 or any(state.get((child, day)) not in (booked, waiting) for day in days)
    ]
    checks.append(
        Check(
            "chaque demande enregistrée (réservée ou en liste d'attente, une seule)",
            not missing,
            f"{len(parents) - len(missing)} parents sur {len(parents)}"
            + (f" ; manquent par exemple les enfants {sorted(missing)[:5]}" if missing else ""),
        )
    )
    out_of_order = 0
    for day in days:
        line = sorted((at, pk, s) for _child, d, s, at, pk in bookings if d == day and s in (booked, waiting))
        seen_waiting = False
        for _at, _pk, s in line:
            seen_waiting = seen_waiting or s == waiting
            out_of_order += seen_waiting and s == booked
    taken = min((sum(1 for _c, d, s, _a, _p in bookings if d == day and s == booked) for day in days), default=0)
    full = taken == min(capacity, len(parents))
    if out_of_order:
        detail = f"{out_of_order} réservations acceptées après un parent laissé en attente"
    elif not full:
        detail = f"{taken} places prises sur {capacity} pour {len(parents)} parents"
    else:
        detail = "les réservés ont tous demandé avant le premier en attente"
    checks.append(Check("liste d'attente dans l'ordre d'arrivée", out_of_order == 0 and full, detail))
    return checks


def report(parents: int) -> list[Check]:
    from django.db.models import Count

    from espace_famille.demandes.models import Request, RequestKind
    from espace_famille.planning import rules
    from espace_famille.planning.models import Activity, Booking, BookingHistory, Enrolment

    camp = Activity.objects.get(code=CAMP_CODE)
    enrolments = list(Enrolment.objects.filter(activity=camp).values_list("child_id", "start_date", "end_date"))
    start, end = min(e[1] for e in enrolments), max(e[2] for e in enrolments)
    days = list(rules.days_between(start, end, set(WEEKDAYS)))
    checks = evaluate(
        parents=[e[0] for e in enrolments][:parents],
        capacity=camp.capacity,
        days=days,
        bookings=list(Booking.objects.filter(activity=camp).values_list("child_id", "day", "state", "queued_at", "pk")),
        history=list(
            BookingHistory.objects.filter(booking__activity=camp)
            .order_by("pk")
            .values_list("booking__day", "booking_id", "from_state", "to_state")
        ),
        requests=dict(
            Request.objects.filter(activity=camp, kind=RequestKind.BOOKING)
            .values("child_id")
            .annotate(n=Count("pk"))
            .values_list("child_id", "n")
        ),
        holds=rules.HOLDS_A_PLACE,
        booked=rules.BOOKED,
        waiting=rules.WAITING,
    )
    figures = {
        "booked": Booking.objects.filter(activity=camp, state=rules.BOOKED, day=start).count(),
        "waiting": Booking.objects.filter(activity=camp, state=rules.WAITING, day=start).count(),
    }
    print(json.dumps({"checks": [asdict(c) for c in checks], "figures": figures}, default=_json))
    return checks


def _json(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(value)
