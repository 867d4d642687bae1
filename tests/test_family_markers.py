"""No page a parent opens shows another family's rows: two families whose every shown field carries a marker, and
family A's parent opens every family page (lists, the detail of each of A's objects, and the page's own forms sent
back as they come), never meeting family B's marker."""

from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from espace_facturation.models import Regie
from espace_facturation.payments import online_payment_start, payment_record
from espace_famille.demandes.models import EventKind, Request, RequestEvent, RequestKind
from espace_famille.dossier.models import Subscription, SubscriptionMethod
from espace_famille.justificatifs.models import DocumentType
from espace_famille.justificatifs.services import document_upload
from tests.espace_facturation.factories import cashier
from tests.factories import ChildFactory, FamilyFactory, GuardianFactory, InvoiceFactory, UserFactory
from tests.test_authorization_sweep import FAMILY, PNG, SHARED_ARGUMENTS, certificate_of

pytestmark = pytest.mark.django_db

# The list pages that hold rows of the family's own, where each family's marker must show for its own parent.
LISTS = {
    "espace_facturation:invoices": "Mes Factures",
    "espace_facturation:operations": "Mes Opérations",
    "espace_facturation:payments": "Mes Règlements",
    "espace_facturation:certificates": "Mes attestations",
    "espace_famille:requests": "Mes demandes",
    "justificatifs:list": "Pièces justificatives",
}


class MarkedFamily:
    """A family whose every field a page may show carries `marker`: names, address, invoice number, payment
    reference, request subject and message, document name. It has the objects the family pages name."""

    def __init__(self, marker: str, regie: Regie, document_type: DocumentType):
        self.marker = marker
        word = marker.title()
        self.user = UserFactory(email=f"{marker.lower()}@example.org", first_name=word, last_name=marker)
        self.family = FamilyFactory(name=marker, address_line=f"1 rue {word}", city=f"Ville{word}")
        Subscription.objects.create(user=self.user, family=self.family, method=SubscriptionMethod.CODE)
        self.guardian = GuardianFactory(family=self.family, first_name=word, last_name=marker)
        self.child = ChildFactory(family=self.family, first_name=f"{word}enfant", last_name=marker)
        self.document_type = document_type
        self.invoice = InvoiceFactory(
            regie=regie, family=self.family, number=f"{marker}-0001", amount=Decimal("8.40"), emission_code=marker
        )
        self.payment = payment_record(
            regie=regie,
            family=self.family,
            kind="cheque",
            amount=Decimal("1.00"),
            paid_on=date(2026, 11, 20),
            reference=f"{marker}CHQ",
            by=cashier(),
        )
        request = Request.objects.create(
            family=self.family, kind=RequestKind.ADDRESS_CHANGE, author=self.user, subject=f"Adresse {word}"
        )
        RequestEvent.objects.create(request=request, kind=EventKind.MESSAGE, message=f"Réponse pour {word}")
        upload = SimpleUploadedFile(f"{marker.lower()}-attestation.png", PNG, content_type="image/png")
        self.document = document_upload(
            family=self.family, document_type=document_type, child=None, upload=upload, by=self.user
        )
        self.online_payment = online_payment_start(invoices=[self.invoice], by=self.user)
        self.certificate = certificate_of(self.family, self.child, regie, name=f"{word}enfant {marker}")

    def shown_in(self, response) -> bool:
        content = b"".join(response.streaming_content) if response.streaming else response.content
        return self.marker.lower().encode() in content.lower()


@pytest.fixture
def families(site):
    regie = Regie.objects.create(name="Regie BL Enfance", service_name="Service", payment_backend="simulator")
    document_type = DocumentType.objects.create(name="Attestation d'assurance")
    return MarkedFamily("ALPHAMARQUE", regie, document_type), MarkedFamily("ZULUMARQUE", regie, document_type)


class _Forms(HTMLParser):
    """The POST forms of a page with the values they come with: what a parent sends without changing anything."""

    def __init__(self):
        super().__init__()
        self.forms, self._select, self._textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"action": attrs.get("action") or "", "post": (attrs.get("method") or "").lower() == "post", "data": {}}
            )
        elif not self.forms:
            return
        data = self.forms[-1]["data"]
        kind = (attrs.get("type") or "text").lower()
        if tag == "input" and attrs.get("name") and kind not in ("file", "submit", "button", "image"):
            if kind not in ("checkbox", "radio") or "checked" in attrs:
                data.setdefault(attrs["name"], attrs.get("value") or ("on" if kind == "checkbox" else ""))
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and (self._select not in data or "selected" in attrs):
            data[self._select] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            data[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, text):
        if self._textarea and self.forms:
            self.forms[-1]["data"][self._textarea] += text


def own_forms(response, url: str) -> list[dict]:
    if "html" not in response.get("Content-Type", ""):
        return []
    parser = _Forms()
    parser.feed(response.content.decode())
    return [form["data"] for form in parser.forms if form["post"] and form["action"] in ("", url)]


def family_urls(member: MarkedFamily) -> list[str]:
    pages = {**FAMILY, **SHARED_ARGUMENTS}
    return [reverse(name, kwargs=build(member) if build else None) for name, build in sorted(pages.items())]


def test_a_parent_never_sees_another_familys_marker(client, families):
    a, b = families
    client.force_login(a.user)
    seen = {}
    for url in family_urls(a):
        response = client.get(url, follow=True)
        seen[f"GET {url}"] = response
        if response.status_code == 405:  # an action's address: sent with nothing, as a stray click would
            seen[f"POST {url}"] = client.post(url, follow=True)
        for data in own_forms(response, url):
            seen[f"POST {url} {sorted(data)}"] = client.post(url, data, follow=True)
    leaks = [f"{what} → {response.status_code}" for what, response in seen.items() if b.shown_in(response)]
    assert not leaks, "La famille ZULUMARQUE apparaît chez ALPHAMARQUE : " + ", ".join(leaks)
    # The pages were really read: each list shows A's own marker.
    assert any(what.startswith("POST") for what in seen)
    for name, title in LISTS.items():
        page = client.get(reverse(name))
        assert page.status_code == 200 and a.shown_in(page), title


@pytest.mark.parametrize("name", sorted(LISTS))
def test_each_family_sees_its_own_rows_on_the_list_pages(client, families, name):
    for member, other in (families, families[::-1]):
        client.force_login(member.user)
        page = client.get(reverse(name))
        assert member.shown_in(page) and not other.shown_in(page), LISTS[name]
