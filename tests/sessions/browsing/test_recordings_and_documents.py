"""Recordings and documents on a session's page, and documents' downloads."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from sessions.models import Document, Session
from tests.factories import DocumentFactory, EditorFactory, RecordingFactory, SessionFactory
from tests.page_parsing import links, markup_problems, section, visible_text

pytestmark = pytest.mark.django_db

SEED_URL = "/sessions/mexico-the-national-digital-strategy-and-the-msh-model/"
OOXML = "application/vnd.openxmlformats-officedocument"
A_PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def recordings_section(client, **headers) -> str:
    return section(client.get(SEED_URL, **headers).content.decode(), "recordings-heading")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def uploaded_document(session, name="Proposal.pdf", content=A_PDF, **fields) -> Document:
    document = Document(session=session, title="The proposal", file=upload(name, content), **fields)
    document.full_clean()
    document.save()
    return document


# Recordings on the page


def test_a_youtube_recording_is_a_link_until_pressed_with_the_private_player_to_put_in(
    client, seed_session
):
    RecordingFactory(
        session=seed_session,
        url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        title="Opening",
        length=datetime.timedelta(hours=1, minutes=2, seconds=5),
    )
    recordings = recordings_section(client)
    # Nothing is loaded from YouTube: no frame, no script, no image; only a link to it.
    assert "<iframe" not in recordings and "<img" not in recordings
    assert links(recordings) == [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "▶ Play: Opening 1:02:05 · English · YouTube",
        )
    ]
    player_src = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
    assert f'<div class="player" data-player-src="{player_src}"' in recordings
    assert "Pressing play loads YouTube's player." in visible_text(recordings)


@pytest.mark.parametrize(
    ("url", "player_src"),
    [
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://www.youtube.com/live/dQw4w9WgXcQ?si=x", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        ("https://player.vimeo.com/video/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
    ],
)  # fmt: skip
def test_youtube_and_vimeo_addresses_of_every_form_get_the_private_player(
    client, seed_session, url, player_src
):
    RecordingFactory(session=seed_session, url=url)
    assert f'data-player-src="{player_src}' in recordings_section(client)


def test_a_media_file_plays_in_the_page_without_loading_until_asked(client, seed_session):
    RecordingFactory(session=seed_session, url="https://media.example.org/day-1.mp3", title="Audio")
    RecordingFactory(session=seed_session, url="https://media.example.org/day-1.webm", order=1)
    recordings = recordings_section(client)
    assert '<audio controls preload="none" src="https://media.example.org/day-1.mp3">' in recordings
    assert (
        '<video controls preload="none" src="https://media.example.org/day-1.webm">' in recordings
    )


def test_any_other_recording_is_a_plain_link(client, seed_session):
    RecordingFactory(
        session=seed_session, url="https://webcast.intgovforum.org/igf-2015/ws-12", title="Webcast"
    )
    recordings = recordings_section(client)
    assert links(recordings) == [("https://webcast.intgovforum.org/igf-2015/ws-12", "Webcast")]
    assert "data-player-src" not in recordings


def test_an_invalid_youtube_address_is_a_plain_link_not_a_broken_player(client, seed_session):
    RecordingFactory(session=seed_session, url="https://www.youtube.com/watch?v=<script>")
    assert "data-player-src" not in recordings_section(client)


def test_recordings_in_several_languages_come_by_language_the_visitors_first(client, seed_session):
    for order, language in enumerate(["en", "es", "fr", "ar", "ru", "zh"]):
        RecordingFactory(session=seed_session, language=language, order=order)

    def headings(**headers) -> list[str]:
        return re.findall(
            r"<h3 id=\"recordings-[^\"]+\">([^<]+)</h3>", recordings_section(client, **headers)
        )

    assert headings() == [
        "In English", "In Spanish", "In French", "In Arabic", "In Russian", "In Simplified Chinese",
    ]  # fmt: skip
    # The French page names French first, the Spanish one Spanish (in their own words).
    assert len(headings(HTTP_ACCEPT_LANGUAGE="fr")) == 6
    assert "français" in headings(HTTP_ACCEPT_LANGUAGE="fr")[0].lower()
    assert "español" in headings(HTTP_ACCEPT_LANGUAGE="es")[0].lower()


def test_a_page_with_one_language_names_no_language_heading(client, seed_session):
    RecordingFactory(session=seed_session)
    RecordingFactory(session=seed_session)
    assert "<h3" not in recordings_section(client)


def test_a_session_without_recordings_or_documents_shows_neither_nor_the_script(
    client, seed_session
):
    content = client.get(SEED_URL).content.decode()
    assert "recordings-heading" not in content
    assert "documents-heading" not in content
    assert "players.js" not in content


def test_the_player_script_comes_with_recordings_and_the_page_stays_valid(client, seed_session):
    RecordingFactory(session=seed_session, title='<b>"Bold"</b> & co')
    content = client.get(SEED_URL).content.decode()
    assert re.search(r'<script src="[^"]*js/players\.js" defer></script>', content)
    assert "<b>" not in section(content, "recordings-heading")
    assert markup_problems(content) == []


def test_the_policy_frames_only_the_private_players_and_still_allows_no_inline_code(
    client, seed_session
):
    RecordingFactory(session=seed_session)
    policy = client.get(SEED_URL)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["frame-src"] == "https://www.youtube-nocookie.com https://player.vimeo.com"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert directives["script-src"] == "'self'"


# Documents on the page


def test_documents_are_listed_with_kind_language_and_for_files_type_and_size(client, seed_session):
    DocumentFactory(
        session=seed_session,
        title="Workshop proposal",
        kind=Document.Kind.PROPOSAL,
        url="https://www.intgovforum.org/proposals/12.pdf",
        language="es",
    )
    uploaded = uploaded_document(seed_session, kind=Document.Kind.PRESENTATION, order=1)
    documents = section(client.get(SEED_URL).content.decode(), "documents-heading")
    assert links(documents) == [
        ("https://www.intgovforum.org/proposals/12.pdf", "Workshop proposal"),
        (f"{SEED_URL}documents/{uploaded.pk}/", "The proposal"),
    ]
    text = visible_text(documents)
    assert "Proposal · Spanish" in text
    assert f"Presentation · English · PDF, {len(A_PDF)} bytes" in text


# Downloads


def test_an_uploaded_document_downloads_as_an_attachment_of_its_own_type(client, seed_session):
    document = uploaded_document(seed_session)
    response = client.get(f"{SEED_URL}documents/{document.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == A_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Proposal.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "public" in response["Cache-Control"]


def test_a_drafts_document_is_for_editors_only(client, seed_session):
    document = uploaded_document(seed_session)
    Session.objects.filter(pk=seed_session.pk).update(status=Session.Status.DRAFT)
    url = f"{SEED_URL}documents/{document.pk}/"
    assert client.get(url).status_code == 404
    client.force_login(EditorFactory())
    response = client.get(url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "path", ["documents/999999/", "documents/abc/", "../other-session/documents/{pk}/"]
)
def test_unknown_or_mismatched_documents_are_not_found(client, seed_session, path):
    document = uploaded_document(seed_session)
    SessionFactory(title="Other session", status=Session.Status.PUBLISHED)
    url = f"{SEED_URL}{path.format(pk=document.pk)}"
    assert client.get(url).status_code == 404


def test_a_link_document_has_no_download_and_a_missing_file_is_not_found(client, seed_session):
    link = DocumentFactory(session=seed_session)
    assert client.get(f"{SEED_URL}documents/{link.pk}/").status_code == 404
    document = uploaded_document(seed_session)
    document.file.storage.delete(document.file.name)
    assert client.get(f"{SEED_URL}documents/{document.pk}/").status_code == 404


# What may be uploaded


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>", "not accepted"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "not accepted"),
        ("fake.pdf", b"<html><script>alert(1)</script></html>", "not those of a “.pdf” file"),
        ("notes.txt", b"<!doctype html><script>alert(1)</script>", "not those of a “.txt” file"),
        ("binary.txt", b"\x00\x01\x02\xff\xfe", "not those of a “.txt” file"),
        ("no-extension", A_PDF, "not accepted"),
    ],
)
def test_uploads_that_could_run_in_a_browser_or_lie_about_their_type_are_refused(
    seed_session, name, content, problem
):
    with pytest.raises(ValidationError, match=problem):
        uploaded_document(seed_session, name=name, content=content)
    assert not Document.objects.exists()


def test_an_upload_over_the_limit_is_refused_with_both_sizes(seed_session, settings):
    settings.CATALOGUE_DOCUMENT_MAX_BYTES = 1 << 20
    with pytest.raises(ValidationError, match=r"The file is 2.0 MB; the largest accepted is 1 MB"):
        uploaded_document(seed_session, content=A_PDF + b" " * (2 << 20))


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("notes.txt", "Café notes\n".encode(), "text/plain; charset=utf-8"),
        ("slides.pptx", b"PK\x03\x04rest", f"{OOXML}.presentationml.presentation"),
        ("photo.JPG", b"\xff\xd8\xff\xe0rest", "image/jpeg"),
        ("paper.odt", b"PK\x03\x04rest", "application/vnd.oasis.opendocument.text"),
    ],
)  # fmt: skip
def test_accepted_types_are_served_with_their_own_content_type(
    client, seed_session, name, content, content_type
):
    document = uploaded_document(seed_session, name=name, content=content)
    response = client.get(f"{SEED_URL}documents/{document.pk}/")
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_document_is_either_a_link_or_a_file(seed_session):
    with pytest.raises(ValidationError, match="either a link or a file"):
        Document(session=seed_session, title="Nothing").full_clean()
    both = Document(
        session=seed_session,
        title="Both",
        url="https://example.org/a.pdf",
        file=upload("a.pdf", A_PDF),
    )
    with pytest.raises(ValidationError, match="either a link or a file"):
        both.full_clean()


def test_a_replaced_file_records_its_own_size(seed_session):
    document = uploaded_document(seed_session)
    document.file = upload("Longer.pdf", A_PDF * 3)
    document.save()
    document.refresh_from_db()
    assert document.size == 3 * len(A_PDF)


# Queries


@pytest.mark.parametrize("session_count", [1, 201])
def test_a_page_with_recordings_documents_and_a_report_runs_a_constant_number_of_queries(
    client, django_assert_num_queries, make_catalogue, seed_session, session_count
):
    make_catalogue(session_count)
    for session in Session.objects.published():
        RecordingFactory(session=session, url="https://youtu.be/dQw4w9WgXcQ")
        RecordingFactory(session=session, url="https://vimeo.com/76979871", language="es")
        RecordingFactory(session=session, url="https://media.example.org/a.mp3", language="fr")
        DocumentFactory(session=session)
        uploaded_document(session)
    Session.objects.filter(pk=seed_session.pk).update(key_takeaways="<ol><li>Open data.</li></ol>")
    # As any session page (test_pages.py): recordings and documents are a query each.
    with django_assert_num_queries(11):
        response = client.get(SEED_URL)
    content = response.content.decode()
    assert content.count('class="recording"') == 3
    assert "documents-heading" in content and "report-heading" in content
