"""The session list with and without JavaScript: filters work either way; with it, the
results change in place, the address follows, and back and forward work."""

import re

import pytest

from sessions.models import Session
from tests.browser.test_journeys import listed_titles, result_count

pytestmark = pytest.mark.browser


def wait_until_updated(page) -> None:
    page.locator("#result-list:not([aria-busy])").wait_for()


def script_errors(page) -> list[str]:
    """The page's script errors and refusals from now on (a missing favicon aside)."""
    errors = []

    def keep(message):
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            errors.append(message.text)

    page.on("console", keep)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_changing_a_filter_updates_the_results_in_place_and_the_address(site, page):
    errors = script_errors(page)
    page.goto(site + "/sessions/")
    everything = result_count(page)
    page.evaluate("window.stillTheSamePage = true")
    page.locator("#id_year").select_option("2015")
    page.wait_for_url("**/sessions/?year=2015")
    wait_until_updated(page)
    in_2015 = result_count(page)
    assert in_2015 == Session.objects.published().filter(date__year=2015).count() < everything
    assert page.evaluate("window.stillTheSamePage") is True  # no page load happened
    assert "2015" in page.title()
    assert page.locator(".chips .chip").first.inner_text().startswith("Year: 2015")
    # The other facets now count within 2015.
    type_labels = page.locator("#id_type option").all_inner_texts()[1:]
    assert sum(int(re.search(r"\((\d+)\)", label).group(1)) for label in type_labels) == in_2015

    page.locator("#id_type").select_option("workshop")
    page.wait_for_url("**/sessions/?year=2015&type=workshop")
    wait_until_updated(page)
    workshops = result_count(page)
    assert workshops < in_2015

    page.go_back()
    page.wait_for_url("**/sessions/?year=2015")
    wait_until_updated(page)
    assert result_count(page) == in_2015
    assert page.locator("#id_type").input_value() == ""
    page.go_back()
    page.wait_for_url(re.compile(r".*/sessions/$"))
    wait_until_updated(page)
    assert result_count(page) == everything
    assert page.locator("#id_year").input_value() == ""
    page.go_forward()
    page.wait_for_url("**/sessions/?year=2015")
    wait_until_updated(page)
    assert result_count(page) == in_2015
    assert page.evaluate("window.stillTheSamePage") is True
    assert errors == []  # no script error, nothing refused by the Content-Security-Policy


def test_the_updated_address_is_a_bookmark_that_opens_the_same_list(site, page, new_context):
    page.goto(site + "/sessions/")
    page.locator("#id_type").select_option("workshop")
    page.wait_for_url("**/sessions/?type=workshop")
    wait_until_updated(page)
    shown = listed_titles(page)
    bookmark = page.url
    elsewhere = new_context(java_script_enabled=False).new_page()
    elsewhere.goto(bookmark)
    assert listed_titles(elsewhere) == shown
    assert elsewhere.locator("#id_type").input_value() == "workshop"


def test_the_result_count_is_announced_when_it_changes(site, page):
    page.goto(site + "/sessions/")
    status = page.locator("[role=status]#result-count")
    before = status.inner_text()
    handle = status.element_handle()
    page.locator("#id_year").select_option("2015")
    wait_until_updated(page)
    page.wait_for_url("**/sessions/?year=2015")
    # The same live region, with new words in it: that is what a screen reader reads out.
    assert status.element_handle().evaluate("(el, old) => el === old", handle)
    assert status.inner_text() != before


def test_without_javascript_the_form_filters_and_the_chips_remove_filters(site, new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(site + "/sessions/")
    everything = result_count(page)
    page.locator("#id_year").select_option("2015")
    page.locator("#id_type").select_option("workshop")
    page.locator("#filter-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/sessions/\?year=2015&type=workshop(&sort=-date)?$"))
    filtered = result_count(page)
    assert filtered == (
        Session.objects.published().filter(date__year=2015, type__slug="workshop").count()
    )
    assert 0 < filtered < everything
    page.locator(".chips").get_by_role("link", name=re.compile("^Type:")).click()
    page.wait_for_url(re.compile(r"/sessions/\?year=2015(&sort=-date)?$"))
    assert result_count(page) == Session.objects.published().filter(date__year=2015).count()
    page.locator("#id_q").fill("governance")
    page.locator("#filter-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/sessions/\?q=governance&year=2015(&sort=[-\w]+)?$"))
    assert result_count(page) < Session.objects.published().filter(date__year=2015).count()
    assert any("governance" in chip for chip in page.locator(".chips .chip").all_inner_texts())
