"""Browser harness: Playwright driving Debian's Chromium against the live test server, with axe-core."""

import os
import shutil

import pytest

from tests.browser.live_server import SerialWSGIServer, wait_until_quiet

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True, scope="session")
def _serial_live_server_on_sqlite(django_db_setup):
    """Decided once the test database exists (before, the connection names the development file, never in memory,
    and the live server stayed threaded: its threads opened their own connections to the shared in-memory database
    and failed with «database table is locked»)."""
    from django.db import connection
    from django.test.testcases import LiveServerThread

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        LiveServerThread.server_class = SerialWSGIServer


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def require_chromium() -> None:
    """Skips the journeys where Chromium is missing, or fails them where PORTAIL_REQUIRE_BROWSER=1 (CI)."""
    if os.path.exists(CHROMIUM) or shutil.which("chromium"):
        return
    reason = "Chromium is not installed (apt-get install -y chromium)"
    if os.environ.get("PORTAIL_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}: PORTAIL_REQUIRE_BROWSER=1 requires the browser journeys to run")
    pytest.skip(f"{reason}: browser journeys skipped")


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A phone-sized page. Whatever the journey, the content security policy must block nothing on it:
    an inline script or style, or a resource from elsewhere, fails the journey."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    page.set_default_timeout(15000)
    blocked = []
    page.on(
        "console",
        lambda message: (
            blocked.append(f"{page.url}: {message.text}") if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    wait_until_quiet()
    assert not blocked, "Bloqué par la politique de sécurité du contenu :\n" + "\n".join(blocked)


# Every frame of the page (the preview panel's too) reports what the content security policy blocks.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.portailViolation(event.violatedDirective + " " + (event.blockedURI || "") + " in " + document.URL
    + (event.sourceFile ? " (" + event.sourceFile + ":" + event.lineNumber + ")" : ""));
});
"""


@pytest.fixture
def admin_page(browser):
    """A desktop-sized page for the Wagtail admin, watched strictly: whatever the policy blocks in any frame (a
    `securitypolicyviolation` event, or the refusal to frame a page, which only the console says), any console
    error and any uncaught script error fails the journey."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    problems = []
    context.expose_function("portailViolation", lambda text: problems.append(f"bloqué : {text}"))
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on(
        "console",
        lambda message: (
            problems.append(f"{page.url}: {message.text} ({message.location.get('url')})")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    yield page
    context.close()
    wait_until_quiet()
    assert not problems, "Erreurs dans le navigateur :\n" + "\n".join(problems)


class AxeChecker:
    """Runs axe-core on each page the journey visits and keeps what it found."""

    def __init__(self):
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.visited = []
        self.violations = {}

    # Wagtail's tooltips (tippy.js), shown while a button is hovered or focused, hang from <body> outside every
    # landmark (axe's best-practice rule «region»); they repeat the button's own accessible name.
    CONTEXT = {"exclude": [["[data-tippy-root]"]]}

    # axe measures colours as they are painted: a modal still fading in blends its text with the backdrop (the image
    # chooser's tabs were once read at 3.1:1 mid-fade). Every finite animation and transition ends first.
    SETTLE = """() => Promise.race([
        Promise.all(document.getAnimations()
            .filter((animation) => animation.effect && animation.effect.getTiming().iterations !== Infinity)
            .map((animation) => animation.finished.catch(() => null))),
        new Promise((resolve) => setTimeout(resolve, 5000)),
    ])"""

    def __call__(self, page):
        page.evaluate(self.SETTLE)
        results = self.axe.run(page, context=self.CONTEXT)
        self.visited.append(page.url)
        if results.violations_count:
            self.violations[page.url] = results.generate_report()


@pytest.fixture
def axe():
    checker = AxeChecker()
    yield checker
    assert not checker.violations, "\n\n".join(f"{url}\n{report}" for url, report in checker.violations.items())
