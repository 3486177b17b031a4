"""sitemap.xml (an index of one sitemap per section) and robots.txt."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from sessions.models import Meeting, Participant, Session
from tests.factories import (
    ParticipantFactory,
    SessionFactory,
    SpeakerFactory,
    StrategyFactory,
    TagFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SECTIONS = ["pages", "sessions", "meetings", "years", "venues", "strategies", "speakers", "tags"]


def read_xml(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/xml"
    return ET.fromstring(response.content)


def locations(client, url: str) -> list[str]:
    return [loc.text for loc in read_xml(client, url).findall("sm:url/sm:loc", NS)]


def lastmods(client, url: str) -> dict[str, str]:
    root = read_xml(client, url)
    return {
        entry.find("sm:loc", NS).text: entry.find("sm:lastmod", NS).text
        for entry in root.findall("sm:url", NS)
    }


def absolute(path: str) -> str:
    return f"http://testserver{path}"


@pytest.fixture
def catalogue():
    """Published sessions in two venues and years, a draft in a third venue and year,
    a strategy, speakers and tags of published and of draft sessions."""
    rio = VenueFactory(city="Rio de Janeiro", country="Brazil")
    joao_pessoa = VenueFactory(city="João Pessoa", country="Brazil")
    nowhere = VenueFactory(city="Only drafts", country="Nowhere")
    strategy = StrategyFactory(name="National Digital Strategy")
    StrategyFactory(name="A strategy no session presents yet")
    first = SessionFactory(
        title="First", venue=rio, date=datetime.date(2007, 11, 12), strategies=[strategy]
    )
    second = SessionFactory(title="Second", venue=joao_pessoa, date=datetime.date(2015, 11, 12))
    draft = SessionFactory(
        title="Secret draft",
        venue=nowhere,
        date=datetime.date(2019, 11, 26),
        status=Session.Status.DRAFT,
    )
    speaker = SpeakerFactory(name="Ana Speaker")
    ParticipantFactory(session=first, speaker=speaker)
    ParticipantFactory(session=second, speaker=speaker, role=Participant.Role.MODERATOR)
    hidden_speaker = SpeakerFactory(name="Only in a draft")
    ParticipantFactory(session=draft, speaker=hidden_speaker)
    ipv6 = TagFactory(name="IPv6")
    first.tags.set([ipv6])
    draft.tags.set([TagFactory(name="Draft tag")])
    return {
        "sessions": [first, second],
        "draft": draft,
        "venues": [rio, joao_pessoa],
        "draft_venue": nowhere,
        "speaker": speaker,
        "hidden_speaker": hidden_speaker,
        "tag": ipv6,
    }


def test_sitemap_index_points_to_every_section(client, catalogue):
    root = read_xml(client, "/sitemap.xml")
    assert [loc.text for loc in root.findall("sm:sitemap/sm:loc", NS)] == [
        absolute(f"/sitemap-{section}.xml") for section in SECTIONS
    ]


def test_every_section_of_the_index_is_a_sitemap(client, catalogue):
    for section in SECTIONS:
        assert read_xml(client, f"/sitemap-{section}.xml").tag == f"{{{NS['sm']}}}urlset"


def test_sitemap_lists_every_published_session_and_no_draft(client, catalogue):
    urls = locations(client, "/sitemap-sessions.xml")
    assert sorted(urls) == sorted(
        absolute(session.get_absolute_url()) for session in catalogue["sessions"]
    )
    assert absolute(catalogue["draft"].get_absolute_url()) not in urls


def test_sitemap_gives_each_session_its_last_change(client, catalogue):
    first = catalogue["sessions"][0]
    first.refresh_from_db()
    dates = lastmods(client, "/sitemap-sessions.xml")
    lastmod = datetime.datetime.fromisoformat(dates[absolute(first.get_absolute_url())])
    assert lastmod.date() == first.updated_at.date()


def test_sitemap_index_gives_the_latest_change_of_the_sessions(client, catalogue):
    latest = max(Session.objects.published().values_list("updated_at", flat=True))
    root = read_xml(client, "/sitemap.xml")
    entries = {
        entry.find("sm:loc", NS).text: entry.find("sm:lastmod", NS)
        for entry in root.findall("sm:sitemap", NS)
    }
    lastmod = entries[absolute("/sitemap-sessions.xml")].text
    assert datetime.datetime.fromisoformat(lastmod) == latest


def test_draft_never_reaches_any_section(client, catalogue):
    everything = [
        url for section in SECTIONS for url in locations(client, f"/sitemap-{section}.xml")
    ]
    assert absolute(catalogue["draft"].get_absolute_url()) not in everything
    assert absolute(catalogue["draft_venue"].get_absolute_url()) not in everything
    assert absolute("/years/2019/") not in everything
    assert absolute(catalogue["hidden_speaker"].get_absolute_url()) not in everything
    assert not [url for url in everything if "draft-tag" in url]


def test_sitemap_lists_the_venues_with_published_sessions(client, catalogue):
    assert locations(client, "/sitemap-venues.xml") == [
        absolute(venue.get_absolute_url()) for venue in catalogue["venues"]
    ]


def test_sitemap_lists_the_meetings_with_published_sessions(client, catalogue):
    meetings = Meeting.objects.filter(sessions__status="published").distinct().order_by("pk")
    assert locations(client, "/sitemap-meetings.xml") == [
        absolute(meeting.get_absolute_url()) for meeting in meetings
    ]
    assert absolute(catalogue["draft"].meeting.get_absolute_url()) not in locations(
        client, "/sitemap-meetings.xml"
    )


def test_sitemap_lists_the_years_with_published_sessions(client, catalogue):
    assert locations(client, "/sitemap-years.xml") == [
        absolute("/years/2007/"),
        absolute("/years/2015/"),
    ]


def test_sitemap_lists_every_strategy(client, catalogue):
    assert locations(client, "/sitemap-strategies.xml") == [
        absolute("/strategies/national-digital-strategy/"),
        absolute("/strategies/a-strategy-no-session-presents-yet/"),
    ]


def test_sitemap_lists_speakers_of_published_sessions_once(client, catalogue):
    assert locations(client, "/sitemap-speakers.xml") == [
        absolute(catalogue["speaker"].get_absolute_url())
    ]


def test_sitemap_lists_tags_of_published_sessions(client, catalogue):
    assert locations(client, "/sitemap-tags.xml") == [absolute(catalogue["tag"].get_absolute_url())]


def test_sitemap_lists_the_pages_that_lead_everywhere(client):
    assert locations(client, "/sitemap-pages.xml") == [
        absolute(path)
        for path in [
            "/",
            "/sessions/",
            "/meetings/",
            "/years/",
            "/venues/",
            "/strategies/",
            "/speakers/",
            "/tags/",
        ]
    ]


def test_every_url_in_the_sitemap_is_a_page(client, catalogue):
    for section in SECTIONS:
        for url in locations(client, f"/sitemap-{section}.xml"):
            assert client.get(url.removeprefix("http://testserver")).status_code == 200, url


def test_every_url_names_itself_in_each_interface_language(client, catalogue):
    """Addresses do not change with the language: each page's alternates are its address
    with ?lang=, which search engines (no cookie, seldom a language) are served in."""
    xhtml = "{http://www.w3.org/1999/xhtml}link"
    for section in SECTIONS:
        for entry in read_xml(client, f"/sitemap-{section}.xml").findall("sm:url", NS):
            location = entry.find("sm:loc", NS).text
            alternates = {link.get("hreflang"): link.get("href") for link in entry.iter(xhtml)}
            assert alternates == {
                **{code: f"{location}?lang={code}" for code in ("en", "es", "fr", "ar", "ru")},
                "zh-hans": f"{location}?lang=zh-hans",
                "x-default": location,
            }, location
    session = next(iter(locations(client, "/sitemap-sessions.xml")))
    arabic = client.get(f"{session.removeprefix('http://testserver')}?lang=ar")
    assert '<html lang="ar" dir="rtl">' in arabic.content.decode()


def test_sitemap_urls_use_https_behind_https(client, catalogue):
    response = client.get("/sitemap.xml", secure=True)
    root = ET.fromstring(response.content)
    assert root.find("sm:sitemap/sm:loc", NS).text.startswith("https://testserver/")
    response = client.get("/sitemap-sessions.xml", secure=True)
    assert ET.fromstring(response.content).find("sm:url/sm:loc", NS).text.startswith("https://")


@pytest.mark.parametrize(
    "url", ["/sitemap-nothing.xml", "/sitemap-sessions.xml?p=2", "/sitemap-sessions.xml?p=abc"]
)
def test_unknown_section_or_page_is_a_404(client, catalogue, url):
    assert client.get(url).status_code == 404


# robots.txt


def test_robots_txt_keeps_crawlers_to_the_pages_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    # The pages are crawlable; the admin is private, and the API, downloads and list
    # calendars repeat the pages under every filter combination.
    assert [line for line in lines if line.startswith("Disallow:")] == [
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /sessions/export.",
        "Disallow: /sessions/calendar.ics",
    ]


def test_robots_txt_leaves_session_pages_and_their_calendars_crawlable(client):
    """A session's own calendar is one file per page, not a crawler trap."""
    from urllib.robotparser import RobotFileParser

    parser = RobotFileParser()
    parser.parse(client.get("/robots.txt").content.decode().splitlines())
    assert parser.can_fetch("*", "http://testserver/sessions/")
    assert parser.can_fetch("*", "http://testserver/sessions/some-session/")
    assert parser.can_fetch("*", "http://testserver/sessions/some-session/calendar.ics")
    assert not parser.can_fetch("*", "http://testserver/sessions/export.csv?year=2015")
    assert not parser.can_fetch("*", "http://testserver/api/sessions/")


# Query counts: the same whatever the size of the catalogue.


@pytest.fixture
def make_sitemap_catalogue():
    def make(session_count: int) -> None:
        venues = [VenueFactory(city="Rio de Janeiro"), VenueFactory(city="Geneva")]
        strategy = StrategyFactory()
        tags = [TagFactory(name="Access"), TagFactory(name="Openness")]
        for number in range(session_count):
            session = SessionFactory(
                venue=venues[number % 2],
                date=datetime.date(2006 + number % 5, 11, 12),
                strategies=[strategy],
            )
            session.tags.set(tags)
            ParticipantFactory(session=session)
        SessionFactory(title="A draft", status=Session.Status.DRAFT)

    return make


@pytest.mark.parametrize("session_count", [1, 201])
def test_sitemap_index_query_count(
    client, django_assert_num_queries, make_sitemap_catalogue, session_count
):
    make_sitemap_catalogue(session_count)
    # Sessions: latest change, count. Meetings, years, venues, strategies, tags: one list
    # each. Speakers: latest change, count.
    with django_assert_num_queries(9):
        assert client.get("/sitemap.xml").status_code == 200


@pytest.mark.parametrize("session_count", [1, 201])
@pytest.mark.parametrize(
    ("section", "queries"),
    [
        ("pages", 0),
        ("sessions", 3),  # count, page, the page's videos
        ("meetings", 1),
        ("years", 1),
        ("venues", 1),
        ("strategies", 1),
        ("speakers", 2),  # count, page
        ("tags", 1),
    ],
)
def test_sitemap_section_query_count(
    client, django_assert_num_queries, make_sitemap_catalogue, session_count, section, queries
):
    make_sitemap_catalogue(session_count)
    with django_assert_num_queries(queries):
        assert client.get(f"/sitemap-{section}.xml").status_code == 200


def test_sitemap_of_201_sessions_lists_them_all(client, make_sitemap_catalogue):
    make_sitemap_catalogue(201)
    assert len(locations(client, "/sitemap-sessions.xml")) == 201
    assert len(locations(client, "/sitemap-speakers.xml")) == 201
