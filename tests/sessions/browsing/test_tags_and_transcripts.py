"""Tags (on session pages, in tiles, their own pages) and transcripts."""

import datetime
import re

import pytest
from django.conf import settings

from sessions.models import Session, Transcript
from tests.factories import (
    EditorFactory,
    ParticipantFactory,
    SessionFactory,
    SpeakerFactory,
    TagFactory,
    TranscriptFactory,
)
from tests.page_parsing import (
    first_element,
    link_texts,
    links,
    markup_problems,
    section,
    visible_text,
)

pytestmark = pytest.mark.django_db

SEED_URL = "/sessions/mexico-the-national-digital-strategy-and-the-msh-model/"
TRANSCRIPT_URL = f"{SEED_URL}transcript/"


def tag_links(markup: str) -> list[tuple[str, str]]:
    return links(first_element(markup, "ul", "tags"))


# Tags on session pages and in tiles


def test_session_page_shows_its_tags_by_name_linking_to_their_pages(client, seed_session):
    seed_session.tags.set([TagFactory(name="Open data"), TagFactory(name="National strategies")])
    content = client.get(SEED_URL).content.decode()
    assert tag_links(content) == [
        ("/tags/national-strategies/", "National strategies"),
        ("/tags/open-data/", "Open data"),
    ]


def test_session_page_without_tags_has_no_tag_list(client, seed_session):
    assert 'class="tags"' not in client.get(SEED_URL).content.decode()


@pytest.mark.parametrize(
    "url", ["/sessions/", "/venues/joao-pessoa-brazil/", "/years/2015/", "/tags/open-data/"]
)
def test_session_tiles_show_their_tags(client, seed_session, url):
    seed_session.tags.set([TagFactory(name="Open data"), TagFactory(name="AI")])
    content = client.get(url).content.decode()
    tiles = content.split('<li class="session-tile">')[1:]
    tile = next(tile for tile in tiles if seed_session.title in tile)
    assert tag_links(tile) == [("/tags/ai/", "AI"), ("/tags/open-data/", "Open data")]


def test_strategy_page_tiles_show_their_tags(client, seed_session):
    seed_session.tags.set([TagFactory(name="Open data")])
    strategy = seed_session.strategies.get()
    content = client.get(strategy.get_absolute_url()).content.decode()
    assert tag_links(content) == [("/tags/open-data/", "Open data")]


# Tag pages


@pytest.fixture
def tagged():
    open_data = TagFactory(name="Open data")
    youth = TagFactory(name="Youth")
    TagFactory(name="Unused")
    SessionFactory(title="Old", date=datetime.date(2007, 11, 12), tags=[open_data])
    SessionFactory(title="New", date=datetime.date(2015, 11, 12), tags=[open_data, youth])
    SessionFactory(title="Draft", status=Session.Status.DRAFT, tags=[open_data, youth])
    return open_data


def test_tag_page_lists_its_published_sessions_newest_first(client, tagged):
    content = client.get("/tags/open-data/").content.decode()
    assert '<h1 dir="auto">Open data</h1>' in content
    assert link_texts(content, "session-tile-title") == ["New", "Old"]
    assert "2 sessions" in visible_text(section(content, "sessions-heading"))
    assert ("/sessions/?tag=open-data", "Filter, search and sort these sessions") in links(content)


def test_tag_page_is_paginated(client):
    tag = TagFactory(name="Busy")
    SessionFactory.create_batch(23, tags=[tag])
    first = client.get("/tags/busy/").content.decode()
    second = client.get("/tags/busy/?page=2").content.decode()
    assert len(link_texts(first, "session-tile-title")) == 20
    assert len(link_texts(second, "session-tile-title")) == 3


def test_a_tag_without_published_sessions_has_no_page(client, tagged):
    # Its name is the editors' until a published session carries it.
    assert client.get("/tags/unused/").status_code == 404


def test_a_tag_of_drafts_only_is_nowhere_in_public(client):
    secret = TagFactory(name="Embargoed announcement")
    draft = SessionFactory(status=Session.Status.DRAFT, tags=[secret])
    SessionFactory(title="Public", tags=[TagFactory(name="Open data")])

    assert client.get(f"/tags/{secret.slug}/").status_code == 404
    listing = client.get("/sessions/").content.decode()
    assert "Open data" in listing
    assert "Embargoed announcement" not in listing
    assert "Embargoed announcement" not in client.get("/tags/").content.decode()
    filtered = client.get(f"/sessions/?tag={secret.slug}").content.decode()
    assert "There is no such tag." in filtered
    assert "Embargoed announcement" not in filtered
    assert draft.title not in filtered


def test_unknown_tag_is_a_404(client):
    assert client.get("/tags/no-such-tag/").status_code == 404


def test_tag_list_shows_tags_with_published_sessions_and_their_counts(client, tagged):
    content = client.get("/tags/").content.decode()
    items = [visible_text(item) for item in re.findall(r"<li>(.*?)</li>", content, re.S)]
    assert "Open data 2 sessions" in items
    assert "Youth 1 session" in items
    assert not any(item.startswith("Unused") for item in items)


# Transcripts


def test_session_page_links_to_its_transcript(client, seed_session):
    TranscriptFactory(session=seed_session)
    content = client.get(SEED_URL).content.decode()
    assert (TRANSCRIPT_URL, "Read the transcript") in links(content)


def test_session_page_without_a_transcript_has_no_link(client, seed_session):
    assert "/transcript/" not in client.get(SEED_URL).content.decode()


def test_transcript_page_shows_title_header_line_link_back_and_paragraphs(client, seed_session):
    TranscriptFactory(
        session=seed_session,
        text="Good morning.\n\nWelcome to the session on <Mexico's> strategy.\nFirst point.",
    )
    response = client.get(TRANSCRIPT_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", content) == [seed_session.title]
    assert visible_text(first_element(content, "p", "header-line")) == (
        "12 November 2015 - A Workshop on Other in João Pessoa, Brazil"
    )
    assert (SEED_URL, "← Back to the session") in links(content)
    transcript = first_element(content, "section", "transcript")
    assert "<p>Good morning.</p>" in transcript
    assert "<p>Welcome to the session on &lt;Mexico&#x27;s&gt; strategy.<br>First point.</p>" in (
        transcript
    )
    assert markup_problems(content) == []
    assert "<script" not in content


def test_transcript_page_names_each_language_when_there_are_several(client, seed_session):
    TranscriptFactory(session=seed_session, language="es", text="Buenos días.")
    TranscriptFactory(session=seed_session, language="en", text="Good morning.")
    content = client.get(TRANSCRIPT_URL).content.decode()
    assert [visible_text(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", content)] == [
        "Transcript in English",
        "Transcript in Spanish",
    ]
    assert '<section class="transcript" lang="es"' in content


def test_transcript_page_does_not_count_a_view(client, seed_session):
    TranscriptFactory(session=seed_session)
    client.get(TRANSCRIPT_URL, headers={"user-agent": "Mozilla/5.0 Firefox/128.0"})
    seed_session.refresh_from_db()
    assert seed_session.views == 41


def test_transcript_page_of_a_session_without_one_is_a_404(client, seed_session):
    assert client.get(TRANSCRIPT_URL).status_code == 404
    assert client.get("/sessions/no-such-session/transcript/").status_code == 404


def test_transcript_of_a_draft_is_for_editors_only(client):
    draft = SessionFactory(status=Session.Status.DRAFT)
    TranscriptFactory(session=draft)
    url = f"{draft.get_absolute_url()}transcript/"
    assert client.get(url).status_code == 404
    client.force_login(EditorFactory())
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_transcript_page_prints_without_navigation_or_link_back(client, seed_session):
    TranscriptFactory(session=seed_session)
    content = client.get(TRANSCRIPT_URL).content.decode()
    stylesheet = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    print_rules = re.search(r"@media print \{(.*?)\n\}", stylesheet, re.S).group(1)
    for hidden in ("back-link", "site-header nav", "site-search", "site-footer"):
        assert f".{hidden}" in print_rules
    assert '<p class="back-link">' in content


# Query counts: the same number whatever the size of the catalogue.

SESSION_COUNTS = [1, 201]


@pytest.fixture
def tagged_catalogue(make_catalogue):
    def make(session_count: int) -> list[Session]:
        sessions = make_catalogue(session_count)
        tags = [TagFactory(name=name) for name in ("Open data", "Youth", "AI")]
        # In bulk: these tests build 201 sessions twice over.
        Session.tags.through.objects.bulk_create(
            Session.tags.through(session=session, tag=tag)
            for number, session in enumerate(sessions)
            for tag in tags[: 1 + number % 3]
        )
        Transcript.objects.bulk_create(
            Transcript(session=session, text=f"Transcript {number}")
            for number, session in enumerate(sessions)
        )
        return sessions

    return make


@pytest.mark.parametrize("session_count", SESSION_COUNTS)
def test_tag_page_query_count(client, django_assert_num_queries, tagged_catalogue, session_count):
    tagged_catalogue(session_count)
    # The catalogue version, the tag, the count of its sessions, the page, their tags;
    # then from the page cache the version.
    with django_assert_num_queries(5):
        assert client.get("/tags/open-data/").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/tags/open-data/").status_code == 200


@pytest.mark.parametrize("session_count", SESSION_COUNTS)
def test_tag_list_query_count(client, django_assert_num_queries, tagged_catalogue, session_count):
    tagged_catalogue(session_count)
    with django_assert_num_queries(2):  # the catalogue version, the tags
        assert client.get("/tags/").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/tags/").status_code == 200


@pytest.mark.parametrize("session_count", SESSION_COUNTS)
def test_transcript_page_query_count(
    client, django_assert_num_queries, tagged_catalogue, session_count
):
    sessions = tagged_catalogue(session_count)
    TranscriptFactory(session=sessions[0], language="es")
    # The catalogue version, the session, its transcripts; then the version.
    url = f"{sessions[0].get_absolute_url()}transcript/"
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200


# What every public page shares, on the pages of speakers, tags and transcripts


@pytest.fixture
def people_pages(seed_session):
    ana = SpeakerFactory(name="Ana García", organisation="SCT", bio_link="https://example.org/")
    ParticipantFactory(session=seed_session, speaker=ana, role="organiser")
    ParticipantFactory(session=seed_session, speaker=ana, role="speaker")
    ParticipantFactory(session=seed_session, role="moderator")
    seed_session.tags.set([TagFactory(name="Open data"), TagFactory(name="AI")])
    TranscriptFactory(session=seed_session)
    TranscriptFactory(session=seed_session, language="es")
    return [
        SEED_URL,
        TRANSCRIPT_URL,
        "/speakers/",
        "/speakers/?q=ana",
        "/speakers/?q=nobody",
        "/speakers/ana-garcia/",
        "/tags/",
        "/tags/open-data/",
        "/sessions/?speaker=ana-garcia&stakeholder=government&tag=open-data",
    ]


def test_people_and_tag_pages_are_well_formed_with_headings_in_order(client, people_pages):
    for url in people_pages:
        response = client.get(url, headers={"user-agent": "Mozilla/5.0 Firefox/128.0"})
        assert response.status_code == 200, url
        assert not response.cookies, url
        content = response.content.decode()
        assert markup_problems(content) == [], url
        levels = [int(level) for level in re.findall(r"<h([1-6])[ >]", content)]
        assert levels.count(1) == 1, url
        for previous, level in zip(levels, levels[1:], strict=False):
            assert level <= previous + 1, f"{url}: h{previous} is followed by h{level}"
