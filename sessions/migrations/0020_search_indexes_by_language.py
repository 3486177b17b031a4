"""The search indexes split by each session's text search configuration (PostgreSQL
only; see sessions.search.matching).

A search reads a session in English by one reading and a session in any other language
by two more. Each index holds the sessions of one side, so that a search's plan reads
which side each match is on from the index it came from: with one index for every
session, PostgreSQL read every match's whole vector again to tell.
"""

from django.db import migrations

ENGLISH = "search_config = 'english'"
OTHER = "search_config <> 'english'"
# name: (column, the sessions it holds), replacing the indexes of 0004 and 0017 of the
# same columns.
INDEXES = {
    "session_search_english": ("search_vector", ENGLISH),
    "session_search_sample_english": ("search_vector", f"mod(id, 10) = 0 AND {ENGLISH}"),
    "session_rank_english": ("rank_vector", ENGLISH),
    "session_search_other_languages": ("search_vector", OTHER),
    "session_rank_other_languages": ("rank_vector", OTHER),
}
FORMER_INDEXES = {
    "session_search_vector": ("search_vector", None),
    "session_search_sample": ("search_vector", "mod(id, 10) = 0"),
    "session_rank_vector": ("rank_vector", None),
}


def _create(schema_editor, indexes: dict) -> None:
    # Concurrently: the session table is written to all the while (views, editors).
    for name, (column, where) in indexes.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON catalogue_session "
            f"USING gin ({column})" + (f" WHERE {where}" if where else "")
        )


def _drop(schema_editor, indexes: dict) -> None:
    for name in indexes:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


def split_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _create(schema_editor, INDEXES)
        _drop(schema_editor, FORMER_INDEXES)


def join_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _create(schema_editor, FORMER_INDEXES)
        _drop(schema_editor, INDEXES)


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY runs outside a transaction.
    atomic = False

    dependencies = [
        ("catalogue", "0019_search_config"),
    ]

    operations = [
        migrations.RunPython(split_indexes, join_indexes),
    ]
