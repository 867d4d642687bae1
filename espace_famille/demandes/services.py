"""Writes of requests: one function per action, atomic, locked and audited.

`request_decide` is the one way a request is accepted, refused or partly accepted, whatever its kind: the actor's
permission, the row lock, the check that the request is still to decide, the kind's handler (registered by the app
owning the kind, see `kinds`), the audit entry and the family's notice, in one transaction."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from espace_famille.demandes import digests, kinds
from espace_famille.demandes.exceptions import InvalidTransition, StaleRequest
from espace_famille.demandes.models import EventKind, Request, RequestEvent, RequestState

EVENTS = {
    RequestState.ACCEPTED: (EventKind.ACCEPTED, "portail.request.accept"),
    RequestState.REFUSED: (EventKind.REFUSED, "portail.request.refuse"),
    RequestState.PARTIAL: (EventKind.PARTIAL, "portail.request.partial"),
    RequestState.WAITING: (EventKind.WAITING, "portail.request.waiting"),
}


def decision_record(request: Request, *, state: str, by: AbstractUser, message: str, event: str) -> Request:
    request.state = state
    request.decided_at = timezone.now()
    request.decided_by = by
    request.save(update_fields=["state", "decided_at", "decided_by"])
    RequestEvent.objects.create(request=request, kind=event, author=by, message=message.strip())
    digests.notice_for_request(request, accept=state == RequestState.ACCEPTED, message=message)
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
    every pending line). values: the values an instructor checked for a family-file change asked on a file changed
    since. Raises PermissionDenied, InvalidTransition (no longer to decide), or the kind's ValidationError."""
    handler = kinds.handler_for(request.kind)
    _check_permission(handler, by)
    message = message or ""
    with transaction.atomic():
        locked = handler.lock(request)
        if locked.state not in handler.decidable_states:
            raise InvalidTransition()
        outcome = _run(handler, locked, by=by, decision=decision, message=message, lines=lines, values=values)
        if not outcome.recorded:
            locked.refresh_from_db(fields=["state", "child"])
            event, action = EVENTS[outcome.state]
            decision_record(locked, state=outcome.state, by=by, message=message, event=event)
            log(
                instance=locked,
                action=outcome.action or action,
                user=by,
                data={"message": message, **outcome.data},
            )
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
    for kind, batch in by_kind.items():
        handler = handlers[kind]
        to_decide = [r for r in batch if r.state in handler.decidable_states]
        result.already_decided += [r for r in batch if r.state not in handler.decidable_states]
        if not to_decide:
            continue
        with transaction.atomic():
            done = handler.bulk(to_decide, by=by, decision=decision, message=message)
        if done is not None:
            decided, lines = done
            result.requests += decided
            result.lines += lines
            result.skipped += len(to_decide) - decided
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


def request_mark_read(*, request: Request) -> None:
    """The family opened the request: its messages are read."""
    Request.objects.filter(pk=request.pk).update(family_seen_at=timezone.now())
