"""The demo's planning: the guide's facilities and activities (périscolaire, school meals, accueil de loisirs) with
their slots and prices, a closure, the children's enrolments for the school year, a lived-in planning around today
made through the services as parents and the instructor would, and the accueil de loisirs' register of the last month
invoiced, marked by the instructor. Safe to run twice."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from commun.demo_logins import INSTRUCTOR, PARENT
from espace_famille.demandes import kinds as request_kinds
from espace_famille.demandes import services as demandes_services
from espace_famille.dossier.models import Child
from espace_famille.planning import attendance, rules, services
from espace_famille.planning.attendance import Mark
from espace_famille.planning.calendar import Calendar, school_zone
from espace_famille.planning.models import (
    Activity,
    ActivityPrice,
    ActivitySlot,
    Attendance,
    AttendanceStatus,
    BillingBasis,
    Booking,
    Closure,
    DeadlineKind,
    Enrolment,
    Facility,
    FacilityKind,
    HolidayRule,
    SlotPeriod,
)

# The guide's activities. Périscolaire runs in school time on Mondays, Tuesdays, Thursdays and Fridays;
# the accueil de loisirs («ALSH-IS») on Wednesdays all year and every weekday in the school holidays.
SCHOOL_DAYS = (0, 1, 3, 4)
FACILITIES = [
    ("Ecole Lux", FacilityKind.SCHOOL, "12 rue de la Paix, 92100 Boulogne-Billancourt"),
    ("Accueil de loisirs Les Tilleuls", FacilityKind.LEISURE, "3 allée des Tilleuls, 92100 Boulogne-Billancourt"),
    ("Crèche Les Petits Pas", FacilityKind.CRECHE, "8 rue Carnot, 92100 Boulogne-Billancourt"),
]
ACTIVITIES = [
    # code, label, facility, hours, weekdays, capacity, auto_accept, price, quotient prices
    ("1", "Péri MATIN", "Ecole Lux", ("07:35", "08:20"), SCHOOL_DAYS, 30, False, "1.60", []),
    (
        "2",
        "Repas Ecoles",
        "Ecole Lux",
        ("12:00", "13:30"),
        SCHOOL_DAYS,
        None,
        True,
        "4.20",
        [(700, "1.10"), (1200, "3.10")],
    ),
    ("4", "Péri SOIR", "Ecole Lux", ("16:30", "18:30"), SCHOOL_DAYS, 25, False, "2.10", []),
    ("5", "ALSH-IS-Matin", "Accueil de loisirs Les Tilleuls", ("08:00", "12:00"), "alsh", 40, False, "6.50", []),
    ("6", "ALSH-IS-Repas", "Accueil de loisirs Les Tilleuls", ("12:00", "14:00"), "alsh", 40, False, "4.20", []),
    ("7", "ALSH-IS-Après-midi", "Accueil de loisirs Les Tilleuls", ("13:00", "17:00"), "alsh", 40, False, "6.50", []),
]
# The accueil de loisirs' afternoon bills the days its register marks («Facturation : présences»), the others the
# days booked.
BILLED_BY_ATTENDANCE = ("7",)
# The lived-in planning: this many school days booked from next week on.
PLANNED_SCHOOL_DAYS = 16
# (family code, child): the activities the child is enrolled in for the school year.
ENROLMENTS = [
    ("DURANT2026", "Léo", ("1", "2", "4", "5", "6", "7")),
    ("DURANT2026", "Nathan", ("2", "4")),
    ("ADERNO2026", "Timéo", ("1", "2", "4", "5", "6", "7")),
    ("ADERNO2026", "Maéva", ("2",)),
    ("BLMAN2026", "Annette", ("2", "4")),
]


def load() -> None:
    _activities()
    _bookings()
    _attendance()


def _activities():
    facilities = {}
    for name, kind, address in FACILITIES:
        facilities[name], _ = Facility.objects.get_or_create(name=name, defaults={"kind": kind, "address": address})
    activities = {}
    for code, label, facility, (start, end), days, capacity, auto_accept, price, prices in ACTIVITIES:
        leisure = days == "alsh"
        activity, created = Activity.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "facility": facilities[facility],
                "holiday_rule": HolidayRule.ALWAYS if leisure else HolidayRule.SCHOOL_TIME,
                "capacity": capacity,
                "auto_accept": auto_accept,
                "price": Decimal(price),
                # The accueil de loisirs asks for 2 working days' notice; the school, the day before at noon.
                "booking_deadline_kind": DeadlineKind.WORKING_DAYS if leisure else DeadlineKind.DAYS_BEFORE,
                "booking_deadline_days": 2 if leisure else 1,
                "cancel_deadline_kind": DeadlineKind.WORKING_DAYS if leisure else DeadlineKind.DAYS_BEFORE,
                "cancel_deadline_days": 2 if leisure else 1,
                "billing_basis": BillingBasis.ATTENDANCE if code in BILLED_BY_ATTENDANCE else BillingBasis.BOOKINGS,
            },
        )
        activities[code] = activity
        if created:
            weekdays = {0: SlotPeriod.HOLIDAYS, 1: SlotPeriod.HOLIDAYS, 2: SlotPeriod.ALL, 3: SlotPeriod.HOLIDAYS}
            weekdays = {**weekdays, 4: SlotPeriod.HOLIDAYS} if leisure else dict.fromkeys(days, SlotPeriod.ALL)
            ActivitySlot.objects.bulk_create(
                ActivitySlot(activity=activity, weekday=day, period=period, start_time=start, end_time=end)
                for day, period in weekdays.items()
            )
            ActivityPrice.objects.bulk_create(
                ActivityPrice(activity=activity, quotient_max=limit, amount=Decimal(amount)) for limit, amount in prices
            )
    start, end = school_year(timezone.localdate())
    # A teachers' training day at the Ecole Lux: the last Friday of January.
    training_day = date(start.year + 1, 1, 31)
    training_day -= timedelta(days=(training_day.weekday() - 4) % 7)
    Closure.objects.get_or_create(
        label="Journée pédagogique",
        start_date=training_day,
        defaults={"end_date": training_day, "facility": facilities["Ecole Lux"]},
    )
    for family_code, first_name, codes in ENROLMENTS:
        child = Child.objects.get(family__subscriber_code=family_code, first_name=first_name)
        for code in codes:
            activity = activities[code]
            weekdays = sorted(slot.weekday for slot in activity.slots.all())
            Enrolment.objects.get_or_create(
                child=child, activity=activity, start_date=start, defaults={"end_date": end, "weekdays": weekdays}
            )


def school_year(today: date) -> tuple[date, date]:
    """The school year the demo plays in: today's, or the next one once too few school days are left in it to
    show a lived-in planning (from June, and in the summer holidays)."""

    first, last = rules.school_year_of(today)
    left = Calendar(start=today, end=last, zone=school_zone()).school_days(SCHOOL_DAYS)
    if len(left) > PLANNED_SCHOOL_DAYS + 5:
        return first, last
    return rules.school_year_of(last + timedelta(days=1))


def months_with_school(today: date, count: int = 2) -> list[tuple[date, list[date]]]:
    """The last `count` months before this one that had school days (the summer months have none), oldest first,
    each with its school days: the months the demo's billing invoices."""
    months, month = [], today.replace(day=1)
    while len(months) < count:
        month = (month - timedelta(days=1)).replace(day=1)
        end = (month + timedelta(days=31)).replace(day=1) - timedelta(days=1)
        if days := Calendar(start=month, end=end, zone=school_zone()).school_days(SCHOOL_DAYS):
            months.insert(0, (month, days))
    return months


def _bookings():
    """A lived-in planning for DURANT and ADERNO around today, made through the services as parents and the
    instructor would: booked weeks, a pending request, a refused day, a billed absence, a waiting list.

    The days are the coming school days, whatever today is; loading again adds nothing."""
    if Booking.objects.exists():
        return
    instructor = get_user_model().objects.get(email=INSTRUCTOR)
    parent = get_user_model().objects.get(email=PARENT)

    today = timezone.localdate()
    # From the Monday after tomorrow at the earliest, so that the absence below is declared before its deadline.
    soonest = max(today + timedelta(days=2), school_year(today)[0])
    monday = soonest + timedelta(days=-soonest.weekday() % 7)
    leo = Child.objects.get(family__subscriber_code="DURANT2026", first_name="Léo")
    nathan = Child.objects.get(family__subscriber_code="DURANT2026", first_name="Nathan")
    timeo = Child.objects.get(family__subscriber_code="ADERNO2026", first_name="Timéo")
    morning, meal, evening, leisure = (Activity.objects.get(code=code) for code in ("1", "2", "4", "7"))
    asked_at = timezone.now() - timedelta(days=3)

    def ask(children, activity, kind, days, by=parent):
        family = children[0].family
        return services.booking_request_submit(
            family=family, by=by, children=children, activity=activity, kind=kind, days=days, now=asked_at
        )

    calendar = Calendar.load(monday, monday + timedelta(days=120))
    school_days = [day for day in calendar.school_days(SCHOOL_DAYS) if not calendar.closed(morning, day)]
    school_days = school_days[:PLANNED_SCHOOL_DAYS]
    if len(school_days) < PLANNED_SCHOOL_DAYS:
        # The school holidays of that year are not known yet (the dashboard says so): no school day to book.
        return
    start, end = school_days[0], school_days[-1]
    # Léo: mornings and meals booked for four weeks (meals are accepted automatically).
    demandes_services.requests_decide(
        requests=ask([leo], morning, "booking", school_days).requests, by=instructor, decision=request_kinds.ACCEPT
    )
    ask([leo, nathan], meal, "booking", school_days)
    # Evenings: the first two weeks accepted, one day refused, the rest still pending.
    evenings = ask([leo], evening, "booking", school_days).requests[0]
    lines = list(evenings.lines.order_by("day"))
    demandes_services.request_decide(
        request=evenings,
        by=instructor,
        decision=request_kinds.PARTIAL,
        lines={request_kinds.ACCEPT: [line.pk for line in lines[:7]], request_kinds.REFUSE: [lines[7].pk]},
        message="Le jeudi, le périscolaire du soir est complet pour les CM2 : Léo est inscrit à l'étude.",
    )
    # An absence declared in time on a booked morning: accepted, not billed.
    absence = services.booking_request_submit(
        family=leo.family, by=parent, children=[leo], activity=morning, kind="absence", days=[school_days[0]]
    )
    for request in absence.requests:
        demandes_services.request_decide(
            request=request,
            by=instructor,
            decision=request_kinds.PARTIAL,
            lines={request_kinds.ACCEPT: [school_days[0]]},
        )
    # The accueil de loisirs on Wednesdays: Timéo's family has no account, the service books for it.
    wednesdays = list(rules.days_between(start, end, {2}))
    demandes_services.requests_decide(
        requests=ask([timeo], leisure, "booking", wednesdays, by=instructor).requests,
        by=instructor,
        decision=request_kinds.ACCEPT,
    )


# The register of the accueil de loisirs' last three Wednesday afternoons of the last month invoiced: (Wednesday,
# child, mark, note). Timéo was booked on the first two only: on the third he came without a booking.
MARKS = [
    (0, "Léo", AttendanceStatus.PRESENT, ""),
    (0, "Timéo", AttendanceStatus.PRESENT, ""),
    (1, "Léo", AttendanceStatus.ABSENT_JUSTIFIED, "Certificat médical remis par la famille"),
    (1, "Timéo", AttendanceStatus.ABSENT_UNJUSTIFIED, ""),
    (2, "Léo", AttendanceStatus.PRESENT, ""),
    (2, "Timéo", AttendanceStatus.PRESENT_UNBOOKED, "Venu avec Léo, place disponible"),
]


def _attendance():
    """The accueil de loisirs' afternoons of the last month invoiced, lived through the services: Léo booked by his
    parent, Timéo by the service, both accepted, then marked by the instructor on the evening of each Wednesday. The
    activity bills by attendance: the invoicing run of espace_facturation's demo, loaded next, bills the marks
    (present, absent without notice, come without a booking) and not the absence with a certificate.

    Nothing when the register has marks already."""
    if Attendance.objects.exists():
        return
    instructor = get_user_model().objects.get(email=INSTRUCTOR)
    parent = get_user_model().objects.get(email=PARENT)
    activity = Activity.objects.get(code="7")
    ((month, _),) = months_with_school(timezone.localdate(), count=1)
    end = (month + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    calendar = Calendar.load(month, end)
    wednesdays = [day for day in rules.days_between(month, end, {2}) if not calendar.closed(activity, day)][-3:]
    children = {
        "Léo": Child.objects.get(family__subscriber_code="DURANT2026", first_name="Léo"),
        "Timéo": Child.objects.get(family__subscriber_code="ADERNO2026", first_name="Timéo"),
    }
    for child in children.values():
        _enrolled_for(child, activity, wednesdays)
    asked_at = timezone.make_aware(datetime.combine(wednesdays[0] - timedelta(days=14), time(10, 0)))
    for child, by, days in ((children["Léo"], parent, wednesdays), (children["Timéo"], instructor, wednesdays[:2])):
        asked = services.booking_request_submit(
            family=child.family, by=by, children=[child], activity=activity, kind="booking", days=days, now=asked_at
        )
        demandes_services.requests_decide(requests=asked.requests, by=instructor, decision=request_kinds.ACCEPT)
    for index, day in enumerate(wednesdays):
        attendance.attendance_mark(
            activity=activity,
            day=day,
            marks=[Mark(children[name].pk, status, note) for at, name, status, note in MARKS if at == index],
            by=instructor,
            now=timezone.make_aware(datetime.combine(day, time(17, 15))),
        )


def _enrolled_for(child: Child, activity: Activity, days: list[date]) -> None:
    """The child's enrolment that holds these days: this school year's, or last year's when the month invoiced was
    in it (the demo loaded from June to September)."""
    if Enrolment.objects.filter(child=child, activity=activity, start_date__lte=days[0], end_date__gte=days[-1]):
        return
    start, end = rules.school_year_of(days[0])
    weekdays = sorted(slot.weekday for slot in activity.slots.all())
    Enrolment.objects.get_or_create(
        child=child, activity=activity, start_date=start, defaults={"end_date": end, "weekdays": weekdays}
    )
