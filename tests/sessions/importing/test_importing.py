"""Importing sessions from .json, .jsonl and .csv files (DESIGN.md, "Import format")."""

import csv
import datetime
import json
import weakref
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.core.management.base import OutputWrapper
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from sessions.importing import (
    ImportFileError,
    Record,
    RecordFile,
    import_sessions,
    importer,
    read_records,
)
from sessions.management.commands.import_sessions import ProgressLine
from sessions.models import Session, SessionType, Speaker, Topic, Venue
from tests.factories import SessionFactory, StrategyFactory, VenueFactory
from tests.hostile import HOSTILE_VALUES

pytestmark = pytest.mark.django_db

LIST_FIELDS = ("related", "strategies", "speakers", "tags")


def write_file(path, records, meetings=()):
    """Write `records` (dicts), after the `meetings` it carries, in the format the file
    name's extension says."""
    if path.suffix == ".json":
        document = (
            {"meetings": list(meetings), "sessions": records} if meetings else {"sessions": records}
        )
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        return path
    if meetings:
        records = [{"record": "meeting", **meeting} for meeting in meetings] + records
    if path.suffix == ".jsonl":
        lines = [json.dumps(record, ensure_ascii=False) for record in records]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        columns = list(dict.fromkeys(name for record in records for name in record))
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, columns)
            writer.writeheader()
            for record in records:
                writer.writerow(
                    {
                        name: ";".join(value) if name in LIST_FIELDS else value
                        for name, value in record.items()
                    }
                )
    return path


def run_import(path, *args):
    """Run the real command; (stdout, stderr) on success, CommandError raised otherwise."""
    out, err = StringIO(), StringIO()
    call_command("import_sessions", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing_import(path, *args) -> str:
    """Run the command expecting it to fail; everything it said, errors included."""
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_sessions", str(path), *args, stdout=out, stderr=err)
    return f"{out.getvalue()}{err.getvalue()}{failure.value}"


def database_snapshot() -> dict:
    """Every row of every catalogue and strategy table, link tables included."""
    models = [
        model
        for label in ("catalogue", "strategies")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}


def session_record(key="ws-1", **fields):
    record = {
        "key": key,
        "title": f"Session {key}",
        "date": "2015-11-12",
        "type": "Workshop",
        "venue": "João Pessoa, Brazil",
    }
    record.update(fields)
    return record


@pytest.fixture
def mexico_strategy():
    return StrategyFactory(name="Mexico's National Digital Strategy", slug="mexico-nds")


@pytest.fixture
def catalogue(mexico_strategy):
    """A catalogue that already holds a few sessions, so an import has something to spoil."""
    rio = VenueFactory(city="Rio de Janeiro", country="Brazil", country_code="BR")
    SessionFactory(
        key="rio-main", title="Main Session", date=datetime.date(2007, 11, 12), venue=rio
    )
    SessionFactory(key="rio-bpf", strategies=[mexico_strategy])
    return database_snapshot()


# A meeting the catalogue does not hold, which a file carries for its sessions.
NOWHERE_2015 = {
    "key": "nowhere-igf-2015",
    "name": "Nowhere IGF 2015",
    "kind": "national",
    "venue": "Nowhere, Neverland",
    "start_date": "2015-11-12",
}

FULL_RECORD = {
    "key": "mx-2015",
    "title": "Mexico: The National Digital Strategy and the MSH model",
    "date": "2015-11-12",
    "start_time": "09:00",
    "end_time": "10:30",
    "type": "Workshop",
    "topic": "Other",
    "venue": "João Pessoa, Brazil",
    "description": "<p>Five objectives and five <em>enablers</em>.</p>",
    "status": "published",
    "views": "436",
    "related": ["rio-bpf", "rio-main"],
    "strategies": ["mexico-nds"],
    "url": "https://www.intgovforum.org/",
}


@pytest.mark.parametrize("extension", [".json", ".jsonl", ".csv"])
def test_import_reads_every_field(catalogue, tmp_path, extension):
    record = dict(FULL_RECORD)
    if extension != ".csv":
        record["views"] = 436  # a number in JSON; CSV has only text
    path = write_file(tmp_path / f"sessions{extension}", [record])

    out, err = run_import(path)

    assert "1 created, 0 updated, 0 unchanged" in out
    assert err == ""
    session = Session.objects.get(key="mx-2015")
    assert session.title == "Mexico: The National Digital Strategy and the MSH model"
    assert session.slug == "mexico-the-national-digital-strategy-and-the-msh-model"
    assert session.date == datetime.date(2015, 11, 12)
    assert session.start_time == datetime.time(9, 0)
    assert session.end_time == datetime.time(10, 30)
    assert session.type.name == "Workshop"
    assert session.topic.name == "Other"
    assert (session.venue.city, session.venue.country) == ("João Pessoa", "Brazil")
    assert session.description == "<p>Five objectives and five <em>enablers</em>.</p>"
    assert session.status == Session.Status.PUBLISHED
    assert session.published_at is not None
    assert session.views == 436
    assert set(session.related.values_list("key", flat=True)) == {"rio-main", "rio-bpf"}
    assert list(session.strategies.values_list("slug", flat=True)) == ["mexico-nds"]
    assert session.url == "https://www.intgovforum.org/"
    # The existing venue, type and topic are used, not copied.
    assert Venue.objects.filter(city="João Pessoa").count() == 1
    assert SessionType.objects.count() == 1
    assert Topic.objects.count() == 1


def test_import_fills_in_defaults(tmp_path):
    path = write_file(tmp_path / "s.json", [session_record("minimal")])

    run_import(path)

    session = Session.objects.get(key="minimal")
    assert session.topic.name == "Other"
    assert session.status == Session.Status.PUBLISHED
    assert session.views == 0
    assert (session.start_time, session.end_time, session.description, session.url) == (
        None,
        None,
        "",
        "",
    )
    assert session.related.count() == session.strategies.count() == 0


def test_json_may_be_a_plain_array_and_have_a_byte_order_mark(tmp_path):
    path = tmp_path / "s.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps([session_record("a")]).encode())

    run_import(path)

    assert Session.objects.filter(key="a").exists()


def test_jsonl_skips_blank_lines_and_names_records_by_line(tmp_path):
    path = tmp_path / "s.jsonl"
    lines = ["", json.dumps(session_record("a")), "   ", json.dumps(session_record("b", date="x"))]
    path.write_text("\r\n".join(lines), encoding="utf-8")

    message = run_failing_import(path)

    assert 'line 4 (key "b"), field "date"' in message


def test_csv_reads_quoted_multiline_values_and_a_byte_order_mark(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(
        "\ufeffkey,title,date,type,venue,description,related\n"
        'a,First,2015-11-12,Workshop,"João Pessoa, Brazil","<p>One</p>\n<p>Two</p>",\n'
        'b,Second,2015-11-13,Workshop,"João Pessoa, Brazil",, a ;;\n',
        encoding="utf-8",
    )

    records = read_records(path=path)
    run_import(path)

    assert [record.location for record in records] == ["line 2", "line 4"]
    assert Session.objects.get(key="a").description == "<p>One</p>\n<p>Two</p>"
    assert list(Session.objects.get(key="b").related.values_list("key", flat=True)) == ["a"]


def test_a_file_round_trips(catalogue, tmp_path):
    """Import a file, write the catalogue's sessions back out, and get the same file."""
    records = [
        FULL_RECORD | {"views": 436},
        session_record(
            "draft-1",
            status="draft",
            topic="Human Rights",
            venue="Online",
            date="2020-11-05",
            description="Plain.",
        ),
    ]
    run_import(write_file(tmp_path / "in.json", records))

    exported = [
        export_record(session)
        for session in Session.objects.filter(key__in=["mx-2015", "draft-1"]).order_by("key")
    ]

    assert exported == [
        session_record(
            "draft-1",
            status="draft",
            topic="Human Rights",
            venue="Online",
            date="2020-11-05",
            description="Plain.",
            start_time="",
            end_time="",
            related=[],
            strategies=[],
            url="",
            views=0,
        ),
        FULL_RECORD | {"views": 436},
    ]
    out, _ = run_import(write_file(tmp_path / "out.json", exported))
    assert "0 created, 0 updated, 2 unchanged" in out


def export_record(session: Session) -> dict:
    return {
        "key": session.key,
        "title": session.title,
        "date": session.date.isoformat(),
        "start_time": f"{session.start_time:%H:%M}" if session.start_time else "",
        "end_time": f"{session.end_time:%H:%M}" if session.end_time else "",
        "type": session.type.name,
        "topic": session.topic.name,
        "venue": session.venue.name,
        "description": session.description,
        "status": session.status,
        "views": session.views,
        "related": sorted(session.related.values_list("key", flat=True)),
        "strategies": list(session.strategies.values_list("slug", flat=True)),
        "url": session.url,
    }


@pytest.mark.parametrize("extension", [".json", ".jsonl", ".csv"])
def test_a_second_import_changes_nothing(catalogue, tmp_path, extension):
    records = [
        FULL_RECORD,
        session_record("b", description='<p onclick="x()">Hi <script>evil()</script></p>'),
        session_record("c", related=["b"], topic="New Topic", venue="Nowhere, Neverland"),
    ]
    path = write_file(tmp_path / f"s{extension}", records, meetings=[NOWHERE_2015])
    run_import(path)
    before = database_snapshot()

    out, err = run_import(path)

    assert "0 created, 0 updated, 3 unchanged, of 3 sessions" in out
    assert err == ""
    assert database_snapshot() == before  # updated_at included


def test_a_second_import_writes_no_rows(catalogue, tmp_path):
    records = [read_record(FULL_RECORD), read_record(session_record("b", related=["mx-2015"]))]
    import_sessions(records=records)

    with CaptureQueriesContext(connection) as queries:
        result = import_sessions(records=records)

    assert result.unchanged == 2
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert [sql for sql in writes if "SAVEPOINT" not in sql.upper()] == []


def read_record(data: dict, location: str = "index 0") -> Record:
    return Record(location, data)


def test_reimport_updates_the_session_with_the_same_key(catalogue, tmp_path):
    run_import(write_file(tmp_path / "a.json", [FULL_RECORD]))
    session = Session.objects.get(key="mx-2015")

    changed = FULL_RECORD | {
        "title": "A new title",
        "type": "Open Forum",
        "venue": "Rio de Janeiro, Brazil",
        "date": "2007-11-13",
        "related": ["rio-main"],
        "strategies": [],
        "status": "draft",
    }
    out, _ = run_import(write_file(tmp_path / "b.json", [changed, session_record("new")]))

    assert "1 created, 1 updated, 0 unchanged" in out
    assert Session.objects.filter(key="mx-2015").count() == 1
    session.refresh_from_db()
    assert session.title == "A new title"
    assert session.slug == "mexico-the-national-digital-strategy-and-the-msh-model"  # kept
    assert session.type.name == "Open Forum"
    assert session.venue.city == "Rio de Janeiro"
    assert session.status == Session.Status.DRAFT
    assert list(session.related.values_list("key", flat=True)) == ["rio-main"]
    assert session.strategies.count() == 0


def test_fields_a_record_leaves_out_keep_their_values(catalogue, tmp_path):
    run_import(write_file(tmp_path / "a.json", [FULL_RECORD]))

    minimal = {name: FULL_RECORD[name] for name in ("key", "title", "date", "type", "venue")}
    out, _ = run_import(write_file(tmp_path / "b.json", [minimal | {"description": None}]))

    assert "1 unchanged" in out
    session = Session.objects.get(key="mx-2015")
    assert session.description == "<p>Five objectives and five <em>enablers</em>.</p>"
    assert session.related.count() == 2
    assert session.start_time == datetime.time(9, 0)


def test_views_apply_only_when_the_session_is_created(tmp_path):
    run_import(write_file(tmp_path / "a.json", [session_record("a", views=10)]))
    Session.objects.filter(key="a").update(views=F("views") + 40)  # visitors came

    out, _ = run_import(write_file(tmp_path / "b.json", [session_record("a", views=999)]))
    assert "1 unchanged" in out
    run_import(write_file(tmp_path / "c.json", [session_record("a", views=999, title="New")]))

    assert Session.objects.get(key="a").views == 50


def test_related_keys_may_point_forward_in_the_file(tmp_path):
    records = [
        session_record("first", related=["third", "second"]),
        session_record("second"),
        session_record("third", related=["first"]),
    ]

    run_import(write_file(tmp_path / "s.jsonl", records))

    first = Session.objects.get(key="first")
    assert set(first.related.values_list("key", flat=True)) == {"second", "third"}
    assert list(Session.objects.get(key="third").related.values_list("key", flat=True)) == ["first"]


def test_names_match_existing_rows_whatever_their_case(tmp_path):
    SessionType.objects.create(name="Main Session")
    records = [
        session_record("a", type="main session", topic="Other", venue="online", date="2020-11-05"),
        session_record("b", type="Lightning Talk", topic="Other", venue="Nowhere,  Neverland"),
        session_record("c", type="lightning talk", topic="OTHER", venue="nowhere, neverland"),
    ]

    out, _ = run_import(write_file(tmp_path / "s.json", records, meetings=[NOWHERE_2015]))

    assert "Created session types: Lightning Talk." in out
    assert "Created topics: Other." in out
    assert "Created venues: Nowhere, Neverland." in out
    assert sorted(SessionType.objects.values_list("name", flat=True)) == [
        "Lightning Talk",
        "Main Session",
    ]
    assert Session.objects.get(key="a").venue.city == "Online"
    assert Session.objects.get(key="c").venue == Session.objects.get(key="b").venue


def test_hostile_html_in_a_description_is_sanitised(tmp_path):
    hostile = (
        '<p>Hello<script>alert("x")</script></p><img src="x" onerror="alert(1)">'
        '<a href="javascript:alert(2)">click</a><a href="https://igf.example/">ok</a>'
    )

    run_import(write_file(tmp_path / "s.json", [session_record("a", description=hostile)]))

    description = Session.objects.get(key="a").description
    assert "<script" not in description
    assert "onerror" not in description
    assert "javascript:" not in description
    assert '<a href="https://igf.example/"' in description
    assert "<p>Hello</p>" in description


def test_unknown_fields_are_warnings(tmp_path):
    records = [
        session_record("a", colour="blue", speakers=["Ana"], tags=["open data"]),
        session_record("b", colour="red", transcript="Good morning."),
    ]

    out, err = run_import(write_file(tmp_path / "s.json", records))

    assert "2 created" in out
    assert "warning: " in err
    assert '2 records (index 0, index 1), field "colour": is not part of the import format' in err
    # Speakers, tags and transcripts are read (test_importing_people.py).
    for name in ("speakers", "tags", "transcript"):
        assert name not in err


def test_unknown_csv_columns_are_warnings(tmp_path):
    path = write_file(tmp_path / "s.csv", [session_record("a", room="B2", speakers=[])])

    out, err = run_import(path)

    assert "1 created" in out
    assert 'line 2, field "room": is not part of the import format; skipped' in err
    assert "speakers" not in err  # an empty column ignores nothing


def test_dry_run_writes_nothing_but_reports_the_counts(catalogue, tmp_path):
    path = write_file(
        tmp_path / "s.json",
        [
            session_record(
                "rio-main",
                title="Main Session renamed",
                venue="Rio de Janeiro, Brazil",
                date="2007-11-12",
            ),
            session_record("new-1", type="Brand New Type"),
            session_record("new-2", related=["new-1"]),
        ],
    )

    out, _ = run_import(path, "--dry-run")

    assert "Dry run, nothing written: 2 created, 1 updated, 0 unchanged, of 3 sessions." in out
    assert "Would create session types: Brand New Type." in out
    assert database_snapshot() == catalogue


def test_progress_is_reported_for_long_files(tmp_path):
    records = [session_record(f"s-{number}") for number in range(150)]
    seen = []

    import_sessions(
        records=[Record(f"index {i}", r) for i, r in enumerate(records)],
        progress=lambda done, total: seen.append((done, total)),
    )
    out, _ = run_import(write_file(tmp_path / "s.json", records))

    assert seen[-1] == (150, 150)
    assert len(seen) == 150
    progress_lines = [line for line in out.splitlines() if line.endswith("%)")]
    assert progress_lines[0] == "15/150 sessions (10%)"
    assert progress_lines[-1] == "150/150 sessions (100%)"
    assert len(progress_lines) == 10


def test_short_files_print_no_progress(tmp_path):
    out, _ = run_import(write_file(tmp_path / "s.json", [session_record("a")]))

    assert "%)" not in out


def test_checking_a_file_costs_the_same_queries_whatever_its_length(catalogue):
    def queries_for(count):
        records = [
            Record(f"index {n}", session_record(f"k-{n}", related=["rio-main"], strategies=[]))
            for n in range(count)
        ]
        with CaptureQueriesContext(connection) as queries:
            import_sessions(records=records, dry_run=True)
        return len(queries)

    assert queries_for(1) == queries_for(60)


# Errors: each leaves the database exactly as it was and names the record and field.

ERROR_CASES = {
    "bad date": (
        ".json",
        [session_record("a"), session_record("b", date="12/11/2015")],
        ['index 1 (key "b"), field "date": "12/11/2015" is not a date in the form YYYY-MM-DD'],
    ),
    "impossible date": (
        ".csv",
        [session_record("a", date="2015-02-30")],
        ['line 2 (key "a"), field "date": "2015-02-30" is not a real date'],
    ),
    "missing title": (
        ".csv",
        [session_record("a"), session_record("b", title="")],
        ['line 3 (key "b"), field "title": is required but empty'],
    ),
    "absent title": (
        ".jsonl",
        [session_record("a"), {k: v for k, v in session_record("b").items() if k != "title"}],
        ['line 2 (key "b"), field "title": is required but missing'],
    ),
    "unknown related key": (
        ".jsonl",
        [session_record("a", related=["rio-main", "nowhere"])],
        ['line 1 (key "a"), field "related": no session has the key "nowhere"'],
    ),
    "unknown strategy slug": (
        ".json",
        [session_record("a", strategies=["mexico-nds", "atlantis-2030"])],
        ['index 0 (key "a"), field "strategies": no strategy has the slug "atlantis-2030"'],
    ),
    "bad time": (
        ".csv",
        [session_record("a", start_time="9.30", end_time="25:00")],
        [
            'line 2 (key "a"), field "start_time": "9.30" is not a time in the form HH:MM',
            'line 2 (key "a"), field "end_time": "25:00" is not a time in the form HH:MM',
        ],
    ),
    "end before start": (
        ".json",
        [session_record("a", start_time="11:00", end_time="10:30")],
        ['index 0 (key "a"), field "end_time": 10:30 is not after the start_time 11:00'],
    ),
    "end without start": (
        ".json",
        [session_record("a", end_time="10:30")],
        ['index 0 (key "a"), field "end_time": is given without a start_time'],
    ),
    "title too long": (
        ".json",
        [session_record("a", title="x" * 301)],
        ['index 0 (key "a"), field "title": is 301 characters long; the limit is 300'],
    ),
    "title as a number": (
        ".json",
        [session_record("a", title=2015)],
        ['index 0 (key "a"), field "title": must be text, not a number'],
    ),
    "related not a list": (
        ".json",
        [session_record("a", related="rio-main")],
        ['index 0 (key "a"), field "related": must be a list, not text'],
    ),
    "record not an object": (
        ".json",
        [session_record("a"), ["b", "c"]],
        ["index 1: a session must be an object of fields, not a list"],
    ),
    "venue without a country": (
        ".json",
        [session_record("a", venue="Paris")],
        ['index 0 (key "a"), field "venue": "Paris" has no country'],
    ),
    "bad status": (
        ".json",
        [session_record("a", status="hidden")],
        ['index 0 (key "a"), field "status": "hidden" is not one of: draft, published'],
    ),
    "negative views": (
        ".json",
        [session_record("a", views=-3)],
        ['index 0 (key "a"), field "views": -3 is not between 0 and'],
    ),
    "bad url": (
        ".json",
        [session_record("a", url="javascript:alert(1)")],
        ['index 0 (key "a"), field "url": "javascript:alert(1)" is not an http(s) URL'],
    ),
    "repeated key": (
        ".csv",
        [session_record("a"), session_record("a")],
        ['line 3 (key "a"), field "key": "a" is also the key of line 2'],
    ),
    "related to itself": (
        ".json",
        [session_record("a", related=["a"])],
        ['index 0 (key "a"), field "related": a session cannot be related to itself'],
    ),
    "views in digits other than ASCII": (
        ".json",
        [session_record("a", views="²")],
        ['index 0 (key "a"), field "views": must be a whole number, not text'],
    ),
    "NUL in a title": (
        ".json",
        [session_record("a", title="Open\x00data")],
        [
            'index 0 (key "a"), field "title": holds a NUL character at position 5, '
            "which cannot be stored"
        ],
    ),
    "NUL in a speaker's name": (
        ".jsonl",
        [session_record("a", speakers=["Ana\x00"])],
        ['line 1 (key "a"), field "speakers": speaker 1: holds a NUL character at position 4'],
    ),
    "NUL in a tag": (
        ".csv",
        [session_record("a", tags=["youth", "\x00"])],
        ['line 2 (key "a"), field "tags": holds a NUL character at position 1'],
    ),
    "date before the IGF": (
        ".json",
        [session_record("a", date="0001-01-01")],
        [
            'index 0 (key "a"), field "date": "0001-01-01" is not between 2005-01-01 and '
            "2099-12-31, the days the catalogue holds sessions of"
        ],
    ),
    "description too long": (
        ".json",
        [session_record("a", description="x" * 100_001)],
        ['index 0 (key "a"), field "description": is 100001 characters long; the limit is 100000'],
    ),
    "transcript too long": (
        ".jsonl",
        [session_record("a", transcript="x" * 1_000_001)],
        ['line 1 (key "a"), field "transcript": is 1000001 characters long; the limit is 1000000'],
    ),
}


@pytest.mark.parametrize("case", ERROR_CASES, ids=list(ERROR_CASES))
def test_an_invalid_record_aborts_the_whole_import(catalogue, tmp_path, case):
    extension, records, expected_messages = ERROR_CASES[case]
    # A valid update and a valid new session ride along; neither may be written.
    records = [*records, session_record("rio-main", title="Renamed"), session_record("new")]
    path = write_file(tmp_path / f"s{extension}", records)

    message = run_failing_import(path)

    for expected in expected_messages:
        assert f"error: {path}, {expected}" in message
    assert "nothing was imported" in message
    assert database_snapshot() == catalogue


FILE_ERROR_CASES = {
    "broken JSON": (
        ".json",
        '[{"key": "a", "title": "x",\n  "date": }]',
        "line 2, column 11: not valid JSON",
    ),
    "broken JSON line": (
        ".jsonl",
        json.dumps(session_record("a")) + '\n{"key": "b", \n',
        "line 2: not valid JSON",
    ),
    "wrong CSV header": (
        ".csv",
        "id,name,when,type,venue\na,Title,2015-11-12,Workshop,Online\n",
        "line 1 (header row): lacks the required column(s) key, title, date; "
        "found: id, name, when, type, venue",
    ),
    "CSV row too long": (
        ".csv",
        "key,title,date,type,venue\na,T,2015-11-12,Workshop,Online,extra\n",
        "line 2: has 6 values but the header row has 5 columns",
    ),
    "sessions given twice": (
        ".json",
        '{"sessions": [], "sessions": [{"key": "a"}]}',
        '"sessions" is given more than once',
    ),
    "empty file": (".csv", "\n \n", ": the file is empty"),
    "no sessions": (".json", '{"sessions": []}', ": the file holds no sessions"),
    "not an array": (
        ".json",
        '{"key": "a"}',
        'expected an array of sessions or an object with a "sessions" array',
    ),
    "not UTF-8": (
        ".csv",
        b"key,title\n" + "Café".encode("latin-1"),
        "line 2: is not UTF-8 text",
    ),
}


@pytest.mark.parametrize("case", FILE_ERROR_CASES, ids=list(FILE_ERROR_CASES))
def test_a_file_that_cannot_be_read_aborts_the_import(catalogue, tmp_path, case):
    extension, content, expected = FILE_ERROR_CASES[case]
    path = tmp_path / f"s{extension}"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")

    message = run_failing_import(path)

    assert f"error: {path}" in message
    assert expected in message
    assert "Traceback" not in message
    assert database_snapshot() == catalogue


def test_a_missing_file_is_an_error(tmp_path):
    message = run_failing_import(tmp_path / "nowhere.json")

    assert f"error: {tmp_path / 'nowhere.json'}: no such file" in message


def test_a_file_of_unknown_kind_is_an_error(tmp_path):
    path = tmp_path / "sessions.xml"
    path.write_text("<sessions/>")

    message = run_failing_import(path)

    assert 'unknown kind of file (".xml"): use .json, .jsonl or .csv' in message


def test_a_directory_is_an_error(tmp_path):
    folder = tmp_path / "exports.json"
    folder.mkdir()

    assert "is a directory, not a file" in run_failing_import(folder)


def test_every_error_in_a_file_is_reported_at_once(tmp_path):
    records = [
        session_record("a", date="tomorrow", related=["ghost"]),
        session_record("b", title=""),
        session_record("c", start_time="noon"),
    ]
    path = write_file(tmp_path / "s.jsonl", records)

    message = run_failing_import(path)

    assert 'line 1 (key "a"), field "date"' in message
    assert 'line 1 (key "a"), field "related": no session has the key "ghost"' in message
    assert 'line 2 (key "b"), field "title"' in message
    assert 'line 3 (key "c"), field "start_time"' in message
    assert "4 errors" in message
    assert not Session.objects.exists()


def test_read_records_names_json_records_by_index(tmp_path):
    path = write_file(tmp_path / "s.json", [session_record("a"), session_record("b")])

    assert [record.location for record in read_records(path=path)] == ["index 0", "index 1"]
    with pytest.raises(ImportFileError):
        read_records(path=tmp_path / "missing.csv")


def test_progress_is_redrawn_in_place_on_a_terminal():
    out = StringIO()
    progress = ProgressLine(OutputWrapper(out), on_terminal=True)

    for done in range(1, 401):
        progress(done, 400)

    written = out.getvalue()
    assert written.startswith("\r2/400 sessions\r4/400 sessions")
    assert written.endswith("\r400/400 sessions\n")
    assert written.count("\n") == 1


# Big files: read a chunk at a time, all or nothing however far the import got.


class TrackedRecordData(dict):
    """A record's fields, whose instances still alive can be counted."""


class GeneratedRecords:
    """Records made up as they are asked for, every time they are gone through, like a
    `RecordFile`; it counts the records still held by anyone."""

    def __init__(self, count, make):
        self.count, self.make = count, make
        self.references = []
        self.passes = 0

    def __iter__(self):
        self.passes += 1
        for number in range(self.count):
            data = TrackedRecordData(self.make(number))
            self.references.append(weakref.ref(data))
            yield Record(f"line {number + 1}", data)

    def alive(self) -> int:
        return sum(reference() is not None for reference in self.references)


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_SIZE", 50)
    return 50


def test_the_import_holds_a_chunk_of_records_at_a_time(small_chunks):
    records = GeneratedRecords(
        400, lambda n: session_record(f"s-{n}", related=[f"s-{(n + 120) % 400}"])
    )
    most_alive = []

    result = import_sessions(
        records=records, progress=lambda done, total: most_alive.append(records.alive())
    )

    assert result.ok and result.created == 400
    assert records.passes == 3  # the keys, the checks, the writing
    assert max(most_alive) <= 2 * small_chunks
    assert Session.objects.get(key="s-0").related.get().key == "s-120"


def test_links_and_speakers_are_matched_across_chunks(small_chunks, tmp_path):
    records = [session_record(f"s-{n}") for n in range(200)]
    # The first record points 150 records on, and names a speaker only the last gives
    # an organisation.
    records[0].update(related=["s-150"], speakers=["Ana García"])
    records[-1]["speakers"] = [{"name": "Ana García", "organisation": "APC"}]

    run_import(write_file(tmp_path / "s.jsonl", records))

    first = Session.objects.get(key="s-0")
    assert first.related.get().key == "s-150"
    assert [p.speaker.organisation for p in first.participants.all()] == ["APC"]
    assert Speaker.objects.count() == 1


def test_an_invalid_record_at_the_end_of_a_big_file_writes_nothing(
    catalogue, small_chunks, tmp_path
):
    records = [session_record(f"s-{n}", tags=["Access"]) for n in range(300)]
    records[290]["date"] = "2015-02-30"
    path = write_file(tmp_path / "s.jsonl", records)

    with CaptureQueriesContext(connection) as queries:
        message = run_failing_import(path)

    assert (
        f'error: {path}, line 291 (key "s-290"), field "date": "2015-02-30" is not a real date'
        in message
    )
    assert "1 error in" in message and "nothing was imported" in message
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []
    assert database_snapshot() == catalogue


WRITES = ("INSERT", "UPDATE", "DELETE")


def test_every_error_of_a_big_file_is_reported(small_chunks, tmp_path):
    records = [session_record(f"s-{n}") for n in range(200)]
    for number in (10, 60, 199):
        records[number]["date"] = "soon"
    records[120]["key"] = "s-5"

    message = run_failing_import(write_file(tmp_path / "s.csv", records))

    for number in (10, 60, 199):
        assert f'line {number + 2} (key "s-{number}"), field "date"' in message
    assert 'line 122 (key "s-5"), field "key": "s-5" is also the key of line 7' in message
    assert "4 errors" in message


def test_a_record_file_is_read_a_line_at_a_time_each_time(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps(session_record("a")) + "\n{broken\n", encoding="utf-8")
    records = RecordFile(path)

    # The first record comes before the broken line further on is read.
    for _ in range(2):
        reading = iter(records)
        assert next(reading).data["key"] == "a"
        with pytest.raises(ImportFileError, match="line 2: not valid JSON"):
            next(reading)


def test_records_may_be_a_one_time_iterator():
    records = (Record(f"index {n}", session_record(f"s-{n}")) for n in range(3))

    assert import_sessions(records=records).created == 3


def test_checking_a_long_file_shows_its_progress_too(tmp_path):
    out, _ = run_import(
        write_file(tmp_path / "s.jsonl", [session_record(f"s-{n}") for n in range(150)])
    )

    lines = out.splitlines()
    checking = [line for line in lines if line.startswith("Checking: ")]
    assert checking[0] == "Checking: 10% of 150 sessions"
    assert checking[-1] == "Checking: 100% of 150 sessions"
    assert lines.index(checking[-1]) < lines.index("15/150 sessions (10%)")


def test_a_dry_run_shows_the_progress_of_the_checks(tmp_path):
    out, _ = run_import(
        write_file(tmp_path / "s.jsonl", [session_record(f"s-{n}") for n in range(150)]),
        "--dry-run",
    )

    assert "150/150 sessions (100%)" in out
    assert "Checking" not in out
    assert not Session.objects.exists()


# Characters no database stores, and JSON objects that say a field twice

RAW_FILE_CASES = {
    "a lone surrogate in JSON": (
        ".json",
        '[{"key": "a", "title": "T", "date": "2015-11-12", "type": "Workshop", '
        '"venue": "Online", "description": "half \\ud800 a character"}]',
        'index 0 (key "a"), field "description": holds a lone surrogate (half a character) '
        "at position 6",
    ),
    "a lone surrogate in JSON Lines": (
        ".jsonl",
        '{"key": "a", "title": "\\udfff", "date": "2015-11-12", "type": "W", "venue": "Online"}\n',
        'line 1 (key "a"), field "title": holds a lone surrogate (half a character) at position 1',
    ),
    "a raw NUL byte in a CSV line": (
        ".csv",
        "key,title,date,type,venue\na,Open\x00data,2015-11-12,Workshop,Online\n",
        'line 2 (key "a"), field "title": holds a NUL character at position 5',
    ),
    "a field given twice in a JSON object": (
        ".json",
        '[{"key": "a", "title": "First", "title": "Second", "date": "2015-11-12", '
        '"type": "Workshop", "venue": "Online"}]',
        'index 0 (key "a"), field "title": is given more than once; give each field once',
    ),
    "a field given twice in a JSON line": (
        ".jsonl",
        '{"key": "a", "key": "b", "title": "T", "date": "2015-11-12", "type": "W", '
        '"venue": "Online"}\n',
        # A reader keeps the last of a name given twice.
        'line 1 (key "b"), field "key": is given more than once; give each field once',
    ),
    "a speaker's field given twice": (
        ".json",
        '[{"key": "a", "title": "T", "date": "2015-11-12", "type": "W", "venue": "Online", '
        '"speakers": [{"name": "Ana", "name": "Bea"}]}]',
        'index 0 (key "a"), field "speakers": speaker 1: gives "name" more than once',
    ),
}


@pytest.mark.parametrize("case", RAW_FILE_CASES, ids=list(RAW_FILE_CASES))
@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry run"])
def test_a_value_that_cannot_be_stored_or_is_given_twice_is_an_error(
    catalogue, tmp_path, case, dry_run
):
    extension, content, expected = RAW_FILE_CASES[case]
    path = tmp_path / f"s{extension}"
    path.write_text(content, encoding="utf-8")

    message = run_failing_import(path, *(["--dry-run"] if dry_run else []))

    assert f"error: {path}, {expected}" in message
    assert "Traceback" not in message
    assert database_snapshot() == catalogue


TEXT_FIELDS = ["key", "title", "type", "topic", "venue", "description", "url", "transcript"]


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_hostile_values_in_a_text_field_are_imported_or_refused_cleanly(catalogue, tmp_path, field):
    """Each hostile value, alone in a file: imported as given (sanitised, trimmed), or
    refused with an error naming the record and field and nothing written."""
    for number, value in enumerate(HOSTILE_VALUES):
        before = database_snapshot()
        record = {**session_record(f"hostile-{number}"), field: value}
        path = write_file(tmp_path / f"hostile-{number}.jsonl", [record])
        out, err = StringIO(), StringIO()
        try:
            call_command("import_sessions", str(path), stdout=out, stderr=err)
        except CommandError as failure:
            # Named by its key too, unless the key is what is wrong.
            record_named = "line 1" if field == "key" else f'line 1 (key "hostile-{number}")'
            assert record_named in err.getvalue(), value
            assert f'field "{field}"' in f"{err.getvalue()}{failure}", value
            assert database_snapshot() == before, value
        else:
            assert "of 1 sessions" in out.getvalue(), value
