"""Importing a session's recordings and documents (DESIGN.md, "Import format")."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions.importing import Record, import_sessions
from sessions.models import Document, Recording, Session
from tests.factories import DocumentFactory, RecordingFactory, SessionFactory
from tests.sessions.importing.test_importing import (
    database_snapshot,
    run_failing_import,
    run_import,
    session_record,
    write_file,
)

pytestmark = pytest.mark.django_db

FLOOR = "https://www.youtube.com/watch?v=Qm4fT8kLr2w"
SPANISH = "https://www.youtube.com/watch?v=Zp7cN1xVd0s"
FRENCH = "https://www.youtube.com/watch?v=Lr8bW3nKp5e"
PROPOSAL = "https://www.intgovforum.org/en/filedepot_download/382/25211"
REPORT = "https://www.intgovforum.org/en/filedepot_download/382/IGF%202015%20report.pdf"


def read(*records) -> list[Record]:
    return [Record(f"index {number}", record) for number, record in enumerate(records)]


def recordings(key: str) -> list[tuple]:
    return list(
        Recording.objects.filter(session__key=key)
        .order_by("order", "pk")
        .values_list("url", "language", "title", "length")
    )


def documents(key: str) -> list[tuple]:
    return list(
        Document.objects.filter(session__key=key)
        .order_by("order", "pk")
        .values_list("url", "title", "kind", "language")
    )


def imported(key: str = "ws-1") -> Session:
    """A session as an import of `session_record(key)` made it, to add to by hand."""
    import_sessions(records=read(session_record(key)))
    return Session.objects.get(key=key)


def uploaded(session: Session, title: str = "Slides", order: int = 0) -> Document:
    return Document.objects.create(
        session=session,
        title=title,
        kind=Document.Kind.PRESENTATION,
        file=SimpleUploadedFile("slides.pdf", b"%PDF-1.4 slides"),
        order=order,
    )


RECORD = session_record(
    "ws-1",
    recordings=[
        {"url": FLOOR, "title": "Floor", "length": "01:29:40"},
        {"url": SPANISH, "language": "es", "length": "89:40"},
        {"url": FRENCH, "language": "fr", "length": 5380},
    ],
    documents=[
        {"url": PROPOSAL, "title": "Workshop proposal", "kind": "Proposal"},
        {"url": REPORT, "kind": "report", "language": "es"},
    ],
)


# Reading both fields


def test_recordings_and_documents_are_imported_in_the_order_given():
    result = import_sessions(records=read(RECORD))

    assert result.ok, result.errors
    length = datetime.timedelta(hours=1, minutes=29, seconds=40)
    assert recordings("ws-1") == [
        (FLOOR, "en", "Floor", length),
        (SPANISH, "es", "", length),
        (FRENCH, "fr", "", length),
    ]
    # A document without a title is named by the last segment of its address.
    assert documents("ws-1") == [
        (PROPOSAL, "Workshop proposal", "proposal", "en"),
        (REPORT, "IGF 2015 report.pdf", "report", "es"),
    ]
    assert list(Recording.objects.values_list("order", flat=True).order_by("order")) == [0, 1, 2]


@pytest.mark.parametrize("extension", [".json", ".jsonl", ".csv"])
def test_plain_urls_are_recordings_and_documents_in_english(tmp_path, extension):
    record = session_record("ws-1", recordings=[FLOOR, SPANISH], documents=[PROPOSAL])
    if extension == ".csv":
        # A CSV cell holds the URLs joined with ";", as it holds every list.
        record = {**record, "recordings": f"{FLOOR};{SPANISH}", "documents": PROPOSAL}

    out, _ = run_import(write_file(tmp_path / f"s{extension}", [record]))

    assert "1 created" in out
    assert recordings("ws-1") == [(FLOOR, "en", "", None), (SPANISH, "en", "", None)]
    assert documents("ws-1") == [(PROPOSAL, "25211", "other", "en")]


def test_an_empty_csv_cell_removes_the_recordings_and_links(tmp_path):
    session = imported()
    RecordingFactory(session=session)
    DocumentFactory(session=session)
    record = session_record("ws-1", recordings="", documents="")

    run_import(write_file(tmp_path / "s.csv", [record]))

    assert not Recording.objects.exists()
    assert not Document.objects.exists()


def test_a_csv_cell_may_hold_recordings_and_documents_as_a_json_array(tmp_path):
    record = session_record(
        "ws-1",
        recordings=json.dumps(
            [{"url": SPANISH, "language": "es", "title": "Sala 1", "length": "1:30:00"}]
        ),
        documents=json.dumps(
            [{"url": PROPOSAL, "title": "Propuesta", "kind": "proposal", "language": "es"}]
        ),
    )

    run_import(write_file(tmp_path / "s.csv", [record]))

    assert recordings("ws-1") == [
        (SPANISH, "es", "Sala 1", datetime.timedelta(hours=1, minutes=30))
    ]
    assert documents("ws-1") == [(PROPOSAL, "Propuesta", "proposal", "es")]


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        (
            '[{"url": "' + FLOOR + '",}]',
            "line 2: recordings: not a JSON list: Expecting property name",
        ),
        ("[1, 2", "line 2: recordings: not a JSON list"),
    ],
)
def test_a_broken_json_cell_is_named_and_nothing_is_written(tmp_path, cell, problem):
    before = database_snapshot()
    said = run_failing_import(
        write_file(tmp_path / "s.csv", [session_record("ws-1", recordings=cell)])
    )
    assert problem in said
    assert database_snapshot() == before


# Replacing what a session has


def test_a_second_import_of_the_same_file_changes_nothing():
    import_sessions(records=read(RECORD))
    before = database_snapshot()

    result = import_sessions(records=read(RECORD))

    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert database_snapshot() == before


def test_the_lists_given_replace_the_sessions_recordings_and_links():
    import_sessions(records=read(RECORD))

    result = import_sessions(
        records=read(
            session_record(
                "ws-1",
                recordings=[{"url": FRENCH, "language": "fr"}, FLOOR],
                documents=[{"url": REPORT, "title": "Report"}],
            )
        )
    )

    assert result.updated == 1
    assert recordings("ws-1") == [(FRENCH, "fr", "", None), (FLOOR, "en", "", None)]
    assert documents("ws-1") == [(REPORT, "Report", "other", "en")]


FLOOR_RECORDING, SPANISH_RECORDING, FRENCH_RECORDING = RECORD["recordings"]
PROPOSAL_DOCUMENT, REPORT_DOCUMENT = RECORD["documents"]


@pytest.mark.parametrize(
    "change",
    [
        {"recordings": [FLOOR_RECORDING, SPANISH_RECORDING]},
        {"recordings": [SPANISH_RECORDING, FLOOR_RECORDING, FRENCH_RECORDING]},
        {
            "recordings": [
                {**FLOOR_RECORDING, "length": "01:29:41"},
                SPANISH_RECORDING,
                FRENCH_RECORDING,
            ]
        },
        {"documents": [{**PROPOSAL_DOCUMENT, "language": "fr"}, REPORT_DOCUMENT]},
        {"documents": [{**PROPOSAL_DOCUMENT, "kind": "other"}, REPORT_DOCUMENT]},
    ],
    ids=["a recording removed", "reordered", "a new length", "a new language", "a new kind"],
)
def test_any_change_to_a_recording_or_a_link_is_an_update(change):
    import_sessions(records=read(RECORD))

    result = import_sessions(records=read({**RECORD, **change}))

    assert (result.updated, result.unchanged) == (1, 0)


def test_leaving_the_fields_out_keeps_the_recordings_and_documents():
    import_sessions(records=read(RECORD))

    result = import_sessions(records=read(session_record("ws-1")))

    assert result.unchanged == 1
    assert len(recordings("ws-1")) == 3
    assert len(documents("ws-1")) == 2


def test_empty_lists_remove_recordings_and_links():
    import_sessions(records=read(RECORD))

    result = import_sessions(records=read(session_record("ws-1", recordings=[], documents=[])))

    assert result.updated == 1
    assert not Recording.objects.exists()
    assert not Document.objects.exists()


def test_links_numbered_alike_by_an_editor_are_unchanged_when_the_file_lists_them_in_order():
    session = imported()
    first = DocumentFactory(session=session, url=PROPOSAL, title="Proposal", order=0)
    second = DocumentFactory(session=session, url=REPORT, title="Report", order=0)
    record = session_record(
        "ws-1",
        documents=[
            {"url": first.url, "title": first.title, "kind": first.kind},
            {"url": second.url, "title": second.title, "kind": second.kind},
        ],
    )

    assert import_sessions(records=read(record)).unchanged == 1


# Files uploaded in the admin


def test_an_import_never_touches_the_files_uploaded_in_the_admin():
    session = imported()
    slides = uploaded(session)
    DocumentFactory(session=session, url="https://example.org/old.pdf")

    import_sessions(records=read(session_record("ws-1", documents=[PROPOSAL])))
    assert documents("ws-1") == [
        ("", "Slides", "presentation", "en"),
        (PROPOSAL, "25211", "other", "en"),
    ]

    import_sessions(records=read(session_record("ws-1", documents=[])))
    assert list(Document.objects.all()) == [slides]
    slides.refresh_from_db()
    assert slides.file.read() == b"%PDF-1.4 slides"


def test_an_uploaded_file_as_an_export_writes_it_is_left_alone_without_a_warning():
    session = imported()
    slides = uploaded(session, order=1)
    DocumentFactory(session=session, url=PROPOSAL, title="Proposal", kind="proposal", order=0)
    upload = {
        "file": f"http://testserver/sessions/{session.slug}/documents/{slides.pk}/",
        "title": "Renamed in the file",
        "kind": "report",
        "language": "xx-not-a-code",
        "size": 15,
    }
    record = session_record(
        "ws-1", documents=[{"url": PROPOSAL, "title": "Proposal", "kind": "proposal"}, upload]
    )

    result = import_sessions(records=read(record))

    assert result.ok, result.errors
    assert (result.unchanged, result.warnings) == (1, [])
    slides.refresh_from_db()
    assert (slides.title, slides.kind, slides.order) == ("Slides", "presentation", 1)


def test_links_keep_their_places_among_the_uploaded_files():
    session = imported()
    uploaded(session, order=1)
    record = session_record(
        "ws-1", documents=[PROPOSAL, {"file": "/sessions/x/documents/1/"}, REPORT]
    )

    import_sessions(records=read(record))

    assert [title for _, title, *_ in documents("ws-1")] == [
        "25211",
        "Slides",
        "IGF 2015 report.pdf",
    ]


# Checks


ERROR_CASES = {
    "not a list": (
        session_record("a", recordings=FLOOR),
        'index 0 (key "a"), field "recordings": must be a list, not text',
    ),
    "an item neither a URL nor an object": (
        session_record("a", documents=[42]),
        'index 0 (key "a"), field "documents": document 1: must be a URL or an object with '
        "a url, not a number",
    ),
    "not http(s)": (
        session_record("a", recordings=[FLOOR, "ftp://example.org/session.mp4"]),
        'index 0 (key "a"), field "recordings": recording 2: "ftp://example.org/session.mp4" '
        "is not an http(s) URL",
    ),
    "a script's address": (
        session_record("a", documents=[{"url": "javascript:alert(1)", "title": "Click"}]),
        'index 0 (key "a"), field "documents": document 1: "javascript:alert(1)" is not an '
        "http(s) URL",
    ),
    "no url": (
        session_record("a", recordings=[{"language": "es"}]),
        'index 0 (key "a"), field "recordings": recording 1: has no url',
    ),
    "a language that is no code": (
        session_record("a", recordings=[{"url": FLOOR, "language": "English"}]),
        'index 0 (key "a"), field "recordings": recording 1: language: "English" is not a '
        "language code such as en, es, fr or pt-BR",
    ),
    "an unknown kind": (
        session_record("a", documents=[{"url": PROPOSAL, "kind": "memo"}]),
        'index 0 (key "a"), field "documents": document 1: kind: "memo" is not a kind of '
        "document; use one of: Proposal, Report, Presentation, Transcript, Other",
    ),
    "a URL twice": (
        session_record("a", recordings=[FLOOR, SPANISH, {"url": FLOOR, "language": "fr"}]),
        'index 0 (key "a"), field "recordings": recording 3: repeats the URL of recording 1',
    ),
    "a document's URL twice": (
        session_record("a", documents=[PROPOSAL, PROPOSAL]),
        'index 0 (key "a"), field "documents": document 2: repeats the URL of document 1',
    ),
    "a recording's title too long": (
        session_record("a", recordings=[{"url": FLOOR, "title": "x" * 201}]),
        'index 0 (key "a"), field "recordings": recording 1: title: is 201 characters long; '
        "the limit is 200",
    ),
    "a document's title too long": (
        session_record("a", documents=[{"url": PROPOSAL, "title": "x" * 301}]),
        'index 0 (key "a"), field "documents": document 1: title: is 301 characters long; '
        "the limit is 300",
    ),
    "a length in no known form": (
        session_record("a", recordings=[{"url": FLOOR, "length": "1h30"}]),
        'index 0 (key "a"), field "recordings": recording 1: length: "1h30" is not a length '
        "in the form hh:mm:ss or mm:ss, or a number of seconds",
    ),
    "a length of 61 seconds a minute": (
        session_record("a", recordings=[{"url": FLOOR, "length": "01:30:61"}]),
        'index 0 (key "a"), field "recordings": recording 1: length: "01:30:61" is not a '
        "length in the form hh:mm:ss or mm:ss",
    ),
    "a negative length": (
        session_record("a", recordings=[{"url": FLOOR, "length": -5}]),
        'index 0 (key "a"), field "recordings": recording 1: length: -5 is negative',
    ),
    "a length in milliseconds": (
        session_record("a", recordings=[{"url": FLOOR, "length": 5_380_000}]),
        'index 0 (key "a"), field "recordings": recording 1: length: "5380000" is longer than '
        "99:59:59",
    ),
    "a url and a file": (
        session_record("a", documents=[{"url": PROPOSAL, "file": "/sessions/a/documents/1/"}]),
        'index 0 (key "a"), field "documents": document 1: gives both a url and a file',
    ),
    "a part given twice": (
        None,
        'index 0 (key "a"), field "recordings": recording 1: gives "url" more than once',
    ),
}


@pytest.mark.parametrize("case", ERROR_CASES, ids=list(ERROR_CASES))
def test_an_invalid_recording_or_document_aborts_the_import(tmp_path, case):
    SessionFactory(key="kept", date=datetime.date(2015, 11, 12))
    before = database_snapshot()
    record, expected = ERROR_CASES[case]
    # A valid session with recordings and documents rides along; it may not be written.
    ok = session_record("ok", recordings=[FLOOR], documents=[PROPOSAL])
    if record is None:
        path = tmp_path / "s.json"
        path.write_text(
            '[{"key": "a", "title": "T", "date": "2015-11-12", "type": "Workshop", '
            f'"venue": "João Pessoa, Brazil", "recordings": [{{"url": "{FLOOR}", '
            f'"url": "{SPANISH}"}}]}}]',
            encoding="utf-8",
        )
    else:
        path = write_file(tmp_path / "s.json", [record, ok])

    message = run_failing_import(path)

    assert f"error: {path}, {expected}" in message
    assert database_snapshot() == before


def test_every_wrong_recording_and_document_is_reported_at_once(tmp_path):
    record = session_record(
        "a",
        recordings=[
            "not a url",
            {"url": FLOOR, "language": "English", "length": "soon", "title": "x" * 201},
        ],
        documents=[{"url": PROPOSAL, "kind": "memo"}, PROPOSAL],
    )

    message = run_failing_import(write_file(tmp_path / "s.json", [record]))

    field = 'index 0 (key "a"), field'
    assert f'{field} "recordings": recording 1: "not a url" is not an http(s) URL' in message
    assert f'{field} "recordings": recording 2: language: "English"' in message
    assert f'{field} "recordings": recording 2: title: is 201 characters long' in message
    assert f'{field} "recordings": recording 2: length: "soon"' in message
    assert f'{field} "documents": document 1: kind: "memo"' in message
    assert f'{field} "documents": document 2: repeats the URL of document 1' in message
    assert "6 errors" in message


def test_unknown_parts_of_a_recording_or_document_are_warnings(tmp_path):
    record = session_record(
        "a",
        recordings=[{"url": FLOOR, "views": 12}],
        documents=[{"url": PROPOSAL, "pages": 3}, {"url": REPORT, "pages": 9}],
    )

    out, err = run_import(write_file(tmp_path / "s.json", [record]))

    assert "1 created" in out
    assert 'index 0, field "recordings.views": is not part of the import format; skipped' in err
    assert 'index 0, field "documents.pages": is not part of the import format' in err
    assert recordings("a") == [(FLOOR, "en", "", None)]


def test_language_codes_of_every_common_shape_are_accepted():
    codes = ["en", "zh", "ar", "pt-BR", "zh-Hans", "es-419", "ast"]
    record = session_record(
        "a",
        recordings=[
            {"url": f"https://www.youtube.com/watch?v=Qm4fT8kLr{n:02}", "language": code}
            for n, code in enumerate(codes)
        ],
    )

    result = import_sessions(records=read(record))

    assert result.ok, result.errors
    assert [language for _, language, *_ in recordings("a")] == codes


# Costs


def test_recordings_and_documents_cost_the_same_queries_whatever_the_files_length():
    """What they add to an import that updates every session: a few queries in all."""

    def queries_for(count: int, *, with_archive: bool) -> int:
        Session.objects.all().delete()
        import_sessions(records=read(*(session_record(f"k-{n}") for n in range(count))))
        for session in Session.objects.all():
            RecordingFactory(session=session)
            DocumentFactory(session=session)
        archive = {
            "recordings": [FLOOR, {"url": SPANISH, "language": "es"}],
            "documents": [PROPOSAL, {"url": REPORT, "kind": "report"}],
        }
        records = read(
            *(
                session_record(f"k-{n}", title="Renamed", **(archive if with_archive else {}))
                for n in range(count)
            )
        )
        with CaptureQueriesContext(connection) as queries:
            result = import_sessions(records=records)
        assert result.updated == count
        return len(queries)

    def added(count: int) -> int:
        return queries_for(count, with_archive=True) - queries_for(count, with_archive=False)

    # For recordings and for documents: what the sessions have, read when checking and
    # again when writing; the rows removed, found then deleted; the new ones written.
    assert added(2) == added(40) == 2 * (2 + 2 + 1)
