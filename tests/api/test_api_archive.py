"""/api/sessions/: a session's recordings and documents, as a client reads them."""

import datetime

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from sessions.models import Document, Session
from tests.factories import DocumentFactory, RecordingFactory, SessionFactory

pytestmark = pytest.mark.django_db

A_PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def session_json(client, session: Session) -> dict:
    response = client.get(f"/api/sessions/{session.slug}/")
    assert response.status_code == 200
    return response.json()


def test_recordings_come_in_their_order_with_their_length_in_seconds(client):
    session = SessionFactory()
    RecordingFactory(
        session=session,
        url="https://vimeo.com/76979871",
        language="es",
        title="Sala 2",
        order=1,
    )
    RecordingFactory(
        session=session,
        url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        title="Floor",
        length=datetime.timedelta(hours=1, minutes=2, seconds=5),
        order=0,
    )
    assert session_json(client, session)["recordings"] == [
        {
            "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "language": "en",
            "title": "Floor",
            "length": 3725,
        },
        {"url": "https://vimeo.com/76979871", "language": "es", "title": "Sala 2", "length": None},
    ]


def test_a_linked_document_is_its_link_and_an_uploaded_one_its_download(client):
    session = SessionFactory()
    DocumentFactory(
        session=session,
        title="Workshop proposal",
        kind=Document.Kind.PROPOSAL,
        language="fr",
        url="https://www.intgovforum.org/proposal.pdf",
        order=0,
    )
    upload = Document.objects.create(
        session=session,
        title="Slides",
        kind=Document.Kind.PRESENTATION,
        file=SimpleUploadedFile("slides.pdf", A_PDF),
        order=1,
    )
    documents = session_json(client, session)["documents"]
    assert documents == [
        {
            "title": "Workshop proposal",
            "kind": "proposal",
            "language": "fr",
            "url": "https://www.intgovforum.org/proposal.pdf",
            "file_type": "",
            "size": None,
        },
        {
            "title": "Slides",
            "kind": "presentation",
            "language": "en",
            "url": f"http://testserver/sessions/{session.slug}/documents/{upload.pk}/",
            "file_type": "PDF",
            "size": len(A_PDF),
        },
    ]
    # The address a client is given downloads the file.
    download = client.get(documents[1]["url"].removeprefix("http://testserver"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == A_PDF


def test_a_download_address_follows_the_clients_scheme(client):
    session = SessionFactory()
    Document.objects.create(session=session, title="A", file=SimpleUploadedFile("a.pdf", A_PDF))
    response = client.get(f"/api/sessions/{session.slug}/", secure=True)
    assert response.json()["documents"][0]["url"].startswith("https://testserver/sessions/")


def test_a_link_that_is_not_a_web_address_is_given_empty(client):
    session = SessionFactory()
    RecordingFactory(session=session, url="ftp://files.example.org/session.mp3")
    DocumentFactory(session=session, url="ftp://files.example.org/session.pdf")
    data = session_json(client, session)
    assert [recording["url"] for recording in data["recordings"]] == [""]
    assert [document["url"] for document in data["documents"]] == [""]


def test_a_session_without_any_has_empty_lists(client):
    data = session_json(client, SessionFactory())
    assert (data["recordings"], data["documents"]) == ([], [])


def test_a_drafts_recordings_and_documents_appear_nowhere(client):
    published = SessionFactory(title="Published")
    RecordingFactory(session=published, url="https://www.youtube.com/watch?v=PUBLISHED01")
    draft = SessionFactory(title="Draft", status=Session.Status.DRAFT)
    RecordingFactory(session=draft, url="https://www.youtube.com/watch?v=SECRETDRAFT")
    DocumentFactory(session=draft, url="https://example.org/secret-draft.pdf")
    Document.objects.create(
        session=draft, title="Secret upload", file=SimpleUploadedFile("secret.pdf", A_PDF)
    )
    listed = client.get("/api/sessions/?page_size=100")
    assert [item["title"] for item in listed.json()["results"]] == ["Published"]
    for text in ("SECRETDRAFT", "secret-draft", "Secret upload", draft.slug):
        assert text not in listed.content.decode()
    assert client.get(f"/api/sessions/{draft.slug}/").status_code == 404


def test_the_list_carries_the_same_recordings_and_documents_as_the_detail(client):
    session = SessionFactory()
    RecordingFactory(session=session)
    DocumentFactory(session=session)
    Document.objects.create(session=session, title="A", file=SimpleUploadedFile("a.pdf", A_PDF))
    (listed,) = client.get("/api/sessions/").json()["results"]
    detail = session_json(client, session)
    assert listed == detail
    assert len(listed["recordings"]) == 1
    assert len(listed["documents"]) == 2


# Query counts: the same however many sessions, recordings and documents.


@pytest.mark.parametrize("session_count", [1, 40])
def test_the_list_reads_every_recording_and_document_in_two_queries(
    client, django_assert_num_queries, session_count
):
    for number in range(session_count):
        session = SessionFactory()
        for order in range(3):
            RecordingFactory(
                session=session,
                url=f"https://www.youtube.com/watch?v=rec{number:04d}{order:04d}",
                order=order,
            )
        DocumentFactory(session=session)
        Document.objects.create(
            session=session, title="Upload", file=SimpleUploadedFile("a.pdf", A_PDF)
        )
    # The catalogue version, the years with sessions, count, page, then strategies,
    # objectives, enablers, participants, tags, related, recordings, documents.
    with django_assert_num_queries(12):
        response = client.get("/api/sessions/?page_size=100")
    results = response.json()["results"]
    assert len(results) == session_count
    assert all(len(item["recordings"]) == 3 and len(item["documents"]) == 2 for item in results)


# The schema


def test_the_schema_documents_recordings_and_documents(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    components = schema["components"]["schemas"]
    session = components["Session"]["properties"]
    assert session["recordings"]["items"] == {"$ref": "#/components/schemas/Recording"}
    assert session["documents"]["items"] == {"$ref": "#/components/schemas/Document"}
    assert list(components["Recording"]["properties"]) == ["url", "language", "title", "length"]
    assert components["Recording"]["properties"]["length"]["nullable"] is True
    assert list(components["Document"]["properties"]) == [
        "title",
        "kind",
        "language",
        "url",
        "file_type",
        "size",
    ]
    assert components["DocumentKindEnum"]["enum"] == Document.Kind.values
    # A meeting's kind keeps its own enum.
    assert components["KindEnum"]["enum"][0] == "annual"


def test_the_schema_is_made_without_a_warning(tmp_path):
    call_command("spectacular", fail_on_warn=True, file=str(tmp_path / "schema.yml"))
    assert "DocumentKindEnum" in (tmp_path / "schema.yml").read_text()
