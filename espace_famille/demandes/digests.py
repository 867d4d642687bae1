"""The processing digests («Accusé de traitement»): the decisions of a slot, told to each family at 13:00 and 18:00.

Decisions write DecisionNotice rows in their own transaction (`notices_record`, `notice_for_request`). The digest of a
slot takes every notice not yet told and decided by the slot's end, so a slot that did not run is caught up by the
next one. Marking the notices and queueing the emails happen in one transaction, under the notices' row locks:
a second run of the same slot waits, then finds nothing left, and the outbox keys stop any email queued twice."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from commun import formats
from commun.clock import PARIS
from espace_famille.demandes.emails import CELL
from espace_famille.demandes.models import DecisionNotice, LineState, RequestKind
from espace_famille.dossier.models import Subscription
from notifications import services as notifications
from notifications.kinds import recipient
from notifications.models import OutboxMessage
from notifications.rendering import Rich

PROCESSED_EMAIL = "requests_processed"
SLOT_HOURS = (time(13, 0), time(18, 0))
HEADERS = ["Jour", "Heure", "Type de la demande", "Activité", "Statut"]
FAMILIES_PER_BATCH = 500

ACCEPTED = LineState.ACCEPTED.label  # «Accepté», as the guide's «Statut» column
REFUSED = LineState.REFUSED.label
# The «Type de la demande» column: «Réservation» where «Mes demandes» says «Ajout de réservation».
ROW_TYPE = {RequestKind.BOOKING: "Réservation", RequestKind.ABSENCE: "Absence", RequestKind.CANCELLATION: "Annulation"}
NO_ACTIVITY = "—"


# Recording decisions ------------------------------------------------------------------------------------------


def notices_record(notices: list[DecisionNotice]) -> None:
    """Write the notices of decisions taken in the caller's transaction."""
    DecisionNotice.objects.bulk_create(notices, batch_size=2000)


def notice_for_request(request, *, accept: bool, message: str = "") -> None:
    """A family-file request decided as a whole: one notice, without a day."""
    notices_record(
        [
            DecisionNotice(
                family_id=request.family_id,
                request=request,
                decided_at=request.decided_at,
                state=ACCEPTED if accept else REFUSED,
                message=message.strip(),
            )
        ]
    )


# Slots ------------------------------------------------------------------------------------------------------------


def slot_end_at_or_before(moment: datetime) -> datetime:
    """The latest slot end (13:00:00 or 18:00:00, Paris time) not after `moment`."""
    local = moment.astimezone(PARIS)
    day = local.date()
    while True:
        for hour in reversed(SLOT_HOURS):
            end = datetime.combine(day, hour, tzinfo=PARIS)
            if end <= local:
                return end
        day -= timedelta(days=1)


def latest_slot_end(hour: time, *, now: datetime) -> datetime:
    """The latest end of the slot closing at `hour` (13:00 or 18:00, Paris time) not after `now`."""
    local = now.astimezone(PARIS)
    end = datetime.combine(local.date(), hour, tzinfo=PARIS)
    return end if end <= local else datetime.combine(local.date() - timedelta(days=1), hour, tzinfo=PARIS)


def slot_id(slot_end: datetime) -> str:
    """«2019-01-15T13:00+01:00»: the slot's end in Paris time, with its offset (two slots never share it)."""
    local = slot_end.astimezone(PARIS)
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%dT%H:%M}{offset[:3]}:{offset[3:]}"


# The email --------------------------------------------------------------------------------------------------------


def announcement(count: int) -> str:
    """«11 de vos demandes ont été traitées :»."""
    if count == 1:
        return "Une de vos demandes a été traitée :"
    return f"{count} de vos demandes ont été traitées :"


def requests_url() -> str:
    from home.models import SiteIdentity

    return SiteIdentity.public_address(reverse("espace_famille:requests"))


@dataclass(frozen=True, order=True)
class _Row:
    """A row of the table, ordered by day, hour, then in the order the decisions were taken."""

    day: date
    hour: str
    order: int
    kind: str
    activity: str
    status: str
    child: str = ""

    def cells(self, *, child: bool = False) -> list[str]:
        cells = [formats.date_numeric(self.day), self.hour, self.kind, self.activity, self.status]
        return cells + [self.child] if child else cells


def _row(notice: dict, starts: dict) -> _Row:
    kind = notice["request__kind"]
    kind_label = ROW_TYPE.get(kind) or RequestKind(kind).label
    if notice["line__day"] is not None:
        day = notice["line__day"]
        start = starts.get((notice["request__activity_id"], day.weekday()))
        activity = f"{notice['request__activity__code']}/{notice['request__activity__label']}"
        child = notice["request__child__first_name"] or ""
        return _Row(day, formats.time_short(start), notice["pk"], kind_label, activity, notice["state"], child)
    # A request without days (a family-file change): the day and time it was made, as «Mes demandes» shows it.
    asked = timezone.localtime(notice["request__created_at"], PARIS)
    child = notice["request__child__first_name"] or ""
    return _Row(asked.date(), formats.time_short(asked), notice["pk"], kind_label, NO_ACTIVITY, notice["state"], child)


def _head(headers: list[str]) -> str:
    return "".join(f'<th scope="col" style="{CELL}">{escape(header)}</th>' for header in headers)


_HEADS = {False: (HEADERS, _head(HEADERS)), True: (HEADERS + ["Enfant"], _head(HEADERS + ["Enfant"]))}


def _table(rows: list[list[str]], *, child: bool = False) -> Rich:
    """The same table as emails.email_table, built with one escape per cell: a digest run renders thousands. With
    `child`, a last column «Enfant» (a family whose decisions concern several children)."""
    headers, head = _HEADS[child]
    body = "".join(
        "<tr>" + "".join(f'<td style="{CELL}">{escape(cell)}</td>' for cell in cells) + "</tr>" for cells in rows
    )
    html = (
        '<table style="border-collapse:collapse;margin:12px 0;font-size:14px;"><thead><tr>'
        f"{head}</tr></thead><tbody>{body}</tbody></table>"
    )
    text = "\n".join("\t".join(cells) for cells in [headers, *rows])
    return Rich(text=text, html=mark_safe(html))  # every cell is escaped above


def _messages(notices: list[dict]) -> str:
    """The service's messages on the requests decided, each text once, after the requests it answers: a bulk
    decision's message on eight requests reads once («Réservation 4/Péri SOIR (Léa), Absence … : …»)."""
    answered: dict[str, list[str]] = {}
    for notice in notices:
        text = (notice["message"] or "").strip()
        if not text:
            continue
        subject = notice["request__subject"] or RequestKind(notice["request__kind"]).label
        subjects = answered.setdefault(text, [])
        if subject not in subjects:
            subjects.append(subject)
    return "\n\n".join(f"{', '.join(subjects)} : {text}" for text, subjects in answered.items())


# The job ----------------------------------------------------------------------------------------------------------


@dataclass
class DigestResult:
    slot: str
    families: int = 0
    emails: int = 0
    decisions: int = 0


NOTICE_FIELDS = (
    "pk",
    "family_id",
    "request_id",
    "state",
    "message",
    "line__day",
    "request__kind",
    "request__subject",
    "request__created_at",
    "request__activity_id",
    "request__activity__code",
    "request__activity__label",
    "request__child_id",
    "request__child__first_name",
)


def digests_send(*, slot_end: datetime, progress: Callable[[int, int], None] | None = None) -> DigestResult:
    """Tell each family, in one email per recipient, the decisions not yet told and taken by `slot_end`.

    Families are handled in batches, each in its own transaction, so memory stays flat and a worker that dies
    leaves whole batches done or untouched. `progress(families of the batch, families in all)` follows each batch."""
    key = slot_id(slot_end)
    result = DigestResult(slot=key)
    pending = DecisionNotice.objects.filter(digest_key__isnull=True, decided_at__lte=slot_end)
    families = list(pending.order_by("family_id").values_list("family_id", flat=True).distinct())
    if not families:
        return result
    # The activities' weekly slots give each day's time; planning sits above demandes: the model by its name.
    slots = apps.get_model("espace_famille", "ActivitySlot").objects.all()
    starts = {(s.activity_id, s.weekday): s.start_time for s in slots}
    link = requests_url()
    for first in range(0, len(families), FAMILIES_PER_BATCH):
        batch = families[first : first + FAMILIES_PER_BATCH]
        for attempt in range(2):
            try:
                with transaction.atomic():
                    done = _send_batch(batch, slot_end=slot_end, key=key, starts=starts, link=link)
                break
            except IntegrityError:
                # Another run queued one of these emails between our check and our insert: look again.
                if attempt:
                    raise
        result.families += done.families
        result.decisions += done.decisions
        result.emails += done.emails
        if progress:
            progress(len(batch), len(families))
    return result


def digests_plan(*, slot_end: datetime) -> DigestResult:
    """What digests_send would do now for this slot, read only: the families it would tell, their decisions and the
    emails it would queue (a command's --dry-run)."""
    key = slot_id(slot_end)
    result = DigestResult(slot=key)
    counts = dict(
        DecisionNotice.objects.filter(digest_key__isnull=True, decided_at__lte=slot_end)
        .order_by()
        .values_list("family_id")
        .annotate(n=Count("pk"))
        .values_list("family_id", "n")
    )
    families = sorted(counts)
    for first in range(0, len(families), FAMILIES_PER_BATCH):
        recipients = _recipients(families[first : first + FAMILIES_PER_BATCH])
        keys = {
            family_id: [f"{PROCESSED_EMAIL}:{family_id}:{key}:{user.pk}" for user in users]
            for family_id, users in recipients.items()
        }
        told = set(
            OutboxMessage.objects.filter(key__in=[k for ks in keys.values() for k in ks]).values_list("key", flat=True)
        )
        for family_id in families[first : first + FAMILIES_PER_BATCH]:
            if told.intersection(keys.get(family_id, [])):
                continue
            result.families += 1
            result.decisions += counts[family_id]
            result.emails += len(recipients.get(family_id, []))
    return result


def _recipients(family_ids: list[int]) -> dict[int, list]:
    """Every account subscribed to these families whose email is confirmed."""
    verified = EmailAddress.objects.filter(user=OuterRef("user"), email__iexact=OuterRef("user__email"), verified=True)
    recipients = defaultdict(list)
    for subscription in (
        Subscription.objects.filter(Exists(verified), family__in=family_ids, user__is_active=True)
        .select_related("user")
        .order_by("family_id", "user_id")
    ):
        recipients[subscription.family_id].append(subscription.user)
    return recipients


def _send_batch(batch: list[int], *, slot_end, key: str, starts: dict, link: str) -> DigestResult:
    # The locks make a concurrent run of the same slot wait here; once it goes on, it no longer sees these rows.
    notices = list(
        DecisionNotice.objects.select_for_update(of=("self",))
        .filter(family__in=batch, digest_key__isnull=True, decided_at__lte=slot_end)
        .order_by("pk")
        .values(*NOTICE_FIELDS)
    )
    result = DigestResult(slot=key)
    if not notices:
        return result
    per_family = defaultdict(list)
    for notice in notices:
        per_family[notice["family_id"]].append(notice)
    recipients = _recipients(list(per_family))
    keys = {
        family_id: {user.pk: f"{PROCESSED_EMAIL}:{family_id}:{key}:{user.pk}" for user in users}
        for family_id, users in recipients.items()
    }
    # A family already told for this slot (decisions committed after that run read them) waits for the next slot.
    told = set(
        OutboxMessage.objects.filter(key__in=[k for by_user in keys.values() for k in by_user.values()]).values_list(
            "key", flat=True
        )
    )
    marked, emails = [], []
    for family_id, family_notices in per_family.items():
        if any(k in told for k in keys.get(family_id, {}).values()):
            continue
        marked.extend(notice["pk"] for notice in family_notices)
        result.families += 1
        result.decisions += len(family_notices)
        users = recipients.get(family_id, [])
        if not users:
            continue
        rows = sorted(_row(notice, starts) for notice in family_notices)
        several = len({notice["request__child_id"] for notice in family_notices} - {None}) > 1
        context = {
            "annonce": announcement(len(rows)),
            "nombre": str(len(rows)),
            "tableau": _table([row.cells(child=several) for row in rows], child=several),
            "message_instructeur": _messages(family_notices),
            "lien": link,
        }
        for user in users:
            emails.append((user.email, keys[family_id][user.pk], {**context, **recipient(user)}))
    result.emails += notifications.queue_many(kind=PROCESSED_EMAIL, messages=emails)
    for start in range(0, len(marked), 900):
        DecisionNotice.objects.filter(pk__in=marked[start : start + 900]).update(digest_key=key)
    return result


def digests_send_due(
    *,
    now: datetime | None = None,
    scheduled_for: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DigestResult:
    """The scheduled job: the latest slot ended by now (or by the time it was scheduled for, whichever is later,
    so a worker whose clock lags a little still sends the slot it was started for)."""
    moment = now or timezone.now()
    if scheduled_for is not None:
        moment = max(moment, scheduled_for)
    return digests_send(slot_end=slot_end_at_or_before(moment), progress=progress)
