"""What machines read on the pages: schema.org Event JSON-LD, Open Graph and Twitter
cards, canonical links, and the feeds and API equivalents a list links to."""

import datetime
import html
import json
import re

import pytest

from sessions.models import Participant
from tests.factories import (
    ParticipantFactory,
    SessionFactory,
    SpeakerFactory,
    TagFactory,
    VenueFactory,
)
from tests.page_parsing import markup_problems

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SEED_URL = "/sessions/mexico-the-national-digital-strategy-and-the-msh-model/"
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
META = re.compile(r'<meta (property|name)="((?:og|twitter):[^"]+)" content="([^"]*)">')
LINK = re.compile(r"<link ([^>]*)>")
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
HOSTILE = "</script><script>alert(1)</script><!-- & \"quoted\" 'single' \u2028"


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def json_ld(content: str) -> dict:
    """The page's one JSON-LD block, parsed."""
    blocks = JSON_LD.findall(content)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def meta_tags(content: str) -> dict[str, str]:
    return {name: html.unescape(value) for _, name, value in META.findall(content)}


def link_tags(content: str) -> list[dict[str, str]]:
    head = content.split("</head>")[0]
    return [
        {name: html.unescape(value) for name, value in ATTRIBUTE.findall(attributes)}
        for attributes in LINK.findall(head)
    ]


def alternates(content: str) -> dict[str, str]:
    """The page's rel=alternate links by type: {type: href}."""
    return {
        link["type"]: link["href"]
        for link in link_tags(content)
        if link["rel"] == "alternate" and "type" in link
    }


def canonical(content: str) -> list[str]:
    return [link["href"] for link in link_tags(content) if link["rel"] == "canonical"]


# JSON-LD


def test_session_page_embeds_an_event(client, seed_session):
    event = json_ld(page(client, SEED_URL))
    assert event["@context"] == "https://schema.org"
    assert event["@type"] == "Event"
    assert event["name"] == "Mexico: The National Digital Strategy and the MSH model"
    assert event["url"] == f"http://testserver{SEED_URL}"
    assert event["startDate"] == "2015-11-12"
    assert event["endDate"] == "2015-11-12"
    assert event["description"] == (
        "Mexico's National Digital Strategy, its 5 objectives and 5 enablers."
    )
    assert event["eventStatus"] == "https://schema.org/EventScheduled"
    assert event["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert event["location"] == {
        "@type": "Place",
        "name": "João Pessoa, Brazil",
        "address": {
            "@type": "PostalAddress",
            "addressLocality": "João Pessoa",
            "addressCountry": "TL",
        },
    }
    assert event["organizer"]["name"] == "Internet Governance Forum"
    assert event["identifier"] == seed_session.key


def test_event_counts_the_view_the_page_shows(client, seed_session):
    content = client.get(SEED_URL, headers={"user-agent": BROWSER}).content.decode()
    statistic = json_ld(content)["interactionStatistic"]
    assert statistic == {
        "@type": "InteractionCounter",
        "interactionType": "https://schema.org/ViewAction",
        "userInteractionCount": 42,
    }
    assert "42 views" in content


def test_event_times_carry_the_venues_offset(client):
    venue = VenueFactory(city="João Pessoa", country="Brazil", time_zone="America/Recife")
    session = SessionFactory(
        venue=venue, start_time=datetime.time(9, 0), end_time=datetime.time(10, 30)
    )
    event = json_ld(page(client, session.get_absolute_url()))
    assert event["startDate"] == "2015-11-12T09:00-03:00"
    assert event["endDate"] == "2015-11-12T10:30-03:00"
    assert datetime.datetime.fromisoformat(event["startDate"]).utcoffset() == datetime.timedelta(
        hours=-3
    )


def test_event_times_without_a_time_zone_are_local(client):
    session = SessionFactory(start_time=datetime.time(15, 0))
    event = json_ld(page(client, session.get_absolute_url()))
    assert event["startDate"] == "2015-11-12T15:00"
    assert "endDate" not in event


def test_event_ending_after_midnight_ends_the_next_day(client):
    session = SessionFactory(start_time=datetime.time(23, 0), end_time=datetime.time(0, 30))
    event = json_ld(page(client, session.get_absolute_url()))
    assert event["endDate"] == "2015-11-13T00:30"


def test_event_with_an_unknown_time_zone_is_local(client):
    venue = VenueFactory(city="Atlantis", country="Sea", time_zone="Mars/Olympus")
    session = SessionFactory(venue=venue, start_time=datetime.time(9, 0))
    assert json_ld(page(client, session.get_absolute_url()))["startDate"] == "2015-11-12T09:00"


def test_online_session_is_a_virtual_event(client):
    online = VenueFactory(city="Online", country="", country_code="")
    session = SessionFactory(
        venue=online, date=datetime.date(2020, 11, 2), url="https://www.intgovforum.org/en/x"
    )
    event = json_ld(page(client, session.get_absolute_url()))
    assert event["location"] == {
        "@type": "VirtualLocation",
        "url": "https://www.intgovforum.org/en/x",
    }
    assert event["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"


def test_event_names_its_speakers_once_and_its_tags(client):
    session = SessionFactory()
    ana = SpeakerFactory(name="Ana Pérez", organisation="Ministry")
    ParticipantFactory(session=session, speaker=ana, role=Participant.Role.MODERATOR, order=2)
    ParticipantFactory(session=session, speaker=ana, role=Participant.Role.SPEAKER, order=1)
    ParticipantFactory(session=session, speaker=SpeakerFactory(name="Bo", organisation=""))
    session.tags.set([TagFactory(name="Youth"), TagFactory(name="IPv6")])
    event = json_ld(page(client, session.get_absolute_url()))
    assert sorted(event["performer"], key=lambda person: person["name"]) == [
        {
            "@type": "Person",
            "name": "Ana Pérez",
            "affiliation": {"@type": "Organization", "name": "Ministry"},
        },
        {"@type": "Person", "name": "Bo"},
    ]
    assert event["keywords"] == "IPv6, Youth"


def test_event_without_participants_or_tags_leaves_them_out(client, seed_session):
    event = json_ld(page(client, SEED_URL))
    assert "performer" not in event
    assert "keywords" not in event


def test_event_without_a_description_describes_itself_by_its_header_line(client):
    session = SessionFactory(description="")
    event = json_ld(page(client, session.get_absolute_url()))
    assert event["description"] == "12 November 2015 - A Workshop on Other in João Pessoa, Brazil"


def test_hostile_title_and_description_stay_inside_the_json_ld(client):
    # Escaped in the stored HTML, the hostile text is what the description says in words.
    session = SessionFactory(title=HOSTILE, description=f"<p>{html.escape(HOSTILE)}</p>")
    content = page(client, session.get_absolute_url())
    # One script element, the data block, and it parses back to the same text.
    assert re.findall(r"<script\b[^>]*>", content) == ['<script type="application/ld+json">']
    assert content.count("</script>") == 1
    event = json_ld(content)
    assert event["name"] == HOSTILE
    assert event["description"] == " ".join(HOSTILE.split())
    block = JSON_LD.search(content).group(1)
    for character in "<>&":
        assert character not in block
    assert markup_problems(content) == []
    assert meta_tags(content)["og:title"] == HOSTILE


def test_draft_page_for_an_editor_still_has_its_event(admin_client):
    session = SessionFactory(status="draft")
    response = admin_client.get(session.get_absolute_url())
    assert json_ld(response.content.decode())["name"] == session.title


# Open Graph, Twitter cards and canonical links


def test_session_page_has_open_graph_and_twitter_tags(client, seed_session):
    tags = meta_tags(page(client, SEED_URL))
    assert tags == {
        "og:site_name": "IGF Session Catalogue",
        "og:type": "article",
        "og:title": seed_session.title,
        "og:description": ("Mexico's National Digital Strategy, its 5 objectives and 5 enablers."),
        "og:url": f"http://testserver{SEED_URL}",
        "twitter:card": "summary",
        "twitter:title": seed_session.title,
        "twitter:description": (
            "Mexico's National Digital Strategy, its 5 objectives and 5 enablers."
        ),
    }


def test_long_description_is_shortened_for_previews(client):
    session = SessionFactory(description="<p>" + "word " * 200 + "</p>")
    tags = meta_tags(page(client, session.get_absolute_url()))
    assert len(tags["og:description"]) <= 200
    assert tags["og:description"].endswith("…")


@pytest.mark.parametrize(
    "url", ["/", "/sessions/", "/venues/", "/years/", "/strategies/", "/years/2015/"]
)
def test_other_pages_have_the_sites_cards(client, seed_session, url):
    tags = meta_tags(page(client, url))
    assert tags["og:site_name"] == "IGF Session Catalogue"
    assert tags["og:type"] == "website"
    assert tags["og:title"] == tags["twitter:title"] == "IGF Session Catalogue"
    assert tags["og:description"].startswith("Every session of the Internet Governance Forum")
    assert tags["twitter:card"] == "summary"
    assert tags["og:url"] == canonical(page(client, url))[0]


def test_only_the_session_page_has_json_ld(client, seed_session):
    for url in ["/", "/sessions/", "/venues/joao-pessoa-brazil/", "/years/2015/"]:
        assert "application/ld+json" not in page(client, url)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (SEED_URL, SEED_URL),
        (f"{SEED_URL}?utm_source=x", SEED_URL),
        ("/", "/"),
        ("/venues/joao-pessoa-brazil/?page=abc", "/venues/joao-pessoa-brazil/"),
        ("/sessions/?sort=title", "/sessions/"),
        ("/sessions/?type=workshop&year=2015&sort=-views", "/sessions/?year=2015&type=workshop"),
        ("/sessions/?type=no-such-type&year=abc", "/sessions/"),
    ],
)
def test_pages_have_one_canonical_link(client, seed_session, url, expected):
    assert canonical(page(client, url)) == [f"http://testserver{expected}"]


def test_canonical_link_of_a_later_page_keeps_its_number(client):
    for _ in range(25):
        SessionFactory()
    content = page(client, "/sessions/?type=workshop&page=2")
    assert canonical(content) == ["http://testserver/sessions/?type=workshop&page=2"]


def test_page_not_found_has_no_canonical_link_or_cards(client):
    response = client.get("/sessions/no-such-session/")
    assert response.status_code == 404
    content = response.content.decode()
    assert canonical(content) == []
    assert meta_tags(content) == {}


# rel=alternate: feeds and the API


def test_session_list_links_to_its_feeds_and_api(client, seed_session):
    assert alternates(page(client, "/sessions/")) == {
        "application/atom+xml": "/sessions/feed.atom",
        "application/rss+xml": "/sessions/feed.rss",
        "application/json": "/api/sessions/",
    }


def test_filtered_list_links_carry_the_same_filters(client, seed_session):
    url = "/sessions/?year=2015&venue=joao-pessoa-brazil&type=workshop&topic=other&q=strategy"
    links = alternates(page(client, f"{url}&sort=title&page=1"))
    query = "year=2015&venue=joao-pessoa-brazil&type=workshop&topic=other&q=strategy"
    assert links == {
        "application/atom+xml": f"/sessions/feed.atom?{query}",
        "application/rss+xml": f"/sessions/feed.rss?{query}",
        "application/json": f"/api/sessions/?{query}&sort=title",
    }


def test_alternate_links_leave_out_invalid_filters(client, seed_session):
    links = alternates(page(client, "/sessions/?type=workshop&venue=nowhere&year=abc"))
    assert links["application/atom+xml"] == "/sessions/feed.atom?type=workshop"
    assert links["application/json"] == "/api/sessions/?type=workshop"


def test_feed_links_are_titled_by_their_filters(client, seed_session):
    content = page(client, "/sessions/?type=workshop&year=2015")
    titles = {link.get("type"): link.get("title") for link in link_tags(content)}
    assert titles["application/atom+xml"] == "IGF sessions — 2015, Workshop (Atom)"
    assert titles["application/rss+xml"] == "IGF sessions — 2015, Workshop (RSS)"


def test_alternate_feed_of_a_list_holds_the_lists_sessions(client, seed_session):
    list_url = "/sessions/?venue=rio-de-janeiro-brazil"
    feed_url = alternates(page(client, list_url))["application/atom+xml"]
    feed = client.get(feed_url).content.decode()
    assert "Main Session on Access" in feed
    assert "Best Practice Forum on Openness" in feed
    assert seed_session.title not in feed


def test_api_alternate_of_a_list_answers_with_the_lists_sessions(client, seed_session):
    list_url = "/sessions/?venue=rio-de-janeiro-brazil&sort=title"
    api_url = alternates(page(client, list_url))["application/json"]
    response = client.get(api_url)
    assert response.status_code == 200
    assert [session["title"] for session in response.json()["results"]] == [
        "Best Practice Forum on Openness",
        "Main Session on Access",
    ]


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/venues/joao-pessoa-brazil/", "?venue=joao-pessoa-brazil"),
        ("/years/2015/", "?year=2015"),
        ("/strategies/national-digital-strategy/", "?strategy=national-digital-strategy"),
        ("/speakers/ana-perez/", "?speaker=ana-perez"),
        ("/tags/ipv6/", "?tag=ipv6"),
    ],
)
def test_pages_listing_sessions_link_to_their_feeds_and_api(client, seed_session, url, query):
    ParticipantFactory(session=seed_session, speaker=SpeakerFactory(name="Ana Pérez"))
    seed_session.tags.add(TagFactory(name="IPv6"))
    assert alternates(page(client, url)) == {
        "application/atom+xml": f"/sessions/feed.atom{query}",
        "application/rss+xml": f"/sessions/feed.rss{query}",
        "application/json": f"/api/sessions/{query}",
    }


@pytest.mark.parametrize("url", ["/", SEED_URL, "/venues/", "/years/"])
def test_other_pages_link_to_the_whole_catalogues_feeds(client, seed_session, url):
    assert alternates(page(client, url)) == {
        "application/atom+xml": "/sessions/feed.atom",
        "application/rss+xml": "/sessions/feed.rss",
    }


def test_year_without_sessions_links_to_the_whole_feed(client):
    assert alternates(page(client, "/years/2006/")) == {
        "application/atom+xml": "/sessions/feed.atom",
        "application/rss+xml": "/sessions/feed.rss",
    }
