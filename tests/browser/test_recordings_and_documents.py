"""Watching a recording and taking a document away, in a real browser: the player of
a third party loads only when pressed; an editor's upload downloads safely."""

import re

import pytest
from playwright.sync_api import expect

from sessions.models import Document, Recording, Session
from tests.browser.conftest import sign_in
from tests.browser.pages import THE_MEXICO_SESSION

pytestmark = pytest.mark.browser

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
EMBED = "https://www.youtube-nocookie.com/embed/"
PRIVATE_PLAYER = f"{EMBED}dQw4w9WgXcQ?autoplay=1"
A_PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def recorded_session(catalogue):
    session = Session.objects.get(title=THE_MEXICO_SESSION)
    Recording.objects.create(session=session, url=YOUTUBE, title="Floor", language="en")
    return session


def stand_in_for(page, host_pattern: str) -> None:
    """Answer for a third party's host, so that the test needs no internet."""
    page.route(
        host_pattern,
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<!doctype html><title>Player</title>"
        ),
    )


def test_a_visitor_presses_play_and_only_then_the_private_player_loads(
    live_server, recorded_session, page
):
    elsewhere = []
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(live_server.url) else elsewhere.append(request.url)
        ),
    )
    stand_in_for(page, "https://www.youtube-nocookie.com/**")
    page.goto(live_server.url + recorded_session.get_absolute_url(), wait_until="networkidle")
    assert elsewhere == [], "the page asked a third party before play was pressed"
    assert page.locator("iframe").count() == 0

    # Waited for: the page's own load state was idle long before, so waiting for that
    # again returned before the player's frame had asked for anything.
    with page.expect_request(lambda request: request.url.startswith(EMBED)):
        page.get_by_role("button", name=re.compile("Play: Floor")).click()

    player = page.locator("iframe.player-frame")
    expect(player).to_have_attribute("src", PRIVATE_PLAYER)
    expect(player).to_be_focused()
    page.wait_for_load_state("networkidle")
    assert elsewhere and all(url.startswith(EMBED) for url in elsewhere), elsewhere


def test_without_javascript_the_recording_is_a_link_that_opens_it(
    live_server, recorded_session, new_context
):
    page = new_context(java_script_enabled=False).new_page()
    stand_in_for(page, "https://www.youtube.com/**")
    page.goto(live_server.url + recorded_session.get_absolute_url())
    page.get_by_role("link", name=re.compile("Play: Floor")).click()
    page.wait_for_url(YOUTUBE)


def add_document(page, title: str, name: str, content: bytes, mime_type: str) -> None:
    """Add a document row on the open session form, upload `name`, and save."""
    page.locator("#documents-group .add-row a").click()
    row = page.locator("#documents-group tr.form-row:not(.empty-form)").last
    row.locator("input[name$='-title']").fill(title)
    row.locator("select[name$='-kind']").select_option("proposal")
    row.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": mime_type, "buffer": content}]
    )
    page.locator("input[name=_continue]").click()
    page.wait_for_load_state()


def test_an_editor_uploads_a_pdf_that_downloads_safely_and_an_html_page_is_refused(
    live_server, catalogue, editor, page
):
    session = Session.objects.get(title=THE_MEXICO_SESSION)
    sign_in(live_server.url, page, editor)
    page.goto(f"{live_server.url}/admin/catalogue/session/{session.pk}/change/")

    add_document(page, "Proposal as uploaded", "proposal.pdf", A_PDF, "application/pdf")
    expect(page.locator(".messagelist .success")).to_be_visible()
    document = Document.objects.get(session=session, title="Proposal as uploaded")

    # A visitor follows the link on the session's page and gets the file as a download.
    visitor = page.context.browser.new_context()
    visitor_page = visitor.new_page()
    visitor_page.goto(live_server.url + session.get_absolute_url())
    link = visitor_page.get_by_role("link", name="Proposal as uploaded")
    with visitor_page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "proposal.pdf"
    with open(download.path(), "rb") as downloaded:
        assert downloaded.read() == A_PDF
    response = visitor.request.get(live_server.url + document.get_absolute_url())
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'attachment; filename="proposal.pdf"'
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in response.headers["content-security-policy"]
    visitor.close()

    for name, content, mime_type in [
        ("page.html", b"<!doctype html><script>alert(document.cookie)</script>", "text/html"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "image/svg+xml"),
    ]:
        add_document(page, "Something else", name, content, mime_type)
        expect(page.locator(".errorlist").first).to_contain_text("are not accepted")
        page.goto(f"{live_server.url}/admin/catalogue/session/{session.pk}/change/")
    uploads = Document.objects.filter(session=session).exclude(file="")
    assert list(uploads.values_list("title", flat=True)) == ["Proposal as uploaded"]
