"""The retention job applies the periods of the personal-data registry: crèche drafts and decided applications,
absence justifications (their files too), and everything of an anonymised family (messages, documents)."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from cms import retention
from espace_famille.creche import services as creche_services
from espace_famille.creche.models import CrecheApplication, CrecheDraft
from espace_famille.demandes.models import EventKind, Request, RequestEvent, RequestKind, RequestState
from espace_famille.dossier.models import Family
from espace_famille.justificatifs.models import Document, DocumentState, DocumentType
from tests.espace_famille.creche.factories import creche, submitted_application
from tests.factories import ChildFactory, FamilyFactory, GuardianFactory, parent_of, service_instructor

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """The retention job, committed: files leave storage once their rows are gone for good."""

    def run(**options):
        with django_capture_on_commit_callbacks(execute=True):
            return retention.run(**options)

    return run


def draft(name: str, *, untouched_days: int) -> CrecheDraft:
    family = FamilyFactory(name=name)
    creche_services.draft_save(
        family=family, values={"child_first_name": "Léo", "child_last_name": name}, by=parent_of(family)
    )
    CrecheDraft.objects.filter(family=family).update(updated_at=NOW - timedelta(days=untouched_days))
    return CrecheDraft.objects.get(family=family)


def test_a_crèche_draft_untouched_for_a_year_is_deleted_and_a_recent_one_is_kept(run):
    old, recent = draft("OUBLI", untouched_days=366), draft("ENCOURS", untouched_days=364)
    run(dry_run=False, now=NOW)
    assert list(CrecheDraft.objects.values_list("pk", flat=True)) == [recent.pk]
    assert Family.objects.filter(pk=old.family_id).exists()


def decided(name: str, *, decision: str, days_ago: int) -> CrecheApplication:
    application = submitted_application(family_name=name, child=f"Enfant {name}", choices=[creche(f"Crèche {name}")])
    request = application.request
    if decision != RequestState.PENDING:
        creche_services.decide(
            request=request, by=service_instructor(is_staff=True), decision=decision, message="Réponse"
        )
    Request.objects.filter(pk=request.pk).update(decided_at=NOW - timedelta(days=days_ago))
    return application


def test_a_decided_crèche_application_goes_two_years_after_the_decision_with_its_request_and_messages(run):
    gone = [
        decided("ACCEPTEE", decision=RequestState.ACCEPTED, days_ago=731),
        decided("REFUSEE", decision=RequestState.REFUSED, days_ago=731),
    ]
    kept = [
        decided("RECENTE", decision=RequestState.REFUSED, days_ago=729),
        decided("ATTENTE", decision=RequestState.WAITING, days_ago=900),
        decided("ENCOURS", decision=RequestState.PENDING, days_ago=900),
    ]
    assert RequestEvent.objects.filter(request=gone[0].request, message="Réponse").exists()

    run(dry_run=False, now=NOW)

    assert set(CrecheApplication.objects.values_list("pk", flat=True)) == {a.pk for a in kept}
    gone_requests = [a.request_id for a in gone]
    assert not Request.objects.filter(pk__in=gone_requests).exists()
    assert not RequestEvent.objects.filter(request__in=gone_requests).exists()
    assert all(Family.objects.filter(pk=a.request.family_id).exists() for a in gone)


def absence(family, *, last_day: date, file_name: str = "certificat.pdf") -> Request:
    request = Request.objects.create(
        family=family, kind=RequestKind.ABSENCE, subject="Léo — Cantine", start_date=last_day, end_date=last_day
    )
    request.justification.save(file_name, ContentFile(b"%PDF-1.4 certificat"), save=True)
    return request


def test_an_absence_justification_leaves_storage_a_year_after_the_day(run):
    family = FamilyFactory()
    old = absence(family, last_day=(NOW - timedelta(days=366)).date(), file_name="ancien.pdf")
    recent = absence(family, last_day=(NOW - timedelta(days=300)).date(), file_name="recent.pdf")
    storage = Request.justification.field.storage
    old_name, recent_name = old.justification.name, recent.justification.name

    run(dry_run=False, now=NOW)

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.justification.name == "" and not storage.exists(old_name)
    assert old.subject == "Léo — Cantine", "the request itself stays"
    assert recent.justification.name == recent_name and storage.exists(recent_name)


def test_a_justification_sent_for_two_children_stays_while_one_request_still_needs_it(run):
    family = FamilyFactory()
    storage = Request.justification.field.storage
    first = absence(family, last_day=(NOW - timedelta(days=400)).date())
    second = Request.objects.create(family=family, kind=RequestKind.ABSENCE, end_date=(NOW - timedelta(days=10)).date())
    Request.objects.filter(pk=second.pk).update(justification=first.justification.name)

    run(dry_run=False, now=NOW)

    assert storage.exists(first.justification.name)
    assert Request.objects.get(pk=second.pk).justification.name == first.justification.name


def family_with_everything(name: str, *, created_days_ago: int) -> Family:
    """A family with a request message, a justification, a document and a crèche application and draft."""
    application = submitted_application(family_name=name, child="Léo", choices=[creche(f"Crèche {name}")])
    family = application.request.family
    creche_services.decide(
        request=application.request, by=service_instructor(is_staff=True), decision="waiting", message="Place en vue"
    )
    creche_services.draft_save(family=family, values={"child_first_name": "Zoé"}, by=family.subscriptions.get().user)
    child = ChildFactory(family=family, first_name="Léo")
    RequestEvent.objects.create(request=application.request, kind=EventKind.MESSAGE, message="Mon fils est malade")
    absence(family, last_day=(NOW - timedelta(days=10)).date())
    document_request = Request.objects.create(family=family, kind=RequestKind.DOCUMENT)
    document = Document(
        family=family,
        child=child,
        document_type=DocumentType.objects.get_or_create(name="Assurance")[0],
        request=document_request,
        original_name="assurance.pdf",
        content_type="application/pdf",
        extension=".pdf",
        size=20,
        state=DocumentState.VALIDATED,
    )
    document.file.save("assurance.pdf", ContentFile(b"%PDF-1.4 assurance"), save=True)
    long_ago = NOW - timedelta(days=created_days_ago)
    Family.objects.filter(pk=family.pk).update(created_at=long_ago)
    Request.objects.filter(family=family).update(created_at=long_ago)
    family.subscriptions.all().delete()
    return family


def test_an_anonymised_family_loses_its_messages_crèche_answers_documents_and_files(run):
    gone = family_with_everything("PARTIE", created_days_ago=4 * 365)
    kept = family_with_everything("ACTIVE", created_days_ago=10)
    storage = Document.file.field.storage
    files = [d.file.name for d in Document.objects.filter(family=gone)]
    files += [r.justification.name for r in Request.objects.filter(family=gone).exclude(justification="")]
    assert len(files) == 2 and all(storage.exists(name) for name in files)

    run(dry_run=False, now=NOW, inactive_days=3 * 365)

    assert Family.objects.get(pk=gone.pk).anonymised_at is not None
    assert set(RequestEvent.objects.filter(request__family=gone).values_list("message", flat=True)) == {""}
    application = CrecheApplication.objects.get(request__family=gone)
    assert (application.data, application.child_first_name) == ({}, "ANONYME")
    assert not CrecheDraft.objects.filter(family=gone).exists()
    assert not Document.objects.filter(family=gone).exists()
    assert not any(storage.exists(name) for name in files)
    assert not Request.objects.filter(family=gone).exclude(justification="").exists()
    # The other family keeps everything.
    assert RequestEvent.objects.filter(request__family=kept, message="Mon fils est malade").exists()
    assert CrecheApplication.objects.get(request__family=kept).child_first_name == "Léo"
    assert CrecheDraft.objects.filter(family=kept).exists() and Document.objects.filter(family=kept).exists()


def test_the_dry_run_counts_each_kind_of_data_and_changes_nothing():
    draft("OUBLI", untouched_days=400)
    family = family_with_everything("PARTIE", created_days_ago=4 * 365)
    GuardianFactory(family=family, first_name="Jean")
    out = StringIO()

    call_command("retention", "--dry-run", "--details", stdout=out)

    text = out.getvalue()
    assert "Familles à anonymiser (aucune activité depuis 1095 jours) : 1" in text
    for line in (
        "  dont responsables : 2",
        "  dont historique des demandes : 3",
        "  dont pré-inscriptions en crèche : 1",
        "  dont brouillons de pré-inscription : 1",
        "  dont pièces justificatives : 1",
        "À supprimer — brouillons de pré-inscription (non modifiés depuis 365 jours) : 1",
        "À anonymiser — demandes (justificatifs d'absence, 365 jours après le dernier jour) : 0",
        "À supprimer — pré-inscriptions en crèche (décidées depuis 730 jours) : 0",
    ):
        assert line in text, line
    assert CrecheDraft.objects.count() == 2 and Document.objects.filter(family=family).count() == 1
    assert Family.objects.get(pk=family.pk).anonymised_at is None


def test_invoices_and_payments_lose_what_names_a_person_after_ten_years_and_only_then(run):
    from decimal import Decimal

    from espace_facturation.models import Invoice, InvoiceLine, OnlinePayment, Payment
    from tests.espace_facturation.factories import billed_household, regie

    the_regie = regie()
    invoice, _ = billed_household(the_regie, "DIXANS")
    recent, _ = billed_household(the_regie, "NEUFANS")
    for each, years in ((invoice, 11), (recent, 9)):
        issued = (NOW - timedelta(days=years * 365)).date()
        Invoice.objects.filter(pk=each.pk).update(issued_on=issued, personal_code="CODE-PERSO")
        Payment.objects.create(
            regie=each.regie,
            family=each.family,
            kind="cheque",
            operation_number=f"OP{each.pk}",
            reference="564654646",
            paid_on=issued,
            amount=Decimal("1.00"),
        )
        attempt = OnlinePayment.objects.create(
            invoice=each,
            backend="simulator",
            order_id=f"O{each.pk}",
            amount=Decimal("1.00"),
            email="payeur@example.org",
            responses=[{"mel": "payeur@example.org"}],
        )
        OnlinePayment.objects.filter(pk=attempt.pk).update(created_at=NOW - timedelta(days=years * 365))

    first = sum(report.count for report in run(dry_run=False, now=NOW))
    second = sum(report.count for report in run(dry_run=False, now=NOW))

    old, kept = Invoice.objects.get(pk=invoice.pk), Invoice.objects.get(pk=recent.pk)
    assert (old.personal_code, old.amount) == ("", invoice.amount)
    assert set(InvoiceLine.objects.filter(invoice=old).values_list("child_name", flat=True)) == {"ANONYME"}
    assert Payment.objects.get(family=old.family).reference == ""
    assert OnlinePayment.objects.filter(invoice=old).values_list("email", "responses").get() == ("", [])
    assert kept.personal_code == "CODE-PERSO" and Payment.objects.get(family=kept.family).reference == "564654646"
    assert OnlinePayment.objects.get(invoice=kept).email == "payeur@example.org"
    assert "ANONYME" not in InvoiceLine.objects.filter(invoice=kept).values_list("child_name", flat=True)
    assert first >= 4 and second == 0


def test_invoicing_drafts_go_three_months_after_their_preview_and_their_invoices_stay(run):
    from espace_facturation.models import Invoice, InvoicingDraft, InvoicingDraftFamily, InvoicingRun
    from espace_facturation.personal_data import DRAFT_DAYS
    from tests.espace_facturation.factories import billed_household, regie

    the_regie = regie()
    old, _ = billed_household(the_regie, "ANCIEN")
    recent, _ = billed_household(the_regie, "RECENT")
    old_draft, recent_draft = (InvoicingDraftFamily.objects.get(invoice=each).draft for each in (old, recent))
    issued = InvoicingRun.objects.create(
        regie=the_regie, month=old_draft.month, draft=old_draft, issued_on=old.issued_on
    )
    InvoicingDraft.objects.filter(pk=old_draft.pk).update(created_at=NOW - timedelta(days=DRAFT_DAYS + 1))
    InvoicingDraft.objects.filter(pk=recent_draft.pk).update(created_at=NOW - timedelta(days=DRAFT_DAYS - 1))

    run(dry_run=False, now=NOW)

    assert list(InvoicingDraft.objects.values_list("pk", flat=True)) == [recent_draft.pk]
    assert list(InvoicingDraftFamily.objects.values_list("family_id", flat=True)) == [recent.family_id]
    issued.refresh_from_db()
    assert issued.draft is None and Invoice.objects.count() == 2
    assert old.lines.get().child_name == "Léo ANCIEN"
