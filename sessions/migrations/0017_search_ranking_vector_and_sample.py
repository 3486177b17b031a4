"""The small vector a search is ranked by, with its index, and the sample a broad search's
facets are estimated from (PostgreSQL only; see sessions.search.matching,
sessions.search.ranking and sessions.browsing.facets)."""

import django.contrib.postgres.search
from django.db import migrations

SAMPLE_INDEX = "session_search_sample"
RANK_INDEX = "session_rank_vector"
# The same words as sessions.search.vectors' `_named_words`, for the sessions there are.
FILL_RANK_VECTOR = """
UPDATE catalogue_session AS session SET rank_vector =
    setweight(to_tsvector('english', COALESCE(session.title, '')), 'A')
    || setweight(to_tsvector('english',
        COALESCE((SELECT string_agg(tag.name, ' ') FROM catalogue_tag AS tag
                  JOIN catalogue_session_tags AS link ON link.tag_id = tag.id
                  WHERE link.session_id = session.id), '')
        || ' ' ||
        COALESCE((SELECT string_agg(speaker.name || ' ' || speaker.organisation, ' ')
                  FROM (SELECT DISTINCT speaker.name, speaker.organisation
                        FROM catalogue_speaker AS speaker
                        JOIN catalogue_participant AS participant
                          ON participant.speaker_id = speaker.id
                        WHERE participant.session_id = session.id) AS speaker), '')
    ), 'B')
"""


def rank_vector_in_the_row_and_sample_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Compressed in the row if need be, never moved out of it: ranking reads it for
    # every match.
    schema_editor.execute("ALTER TABLE catalogue_session ALTER COLUMN rank_vector SET STORAGE MAIN")
    schema_editor.execute(FILL_RANK_VECTOR)
    # One session in ten, spread evenly over every meeting and year (ids are given in
    # the order sessions are added): the matches of a broad search are counted in it.
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {SAMPLE_INDEX} ON catalogue_session "
        "USING gin (search_vector) WHERE mod(id, 10) = 0"
    )
    # The sessions named by every word searched for (sessions.search.ranking).
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {RANK_INDEX} ON catalogue_session USING gin (rank_vector)"
    )


def drop_sample_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {SAMPLE_INDEX}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {RANK_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0016_search_on_sqlite"),
    ]

    operations = [
        migrations.AddField(
            model_name="session",
            name="rank_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True, verbose_name="ranking vector"
            ),
        ),
        migrations.RunPython(rank_vector_in_the_row_and_sample_index, drop_sample_index),
    ]
