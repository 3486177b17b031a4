"""The meetings' pages, /meetings/ and /meetings/<slug>/, and what the other pages say
of a session's meeting."""

import datetime
import json
import re

import pytest

from sessions.models import Meeting, Session
from tests.conftest import on_postgresql
from tests.factories import (
    MeetingFactory,
    SessionFactory,
    SessionTypeFactory,
    TopicFactory,
    VenueFactory,
)
from tests.page_parsing import link_texts, links, section, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def eurodig(db):
    """EuroDIG 2019 in The Hague, a regional IGF, with a theme, a website and a description."""
    return MeetingFactory(
        name="EuroDIG 2019",
        kind=Meeting.Kind.REGIONAL,
        venue=VenueFactory(city="The Hague", country="Netherlands"),
        start_date=datetime.date(2019, 6, 19),
        end_date=datetime.date(2019, 6, 20),
        theme="Digital Cooperation",
        website="https://eurodig.org/",
        description='<p onclick="steal()">Messages from <b>The Hague</b></p><script>x()</script>',
    )


def session_at(meeting, day: int, **fields) -> Session:
    return SessionFactory(meeting=meeting, date=meeting.start_date.replace(day=day), **fields)


# /meetings/


def test_the_meeting_list_groups_the_meetings_by_kind_latest_first(
    client, joao_pessoa, rio, eurodig
):
    session_at(eurodig, 19)
    SessionFactory(venue=joao_pessoa)
    MeetingFactory(
        name="IGF-USA 2019",
        kind=Meeting.Kind.NATIONAL,
        venue=VenueFactory(city="Washington, D.C.", country="United States"),
        start_date=datetime.date(2019, 7, 25),
        end_date=datetime.date(2019, 7, 25),
    )
    content = client.get("/meetings/").content.decode()

    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", content)
    assert headings == ["Annual IGFs", "Regional IGFs", "National IGFs"]
    assert [
        visible_text(item)
        for item in re.findall(r"<li>(.*?)</li>", section(content, "kind-annual"), re.S)
    ] == [
        "IGF 2015, 10–13 November 2015, João Pessoa, Brazil 1 session",
        "IGF 2007, 12–15 November 2007, Rio de Janeiro, Brazil 0 sessions",
    ]
    assert visible_text(section(content, "kind-regional")).endswith(
        "EuroDIG 2019, 19–20 June 2019, The Hague, Netherlands 1 session"
    )
    assert ("/meetings/eurodig-2019/", "EuroDIG 2019") in links(content)
    assert (eurodig.venue.get_absolute_url(), "The Hague, Netherlands") in links(content)


def test_drafts_are_not_counted_on_the_meeting_list(client, eurodig):
    session_at(eurodig, 19, status=Session.Status.DRAFT)
    content = client.get("/meetings/").content.decode()
    assert "0 sessions" in visible_text(section(content, "kind-regional"))


# /meetings/<slug>/


def test_a_meeting_page_gives_its_details_and_its_programme_by_day_then_topic(client, eurodig):
    workshop, forum = SessionTypeFactory(name="Workshop"), SessionTypeFactory(name="Open Forum")
    rights, access = TopicFactory(name="Human Rights"), TopicFactory(name="Access")
    session_at(eurodig, 20, title="Closing", type=forum, topic=access)
    session_at(eurodig, 19, title="Rights online", type=workshop, topic=rights)
    session_at(eurodig, 19, title="Connecting villages", type=workshop, topic=access)
    session_at(eurodig, 19, title="Unpublished", status=Session.Status.DRAFT)

    content = client.get("/meetings/eurodig-2019/").content.decode()
    text = visible_text(content)

    assert '<h1 dir="auto">EuroDIG 2019</h1>' in content
    assert "Regional IGF, 19–20 June 2019, in The Hague, Netherlands" in text
    assert "Overarching theme: “Digital Cooperation”" in text
    assert ("https://eurodig.org/", "The meeting's own website") in links(content)
    # The description is shown as sanitised HTML.
    assert "Messages from <b>The Hague</b>" in content
    assert "steal()" not in content and "x()" not in content
    programme = re.findall(
        r"<h2 id=\"day-[^\"]+\">(.*?)</h2>|<h3>(.*?)</h3>|session-tile-title[^>]*>(.*?)</a>",
        content,
    )
    assert [visible_text(next(part for part in row if part)) for row in programme] == [
        "Wednesday 19 June 2019", "Access", "Connecting villages", "Human Rights", "Rights online",
        "Thursday 20 June 2019", "Access", "Closing",
    ]  # fmt: skip
    assert "3 sessions, by day and then topic." in text


def test_a_meeting_page_links_to_its_downloads_and_feed(client, eurodig):
    session_at(eurodig, 19)
    content = client.get("/meetings/eurodig-2019/").content.decode()
    downloads = {text: href for href, text in links(section_or_paragraph(content, "downloads"))}
    assert downloads == {
        "calendar (.ics)": "/sessions/calendar.ics?meeting=eurodig-2019",
        "CSV": "/sessions/export.csv?meeting=eurodig-2019",
        "JSON": "/sessions/export.json?meeting=eurodig-2019",
        "frab XML": "/meetings/eurodig-2019/schedule.xml",
        "frab JSON": "/meetings/eurodig-2019/schedule.json",
        "feed": "/sessions/feed.atom?meeting=eurodig-2019",
    }
    for href in downloads.values():
        assert client.get(href).status_code == 200, href
    assert 'href="/sessions/feed.atom?meeting=eurodig-2019"' in content  # its alternate link
    assert ("/sessions/?meeting=eurodig-2019", "Filter, search and sort them") in links(content)


def section_or_paragraph(content: str, css_class: str) -> str:
    match = re.search(rf'<p class="{css_class}">(.*?)</p>', content, re.S)
    assert match, css_class
    return match.group(1)


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_a_programmes_tiles_give_times_on_the_24_hour_clock(client, eurodig, language):
    session_at(eurodig, 19, start_time=datetime.time(9, 5), end_time=datetime.time(14, 30))
    session_at(eurodig, 20, start_time=datetime.time(16, 0))
    session_at(eurodig, 20, title="Untimed")
    content = client.get("/meetings/eurodig-2019/", HTTP_ACCEPT_LANGUAGE=language).content
    times = re.findall(r'<p class="time">(.*?)</p>', content.decode())
    assert [visible_text(time) for time in times] == ["09:05–14:30", "16:00"]


def test_a_meetings_frab_schedule_is_named_after_it(client, eurodig):
    session_at(eurodig, 19, title="Rights online", start_time=datetime.time(10, 0))
    schedule = json.loads(client.get("/meetings/eurodig-2019/schedule.json").content)
    conference = schedule["schedule"]["conference"]
    assert conference["acronym"] == "eurodig-2019"
    assert conference["title"] == "EuroDIG 2019, The Hague, Netherlands"
    assert conference["url"] == "http://testserver/meetings/eurodig-2019/"
    assert [
        event["title"]
        for day in conference["days"]
        for room in day["rooms"].values()
        for event in room
    ] == ["Rights online"]
    assert client.get("/meetings/eurodig-2019/schedule.xml").status_code == 200


def test_a_meeting_without_published_sessions_says_so_and_has_no_schedule(client, eurodig):
    session_at(eurodig, 19, status=Session.Status.DRAFT)
    content = client.get("/meetings/eurodig-2019/").content.decode()
    assert "None of this meeting's sessions are in the catalogue yet." in visible_text(content)
    assert client.get("/meetings/eurodig-2019/schedule.json").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/meetings/atlantis/",
        "/meetings/atlantis/schedule.xml",
        "/meetings/%00/",
        "/meetings/" + "x" * 5000 + "/",
    ],
)
def test_an_unknown_meeting_is_a_404(client, path):
    assert client.get(path).status_code == 404


def test_a_meeting_page_is_a_schema_org_event_with_breadcrumbs(client, eurodig):
    content = client.get("/meetings/eurodig-2019/").content.decode()
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', content).group(1)
    )
    assert data == {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": "http://testserver/meetings/eurodig-2019/#event",
        "name": "EuroDIG 2019",
        "url": "http://testserver/meetings/eurodig-2019/",
        "startDate": "2019-06-19",
        "endDate": "2019-06-20",
        "description": "Messages from The Hague",
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": {
            "@type": "Place",
            "name": "The Hague, Netherlands",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": "The Hague",
                "addressCountry": "TL",
            },
        },
        "organizer": {
            "@type": "Organization",
            "name": "EuroDIG 2019",
            "url": "https://eurodig.org/",
        },
        "sameAs": "https://eurodig.org/",
    }
    crumbs = re.search(r'<nav class="breadcrumbs"[^>]*>(.*?)</nav>', content, re.S).group(1)
    assert visible_text(crumbs) == "Home Meetings EuroDIG 2019"
    assert '<meta property="og:title" content="EuroDIG 2019">' in content


# What other pages say of a session's meeting


def test_a_session_at_another_meeting_names_it_in_its_header_line(client, eurodig):
    session = session_at(
        eurodig,
        19,
        type=SessionTypeFactory(name="Workshop"),
        topic=TopicFactory(name="Human Rights"),
    )
    content = client.get(session.get_absolute_url()).content.decode()
    line = re.search(r'<p class="header-line">(.*?)</p>', content, re.S).group(1)
    assert visible_text(line) == (
        "19 June 2019 - A Workshop on Human Rights at EuroDIG 2019 in The Hague, Netherlands"
    )
    assert links(line) == [
        ("/sessions/?type=workshop", "Workshop"),
        ("/sessions/?topic=human-rights", "Human Rights"),
        ("/meetings/eurodig-2019/", "EuroDIG 2019"),
        ("/sessions/?venue=the-hague-netherlands", "The Hague, Netherlands"),
    ]


def test_a_sessions_event_names_its_meeting_as_its_super_event(client, eurodig):
    session = session_at(eurodig, 19)
    content = client.get(session.get_absolute_url()).content.decode()
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', content).group(1)
    )
    assert data["superEvent"] == {
        "@type": "Event",
        "@id": "http://testserver/meetings/eurodig-2019/#event",
        "name": "EuroDIG 2019",
        "url": "http://testserver/meetings/eurodig-2019/",
        "startDate": "2019-06-19",
        "endDate": "2019-06-20",
    }
    assert data["organizer"]["name"] == "EuroDIG 2019"
    crumbs = re.search(r'<nav class="breadcrumbs"[^>]*>(.*?)</nav>', content, re.S).group(1)
    assert links(crumbs) == [
        ("/meetings/", "Meetings"),
        ("/meetings/eurodig-2019/", "EuroDIG 2019"),
    ]


def test_the_year_page_lists_every_meeting_of_the_year_the_annual_one_first(client, eurodig):
    berlin = VenueFactory(city="Berlin", country="Germany")
    MeetingFactory(
        name="IGF 2019",
        number=14,
        venue=berlin,
        start_date=datetime.date(2019, 11, 25),
        end_date=datetime.date(2019, 11, 29),
    )
    session_at(eurodig, 19)
    content = client.get("/years/2019/").content.decode()
    meetings = re.search(r'<ul class="plain-list meetings">(.*?)</ul>', content, re.S).group(1)
    assert [visible_text(item) for item in re.findall(r"<li>(.*?)</li>", meetings, re.S)] == [
        "IGF 2019: The 14th IGF, 25–29 November 2019, in Berlin, Germany",
        "EuroDIG 2019: Regional IGF, 19–20 June 2019, in The Hague, Netherlands",
    ]


def test_related_sessions_prefer_the_same_meeting_within_each_step(client, joao_pessoa, eurodig):
    topic = TopicFactory(name="Human Rights")
    workshop = SessionTypeFactory(name="Workshop")
    session = session_at(eurodig, 19, title="Seed", topic=topic, type=workshop)
    elsewhere = SessionFactory(
        venue=joao_pessoa, title="Elsewhere", topic=topic, type=workshop, views=900
    )
    here = session_at(eurodig, 20, title="Here", topic=topic, type=workshop, views=3)
    content = client.get(session.get_absolute_url()).content.decode()
    assert link_texts(section(content, "related-heading"), "session-tile-title") == [
        here.title,
        elsewhere.title,
    ]


# Filtering by meeting and kind


def test_the_list_narrows_to_a_meeting_or_a_kind_of_meeting(client, joao_pessoa, eurodig):
    SessionFactory(venue=joao_pessoa, title="At the annual IGF")
    session_at(eurodig, 19, title="At EuroDIG")
    by_meeting = client.get("/sessions/?meeting=eurodig-2019").content.decode()
    by_kind = client.get("/sessions/?kind=annual").content.decode()
    assert "At EuroDIG" in by_meeting and "At the annual IGF" not in by_meeting
    assert "At the annual IGF" in by_kind and "At EuroDIG" not in by_kind
    assert "Meeting: EuroDIG 2019" in visible_text(by_meeting)
    assert "Kind of meeting: Annual IGF" in visible_text(by_kind)
    ignored = visible_text(client.get("/sessions/?kind=global&meeting=atlantis").content.decode())
    assert "kind=global: That is not a kind of meeting." in ignored
    assert "meeting=atlantis: There is no such meeting." in ignored


def make_meeting_with(session_count: int) -> Meeting:
    meeting = MeetingFactory(
        name="EuroDIG 2019",
        kind=Meeting.Kind.REGIONAL,
        venue=VenueFactory(city="The Hague", country="Netherlands"),
        start_date=datetime.date(2019, 6, 19),
        end_date=datetime.date(2019, 6, 21),
    )
    for number in range(session_count):
        session_at(meeting, 19 + number % 3, title=f"Session {number}")
    SessionFactory(date=datetime.date(2015, 11, 12))  # at another meeting
    return meeting


@pytest.mark.parametrize("session_count", [1, 3])
@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # The catalogue version; the meeting; the count of its sessions, one page of
        # them, their tags.
        ("/meetings/eurodig-2019/", 5),
        # The catalogue version; the meetings with their venues and counts.
        ("/meetings/", 2),
        # As the list's own count (test_pages.py), plus the meeting's slug.
        ("/sessions/?meeting=eurodig-2019", 12 if on_postgresql() else 15),
        ("/sessions/?kind=regional", 11 if on_postgresql() else 14),
        # The catalogue version and the filter's years; the meeting; the sessions'
        # meetings; the sessions; related, strategies, participants, tags, transcripts.
        ("/sessions/export.json?meeting=eurodig-2019", 12),
        # The catalogue version and the filter's years; the meeting; the sessions.
        ("/sessions/calendar.ics?meeting=eurodig-2019", 4),
        # The catalogue version and the filter's years; the sessions; their tags.
        ("/sessions/feed.atom?kind=regional", 5),
        # The meeting; its sessions; their participants.
        ("/meetings/eurodig-2019/schedule.xml", 5),
        # The catalogue version and the filter's years; the meeting; the count, the page;
        # strategies, objectives, enablers, participants, tags, related sessions.
        ("/api/sessions/?meeting=eurodig-2019", 13),
        # The meeting with its venue and count.
        ("/api/meetings/eurodig-2019/", 1),
    ],
)
def test_pages_of_a_meeting_cost_the_same_queries_whatever_its_size(
    client, django_assert_num_queries, session_count, path, queries
):
    make_meeting_with(session_count)
    with django_assert_num_queries(queries):
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    lists_meetings = path in ("/meetings/", "/api/meetings/eurodig-2019/")
    shown = "EuroDIG 2019" if lists_meetings else f"Session {session_count - 1}"
    assert shown.encode() in body
