"""A real browser (Debian's chromium, driven by Playwright) against a live server.

One browser per test process, a fresh context (cookies, viewport, settings) per test.
Without chromium or axe-core the browser tests are skipped, except in CI, where they
fail: a CI run that silently checked no page in a browser would prove nothing.
"""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from django.core.management import call_command

from sessions.demo.loading import load_demo_data
from tests.conftest import IN_CI

CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS_DIR = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A person's desktop browser: the view counter ignores user agents that say "headless".
DESKTOP_CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
PHONE_WIDTH = 375
DESKTOP_WIDTH = 1280
WIDTHS = (PHONE_WIDTH, DESKTOP_WIDTH)
# What axe checks: WCAG 2.0, 2.1 and 2.2 at levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _missing_tools() -> list[str]:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if not AXE_SCRIPT.exists():
        missing.append(f"{AXE_SCRIPT.relative_to(settings.BASE_DIR)} (npm ci)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package")
    return missing


@pytest.fixture(scope="session")
def browser():
    if missing := _missing_tools():
        message = "The browser tests need " + ", ".join(missing)
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop marked as running in this thread for
    # as long as the browser is open, and Django then refuses database queries here
    # (the test's own, and every later test's in this process). Nothing runs on that
    # loop while Django works, so its guard can stand down until the browser closes.
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()


@pytest.fixture
def catalogue(transactional_db):
    """The demo catalogue (twenty annual IGFs and six other meetings, strategies, some seventy
    sessions), served live."""
    caches["visitors"].clear()
    load_demo_data()
    yield
    caches["visitors"].clear()


@pytest.fixture
def editor(transactional_db, monkeypatch):
    """An editor made as the secretariat makes one, by `create_editor`: (name, password)."""
    # The flush between transactional tests empties the group the migrations made.
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(
        Permission.objects.filter(content_type__app_label__in=["catalogue", "strategies"])
    )
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "a long editor passphrase")
    call_command("create_editor", "editor", stdout=io.StringIO())
    return "editor", "a long editor passphrase"


@pytest.fixture
def site(live_server, catalogue) -> str:
    return live_server.url


@pytest.fixture
def new_context(browser):
    """Opens browser contexts (a desktop-sized one by default) and closes them after the test."""
    contexts = []

    def open_context(*, width: int = DESKTOP_WIDTH, height: int = 900, **options):
        options.setdefault("user_agent", DESKTOP_CHROME)
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


def run_axe(page) -> list[dict]:
    """axe-core's WCAG 2.2 AA violations on the page as it is now.

    axe goes in as an inline script, which the site's Content-Security-Policy refuses:
    open the page in a context made with `bypass_csp=True`.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(results => results.violations.map(v => ({id: v.id, impact: v.impact, "
        "help: v.help, nodes: v.nodes.map(n => ({target: n.target.join(' '), "
        "summary: n.failureSummary}))})))",
        AXE_TAGS,
    )


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['summary']}".replace("\n", " / "))
    return "\n".join(lines) or json.dumps(violations)


def has_horizontal_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def sign_in(site, page, editor) -> None:
    """Sign `page` in to the admin as `editor` (name, password), as a person would."""
    username, password = editor
    page.goto(site + "/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/")
