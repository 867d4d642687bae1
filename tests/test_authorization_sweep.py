"""Every URL of the portal, checked for who may reach it.

Each named URL is classified below. A new view that nobody classified makes
`test_every_url_of_the_portal_is_classified` fail: its author decides who may reach it and the sweep then
checks it (an anonymous visitor is sent to the login, another family gets 404, a parent never reaches a
staff page)."""

import io
import re
import time
import uuid
from datetime import date
from decimal import Decimal
from functools import cached_property

import pytest
from allauth.mfa.models import Authenticator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from espace_facturation.models import ChildcareCertificate, Payment, Regie
from espace_facturation.payments import online_payment_start
from espace_famille.demandes.models import Request, RequestKind
from espace_famille.dossier.models import Subscription, SubscriptionMethod
from espace_famille.justificatifs.models import DocumentType
from espace_famille.justificatifs.services import document_upload
from espace_famille.messagerie.models import AudienceKind, FamilyMessage, FamilyMessageRecipient
from tests.factories import ChildFactory, FamilyFactory, GuardianFactory, InvoiceFactory, UserFactory


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()

# Open to everyone: the CMS pages, the account pages (login, signup, password reset...), the anti-robot
# challenge, and URLs whose secret is in the address itself (the calendar feed token, the e-mail keys).
PUBLIC = {
    "wagtail_serve",
    "favicon",
    # The installable portal (home/pwa.py): its manifest, service worker and «hors ligne» page name nobody.
    "pwa_manifest",
    "pwa_service_worker",
    "pwa_offline",
    "wagtailcore_login",
    "wagtailcore_authenticate_with_password",
    "resend_confirmation",
    # «Débloquer mon compte»: the signed single-use token is the permission (tests/test_login_throttling.py).
    "account_unlock",
    "altcha_django:challenge",
    "altcha_django:sentinel-challenge",
    "account_login",
    "account_logout",
    "account_inactive",
    "account_signup",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_confirm_login_code",
    # Staff sign in there (then give their second factor).
    "staff_login",
    # The second step of a login: without the password step it sends back to the login
    # (tests/test_staff_second_factor.py).
    "mfa_authenticate",
    # FranceConnect: the button, its return and the first login work on what the session holds, nothing
    # from the address (tests/espace_famille/comptes/test_franceconnect.py); they give 404 while it is not configured.
    "franceconnect_login",
    "franceconnect_callback",
    "franceconnect_link",
    "franceconnect_logout_return",
    # A secret token stands for the login; an unknown token gives 404
    # (tests/espace_famille/planning/test_calendar_feed.py).
    "espace_famille:calendar_feed",
    # PayFiP's server-to-server notification: it only makes the portal ask PayFiP the result
    # (tests/espace_facturation/test_payfip.py).
    "espace_facturation:payfip_notify",
}

# A signed-in person's own account pages: an anonymous visitor is sent to the login.
ACCOUNT = {
    "account_reauthenticate",
    "account_email",
    "account_change_password",
    "account_set_password",
    "franceconnect_unlink",
    # The account's second factors (allauth.mfa).
    "mfa_index",
    "mfa_reauthenticate",
    "mfa_activate_totp",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_add_webauthn",
    "mfa_list_webauthn",
    "mfa_reauthenticate_webauthn",
    # A staff member's first second factor: the page that e-mails its link (tests/test_staff_enrolment.py).
    "staff_enrolment",
}

# A signed-in person's own security keys: another account's key gives 404.
ACCOUNT_OBJECTS = {"mfa_edit_webauthn", "mfa_remove_webauthn"}


def _request_of(family, user):
    return Request.objects.create(family=family, kind=RequestKind.ADDRESS_CHANGE, author=user).pk


def _mandate_of(family):
    from espace_facturation.models import Mandate

    regie = Regie.objects.create(name=f"Régie prélèvement {family.pk}", service_name="Service", creditor_id="FR12ZZZ1")
    return Mandate.objects.create(
        regie=regie, family=family, reference=f"PF{family.pk}", signed_on="2026-12-01", iban="FR76", bic="AGRIFRPP"
    ).pk


def _message_to(family):
    message = FamilyMessage.objects.create(
        audience=AudienceKind.FAMILY, family=family, audience_label=str(family), subject="Objet", body="Texte"
    )
    return FamilyMessageRecipient.objects.create(message=message, family=family).pk


# Family-scoped pages: name → the URL arguments of an object of the family (None: the page has no object).
# An anonymous visitor is sent to the login; with arguments, another family's parent gets 404.
FAMILY = {
    "espace_famille:mon_espace": None,
    "espace_famille:profile": None,
    "espace_famille:subscriptions": None,
    "espace_famille:subscription_add": None,
    "espace_famille:requests": None,
    "espace_famille:request_detail": lambda f: {"pk": _request_of(f.family, f.user)},
    "espace_famille:request_withdraw": lambda f: {"pk": _request_of(f.family, f.user)},
    "espace_famille:my_data": None,
    "espace_famille:my_data_pdf": lambda f: {"family_pk": f.family.pk},
    "espace_famille:my_data_json": lambda f: {"family_pk": f.family.pk},
    "espace_famille:home": None,
    "espace_famille:family_choose": None,
    "espace_famille:family_file": None,
    "espace_famille:guardian_edit": lambda f: {"pk": f.guardian.pk},
    "espace_famille:child_add": None,
    "espace_famille:child_edit": lambda f: {"pk": f.child.pk},
    "espace_famille:photo_edit": lambda f: {"person": "enfant", "pk": f.child.pk},
    "espace_famille:photo": lambda f: {"person": "responsable", "pk": f.guardian.pk},
    "espace_famille:planning": None,
    "espace_famille:planning_confirm": None,
    "espace_famille:planning_long": lambda f: {"kind": "reservation"},
    "espace_famille:planning_list": None,
    "espace_famille:planning_basket": None,
    "espace_famille:planning_basket_result": None,
    "espace_famille:calendar": None,
    "espace_famille:calendar_renew": None,
    "espace_facturation:home": None,
    "espace_facturation:invoices": None,
    "espace_facturation:operations": None,
    "espace_facturation:payments": None,
    "espace_facturation:invoice_detail": lambda f: {"pk": f.invoice.pk},
    "espace_facturation:invoice_pdf": lambda f: {"pk": f.invoice.pk},
    "espace_facturation:invoice_pay": lambda f: {"pk": f.invoice.pk},
    # The invoices ticked travel in the POST: another family's give 404 (espace_facturation/test_pay_several.py).
    "espace_facturation:invoices_pay": None,
    "espace_facturation:mandate_pdf": lambda f: {"pk": _mandate_of(f.family)},
    "espace_facturation:payment_return": lambda f: {"order_id": f.online_payment.order_id},
    "espace_facturation:simulator": lambda f: {"order_id": f.online_payment.order_id},
    "espace_facturation:payment_receipt": lambda f: {"pk": f.payment.pk},
    "espace_facturation:certificates": None,
    "espace_facturation:certificate_pdf": lambda f: {"pk": f.certificate.pk},
    "justificatifs:list": None,
    # The crèche pre-registration works on the parent's current family: its addresses carry no identifier
    # (tests/espace_famille/creche/test_preregistration.py checks another family never sees this one's draft).
    "creche:start": None,
    "creche:review": None,
    "creche:submit": None,
    "justificatifs:file": lambda f: {"pk": f.document.pk},
    "messagerie:list": None,
    "messagerie:detail": lambda f: {"pk": _message_to(f.family)},
}

# Family pages whose arguments name something every family shares (a type of document): an anonymous visitor is
# sent to the login; a parent works on their own family there.
SHARED_ARGUMENTS = {
    "justificatifs:upload": lambda f: {"type_pk": f.document_type.pk},
    "creche:step": lambda f: {"number": 2},
    # The e-mailed enrolment link: its token names the account, and the session must be that account's.
    "staff_enrolment_confirm": lambda f: {"token": "x"},
}

# Whole URL trees and who may reach them.
STAFF_TREES = ("admin/",)
PUBLIC_TREES = ("documents/",)  # Wagtail documents: their collection's privacy applies.


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route in STAFF_TREES or route in PUBLIC_TREES:
                continue
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from _walk(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            yield route, f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name


def _staff_routes():
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and str(pattern.pattern) in STAFF_TREES:
            yield from (
                (str(pattern.pattern) + route, name)
                for route, name in _walk(pattern.url_patterns, namespace=pattern.namespace)
            )


PORTAL_ROUTES = list(_walk(get_resolver().url_patterns))
CONVERTERS = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": str(uuid.UUID(int=1))}


def _concrete(route: str) -> str | None:
    """An address for a route with placeholder arguments (named groups of a regular expression too);
    None for a catch-all expression."""
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route.replace("^", "").replace("$", ""))
    if re.search(r"[()*+?\[\]\\|]", route.replace("<", "").replace(">", "")):
        return None
    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: CONVERTERS.get(m.group(1) or "str", "x"), route)


def test_every_url_of_the_portal_is_classified():
    known = PUBLIC | ACCOUNT | ACCOUNT_OBJECTS | set(FAMILY) | set(SHARED_ARGUMENTS)
    unclassified = sorted({f"{name or '(sans nom)'} ({route})" for route, name in PORTAL_ROUTES if name not in known})
    assert not unclassified, "Classer ces adresses dans tests/test_authorization_sweep.py : " + ", ".join(unclassified)


def test_every_classified_name_still_exists():
    names = {name for _, name in PORTAL_ROUTES}
    assert not (PUBLIC | ACCOUNT | ACCOUNT_OBJECTS | set(FAMILY) | set(SHARED_ARGUMENTS)) - names


class _Member:
    """A family with a parent, a guardian and a child (with a photo-less record); its invoice and online
    payment are made when a URL needs them."""

    def __init__(self):
        self.user = UserFactory()
        self.family = FamilyFactory()
        Subscription.objects.create(user=self.user, family=self.family, method=SubscriptionMethod.CODE)
        self.guardian = GuardianFactory(family=self.family)
        self.child = ChildFactory(family=self.family)

    @cached_property
    def invoice(self):
        # A régie that pays online (the simulator): the online payment's pages are swept too.
        regie = Regie.objects.filter(payment_backend="simulator").first() or Regie.objects.create(
            name="Regie", service_name="Service", payment_backend="simulator"
        )
        return InvoiceFactory(regie=regie, family=self.family, amount=Decimal("8.40"))

    @cached_property
    def document_type(self):
        return DocumentType.objects.first() or DocumentType.objects.create(name="Attestation d'assurance")

    @cached_property
    def document(self):
        data = SimpleUploadedFile("a.png", PNG, content_type="image/png")
        return document_upload(
            family=self.family, document_type=self.document_type, child=None, upload=data, by=self.user
        )

    @cached_property
    def online_payment(self):
        return online_payment_start(invoices=[self.invoice], by=self.user)

    @cached_property
    def payment(self):
        return Payment.objects.create(
            regie=self.invoice.regie,
            family=self.family,
            kind="cheque",
            operation_number=f"OP{self.family.pk}",
            paid_on=date(2026, 11, 20),
            amount=Decimal("1.00"),
        )

    @cached_property
    def certificate(self):
        return certificate_of(self.family, self.child, self.invoice.regie)


def certificate_of(family, child, regie, *, name=None) -> ChildcareCertificate:
    """A certificate of 2025, as the January run makes them."""
    return ChildcareCertificate.objects.create(
        regie=regie,
        family=family,
        child=child,
        year=2025,
        child_name=name or str(child),
        child_birth_date=date(2022, 3, 1),
        amount=Decimal("120.00"),
        detail=[{"number": "2025-0001", "label": "Crèche", "amount": "120.00"}],
    )


def _security_key(user) -> int:
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "Clé USB", "credential": {}}
    ).pk


@pytest.mark.parametrize("name", sorted(ACCOUNT_OBJECTS))
def test_another_accounts_security_key_is_not_found(client, site, name):
    owner, stranger = _Member(), _Member()
    url = reverse(name, kwargs={"pk": _security_key(owner.user)})
    assert _get_or_post(client, url)["Location"].startswith(reverse("account_login")), url
    for member, status in ((owner, 200), (stranger, 404)):
        client.force_login(member.user)
        session = client.session
        # A recent password: the key pages ask for it again before anything else.
        session["account_authentication_methods"] = [{"method": "password", "at": time.time(), "reauthenticated": True}]
        session["account_authentication_methods_user"] = str(member.user.pk)
        session.save()
        assert client.get(url).status_code == status, url


def _get_or_post(client, url):
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    return response


@pytest.mark.parametrize("name", sorted(set(FAMILY) | ACCOUNT | set(SHARED_ARGUMENTS)))
def test_an_anonymous_visitor_is_sent_to_the_login(client, site, name):
    owner = _Member()
    build = FAMILY.get(name) or SHARED_ARGUMENTS.get(name)
    url = reverse(name, kwargs=build(owner) if build else None)
    response = _get_or_post(client, url)
    assert response.status_code == 302, url
    assert response["Location"].startswith(reverse("account_login")), url


@pytest.mark.parametrize("name", sorted(name for name, build in FAMILY.items() if build))
def test_another_family_gets_not_found(client, site, name):
    owner, stranger = _Member(), _Member()
    url = reverse(name, kwargs=FAMILY[name](owner))
    client.force_login(stranger.user)
    assert _get_or_post(client, url).status_code == 404, url


# The admin's login pages, and its static assets (translations, icons) that hold no data.
ADMIN_OPEN = ("/admin/login/", "/admin/logout/", "/admin/password_reset/", "/admin/jsi18n/", "/admin/sprite/")
STAFF_URLS = sorted({url for route, _ in _staff_routes() if (url := _concrete(route))})


def test_the_admin_sweep_covers_the_portals_own_staff_screens():
    assert "/admin/feuille-de-presence/" in STAFF_URLS
    assert any(url.startswith("/admin/snippets/espace_famille/") for url in STAFF_URLS)
    assert len(STAFF_URLS) > 100


# The sweep below is cut in parts that run side by side (pytest -n): part p of n asks every n-th address from the
# p-th, so that together they ask them all.
STAFF_PARTS = 4


@pytest.mark.parametrize("part", range(STAFF_PARTS), ids=lambda part: f"partie-{part + 1}-sur-{STAFF_PARTS}")
def test_a_parent_gets_403_on_every_staff_page(client, site, part):
    """Every admin address, with placeholder arguments: a parent is refused with 403."""
    client.force_login(_Member().user)
    urls = [url for url in STAFF_URLS if not url.startswith(ADMIN_OPEN)][part::STAFF_PARTS]
    reached = [f"{url} → {status}" for url in urls if (status := client.get(url).status_code) != 403]
    assert not reached, reached


def test_a_parent_is_told_why_the_admin_refuses_them(client, site):
    client.force_login(_Member().user)
    response = client.get("/admin/")
    assert response.status_code == 403
    assert "Accès réservé aux agents de la collectivité" in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_the_admin_login_from_staff_pages(client, site):
    for url in ("/admin/", "/admin/feuille-de-presence/", "/admin/snippets/espace_famille/request/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), url
