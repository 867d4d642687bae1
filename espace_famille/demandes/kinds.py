"""The request kinds' handlers: what each kind of request does when it is decided, and what the family reads of it.

`demandes` decides every request through `services.request_decide` without importing the apps that own the
kinds: each app registers a `KindHandler` from its `AppConfig.ready()` (family-file kinds from modifications,
bookings, absences and cancellations from planning, documents from justificatifs, crèche from creche)."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db.models import Model

from espace_famille.demandes.models import DecisionNotice, Request, RequestState

ACCEPT, REFUSE, PARTIAL = "accept", "refuse", "partial"
# The request permission decides every kind; a kind may name its own (a document checker's) as well.
CHANGE_REQUEST = "espace_famille.change_request"


# An audit entry a decision asks the framework to write: (instance, action, data).
AuditEntry = tuple[Model, str, dict]


@dataclass
class Outcome:
    """What a handler decided, for request_decide to record in its transaction: the handler changes what its kind
    owns (the file, the days, the documents) and writes nothing of the decision's record.

    state: the request's new state; request_decide writes it with its event (the message). None for a line-based
    kind, whose request's state follows its lines: the kind wrote it with its event.
    notices: the family's notices for the next processing digest (unsaved DecisionNotice rows); None: one notice
    for the request, from its state. audit: the audit entries; None: one on the request, with `action` (by default
    the state's) and `data` beside the message. A decided request without a notice or an audit entry is refused
    (ImproperlyConfigured): no kind can decide silently."""

    state: str | None = RequestState.ACCEPTED
    action: str = ""
    data: dict = field(default_factory=dict)
    notices: list[DecisionNotice] | None = None
    audit: list[AuditEntry] | None = None


@dataclass
class Batch:
    """What a kind's batch decision (`KindHandler.bulk`) did, for requests_decide to record: counts, and the
    notices and audit entries to write (in bulk)."""

    requests: int  # requests decided
    lines: int  # lines (days) decided
    notices: list[DecisionNotice] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    decided: set[int] = field(default_factory=set)  # the pks of the requests decided


@dataclass
class Row:
    """One line of what the family (and the admin) reads of a request: «Activité : 1/Péri MATIN»."""

    label: str
    value: Any


@dataclass
class Change:
    """One thing a request changes, as the family reads it in «Détail de ma demande»: a field of the family file
    («Téléphone portable : 06 12 34 56 78 → 07 81 23 45 67»), a day of the planning («Non réservé → Réservé»).

    before: what the file or the day held when the family asked («—» when it was not recorded); after: what the
    family asked. Each is text, or a value shown by «espace_famille/includes/shown.html» (a family-file value, a
    list of vaccinations, whose columns are `headers`). decision: where each change is decided on its own (a day),
    its decision («Accepté le 16/11/2026 10:00»)."""

    label: str
    before: Any
    after: Any
    headers: list | None = None
    decision: str = ""


@dataclass
class Description:
    """What «Détail de ma demande» shows of a request, beside the data every request has.

    rows: what it is about («Structure», «Activité»); changes: what it changes, before and after («Modifications
    demandées» of the family file, «Jours demandés» of the planning), under `changes_heading`, the first column
    named `change_label` («Champ», «Jour»)."""

    subject: str
    rows: list[Row] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    changes_heading: str = "Modifications demandées"
    change_label: str = "Champ"

    @property
    def decisions(self) -> bool:
        """Whether the changes are decided one by one (a «Décision» column)."""
        return any(change.decision for change in self.changes)


@dataclass
class Withdrawal:
    """What a kind released when the family withdrew its request, for request_withdraw to record.

    state: the request's state afterwards («withdrawn»; a request of days already partly decided keeps the state
    of its decided days); data: what the audit entry says of it ({"days": [...]})."""

    state: str = RequestState.WITHDRAWN
    data: dict = field(default_factory=dict)


class KindHandler:
    """What a kind of request provides to the decision framework. Subclass it in the app owning the kind and
    register an instance from the app's `AppConfig.ready()`."""

    kinds: tuple[str, ...] = ()
    # Its own permission to decide («justificatifs.change_document»), beside the request permission.
    permission: str = ""
    # A line-based kind (one RequestLine per day) can be partly accepted.
    line_based: bool = False
    # States a request of this kind can still be decided in (a crèche application on the waiting list can).
    decidable_states: tuple[str, ...] = (RequestState.PENDING,)
    # Decisions other than accept / refuse / partial: {decision: method name} («waiting» for crèche).
    extra_decisions: dict[str, str] = {}

    def lock(self, request: Request) -> Request:
        """Lock the request's row (a kind whose decisions lock other rows first, in its own order, locks them here)."""
        return Request.objects.select_for_update(of=("self",)).get(pk=request.pk)

    def accept(self, request: Request, *, by: AbstractUser, message: str, lines=None, values=None) -> Outcome:
        raise NotImplementedError

    def refuse(self, request: Request, *, by: AbstractUser, message: str, lines=None) -> Outcome:
        raise NotImplementedError

    def partial(self, request: Request, *, by: AbstractUser, message: str, accept=(), refuse=()) -> Outcome:
        """Decide some lines of a line-based request; the others stay pending."""
        raise NotImplementedError(f"{type(self).__name__} decides whole requests only.")

    def bulk(self, requests: list[Request], *, by: AbstractUser | None, decision: str, message: str) -> Batch | None:
        """Decide many pending requests at once, when the kind can do better than one by one: returns a Batch, or
        None to let the framework decide them one by one."""
        return None

    def describe(self, request: Request) -> Description:
        """What the family reads of the request in «Mes demandes», and the admin in its lists."""
        return Description(subject=request.subject or request.get_kind_display(), changes=self.changes(request))

    def changes(self, request: Request) -> list[Change]:
        """What the request changes, before and after, as the family reads it (none by default)."""
        return []

    # The family may withdraw a pending request of this kind («Retirer ma demande»): `withdraw` releases what the
    # request holds. A kind whose pending request holds something no one would release (a document waiting for its
    # check) leaves it False. withdraw_help: what the family reads on the confirmation page.
    withdrawable: bool = False
    withdraw_help: str = ""

    def withdraw(self, request: Request, *, by: AbstractUser, now) -> Withdrawal:
        """Release what the pending request (locked by `lock`) holds, in request_withdraw's transaction, which
        records the withdrawal (state, event, audit entry). Holding nothing, a request releases nothing."""
        return Withdrawal()

    def admin_url(self, request: Request) -> str:
        """The admin page where the request is decided ('' when the kind has none)."""
        return ""

    def admin_urls(self, requests: list[Request]) -> dict[int, str]:
        """The admin page of each of these requests, by pk: a kind whose `admin_url` reads the database reads them
        all at once here."""
        return {request.pk: self.admin_url(request) for request in requests}

    def queue_url(self) -> str:
        """The admin list of this kind's requests waiting for a decision ('' when the kind has none)."""
        return ""

    # Its own part of «Détail de ma demande» (a template of its app), included after the common data.
    family_template: str = ""
    # Its place in the «Demandes» menu group.
    admin_order: int = 100

    def admin_viewset(self):
        """Its admin queue, a Wagtail viewset class for the «Demandes» menu group (None: its queue lives elsewhere).
        Imported when called (the menu group is built after every app is ready)."""
        return None

    def can_decide(self, user: AbstractUser) -> bool:
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        return user.has_perm(CHANGE_REQUEST) or bool(self.permission and user.has_perm(self.permission))


_handlers: dict[str, KindHandler] = {}


def register(handler: KindHandler) -> KindHandler:
    """Register a kind's handler (from its app's `ready()`); registering a kind twice replaces the handler only when
    it is the same class (a re-run of `ready()`)."""
    for kind in handler.kinds:
        existing = _handlers.get(kind)
        if existing is not None and type(existing) is not type(handler):
            raise ValueError(f"The request kind {kind!r} already has a handler: {type(existing).__name__}.")
        _handlers[kind] = handler
    return handler


def unregister(handler: KindHandler) -> None:
    for kind in handler.kinds:
        if _handlers.get(kind) is handler:
            del _handlers[kind]


def handler_for(kind: str) -> KindHandler:
    try:
        return _handlers[kind]
    except KeyError:
        raise LookupError(f"No handler registered for the request kind {kind!r}.") from None


def handlers() -> list[KindHandler]:
    """Every registered handler once, in the order of registration."""
    seen = []
    for handler in _handlers.values():
        if handler not in seen:
            seen.append(handler)
    return seen


def admin_viewsets() -> list:
    """The viewsets of the «Demandes» menu group, one per handler that has one, in their `admin_order`."""
    viewsets = []
    for handler in sorted(handlers(), key=lambda handler: handler.admin_order):
        viewset = handler.admin_viewset()
        if viewset is not None and viewset not in viewsets:
            viewsets.append(viewset)
    return viewsets


def describe(request: Request) -> Description:
    handler = _handlers.get(request.kind)
    return handler.describe(request) if handler else KindHandler().describe(request)
