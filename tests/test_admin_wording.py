"""What staff read in the admin is French they understand: on every screen of the admin menu of each role, with the
demo loaded (listings, a detail screen and a history of each), no «fragment» (Wagtail's word for a snippet), no
«Moderators approval», no «Inspecter», no «Aucun(e)», no «True» / «False» / «None», no amount written «500.00»;
yes/no read «Oui» / «Non» and amounts «1 234,50 €» (commun.admin_display, cms/locale)."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext
from wagtail.admin.menu import admin_menu
from wagtail.models import GroupApprovalTask, Workflow
from wagtail_modeladmin.options import ModelAdmin

from commun import admin_display, formats
from commun.fields import MoneyField
from espace_facturation.models import Invoice
from espace_famille.comptes.permissions import roles_sync
from espace_famille.comptes.roles import ADMINISTRATORS, COMMUNICATION, INSTRUCTORS, REGISSEURS
from espace_famille.planning.models import Activity
from tests.factories import UserFactory, role
from tests.test_demo import TERM_TIME, load_demo
from tests.test_security_admin import inline_scripts

JARGON = re.compile(
    r"(?i:fragment|moderators|inspecter|inspection|aucun\(e\))"  # Wagtail's French and English words
    r"|\b(?:True|False|None)\b"  # Python's values
    r"|\b\d+\.\d\d\s*€"  # an amount with a decimal point
)
# Elements whose content the browser does not show as text.
UNSHOWN = {"script", "style", "template"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class ShownText(HTMLParser):
    """What a person reads on a page, or hears from a screen reader: the text outside scripts and hidden elements,
    the titles, alternatives and labels of elements, and the texts Wagtail's scripts show (its configuration)."""

    def __init__(self):
        super().__init__()
        self.parts, self._skipping, self._config = [], [], False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self._config = attributes.get("id") == "wagtail-config"
        if self._skipping:
            if tag == self._skipping[-1][0] and tag not in VOID:
                self._skipping[-1][1] += 1
            return
        if (tag in UNSHOWN or "hidden" in attributes) and tag not in VOID:
            self._skipping.append([tag, 1])
            return
        self.parts += [
            attributes[name] or "" for name in ("title", "alt", "aria-label", "placeholder") if name in attributes
        ]

    def handle_endtag(self, tag):
        if self._skipping and tag == self._skipping[-1][0]:
            self._skipping[-1][1] -= 1
            if not self._skipping[-1][1]:
                self._skipping.pop()

    def handle_data(self, data):
        if self._config:
            self.parts += _strings(json.loads(data).get("STRINGS", {}))
            self._config = False
        elif not self._skipping:
            self.parts.append(data)


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return [value] if isinstance(value, str) else []


def jargon(html: str) -> list[str]:
    parser = ShownText()
    parser.feed(html)
    text = re.sub(r"\s+", " ", " ".join(parser.parts))
    return sorted({text[max(0, found.start() - 40) : found.end() + 20] for found in JARGON.finditer(text)})


def menu_urls(user) -> list[str]:
    """The admin pages of the menu the user sees (external links, such as Wagtail's guide, left out)."""
    request = RequestFactory().get("/admin/")
    request.user = user
    urls = []

    def walk(items):
        for item in items:
            if hasattr(item, "menu"):
                walk(item.menu.menu_items_for_request(request))
            elif item.url.startswith("/admin/"):
                urls.append(item.url)

    walk(admin_menu.menu_items_for_request(request))
    return urls


def detail_urls(html: str) -> list[str]:
    """The first detail screen and the first history a listing links to."""
    found = []
    for kind in ("inspect", "history"):
        links = re.findall(rf'href="(/admin/[^"]*/{kind}/[^"/]+/)"', html)
        found += sorted(set(links))[:1]
    return found


@pytest.fixture
def demo(db, time_machine):
    time_machine.move_to(TERM_TIME, tick=False)
    # A fresh install holds Wagtail's default moderation workflow, named after «Moderators».
    GroupApprovalTask.objects.create(name="Moderators approval")
    Workflow.objects.create(name="Moderators approval")
    roles_sync()
    load_demo()


@pytest.mark.parametrize("role_name", [INSTRUCTORS, REGISSEURS, COMMUNICATION, ADMINISTRATORS])
def test_every_admin_screen_of_a_role_reads_in_french_and_holds_no_inline_script(client, demo, role_name):
    user = UserFactory(is_staff=True, email="agent@example.org")
    user.groups.add(role(role_name))
    client.force_login(user)
    problems, seen = {}, set()
    for url in menu_urls(user):
        listing = client.get(url, follow=True)
        assert listing.status_code == 200, url
        html = listing.content.decode()
        for page_url, page_html in [(url, html)] + [
            (detail, client.get(detail).content.decode()) for detail in detail_urls(html) if detail not in seen
        ]:
            seen.add(page_url)
            if found := jargon(page_html) + inline_scripts(page_html):
                problems[page_url] = found
    assert problems == {}
    assert len(seen) > 10


def test_money_and_yes_no_read_as_staff_write_them(client, demo):
    user = UserFactory(is_staff=True, email="agent@example.org")
    user.groups.add(role(ADMINISTRATORS))
    client.force_login(user)
    invoice = Invoice.objects.filter(amount__gte=100).order_by("pk").first()
    activity = Activity.objects.filter(auto_accept=False).order_by("pk").first()

    invoices = client.get("/admin/espace_facturation/invoice/").content.decode()
    detail = client.get(f"/admin/espace_facturation/invoice/inspect/{invoice.pk}/").content.decode()
    activity_page = client.get(f"/admin/espace_famille/activity/inspect/{activity.pk}/").content.decode()

    assert formats.money(invoice.amount) in invoices and formats.money(invoice.amount) in detail
    assert re.search(r"acceptation automatique\s*</dt>\s*<dd>\s*Non\s*</dd>", activity_page)
    assert re.search(r"active\s*</dt>\s*<dd>\s*Oui\s*</dd>", activity_page)


def test_every_modeladmin_of_the_portal_writes_its_values_through_the_shared_display():
    def subclasses(cls):
        for subclass in cls.__subclasses__():
            yield subclass
            yield from subclasses(subclass)

    portal = [cls for cls in subclasses(ModelAdmin) if cls.__module__.split(".")[0] != "wagtail_modeladmin"]
    assert portal
    assert [cls.__qualname__ for cls in portal if not issubclass(cls, admin_display.DisplayAdminMixin)] == []


def test_every_amount_of_the_portal_is_a_money_field():
    from django.apps import apps
    from django.db.models import DecimalField

    decimals = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in ("espace_famille", "espace_facturation")
        for field in model._meta.concrete_fields
        if isinstance(field, DecimalField) and not isinstance(field, MoneyField)
    ]
    assert sorted(decimals) == ["InvoiceLine.quantity", "InvoicingDraftLine.quantity"]


def test_the_compiled_french_catalogue_says_what_its_source_says():
    with open("cms/locale/fr/LC_MESSAGES/django.po", encoding="utf-8") as source:
        pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', source.read(), flags=re.MULTILINE)
    with translation.override("fr"):
        assert pairs and all(
            gettext(msgid.replace('\\"', '"')) == msgstr.replace('\\"', '"') for msgid, msgstr in pairs
        )


def test_a_snippet_form_has_its_heading_one(client, site):
    """Wagtail's create and edit forms had no <h1> (axe: page-has-heading-one): the e-mail templates' edit form."""
    from notifications.models import EmailTemplate
    from tests.factories import UserFactory, role

    officer = UserFactory(email="redaction@example.org")
    officer.groups.add(role("Chargés de communication"))
    client.force_login(officer)
    template = EmailTemplate.objects.order_by("pk").first()
    page = client.get(f"/admin/snippets/notifications/emailtemplate/edit/{template.pk}/").content.decode()
    assert '<h1 class="w-relative w-h1" id="header-title">' in page and page.count("<h1") == 1
