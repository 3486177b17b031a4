"""Pages of the session list and of the API, read keys first (igf_catalogue.pagination)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from igf_catalogue.pagination import KeysFirst
from sessions.browsing.filters import SORT_ORDERS
from sessions.models import Session
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

PER_PAGE = 20


@pytest.fixture
def sessions():
    """45 published sessions, three pages, that tie on each order's first column: five
    dates, three titles and four view counts, so the primary key decides between them."""
    for n in range(45):
        SessionFactory(
            title=f"Session {'ABC'[n % 3]}",
            date=datetime.date(2015, 11, 10 + n % 5),
            views=n % 4,
        )
    SessionFactory(title="A draft", status=Session.Status.DRAFT)


def page_slugs(client, query: str) -> list[str]:
    response = client.get(f"/sessions/?{query}")
    assert response.status_code == 200
    return re.findall(
        r'<a class="session-tile-title" href="/sessions/([^/]+)/"', response.content.decode()
    )


def in_order(sort: str) -> list[str]:
    return list(
        Session.objects.published().order_by(*SORT_ORDERS[sort]).values_list("slug", flat=True)
    )


@pytest.mark.parametrize("sort", SORT_ORDERS)
def test_every_page_of_the_list_holds_what_its_order_puts_there(client, sessions, sort):
    expected = in_order(sort)
    pages = [page_slugs(client, f"sort={sort}&page={number}") for number in (1, 2, 3)]
    assert pages == [expected[:20], expected[20:40], expected[40:]]


@pytest.mark.parametrize("sort", SORT_ORDERS)
def test_paging_through_the_api_gives_every_session_once_in_order(client, sessions, sort):
    slugs, url = [], f"/api/sessions/?sort={sort}&page_size=7"
    while url:
        answer = client.get(url).json()
        slugs += [session["slug"] for session in answer["results"]]
        url = answer["next"]
    assert slugs == in_order(sort)


def test_a_page_finds_the_keys_of_its_slice_then_reads_those_rows_alone(sessions):
    """Why a page deep in a long list costs what the first does: the slice (its LIMIT and
    OFFSET) is taken over the keys alone, which the order's index gives, and only the
    page's rows are read whole, joins and all. A slice of the queryset itself would read
    every row before the page through its joins and the sort."""
    listed = Session.objects.published().for_list().order_by("-date", "-pk")
    with CaptureQueriesContext(connection) as queries:
        page = KeysFirst(listed)[20:40]
    assert page == list(listed[20:40])
    [sql] = [query["sql"] for query in queries.captured_queries]
    outer, keys = sql.split(" IN (SELECT ", 1)
    assert "LIMIT 20 OFFSET 20" in keys
    assert "LIMIT" not in outer and "JOIN" not in keys


@pytest.mark.parametrize("url", ["/sessions/?page=2", "/api/sessions/?page=2"])
def test_the_list_and_the_api_read_their_pages_keys_first(client, sessions, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert any(
        " IN (SELECT " in query["sql"] and "LIMIT 20 OFFSET 20" in query["sql"]
        for query in queries.captured_queries
    )
