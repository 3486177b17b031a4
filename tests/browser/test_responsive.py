"""Layouts from a 320px phone to a wide screen, screenshots to look at, and paper."""

import pytest

from tests.browser.conftest import (
    DESKTOP_WIDTH,
    PHONE_WIDTH,
    SCREENSHOTS_DIR,
    WIDTHS,
    has_horizontal_scroll,
)
from tests.browser.pages import public_pages

pytestmark = pytest.mark.browser

SCREENSHOT_PAGES = ("home", "list", "session", "speaker", "strategy")


@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots_of_the_main_pages_are_written_for_people_to_look_at(
    site, new_context, width, record_property
):
    page = new_context(width=width).new_page()
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    pages = public_pages()
    written = []
    for name in SCREENSHOT_PAGES:
        page.goto(site + pages[name])
        path = SCREENSHOTS_DIR / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 5_000  # a picture of a page, not a blank one
        written.append(path.name)
    record_property(
        "summary", f"screenshots at {width}px in {SCREENSHOTS_DIR}: {', '.join(written)}"
    )


@pytest.mark.parametrize("width", [320, PHONE_WIDTH])
def test_no_public_page_scrolls_sideways_on_a_phone(site, new_context, width):
    page = new_context(width=width, height=640).new_page()
    too_wide = []
    for name, path in public_pages().items():
        page.goto(site + path)
        if has_horizontal_scroll(page):
            too_wide.append((name, page.evaluate("document.documentElement.scrollWidth")))
    assert too_wide == []


def test_the_filter_panel_is_folded_on_a_phone_and_opens_from_its_summary(site, new_context):
    page = new_context(width=PHONE_WIDTH).new_page()
    page.goto(site + "/sessions/")
    summary = page.locator(".filter-panel > summary")
    assert summary.is_visible()
    assert not page.locator("#id_year").is_visible()
    # The results come straight after the folded panel, within the first screen.
    assert page.locator("#results-heading").bounding_box()["y"] < 640
    summary.click()
    assert page.locator("#id_year").is_visible()


@pytest.mark.parametrize("java_script_enabled", [True, False])
def test_the_filter_panel_is_open_on_a_wide_screen(site, new_context, java_script_enabled):
    page = new_context(width=DESKTOP_WIDTH, java_script_enabled=java_script_enabled).new_page()
    page.goto(site + "/sessions/")
    assert page.locator("#id_year").is_visible()
    assert page.locator("#filter-form button[type=submit]").is_visible()
    assert not page.locator(".filter-panel > summary").is_visible()


def test_a_table_in_a_description_reads_as_a_list_on_a_phone(site, new_context):
    from sessions.models import Session

    session = Session.objects.published().first()
    rows = "".join(
        f"<tr><th>Speaker {n}</th><td>{'A rather long organisation name ' * 3}</td>"
        f"<td>{'Another wide column of text ' * 3}</td></tr>"
        for n in range(3)
    )
    session.description = f"<table><tbody>{rows}</tbody></table>"
    session.save()
    for width, display in ((PHONE_WIDTH, "block"), (DESKTOP_WIDTH, "table")):
        page = new_context(width=width).new_page()
        page.goto(site + session.get_absolute_url())
        assert (
            page.locator(".description table").evaluate("t => getComputedStyle(t).display")
            == display
        )
        assert not has_horizontal_scroll(page)


@pytest.mark.parametrize("name", ["session", "transcript"])
def test_a_printed_session_or_transcript_leaves_out_the_site_around_it(site, page, name):
    page.goto(site + public_pages()[name])
    around = [".site-header nav", ".site-search", ".site-footer", ".skip-link"]
    assert page.locator(".site-header nav").is_visible()
    page.emulate_media(media="print")
    for selector in around:
        assert not page.locator(selector).first.is_visible(), selector
    assert page.locator("main h1").is_visible()
    text = page.locator("main").inner_text()
    assert len(text) > 200
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
