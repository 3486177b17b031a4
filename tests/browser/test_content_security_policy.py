"""The Content-Security-Policy as a browser enforces it: no page of the site, the API
docs or the admin sign-in makes chromium block anything."""

import pytest

from .pages import public_pages

pytestmark = pytest.mark.browser

# Runs before any page script, outside the page's policy (Playwright's init script).
COLLECT_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', event => {
  window.cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || 'inline'} at line ${event.lineNumber}`
  );
});
"""


def violations_on(page, url: str) -> list[str]:
    response = page.goto(url, wait_until="networkidle")
    assert response is not None
    assert "unsafe-inline" not in response.headers.get("content-security-policy", "missing")
    return page.evaluate("window.cspViolations")


def test_no_page_breaks_the_content_security_policy(site, new_context):
    # The policy is enforced here, unlike in the other browser tests (axe is inline).
    context = new_context(bypass_csp=False)
    context.add_init_script(COLLECT_VIOLATIONS)
    page = context.new_page()
    console_reports = []
    page.on(
        "console",
        lambda message: (
            console_reports.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    paths = [*public_pages().values(), "/api/docs/", "/admin/login/"]
    found = {path: violations_on(page, site + path) for path in paths}
    assert {path: items for path, items in found.items() if items} == {}
    assert console_reports == []


def test_the_violation_collector_sees_a_blocked_inline_script(site, new_context):
    """The check above can fail: an inline script on a page is reported."""
    context = new_context(bypass_csp=False)
    context.add_init_script(COLLECT_VIOLATIONS)
    page = context.new_page()
    page.goto(site + "/sessions/", wait_until="networkidle")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = '1'; "
        "document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    assert any("script-src" in item for item in page.evaluate("window.cspViolations"))
