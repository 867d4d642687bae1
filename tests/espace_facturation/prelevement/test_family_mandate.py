"""The family downloads its mandate from «Espace facturation»; another family's mandate is a 404, an anonymous visitor
goes to the login."""

import io

import pytest
from pypdf import PdfReader

from ..factories import text
from .helpers import debit_household, debit_regie

pytestmark = pytest.mark.django_db


def test_the_family_downloads_its_mandate_from_its_billing_space(client, site):
    invoice, parent, mandate = debit_household(debit_regie())
    client.force_login(parent)

    home = text(client.get("/espace-facturation/"))
    url = f"/espace-facturation/mandats/{mandate.pk}/mandat.pdf"
    assert "Prélèvement automatique" in home and mandate.reference in home and url in home
    response = client.get(url)

    assert response["Content-Type"] == "application/pdf" and "no-cache" in response["Cache-Control"]
    page = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert mandate.reference in page and "FR76 3000 6000 0112 3456 7890 189" in page and "Jean DURANT" in page


def test_another_family_cannot_download_the_mandate(client, site):
    the_regie = debit_regie()
    _, _, mandate = debit_household(the_regie)
    _, other_parent, _ = debit_household(the_regie, "ADERNO")
    client.force_login(other_parent)

    assert client.get(f"/espace-facturation/mandats/{mandate.pk}/mandat.pdf").status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login(client, site):
    _, _, mandate = debit_household(debit_regie())

    response = client.get(f"/espace-facturation/mandats/{mandate.pk}/mandat.pdf")

    assert response.status_code == 302 and "login" in response.url
