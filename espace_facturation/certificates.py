"""The yearly childcare certificates («attestation de frais de garde»): what each family paid in a year for the
childcare of each child under six on 1 January, per régie, and the run that makes them all in January.

Sums paid are the payments (and the family's credit used) that settled, in the year, invoice lines of activities
that open the right («ouvre droit à l'attestation de frais de garde»), meals billed within them excluded. A payment
settles every line of an invoice in proportion. A certificate is made once per child, régie and year: a second run
makes only the missing ones (a late payment of December is not added to a certificate already made)."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from wagtail.log_actions import log

from commun import audit, tasks
from commun.clock import PARIS
from espace_famille.comptes.models import User

from . import rules
from .exceptions import BillingError
from .models import (
    ZERO,
    CertificateRun,
    ChildcareCertificate,
    CreditMovement,
    CreditMovementKind,
    InvoiceLine,
    InvoiceNature,
    InvoiceState,
    PaymentAllocation,
    RunState,
)
from .permissions import INVOICING

BATCH = 500


@dataclass
class CertificateDraft:
    """A certificate to make: its key, the child as printed, what was paid and its detail per invoice line."""

    regie_id: int
    family_id: int
    child_id: int
    child_name: str
    child_birth_date: date
    amount: Decimal = ZERO
    detail: dict = field(default_factory=dict)

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.regie_id, self.child_id, self.family_id)


def _check(by: User | None) -> None:
    """Certificates are the régisseurs' work; `by=None` is the January schedule (cron or the cluster), no person."""
    if by is not None and not by.has_perm(INVOICING):
        raise PermissionDenied("Seuls les régisseurs établissent les attestations de frais de garde.")


def check_year(year: int, *, today: date | None = None) -> int:
    """A year whose payments are known: from 2000 to this year."""
    today = today or timezone.localdate()
    if not 2000 <= year <= today.year:
        raise BillingError(f"Année {year} impossible : choisissez une année de 2000 à {today.year}.")
    return year


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return (
        datetime.combine(date(year, 1, 1), time.min, tzinfo=PARIS),
        datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=PARIS),
    )


def drafts_for_year(*, year: int, family_ids: list[int] | None = None) -> dict[tuple, CertificateDraft]:
    """What each child under six was paid for in `year`, by (régie, child, family): a fixed number of queries."""
    lines = (
        InvoiceLine.objects.filter(
            activity__childcare_certificate=True,
            child__isnull=False,
            child__birth_date__gt=date(year - 6, 1, 1),
            invoice__nature=InvoiceNature.INVOICE,
        )
        .exclude(invoice__state=InvoiceState.CANCELLED)
        .values_list(
            "invoice_id",
            "invoice__number",
            "invoice__amount",
            "invoice__regie_id",
            "invoice__family_id",
            "child_id",
            "child__first_name",
            "child__last_name",
            "child__birth_date",
            "label",
            "amount",
            "quantity",
            "activity__certificate_excludes_meals",
            "activity__meal_price",
        )
    )
    if family_ids is not None:
        lines = lines.filter(invoice__family_id__in=family_ids)
    by_invoice = defaultdict(list)
    for row in lines:
        by_invoice[row[0]].append(row)
    if not by_invoice:
        return {}
    paid = defaultdict(lambda: ZERO)
    allocations = PaymentAllocation.objects.filter(invoice_id__in=by_invoice, payment__paid_on__year=year)
    for invoice_id, amount in allocations.values_list("invoice_id", "amount"):
        paid[invoice_id] += amount
    start, end = _year_bounds(year)
    used = CreditMovement.objects.filter(
        kind=CreditMovementKind.USED, invoice_id__in=by_invoice, created_at__gte=start, created_at__lt=end
    )
    for invoice_id, amount in used.values_list("invoice_id", "amount"):
        paid[invoice_id] += -amount
    drafts: dict[tuple, CertificateDraft] = {}
    for invoice_id, allocated in paid.items():
        for row in by_invoice[invoice_id]:
            (_, number, invoice_amount, regie_id, family_id, child_id, first, last, born, label, amount, qty) = row[:12]
            if not rules.under_six_on_first_january(birth_date=born, year=year):
                continue
            part = rules.childcare_share(amount=amount, quantity=qty, meal_price=row[13], exclude_meals=row[12])
            share = rules.paid_share(allocated=allocated, invoice_amount=invoice_amount, part=part)
            if share <= 0:
                continue
            key = (regie_id, child_id, family_id)
            draft = drafts.get(key) or drafts.setdefault(
                key, CertificateDraft(regie_id, family_id, child_id, f"{first} {last.upper()}", born)
            )
            draft.amount += share
            draft.detail[(number, label)] = draft.detail.get((number, label), ZERO) + share
    return drafts


def _certificate(draft: CertificateDraft, year: int, run: CertificateRun | None) -> ChildcareCertificate:
    return ChildcareCertificate(
        regie_id=draft.regie_id,
        family_id=draft.family_id,
        child_id=draft.child_id,
        year=year,
        child_name=draft.child_name,
        child_birth_date=draft.child_birth_date,
        amount=draft.amount,
        detail=[
            {"number": number, "label": label, "amount": str(amount)}
            for (number, label), amount in sorted(draft.detail.items())
        ],
        run=run,
    )


def certificates_make(
    *, year: int, by: User | None, family_ids: list[int] | None = None, run: CertificateRun | None = None
) -> list[ChildcareCertificate]:
    """Make the certificates of `year` still missing (for these families, or all): one per child, régie and year,
    written with their audit entries in one transaction. Returns those made now."""
    _check(by)
    check_year(year)
    drafts = drafts_for_year(year=year, family_ids=family_ids)
    with transaction.atomic():
        existing = ChildcareCertificate.objects.select_for_update().filter(year=year)
        if family_ids is not None:
            existing = existing.filter(family_id__in=family_ids)
        made = set(existing.values_list("regie_id", "child_id", "family_id"))
        certificates = [_certificate(d, year, run) for key, d in sorted(drafts.items()) if key not in made]
        certificates = ChildcareCertificate.objects.bulk_create(certificates)
        audit.entries_write(
            [(c, "portail.certificate.issue", {"year": year, "amount": str(c.amount)}) for c in certificates], by=by
        )
    return certificates


def certificate_run_start(*, year: int, by: User | None, queue: bool = True) -> CertificateRun:
    """«Établir les attestations»: record the year's run and hand it to a worker, whose page shows the progress. A
    run of the year not finished yet is given back rather than started twice."""
    _check(by)
    check_year(year)
    with transaction.atomic():
        running = CertificateRun.objects.select_for_update().filter(year=year, state=RunState.RUNNING).first()
        if running is not None:
            return running
        run = CertificateRun.objects.create(year=year, created_by=by)
        log(instance=run, action="portail.certificates.start", user=by, data={"year": year})
    if queue:
        transaction.on_commit(lambda: tasks.enqueue("espace_facturation.tasks.certificate_run_execute", run.pk))
    return run


def certificate_run_execute(
    *,
    run: CertificateRun,
    progress: Callable[[int], None] | None = None,
    total: Callable[[int], None] | None = None,
) -> CertificateRun:
    """Make the run's certificates by batches of families, reporting progress after each; executed once even if its
    task is delivered twice, as the person who started it (who must still be a régisseur)."""
    if not CertificateRun.objects.filter(pk=run.pk, started_at__isnull=True).update(started_at=timezone.now()):
        return run
    try:
        _check(run.created_by)
        family_ids = sorted({key[2] for key in drafts_for_year(year=run.year)})
        CertificateRun.objects.filter(pk=run.pk).update(families_total=len(family_ids))
        if total:
            total(len(family_ids))
        for start in range(0, len(family_ids), BATCH):
            batch = family_ids[start : start + BATCH]
            made = certificates_make(year=run.year, by=run.created_by, family_ids=batch, run=run)
            CertificateRun.objects.filter(pk=run.pk).update(
                families_done=F("families_done") + len(batch), created_count=F("created_count") + len(made)
            )
            if progress:
                progress(len(batch))
    except Exception as error:
        CertificateRun.objects.filter(pk=run.pk).update(
            state=RunState.FAILED, error=str(getattr(error, "message", error)), finished_at=timezone.now()
        )
        raise
    CertificateRun.objects.filter(pk=run.pk).update(state=RunState.DONE, finished_at=timezone.now())
    run.refresh_from_db()
    log(instance=run, action="portail.certificates.done", user=run.created_by, data={"made": run.created_count})
    return run
