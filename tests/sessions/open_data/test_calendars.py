"""iCalendar files (RFC 5545) of one session and of any filtered list."""

import datetime
import zoneinfo

import pytest
from icalendar import Calendar

from sessions.models import Session
from sessions.open_data.exporters import CalendarExporter, session_guid
from tests.factories import (
    EditorFactory,
    SessionFactory,
    SessionTypeFactory,
    TopicFactory,
    VenueFactory,
)
from tests.sessions.bulk import bulk_sessions

pytestmark = pytest.mark.django_db

FORTALEZA = zoneinfo.ZoneInfo("America/Fortaleza")


@pytest.fixture
def joao_pessoa():
    return VenueFactory(city="João Pessoa", country="Brazil", time_zone="America/Fortaleza")


@pytest.fixture
def timed(joao_pessoa):
    return SessionFactory(
        key="ws-mexico",
        title="Mexico: The National Digital Strategy, the MSH model; and more",
        date=datetime.date(2015, 11, 12),
        start_time=datetime.time(9, 0),
        end_time=datetime.time(10, 30),
        type=SessionTypeFactory(name="Workshop"),
        topic=TopicFactory(name="Other"),
        venue=joao_pessoa,
        description="<p>Five <strong>objectives</strong> &amp; five enablers.</p><p>Open data.</p>",
    )


@pytest.fixture
def all_day(joao_pessoa):
    return SessionFactory(
        key="mf-access",
        title="Main Session on Access",
        date=datetime.date(2015, 11, 10),
        type=SessionTypeFactory(name="Main Session"),
        venue=joao_pessoa,
        description="",
    )


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events_by_summary(calendar: Calendar) -> dict:
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


# One session


def test_a_timed_session_is_an_event_in_its_venues_time_zone(client, timed):
    calendar = parse(client.get(f"/sessions/{timed.slug}/calendar.ics"))
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == timed.title
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == datetime.datetime(2015, 11, 12, 9, 0, tzinfo=FORTALEZA)
    assert end == datetime.datetime(2015, 11, 12, 10, 30, tzinfo=FORTALEZA)
    assert event["DTSTART"].params["TZID"] == "America/Fortaleza"
    # The time zone is defined in the file, for apps that do not know it by name.
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "America/Fortaleza"


def test_the_event_carries_location_text_description_url_uid_and_stamp(client, timed):
    (event,) = parse(client.get(f"/sessions/{timed.slug}/calendar.ics")).walk("VEVENT")
    page = f"http://testserver/sessions/{timed.slug}/"
    assert str(event["LOCATION"]) == "João Pessoa, Brazil"
    assert str(event["DESCRIPTION"]) == f"Five objectives & five enablers.\n\nOpen data.\n\n{page}"
    assert str(event["URL"]) == page
    assert str(event["UID"]) == str(session_guid(timed))
    assert event.decoded("DTSTAMP") == timed.updated_at.replace(microsecond=0)
    assert [str(c) for c in event["CATEGORIES"].cats] == ["Workshop", "Other"]


def test_a_session_without_a_time_is_an_all_day_event(client, all_day):
    (event,) = parse(client.get(f"/sessions/{all_day.slug}/calendar.ics")).walk("VEVENT")
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert event.decoded("DTSTART") == datetime.date(2015, 11, 10)
    assert event.decoded("DTEND") == datetime.date(2015, 11, 11)  # the day after: exclusive
    # Without a description, the description is the link to the page.
    assert str(event["DESCRIPTION"]) == f"http://testserver/sessions/{all_day.slug}/"


def test_a_session_with_a_start_but_no_end_has_no_end(client, joao_pessoa):
    session = SessionFactory(venue=joao_pessoa, start_time=datetime.time(14, 0))
    (event,) = parse(client.get(f"/sessions/{session.slug}/calendar.ics")).walk("VEVENT")
    assert event.decoded("DTSTART") == datetime.datetime(2015, 11, 12, 14, 0, tzinfo=FORTALEZA)
    assert "DTEND" not in event


def test_a_venue_in_utc_gives_utc_times(client):
    online = VenueFactory(city="Online", country="", time_zone="UTC")
    session = SessionFactory(venue=online, start_time=datetime.time(14, 0))
    calendar_text = client.get(f"/sessions/{session.slug}/calendar.ics").content.decode()
    assert "DTSTART:20151112T140000Z" in calendar_text


@pytest.mark.parametrize(
    "zone_name", ["", "Mars/Olympus_Mons", "../../etc/passwd", "America", "Europe/", "x" * 64]
)
def test_a_venue_without_a_known_time_zone_gives_floating_local_times(client, zone_name):
    venue = VenueFactory(city="Somewhere", country="Testland", time_zone=zone_name)
    session = SessionFactory(venue=venue, start_time=datetime.time(9, 0))
    response = client.get(f"/sessions/{session.slug}/calendar.ics")
    (event,) = parse(response).walk("VEVENT")
    assert event.decoded("DTSTART") == datetime.datetime(2015, 11, 12, 9, 0)
    assert "VTIMEZONE" not in response.content.decode()


def test_the_uid_is_the_same_in_every_export_and_on_every_list(client, timed, all_day):
    single = parse(client.get(f"/sessions/{timed.slug}/calendar.ics")).walk("VEVENT")[0]
    listed = events_by_summary(parse(client.get("/sessions/calendar.ics")))[timed.title]
    again = events_by_summary(parse(client.get("/sessions/calendar.ics?year=2015")))[timed.title]
    assert str(single["UID"]) == str(listed["UID"]) == str(again["UID"])
    # Derived from the key: a change of title or date leaves it alone.
    Session.objects.filter(pk=timed.pk).update(title="Renamed", date=datetime.date(2016, 1, 1))
    renamed = events_by_summary(parse(client.get("/sessions/calendar.ics")))["Renamed"]
    assert str(renamed["UID"]) == str(single["UID"])


def test_the_calendar_file_has_the_required_properties(client, timed):
    response = client.get(f"/sessions/{timed.slug}/calendar.ics")
    calendar = parse(response)
    assert str(calendar["VERSION"]) == "2.0"
    assert "IGF Session Catalogue" in str(calendar["PRODID"])
    assert response["Content-Disposition"] == f'attachment; filename="{timed.slug}.ics"'
    assert b"\r\n" in response.content  # content lines end in CRLF


def test_control_characters_in_a_title_do_not_reach_the_calendar(client):
    session = SessionFactory(title="Bell\x07 and tab\x0b title")
    (event,) = parse(client.get(f"/sessions/{session.slug}/calendar.ics")).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Bell and tab title"


def test_a_draft_calendar_is_a_404_for_visitors_and_uncached_for_editors(client):
    draft = SessionFactory(status=Session.Status.DRAFT)
    assert client.get(f"/sessions/{draft.slug}/calendar.ics").status_code == 404
    client.force_login(EditorFactory())
    response = client.get(f"/sessions/{draft.slug}/calendar.ics")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]


def test_an_unknown_session_calendar_is_a_404(client):
    assert client.get("/sessions/no-such-session/calendar.ics").status_code == 404


def test_fetching_a_calendar_counts_no_view(client, timed):
    client.get(f"/sessions/{timed.slug}/calendar.ics")
    timed.refresh_from_db()
    assert timed.views == 0


def test_the_session_page_links_to_its_calendar(client, timed):
    content = client.get(f"/sessions/{timed.slug}/").content.decode()
    assert f'href="/sessions/{timed.slug}/calendar.ics"' in content


# Any list


def test_the_list_calendar_holds_the_filtered_published_sessions(client, timed, all_day):
    SessionFactory(title="Draft", status=Session.Status.DRAFT, venue=timed.venue)
    SessionFactory(title="Rio", date=datetime.date(2007, 11, 12))
    assert set(events_by_summary(parse(client.get("/sessions/calendar.ics")))) == {
        timed.title,
        all_day.title,
        "Rio",
    }
    workshops = parse(client.get("/sessions/calendar.ics?year=2015&type=workshop"))
    assert set(events_by_summary(workshops)) == {timed.title}
    # Invalid filters are ignored, as on the list page.
    ignored = parse(client.get("/sessions/calendar.ics?year=1850&type=nothing"))
    assert len(ignored.walk("VEVENT")) == 3


def test_the_list_calendar_is_named_after_its_filters(client, timed):
    calendar = parse(client.get("/sessions/calendar.ics?year=2015"))
    assert str(calendar["X-WR-CALNAME"]) == "IGF sessions: 2015"
    assert str(parse(client.get("/sessions/calendar.ics"))["X-WR-CALNAME"]) == "IGF sessions"


def test_the_list_calendar_of_nothing_is_a_valid_empty_calendar(client):
    calendar = parse(client.get("/sessions/calendar.ics"))
    assert calendar.walk("VEVENT") == []


def test_the_calendar_exporter_holds_what_it_is_given_and_no_more(timed, all_day):
    calendar = Calendar.from_ical(
        CalendarExporter(
            Session.objects.for_list().filter(pk=timed.pk), site_url="https://x.test/", name="One"
        ).render()
    )
    (event,) = calendar.walk("VEVENT")
    assert str(event["URL"]) == f"https://x.test/sessions/{timed.slug}/"


def test_the_list_calendar_holds_at_most_the_first_sessions_of_the_list(client, settings):
    settings.CATALOGUE_CALENDAR_MAX_EVENTS = 3
    bulk_sessions(5)
    events = parse(client.get("/sessions/calendar.ics?sort=title")).walk("VEVENT")
    # The first three of the list by title; the factory's own session sorts last.
    assert [str(event["SUMMARY"]) for event in events] == [
        "Bulk session 1",
        "Bulk session 2",
        "Bulk session 3",
    ]


def test_the_list_calendar_holds_up_to_five_thousand_sessions(settings):
    assert settings.CATALOGUE_CALENDAR_MAX_EVENTS == 5000


@pytest.mark.parametrize("session_count", [1, 201])
def test_the_list_calendar_costs_a_constant_number_of_queries(
    client, django_assert_num_queries, joao_pessoa, session_count
):
    bulk_sessions(session_count, venue=joao_pessoa, start_time=datetime.time(9))
    # The catalogue version and the filter's years kept for it, then the sessions with
    # their type, topic and venue.
    with django_assert_num_queries(3):
        calendar = parse(client.get("/sessions/calendar.ics"))
    assert len(calendar.walk("VEVENT")) == session_count


def test_the_session_calendar_costs_one_query(client, django_assert_num_queries, timed):
    with django_assert_num_queries(1):
        client.get(f"/sessions/{timed.slug}/calendar.ics")


@pytest.mark.parametrize(
    "query",
    [
        "year=abc",
        "year=-1",
        "venue=%00",
        "q=%00",
        "q=" + "y" * 3000,
        "type=%F0%9F%92%A9&topic[]=1",
        "sort=;DROP",
        "%ff=%fe",
    ],
)
def test_hostile_query_strings_never_break_the_list_calendar(client, timed, query):
    parse(client.get(f"/sessions/calendar.ics?{query}"))
