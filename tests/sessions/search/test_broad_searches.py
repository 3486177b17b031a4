"""A broad search on PostgreSQL: counted in a sample past a threshold, and its page's
tiles kept rendered, each with the snippet of the search that shows it."""

import re

import pytest
from django.db import connection

from sessions.browsing import facets
from sessions.models import Session
from sessions.search import refresh_search_vectors
from tests.factories import SessionFactory, SessionTypeFactory
from tests.page_parsing import link_texts, visible_text

pytestmark = pytest.mark.django_db


def heading(content: str) -> str:
    return visible_text(re.search(r'<h2 id="results-heading">(.*?)</h2>', content, re.S)[1])


@pytest.fixture
def sample_estimate(make_catalogue, monkeypatch) -> int:
    """60 published sessions, all found by "catalogue" (make_catalogue's are each
    "Catalogue session NNN"), a threshold they pass, and what their sample says."""
    make_catalogue(60)
    refresh_search_vectors(Session.objects.values_list("pk", flat=True))
    monkeypatch.setattr(facets, "ESTIMATE_PAST", 20)
    # One session in two, each counting for two: one in ten would hold two or fewer of
    # the 60, too few to estimate from, once in twenty runs.
    monkeypatch.setattr(facets, "SAMPLE_EVERY", 2)
    return in_sample(Session.objects.published()) * facets.SAMPLE_EVERY


def in_sample(sessions) -> int:
    """How many of `sessions` the sample holds, as PostgreSQL chooses them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM catalogue_session "
            "WHERE id = ANY(%s) AND mod(hashint8(id), %s) = 0",
            [list(sessions.values_list("pk", flat=True)), facets.SAMPLE_EVERY],
        )
        return cursor.fetchone()[0]


def titles(content: str) -> list[str]:
    return link_texts(content, "session-tile-title")


@pytest.mark.postgres
def test_a_search_past_the_threshold_is_counted_in_the_sample_and_says_about(
    client, sample_estimate
):
    content = client.get("/sessions/?q=catalogue").content.decode()

    # Not 60, but what the sample says.
    assert heading(content).startswith(f"About {sample_estimate} sessions")
    # (Which years the sample holds depends on the keys the sessions got.)
    assert re.search(r'<option value="(20\d\d)">\1 \(about \d+\)</option>', content)
    assert len(titles(content)) == 20  # the page is still whole


@pytest.mark.postgres
def test_the_last_pages_of_an_estimated_search_are_counted_exactly(client, sample_estimate):
    first = client.get("/sessions/?q=catalogue").content.decode()
    assert heading(first).startswith(f"About {sample_estimate} sessions")

    # The last page by the estimate, and one far past it: the estimate may be short of
    # 60 or past it. Either way those pages are counted exactly and never empty, one
    # past the real last page shows that one, and every session is reachable.
    estimated_last = max(-(-sample_estimate // 20), 1)
    for asked in (estimated_last, 99):
        shown = min(asked, 3)
        page = client.get(f"/sessions/?q=catalogue&page={asked}").content.decode()
        assert heading(page) == f"60 sessions, showing {shown * 20 - 19}–{shown * 20}"
        assert len(titles(page)) == 20
    pages = [client.get(f"/sessions/?q=catalogue&page={n}").content.decode() for n in (2, 3)]
    assert len({*titles(first), *titles(pages[0]), *titles(pages[1])}) == 60


@pytest.mark.postgres
def test_sessions_made_in_a_repeating_order_are_neither_all_in_the_sample_nor_all_out(
    client, make_catalogue, monkeypatch
):
    # A programme imported slot by slot, ten rooms a slot, the five of the main hall
    # first: its sessions are five in every ten keys. A sample of every tenth key held
    # all of them or none, and counted them twice over or not at all.
    sessions = make_catalogue(200)
    first = min(session.pk for session in sessions)
    in_main_hall = [session.pk for session in sessions if (session.pk - first) % 10 < 5]
    Session.objects.filter(pk__in=in_main_hall).update(type=SessionTypeFactory(name="Main Session"))
    refresh_search_vectors(Session.objects.values_list("pk", flat=True))
    monkeypatch.setattr(facets, "ESTIMATE_PAST", 20)

    content = client.get("/sessions/?q=catalogue").content.decode()

    about = {
        value: int(count)
        for value, count in re.findall(
            r'<option value="([\w-]+)">[^<(]+\(about (\d+)\)</option>', content
        )
    }
    elsewhere = about.get("workshop", 0) + about.get("open-forum", 0)
    # 100 on each side, each estimated from about a tenth of its own: none of them in
    # the sample is a chance of 1 in 37,000, thirty or more 1 in 40 million.
    assert 0 < about.get("main-session", 0) < 300
    assert 0 < elsewhere < 300


@pytest.mark.postgres
def test_postgresql_does_not_compile_the_sites_queries_just_in_time():
    # A broad search's facets are planned past PostgreSQL's JIT threshold, for the exact
    # count they then skip: compiling them took 50 ms of a 70 ms query at 100,000 sessions.
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_a_search_under_the_threshold_is_counted_exactly(client, make_catalogue):
    sessions = make_catalogue(30)
    refresh_search_vectors(Session.objects.values_list("pk", flat=True))

    content = client.get("/sessions/?q=catalogue").content.decode()

    assert heading(content).startswith(f"{len(sessions)} sessions")
    assert "about" not in content.lower().split('<section class="results"')[0].split("<form")[1]


def test_a_kept_tile_shows_the_snippet_of_each_search_that_finds_it(client):
    session = SessionFactory(
        title="Spectrum for rural schools",
        description="<p>Satellites bring broadband to remote villages.</p>",
    )
    refresh_search_vectors([session.pk])

    first = client.get("/sessions/?q=spectrum+satellites").content.decode()
    second = client.get("/sessions/?q=spectrum+villages").content.decode()

    assert "<mark>Satellites</mark>" in first and "<mark>villages</mark>" not in first
    assert "<mark>villages</mark>" in second and "<mark>Satellites</mark>" not in second
    assert link_texts(second, "session-tile-title") == ["Spectrum for rural schools"]


def test_an_edited_title_shows_in_the_next_search(client):
    session = SessionFactory(title="Spectrum for rural schools")
    refresh_search_vectors([session.pk])
    assert client.get("/sessions/?q=spectrum").status_code == 200

    session.title = "Spectrum for rural libraries"
    session.save()
    refresh_search_vectors([session.pk])

    titles = link_texts(client.get("/sessions/?q=spectrum").content.decode(), "session-tile-title")
    assert titles == ["Spectrum for rural libraries"]
