"""What people do on the site, step by step in a real browser, asserting what they see."""

import csv
import re

import pytest

from sessions.models import Session
from tests.browser.conftest import sign_in
from tests.browser.pages import THE_MEXICO_SESSION

pytestmark = pytest.mark.browser

THE_MEXICO_HEADER_LINE = "12 November 2015 - A Workshop on Other in João Pessoa, Brazil"


def result_count(page) -> int:
    return int(re.match(r"[\d,]+", page.locator("#results-heading").inner_text()).group(0))


def listed_titles(page) -> list[str]:
    return page.locator("#result-list .session-tile-title").all_inner_texts()


def test_a_visitor_browses_by_year_and_type_to_a_session_and_its_related_one(site, page):
    mexico = Session.objects.get(title=THE_MEXICO_SESSION)
    page.goto(site + "/")
    page.locator("section[aria-labelledby=by-year-heading]").get_by_role(
        "link", name="2015"
    ).click()
    page.wait_for_url("**/years/2015/")
    assert page.locator("h1").inner_text() == "Sessions of 2015"

    page.get_by_role("link", name="Filter, search and sort them").click()
    page.wait_for_url("**/sessions/?year=2015")
    in_2015 = result_count(page)
    page.locator("#id_type").select_option("workshop")
    page.wait_for_url("**/sessions/?year=2015&type=workshop")
    page.locator("#result-list:not([aria-busy])").wait_for()
    workshops = result_count(page)
    assert 0 < workshops < in_2015
    assert len(listed_titles(page)) == workshops

    page.get_by_role("link", name=THE_MEXICO_SESSION).click()
    page.wait_for_url(f"**{mexico.get_absolute_url()}")
    assert page.locator("h1").inner_text() == THE_MEXICO_SESSION
    assert page.locator("main .header-line").first.inner_text() == THE_MEXICO_HEADER_LINE
    assert page.locator("main .views").first.inner_text() == f"{mexico.views + 1} views"
    mexico.refresh_from_db()
    assert mexico.views == 437  # 436 in the demo data, and this visit

    related = page.locator(".related-list .session-tile-title").first
    related_title = related.inner_text()
    related.click()
    assert page.locator("h1").inner_text() == related_title
    assert Session.objects.get(title=related_title).views > 0
    page.go_back()
    page.wait_for_url(f"**{mexico.get_absolute_url()}")
    assert page.locator("h1").inner_text() == THE_MEXICO_SESSION


def test_a_visitor_searches_narrows_with_a_facet_and_clears_the_filters(site, page):
    page.goto(site + "/")
    page.locator("#home-search").fill("digital")
    page.locator("#home-search").press("Enter")
    page.wait_for_url("**/sessions/?q=digital")
    found = result_count(page)
    assert found > 1

    year = page.locator("#id_year option").nth(1)  # the first year with matches, and its count
    year_value, year_label = year.get_attribute("value"), year.inner_text()
    expected = int(re.search(r"\((\d+)\)", year_label).group(1))
    page.locator("#id_year").select_option(year_value)
    page.wait_for_url(f"**/sessions/?q=digital&year={year_value}")
    page.locator("#result-list:not([aria-busy])").wait_for()
    assert result_count(page) == expected < found
    chips = page.locator(".chips .chip").all_inner_texts()
    assert any(year_value in chip for chip in chips) and any("digital" in chip for chip in chips)

    page.get_by_role("link", name="Clear all filters").click()
    page.wait_for_url(re.compile(r".*/sessions/$"))
    page.locator("#result-list:not([aria-busy])").wait_for()
    assert result_count(page) == Session.objects.published().count()
    assert page.locator(".chips").count() == 0


def test_the_downloaded_csv_holds_the_sessions_of_the_filtered_list(site, page):
    page.goto(site + "/sessions/?year=2015")
    shown = listed_titles(page)
    assert len(shown) == result_count(page) > 1
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig", newline="") as exported:
        every_row = list(csv.DictReader(exported))
    # The meetings of the sessions first, then the sessions.
    meetings = {row["key"]: row["name"] for row in every_row if row["record"] == "meeting"}
    rows = [row for row in every_row if row["record"] == "session"]
    assert set(meetings) == {row["meeting"] for row in rows}
    assert "IGF 2015" in meetings.values()
    assert sorted(row["title"] for row in rows) == sorted(shown)
    assert {row["date"][:4] for row in rows} == {"2015"}


def choose_in_autocomplete(page, field: str, text: str, option: str) -> None:
    """Pick `option` in the admin's select2 autocomplete for `field`, typing `text`."""
    page.locator(f"#id_{field} + .select2 .select2-selection").click()
    search = page.locator(".select2-container--open .select2-search__field")
    search.fill(text)
    page.locator(".select2-results__option", has_text=option).first.click()


PASTED_DESCRIPTION = (
    "<h2>Why it matters</h2><p>Community networks connect <strong>the last billion</strong>."
    '</p><script>alert("pasted")</script><ul><li>Spectrum</li><li>Funding</li></ul>'
)


def test_an_editor_adds_and_publishes_a_session_that_the_public_then_finds(
    site, new_context, editor
):
    context = new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    sign_in(site, page, editor)

    page.goto(site + "/admin/catalogue/session/add/")
    page.locator("#id_title").fill("Community networks and the last billion")
    page.locator("#id_date").fill("2015-11-13")
    # An editor finds the meeting by its name or its city.
    choose_in_autocomplete(page, "meeting", "João", "IGF 2015")
    choose_in_autocomplete(page, "type", "Work", "Workshop")
    choose_in_autocomplete(page, "topic", "Oth", "Other")
    choose_in_autocomplete(page, "related", "Mexico", THE_MEXICO_SESSION)
    # Pasted, as an editor copies a description from a web page or a document.
    description = page.locator("#id_description")
    page.evaluate("html => navigator.clipboard.writeText(html)", PASTED_DESCRIPTION)
    description.focus()
    page.keyboard.press("Control+V")
    assert description.input_value() == PASTED_DESCRIPTION
    page.locator("#id_status").select_option("published")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/catalogue/session/")
    assert "was added successfully" in page.locator(".messagelist").inner_text()

    session = Session.objects.get(title="Community networks and the last billion")
    assert (session.meeting.name, session.venue.city) == ("IGF 2015", "João Pessoa")
    assert [related.title for related in session.related.all()] == [THE_MEXICO_SESSION]

    visitor = new_context().new_page()
    visitor.goto(site + "/sessions/?q=community+networks")
    assert "Community networks and the last billion" in listed_titles(visitor)
    visitor.goto(site + "/sessions/?year=2015&sort=-date")
    visitor.get_by_role("link", name="Community networks and the last billion").click()
    assert visitor.locator("main .header-line").first.inner_text() == (
        "13 November 2015 - A Workshop on Other in João Pessoa, Brazil"
    )
    description = visitor.locator(".description")
    assert description.locator("strong").inner_text() == "the last billion"
    assert description.locator("li").all_inner_texts() == ["Spectrum", "Funding"]
    assert description.locator("script").count() == 0
    assert (
        visitor.locator(".related-list").get_by_role("link", name=THE_MEXICO_SESSION).is_visible()
    )
