"""Searching sessions: /sessions/?q=

PostgreSQL searches a weighted full-text vector, SQLite an FTS5 table of the same
words; both are kept current by signals and the importer. Tests marked `postgres` hold
on PostgreSQL only; the others hold on both databases.
"""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command

from sessions.models import Participant, Session
from sessions.search.fts5_query import FullTextQuery, full_text_query
from tests.conftest import on_postgresql
from tests.factories import (
    ParticipantFactory,
    SessionFactory,
    SpeakerFactory,
    StrategyFactory,
    TagFactory,
    TopicFactory,
    TranscriptFactory,
    VenueFactory,
)
from tests.page_parsing import first_element, link_texts, links, markup_problems, visible_text
from tests.sessions.search.results import found

pytestmark = pytest.mark.django_db

MEXICO_TITLE = "Mexico: The National Digital Strategy and the MSH model"


def titles(client, query: str) -> list[str]:
    response = client.get(f"/sessions/?{query}")
    assert response.status_code == 200
    return link_texts(response.content.decode(), "session-tile-title")


# Ranking and stemming


def test_national_digital_strategy_finds_the_mexico_session_first(client):
    call_command("load_demo_data", stdout=StringIO(), stderr=StringIO())
    found_titles = titles(client, "q=national+digital+strategy")
    assert found_titles[0] == MEXICO_TITLE
    assert "Mexico's National Digital Strategy three years on" in found_titles


def test_a_word_finds_its_other_forms(committed):
    with committed():
        SessionFactory(title="A strategy for broadband")
        SessionFactory(title="Regulating platforms")
    assert found("strategies") == ["A strategy for broadband"]
    assert found("regulation") == ["Regulating platforms"]


def test_a_title_match_ranks_above_a_description_match_above_a_transcript_match(committed):
    with committed():
        SessionFactory(title="In description", description="<p>On interoperability.</p>")
        in_transcript = SessionFactory(title="In transcript", description="<p>Nothing.</p>")
        TranscriptFactory(session=in_transcript, text="We spoke of interoperability at length.")
        SessionFactory(title="In title: interoperability", description="<p>Nothing here.</p>")
        SessionFactory(title="Not found", description="<p>Open data.</p>")
    # PostgreSQL ranks by the title, tags and speakers alone (`rank_vector`): matches in
    # a description or a transcript only rank equal, and the later session comes first.
    in_order = ["In description", "In transcript"]
    others = in_order[::-1] if on_postgresql() else in_order
    assert found("interoperability") == ["In title: interoperability", *others]


def test_tags_and_speakers_rank_between_title_and_description(committed):
    with committed():
        SessionFactory(title="By description", description="<p>About broadband.</p>")
        SessionFactory(title="By tag", tags=[TagFactory(name="Broadband")])
        SessionFactory(title="By title: broadband")
    assert found("broadband") == ["By title: broadband", "By tag", "By description"]


def test_relevance_is_the_default_order_of_a_search_then_views_then_date(client, committed):
    with committed():
        SessionFactory(title="Old: cybersecurity", date=datetime.date(2008, 12, 3))
        SessionFactory(title="Viewed, description only", description="<p>cybersecurity</p>")
        SessionFactory(title="New: cybersecurity", date=datetime.date(2019, 11, 26))
        SessionFactory(title="Viewed: cybersecurity", date=datetime.date(2006, 10, 30))
        Session.objects.filter(title__startswith="Viewed").update(views=500)
    assert titles(client, "q=cybersecurity") == [
        "Viewed: cybersecurity",
        "New: cybersecurity",
        "Old: cybersecurity",
        "Viewed, description only",
    ]
    assert titles(client, "q=cybersecurity&sort=title") == [
        "New: cybersecurity",
        "Old: cybersecurity",
        "Viewed, description only",
        "Viewed: cybersecurity",
    ]


def test_html_in_a_description_is_not_searched_as_words(committed):
    with committed():
        SessionFactory(title="Tables", description="<table><tr><td>Spectrum</td></tr></table>")
    assert found("spectrum") == ["Tables"]
    assert found("td") == []


def test_a_title_match_outranks_a_description_match_however_long_the_transcripts(committed):
    # SQLite's bm25() divides by the length of the whole row: not how the rank is made.
    with committed():
        talked = SessionFactory(title="Spectrum policy", description="<p>Nothing here.</p>")
        TranscriptFactory(session=talked, text="Many words were spoken that day. " * 3000)
        SessionFactory(title="Short", description="<p>Spectrum.</p>")
        SessionFactory(title="Unrelated")
    assert found("spectrum") == ["Spectrum policy", "Short"]


def test_a_speaker_match_ranks_between_title_and_description(committed):
    with committed():
        SessionFactory(title="By description", description="<p>With Okonjo.</p>")
        ParticipantFactory(
            session=SessionFactory(title="By speaker"), speaker=SpeakerFactory(name="Ngozi Okonjo")
        )
        SessionFactory(title="By title: Okonjo")
    assert found("okonjo") == ["By title: Okonjo", "By speaker", "By description"]


# What a search says: quotes, OR, -word, stop words, as websearch_to_tsquery reads them


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("human rights", ["Human rights online", "Rights for every human"]),
        ("humans", ["Human rights online", "Rights for every human"]),
        ('"human rights"', ["Human rights online"]),  # the words together, in order
        ('"rights human"', []),
        ('"human rights', ["Human rights online"]),  # a quote left open runs to the end
        ("privacy OR spectrum", ["Rights for every human", "Spectrum auctions"]),
        ("privacy or spectrum", ["Rights for every human", "Spectrum auctions"]),
        (
            "human rights or spectrum",
            ["Human rights online", "Rights for every human", "Spectrum auctions"],
        ),
        ("rights -privacy", ["Human rights online"]),
        ('rights -"every human"', ["Human rights online"]),
        # Only words to leave out: every session without them, as on PostgreSQL.
        ("-rights", ["Internet of Things", "Spectrum auctions"]),
        ('-"human rights"', ["Internet of Things", "Rights for every human", "Spectrum auctions"]),
        ("the internet", ["Internet of Things"]),  # stop words are left out
        ("the of", []),  # and a search of nothing else finds nothing
        ("OR", []),
        ("spectrum or", ["Spectrum auctions"]),
    ],
)
def test_quotes_or_and_dashes_read_as_on_a_web_search_engine(committed, text, expected):
    with committed():
        SessionFactory(title="Human rights online", description="<p>Rights come first.</p>")
        SessionFactory(title="Rights for every human", description="<p>Privacy matters.</p>")
        SessionFactory(title="Spectrum auctions", description="<p>Radio.</p>")
        SessionFactory(title="Internet of Things", description="<p>Devices.</p>")
    assert sorted(found(text)) == expected


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("national digital strategy", '("national" AND "digital" AND "strategy")'),
        ('"human rights" -privacy', '("human rights" NOT ("privacy"))'),
        ("x or y -w z", '("x") OR ("y" AND "z" NOT ("w"))'),
        (
            'NEAR(x y) title:z ^w x* "q""',
            '("NEAR(x" AND "y" AND "title:z" AND "w" AND "x" AND "q")',
        ),
        ("state-of-the-art Mexico's", '("state-of-the-art" AND "Mexico")'),
        ('x"y""z', '("x" AND "y" AND "z")'),  # quotes only open and close phrases
        ("the OR \x00", None),
    ],
)
def test_a_search_becomes_fts5_strings_only(text, match):
    # FTS5's operators (NEAR, column:, ^, *) are words in a string, or no words at all.
    assert getattr(full_text_query(text), "match", None) == match


def test_a_search_of_words_to_leave_out_only_excludes_them():
    assert full_text_query("-x -y") == FullTextQuery(match="", exclude='("x" OR "y")', phrases=1)
    assert full_text_query("-x or -y").exclude == '("x") AND ("y")'
    assert full_text_query("x or -y").match == '("x")'  # "or anything but y": dropped


# Sort choices


def test_relevance_is_a_sort_choice_only_when_searching(client, committed):
    with committed():
        SessionFactory(title="Youth and the Internet")
    searched = client.get("/sessions/?q=youth").content.decode()
    sort_links = links(first_element(searched, "nav", "sort"))
    assert sort_links[0] == ("?q=youth", "Relevance")
    assert ("?q=youth&sort=-date", "Newest first") in sort_links
    assert 'aria-current="true">Relevance<' in searched
    listed = client.get("/sessions/").content.decode()
    assert "Relevance" not in visible_text(first_element(listed, "nav", "sort"))


def test_relevance_without_a_search_is_ignored(client):
    SessionFactory(title="Youth and the Internet")
    response = client.get("/sessions/?sort=relevance")
    assert response.status_code == 200
    assert response.context["filter"].sort_order == "-date"


def test_removing_the_search_drops_its_relevance_order(client, committed):
    with committed():
        SessionFactory(title="Youth and the Internet", venue=VenueFactory(city="Kyoto"))
    content = client.get("/sessions/?venue=kyoto-testland&q=youth&sort=relevance").content
    chips = {text: href for href, text in links(content.decode()) if "remove" in text}
    assert chips["Search: “youth” × (remove this filter)"] == "/sessions/?venue=kyoto-testland"


# What is searched, on both databases


def test_a_speakers_name_finds_their_sessions(client, committed):
    speaker = SpeakerFactory(name="Nnenna Nwakanma", organisation="World Wide Web Foundation")
    with committed():
        for title in ("Open data for Africa", "Web we want"):
            ParticipantFactory(session=SessionFactory(title=title), speaker=speaker)
        SessionFactory(title="Someone else's")
    assert sorted(titles(client, "q=Nwakanma")) == ["Open data for Africa", "Web we want"]
    assert sorted(titles(client, "q=nnenna+nwakanma")) == ["Open data for Africa", "Web we want"]


def test_an_organisation_finds_its_sessions(client, committed):
    with committed():
        ParticipantFactory(
            session=SessionFactory(title="Routing security"),
            speaker=SpeakerFactory(organisation="Internet Society"),
        )
        SessionFactory(title="Unrelated")
    assert titles(client, "q=Internet+Society") == ["Routing security"]


def test_a_tag_finds_its_sessions(client, committed):
    with committed():
        SessionFactory(title="Addresses for all", tags=[TagFactory(name="IPv6")])
        SessionFactory(title="Unrelated")
    assert titles(client, "q=ipv6") == ["Addresses for all"]


def test_a_transcript_in_any_language_finds_its_session(client, committed):
    with committed():
        session = SessionFactory(title="Multilingual Internet")
        TranscriptFactory(session=session, language="en", text="Good morning.")
        TranscriptFactory(session=session, language="es", text="Buenos días, Montevideo.")
        SessionFactory(title="Unrelated")
    assert titles(client, "q=montevideo") == ["Multilingual Internet"]


def test_every_word_of_a_search_must_match_somewhere(client, committed):
    with committed():
        both = SessionFactory(title="Broadband maps", description="<p>Rural access.</p>")
        SessionFactory(title="Broadband for cities")
        SessionFactory(title="Rural schools")
        TranscriptFactory(session=SessionFactory(title="Spoken"), text="broadband in rural areas")
    assert sorted(titles(client, "q=broadband+rural")) == [both.title, "Spoken"]


def test_drafts_are_never_found(client, committed):
    with committed():
        SessionFactory(title="Draft on spam", status=Session.Status.DRAFT)
        SessionFactory(title="Published on spam")
    assert titles(client, "q=spam") == ["Published on spam"]


def test_a_session_matching_in_several_places_is_listed_once(client, committed):
    with committed():
        session = SessionFactory(title="Cloud computing", description="<p>Cloud</p>")
        session.tags.add(TagFactory(name="Cloud"), TagFactory(name="Cloud services"))
        for role in (Participant.Role.SPEAKER, Participant.Role.MODERATOR):
            ParticipantFactory(
                session=session, speaker=SpeakerFactory(organisation="Cloud Alliance"), role=role
            )
        TranscriptFactory(session=session, text="cloud cloud cloud")
    response = client.get("/sessions/?q=cloud")
    assert titles(client, "q=cloud") == ["Cloud computing"]
    assert response.context["page"].paginator.count == 1


# No results


def test_a_search_without_results_suggests_removing_each_filter(client, committed):
    kyoto = VenueFactory(city="Kyoto", country="Japan")
    with committed():
        SessionFactory(
            title="Artificial intelligence",
            venue=kyoto,
            date=datetime.date(2023, 10, 9),
            topic=TopicFactory(name="AI"),
        )
        SessionFactory(title="Artificial intelligence in 2015", date=datetime.date(2015, 11, 10))
    content = client.get("/sessions/?year=2023&topic=ai&q=intelligence+2015").content.decode()
    suggestions = first_element(content, "div", "empty search-suggestions")
    assert "No sessions match “intelligence 2015” with these filters." in visible_text(suggestions)
    assert links(suggestions) == [
        ("/sessions/?topic=ai&q=intelligence+2015", "Without year: 2023"),
        ("/sessions/?year=2023&q=intelligence+2015", "Without topic: AI"),
        ("/sessions/?q=intelligence+2015", "Search every session for “intelligence 2015”"),
    ]
    assert titles(client, "q=intelligence+2015") == ["Artificial intelligence in 2015"]


def test_a_search_without_results_and_without_filters_suggests_other_words(client):
    SessionFactory(title="Artificial intelligence")
    content = client.get("/sessions/?q=quantum").content.decode()
    suggestions = visible_text(first_element(content, "div", "empty search-suggestions"))
    assert suggestions.startswith("No sessions match “quantum”.")
    assert "Check the spelling" in suggestions


def test_an_empty_list_without_a_search_keeps_its_message(client):
    SessionFactory(date=datetime.date(2015, 11, 10))
    content = client.get("/sessions/?year=2015&type=open-forum").content.decode()
    assert "search-suggestions" not in content


# Hostile searches

HOSTILE_SEARCHES = [
    '"',
    '"unbalanced',
    "'",
    "it's",
    '""',
    "a & b",
    "&",
    "|",
    "a | b",
    "!",
    "!!a",
    "<->",
    "a <-> b",
    "a <2> b",
    ":*",
    "a:*",
    "a:A",
    "\\",
    "\\\\",
    "a\\",
    "\x00",
    "a\x00b",
    "\x01\x1f\x7f",
    "()",
    "(a",
    "a)",
    "-",
    "- -a",
    "or",
    "OR OR",
    "a or",
    "the",
    "%",
    "_",
    "*",
    "'; DROP TABLE catalogue_session; --",
    "1' OR '1'='1",
    "1) OR (1=1",
    "$$",
    "{a}",
    "[a]",
    "é" * 200,
    "x" * 200,
    "x" * 201,
    "word " * 40,
    "données ouvertes",
    "数字战略",
    "الاستراتيجية الرقمية",
    "🙂 strategy",
    "\u202e\u200b",
    "\ud7ff\ue000\ue001",
    "<script>alert(1)</script>",
    "strategy\n\tdigital",
    # FTS5's query syntax
    "NEAR(strategy digital)",
    "strategy NEAR/2 digital",
    "strategy NOT digital",
    "strategy AND",
    "AND",
    "NOT",
    "NEAR",
    "title:strategy",
    "{title transcripts}: strategy",
    "- title : strategy",
    "^strategy",
    "strat*",
    "*",
    '"strategy" "digital',
    '""""',
    "+strategy",
    "(((((",
    ")))))",
    "strategy)(digital",
    "!" * 200,
    '"' * 200,
    "-" * 200,
    ".,;:!?()[]{}*^+-" * 12,
    "\x00" * 200,
    "strategy\x00digital",
]


@pytest.mark.parametrize("text", HOSTILE_SEARCHES)
def test_hostile_searches_never_give_a_server_error(client, committed, text):
    with committed():
        session = SessionFactory(title="National digital strategy")
        TranscriptFactory(session=session, text="the strategy of 2013")
    response = client.get("/sessions/", {"q": text, "sort": "relevance"}, follow=True)
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()
    assert markup_problems(response.content.decode()) == []


def test_a_search_for_a_word_of_the_title_with_punctuation_finds_it(client, committed):
    with committed():
        SessionFactory(title="Mexico's strategy")
    for text in ('"strategy"', "strategy!", "(strategy)", "strategy:*"):
        assert titles(client, f"q={text}") == ["Mexico's strategy"], text


# Query counts


@pytest.mark.parametrize("session_count", [1, 201])
def test_search_query_count(
    client, committed, django_assert_num_queries, make_catalogue, session_count
):
    with committed():
        sessions = make_catalogue(session_count)
        for session in sessions[:25]:
            TranscriptFactory(session=session, text="Catalogue transcript.")
            session.tags.add(TagFactory(name="Catalogue"))
    # The catalogue version; years with sessions; the facet counts (year, meeting, kind,
    # venue, type, topic, stakeholder), which also give those selects their choices: on
    # PostgreSQL one query that counts the list too, and the meetings, venues, types and
    # topics, elsewhere one query per facet and the list's count; the strategy and tag
    # choices; the page's sessions in order, then their tiles, the page's tags and their
    # snippets. Asked again, the page comes from the page cache: the version only.
    with django_assert_num_queries(13 if on_postgresql() else 16):
        response = client.get("/sessions/?q=catalogue")
    assert response.status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/sessions/?q=catalogue").content == response.content
    assert response.context["page"].paginator.count == session_count


# The search box in the header


HEADER_PAGES = [
    "/",
    "/sessions/",
    "/sessions/?q=strategy",
    "/sessions/a-session/",
    "/venues/",
    "/years/",
    "/years/2015/",
    "/strategies/",
    "/strategies/national-digital-strategy/",
    "/sessions/no-such-session/",
]


@pytest.mark.parametrize("url", HEADER_PAGES)
def test_the_search_box_is_in_the_header_of_every_page(client, url):
    SessionFactory(title="A session", date=datetime.date(2015, 11, 10))
    StrategyFactory(name="National Digital Strategy")
    content = client.get(url).content.decode()
    header = re.search(r'<header class="site-header">(.*?)</header>', content, re.S).group(1)
    form = re.search(r"<form[^>]*>.*?</form>", header, re.S).group(0)
    assert 'role="search"' in form
    assert 'method="get"' in form
    assert 'action="/sessions/"' in form
    input_id = re.search(r'<input type="search" id="([^"]+)" name="q"', form).group(1)
    assert f'<label for="{input_id}">' in form
    assert markup_problems(content) == []
