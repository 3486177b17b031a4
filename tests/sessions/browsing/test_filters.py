"""The session list's filters and sort orders.

/sessions/?year=&venue=&type=&topic=&strategy=&q=&sort=
"""

import datetime
import random
import re
import urllib.parse

import pytest
from django.utils import translation

from sessions.browsing.filters import SessionFilter
from sessions.models import Session
from sessions.search import refresh_search_vectors
from tests.factories import (
    SessionFactory,
    SessionTypeFactory,
    StrategyFactory,
    TopicFactory,
    VenueFactory,
)
from tests.hostile import HOSTILE_VALUES
from tests.page_parsing import link_texts, links, section, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    """A small catalogue where every filter picks out a different set of sessions."""
    rio = VenueFactory(city="Rio de Janeiro", country="Brazil")
    joao_pessoa = VenueFactory(city="João Pessoa", country="Brazil")
    workshop = SessionTypeFactory(name="Workshop")
    open_forum = SessionTypeFactory(name="Open Forum")
    other = TopicFactory(name="Other")
    security = TopicFactory(name="Cybersecurity and Trust")
    mexico = StrategyFactory(name="National Digital Strategy", slug="mexico-nds")
    kenya = StrategyFactory(name="Digital Economy Blueprint", slug="kenya-deb")
    rows = [
        # title, date, venue, type, topic, views, strategies, description
        ("Alpha", (2007, 11, 12), rio, workshop, other, 30, [mexico], "Broadband for all"),
        ("Bravo", (2007, 11, 13), rio, open_forum, security, 10, [], "Incident response"),
        ("Charlie", (2015, 11, 10), joao_pessoa, workshop, security, 50, [mexico, kenya], ""),
        ("Delta", (2015, 11, 12), joao_pessoa, open_forum, other, 20, [kenya], "BROADBAND maps"),
        ("Echo", (2015, 11, 12), joao_pessoa, workshop, other, 20, [], "Open data"),
    ]
    sessions = {}
    for title, date, venue, session_type, topic, views, strategies, description in rows:
        sessions[title] = SessionFactory(
            title=title,
            date=datetime.date(*date),
            venue=venue,
            type=session_type,
            topic=topic,
            views=views,
            strategies=strategies,
            description=description,
        )
    SessionFactory(title="Foxtrot draft", status=Session.Status.DRAFT, venue=rio, views=99)
    # As a commit would (tests never commit), so that PostgreSQL's full-text search finds them.
    refresh_search_vectors(Session.objects.values_list("pk", flat=True))
    return sessions


def titles(client, query: str) -> list[str]:
    response = client.get(f"/sessions/?{query}")
    assert response.status_code == 200
    return link_texts(response.content.decode(), "session-tile-title")


def notice(client, query: str) -> str:
    content = client.get(f"/sessions/?{query}").content.decode()
    return visible_text(section(content, "ignored-heading"))


# Each filter alone


def test_no_filter_lists_every_published_session_newest_first(client, catalogue):
    # Delta and Echo share a date: the later one created (higher pk) comes first.
    assert titles(client, "") == ["Echo", "Delta", "Charlie", "Bravo", "Alpha"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year=2007", ["Bravo", "Alpha"]),
        ("year=2015", ["Echo", "Delta", "Charlie"]),
        ("venue=rio-de-janeiro-brazil", ["Bravo", "Alpha"]),
        ("venue=joao-pessoa-brazil", ["Echo", "Delta", "Charlie"]),
        ("type=workshop", ["Echo", "Charlie", "Alpha"]),
        ("type=open-forum", ["Delta", "Bravo"]),
        ("topic=other", ["Echo", "Delta", "Alpha"]),
        ("topic=cybersecurity-and-trust", ["Charlie", "Bravo"]),
        ("strategy=mexico-nds", ["Charlie", "Alpha"]),
        ("strategy=kenya-deb", ["Delta", "Charlie"]),
    ],
)
def test_each_filter_alone(client, catalogue, query, expected):
    assert titles(client, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=broadband", ["Delta", "Alpha"]),  # in the description, whatever the case
        ("q=ALPHA", ["Alpha"]),  # in the title, whatever the case
        ("q=INCIDENT", ["Bravo"]),  # a whole word (parts of words: tests/sessions/test_search.py)
        ("q=%25", []),  # a LIKE wildcard is matched literally
        ("q=_", []),
        ("q=nothing+like+this", []),
    ],
)
def test_text_search_in_title_and_description(client, catalogue, query, expected):
    # In any order: relevance orders them on PostgreSQL (tests/sessions/test_search.py).
    assert sorted(titles(client, query)) == sorted(expected)


def test_drafts_never_appear_whatever_the_filter(client, catalogue):
    for query in ("", "venue=rio-de-janeiro-brazil", "q=draft", "sort=-views", "year=2015"):
        assert "Foxtrot draft" not in titles(client, query)


def test_year_choices_are_the_years_with_published_sessions(client, catalogue):
    SessionFactory(date=datetime.date(2010, 9, 14), status=Session.Status.DRAFT)
    content = client.get("/sessions/").content.decode()
    year_select = re.search(r'<select name="year".*?</select>', content, re.S).group(0)
    assert re.findall(r'<option value="(\d*)"', year_select) == ["", "2015", "2007"]


# Sort orders


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-date", ["Echo", "Delta", "Charlie", "Bravo", "Alpha"]),
        ("date", ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]),
        # Delta and Echo have 20 views and the same date: newest created first.
        ("-views", ["Charlie", "Alpha", "Echo", "Delta", "Bravo"]),
        ("title", ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]),
    ],
)
def test_sort_orders(client, catalogue, sort, expected):
    assert titles(client, f"sort={sort}") == expected


def test_sort_is_deterministic_for_equal_values(client):
    for _ in range(30):
        SessionFactory(title="Same", views=5)
    first = client.get("/sessions/?sort=title").context["page"].object_list
    second = client.get("/sessions/?sort=title&page=2").context["page"].object_list
    ids = [s.pk for s in first] + [s.pk for s in second]
    assert ids == sorted(ids)
    assert [s.pk for s in client.get("/sessions/?sort=-views").context["page"]] == sorted(
        ids, reverse=True
    )[:20]


def test_sort_links_keep_the_filters_and_mark_the_current_order(client, catalogue):
    content = client.get(
        "/sessions/?venue=rio-de-janeiro-brazil&sort=title&page=1"
    ).content.decode()
    sort_nav = re.search(r'<nav class="sort".*?</nav>', content, re.S).group(0)
    assert links(sort_nav) == [
        ("?venue=rio-de-janeiro-brazil", "Newest first"),
        ("?venue=rio-de-janeiro-brazil&sort=date", "Oldest first"),
        ("?venue=rio-de-janeiro-brazil&sort=-views", "Most viewed"),
        ("?venue=rio-de-janeiro-brazil&sort=title", "Title, A to Z"),
    ]
    assert 'aria-current="true">Title, A to Z' in sort_nav


# Filters combined


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year=2015&type=workshop", ["Echo", "Charlie"]),
        ("year=2015&type=workshop&topic=other", ["Echo"]),
        ("venue=joao-pessoa-brazil&strategy=kenya-deb", ["Delta", "Charlie"]),
        ("venue=joao-pessoa-brazil&strategy=kenya-deb&sort=date", ["Charlie", "Delta"]),
        ("topic=other&q=broadband&sort=-views", ["Alpha", "Delta"]),
        ("year=2007&strategy=kenya-deb", []),
        (
            "year=2015&venue=joao-pessoa-brazil&type=workshop&topic=cybersecurity-and-trust"
            "&strategy=mexico-nds&q=charlie&sort=title",
            ["Charlie"],
        ),
    ],
)
def test_filters_combine(client, catalogue, query, expected):
    assert titles(client, query) == expected


def test_the_form_shows_the_filters_in_use(client, catalogue):
    content = client.get(
        "/sessions/?year=2015&topic=other&q=Broadband&sort=-views"
    ).content.decode()
    # With each value's count of sessions given the other filters (test_facets.py).
    assert '<option value="2015" selected>2015 (1)</option>' in content
    assert '<option value="other" selected>Other (1)</option>' in content
    assert '<option value="-views" selected>Most viewed</option>' in content
    assert 'value="Broadband"' in content


# Active filters as removable chips


def test_active_filters_are_chips_linking_to_the_list_without_them(client, catalogue):
    content = client.get(
        "/sessions/?year=2015&venue=joao-pessoa-brazil&q=broadband&sort=-views&page=2"
    ).content.decode()
    chips = links(section(content, "active-filters-heading"))
    assert chips == [
        (
            "/sessions/?venue=joao-pessoa-brazil&q=broadband&sort=-views",
            "Year: 2015 × (remove this filter)",
        ),
        (
            "/sessions/?year=2015&q=broadband&sort=-views",
            "Venue: João Pessoa, Brazil × (remove this filter)",
        ),
        (
            "/sessions/?year=2015&venue=joao-pessoa-brazil&sort=-views",
            "Search: “broadband” × (remove this filter)",
        ),
        ("/sessions/?sort=-views", "Clear all filters"),
    ]


def test_removing_a_chip_gives_the_list_without_that_filter(client, catalogue):
    content = client.get("/sessions/?type=workshop&topic=other").content.decode()
    without_type = links(section(content, "active-filters-heading"))[0][0]
    assert without_type == "/sessions/?topic=other"
    assert titles(client, "topic=other") == ["Echo", "Delta", "Alpha"]


def test_chips_name_objects_by_their_names(client, catalogue):
    content = client.get(
        "/sessions/?type=open-forum&topic=cybersecurity-and-trust&strategy=mexico-nds"
    ).content.decode()
    chip_text = visible_text(section(content, "active-filters-heading"))
    assert "Type: Open Forum" in chip_text
    assert "Topic: Cybersecurity and Trust" in chip_text
    assert "Strategy: National Digital Strategy (2013)" in chip_text


def test_no_chips_without_filters(client, catalogue):
    content = client.get("/sessions/?sort=title").content.decode()
    assert "active-filters-heading" not in content


# Invalid values: a message naming the parameter, and the valid filters still apply


@pytest.mark.parametrize(
    ("query", "parameter", "reason"),
    [
        ("year=abc", "year=abc", "There are no sessions in that year."),
        ("year=1999", "year=1999", "There are no sessions in that year."),
        ("year=99999", "year=99999", "There are no sessions in that year."),
        ("year=-2015", "year=-2015", "There are no sessions in that year."),
        ("venue=atlantis", "venue=atlantis", "There is no such venue."),
        ("venue=Rio de Janeiro", "venue=Rio de Janeiro", "There is no such venue."),
        ("type=keynote", "type=keynote", "There is no such session type."),
        ("topic=%00", "topic=\ufffd", "There is no such topic."),
        ("strategy=../../etc", "strategy=../../etc", "There is no such strategy."),
        ("sort=bogus", "sort=bogus", "That is not a sort order, so the newest come first."),
        ("sort=-title", "sort=-title", "That is not a sort order, so the newest come first."),
        ("q=" + "x" * 201, "q=" + "x" * 79 + "…", "A search is at most 200 characters long."),
        ("q=a%00b", "q=a\ufffdb", "Null characters are not allowed."),
    ],
)
def test_an_invalid_value_is_named_in_a_message(client, catalogue, query, parameter, reason):
    response = client.get(f"/sessions/?{query}")
    assert response.status_code == 200
    message = notice(client, query)
    assert message.startswith("One filter was ignored")
    assert f"{parameter}: {reason}" in message


def test_valid_filters_still_apply_beside_invalid_ones(client, catalogue):
    query = "year=2015&venue=atlantis&type=workshop&sort=bogus&q=%00"
    assert titles(client, query) == ["Echo", "Charlie"]
    message = notice(client, query)
    assert message.startswith("3 filters were ignored")
    for name in ("venue=atlantis", "sort=bogus", "q=\ufffd"):
        assert name in message


def test_an_invalid_value_links_to_the_list_without_it(client, catalogue):
    content = client.get("/sessions/?type=workshop&venue=atlantis").content.decode()
    assert links(section(content, "ignored-heading")) == [
        ("/sessions/?type=workshop", "Remove venue")
    ]


def test_an_invalid_field_is_marked_in_the_form(client, catalogue):
    content = client.get("/sessions/?venue=atlantis").content.decode()
    assert re.search(
        r'<select name="venue" aria-invalid="true" aria-describedby="id_venue_error"', content
    )
    assert 'id="id_venue_error"' in content


@pytest.mark.parametrize("language", ["en", "fr", "zh-hans"])
def test_the_forms_labels_are_as_django_writes_them(client, catalogue, language):
    """The template writes each label out (`field.label_tag` renders a template of its
    own): the same markup, the suffix in the reader's language (" :" in French)."""
    response = client.get("/sessions/?q=broadband&year=2015", HTTP_ACCEPT_LANGUAGE=language)
    labels = re.findall(r'<label for="id_[a-z]+">.*?</label>', response.content.decode())
    with translation.override(language):
        form = SessionFilter(response.wsgi_request.GET, queryset=Session.objects.all()).form
        expected = [str(field.label_tag()) for field in form if not field.is_hidden]
    assert len(labels) == 12
    assert sorted(labels) == sorted(expected)


def test_the_empty_catalogue_has_a_list_page(client):
    response = client.get("/sessions/?year=2015")
    assert response.status_code == 200
    assert "0 sessions" in response.content.decode()


# Hostile and random query strings never give a server error

PARAMETERS = [
    "year", "venue", "type", "topic", "strategy", "speaker", "stakeholder", "tag", "q", "sort",
    "page",
]  # fmt: skip
# Escaped, these read "&lt;script" and so on: only an unescaped tag could run.
HOSTILE_MARKUP = ("<script", "<img", "<svg")
# The one script the list page loads itself, left out before looking for those.
OWN_SCRIPT = '<script src="/static/js/filters.js" defer></script>'


def hostile_query_strings(count: int, *, seed: int) -> list[str]:
    """`count` query strings mixing known and unknown parameters, repeats, and values that
    are malformed, huge, unicode, percent-encoded wrongly or meant to inject something."""
    rng = random.Random(seed)
    names = [*PARAMETERS, "unknown", "year[]", "q%00", "", "%zz", "page.number"]
    queries = []
    for _ in range(count):
        pairs = []
        for _ in range(rng.randint(1, 6)):
            name = rng.choice(names)
            value = rng.choice(HOSTILE_VALUES)
            if rng.random() < 0.5:
                value = urllib.parse.quote(value, safe="")  # well encoded
            pairs.append(f"{name}={value}" if rng.random() < 0.9 else name)
        queries.append("&".join(pairs))
    return queries


@pytest.mark.parametrize("seed", range(6))
def test_hostile_query_strings_never_give_a_server_error(client, catalogue, seed):
    for query in hostile_query_strings(50, seed=seed):
        response = client.get(f"/sessions/?{query}")
        if response.status_code == 302:  # empty filters tidied away
            assert response["Location"].startswith("/sessions/")
            response = client.get(response["Location"])
        assert response.status_code == 200, query
        content = response.content.decode().lower().replace(OWN_SCRIPT, "", 1)
        for markup in HOSTILE_MARKUP:
            assert markup not in content, query
        assert not response.cookies


def test_each_hostile_value_in_every_parameter_at_once_gives_a_page(client, catalogue):
    for value in HOSTILE_VALUES:
        response = client.get("/sessions/", dict.fromkeys(PARAMETERS, value), follow=True)
        assert response.status_code == 200, value
        content = response.content.decode().lower().replace(OWN_SCRIPT, "", 1)
        for markup in HOSTILE_MARKUP:
            assert markup not in content, value


def test_hostile_values_are_escaped_in_the_page(client, catalogue):
    hostile = '"><script>alert(1)</script>'
    content = client.get("/sessions/", {"q": hostile, "venue": hostile}).content.decode()
    assert "<script>" not in content
    assert "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in content
