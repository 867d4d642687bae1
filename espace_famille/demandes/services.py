"""Writes of requests: one function per action, atomic, locked and audited.

`request_decide` is the one way a request is accepted, refused or partly accepted, whatever its kind: the actor's
permission, the row lock, the check that the request is still to decide, the kind's handler (registered by the app
owning the kind, see `kinds`), the audit entry and the family's notice, in one transaction."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from commun import audit
from espace_famille.demandes import digests, kinds
from espace_famille.demandes.exceptions import AlreadyWithdrawn, InvalidTransition, NotWithdrawable, StaleRequest
from espace_famille.demandes.models import DecisionNotice, EventKind, LineState, Request, RequestEvent, RequestState
from espace_famille.dossier.permissions import check_family_member

EVENTS = {
    RequestState.ACCEPTED: (EventKind.ACCEPTED, "portail.request.accept"),
    RequestState.REFUSED: (EventKind.REFUSED, "portail.request.refuse"),
    RequestState.PARTIAL: (EventKind.PARTIAL, "portail.request.partial"),
    RequestState.WAITING: (EventKind.WAITING, "portail.request.waiting"),
}
# What a request decided as a whole shows in the processing digest («Statut»).
STATUS = {
    RequestState.ACCEPTED: LineState.ACCEPTED.label,
    RequestState.REFUSED: LineState.REFUSED.label,
    RequestState.WAITING: RequestState.WAITING.label,
}


def decision_record(request: Request, *, state: str, by: AbstractUser | None, message: str, event: str) -> Request:
    """The request's new state and its event (the message the family reads)."""
    request.state = state
    request.decided_at = timezone.now()
    request.decided_by = by
    request.save(update_fields=["state", "decided_at", "decided_by"])
    RequestEvent.objects.create(request=request, kind=event, author=by, message=message.strip())
    return request


def _check_permission(handler: kinds.KindHandler, by: AbstractUser) -> None:
    if not handler.can_decide(by):
        raise PermissionDenied("Vous n'avez pas le droit de traiter cette demande.")


def _run(handler: kinds.KindHandler, request: Request, *, by, decision, message, lines, values) -> kinds.Outcome:
    if decision == kinds.ACCEPT:
        return handler.accept(request, by=by, message=message, lines=lines, values=values)
    if decision == kinds.REFUSE:
        return handler.refuse(request, by=by, message=message, lines=lines)
    if decision == kinds.PARTIAL:
        if not handler.line_based:
            raise ValueError(f"A {request.kind} request is decided as a whole.")
        lines = lines or {}
        return handler.partial(
            request, by=by, message=message, accept=lines.get(kinds.ACCEPT, ()), refuse=lines.get(kinds.REFUSE, ())
        )
    if decision in handler.extra_decisions:
        return getattr(handler, handler.extra_decisions[decision])(request, by=by, message=message)
    raise ValueError(f"Unknown decision {decision!r} for a {request.kind} request.")


def _silent(kind: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"A {kind} request was decided without a notice for the family or an audit entry.")


def _record(request: Request, outcome: kinds.Outcome, *, by, message: str) -> None:
    """Write what the handler decided: the request's state and event, the family's notices, the audit entries."""
    pending = request.state
    if outcome.state is not None:
        event, action = EVENTS[outcome.state]
        decision_record(request, state=outcome.state, by=by, message=message, event=event)
    else:
        request.refresh_from_db(fields=["state", "decided_at"])
        action = ""
    notices = outcome.notices
    if notices is None:
        notices = [
            DecisionNotice(
                family_id=request.family_id,
                request=request,
                decided_at=request.decided_at,
                state=STATUS[request.state],
                message=message.strip(),
            )
        ]
    audit = outcome.audit
    if audit is None:
        audit = [(request, outcome.action or action, {"message": message, **outcome.data})]
    if request.state != pending and not (notices and audit):
        raise _silent(request.kind)
    digests.notices_record(notices)
    for instance, entry_action, data in audit:
        log(instance=instance, action=entry_action, user=by, data=data)


def records_write(batch: kinds.Batch, *, by: AbstractUser | None) -> None:
    """Write what a kind's batch decision asks: its notices and its audit entries, each in a few INSERTs."""
    noticed = {notice.request_id for notice in batch.notices}
    audited = {instance.pk for instance, _, _ in batch.audit if isinstance(instance, Request)}
    if not batch.decided <= noticed & audited:
        raise _silent("batch")
    digests.notices_record(batch.notices)
    audit.entries_write(batch.audit, by=by)


def request_decide(
    *,
    request: Request,
    by: AbstractUser,
    decision: str,
    message: str = "",
    lines=None,
    values: dict | None = None,
) -> Request:
    """Accept, refuse or partly accept one request, through its kind's handler.

    decision: "accept", "refuse", "partial" (line-based kinds; lines = {"accept": [...], "refuse": [...]}, dates or
    line ids) or a kind's own decision («waiting» for crèche). lines with accept / refuse: the lines decided (None:
    every pending line). values: what the instructor checked, for the kind: the values of a family-file change asked
    on a file changed since; the day a document is validated on. Raises PermissionDenied, InvalidTransition (no
    longer to decide), or the kind's ValidationError. The handler changes what its kind owns; the decision's record
    (state and event, the family's notices, the audit entries) is written here, in the same transaction."""
    handler = kinds.handler_for(request.kind)
    _check_permission(handler, by)
    message = message or ""
    with transaction.atomic():
        locked = handler.lock(request)
        if locked.state not in handler.decidable_states:
            raise InvalidTransition()
        outcome = _run(handler, locked, by=by, decision=decision, message=message, lines=lines, values=values)
        locked.refresh_from_db(fields=["child"])
        _record(locked, outcome, by=by, message=message)
    locked.refresh_from_db()
    return locked


@dataclass
class BulkOutcome:
    requests: int = 0  # requests decided
    lines: int = 0  # lines (days) decided, for line-based kinds
    already_decided: list[Request] = field(default_factory=list)
    skipped: int = 0  # requests a kind's batch left alone (no longer to decide)
    stale: list[Request] = field(default_factory=list)  # family-file changes on a file changed since
    invalid: list[Request] = field(default_factory=list)  # refused by the kind's rules (values no longer valid)

    @property
    def not_decided(self) -> int:
        return self.skipped + len(self.already_decided)


def requests_decide(*, requests, by: AbstractUser, decision: str, message: str = "") -> BulkOutcome:
    """Accept or refuse many requests (of any kinds): each kind decides its batch at once when it can (bookings),
    else each request goes through request_decide on its own, so one refused by its kind's rules leaves the others
    decided. Raises PermissionDenied before anything is written if the actor may not decide one of the kinds."""
    requests = list(requests)
    by_kind = defaultdict(list)
    for request in requests:
        by_kind[request.kind].append(request)
    handlers = {kind: kinds.handler_for(kind) for kind in by_kind}
    for handler in handlers.values():
        _check_permission(handler, by)
    result = BulkOutcome()
    for kind, group in by_kind.items():
        handler = handlers[kind]
        to_decide = [r for r in group if r.state in handler.decidable_states]
        result.already_decided += [r for r in group if r.state not in handler.decidable_states]
        if not to_decide:
            continue
        with transaction.atomic():
            batch = handler.bulk(to_decide, by=by, decision=decision, message=message)
            if batch is not None:
                records_write(batch, by=by)
        if batch is not None:
            result.requests += batch.requests
            result.lines += batch.lines
            result.skipped += len(to_decide) - batch.requests
            continue
        for request in to_decide:
            try:
                request_decide(request=request, by=by, decision=decision, message=message)
            except StaleRequest:
                result.stale.append(request)
            except InvalidTransition:
                result.already_decided.append(request)
            except ValidationError:
                result.invalid.append(request)
            else:
                result.requests += 1
    return result


def requests_decide_by_rules(*, requests, decision: str) -> kinds.Batch:
    """The portal's rules decide these requests, in the caller's transaction (an activity that accepts
    automatically): no one acts, so no permission to check. Their kind's batch decides them (one handler that
    decides in batches) and the framework writes their notices and audit entries."""
    requests = list(requests)
    if not requests:
        return kinds.Batch(requests=0, lines=0)
    handlers = {id(handler): handler for handler in (kinds.handler_for(request.kind) for request in requests)}
    if len(handlers) != 1:
        raise ValueError("The rules decide requests of one kind's handler at a time.")
    batch = next(iter(handlers.values())).bulk(requests, by=None, decision=decision, message="")
    if batch is None:
        raise ValueError("Only a kind deciding in batches can be decided by the rules.")
    records_write(batch, by=None)
    return batch


def request_withdraw(*, request: Request, by: AbstractUser) -> Request:
    """«Retirer ma demande»: a parent of the request's family withdraws it while it is pending. Its kind's handler
    releases what it holds (the days of a booking request); the request is «Retirée par la famille», with its event
    and audit entry, and leaves the staff's queues (they list pending requests). No notice: nothing was decided.

    Raises PermissionDenied (not a parent of the family), AlreadyWithdrawn (a second submission: nothing changes),
    NotWithdrawable (decided meanwhile, or a kind that cannot be withdrawn)."""
    check_family_member(by=by, family=request.family_id)
    handler = kinds.handler_for(request.kind)
    if not handler.withdrawable:
        raise NotWithdrawable(kind=True)
    now = timezone.now()
    with transaction.atomic():
        locked = handler.lock(request)
        if locked.state == RequestState.WITHDRAWN:
            raise AlreadyWithdrawn()
        if locked.state != RequestState.PENDING:
            raise NotWithdrawable()
        withdrawal = handler.withdraw(locked, by=by, now=now)
        locked.state, locked.decided_at = withdrawal.state, now
        locked.save(update_fields=["state", "decided_at"])
        RequestEvent.objects.create(request=locked, kind=EventKind.WITHDRAWN, author=by)
        log(instance=locked, action="portail.request.withdraw", user=by, data=withdrawal.data)
    return locked


def request_mark_read(*, request: Request) -> None:
    """The family opened the request: its messages are read."""
    Request.objects.filter(pk=request.pk).update(family_seen_at=timezone.now())
