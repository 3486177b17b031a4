"""Editors add recordings and documents to a session in its admin page, uploads included."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sessions.models import Document, Session
from tests.factories import SessionFactory
from tests.sessions.admin.test_admin import inline_forms, session_form

pytestmark = pytest.mark.django_db

A_PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def change(editor_client, session, **inlines):
    data = session_form(session)
    for prefix, rows in inlines.items():
        data |= inline_forms(prefix, rows)
    return editor_client.post(reverse("admin:catalogue_session_change", args=[session.pk]), data)


def test_an_editor_adds_recordings_in_two_languages_with_a_length(editor_client):
    session = SessionFactory(status=Session.Status.PUBLISHED)
    response = change(
        editor_client,
        session,
        recordings=[
            {"url": "youtube.com/watch?v=dQw4w9WgXcQ", "language": "en", "length": "1:02:05",
             "title": "Floor", "order": "0"},
            {"url": "https://vimeo.com/76979871", "language": "es", "length": "", "title": "",
             "order": "1"},
        ],
    )  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors
    recordings = list(session.recordings.order_by("order"))
    # An address typed without its scheme is taken as https, as elsewhere in the admin.
    assert [r.url for r in recordings] == [
        "https://youtube.com/watch?v=dQw4w9WgXcQ",
        "https://vimeo.com/76979871",
    ]
    assert recordings[0].length == datetime.timedelta(hours=1, minutes=2, seconds=5)
    assert (
        editor_client.get(session.get_absolute_url()).content.decode().count("data-player-src") == 2
    )


def test_an_editor_uploads_a_pdf_which_then_downloads(editor_client):
    session = SessionFactory(status=Session.Status.PUBLISHED)
    pdf = SimpleUploadedFile("Workshop proposal.pdf", A_PDF, content_type="application/pdf")
    response = change(
        editor_client,
        session,
        documents=[{"title": "Proposal", "kind": "proposal", "language": "en", "url": "",
                    "file": pdf, "order": "0"}],
    )  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors
    document = Document.objects.get()
    assert document.size == len(A_PDF)
    download = editor_client.get(document.get_absolute_url())
    assert b"".join(download.streaming_content) == A_PDF
    assert download["Content-Disposition"] == 'attachment; filename="Workshop_proposal.pdf"'


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", b"<html><script>alert(1)</script>", "Files of type “.html” are not accepted"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "type “.svg” are not accepted"),
        ("report.pdf", b"<html>not a pdf</html>", "contents are not those of a “.pdf” file"),
    ],
)  # fmt: skip
def test_an_upload_of_a_refused_type_is_explained_and_nothing_is_saved(
    editor_client, name, content, message
):
    session = SessionFactory(title="Untouched", status=Session.Status.PUBLISHED)
    response = change(
        editor_client,
        session,
        documents=[{"title": "Bad", "kind": "other", "language": "en", "url": "",
                    "file": SimpleUploadedFile(name, content), "order": "0"}],
    )  # fmt: skip
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists()


def test_a_document_with_neither_link_nor_file_is_explained(editor_client):
    session = SessionFactory()
    response = change(
        editor_client,
        session,
        documents=[{"title": "Empty", "kind": "other", "language": "en", "url": "", "order": "0"}],
    )
    assert response.status_code == 200
    assert "Give either a link or a file, not both." in response.content.decode()
    assert not Document.objects.exists()
