"""Importing the meetings sessions were held at, and finding each session's meeting
(DESIGN.md, "Import format": the `meeting` field and a file's meetings)."""

import datetime
import json

import pytest
from django.core.management import CommandError

from sessions.models import Meeting, Session, Venue
from tests.factories import MeetingFactory, VenueFactory
from tests.sessions.importing.test_importing import (
    database_snapshot,
    run_failing_import,
    run_import,
    session_record,
    write_file,
)

pytestmark = pytest.mark.django_db

EURODIG_2019 = {
    "key": "eurodig-2019",
    "name": "EuroDIG 2019",
    "kind": "regional",
    "venue": "The Hague, Netherlands",
    "start_date": "2019-06-19",
    "end_date": "2019-06-20",
    "number": "",
    "theme": "Digital Cooperation",
    "website": "https://eurodig.org/",
}


def at_the_hague(key: str, **fields) -> dict:
    return session_record(key, venue="The Hague, Netherlands", date="2019-06-19") | fields


@pytest.mark.parametrize("extension", [".json", ".jsonl", ".csv"])
def test_a_file_carries_the_meetings_its_sessions_were_held_at(tmp_path, extension):
    records = [at_the_hague("ws-1"), at_the_hague("ws-2", meeting="eurodig-2019")]
    path = write_file(tmp_path / f"s{extension}", records, meetings=[EURODIG_2019])

    out, err = run_import(path)

    assert "2 created, 0 updated, 0 unchanged, of 2 sessions" in out
    assert "Created venues: The Hague, Netherlands." in out
    assert "Created meetings: EuroDIG 2019." in out
    assert err == ""
    meeting = Meeting.objects.get(slug="eurodig-2019")
    assert (
        meeting.name,
        meeting.kind,
        meeting.venue.name,
        meeting.start_date,
        meeting.end_date,
        meeting.number,
        meeting.theme,
        meeting.website,
    ) == (
        "EuroDIG 2019",
        "regional",
        "The Hague, Netherlands",
        datetime.date(2019, 6, 19),
        datetime.date(2019, 6, 20),
        None,
        "Digital Cooperation",
        "https://eurodig.org/",
    )
    assert set(Session.objects.values_list("meeting__slug", flat=True)) == {"eurodig-2019"}

    before = database_snapshot()
    out, _ = run_import(path)
    assert "0 created, 0 updated, 2 unchanged, of 2 sessions" in out
    assert "Created meetings" not in out
    assert database_snapshot() == before


def test_a_meeting_of_the_file_updates_the_catalogues_meeting_of_that_slug(tmp_path):
    hague = VenueFactory(city="The Hague", country="Netherlands")
    MeetingFactory(
        name="EuroDIG 2019 (draft)",
        slug="eurodig-2019",
        kind="national",
        venue=hague,
        start_date=datetime.date(2019, 6, 1),
    )

    out, _ = run_import(
        write_file(tmp_path / "s.json", [at_the_hague("ws-1")], meetings=[EURODIG_2019])
    )

    assert "Created meetings" not in out
    meeting = Meeting.objects.get(venue=hague)
    assert (meeting.slug, meeting.name, meeting.kind) == (
        "eurodig-2019",
        "EuroDIG 2019",
        "regional",
    )
    assert meeting.sessions.count() == 1


def test_a_session_names_a_meeting_of_the_catalogue_by_its_slug(tmp_path):
    hague = VenueFactory(city="The Hague", country="Netherlands")
    for name in ("EuroDIG 2019", "Youth IGF Netherlands 2019"):
        MeetingFactory(
            name=name, kind="regional", venue=hague, start_date=datetime.date(2019, 6, 18)
        )

    run_import(
        write_file(
            tmp_path / "s.json", [at_the_hague("ws-1", meeting="youth-igf-netherlands-2019")]
        )
    )

    assert Session.objects.get().meeting.name == "Youth IGF Netherlands 2019"


def test_without_a_meeting_a_session_belongs_to_the_annual_one_held_there_that_year(tmp_path):
    """Day 0 events and pre-events come days before the annual meeting opens (IGF 2024:
    15 December, in Riyadh, as every catalogue holds it)."""
    riyadh = Venue.objects.get(city="Riyadh")
    MeetingFactory(
        name="Saudi IGF 2024", kind="national", venue=riyadh, start_date=datetime.date(2024, 5, 1)
    )
    day_0 = session_record("day-0", venue="Riyadh, Saudi Arabia", date="2024-12-14")

    run_import(write_file(tmp_path / "s.json", [day_0]))

    assert Session.objects.get().meeting.name == "IGF 2024"


def test_a_session_that_matches_no_meeting_is_an_error_naming_it_and_nothing_is_written(
    tmp_path,
):
    records = [
        session_record("fine", venue="Online", date="2020-11-05"),
        session_record("tbilisi", venue="Tbilisi, Georgia", date="2019-05-01"),
    ]
    before = database_snapshot()

    said = run_failing_import(write_file(tmp_path / "s.json", records))

    assert (
        'index 1 (key "tbilisi"), field "meeting": no meeting was held in Tbilisi, Georgia '
        'in 2019: name its meeting in "meeting", give the meeting in the file, or add it to '
        "the catalogue first"
    ) in said
    assert database_snapshot() == before
    assert not Venue.objects.filter(city="Tbilisi").exists()


def test_several_other_meetings_at_the_venue_that_year_must_be_told_apart(tmp_path):
    hague = VenueFactory(city="The Hague", country="Netherlands")
    for name in ("EuroDIG 2019", "Youth IGF Netherlands 2019"):
        MeetingFactory(
            name=name, kind="regional", venue=hague, start_date=datetime.date(2019, 6, 18)
        )

    said = run_failing_import(write_file(tmp_path / "s.json", [at_the_hague("ws-1")]))

    assert (
        'field "meeting": 2 meetings were held in The Hague, Netherlands in 2019; name one of '
        'them: "eurodig-2019", "youth-igf-netherlands-2019"'
    ) in said


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"meeting": "atlantis-2019"},
            'field "meeting": no meeting has the key or slug "atlantis-2019", in this file or '
            "the catalogue",
        ),
        (
            {"meeting": "eurodig-2019", "venue": "Online"},
            'field "venue": "Online" is not where EuroDIG 2019 was held (The Hague, Netherlands)',
        ),
    ],
)
def test_a_meeting_a_session_names_must_exist_and_be_where_it_says(tmp_path, fields, message):
    records = [at_the_hague("ws-1") | fields]
    said = run_failing_import(write_file(tmp_path / "s.json", records, meetings=[EURODIG_2019]))
    assert message in said
    assert not Meeting.objects.filter(slug="eurodig-2019").exists()


def test_every_problem_of_a_files_meetings_is_reported_at_once(tmp_path):
    meetings = [  # IGF 2019, the 14th, is in the catalogue
        EURODIG_2019 | {"kind": "global"},
        EURODIG_2019 | {"key": "eurodig 2019!"},
        EURODIG_2019 | {"key": "eurodig-2020", "number": 15},
        EURODIG_2019
        | {"key": "eurodig-2021", "start_date": "2021-06-20", "end_date": "2021-06-19"},
        EURODIG_2019 | {"key": "igf-berlin", "kind": "annual", "number": "14"},
        {"key": "no-name", "kind": "youth", "venue": "Online"},
        EURODIG_2019 | {"key": "eurodig-2021"},
        EURODIG_2019 | {"key": "eurodig-2022", "mascot": "a hedgehog"},
    ]
    before = database_snapshot()

    said = run_failing_import(
        write_file(tmp_path / "s.json", [session_record("ws-1")], meetings=meetings)
    )

    for expected in [
        'meetings index 0 (key "eurodig-2019"), field "kind": "global" is not one of: annual, '
        "regional, subregional, national, youth",
        'meetings index 1, field "key": "eurodig 2019!" is not a slug',
        'meetings index 2 (key "eurodig-2020"), field "number": only an annual IGF has a number',
        'meetings index 3 (key "eurodig-2021"), field "end_date": 2021-06-19 is before the '
        "start_date 2021-06-20",
        'meetings index 4 (key "igf-berlin"), field "number": 14 is the number of IGF 2019',
        'meetings index 5 (key "no-name"), field "name": is required but missing',
        'meetings index 6 (key "eurodig-2021"), field "key": "eurodig-2021" is also the key of '
        "meetings index 3",
        'meetings index 7, field "mascot": is not part of the import format; skipped',
    ]:
        assert expected in said
    assert database_snapshot() == before


def test_the_meetings_may_come_in_a_file_of_their_own(tmp_path):
    meetings = tmp_path / "meetings.csv"
    meetings.write_text(
        "record,key,name,kind,venue,start_date,end_date\n"
        'meeting,eurodig-2019,EuroDIG 2019,regional,"The Hague, Netherlands",2019-06-19,\n',
        encoding="utf-8",
    )
    sessions = tmp_path / "sessions.jsonl"
    sessions.write_text(
        json.dumps(at_the_hague("ws-1"))
        + "\n"
        + json.dumps(at_the_hague("ws-2", date="2019-06-32"))
        + "\n",
        encoding="utf-8",
    )
    said = run_failing_import(meetings, str(sessions))
    assert (
        'sessions.jsonl line 2 (key "ws-2"), field "date": "2019-06-32" is not a real date' in said
    )

    sessions.write_text(json.dumps(at_the_hague("ws-1")) + "\n", encoding="utf-8")
    out, _ = run_import(meetings, str(sessions))

    assert "1 created, 0 updated, 0 unchanged, of 1 sessions" in out
    assert Session.objects.get().meeting.name == "EuroDIG 2019"


def test_a_dry_run_names_the_meetings_it_would_create(tmp_path):
    path = write_file(tmp_path / "s.jsonl", [at_the_hague("ws-1")], meetings=[EURODIG_2019])
    out, _ = run_import(path, "--dry-run")
    assert "Would create meetings: EuroDIG 2019." in out
    assert not Meeting.objects.filter(slug="eurodig-2019").exists()


def test_a_record_that_is_neither_a_session_nor_a_meeting_is_an_error(tmp_path):
    path = write_file(tmp_path / "s.jsonl", [at_the_hague("ws-1", record="speaker")])
    with pytest.raises(CommandError):
        run_import(path)
