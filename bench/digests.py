"""The processing digests at scale: `bench_digests(families, decisions)` times one slot's run and its peak memory.

Called from bench/run.py through `manage.py shell -c` in the bench's throw-away database (after load_demo):
it writes `families` families, each with a confirmed parent, one booking request and `decisions / families` decided
days (bulk inserts, by chunks), then runs `digests_send` for the slot and prints
«Accusés de traitement : 20 000 familles, 100 000 décisions : N s, M Mo au plus».
The job runs in a process of its own: its time, and its peak resident memory (ru_maxrss, Django included)."""

import resource
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from allauth.account.models import EmailAddress
from django.db import connections, transaction
from django.utils import timezone

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


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def digest_job(slot_end: str) -> None:
    """Run in a process of its own, so that its peak memory is the job's (and Django's), not the data creation's:
    prints the seconds, the peak resident memory in kB and what was sent."""
    started = time.perf_counter()
    result = digests.digests_send(slot_end=datetime.fromisoformat(slot_end))
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{elapsed:.3f} {peak_kb} {result.families} {result.decisions} {result.emails}")


def bench_digests(families: int = 20_000, decisions: int = 100_000) -> tuple[float, float]:
    """Create the data, run the digest of the slot in a fresh process, print and return (seconds, peak MB)."""
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
    seconds, peak_kb, told, decided, emails = proc.stdout.strip().splitlines()[-1].split()
    elapsed, megabytes = float(seconds), int(peak_kb) / 1024
    if int(told) < families or int(decided) < decisions or int(emails) < families:
        raise SystemExit(f"accusés de traitement incomplets : {told} familles, {decided} décisions, {emails} e-mails")
    print(
        f"Accusés de traitement : {_thousands(families)} familles, {_thousands(decisions)} décisions : "
        f"{elapsed:.1f} s, {megabytes:.0f} Mo au plus"
    )
    return elapsed, megabytes
