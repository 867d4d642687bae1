"""The demo's supporting documents: the types the service asks for, and documents of the DURANT family in each
state (validated, waiting, refused). Safe to run twice."""

import io
from datetime import date

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from reportlab.pdfgen import canvas

from commun.demo_logins import INSTRUCTOR, PARENT
from espace_famille.dossier.models import Child, Family
from espace_famille.justificatifs import services
from espace_famille.justificatifs.models import Document, DocumentType, Validity
from espace_famille.planning import rules as espace_famille_rules
from espace_famille.planning.models import Activity

TYPES = [
    ("Attestation d'assurance", True, Validity.YEAR, None, True),
    ("Certificat de vaccination", True, Validity.YEAR, None, True),
    ("Justificatif de domicile", False, Validity.SEMESTER, None, True),
    # The CAF's certificate is valid to the end of the calendar year (its date is set when loading).
    ("Attestation CAF / quotient familial", False, Validity.DATE, None, False),
]


def _pdf(title: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, title)
    page.save()
    return SimpleUploadedFile(
        f"{title.lower().replace(' ', '-')}.pdf", buffer.getvalue(), content_type="application/pdf"
    )


def load():
    today = timezone.localdate()
    for position, (name, per_child, validity, until, mandatory) in enumerate(TYPES):
        if validity == Validity.DATE:
            until = date(today.year, 12, 31)
        kind, _ = DocumentType.objects.get_or_create(
            name=name,
            defaults={
                "per_child": per_child,
                "validity": validity,
                "valid_until": until,
                "mandatory": mandatory,
                "position": position,
            },
        )
        if name == "Attestation d'assurance":
            kind.activities.add(*Activity.objects.all())
    family = Family.objects.filter(subscriber_code="DURANT2026").first()
    parent = get_user_model().objects.filter(email=PARENT).first()
    instructor = get_user_model().objects.filter(email=INSTRUCTOR).first()
    if family is None or parent is None or Document.objects.filter(family=family).exists():
        return
    leo = Child.objects.get(family=family, first_name="Léo")
    insurance = DocumentType.objects.get(name="Attestation d'assurance")
    home = DocumentType.objects.get(name="Justificatif de domicile")
    caf = DocumentType.objects.get(name="Attestation CAF / quotient familial")
    valid = services.document_upload(
        family=family, document_type=insurance, child=leo, upload=_pdf("Attestation assurance Léo"), by=parent
    )
    services.documents_decide(
        documents=[valid.pk], accept=True, by=instructor, today=espace_famille_rules.school_year_of(today)[0]
    )
    refused = services.document_upload(
        family=family, document_type=caf, child=None, upload=_pdf("Attestation CAF"), by=parent
    )
    services.documents_decide(
        documents=[refused.pk],
        accept=False,
        by=instructor,
        message=f"L'attestation date de {today.year - 2} : merci d'envoyer celle de {today.year}.",
    )
    services.document_upload(family=family, document_type=home, child=None, upload=_pdf("Facture EDF"), by=parent)
