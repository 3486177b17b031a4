from django.db import migrations, models

# What sessions.search._stakeholder_groups() computes, for the sessions already there.
FILL_STAKEHOLDER_GROUPS = """
UPDATE catalogue_session SET stakeholder_groups = COALESCE((
    SELECT string_agg(DISTINCT speaker.stakeholder_group, ' ' ORDER BY speaker.stakeholder_group)
    FROM catalogue_participant participant
    JOIN catalogue_speaker speaker ON speaker.id = participant.speaker_id
    WHERE participant.session_id = catalogue_session.id AND speaker.stakeholder_group <> ''
), '')
"""


def fill_stakeholder_groups(apps, schema_editor):
    # Kept on PostgreSQL only, like the search vector.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_STAKEHOLDER_GROUPS)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0006_translatable_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="session",
            name="stakeholder_groups",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="stakeholder groups"
            ),
        ),
        migrations.RunPython(fill_stakeholder_groups, migrations.RunPython.noop, elidable=True),
    ]
