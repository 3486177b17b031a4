"""Accessibility in a real browser: axe-core at WCAG 2.2 AA on every kind of public page,
at a phone's width and a desktop's, in light and dark colours; the keyboard; text
resized to 200 %; reduced motion."""

import pytest

from tests.browser.conftest import (
    DESKTOP_WIDTH,
    PHONE_WIDTH,
    describe_violations,
    has_horizontal_scroll,
    run_axe,
)
from tests.browser.pages import public_pages

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("colour_scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [PHONE_WIDTH, DESKTOP_WIDTH])
def test_every_public_page_passes_axe(site, new_context, width, colour_scheme, record_property):
    page = new_context(width=width, color_scheme=colour_scheme, bypass_csp=True).new_page()
    found = {}
    for name, path in public_pages().items():
        page.goto(site + path)
        found[name] = run_axe(page)
    results = ", ".join(f"{name} {len(violations)}" for name, violations in found.items())
    record_property(
        "summary", f"axe WCAG 2.2 AA violations at {width}px, {colour_scheme}: {results}"
    )
    failures = {name: violations for name, violations in found.items() if violations}
    assert not failures, "\n".join(
        f"{name} ({public_pages()[name]}):\n{describe_violations(violations)}"
        for name, violations in failures.items()
    )


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(site, page):
    page.goto(site + "/sessions/")
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main", first
    assert page.locator(".skip-link").is_visible()  # shown once it has focus
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    # The next stop is inside the main content, not back in the header.
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")


def focus_ring(page) -> dict:
    return page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            return {outline: style.outlineStyle, width: style.outlineWidth,
                    shadow: style.boxShadow, tag: document.activeElement.tagName,
                    name: document.activeElement.name || document.activeElement.textContent};
        }"""
    )


def shows_focus(ring: dict) -> bool:
    return (ring["outline"] != "none" and ring["width"] != "0px") or ring["shadow"] != "none"


@pytest.mark.parametrize("width", [PHONE_WIDTH, DESKTOP_WIDTH])
def test_every_filter_control_is_reached_by_tab_with_a_visible_focus(site, new_context, width):
    page = new_context(width=width).new_page()
    page.goto(site + "/sessions/")
    controls = page.locator("#filter-form").locator("input:not([type=hidden]), select, button")
    names = set(controls.evaluate_all("els => els.map(el => el.name || el.textContent.trim())"))
    assert {"q", "year", "venue", "type", "topic"} <= names
    if width == PHONE_WIDTH:
        # The panel is folded on a phone; its summary is the first stop, Enter opens it.
        summary = page.locator(".filter-panel > summary")
        summary.focus()
        assert shows_focus(focus_ring(page))
        page.keyboard.press("Enter")
    page.locator(".skip-link").focus()
    reached, rings = set(), []
    for _ in range(60):
        page.keyboard.press("Tab")
        ring = focus_ring(page)
        if page.evaluate("!!document.activeElement.closest('#filter-form')"):
            reached.add(ring["name"].strip())
            rings.append(ring)
        if reached >= names:
            break
    assert names <= reached, f"never reached by Tab: {names - reached}"
    assert all(shows_focus(ring) for ring in rings), [r for r in rings if not shows_focus(r)]


def test_a_filter_can_be_chosen_and_applied_with_the_keyboard_alone(site, page):
    page.goto(site + "/sessions/")
    total = page.locator("#result-count").inner_text()
    page.locator("#id_type").focus()
    page.keyboard.press("ArrowDown")  # the first type with sessions
    page.locator("#filter-form button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/sessions/?type=*")
    assert page.locator("#result-count").inner_text() != total


def test_the_filter_form_is_grouped_and_labelled_for_screen_readers(site, page):
    page.goto(site + "/sessions/")
    form = page.locator("#filter-form")
    legends = form.locator("fieldset > legend").all_inner_texts()
    assert len(legends) >= 2 and all(legend.strip() for legend in legends)
    unlabelled = form.locator("input:not([type=hidden]), select").evaluate_all(
        "els => els.filter(el => !el.labels || el.labels.length === 0).map(el => el.name)"
    )
    assert unlabelled == []
    count = page.locator("#result-count")
    assert count.get_attribute("role") == "status"
    assert "session" in count.inner_text()


@pytest.mark.parametrize("name", ["home", "list", "session", "year", "strategy"])
def test_text_at_200_percent_loses_nothing(site, new_context, name):
    page = new_context(width=DESKTOP_WIDTH).new_page()
    path = public_pages()[name]
    page.goto(site + path)
    normal = page.evaluate("getComputedStyle(document.querySelector('main p, main li')).fontSize")
    # As a reader's "font size" setting does; through the CSSOM, which the site's
    # Content-Security-Policy allows where it refuses an inline <style>.
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    doubled = page.evaluate("getComputedStyle(document.querySelector('main p, main li')).fontSize")
    assert float(doubled[:-2]) == pytest.approx(2 * float(normal[:-2]))
    assert not has_horizontal_scroll(page)
    heading = page.locator("main h1")
    assert heading.is_visible()
    box = heading.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= DESKTOP_WIDTH
    # and so is the search in the header, which must wrap rather than overflow
    assert page.locator(".site-search button").is_visible()


@pytest.mark.parametrize("name", ["home", "list", "session"])
def test_browser_zoom_at_200_percent_keeps_one_column_without_sideways_scrolling(
    site, new_context, name
):
    # A 1280px window zoomed to 200 % lays out as a 640px one with doubled pixels.
    page = new_context(width=DESKTOP_WIDTH // 2, device_scale_factor=2).new_page()
    page.goto(site + public_pages()[name])
    assert not has_horizontal_scroll(page)
    assert page.locator("main h1").is_visible()


def test_reduced_motion_turns_off_transitions_and_smooth_scrolling(site, new_context):
    page = new_context(reduced_motion="reduce").new_page()
    page.goto(site + "/sessions/")
    moving = page.evaluate(
        """() => [...document.querySelectorAll('*')].filter(el => {
            const style = getComputedStyle(el);
            return parseFloat(style.transitionDuration) > 0.01
                || parseFloat(style.animationDuration) > 0.01;
        }).length"""
    )
    assert moving == 0
    assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"
    page = new_context(reduced_motion="no-preference").new_page()
    page.goto(site + "/sessions/")
    assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "smooth"


def test_dark_colour_scheme_changes_the_colours(site, new_context):
    colours = {}
    for scheme in ("light", "dark"):
        page = new_context(color_scheme=scheme).new_page()
        page.goto(site + "/")
        colours[scheme] = page.evaluate(
            "[getComputedStyle(document.body).backgroundColor,"
            " getComputedStyle(document.body).color]"
        )
    assert colours["light"] == ["rgb(255, 255, 255)", "rgb(27, 31, 36)"]
    assert colours["dark"] != colours["light"]
