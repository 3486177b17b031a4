"""A year's programme for conference apps: /years/<yyyy>/schedule.json and .xml (frab)."""

import datetime
import json
import uuid
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import jsonschema
import pytest

from sessions.models import Meeting, Participant, Session
from sessions.open_data.exporters import (
    FrabXmlExporter,
    frab_schedule,
    schedule_sessions,
    session_guid,
)
from tests.factories import (
    MeetingFactory,
    ParticipantFactory,
    SessionFactory,
    SessionTypeFactory,
    SpeakerFactory,
    TopicFactory,
    VenueFactory,
)
from tests.sessions.bulk import bulk_sessions

pytestmark = pytest.mark.django_db

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "frab-schedule.json").read_text())
EVENT_ELEMENTS = ("date", "start", "duration", "room", "slug", "title", "type", "language")


@pytest.fixture
def programme():
    """IGF 2015 in João Pessoa: timed and untimed sessions over two days, one online,
    a draft, and a session of another year."""
    joao_pessoa = VenueFactory(city="João Pessoa", country="Brazil", time_zone="America/Fortaleza")
    MeetingFactory(
        venue=joao_pessoa,
        number=10,
        start_date=datetime.date(2015, 11, 10),
        end_date=datetime.date(2015, 11, 13),
    )
    online = VenueFactory(city="Online", country="", time_zone="UTC")
    workshop = SessionTypeFactory(name="Workshop")
    main = SessionTypeFactory(name="Main Session")
    seed = SessionFactory(
        key="ws-mexico",
        title="Mexico: The National Digital Strategy and the MSH model",
        date=datetime.date(2015, 11, 12),
        start_time=datetime.time(9, 0),
        end_time=datetime.time(10, 30),
        type=workshop,
        topic=TopicFactory(name="Cybersecurity and Trust"),
        venue=joao_pessoa,
        description="<p>Five objectives &amp; <em>five</em> enablers.</p>",
        url="https://www.intgovforum.org/en/content/ws-mexico",
    )
    ParticipantFactory(
        session=seed,
        speaker=SpeakerFactory(name="Yolanda Martínez"),
        role=Participant.Role.MODERATOR,
        order=0,
    )
    ParticipantFactory(session=seed, speaker=SpeakerFactory(name="Ana Silva"), order=1)
    sessions = {
        "seed": seed,
        "untimed": SessionFactory(
            title="Main Session on Access", date=datetime.date(2015, 11, 10), type=main,
            venue=joao_pessoa,
        ),
        "open_ended": SessionFactory(
            title="Workshop without an end", date=datetime.date(2015, 11, 12),
            start_time=datetime.time(14, 0), type=workshop, venue=joao_pessoa,
        ),
        "online": SessionFactory(
            title="Online pre-event", date=datetime.date(2015, 11, 12),
            start_time=datetime.time(20, 0), end_time=datetime.time(21, 15), type=workshop,
            venue=online,
        ),
    }  # fmt: skip
    SessionFactory(title="Draft", status=Session.Status.DRAFT, venue=joao_pessoa)
    SessionFactory(title="Another year", date=datetime.date(2016, 12, 6), venue=joao_pessoa)
    return sessions


def schedule_json(client, year=2015) -> dict:
    response = client.get(f"/years/{year}/schedule.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def all_events(document: dict) -> list[dict]:
    return [
        event
        for day in document["schedule"]["conference"]["days"]
        for events in day["rooms"].values()
        for event in events
    ]


def event_titled(document: dict, title: str) -> dict:
    (event,) = (event for event in all_events(document) if event["title"] == title)
    return event


# JSON


def test_the_json_schedule_validates_against_the_schema(client, programme):
    jsonschema.validate(schedule_json(client), SCHEMA)


def test_the_schema_turns_away_what_apps_cannot_read(client, programme):
    document = schedule_json(client)
    event_titled(document, programme["seed"].title).pop("guid")
    with pytest.raises(jsonschema.ValidationError, match="guid"):
        jsonschema.validate(document, SCHEMA)


def test_the_schedule_holds_the_years_published_sessions_only(client, programme):
    titles = {event["title"] for event in all_events(schedule_json(client))}
    assert titles == {session.title for session in programme.values()}


def test_the_conference_describes_the_years_meeting(client, programme):
    document = schedule_json(client)
    conference = document["schedule"]["conference"]
    assert conference["acronym"] == "igf2015"
    assert conference["title"] == "Internet Governance Forum 2015, João Pessoa, Brazil"
    assert conference["time_zone_name"] == "America/Fortaleza"
    assert (conference["start"], conference["end"], conference["daysCount"]) == (
        "2015-11-10",
        "2015-11-12",
        2,
    )
    assert document["schedule"]["base_url"] == "http://testserver/"
    assert [room["name"] for room in conference["rooms"]] == ["Main Session", "Workshop"]
    assert [track["name"] for track in conference["tracks"]] == [
        "Cybersecurity and Trust",
        "Other",
    ]


def test_days_are_the_dates_with_sessions_each_with_its_rooms(client, programme):
    days = schedule_json(client)["schedule"]["conference"]["days"]
    assert [(day["index"], day["date"]) for day in days] == [(1, "2015-11-10"), (2, "2015-11-12")]
    second = days[1]
    assert list(second["rooms"]) == ["Workshop"]
    assert [event["title"] for event in second["rooms"]["Workshop"]] == [
        programme["seed"].title,
        "Workshop without an end",
        "Online pre-event",  # 20:00 UTC is 17:00 in Fortaleza, after 14:00 there
    ]
    assert second["day_start"] == "2015-11-12T09:00:00-03:00"
    assert second["day_end"] == "2015-11-12T18:15:00-03:00"


def test_a_timed_event_has_its_date_start_and_duration_in_its_venues_time(client, programme):
    event = event_titled(schedule_json(client), programme["seed"].title)
    assert event["date"] == "2015-11-12T09:00:00-03:00"
    assert (event["start"], event["duration"]) == ("09:00", "01:30")
    online = event_titled(schedule_json(client), "Online pre-event")
    assert online["date"] == "2015-11-12T20:00:00+00:00"
    assert (online["start"], online["duration"]) == ("20:00", "01:15")


def test_a_session_without_a_time_starts_at_nine_and_lasts_an_hour(client, programme):
    event = event_titled(schedule_json(client), "Main Session on Access")
    assert event["date"] == "2015-11-10T09:00:00-03:00"
    assert (event["start"], event["duration"]) == ("09:00", "01:00")
    open_ended = event_titled(schedule_json(client), "Workshop without an end")
    assert (open_ended["start"], open_ended["duration"]) == ("14:00", "01:00")


def test_an_event_carries_what_apps_show(client, programme):
    seed = programme["seed"]
    event = event_titled(schedule_json(client), seed.title)
    assert event["id"] == seed.pk
    assert event["guid"] == str(session_guid(seed))
    assert uuid.UUID(event["guid"]).version == 5
    assert event["room"] == "Workshop"
    assert event["type"] == "workshop"
    assert event["track"] == "Cybersecurity and Trust"
    assert event["language"] == "en"
    assert event["slug"] == seed.slug
    assert event["url"] == f"http://testserver/sessions/{seed.slug}/"
    assert event["abstract"] == "Five objectives & five enablers."
    assert [person["name"] for person in event["persons"]] == ["Yolanda Martínez", "Ana Silva"]
    assert event["persons"][0]["role"] == "moderator"
    assert event["links"] == [
        {
            "url": "https://www.intgovforum.org/en/content/ws-mexico",
            "title": "This session on the IGF website",
        }
    ]


def test_guids_and_version_stay_the_same_until_a_session_changes(client, programme):
    first, second = schedule_json(client), schedule_json(client)
    assert first == second
    programme["seed"].title = "Renamed"
    programme["seed"].save()
    third = schedule_json(client)
    assert third["schedule"]["version"] != first["schedule"]["version"]
    assert event_titled(third, "Renamed")["guid"] == str(session_guid(programme["seed"]))


@pytest.mark.parametrize(
    ("type_name", "frab_type"),
    [
        ("Workshop", "workshop"),
        ("Lightning Talk", "talk"),
        ("Main Session", "discussion"),
        ("Open Forum", "discussion"),
    ],
)
def test_the_frab_type_follows_the_session_type(type_name, frab_type):
    session = SessionFactory(type=SessionTypeFactory(name=type_name))
    schedule = frab_schedule(
        year=2015,
        sessions=schedule_sessions(Session.objects.all()),
        meeting=None,
        site_url="https://x.test",
    )
    (day,) = schedule["schedule"]["conference"]["days"]
    assert day["rooms"][type_name][0]["type"] == frab_type
    assert session.venue.name in schedule["schedule"]["conference"]["title"]


def test_without_a_meeting_the_most_used_venue_names_the_conference():
    venue = VenueFactory(city="Kyoto", country="Japan", time_zone="Asia/Tokyo")
    SessionFactory.create_batch(2, venue=venue, date=datetime.date(2023, 10, 9))
    SessionFactory(date=datetime.date(2023, 10, 9))
    schedule = frab_schedule(
        year=2023,
        sessions=schedule_sessions(Session.objects.all()),
        meeting=None,
        site_url="https://x.test",
    )
    conference = schedule["schedule"]["conference"]
    assert conference["title"] == "Internet Governance Forum 2023, Kyoto, Japan"
    assert conference["time_zone_name"] == "Asia/Tokyo"


def test_the_years_annual_meeting_names_the_conference_not_another_meeting(client):
    kyoto = VenueFactory(city="Kyoto", country="Japan", time_zone="Asia/Tokyo")
    MeetingFactory(venue=kyoto, number=18, start_date=datetime.date(2023, 10, 8))
    tampere = VenueFactory(city="Tampere", country="Finland", time_zone="Europe/Helsinki")
    MeetingFactory(
        venue=tampere,
        name="EuroDIG 2023",
        kind=Meeting.Kind.REGIONAL,
        start_date=datetime.date(2023, 6, 19),
    )
    # Most of the year's sessions are at the regional meeting.
    SessionFactory.create_batch(2, venue=tampere, date=datetime.date(2023, 6, 19))
    SessionFactory(venue=kyoto, date=datetime.date(2023, 10, 9))
    conference = schedule_json(client, 2023)["schedule"]["conference"]
    assert conference["title"] == "Internet Governance Forum 2023, Kyoto, Japan"
    assert conference["time_zone_name"] == "Asia/Tokyo"


def test_a_year_without_sessions_has_no_schedule(client, programme):
    for path in ("/years/2014/schedule.json", "/years/2014/schedule.xml"):
        assert client.get(path).status_code == 404
    for year in (0, 10000, 99999999999):
        assert client.get(f"/years/{year}/schedule.json").status_code == 404


def test_the_year_page_links_to_its_schedules_and_calendar(client, programme):
    content = client.get("/years/2015/").content.decode()
    assert 'href="/years/2015/schedule.json"' in content
    assert 'href="/years/2015/schedule.xml"' in content
    assert 'href="/sessions/calendar.ics?year=2015"' in content


@pytest.mark.parametrize("session_count", [1, 201])
@pytest.mark.parametrize("extension", ["json", "xml"])
def test_a_schedule_costs_a_constant_number_of_queries(
    client, django_assert_num_queries, session_count, extension
):
    bulk_sessions(session_count, linked=True, start_time=datetime.time(10))
    # The sessions, their participants with their speakers, their recordings, their
    # documents, the meeting's venue.
    with django_assert_num_queries(5):
        response = client.get(f"/years/2015/schedule.{extension}")
    assert response.status_code == 200


# XML


def schedule_xml(client, year=2015) -> ElementTree.Element:
    response = client.get(f"/years/{year}/schedule.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ElementTree.fromstring(response.content)


def test_the_xml_schedule_has_frabs_shape(client, programme):
    root = schedule_xml(client)
    assert root.tag == "schedule"
    assert [child.tag for child in root][:3] == ["generator", "version", "conference"]
    conference = root.find("conference")
    assert conference.findtext("acronym") == "igf2015"
    assert conference.findtext("start") == "2015-11-10"
    assert conference.findtext("end") == "2015-11-12"
    assert conference.findtext("days") == "2"
    assert conference.findtext("timeslot_duration") == "00:15"
    assert conference.findtext("time_zone_name") == "America/Fortaleza"
    days = root.findall("day")
    assert [(day.get("index"), day.get("date")) for day in days] == [
        ("1", "2015-11-10"),
        ("2", "2015-11-12"),
    ]
    assert days[1].get("start") == "2015-11-12T09:00:00-03:00"
    assert [room.get("name") for room in days[1].findall("room")] == ["Workshop"]


def test_every_xml_event_has_the_required_elements(client, programme):
    events = schedule_xml(client).findall("day/room/event")
    assert len(events) == len(programme)
    for event in events:
        assert int(event.get("id")) > 0
        assert uuid.UUID(event.get("guid"))
        for name in EVENT_ELEMENTS:
            assert event.findtext(name), name
        assert event.find("persons") is not None
        assert event.findtext("recording/optout") == "false"


def test_xml_and_json_hold_the_same_events(client, programme):
    json_events = {
        event["guid"]: (event["id"], event["date"], event["start"], event["duration"])
        for event in all_events(schedule_json(client))
    }
    xml_events = {
        event.get("guid"): (
            int(event.get("id")),
            event.findtext("date"),
            event.findtext("start"),
            event.findtext("duration"),
        )
        for event in schedule_xml(client).findall("day/room/event")
    }
    assert xml_events == json_events


def test_an_xml_event_lists_persons_and_links(client, programme):
    (event,) = (
        event
        for event in schedule_xml(client).findall("day/room/event")
        if event.get("id") == str(programme["seed"].pk)
    )
    assert [person.text for person in event.findall("persons/person")] == [
        "Yolanda Martínez",
        "Ana Silva",
    ]
    (link,) = event.findall("links/link")
    assert link.get("href") == "https://www.intgovforum.org/en/content/ws-mexico"
    assert event.findtext("abstract") == "Five objectives & five enablers."


def test_control_characters_never_make_the_xml_unreadable():
    SessionFactory(title="Bell\x07 title", description="<p>Form\x0cfeed</p>")
    schedule = frab_schedule(
        year=2015,
        sessions=schedule_sessions(Session.objects.all()),
        meeting=None,
        site_url="https://x.test",
    )
    root = ElementTree.fromstring(FrabXmlExporter(schedule).render())
    assert root.findtext("day/room/event/title") == "Bell title"
