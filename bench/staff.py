"""The staff's screens at scale, run by bench/run.py through `manage.py shell -c` in the throw-away database (after
load_demo): `staff_screens(families)` writes `families` families — each with a child, a parent account, a
pending request, booked days over the next four weeks in the demo's activities, an invoice past due and a
validated yearly document (one family in twelve sees it expire within 30 days) — and an instructor's session with
its second factor. It prints the session key, then the pk of one of those families (whose «Fiche famille» is
measured)."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.utils import timezone

from cms.staff_auth import SECOND_FACTOR, STARTED
from espace_facturation.models import Invoice, Regie
from espace_famille.comptes.models import User
from espace_famille.comptes.roles import INSTRUCTORS
from espace_famille.demandes.models import Request, RequestKind
from espace_famille.dossier.models import Child, Family, Guardian, Sex, Subscription, SubscriptionMethod
from espace_famille.justificatifs.models import Document, DocumentState, DocumentType
from espace_famille.planning import rules
from espace_famille.planning.models import Activity, Booking, BookingState

CHUNK = 500
TARGET_MS = 100


def _session(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SECOND_FACTOR] = True
    session[STARTED] = timezone.now().timestamp()
    session.create()
    return session.session_key


def staff_screens(families: int = 2000) -> None:
    today = timezone.localdate()
    activities = list(Activity.objects.filter(active=True).prefetch_related("slots")[:4])
    regie = Regie.objects.first()
    document_type = DocumentType.objects.first() or DocumentType.objects.create(name="Attestation d'assurance")
    now = timezone.now()
    for start in range(0, families, CHUNK):
        numbers = range(start, min(start + CHUNK, families))
        with transaction.atomic():
            rows = Family.objects.bulk_create(
                Family(name=f"PERSONNEL{n}", subscriber_code=f"STAFF{n:08d}", quotient=400 + n % 1200) for n in numbers
            )
            Guardian.objects.bulk_create(Guardian(family=f, first_name="Alex", last_name=f.name) for f in rows)
            children = Child.objects.bulk_create(
                Child(family=f, first_name="Sam", last_name=f.name, birth_date=date(2017, 5, 1), sex=Sex.BOY)
                for f in rows
            )
            users = User.objects.bulk_create(
                User(email=f"personnel{n}@example.org", first_name="Alex", last_name=f"PERSONNEL{n}") for n in numbers
            )
            Subscription.objects.bulk_create(
                Subscription(user=u, family=f, method=SubscriptionMethod.STAFF)
                for u, f in zip(users, rows, strict=True)
            )
            requests = Request.objects.bulk_create(
                Request(family=f, kind=RequestKind.DOCUMENT if f.pk % 2 else RequestKind.ADDRESS_CHANGE) for f in rows
            )
            Document.objects.bulk_create(
                Document(
                    family=f,
                    document_type=document_type,
                    request=r,
                    original_name="a.pdf",
                    size=1,
                    content_type="application/pdf",
                    extension=".pdf",
                    state=DocumentState.VALIDATED,
                    # A yearly document per family, their ends spread over the year: one in twelve within 30 days.
                    valid_until=today + timedelta(days=f.pk % 365),
                )
                for f, r in zip(rows, requests, strict=True)
            )
            bookings = []
            for index, child in enumerate(children):
                activity = activities[index % len(activities)]
                weekdays = {slot.weekday for slot in activity.slots.all()}
                for day in rules.days_between(today, today + timedelta(weeks=4), weekdays):
                    bookings.append(
                        Booking(child=child, activity=activity, day=day, state=BookingState.BOOKED, queued_at=now)
                    )
            Booking.objects.bulk_create(bookings)
            if regie is not None:
                Invoice.objects.bulk_create(
                    Invoice(
                        regie=regie,
                        family=f,
                        number=f"B-{f.pk}",
                        issued_on=today - timedelta(days=40),
                        due_on=today - timedelta(days=10),
                        amount=Decimal("42.10"),
                        emission_code="BENCH",
                        personal_code=f"P{f.pk}",
                    )
                    for f in rows
                )
    instructor = User.objects.filter(groups__name=INSTRUCTORS).first()
    print(_session(instructor))
    print(
        Family.objects.filter(name__startswith="PERSONNEL").order_by("pk").values_list("pk", flat=True)[families // 2]
    )
