"""Search on SQLite: an FTS5 table of each session's words (sessions.search.on_sqlite),
filled for the sessions there are. Nothing on PostgreSQL, which has its vectors."""

import django.db.models.deletion
from django.db import migrations, models

# Its columns are the vector's weights, A to D, and the session's id again (its rowid
# too), which sessions join by; "porter" stems English words as PostgreSQL's english
# configuration does, after unicode61 has folded case and accents.
CREATE_TABLE = """
CREATE VIRTUAL TABLE catalogue_session_text USING fts5(
    title, people_and_tags, text, transcripts, session_id UNINDEXED,
    tokenize = 'porter unicode61 remove_diacritics 2'
)
"""


def create_and_fill(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from sessions.search.on_sqlite import refresh_rows

    schema_editor.execute(CREATE_TABLE)
    sessions = apps.get_model("catalogue", "Session")._base_manager
    ids = sessions.using(schema_editor.connection.alias).values_list("pk", flat=True)
    refresh_rows(ids, using=schema_editor.connection.alias, apps=apps)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS catalogue_session_text")


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0015_written_view_batches"),
    ]

    operations = [
        migrations.CreateModel(
            name="SessionText",
            fields=[
                (
                    "session",
                    models.OneToOneField(
                        db_column="session_id",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="full_text",
                        serialize=False,
                        to="catalogue.session",
                    ),
                ),
                ("title", models.TextField()),
                ("people_and_tags", models.TextField()),
                ("text", models.TextField()),
                ("transcripts", models.TextField()),
                ("words", models.TextField(db_column="catalogue_session_text")),
            ],
            options={
                "db_table": "catalogue_session_text",
                "managed": False,
                "default_permissions": (),
            },
        ),
        migrations.RunPython(create_and_fill, drop),
    ]
