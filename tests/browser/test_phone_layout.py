"""Every parent page on a phone (360 × 740 and 390 × 844) and at 200 % zoom (640 × 360, a 1280 × 720 screen zoomed
twice): no horizontal scroll, no axe-core violation, buttons and stand-alone links at least 44 px on each side.

The pages come from the URL conf of the family and billing spaces: a parent address that is neither visited below
nor excluded with its reason fails `test_every_parent_address_is_visited_or_excluded`, so a new page cannot be
forgotten. Run with `-s` to read each page's width."""

from urllib.parse import urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from espace_famille.dossier.models import Subscription
from espace_famille.planning import basket
from espace_famille.planning.calendar_feed import calendar_token_renew
from espace_famille.planning.views.planning import LONG_KINDS, VIEWS
from tests.browser.conftest import AxeChecker
from tests.browser.rich_family import RichFamily, rich_family
from tests.factories import PASSWORD

# The URL namespaces of the parents' spaces: «Mon espace», «Espace famille», «Espace facturation» and their parts.
PARENT_NAMESPACES = ("espace_famille", "espace_facturation", "justificatifs", "creche", "messagerie")


def _reverse(name, **kwargs):
    return reverse(name, kwargs=kwargs or None)


def _query(name, **params):
    return reverse(name) + "?" + urlencode(params, doseq=True)


# Each visited address: name → the paths to open for the rich family (every object of a kind that looks different).
VISITED = {
    "espace_famille:mon_espace": lambda f: [_reverse("espace_famille:mon_espace")],
    "espace_famille:profile": lambda f: [_reverse("espace_famille:profile")],
    "espace_famille:subscriptions": lambda f: [_reverse("espace_famille:subscriptions")],
    "espace_famille:subscription_add": lambda f: [_reverse("espace_famille:subscription_add")],
    "espace_famille:requests": lambda f: [_reverse("espace_famille:requests")],
    "espace_famille:request_detail": lambda f: [_reverse("espace_famille:request_detail", pk=r.pk) for r in f.requests],
    "espace_famille:request_withdraw": lambda f: [
        _reverse("espace_famille:request_withdraw", pk=next(r.pk for r in f.requests if r.is_pending))
    ],
    "espace_famille:my_data": lambda f: [_reverse("espace_famille:my_data")],
    "espace_famille:home": lambda f: [_reverse("espace_famille:home")],
    "espace_famille:family_file": lambda f: [_reverse("espace_famille:family_file")],
    "espace_famille:guardian_edit": lambda f: [
        _reverse("espace_famille:guardian_edit", pk=g.pk) for g in f.family.guardians.all()
    ],
    "espace_famille:child_add": lambda f: [_reverse("espace_famille:child_add")],
    "espace_famille:child_edit": lambda f: [_reverse("espace_famille:child_edit", pk=f.child.pk)],
    "espace_famille:photo_edit": lambda f: [_reverse("espace_famille:photo_edit", person="enfant", pk=f.child.pk)],
    "espace_famille:planning": lambda f: [_query("espace_famille:planning", vue=view) for view in VIEWS],
    "espace_famille:planning_confirm": lambda f: [
        _query(
            "espace_famille:planning_confirm",
            enfant=f.family.children.exclude(pk=f.child.pk).get().pk,
            activite=f.activity.pk,
            jour=f.bookable_day.isoformat(),
        )
    ],
    "espace_famille:planning_long": lambda f: [
        path
        for kind in LONG_KINDS
        for path in (
            _reverse("espace_famille:planning_long", kind=kind),
            reverse("espace_famille:planning_long", kwargs={"kind": kind})
            + "?"
            + urlencode({"enfant": [c.pk for c in f.family.children.all()], "activite": f.activity.pk}, doseq=True),
        )
    ],
    "espace_famille:planning_list": lambda f: [_reverse("espace_famille:planning_list")],
    "espace_famille:planning_basket": lambda f: [
        _reverse("espace_famille:planning_basket"),
        reverse("espace_famille:planning_basket")
        + "?"
        + urlencode(
            {
                basket.FIELD: [
                    basket.tick_value(child_id=child.pk, activity_id=f.activity.pk, day=f.bookable_day)
                    for child in f.family.children.all()
                ]
            },
            doseq=True,
        ),
    ],
    "espace_famille:calendar": lambda f: [_reverse("espace_famille:calendar")],
    "espace_facturation:home": lambda f: [_reverse("espace_facturation:home")],
    "espace_facturation:invoices": lambda f: [_reverse("espace_facturation:invoices")],
    "espace_facturation:invoice_detail": lambda f: [
        _reverse("espace_facturation:invoice_detail", pk=invoice.pk) for invoice in f.invoices
    ],
    "espace_facturation:operations": lambda f: [_reverse("espace_facturation:operations")],
    "espace_facturation:certificates": lambda f: [_reverse("espace_facturation:certificates")],
    "espace_facturation:payments": lambda f: [_reverse("espace_facturation:payments")],
    "espace_facturation:simulator": lambda f: [
        _reverse("espace_facturation:simulator", order_id=f.online_payment.order_id)
    ],
    "espace_facturation:payment_return": lambda f: [
        _reverse("espace_facturation:payment_return", order_id=f.online_payment.order_id)
    ],
    "justificatifs:list": lambda f: [_reverse("justificatifs:list")],
    "justificatifs:upload": lambda f: [_reverse("justificatifs:upload", type_pk=f.document_type.pk)],
    "creche:start": lambda f: [_reverse("creche:start")],
    "creche:step": lambda f: [_reverse("creche:step", number=number) for number in (2, 3)],
    "creche:review": lambda f: [_reverse("creche:review")],
    "messagerie:list": lambda f: [_reverse("messagerie:list")],
    "messagerie:detail": lambda f: [_reverse("messagerie:detail", pk=m.pk) for m in f.messages],
}

# Parent addresses that draw no page of their own, and why.
EXCLUDED = {
    "espace_famille:my_data_pdf": "un fichier PDF téléchargé, pas une page",
    "espace_famille:my_data_json": "un fichier JSON téléchargé, pas une page",
    "espace_famille:photo": "une image JPEG, pas une page",
    "espace_famille:family_choose": "POST seulement : choisit la famille puis redirige",
    "espace_famille:calendar_renew": "POST seulement : renouvelle l'adresse puis redirige vers le calendrier",
    "espace_famille:calendar_feed": "un fichier iCalendar lu par l'agenda du téléphone, pas une page",
    "espace_facturation:invoice_pdf": "un fichier PDF téléchargé, pas une page",
    "espace_facturation:payment_receipt": "un fichier PDF téléchargé, pas une page",
    "espace_facturation:certificate_pdf": "un fichier PDF téléchargé, pas une page",
    "espace_facturation:mandate_pdf": "un fichier PDF téléchargé, pas une page",
    "espace_famille:planning_basket_result": "le résultat d'une confirmation, lu après le POST du panier : "
    "tests/browser/test_basket_journey.py le lit à 390 px",
    "espace_facturation:invoice_pay": "POST seulement : mène au simulateur de paiement, visité",
    "espace_facturation:invoices_pay": "POST seulement : mène au simulateur, visité, ou montre Mes Factures, visitée",
    "espace_facturation:payfip_notify": "la notification de serveur à serveur de PayFiP",
    "justificatifs:file": "le fichier envoyé par la famille, pas une page",
    "creche:submit": "POST seulement : envoie la pré-inscription puis redirige vers la demande, visitée",
}

# Pages outside these namespaces that a parent reads first: the home page with «À faire».
EXTRA = ["/"]

VIEWPORTS = {"360x740": (360, 740), "390x844": (390, 844), "zoom-200": (640, 360)}


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and namespace:
            yield f"{namespace}:{pattern.name}"


def parent_url_names() -> set[str]:
    return {name for name in _walk(get_resolver().url_patterns) if name.split(":")[0] in PARENT_NAMESPACES}


@pytest.mark.django_db  # the browser folder's set-up builds the test database first
def test_every_parent_address_is_visited_or_excluded():
    names = parent_url_names()
    forgotten = sorted(names - set(VISITED) - set(EXCLUDED))
    assert not forgotten, "Visiter dans tests/browser/test_phone_layout.py, ou exclure avec la raison : " + ", ".join(
        forgotten
    )
    assert not set(VISITED) & set(EXCLUDED)
    assert not (set(VISITED) | set(EXCLUDED)) - names, "Des adresses nommées ici n'existent plus"


# The elements past the right edge, the innermost last: what to fix when a page scrolls sideways.
OVERFLOWING = """() => {
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > window.innerWidth + 0.5) {
      const names = typeof el.className === "string" ? el.className.trim() : "";
      const cls = names ? "." + names.split(/\\s+/).join(".") : "";
      out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + cls + " → " + Math.round(r.right) + " px");
    }
  }
  return out.slice(-6);
}"""

# Buttons and stand-alone links (not a link inside a sentence: WCAG 2.5.8 exempts those) smaller than 44 × 44 px.
SMALL_TARGETS = """() => {
  const shown = (el) => {
    const s = getComputedStyle(el), r = el.getBoundingClientRect();
    return s.visibility !== "hidden" && r.width > 1 && r.height > 1 && r.right > 0 && r.bottom > 0;
  };
  const inSentence = (a) => [...a.parentElement.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  const buttons = [...document.querySelectorAll("button, .button, input[type=submit], input[type=button]")];
  const links = [...document.querySelectorAll("a[href]")]
    .filter((a) => !a.closest("button, .button") && !inSentence(a));
  return buttons.concat(links).filter(shown).filter((el) => {
    const r = el.getBoundingClientRect();
    return r.height < 43.5 || r.width < 43.5;
  }).map((el) => {
    const r = el.getBoundingClientRect();
    const name = (el.innerText || el.value || "").trim().slice(0, 40);
    return "«" + name + "» " + Math.round(r.width) + "×" + Math.round(r.height);
  });
}"""


def _addresses(family: RichFamily) -> list[str]:
    return EXTRA + [path for name in VISITED for path in VISITED[name](family)]


def _table_roles(page) -> dict[str, int]:
    """How many tables, column headers and cells Chromium's own accessibility tree holds (what a screen reader is
    given), whatever the page's CSS draws."""
    session = page.context.new_cdp_session(page)
    nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    session.detach()
    roles = [node.get("role", {}).get("value") for node in nodes if not node.get("ignored")]
    return {role: roles.count(role) for role in ("table", "columnheader", "cell")}


def _log_in(page, url, email):
    page.goto(url + "/compte/login/")
    page.get_by_role("textbox", name="Identifiant (obligatoire)").fill(email)
    page.get_by_role("textbox", name="Mot de passe (obligatoire)").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/mon-espace/")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_parent_page_fits_a_phone(live_server, browser, site, viewport):
    width, height = VIEWPORTS[viewport]
    family = rich_family()
    calendar_token_renew(subscription=Subscription.objects.get(user=family.parent), by=family.parent)
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15000)
    axe = AxeChecker()
    problems, widths = [], []
    try:
        _log_in(page, live_server.url, family.parent.email)
        for path in _addresses(family):
            response = page.goto(live_server.url + path)
            if response.status >= 400:
                problems.append(f"{path} : HTTP {response.status}")
                continue
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            widths.append((path, scroll_width))
            if scroll_width > page.evaluate("window.innerWidth"):
                problems.append(f"{path} : {scroll_width} px de large, écran {width} px : {page.evaluate(OVERFLOWING)}")
            small = page.evaluate(SMALL_TARGETS)
            if small:
                problems.append(f"{path} : cibles de moins de 44 px : {', '.join(small)}")
            axe(page)
            if path == reverse("espace_facturation:invoices"):
                # Drawn as cards on a phone, the invoices are still a table with its column headers.
                roles = _table_roles(page)
                assert roles["table"] == 1 and roles["columnheader"] == 7 and roles["cell"] >= 7, roles
    finally:
        context.close()
    print(f"\nLargeur des pages ({width} × {height}) :")
    for path, scroll_width in widths:
        print(f"  {scroll_width:5d} px  {path}")
    assert len(widths) >= len(VISITED), "Chaque adresse visitée ouvre au moins une page"
    assert not problems, "\n".join(problems)
    assert not axe.violations, "\n\n".join(f"{url}\n{report}" for url, report in axe.violations.items())
