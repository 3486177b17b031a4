"""Keeping the words of a search current: PostgreSQL's vector, SQLite's row of the
FTS5 table, refreshed when a session, its tags, speakers or transcripts change, by an
import and by `rebuild_search_index`."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from sessions.importing import Record, import_sessions
from sessions.models import Session
from sessions.search import refresh_search_vectors
from sessions.search.on_sqlite import TABLE
from tests.conftest import on_postgresql
from tests.factories import (
    ParticipantFactory,
    SessionFactory,
    SpeakerFactory,
    TagFactory,
    TranscriptFactory,
)
from tests.sessions.search.results import found

pytestmark = pytest.mark.django_db


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
