"""/api/sessions/: the shape of a session, the filters and sort of /sessions/, pagination."""

import datetime
import itertools
import re
import urllib.parse

import pytest

from sessions.models import Session
from tests.factories import SessionFactory
from tests.page_parsing import links

pytestmark = pytest.mark.django_db

SEED_SLUG = "mexico-the-national-digital-strategy-and-the-msh-model"
SEED_API_URL = f"/api/sessions/{SEED_SLUG}/"


def api_slugs(client, query: str) -> list[str]:
    response = client.get(f"/api/sessions/?{query}")
    assert response.status_code == 200, response.content
    return [session["slug"] for session in response.json()["results"]]


def page_slugs(client, query: str) -> list[str]:
    """The sessions the HTML list shows for `query`, by slug, in page order."""
    response = client.get(f"/sessions/?{query}")
    assert response.status_code == 200
    tiles = re.findall(
        r'<a class="session-tile-title"[^>]*>.*?</a>', response.content.decode(), re.S
    )
    return [
        re.fullmatch(r"/sessions/([^/]+)/", href).group(1)
        for tile in tiles
        for href, _text in links(tile)
    ]


# The shape of a session


def test_session_detail_has_the_documented_shape(client, seed_session_with_people):
    response = client.get(SEED_API_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "key": seed_session_with_people.key,
        "slug": SEED_SLUG,
        "title": "Mexico: The National Digital Strategy and the MSH model",
        "language": "en",
        "date": "2015-11-12",
        "start_time": None,
        "end_time": None,
        "type": {"name": "Workshop", "slug": "workshop"},
        "topic": {"name": "Other", "slug": "other"},
        "meeting": {"name": "IGF 2015", "slug": "igf-2015", "kind": "annual"},
        "venue": {"city": "João Pessoa", "country": "Brazil", "slug": "joao-pessoa-brazil"},
        "description": (
            "<p>Mexico's National Digital Strategy, its 5 objectives and 5 enablers.</p>"
        ),
        "report": {"summary": "", "key_takeaways": "", "calls_to_action": ""},
        "recordings": [],
        "documents": [],
        "url": "",
        "views": 41,
        "strategies": [{"name": "National Digital Strategy", "slug": "national-digital-strategy"}],
        "objectives": [{"strategy": "national-digital-strategy", "name": "Digital economy"}],
        "enablers": [
            {"strategy": "national-digital-strategy", "name": "Connectivity"},
            {"strategy": "national-digital-strategy", "name": "Open data"},
        ],
        # Organisers, speakers, moderators, then rapporteurs, as the page lists them.
        "participants": [
            {
                "name": "Carla Ortiz",
                "slug": "carla-ortiz",
                "organisation": "Open Data Institute",
                "stakeholder_group": "civil-society",
                "role": "organiser",
            },
            {
                "name": "Ana Pérez",
                "slug": "ana-perez",
                "organisation": "Government of Mexico",
                "stakeholder_group": "government",
                "role": "speaker",
            },
            {
                "name": "Bruno Silva",
                "slug": "bruno-silva",
                "organisation": "",
                "stakeholder_group": "",
                "role": "moderator",
            },
        ],
        "tags": [
            {"name": "Digital economy", "slug": "digital-economy"},
            {"name": "Open data", "slug": "open-data"},
        ],
        # Linked by hand, most viewed first.
        "related": ["main-session-on-access", "best-practice-forum-on-openness"],
        "site_url": f"http://testserver/sessions/{SEED_SLUG}/",
    }


def test_session_in_the_list_has_the_same_shape_as_its_detail(client, seed_session_with_people):
    listed = client.get("/api/sessions/?venue=joao-pessoa-brazil").json()["results"]
    assert listed == [client.get(SEED_API_URL).json()]


def test_times_are_hours_and_minutes(client):
    session = SessionFactory(start_time=datetime.time(9, 30), end_time=datetime.time(11, 0))
    data = client.get(f"/api/sessions/{session.slug}/").json()
    assert (data["start_time"], data["end_time"]) == ("09:30", "11:00")


def test_official_url_is_given_only_when_it_is_a_web_address(client):
    session = SessionFactory(url="https://www.intgovforum.org/en/content/ws-1")
    url = f"/api/sessions/{session.slug}/"
    assert client.get(url).json()["url"] == "https://www.intgovforum.org/en/content/ws-1"
    Session.objects.filter(pk=session.pk).update(url="javascript:alert(1)")
    assert client.get(url).json()["url"] == ""


def test_description_is_the_sanitised_html(client):
    session = SessionFactory(
        description='<p onclick="alert(1)">Kept <strong>text</strong></p><script>alert(2)</script>'
    )
    assert client.get(f"/api/sessions/{session.slug}/").json()["description"] == (
        "<p>Kept <strong>text</strong></p>"
    )


def test_site_url_is_the_public_page(client, seed_session):
    site_url = client.get(SEED_API_URL).json()["site_url"]
    path = urllib.parse.urlsplit(site_url).path
    response = client.get(path)
    assert response.status_code == 200
    assert seed_session.title in response.content.decode()


def test_related_lists_published_sessions_only_and_never_the_session_itself(client):
    session = SessionFactory(title="Subject")
    linked = SessionFactory(title="Linked", views=5)
    more_viewed = SessionFactory(title="More viewed", views=50)
    draft = SessionFactory(title="Draft", status=Session.Status.DRAFT, views=500)
    session.related.add(linked, draft, more_viewed)
    assert client.get(f"/api/sessions/{session.slug}/").json()["related"] == [
        more_viewed.slug,
        linked.slug,
    ]


# Published sessions only


def test_drafts_never_appear_in_the_list_whatever_the_filter(client, varied_catalogue):
    for query in ("", "q=draft", "q=broadband", "sort=-views", "year=2015", "tag=open-data"):
        response = client.get(f"/api/sessions/?{query}&page_size=100")
        titles = [session["title"] for session in response.json()["results"]]
        assert "Broadband access draft" not in titles


def test_a_draft_is_a_404_in_json(client):
    draft = SessionFactory(status=Session.Status.DRAFT)
    response = client.get(f"/api/sessions/{draft.slug}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/sessions/no-such-session/",
        "/api/sessions/not.a.slug/",
        "/api/sessions/%C3%A9t%C3%A9/",
        "/api/no-such-endpoint/",
        "/api/sessions/a/b/",
    ],
)
def test_anything_unknown_under_api_is_a_404_in_json(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_the_api_root_lists_every_endpoint(client):
    assert client.get("/api/").json() == {
        name: f"http://testserver/api/{name}/"
        for name in (
            "sessions",
            "meetings",
            "venues",
            "session-types",
            "topics",
            "strategies",
            "speakers",
            "tags",
        )
    }


# Filters and sort: the same as /sessions/


@pytest.mark.parametrize(
    ("query", "expected_count"),
    [
        ("", 48),
        ("year=2007", 16),
        ("venue=online", 16),
        ("type=open-forum", 15),
        ("topic=cybersecurity-and-trust", 24),
        ("strategy=digital-economy-blueprint", 16),
        ("speaker=ana-perez", 19),
        ("stakeholder=civil-society", 20),
        ("tag=youth", 24),
        ("q=broadband", 21),
    ],
)
def test_each_filter_narrows_the_list(client, varied_catalogue, query, expected_count):
    response = client.get(f"/api/sessions/?{query}")
    assert response.json()["count"] == expected_count


def test_a_filter_picks_the_right_sessions(client, varied_catalogue):
    # Sessions 0, 3, 6, ... are in 2007 at Rio; every third of them is a Workshop.
    expected = [
        session.slug
        for session in sorted(varied_catalogue, key=lambda s: (s.date, s.pk), reverse=True)
        if session.date.year == 2007 and session.type.slug == "workshop"
    ]
    assert api_slugs(client, "year=2007&type=workshop&page_size=100") == expected


@pytest.mark.parametrize(
    ("sort", "key", "reverse"),
    [
        ("-date", lambda s: (s.date, s.pk), True),
        ("date", lambda s: (s.date, s.pk), False),
        ("-views", lambda s: (s.views, s.date, s.pk), True),
        ("title", lambda s: (s.title, s.pk), False),
    ],
)
def test_sort_orders(client, varied_catalogue, sort, key, reverse):
    expected = [session.slug for session in sorted(varied_catalogue, key=key, reverse=reverse)]
    assert api_slugs(client, f"sort={sort}&page_size=100") == expected


def test_the_default_order_is_newest_first(client, varied_catalogue):
    assert api_slugs(client, "page_size=100") == api_slugs(client, "sort=-date&page_size=100")


@pytest.mark.parametrize(
    ("query", "parameter", "reason"),
    [
        ("type=not+a+slug", "type", "There is no such session type."),
        ("topic=%00", "topic", "There is no such topic."),
        ("year=1999", "year", "There are no sessions in that year."),
        ("year=0", "year", "There are no sessions in that year."),
        ("year=abc", "year", "There are no sessions in that year."),
        ("stakeholder=robots", "stakeholder", "That is not a stakeholder group."),
        ("sort=best", "sort", "That is not a sort order, so the newest come first."),
        (f"q={'x' * 201}", "q", "A search is at most 200 characters long."),
    ],
)
def test_a_filter_value_off_the_schema_is_a_400_naming_it_with_the_pages_reason(
    client, varied_catalogue, query, parameter, reason
):
    response = client.get(f"/api/sessions/?{query}")
    assert response.status_code == 400
    assert response.json() == {parameter: [reason]}


@pytest.mark.parametrize(
    ("query", "parameter", "reason"),
    [
        ("venue=nowhere", "venue", "There is no such venue."),
        ("strategy=none", "strategy", "There is no such strategy."),
        ("speaker=nobody", "speaker", "There is no such speaker."),
        ("tag=no-tag", "tag", "There is no such tag."),
        ("year=2050", "year", "There are no sessions in that year."),
    ],
)
def test_a_filter_value_that_names_nothing_is_a_404_naming_it_with_the_pages_reason(
    client, varied_catalogue, query, parameter, reason
):
    # The schema states each value's shape; which slugs and years exist it cannot.
    response = client.get(f"/api/sessions/?{query}")
    assert response.status_code == 404
    assert response.json() == {parameter: [reason]}


def test_relevance_without_a_search_is_the_newest_first(client, varied_catalogue):
    assert api_slugs(client, "sort=relevance&page_size=100") == api_slugs(
        client, "sort=-date&page_size=100"
    )


# The API and the page agree

FILTER_VALUES = {
    "year": ["2007", "2015"],
    "venue": ["joao-pessoa-brazil", "online"],
    "type": ["workshop", "main-session"],
    "topic": ["other"],
    "strategy": ["national-digital-strategy"],
    "speaker": ["bruno-silva"],
    "stakeholder": ["government"],
    "tag": ["open-data", "ipv6"],
    "q": ["broadband", "open data", "youth participation", "zzz"],
}
SORTS = [None, "-date", "date", "-views", "title"]


def filter_combinations() -> list[str]:
    """Every filter alone and in pairs, with several sorts; searches with relevance too."""
    queries = []
    names = list(FILTER_VALUES)
    for size in (1, 2):
        for chosen in itertools.combinations(names, size):
            for values in itertools.product(*(FILTER_VALUES[name][:1] for name in chosen)):
                queries.append(dict(zip(chosen, values, strict=True)))
    for name, values in FILTER_VALUES.items():
        queries += [{name: value} for value in values[1:]]
    queries += [
        {"year": "2015", "venue": "joao-pessoa-brazil", "type": "workshop", "topic": "other"},
        {"strategy": "national-digital-strategy", "tag": "ipv6", "stakeholder": "government"},
        {"q": "open data", "sort": "relevance"},
        {"q": "broadband", "year": "2015", "sort": "relevance"},
        {},
    ]
    combined = []
    for number, query in enumerate(queries):
        sort = SORTS[number % len(SORTS)]
        combined.append(urllib.parse.urlencode({**query, **({"sort": sort} if sort else {})}))
    return sorted(set(combined))


@pytest.mark.parametrize("query", filter_combinations())
def test_the_api_and_the_page_list_the_same_sessions_in_the_same_order(
    client, varied_catalogue, query
):
    assert api_slugs(client, query) == page_slugs(client, query)
    second_page = f"{query}&page=2" if query else "page=2"
    # Past the last page the page shows the last one and the API answers 404.
    if client.get(f"/api/sessions/?{second_page}").status_code == 200:
        assert api_slugs(client, second_page) == page_slugs(client, second_page)


def test_the_comparison_sees_sessions_on_both_sides(client, varied_catalogue):
    # Guards the test above: it would pass on two empty lists.
    assert len(page_slugs(client, "")) == 20
    assert page_slugs(client, "q=broadband&sort=title") == api_slugs(
        client, "q=broadband&sort=title"
    )
    assert len(api_slugs(client, "q=broadband&sort=title")) == 20


# Pagination


def test_list_is_paginated_with_count_next_and_previous(client, make_catalogue):
    make_catalogue(45)
    first = client.get("/api/sessions/?sort=title").json()
    assert first["count"] == 45
    assert len(first["results"]) == 20
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/sessions/?page=2&sort=title"
    second = client.get(first["next"]).json()
    assert second["previous"] == "http://testserver/api/sessions/?sort=title"
    last = client.get(second["next"]).json()
    assert len(last["results"]) == 5
    assert last["next"] is None
    slugs = [s["slug"] for page in (first, second, last) for s in page["results"]]
    assert len(set(slugs)) == 45


def test_page_size_can_be_asked_up_to_the_maximum(client, settings, make_catalogue):
    settings.CATALOGUE_API_MAX_PAGE_SIZE = 30
    make_catalogue(45)
    assert len(client.get("/api/sessions/?page_size=7").json()["results"]) == 7
    assert len(client.get("/api/sessions/?page_size=30").json()["results"]) == 30
    for too_many_or_none in ("31", "1000", "0", "-1", "abc"):
        response = client.get(f"/api/sessions/?page_size={too_many_or_none}")
        assert response.status_code == 400
        assert response.json() == {"page_size": ["A page holds 1 to 30 results."]}


def test_the_default_maximum_page_size_is_a_hundred(client, make_catalogue):
    make_catalogue(101)
    data = client.get("/api/sessions/?page_size=100").json()
    assert (data["count"], len(data["results"])) == (101, 100)
    assert client.get("/api/sessions/?page_size=101").status_code == 400


@pytest.mark.parametrize("page", ["0", "99", "abc"])
def test_a_page_that_does_not_exist_is_a_404_in_json(client, make_catalogue, page):
    make_catalogue(3)
    response = client.get(f"/api/sessions/?page={page}")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_an_empty_catalogue_is_an_empty_list(client):
    assert client.get("/api/sessions/").json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }
