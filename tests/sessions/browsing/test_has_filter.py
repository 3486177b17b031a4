"""What a session has: the session list's `has` filter and facet, and the marks on the
session tiles of every list.

/sessions/?has=recording (or transcript, or report)
"""

import datetime
import re

import pytest
from django.http import QueryDict

from sessions.browsing.facets import facet_counts
from sessions.browsing.filters import SessionFilter
from sessions.models import Meeting, Recording, Session, Transcript
from sessions.search import refresh_search_vectors
from tests.conftest import on_postgresql
from tests.factories import (
    ParticipantFactory,
    RecordingFactory,
    SessionFactory,
    SpeakerFactory,
    TagFactory,
    TranscriptFactory,
    VenueFactory,
)
from tests.hostile import HOSTILE_VALUES
from tests.page_parsing import link_texts, links, section, visible_text
from tests.sessions.browsing.test_pages import add_participants_and_tags

pytestmark = pytest.mark.django_db

EVERYTHING = "Everything kept"
RECORDING = "Only a recording"
TRANSCRIPT = "Only a transcript"
REPORT = "Only a report"
NOTHING = "Nothing kept"
DRAFT = "A draft with everything"


@pytest.fixture
def archive():
    """Five published sessions, newest first Nothing kept, Only a report, Only a transcript
    (2015, João Pessoa), Only a recording, Everything kept (2007, Rio), each with what its
    title says, all with one speaker and one tag; and a draft with everything."""
    rio = VenueFactory(city="Rio de Janeiro", country="Brazil")
    joao_pessoa = VenueFactory(city="João Pessoa", country="Brazil")
    speaker = SpeakerFactory(name="Ana García")
    tag = TagFactory(name="Open data")
    rows = [
        (EVERYTHING, datetime.date(2007, 11, 12), rio),
        (RECORDING, datetime.date(2007, 11, 13), rio),
        (TRANSCRIPT, datetime.date(2015, 11, 10), joao_pessoa),
        (REPORT, datetime.date(2015, 11, 11), joao_pessoa),
        (NOTHING, datetime.date(2015, 11, 12), joao_pessoa),
    ]
    sessions = {}
    for title, date, venue in rows:
        sessions[title] = SessionFactory(title=title, date=date, venue=venue, tags=[tag])
        ParticipantFactory(session=sessions[title], speaker=speaker)
    everything = sessions[EVERYTHING]
    # Two of each still make one session that has it.
    RecordingFactory.create_batch(2, session=everything)
    TranscriptFactory(session=everything, language="en")
    TranscriptFactory(session=everything, language="es")
    everything.report_summary = "<p>Agreed on open data.</p>"
    everything.save()
    RecordingFactory(session=sessions[RECORDING])
    TranscriptFactory(session=sessions[TRANSCRIPT])
    # Any part of a report is a report.
    sessions[REPORT].key_takeaways = "<ol><li>Publish the data.</li></ol>"
    sessions[REPORT].save()
    draft = SessionFactory(
        title=DRAFT,
        status=Session.Status.DRAFT,
        venue=rio,
        date=datetime.date(2007, 11, 12),
        report_summary="<p>Not yet.</p>",
    )
    RecordingFactory(session=draft)
    TranscriptFactory(session=draft)
    # As a commit would (tests never commit), so that PostgreSQL's full-text search finds them.
    refresh_search_vectors(Session.objects.values_list("pk", flat=True))
    return sessions


def titles(client, query: str) -> list[str]:
    response = client.get(f"/sessions/?{query}")
    assert response.status_code == 200
    return link_texts(response.content.decode(), "session-tile-title")


def has_options(content: str) -> list[str]:
    """The options of the form's `has` select, as a visitor reads them."""
    select = re.search(r'<select name="has"[^>]*>(.*?)</select>', content, re.S)
    assert select, "no `has` select in the form"
    return [visible_text(option) for option in re.findall(r"<option[^>]*>.*?</option>", select[1])]


def facets(query: str = "") -> dict[str, list[tuple[str, int]]]:
    session_filter = SessionFilter(QueryDict(query), queryset=Session.objects.published())
    return {
        name: [(value.label, value.count) for value in values]
        for name, values in facet_counts(session_filter).items()
    }


def marks_by_title(content: str) -> dict[str, list[str]]:
    """Each tile's marks by its session's title, as a screen reader reads them (the
    icons are hidden from it)."""
    marks = {}
    for tile in content.split('<li class="session-tile">')[1:]:
        (title,) = link_texts(tile, "session-tile-title")
        spoken = re.sub(r'<span[^>]*aria-hidden="true"[^>]*>.*?</span>', "", tile, flags=re.S)
        marked = re.search(r'<ul class="session-marks" aria-label="Available">(.*?)</ul>', spoken)
        items = re.findall(r"<li[^>]*>(.*?)</li>", marked[1]) if marked else []
        marks[title] = [visible_text(item) for item in items]
    return marks


# The filter


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("has=recording", [RECORDING, EVERYTHING]),
        ("has=transcript", [TRANSCRIPT, EVERYTHING]),
        ("has=report", [REPORT, EVERYTHING]),
        ("has=recording&year=2015", []),
        ("has=transcript&venue=joao-pessoa-brazil", [TRANSCRIPT]),
        ("has=report&q=kept&sort=title", [EVERYTHING]),
    ],
)
def test_has_keeps_the_published_sessions_that_have_it(client, archive, query, expected):
    assert titles(client, query) == expected


def test_without_has_every_session_is_listed_with_or_without_anything(client, archive):
    assert titles(client, "") == [NOTHING, REPORT, TRANSCRIPT, RECORDING, EVERYTHING]


def test_the_form_offers_each_thing_with_its_count(client, archive):
    content = client.get("/sessions/").content.decode()
    # The draft's count nowhere; two recordings or transcripts of one session count once.
    assert has_options(content) == [
        "Anything",
        "A recording (2)",
        "A transcript (2)",
        "A report (2)",
    ]


def test_the_form_shows_the_thing_chosen_and_counts_with_the_other_filters(client, archive):
    content = client.get("/sessions/?has=transcript&year=2015").content.decode()
    # 2015 has no recording: left out of the choices. The chosen one stays selected.
    assert has_options(content) == ["Anything", "A transcript (1)", "A report (1)"]
    assert '<option value="transcript" selected>A transcript (1)</option>' in content


# The facet, on PostgreSQL in the one query, elsewhere in a query of its own


def test_has_counts_apply_every_other_filter_but_not_its_own(archive):
    assert facets()["has"] == [("A recording", 2), ("A transcript", 2), ("A report", 2)]
    assert facets("year=2015")["has"] == [("A transcript", 1), ("A report", 1)]
    chosen = facets("has=recording&year=2015")
    # The chosen value stays, with 0, so that the form still shows it.
    assert chosen["has"] == [("A recording", 0), ("A transcript", 1), ("A report", 1)]


def test_has_narrows_the_other_facets(archive):
    everything = facets()
    with_recording = facets("has=recording")
    assert everything["year"] == [("2015", 3), ("2007", 2)]
    assert with_recording["year"] == [("2007", 2)]
    assert with_recording["venue"] == [("Rio de Janeiro, Brazil", 2)]
    assert facets("has=report")["venue"] == [
        ("João Pessoa, Brazil", 1),
        ("Rio de Janeiro, Brazil", 1),
    ]


def test_has_counts_with_a_search(archive):
    # Everything kept and Nothing kept.
    searched = facets("q=kept")
    assert searched["has"] == [("A recording", 1), ("A transcript", 1), ("A report", 1)]


def test_the_list_count_agrees_with_the_facet(client, archive):
    response = client.get("/sessions/?has=transcript")
    assert response.context["page"].paginator.count == 2
    assert "2 sessions" in visible_text(section(response.content.decode(), "results-heading"))


# The chip, and the filter wherever the list's filters apply


def test_has_is_a_chip_linking_to_the_list_without_it(client, archive):
    content = client.get("/sessions/?year=2007&has=recording&sort=title").content.decode()
    chips = links(section(content, "active-filters-heading"))
    assert chips == [
        ("/sessions/?has=recording&sort=title", "Year: 2007 × (remove this filter)"),
        ("/sessions/?year=2007&sort=title", "Has: A recording × (remove this filter)"),
        ("/sessions/?sort=title", "Clear all filters"),
    ]
    assert re.search(r"<title>Sessions: 2007, A recording", content)


def test_the_lists_feeds_and_api_keep_has(client, archive):
    content = client.get("/sessions/?has=report").content.decode()
    assert 'href="/sessions/feed.atom?has=report"' in content
    assert 'href="/api/sessions/?has=report"' in content


def test_the_api_feeds_and_downloads_filter_by_has(client, archive):
    api = client.get("/api/sessions/?has=transcript").json()["results"]
    assert [session["title"] for session in api] == [TRANSCRIPT, EVERYTHING]
    for url in (
        "/sessions/feed.atom?has=transcript",
        "/sessions/feed.rss?has=transcript",
        "/sessions/export.csv?has=transcript",
        "/sessions/export.json?has=transcript",
        "/sessions/calendar.ics?has=transcript",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response) if response.streaming else response.content
        text = body.decode()
        assert TRANSCRIPT in text and EVERYTHING in text, url
        assert RECORDING not in text and NOTHING not in text and REPORT not in text, url


def test_the_api_answers_a_value_that_is_not_a_choice_400(client, archive):
    response = client.get("/api/sessions/?has=video")
    assert response.status_code == 400
    assert "has" in response.json()


# Values that are not valid are ignored and named, never a server error


@pytest.mark.parametrize("value", ["video", "Recording", "recording ", "report,transcript"])
def test_a_value_that_is_not_a_choice_is_ignored_and_named(client, archive, value):
    response = client.get("/sessions/", {"has": value, "year": "2015"})
    assert response.status_code == 200
    content = response.content.decode()
    # Every session of 2015, the year still applying.
    assert link_texts(content, "session-tile-title") == [NOTHING, REPORT, TRANSCRIPT]
    notice = visible_text(section(content, "ignored-heading"))
    assert f"has={value}: That is not something a session can have." in notice


def test_an_empty_value_is_tidied_away(client, archive):
    response = client.get("/sessions/?has=&year=2015")
    assert response.status_code == 302
    assert response["Location"] == "/sessions/?year=2015"


def test_hostile_values_of_has_give_a_page(client, archive):
    for value in HOSTILE_VALUES:
        response = client.get("/sessions/", {"has": value}, follow=True)
        assert response.status_code == 200, value
        response = client.get("/api/sessions/", {"has": value})
        assert response.status_code in (200, 400), value


def test_has_given_twice_takes_the_last_as_every_filter_does(client, archive):
    # One value at a time: a feed, a download's name and the select all carry one.
    assert titles(client, "has=recording&has=transcript") == [TRANSCRIPT, EVERYTHING]


# The marks on the tiles of every list


def tile_pages() -> list[str]:
    rio = Meeting.objects.get(venue__city="Rio de Janeiro")
    return [
        "/sessions/",
        rio.get_absolute_url(),
        "/venues/rio-de-janeiro-brazil/",
        "/years/2007/",
        "/tags/open-data/",
        "/speakers/ana-garcia/",
    ]


def test_tiles_mark_what_each_session_has_on_every_list(client, archive):
    for url in tile_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        marks = marks_by_title(response.content.decode())
        assert marks[EVERYTHING] == ["Recording", "Transcript", "Report"], url
        assert marks[RECORDING] == ["Recording"], url
        assert DRAFT not in marks, url
    listed = marks_by_title(client.get("/sessions/").content.decode())
    assert listed[TRANSCRIPT] == ["Transcript"]
    assert listed[REPORT] == ["Report"]
    assert listed[NOTHING] == []


def test_a_tile_without_marks_has_no_empty_list(client, archive):
    content = client.get("/sessions/?year=2015").content.decode()
    assert content.count('class="session-marks"') == 2  # Only a report, Only a transcript


# Queries: the marks and the facet cost none of their own, whatever the number of sessions


def add_archive(sessions: list[Session]) -> None:
    """A recording for every other session, a transcript for every third, a report for
    every fifth; in bulk."""
    Recording.objects.bulk_create(
        Recording(session=session, url=f"https://www.youtube.com/watch?v=abcdefghi{n % 100:02}")
        for n, session in enumerate(sessions)
        if n % 2 == 0
    )
    Transcript.objects.bulk_create(
        Transcript(session=session, text="Good morning.")
        for n, session in enumerate(sessions)
        if n % 3 == 0
    )
    Session.objects.filter(pk__in=[s.pk for s in sessions[::5]]).update(
        report_summary="<p>Agreed.</p>"
    )


SESSION_LIST_QUERIES = 11 if on_postgresql() else 14


@pytest.mark.parametrize("session_count", [1, 201])
@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # As test_pages.py pins the unfiltered list: with `has` chosen too, on PostgreSQL
        # the one facet query counts it, elsewhere its own facet query, which also counts
        # the list for the paginator.
        ("/sessions/", SESSION_LIST_QUERIES),
        ("/sessions/?has=recording&sort=-views", SESSION_LIST_QUERIES),
        ("/sessions/?has=report&year=2007", SESSION_LIST_QUERIES),
        # As test_pages.py, test_people.py and test_tags_and_transcripts.py pin them.
        ("/venues/rio-de-janeiro-brazil/", 6),
        ("/years/2007/", 6),
        ("/tags/open-data/", 5),
        ("/speakers/ana-garcia/", 6),
    ],
)
def test_lists_with_marks_cost_the_same_queries_whatever_their_size(
    client, django_assert_num_queries, make_catalogue, session_count, url, queries
):
    sessions = make_catalogue(session_count)
    add_participants_and_tags(sessions)
    add_archive(sessions)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    marks = marks_by_title(response.content.decode())
    assert marks == marks_in_the_database(marks)
    assert any(marks.values())


def marks_in_the_database(titles) -> dict[str, list[str]]:
    """The marks the sessions titled `titles` should show, read afresh one by one."""
    expected = {}
    for title in titles:
        session = Session.objects.get(title=title)
        expected[title] = [
            label
            for label, has in [
                ("Recording", session.recordings.exists()),
                ("Transcript", session.transcripts.exists()),
                ("Report", session.has_report),
            ]
            if has
        ]
    return expected


@pytest.mark.parametrize("session_count", [1, 201])
def test_a_meetings_programme_with_marks_costs_the_same_queries(
    client, django_assert_num_queries, make_catalogue, session_count
):
    add_archive(make_catalogue(session_count))
    url = Meeting.objects.get(venue__city="Rio de Janeiro").get_absolute_url()
    # The catalogue version; the meeting; the count of its sessions, one page of them,
    # their tags (as test_meetings.py pins it).
    with django_assert_num_queries(5):
        response = client.get(url)
    assert marks_by_title(response.content.decode())["Catalogue session 000"] == [
        "Recording",
        "Transcript",
        "Report",
    ]
