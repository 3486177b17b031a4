"""Atom and RSS feeds of newly published sessions, whole and filtered like /sessions/."""

import datetime
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.utils import timezone

from sessions.models import Session
from tests.factories import (
    ParticipantFactory,
    SessionFactory,
    SessionTypeFactory,
    SpeakerFactory,
    StrategyFactory,
    TagFactory,
    TopicFactory,
    VenueFactory,
)
from tests.page_parsing import visible_text

pytestmark = pytest.mark.django_db

FEEDS = ["/sessions/feed.atom", "/sessions/feed.rss"]
ATOM = "{http://www.w3.org/2005/Atom}"


def published(days_ago: int) -> datetime.datetime:
    return timezone.now().replace(microsecond=0) - datetime.timedelta(days=days_ago)


def read_feed(client, url: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def titles(feed: feedparser.FeedParserDict) -> list[str]:
    return [entry.title for entry in feed.entries]


@pytest.fixture
def three_sessions(django_capture_on_commit_callbacks):
    """Three published sessions, published in an order unlike their dates, and a draft.

    Made as if committed, so that what runs on commit (the search index) has run.
    """
    with django_capture_on_commit_callbacks(execute=True):
        return make_three_sessions()


def make_three_sessions() -> dict[str, Session]:
    workshop = SessionTypeFactory(name="Workshop")
    open_forum = SessionTypeFactory(name="Open Forum")
    rio = VenueFactory(city="Rio de Janeiro", country="Brazil")
    return {
        "old": SessionFactory(
            title="Published long ago", type=workshop, published_at=published(30)
        ),
        "new": SessionFactory(
            title="Published today",
            type=open_forum,
            venue=rio,
            date=datetime.date(2007, 11, 12),
            published_at=published(0),
        ),
        "middle": SessionFactory(
            title="Published last week", type=workshop, published_at=published(7)
        ),
        "draft": SessionFactory(title="A draft", status=Session.Status.DRAFT),
    }


# What the feeds contain


@pytest.mark.parametrize("url", FEEDS)
def test_feed_lists_published_sessions_newest_publication_first(client, three_sessions, url):
    feed = read_feed(client, url)
    assert titles(feed) == ["Published today", "Published last week", "Published long ago"]


@pytest.mark.parametrize("url", FEEDS)
def test_feed_never_shows_a_draft(client, three_sessions, url):
    for query in ("", "?q=draft", "?year=2015&sort=title"):
        assert "A draft" not in titles(read_feed(client, f"{url}{query}"))


@pytest.mark.parametrize("url", FEEDS)
def test_feed_orders_by_publication_whatever_the_sort(client, three_sessions, url):
    feed = read_feed(client, f"{url}?sort=title")
    assert titles(feed) == ["Published today", "Published last week", "Published long ago"]


@pytest.mark.parametrize("url", FEEDS)
def test_feed_holds_the_fifty_latest(client, url):
    for days in range(55):
        SessionFactory(title=f"Session {days:02d} days old", published_at=published(days))
    feed = read_feed(client, url)
    assert len(feed.entries) == 50
    assert feed.entries[0].title == "Session 00 days old"
    assert feed.entries[-1].title == "Session 49 days old"


@pytest.mark.parametrize("url", FEEDS)
def test_feed_of_an_empty_catalogue_is_a_valid_empty_feed(client, url):
    feed = read_feed(client, url)
    assert feed.entries == []
    assert feed.feed.title == "IGF sessions"


def test_atom_entry_carries_the_session(client):
    tag = TagFactory(name="IPv6")
    session = SessionFactory(
        title="Mexico: The National Digital Strategy and the MSH model",
        description="<p>Mexico's strategy &amp; its <strong>enablers</strong>.</p>",
        key="igf2015-ws-1",
        published_at=published(1),
    )
    session.tags.set([tag])
    session.refresh_from_db()
    entry = read_feed(client, "/sessions/feed.atom").entries[0]
    assert entry.title == session.title
    assert entry.link == f"http://testserver{session.get_absolute_url()}"
    assert entry.id == "tag:testserver,2025:session:igf2015-ws-1"
    assert [category.term for category in entry.tags] == ["Workshop", "Other", "IPv6"]
    assert visible_text(entry.summary).startswith(
        "12 November 2015 - A Workshop on Other in João Pessoa, Brazil"
    )
    assert "<p>Mexico's strategy &amp; its <strong>enablers</strong>.</p>" in entry.summary
    assert entry.published_parsed[:6] == session.published_at.utctimetuple()[:6]
    assert entry.updated_parsed[:6] == session.updated_at.utctimetuple()[:6]


def test_rss_item_carries_the_session(client):
    session = SessionFactory(title="Cybersecurity & Trust", key="k-42", published_at=published(1))
    feed = read_feed(client, "/sessions/feed.rss")
    entry = feed.entries[0]
    assert entry.title == "Cybersecurity & Trust"
    assert entry.link == f"http://testserver{session.get_absolute_url()}"
    assert entry.id == "tag:testserver,2025:session:k-42"
    assert entry.guidislink is False
    assert "A Workshop on Other in João Pessoa, Brazil" in entry.summary
    assert entry.published_parsed[:6] == session.published_at.utctimetuple()[:6]


def test_item_id_outlives_a_new_title_and_slug(client):
    session = SessionFactory(key="stable-key", published_at=published(1))
    before = read_feed(client, "/sessions/feed.atom").entries[0].id
    session.title = "A new title"
    session.slug = "a-new-title"
    session.save()
    after = read_feed(client, "/sessions/feed.atom").entries[0]
    assert after.id == before
    assert after.link.endswith("/sessions/a-new-title/")


@pytest.mark.parametrize("url", FEEDS)
def test_hostile_title_comes_back_as_text(client, url):
    title = '</title><script>alert(1)</script> & "quotes" <b>'
    SessionFactory(title=title, description="<p>fine</p><script>alert(2)</script>")
    response = client.get(url)
    ET.fromstring(response.content)  # well-formed XML
    assert b"<script>" not in response.content
    entry = read_feed(client, url).entries[0]
    assert entry.title == title
    assert "alert(2)" not in entry.summary


@pytest.mark.parametrize("url", FEEDS)
def test_control_characters_never_break_the_feed(client, url):
    SessionFactory(title="Bell\x07 and tab\x0b", published_at=published(1))
    response = client.get(url)
    ET.fromstring(response.content)
    assert read_feed(client, url).entries[0].title == "Bell and tab"


def test_session_published_without_a_date_still_gets_one(client):
    session = SessionFactory(title="Imported long ago")
    Session.objects.filter(pk=session.pk).update(published_at=None)
    SessionFactory(title="Published today", published_at=published(0))
    feed = read_feed(client, "/sessions/feed.atom")
    # Never published through save(): last, and dated by its creation.
    assert titles(feed) == ["Published today", "Imported long ago"]
    assert feed.entries[1].published_parsed[:3] == session.created_at.utctimetuple()[:3]


# Filtered feeds


@pytest.mark.parametrize("url", FEEDS)
def test_filtered_feed_holds_only_the_filtered_sessions(client, three_sessions, url):
    feed = read_feed(client, f"{url}?type=workshop&year=2015")
    assert titles(feed) == ["Published last week", "Published long ago"]
    assert feed.feed.title == "IGF sessions — 2015, Workshop"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?venue=rio-de-janeiro-brazil", ["Published today"]),
        ("?year=2007", ["Published today"]),
        ("?type=open-forum", ["Published today"]),
        ("?topic=other&type=workshop", ["Published last week", "Published long ago"]),
        ("?q=week", ["Published last week"]),
        ("?strategy=national-digital-strategy", ["Published long ago"]),
    ],
)
def test_feed_takes_every_filter_of_the_list(client, three_sessions, query, expected):
    three_sessions["old"].strategies.set([StrategyFactory(name="National Digital Strategy")])
    for url in FEEDS:
        assert titles(read_feed(client, f"{url}{query}")) == expected


def test_feed_of_a_speaker_and_of_a_tag(client, three_sessions):
    ParticipantFactory(session=three_sessions["old"], speaker=SpeakerFactory(name="Ana Pérez"))
    ParticipantFactory(session=three_sessions["draft"], speaker=SpeakerFactory(name="Ana Pérez"))
    three_sessions["middle"].tags.set([TagFactory(name="IPv6")])
    three_sessions["draft"].tags.set([TagFactory(name="IPv6")])
    speaker_feed = read_feed(client, "/sessions/feed.atom?speaker=ana-perez")
    assert titles(speaker_feed) == ["Published long ago"]
    assert speaker_feed.feed.title.startswith("IGF sessions — Ana Pérez")
    tag_feed = read_feed(client, "/sessions/feed.rss?tag=ipv6")
    assert titles(tag_feed) == ["Published last week"]
    assert tag_feed.feed.title == "IGF sessions — IPv6"


def test_feed_holds_what_the_list_shows_first(client, three_sessions):
    # The same filters give the same sessions; only the order differs (publication).
    query = "?type=workshop"
    list_page = client.get(f"/sessions/{query}").content.decode()
    feed = read_feed(client, f"/sessions/feed.atom{query}")
    for title in titles(feed):
        assert title in list_page
    assert "Published today" not in titles(feed)


@pytest.mark.parametrize("url", FEEDS)
@pytest.mark.parametrize(
    "query",
    [
        "?year=abc",
        "?year=99999999999999999999",
        "?venue=no-such-venue",
        "?type=%00",
        "?topic=../../etc",
        "?strategy=" + "x" * 500,
        "?q=" + "long " * 100,
        "?sort=bogus&page=-1",
        "?year=2015&year=2007",
        "?q=%F0%9F%98%80%00",
    ],
)
def test_invalid_filters_are_ignored_never_an_error(client, three_sessions, url, query):
    feed = read_feed(client, f"{url}{query}")
    assert "A draft" not in titles(feed)


@pytest.mark.parametrize("url", FEEDS)
def test_invalid_filter_is_ignored_and_valid_ones_still_apply(client, three_sessions, url):
    feed = read_feed(client, f"{url}?type=open-forum&venue=no-such-venue")
    assert titles(feed) == ["Published today"]
    assert feed.feed.title == "IGF sessions — Open Forum"


def test_feed_links_to_the_filtered_list_and_to_itself(client, three_sessions):
    response = client.get("/sessions/feed.atom?type=workshop&year=2015&sort=title&page=3")
    root = ET.fromstring(response.content)
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {
        "alternate": "http://testserver/sessions/?year=2015&type=workshop",
        "self": "http://testserver/sessions/feed.atom?year=2015&type=workshop",
    }


def test_rss_links_to_the_filtered_list(client, three_sessions):
    feed = read_feed(client, "/sessions/feed.rss?venue=rio-de-janeiro-brazil")
    assert feed.feed.link == "http://testserver/sessions/?venue=rio-de-janeiro-brazil"
    assert feed.feed.title == "IGF sessions — Rio de Janeiro, Brazil"


def test_search_feed_title_quotes_the_search(client, three_sessions):
    feed = read_feed(client, "/sessions/feed.atom?q=week")
    assert feed.feed.title == "IGF sessions — “week”"


# HTTP


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/sessions/feed.atom", "application/atom+xml; charset=utf-8"),
        ("/sessions/feed.rss", "application/rss+xml; charset=utf-8"),
    ],
)
def test_feed_content_type_and_last_modified(client, three_sessions, url, content_type):
    response = client.get(url)
    assert response["Content-Type"] == content_type
    assert "Last-Modified" in response
    assert not response.cookies


def test_feed_categories_are_the_type_the_topic_then_the_tags(client):
    topic = TopicFactory(name="Cybersecurity and Trust")
    session = SessionFactory(topic=topic)
    session.tags.set([TagFactory(name="AI governance"), TagFactory(name="Youth")])
    entry = read_feed(client, "/sessions/feed.rss").entries[0]
    assert [category.term for category in entry.tags] == [
        "Workshop",
        "Cybersecurity and Trust",
        "AI governance",
        "Youth",
    ]


# Query counts: the same whatever the size of the catalogue.

SESSION_COUNTS = [1, 201]


def tag_every_session(sessions: list[Session]) -> None:
    tags = [TagFactory(name="Access"), TagFactory(name="Openness")]
    for session in sessions:
        session.tags.set(tags)


@pytest.mark.parametrize("url", FEEDS)
@pytest.mark.parametrize("session_count", SESSION_COUNTS)
def test_feed_query_count(client, django_assert_num_queries, make_catalogue, session_count, url):
    tag_every_session(make_catalogue(session_count))
    # The catalogue version and the years with sessions kept for it (for the year
    # filter), the sessions, their tags, their recordings.
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", FEEDS)
@pytest.mark.parametrize("session_count", SESSION_COUNTS)
def test_filtered_feed_query_count(
    client, django_assert_num_queries, make_catalogue, session_count, url
):
    tag_every_session(make_catalogue(session_count))
    query = (
        "?year=2007&venue=rio-de-janeiro-brazil&type=workshop&topic=other"
        "&strategy=national-digital-strategy&sort=title"
    )
    # As the whole feed, plus the venue, type, topic and strategy of the filters.
    with django_assert_num_queries(9):
        response = client.get(f"{url}{query}")
    assert response.status_code == 200
    assert len(feedparser.parse(response.content).entries) == min(50, (session_count + 3) // 4)
