"""Recordings and documents in the exports of the import format
(sessions/open_data/exporters/): carried in full by JSON and CSV, and read back by
the importer without touching what editors uploaded."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sessions.importing import Record, import_sessions, read_records
from sessions.models import Document, Recording, Session
from sessions.open_data.exporters import CsvExporter, JsonExporter, JsonLinesExporter
from tests.factories import DocumentFactory, RecordingFactory, SessionFactory
from tests.sessions.open_data.test_exports import csv_sessions, streamed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("annual_meetings")]

SITE = "https://sessions.intgovforum.org"
SLIDES = b"%PDF-1.4 the slides"


@pytest.fixture
def archived():
    """A published session with recordings, a link and an uploaded file between them,
    and a draft with a recording of its own."""
    session = SessionFactory(key="ws-archived", date=datetime.date(2015, 11, 12))
    RecordingFactory(
        session=session,
        url="https://www.youtube.com/watch?v=Qm4fT8kLr2w",
        title="Floor",
        length=datetime.timedelta(hours=1, minutes=29, seconds=40),
        order=0,
    )
    RecordingFactory(
        session=session, url="https://www.youtube.com/watch?v=Zp7cN1xVd0s", language="ar", order=1
    )
    DocumentFactory(
        session=session,
        url="https://www.intgovforum.org/en/filedepot_download/382/25211",
        title="Workshop proposal",
        kind=Document.Kind.PROPOSAL,
        order=0,
    )
    upload = Document.objects.create(
        session=session,
        title="Slides",
        kind=Document.Kind.PRESENTATION,
        language="es",
        file=SimpleUploadedFile("slides.pdf", SLIDES),
        order=1,
    )
    draft = SessionFactory(
        key="ws-draft", date=datetime.date(2015, 11, 13), status=Session.Status.DRAFT
    )
    RecordingFactory(session=draft, url="https://www.youtube.com/watch?v=Dr4ftDr4ft0")
    return {"session": session, "upload": upload}


def json_records(**options) -> dict[str, dict]:
    text = "".join(JsonExporter(Session.objects.order_by("pk"), **options).chunks())
    return {record["key"]: record for record in json.loads(text)["sessions"]}


def reimported(document: dict) -> list[Record]:
    return [
        *(
            Record(f"meetings index {index}", data, "meeting")
            for index, data in enumerate(document["meetings"])
        ),
        *(Record(f"index {index}", data) for index, data in enumerate(document["sessions"])),
    ]


def test_a_session_carries_its_recordings_and_documents_in_order(archived):
    record = json_records(site_url=f"{SITE}/")["ws-archived"]
    upload = archived["upload"]

    assert record["recordings"] == [
        {
            "url": "https://www.youtube.com/watch?v=Qm4fT8kLr2w",
            "language": "en",
            "title": "Floor",
            "length": "01:29:40",
        },
        # No length known: none given.
        {"url": "https://www.youtube.com/watch?v=Zp7cN1xVd0s", "language": "ar", "title": ""},
    ]
    assert record["documents"] == [
        {
            "url": "https://www.intgovforum.org/en/filedepot_download/382/25211",
            "title": "Workshop proposal",
            "kind": "proposal",
            "language": "en",
        },
        {
            "file": f"{SITE}/sessions/{archived['session'].slug}/documents/{upload.pk}/",
            "title": "Slides",
            "kind": "presentation",
            "language": "es",
            "size": len(SLIDES),
        },
    ]


def test_a_length_of_a_day_or_more_is_written_in_hours():
    RecordingFactory(length=datetime.timedelta(days=1, hours=2, minutes=3, seconds=4))

    [record] = json_records().values()

    assert record["recordings"][0]["length"] == "26:03:04"


def test_an_uploaded_file_is_downloaded_from_the_address_the_export_gives(client, archived):
    [_, upload] = json_records(site_url="http://testserver")["ws-archived"]["documents"]

    response = client.get(upload["file"])

    assert response.status_code == 200
    assert b"".join(response.streaming_content or [response.content]) == SLIDES


def test_a_json_export_reads_back_unchanged_and_leaves_the_uploads_alone(archived):
    text = "".join(
        JsonExporter(Session.objects.order_by("pk"), include_drafts=True, site_url=SITE).chunks()
    )
    before = list(Document.objects.order_by("pk").values())

    result = import_sessions(records=reimported(json.loads(text)))

    assert result.ok, result.errors
    assert result.warnings == []
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert list(Document.objects.order_by("pk").values()) == before


def test_the_public_download_reads_back_unchanged(client, archived):
    document = json.loads(streamed(client.get("/sessions/export.json")))

    result = import_sessions(records=reimported(document))

    assert result.ok, result.errors
    assert (result.updated, result.unchanged, result.warnings) == (0, 1, [])
    [record] = document["sessions"]
    upload = archived["upload"]
    assert record["documents"][1]["file"].endswith(upload.get_absolute_url())


def all_recordings() -> list[tuple]:
    fields = ("session__key", "url", "language", "title", "length")
    return sorted(Recording.objects.values_list(*fields))


def test_a_json_lines_export_rebuilds_the_recordings_and_links_in_an_empty_catalogue(archived):
    exporter = JsonLinesExporter(Session.objects.order_by("pk"), include_drafts=True)
    lines = "".join(exporter.chunks()).splitlines()
    before = all_recordings()
    Session.objects.all().delete()

    result = import_sessions(
        records=[Record.read(f"line {n}", json.loads(line)) for n, line in enumerate(lines, 1)]
    )

    assert result.ok, result.errors
    assert result.created == 2
    assert all_recordings() == before
    # The link comes back; the upload is the admin's to add again.
    assert list(Document.objects.values_list("title", "kind", "file")) == [
        ("Workshop proposal", "proposal", "")
    ]


def test_csv_carries_recordings_and_documents_whole_and_reads_back_into_an_empty_catalogue(
    archived, tmp_path
):
    text = "".join(CsvExporter(Session.objects.published(), site_url=SITE).chunks())
    [row] = csv_sessions(text)
    # More than URLs (a title, a length, Arabic): the cell holds them as JSON.
    assert json.loads(row["recordings"])[1] == {
        "url": "https://www.youtube.com/watch?v=Zp7cN1xVd0s",
        "language": "ar",
        "title": "",
    }
    assert json.loads(row["documents"])[1]["file"] == SITE + archived["upload"].get_absolute_url()
    before = [r for r in all_recordings() if r[0] == "ws-archived"]
    Session.objects.all().delete()

    path = tmp_path / "catalogue.csv"
    path.write_text(text, encoding="utf-8")
    result = import_sessions(records=read_records(path=path))

    assert result.ok, result.errors
    assert result.created == 1
    assert all_recordings() == before
    assert list(Document.objects.values_list("title", "kind", "file")) == [
        ("Workshop proposal", "proposal", "")
    ]


def test_csv_names_plain_english_recordings_by_url_alone(archived):
    Recording.objects.update(language="en", title="", length=None)
    [row] = csv_sessions("".join(CsvExporter(Session.objects.published()).chunks()))
    assert row["recordings"] == (
        "https://www.youtube.com/watch?v=Qm4fT8kLr2w;https://www.youtube.com/watch?v=Zp7cN1xVd0s"
    )


@pytest.mark.parametrize("path", ["/sessions/export.json", "/sessions/export.csv"])
def test_a_drafts_recordings_are_never_downloaded(client, archived, path):
    content = streamed(client.get(path)).decode("utf-8-sig")

    assert "Qm4fT8kLr2w" in content
    assert "Dr4ftDr4ft0" not in content


@pytest.mark.parametrize("per_session", [1, 4])
def test_exporting_recordings_and_documents_costs_the_same_whatever_their_number(
    django_assert_num_queries, per_session
):
    for session in SessionFactory.create_batch(3):
        for number in range(per_session):
            RecordingFactory(session=session, order=number)
            DocumentFactory(session=session, order=number)
        Document.objects.create(
            session=session, title="Slides", file=SimpleUploadedFile("s.pdf", SLIDES)
        )

    # The meetings; the sessions; then related, strategies, participants, tags,
    # transcripts, recordings and documents, once for all of them.
    with django_assert_num_queries(1 + 1 + 7):
        records = json_records(site_url=SITE)

    assert all(len(record["documents"]) == per_session + 1 for record in records.values())
