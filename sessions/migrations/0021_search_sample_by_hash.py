"""The sample of broad searches chosen by a hash of each session's key (PostgreSQL only;
see sessions.browsing.facets).

It was every tenth key. Sessions made in a repeating order (a programme imported room by
room, ten rooms a slot) would then fall in it or out of it together, and their facet
counts be estimated ten times too high or at nothing. PostgreSQL's own hash of the key
keeps one session in ten, in no order: `hashint8` is the function its hash indexes and
partitions use, the same on every version and machine.
"""

from django.db import migrations

ENGLISH = "search_config = 'english'"
# name: (column, the sessions it holds), replacing 0020's index of the same column.
INDEXES = {
    "session_search_hashed_sample_english": (
        "search_vector",
        f"mod(hashint8(id), 10) = 0 AND {ENGLISH}",
    ),
}
FORMER_INDEXES = {
    "session_search_sample_english": ("search_vector", f"mod(id, 10) = 0 AND {ENGLISH}"),
}


def _create(schema_editor, indexes: dict) -> None:
    # Concurrently: the session table is written to all the while (views, editors).
    for name, (column, where) in indexes.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON catalogue_session "
            f"USING gin ({column}) WHERE {where}"
        )


def _drop(schema_editor, indexes: dict) -> None:
    for name in indexes:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


def sample_by_hash(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _create(schema_editor, INDEXES)
        _drop(schema_editor, FORMER_INDEXES)


def sample_every_tenth(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _create(schema_editor, FORMER_INDEXES)
        _drop(schema_editor, INDEXES)


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY runs outside a transaction.
    atomic = False

    dependencies = [
        ("catalogue", "0020_search_indexes_by_language"),
    ]

    operations = [
        migrations.RunPython(sample_by_hash, sample_every_tenth),
    ]
