"""The family's documents in «Espace facturation»: a payment's receipt («Reçu», from «Mes Règlements»), and «Mes
attestations», the yearly childcare certificates to download."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from commun.downloads import content_disposition

from . import documents_pdf, selectors
from .views import ESPACE, _family, _not_subscribed


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def receipt_response(payment) -> HttpResponse:
    return pdf_response(documents_pdf.render_receipt(payment), f"recu-{payment.operation_number}.pdf")


def certificate_response(certificate) -> HttpResponse:
    name = certificate.child_name.split(" ")[0].lower()
    return pdf_response(
        documents_pdf.render_certificate(certificate), f"attestation-frais-de-garde-{certificate.year}-{name}.pdf"
    )


@never_cache
@login_required
def payment_receipt(request, pk):
    """The receipt of one of the family's payments, as a PDF («recu-99260250.pdf»)."""
    return receipt_response(selectors.payment_for(user=request.user, pk=pk))


@never_cache
@login_required
def certificates(request):
    """«Mes attestations»: the childcare certificates of each year and child, to download."""
    family = _family(request)
    if family is None:
        return _not_subscribed(request)
    rows = selectors.family_certificates(family=family)
    years = []
    for certificate in rows:
        if not years or years[-1][0] != certificate.year:
            years.append((certificate.year, []))
        years[-1][1].append(certificate)
    context = {"family": family, "years": years, "breadcrumb": [ESPACE, ("Mes attestations", None)]}
    return render(request, "espace_facturation/certificates.html", context)


@never_cache
@login_required
def certificate_pdf(request, pk):
    return certificate_response(selectors.certificate_for(user=request.user, pk=pk))
