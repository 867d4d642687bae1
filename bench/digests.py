"""The processing digests at scale: `bench_digests(families, decisions)` times one slot's run and its peak memory.

Called from bench/run.py through `manage.py shell -c` in the bench's throw-away database (after load_demo):
it writes `families` families, each with a confirmed parent, one booking request and `decisions / families` decided
days (bulk inserts, by chunks), then runs `digests_send` for the slot (the e-mails queued in the outbox) and sends
every e-mail it queued through the e-mail backend, as the task cluster does (Q_WORKERS processes); prints its
figures (bench/figures.py): the queueing, queueing and sending together (the goal's), the peak memory.
The job runs in a process of its own: its time, and its peak resident memory (ru_maxrss, Django included)."""

import resource
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from allauth.account.models import EmailAddress
from django.db import connection, connections, transaction
from django.utils import timezone

from bench.figures import Figure, emit, thousands
from espace_famille.comptes.models import User
from espace_famille.demandes import digests
from espace_famille.demandes.models import DecisionNotice, LineState, Request, RequestKind, RequestLine, RequestState
from espace_famille.dossier.models import Family, Subscription, SubscriptionMethod
from espace_famille.planning.models import Activity, ActivitySlot, Facility

CHUNK = 2_000  # families written per transaction
TARGET_SECONDS = 60
TARGET_MB = 300
ROOT = Path(__file__).resolve().parent.parent


def _activity() -> Activity:
    activity = Activity.objects.filter(code="BENCH-DIGEST").first()
    if activity is None:
        facility = Facility.objects.first() or Facility.objects.create(name="Ecole du banc d'essai")
        activity = Activity.objects.create(facility=facility, code="BENCH-DIGEST", label="Péri SOIR")
        ActivitySlot.objects.bulk_create(
            ActivitySlot(activity=activity, weekday=day, start_time="16:30", end_time="18:30") for day in range(7)
        )
    return activity


def _create(*, families: int, decisions: int, slot_end) -> None:
    activity = _activity()
    per_family, extra = divmod(decisions, families)
    first_day = date(2027, 1, 4)
    window = int(timedelta(hours=5).total_seconds())
    for start in range(0, families, CHUNK):
        numbers = range(start, min(start + CHUNK, families))
        with transaction.atomic():
            rows = Family.objects.bulk_create(Family(name=f"BANC{n}", subscriber_code=f"BANC{n:08d}") for n in numbers)
            users = User.objects.bulk_create(
                User(
                    email=f"famille{n}@banc.example.org",
                    password="!",
                    civility="M.",
                    first_name="Jean",
                    last_name=f"Banc{n}",
                )
                for n in numbers
            )
            EmailAddress.objects.bulk_create(
                EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
            )
            Subscription.objects.bulk_create(
                Subscription(user=user, family=family, method=SubscriptionMethod.STAFF)
                for user, family in zip(users, rows, strict=True)
            )
            requests = Request.objects.bulk_create(
                Request(
                    family=family,
                    kind=RequestKind.BOOKING,
                    activity=activity,
                    subject=f"{family.name} Léa — {activity.name}",
                    state=RequestState.ACCEPTED,
                    decided_at=slot_end,
                )
                for family in rows
            )
            lines, owners = [], []
            for n, request in zip(numbers, requests, strict=True):
                for day in range(per_family + (1 if n < extra else 0)):
                    decided = slot_end - timedelta(seconds=(n * 7 + day * 13) % window)
                    lines.append(
                        RequestLine(
                            request=request,
                            day=first_day + timedelta(days=day),
                            state=LineState.ACCEPTED,
                            decided_at=decided,
                        )
                    )
                    owners.append(request)
            RequestLine.objects.bulk_create(lines, batch_size=5_000)
            DecisionNotice.objects.bulk_create(
                (
                    DecisionNotice(
                        family_id=request.family_id,
                        request=request,
                        line=line,
                        decided_at=line.decided_at,
                        state="Accepté" if line.day.day % 5 else "Refusé",
                        message="Plus de place ce jour-là." if line.day.day % 5 == 0 else "",
                    )
                    for request, line in zip(owners, lines, strict=True)
                ),
                batch_size=5_000,
            )


SEND_BATCH = 500  # e-mails sent before the in-memory backend's list is emptied


def _send_share(ids: list[int]) -> tuple[int, int]:
    """One worker's share of the e-mails, in a process of its own, through the in-memory backend (its list emptied
    by batches, as a mail server would take them). Returns (sent, handed over)."""
    from django.core import mail

    from notifications.services import outbox_send_many

    mail.outbox = []
    sent = handed = 0
    for start in range(0, len(ids), SEND_BATCH):
        sent += outbox_send_many(message_ids=ids[start : start + SEND_BATCH])
        handed += len(mail.outbox)
        mail.outbox.clear()
    return sent, handed


def digest_job(slot_end: str) -> None:
    """Run in a process of its own, so that its peak memory is the job's (and Django's), not the data creation's:
    queues the slot's digests, then sends every one through the e-mail backend as the task cluster does, with as many
    processes as its workers (Q_WORKERS), each sending one e-mail in Q_WORKERS (the in-memory backend: each message
    built, encoded and handed over). Prints the seconds of each step, the peak resident memory in kB (of
    the job or of a sending process, the larger) and what was queued and sent."""
    from concurrent.futures import ProcessPoolExecutor

    from django.conf import settings

    from notifications.models import OutboxMessage, OutboxStatus

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    started = time.perf_counter()
    result = digests.digests_send(slot_end=datetime.fromisoformat(slot_end))
    queued = time.perf_counter()
    ids = list(
        OutboxMessage.objects.filter(kind=digests.PROCESSED_EMAIL, status=OutboxStatus.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    workers = max(1, int(settings.Q_CLUSTER.get("workers", 1)))
    shares = [ids[index::workers] for index in range(workers)]
    connections.close_all()  # each process opens its own connection (a forked one would share the parent's socket)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        outcomes = list(pool.map(_send_share, shares))
    done = time.perf_counter()
    sent, handed = sum(o[0] for o in outcomes), sum(o[1] for o in outcomes)
    peak_kb = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    )
    print(
        f"{queued - started:.3f} {done - queued:.3f} {peak_kb} {result.families} {result.decisions} {result.emails}"
        f" {sent} {handed} {workers}"
    )


def bench_digests(families: int = 20_000, decisions: int = 100_000) -> list[Figure]:
    """Create the data, queue and send the digests of the slot in a fresh process, print and return its figures."""
    slot_end = digests.slot_end_at_or_before(timezone.now())
    _create(families=families, decisions=decisions, slot_end=slot_end)
    connections.close_all()
    proc = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            f"from bench.digests import digest_job; digest_job({slot_end.isoformat()!r})",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode:
        raise SystemExit(f"accusés de traitement : échec\n{proc.stderr[-3000:]}")
    queueing, sending, peak_kb, told, decided, emails, sent, handed, workers = (
        proc.stdout.strip().splitlines()[-1].split()
    )
    megabytes = int(peak_kb) / 1024
    if int(told) < families or int(decided) < decisions or int(emails) < families or int(handed) < int(emails):
        raise SystemExit(
            f"accusés de traitement incomplets : {told} familles, {decided} décisions, {emails} e-mails en boîte"
            f" d'envoi, {handed} remis au serveur d'envoi"
        )
    database = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(connection.vendor, connection.vendor)
    rows = (
        f"{thousands(int(told))} familles, {thousands(int(decided))} décisions, {thousands(int(emails))} e-mails mis en"
        f" boîte d'envoi puis {thousands(int(handed))} remis au serveur d'envoi (en mémoire) par {workers} processus,"
        " comme les workers de tâches"
    )
    label = f"Accusés de traitement d'un créneau ({thousands(families)} familles)"
    return [
        emit(
            Figure(
                part="digests",
                label=f"{label}, mise en boîte d'envoi",
                value=float(queueing),
                rows=rows,
                database=database,
            )
        ),
        emit(
            Figure(
                part="digests",
                label=f"{label}, mise en boîte d'envoi et envoi",
                value=float(queueing) + float(sending),
                goal=TARGET_SECONDS,
                rows=rows,
                database=database,
            )
        ),
        emit(
            Figure(
                part="digests",
                label=f"{label}, mémoire au plus du processus",
                value=megabytes,
                unit="Mo",
                goal=TARGET_MB,
                rows="le processus entier, Django compris",
                database=database,
            )
        ),
    ]
