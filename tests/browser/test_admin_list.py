"""The editors' session list at a desktop's width, in a real browser."""

import pytest

from tests.browser.conftest import DESKTOP_WIDTH, sign_in

pytestmark = pytest.mark.browser


def test_the_session_list_fits_a_desktop_with_its_key_columns_in_sight(site, new_context, editor):
    page = new_context(width=DESKTOP_WIDTH).new_page()
    sign_in(site, page, editor)
    page.goto(site + "/admin/catalogue/session/")
    widths = page.evaluate(
        """() => ({
            table: document.querySelector('#result_list').getBoundingClientRect().right,
            page: document.documentElement.clientWidth,
        })"""
    )
    assert widths["table"] <= widths["page"], widths
    headers = page.locator("#result_list thead th").all_inner_texts()
    for column in ("Title", "Date", "Status", "Views"):
        assert any(column.upper() in header.upper() for header in headers), headers
    for column in ("Date", "Views"):  # sortable
        assert page.locator("#result_list thead th.sortable", has_text=column).count() == 1
