"""A family with something on every parent screen, built through the factories and the real services: invoices
(one partly paid, one corrected by a credit note, one being paid online), bookings and absences asked on the
planning, changes of the family file waiting with their «Avant / Après», documents, messages, a crèche
pre-registration sent and a second one in progress. The phone layout journey visits every page of it."""

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from espace_facturation import services as billing
from espace_facturation.models import Invoice, OnlinePayment, PaymentKind
from espace_facturation.payments import online_payment_start, payment_record
from espace_famille.comptes.models import User
from espace_famille.creche import services as creche
from espace_famille.demandes.models import Request, RequestKind
from espace_famille.dossier.models import Child, Family, Relationship
from espace_famille.justificatifs.models import DocumentType
from espace_famille.justificatifs.services import document_upload
from espace_famille.messagerie.models import AudienceKind, FamilyMessage, FamilyMessageRecipient
from espace_famille.modifications import services as modifications
from espace_famille.planning import selectors as planning_selectors
from espace_famille.planning.models import Activity, Booking, BookingState, FacilityKind
from espace_famille.planning.services import booking_request_submit
from tests.espace_facturation.factories import billed_household, book, cashier, regie
from tests.factories import ActivityFactory, ChildFactory, EnrolmentFactory, FacilityFactory, GuardianFactory


@dataclass
class RichFamily:
    parent: User
    family: Family
    child: Child
    activity: Activity
    invoices: list[Invoice] = field(default_factory=list)
    online_payment: OnlinePayment | None = None
    document_type: DocumentType | None = None
    requests: list[Request] = field(default_factory=list)
    messages: list[FamilyMessageRecipient] = field(default_factory=list)
    bookable_day: date | None = None


def _png(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _invoices(family: Family, first: Invoice, the_regie) -> list[Invoice]:
    by = cashier()
    book(family.children.get(), the_regie.activities.get(), [date(2026, 10, 5), date(2026, 10, 12)])
    second = billing.invoice_issue(
        draft=billing.invoicing_preview(regie=the_regie, month=date(2026, 10, 1), family_ids=[family.pk], by=by),
        family=family,
        issued_on=date(2026, 11, 5),
        by=by,
    )
    invoices = [first] + ([second] if second else [])
    payment_record(
        regie=the_regie,
        family=family,
        kind=PaymentKind.CHEQUE,
        amount=Decimal("2.10"),
        paid_on=date(2026, 12, 8),
        reference="Chèque n° 1234567 de la Banque Populaire Auvergne Rhône Alpes",
        allocations=[(first.pk, Decimal("2.10"))],
        by=User.objects.get(pk=by.pk),
    )
    billing.credit_note_issue(
        invoice=invoices[-1], amount=Decimal("1.00"), reason="Journée de grève du 12 octobre 2026", by=by
    )
    return invoices


def _planning(family: Family, child: Child, parent: User, today: date) -> tuple[Activity, list[Request], date | None]:
    activity = ActivityFactory(
        facility=FacilityFactory(name="Accueil de loisirs élémentaire Jean de La Fontaine"),
        label="Accueil périscolaire du soir avec goûter",
        weekdays=list(range(7)),
    )
    second = ChildFactory(family=family, first_name="Marie-Charlotte", last_name=family.name)
    for someone in (child, second):
        EnrolmentFactory(
            child=someone,
            activity=activity,
            start_date=today - timedelta(days=60),
            end_date=today + timedelta(days=120),
            weekdays=list(range(7)),
        )
    days = [today + timedelta(days=offset) for offset in range(3, 12)]
    asked = booking_request_submit(
        family=family, by=parent, children=[child, second], activity=activity, kind="booking", days=days
    )
    booked = today + timedelta(days=20)
    Booking.objects.create(
        child=child, activity=activity, day=booked, state=BookingState.BOOKED, queued_at=timezone.now()
    )
    absence = booking_request_submit(
        family=family, by=parent, children=[child], activity=activity, kind="absence", days=[booked]
    )
    bookable = None
    for offset in range(25, 60):
        day = today + timedelta(days=offset)
        entry = planning_selectors.planning_entry(
            family=family, child_id=second.pk, activity_id=activity.pk, day=day, now=timezone.now()
        )
        if entry.action == "booking":
            bookable = day
            break
    return activity, asked.requests + absence.requests, bookable


def _file_changes(family: Family, child: Child, parent: User) -> list[Request]:
    guardian = family.guardians.first()
    changes = [
        modifications.family_file_submit(
            family=family,
            kind=RequestKind.GUARDIAN_CHANGE,
            values={"email": "jeanne-marie.durant-de-la-fontaine@exemple-de-messagerie.fr"},
            by=parent,
            guardian=guardian,
        ),
        modifications.family_file_submit(
            family=family,
            kind=RequestKind.ADDRESS_CHANGE,
            values={"address_line": "145 boulevard du Maréchal de Lattre de Tassigny", "city": "Boulogne-Billancourt"},
            by=parent,
        ),
        modifications.family_file_submit(
            family=family,
            kind=RequestKind.CHILD_CHANGE,
            values={
                "contacts": [
                    {
                        "full_name": "Marie-Thérèse de La Fontaine-Durant",
                        "mobile": "06 12 34 56 78",
                        "phone": "01 23 45 67 89",
                        "relationship": Relationship.GRANDPARENT,
                        "emergency_call": True,
                        "can_pick_up": True,
                    }
                ]
            },
            by=parent,
            child=child,
        ),
    ]
    return [change for change in changes if change is not None]


def _documents(family: Family, child: Child, parent: User) -> DocumentType:
    insurance = DocumentType.objects.create(
        name="Attestation d'assurance responsabilité civile et individuelle accident", mandatory=True
    )
    DocumentType.objects.create(
        name="Certificat médical de non contre-indication à la pratique sportive", per_child=True, mandatory=True
    )
    document_upload(
        family=family,
        document_type=insurance,
        child=None,
        upload=_png("attestation-assurance-responsabilite-civile-2026-2027.png"),
        by=parent,
    )
    return insurance


def _messages(family: Family) -> list[FamilyMessageRecipient]:
    recipients = []
    for subject in ("Sortie au musée des Arts décoratifs le mercredi 16 décembre", "Fermeture exceptionnelle"):
        message = FamilyMessage.objects.create(
            audience=AudienceKind.FAMILY,
            family=family,
            audience_label=family.name,
            subject=subject,
            body="Bonjour, " + "les enfants inscrits à l'accueil de loisirs partiront à 9h00 précises. " * 4,
        )
        recipients.append(FamilyMessageRecipient.objects.create(message=message, family=family))
    return recipients


def _creche(family: Family, parent: User, today: date) -> None:
    first = FacilityFactory(name="Multi-accueil collectif Les Petits Pas de la Fontaine", kind=FacilityKind.CRECHE)
    second = FacilityFactory(name="Crèche familiale Les Lucioles", kind=FacilityKind.CRECHE)
    values = {
        "r1_civility": "Mme",
        "r1_last_name": family.name,
        "r1_first_name": "Jeanne",
        "r1_birth_date": "1990-04-02",
        "r1_phone": "06 12 34 56 78",
        "r1_email": parent.email,
        "r1_allocataire": "1234567",
        "child_sex": "F",
        "child_last_name": family.name,
        "child_first_name": "Lina",
        "child_birth_date": (today - timedelta(days=100)).isoformat(),
        "country": "France",
        "postcode": "92100",
        "city": "Boulogne-Billancourt",
        "choice1": first.pk,
        "choice2": second.pk,
        "entry_date": (today + timedelta(days=90)).isoformat(),
        "care_kind": "regulier",
        "slot_0_0": True,
        "slot_2_1": True,
    }
    creche.draft_save(family=family, values=values, by=parent)
    creche.application_submit(family=family, by=parent)
    # A second pre-registration in progress: the wizard shows it again.
    creche.draft_save(family=family, values={**values, "child_first_name": "Noé"}, by=parent)


def rich_family() -> RichFamily:
    today = timezone.localdate()
    the_regie = regie(service_name="Service Enfance, Jeunesse et Restauration scolaire")
    invoice, parent = billed_household(the_regie, name="DURANT-DE-LA-FONTAINE")
    family = invoice.family
    GuardianFactory(family=family, first_name="Jeanne", civility="Mme", email=parent.email, mobile="0612345678")
    child = family.children.get()
    invoices = _invoices(family, invoice, the_regie)
    activity, _, bookable = _planning(family, child, parent, today)
    _file_changes(family, child, parent)
    document_type = _documents(family, child, parent)
    messages = _messages(family)
    _creche(family, parent, today)
    online = online_payment_start(invoices=[invoices[-1]], by=parent)
    return RichFamily(
        parent=parent,
        family=family,
        child=child,
        activity=activity,
        invoices=list(Invoice.objects.filter(family=family).order_by("pk")),
        online_payment=online,
        document_type=document_type,
        requests=list(Request.objects.filter(family=family).order_by("pk")),
        messages=messages,
        bookable_day=bookable,
    )
