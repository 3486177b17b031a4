"""The public strategy pages: every strategy, and one with its objectives, enablers and sessions."""

import ast
import datetime
import re
from pathlib import Path

import pytest

import strategies
from sessions.models import Session
from tests.factories import (
    EnablerFactory,
    ObjectiveFactory,
    SessionFactory,
    StrategyFactory,
)
from tests.page_parsing import link_texts, links, section, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def strategy():
    strategy = StrategyFactory(
        name="National Digital Strategy",
        country="Mexico",
        owner="Office of the President",
        year=2013,
        description="<p>Five objectives, <em>five</em> enablers.</p><script>alert(1)</script>",
        link="https://www.gob.mx/mexicodigital",
    )
    # Created out of order: the page follows `order`, not creation.
    for order, name in [
        (2, "Quality education"),
        (0, "Government transformation"),
        (1, "Digital economy"),
    ]:
        ObjectiveFactory(strategy=strategy, name=name, order=order)
    for order, name in [(1, "Digital skills and inclusion"), (0, "Connectivity")]:
        EnablerFactory(strategy=strategy, name=name, order=order)
    return strategy


def ordered_list_items(content: str, heading: str) -> list[str]:
    match = re.search(rf"<h2>{heading}</h2>\s*<ol>(.*?)</ol>", content, re.S)
    return [visible_text(item) for item in re.findall(r"<li[^>]*>(.*?)</li>", match.group(1), re.S)]


def test_strategy_list_shows_each_strategy_with_its_published_session_count(client, strategy):
    SessionFactory.create_batch(2, strategies=[strategy])
    SessionFactory(strategies=[strategy], status=Session.Status.DRAFT)
    StrategyFactory(name="Digital Economy Blueprint", country="Kenya", year=2019)
    content = client.get("/strategies/").content.decode()
    main = re.search(r"<main[^>]*>(.*?)</main>", content, re.S).group(1)
    assert [visible_text(item) for item in re.findall(r"<li>(.*?)</li>", main, re.S)] == [
        "Digital Economy Blueprint (2019) Kenya presented at 0 sessions",
        "National Digital Strategy (2013) Mexico presented at 2 sessions",
    ]
    assert (strategy.get_absolute_url(), "National Digital Strategy") in links(main)


def test_empty_strategy_list_says_so(client):
    assert "No strategies yet." in client.get("/strategies/").content.decode()


def test_strategy_page_shows_name_owner_description_and_link(client, strategy):
    content = client.get(strategy.get_absolute_url()).content.decode()
    assert '<h1 dir="auto">National Digital Strategy (2013)</h1>' in content
    assert "Office of the President, Mexico" in content
    assert "<p>Five objectives, <em>five</em> enablers.</p>" in content
    assert "<script" not in content
    assert ("https://www.gob.mx/mexicodigital", "The strategy's own page") in links(content)


def test_strategy_page_lists_objectives_and_enablers_in_order(client, strategy):
    content = client.get(strategy.get_absolute_url()).content.decode()
    assert ordered_list_items(content, "Objectives") == [
        "Government transformation",
        "Digital economy",
        "Quality education",
    ]
    assert ordered_list_items(content, "Enablers") == [
        "Connectivity",
        "Digital skills and inclusion",
    ]


def test_strategy_page_lists_its_published_sessions_newest_first(client, strategy):
    SessionFactory(title="Older", date=datetime.date(2007, 11, 12), strategies=[strategy])
    SessionFactory(title="Newer", date=datetime.date(2015, 11, 12), strategies=[strategy])
    SessionFactory(title="Draft", strategies=[strategy], status=Session.Status.DRAFT)
    SessionFactory(title="Another strategy's", strategies=[StrategyFactory()])
    content = client.get(strategy.get_absolute_url()).content.decode()
    sessions = section(content, "sessions-heading")
    assert link_texts(sessions, "session-tile-title") == ["Newer", "Older"]
    assert visible_text(sessions).startswith("Presented at 2 sessions")


def test_strategy_page_paginates_its_sessions(client, strategy):
    SessionFactory.create_batch(23, strategies=[strategy])
    first = client.get(strategy.get_absolute_url()).content.decode()
    second = client.get(f"{strategy.get_absolute_url()}?page=2").content.decode()
    assert len(link_texts(first, "session-tile-title")) == 20
    assert len(link_texts(second, "session-tile-title")) == 3
    for page in ("abc", "-1", "0", "99999", "1.5"):
        assert client.get(f"{strategy.get_absolute_url()}?page={page}").status_code == 200


def test_strategy_without_sessions_says_so(client, strategy):
    content = client.get(strategy.get_absolute_url()).content.decode()
    assert "No published session presents this strategy yet." in content


def test_strategy_link_is_shown_only_when_it_is_a_web_address(client, strategy):
    strategy.__class__.objects.filter(pk=strategy.pk).update(link="javascript:alert(1)")
    assert "javascript:" not in client.get(strategy.get_absolute_url()).content.decode()


def test_unknown_strategy_is_the_sites_404_page(client):
    response = client.get("/strategies/no-such-strategy/")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


@pytest.mark.parametrize("url", ["/strategies/", "/strategies/national-digital-strategy/"])
def test_strategy_pages_set_no_cookie_for_anonymous_visitors(client, strategy, url):
    response = client.get(url, headers={"user-agent": "Mozilla/5.0 (X11; Linux x86_64)"})
    assert response.status_code == 200
    assert not response.cookies


def test_strategies_app_never_imports_the_sessions_app():
    """Sessions depend on strategies, never the reverse (STYLE.md)."""
    for path in Path(strategies.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(name.split(".")[0] == "sessions" for name in names), path


# Query counts: the same number whatever the size of the catalogue.


@pytest.mark.parametrize("session_count", [1, 201])
def test_strategy_list_query_count(client, django_assert_num_queries, strategy, session_count):
    SessionFactory.create_batch(session_count, strategies=[strategy, StrategyFactory()])
    with django_assert_num_queries(1):
        assert client.get("/strategies/").status_code == 200


@pytest.mark.parametrize("session_count", [1, 201])
def test_strategy_page_query_count(client, django_assert_num_queries, strategy, session_count):
    SessionFactory.create_batch(session_count, strategies=[strategy])
    # The strategy, its objectives, its enablers, the catalogue version (which keys the
    # cached count), the count of its sessions, one page, the page's tags.
    with django_assert_num_queries(7):
        assert client.get(f"{strategy.get_absolute_url()}?page=2").status_code == 200
