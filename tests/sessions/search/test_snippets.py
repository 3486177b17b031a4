"""Snippets: each search result shows where it matches, marked, and nothing else of its
markup."""

import re

import pytest

from sessions.search import START_MARK, STOP_MARK, marked_snippet
from tests.factories import ParticipantFactory, SessionFactory, SpeakerFactory, TranscriptFactory
from tests.page_parsing import markup_problems

pytestmark = pytest.mark.django_db


def snippets(content: str) -> list[str]:
    return re.findall(r'<p class="snippet"[^>]*>(.*?)</p>', content, re.S)


def test_each_result_shows_a_snippet_with_the_match_marked(client, committed):
    with committed():
        session = SessionFactory(
            title="Local content",
            description="<p>Local languages need <strong>local content</strong> online.</p>",
        )
        TranscriptFactory(session=session, text="Translation matters for minority languages.")
    content = client.get("/sessions/?q=languages").content.decode()
    # PostgreSQL's headline ends at the last word, FTS5's snippet at the end of the text.
    [snippet] = snippets(content)
    assert snippet.removesuffix(".") == "Local <mark>languages</mark> need local content online"


def test_a_match_in_the_transcript_only_shows_the_transcript_around_it(client, committed):
    opening = "Good morning and welcome to this session. " * 200  # far beyond a snippet
    with committed():
        session = SessionFactory(title="Open forum", description="<p>Devices everywhere.</p>")
        TranscriptFactory(
            session=session,
            text=f"{opening}Our regulators published strategies on spectrum. Thank you.",
        )
    [snippet] = snippets(client.get("/sessions/?q=strategy").content.decode())
    assert "published <mark>strategies</mark> on spectrum" in snippet


def test_a_title_only_match_shows_the_title_marked(client, committed):
    with committed():
        SessionFactory(title="Internet of Things", description="<p>Devices everywhere.</p>")
    [snippet] = snippets(client.get("/sessions/?q=things").content.decode())
    assert snippet == "Internet of <mark>Things</mark>"


def test_a_speaker_only_match_shows_the_description(client, committed):
    with committed():
        ParticipantFactory(
            session=SessionFactory(title="Panel", description="<p>Devices everywhere.</p>"),
            speaker=SpeakerFactory(name="Grace Hopper"),
        )
    assert snippets(client.get("/sessions/?q=hopper").content.decode()) == ["Devices everywhere."]


HOSTILE_DESCRIPTION = (
    "<p>Privacy &lt;script&gt;alert(1)&lt;/script&gt; "
    '<img src=x onerror="alert(2)"> <a href="javascript:alert(3)">privacy</a> '
    "&lt;mark&gt;not a mark&lt;/mark&gt; and &amp;lt;b&amp;gt; privacy</p>"
)


def test_hostile_html_never_reaches_the_page_through_a_snippet(client, committed):
    with committed():
        session = SessionFactory(title="Hostile", description=HOSTILE_DESCRIPTION)
        TranscriptFactory(
            session=session,
            text=f"privacy <script>alert(4)</script> {START_MARK}<img src=x onerror=alert(5)>",
        )
    content = client.get("/sessions/?q=privacy").content.decode()
    [snippet] = snippets(content)
    assert "<mark>privacy</mark>" in snippet.lower()
    without_marks = snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in without_marks and ">" not in without_marks
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in snippet
    assert "&lt;mark&gt;not a mark&lt;/mark&gt;" in snippet
    assert snippet.count("<mark>") == snippet.count("</mark>")
    assert "<script>alert" not in content
    assert "<img" not in content
    assert markup_problems(content) == []


def test_a_snippet_is_escaped_and_only_its_marks_are_markup():
    headline = f"a &lt;b&gt; {START_MARK}x{STOP_MARK} {STOP_MARK}<i>{START_MARK}y & z"
    assert marked_snippet(headline, is_html=True) == (
        "a &lt;b&gt; <mark>x</mark> &lt;i&gt;<mark>y &amp; z</mark>"
    )
    assert marked_snippet("AT&amp;T <b>", is_html=False) == "AT&amp;amp;T &lt;b&gt;"


def test_the_list_without_a_search_shows_no_snippet(client, committed):
    with committed():
        SessionFactory(title="Spam")
    assert snippets(client.get("/sessions/").content.decode()) == []
