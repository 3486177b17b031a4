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
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from sessions.browsing.filters import RELEVANCE_ORDER
from sessions.importing import Record, import_sessions
from sessions.models import Participant, Session
from sessions.search import (
    START_MARK,
    STOP_MARK,
    marked_snippet,
    refresh_search_vectors,
    search_sessions,
)
from sessions.search.fts5_query import FullTextQuery, full_text_query
from sessions.search.on_sqlite import TABLE
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

pytestmark = pytest.mark.django_db

MEXICO_TITLE = "Mexico: The National Digital Strategy and the MSH model"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what a commit would at the end of the block: the search
    vectors' refresh among it (a test's transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def titles(client, query: str) -> list[str]:
    response = client.get(f"/sessions/?{query}")
    assert response.status_code == 200
    return link_texts(response.content.decode(), "session-tile-title")


def found(text: str) -> list[str]:
    """The titles of the published sessions that a search for `text` finds, best first."""
    sessions = search_sessions(Session.objects.published(), text)
    return list(sessions.order_by(*RELEVANCE_ORDER).values_list("title", flat=True))


def snippets(content: str) -> list[str]:
    return re.findall(r'<p class="snippet"[^>]*>(.*?)</p>', content, re.S)


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


# Keeping the words current: PostgreSQL's vector, SQLite's row of the FTS5 table


def vector_of(session: Session) -> str:
    return str(Session.objects.values_list("search_vector", flat=True).get(pk=session.pk))


def index_writes(queries: CaptureQueriesContext) -> list[str]:
    """The statements among `queries` that wrote the search index."""
    written = "to_tsvector" if on_postgresql() else f"INTO {TABLE}"
    return [q["sql"] for q in queries.captured_queries if written in q["sql"]]


@pytest.mark.postgres
def test_the_vector_is_weighted_and_stemmed(committed):
    with committed():
        session = SessionFactory(title="Strategies", description="<p>Enabling <b>data</b></p>")
        session.tags.add(TagFactory(name="Youth"))
        ParticipantFactory(session=session, speaker=SpeakerFactory(name="Ada", organisation="ITU"))
        TranscriptFactory(session=session, text="Speaking")
    vector = vector_of(session)
    for lexeme, weight in [
        ("strategi", "A"),
        ("youth", "B"),
        ("ada", "B"),
        ("itu", "B"),
        ("enabl", "C"),
        ("data", "C"),
    ]:
        assert re.search(rf"'{lexeme}':\d+{weight}\b", vector), (lexeme, vector)
    assert re.search(r"'speak':\d+(\s|$)", vector), vector  # D, the default, is not written
    assert "'b'" not in vector  # the HTML tags are not words


def test_the_vector_is_refreshed_after_editing_a_title(committed):
    with committed():
        session = SessionFactory(title="Spam")
    with committed():
        session.title = "Phishing"
        session.save()
    assert found("phishing") == ["Phishing"]
    assert found("spam") == []


def test_the_words_are_refreshed_after_saving_only_the_session_report(committed):
    with committed():
        session = SessionFactory(title="Spam")
    with committed():
        session.report_summary = "<p>Participants agreed on interoperability.</p>"
        session.save(update_fields=["report_summary"])
    assert found("interoperability") == ["Spam"]


def test_saving_only_the_view_count_does_not_refresh_the_vector(committed):
    with committed():
        session = SessionFactory(title="Spam")
    with CaptureQueriesContext(connection) as queries, committed():
        session.views = 5
        session.save(update_fields=["views"])
    assert index_writes(queries) == []


def test_the_vector_is_refreshed_after_adding_or_removing_a_tag(committed):
    with committed():
        session = SessionFactory(title="A session")
    tag = TagFactory(name="Blockchain")
    with committed():
        session.tags.add(tag)
    assert found("blockchain") == ["A session"]
    with committed():
        session.tags.remove(tag)
    assert found("blockchain") == []
    with committed():
        tag.sessions.add(session)  # from the tag's side
    assert found("blockchain") == ["A session"]
    with committed():
        tag.sessions.clear()
    assert found("blockchain") == []


def test_the_vector_is_refreshed_after_renaming_or_deleting_a_tag(committed):
    tag = TagFactory(name="Blockchain")
    with committed():
        SessionFactory(title="A session", tags=[tag])
    with committed():
        tag.name = "Distributed ledgers"
        tag.save()
    assert found("ledgers") == ["A session"]
    assert found("blockchain") == []
    with committed():
        tag.delete()
    assert found("ledgers") == []


def test_the_vector_is_refreshed_after_adding_or_removing_a_participant(committed):
    with committed():
        session = SessionFactory(title="A session")
    speaker = SpeakerFactory(name="Vint Cerf", organisation="Google")
    with committed():
        participant = ParticipantFactory(session=session, speaker=speaker)
    assert found("cerf") == ["A session"]
    assert found("google") == ["A session"]
    with committed():
        participant.delete()
    assert found("cerf") == []


def test_the_vector_is_refreshed_after_renaming_a_speaker(committed):
    speaker = SpeakerFactory(name="Jon Postel", organisation="ISI")
    with committed():
        for title in ("One", "Two"):
            ParticipantFactory(session=SessionFactory(title=title), speaker=speaker)
        SessionFactory(title="Three")
    with committed():
        speaker.name = "Jonathan Postel"
        speaker.organisation = "IANA"
        speaker.save()
    assert sorted(found("jonathan")) == ["One", "Two"]
    assert sorted(found("iana")) == ["One", "Two"]
    assert found("isi") == []


def test_the_vector_is_refreshed_after_adding_changing_or_deleting_a_transcript(committed):
    with committed():
        session = SessionFactory(title="A session")
    with committed():
        transcript = TranscriptFactory(session=session, text="We discussed spectrum auctions.")
    assert found("auctions") == ["A session"]
    with committed():
        transcript.text = "We discussed satellites."
        transcript.save()
    assert found("satellites") == ["A session"]
    assert found("auctions") == []
    with committed():
        transcript.delete()
    assert found("satellites") == []


def test_a_transaction_refreshes_what_it_touched_in_one_update(committed):
    with committed():
        sessions = SessionFactory.create_batch(3)
    tag = TagFactory(name="Encryption")
    with CaptureQueriesContext(connection) as queries, committed(), transaction.atomic():
        for session in sessions:
            session.title = f"{session.title} revised"
            session.save()
            session.tags.add(tag)
            ParticipantFactory(session=session)
        tag.name = "Cryptography"
        tag.save()
    [write] = index_writes(queries)
    # On SQLite one INSERT of many rows ("3 times: INSERT ..." as Django logs it).
    assert write.startswith("UPDATE" if on_postgresql() else "3 times: INSERT")
    assert len(found("cryptography revised")) == 3


def test_a_rolled_back_transaction_refreshes_nothing_and_breaks_nothing(committed):
    with committed():
        session = SessionFactory(title="Kept")
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        session.title = "Rolled back"
        session.save()
        raise RuntimeError
    with committed():
        SessionFactory(title="Later")
    assert found("kept") == ["Kept"]
    assert found("later") == ["Later"]


def test_the_vector_is_refreshed_after_an_import():
    SessionFactory(key="igf2015-ws-1", title="Before", date=datetime.date(2015, 11, 12))
    record = {
        "key": "igf2015-ws-1",
        "title": "Zero rating",
        "date": "2015-11-12",
        "type": "Workshop",
        "venue": "João Pessoa, Brazil",
        "description": "<p>Net neutrality</p>",
        "tags": ["Telecommunications"],
        "speakers": [{"name": "Barbara van Schewick", "organisation": "Stanford"}],
        "transcript": "A lively debate on differential pricing.",
    }
    new = dict(record, key="igf2015-ws-2", title="Another one", tags=["Spectrum"])
    result = import_sessions(records=[Record("index 0", record), Record("index 1", new)])
    assert result.ok, result.errors
    for text in ("zero rating", "neutrality", "telecommunications", "schewick", "stanford"):
        assert "Zero rating" in found(text), text
    assert found("differential pricing") == ["Another one", "Zero rating"]
    assert found("spectrum") == ["Another one"]
    assert found("before") == []
    # A second import of changed tags only refreshes the vector too.
    again = dict(record, tags=["Interconnection"])
    assert import_sessions(records=[Record("index 0", again)]).updated == 1
    assert found("interconnection") == ["Zero rating"]
    assert "Zero rating" not in found("telecommunications")


def test_rebuild_search_index_recomputes_every_vector():
    SessionFactory.create_batch(5, title="Capacity building")  # no commit, no refresh
    assert found("capacity") == []
    out = StringIO()
    call_command("rebuild_search_index", batch_size=2, stdout=out)
    assert len(found("capacity")) == 5
    assert "Search index rebuilt for 5 sessions." in out.getvalue()


@pytest.mark.sqlite
def test_rebuild_search_index_removes_the_words_of_sessions_deleted_without_them():
    kept, gone = SessionFactory.create_batch(2, title="Capacity building")
    refresh_search_vectors([kept.pk, gone.pk])
    with connection.cursor() as cursor:  # as `flush` deletes: no model, no signal
        cursor.execute("DELETE FROM catalogue_session WHERE id = %s", [gone.pk])

    call_command("rebuild_search_index", stdout=StringIO())

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {TABLE}")
        assert cursor.fetchall() == [(kept.pk,)]


@pytest.mark.sqlite
def test_the_migration_fills_the_fts5_table_for_the_sessions_there_are(transactional_db):
    SessionFactory(title="Before the table", tags=[TagFactory(name="Spectrum")])
    executor = MigrationExecutor(connection)
    executor.migrate([("catalogue", "0015_written_view_batches")])
    assert TABLE not in connection.introspection.table_names()
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert found("spectrum") == ["Before the table"]
    with connection.cursor() as cursor:  # the flush after the test empties Django's tables only
        cursor.execute(f"DELETE FROM {TABLE}")


def test_refreshing_a_batch_costs_the_same_queries_whatever_its_size(django_assert_num_queries):
    # On PostgreSQL one UPDATE; on SQLite one read, one DELETE and one INSERT.
    for count in (1, 3):
        sessions = SessionFactory.create_batch(count)
        for session in sessions:
            ParticipantFactory(session=session)
            TranscriptFactory(session=session)
        with django_assert_num_queries(1 if on_postgresql() else 3):
            assert refresh_search_vectors([s.pk for s in sessions]) == count


def test_a_deleted_session_leaves_the_index(committed):
    with committed():
        session = SessionFactory(title="Spam filters")
        TranscriptFactory(session=session, text="spam")
        SessionFactory(title="Spam elsewhere")
    with committed():
        session.delete()
    assert found("spam") == ["Spam elsewhere"]
    if not on_postgresql():  # nothing left behind in the FTS5 table either
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid FROM {TABLE}")
            assert [row[0] for row in cursor.fetchall()] == [
                Session.objects.get(title="Spam elsewhere").pk
            ]


# Snippets


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
