"""The GIN index for full-text search (PostgreSQL only), and editors' rights on the
models of the previous migration."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SEARCH_INDEX = "session_search_vector"
NEW_MODELS = ["speaker", "participant", "tag", "transcript"]


def create_search_index(apps, schema_editor):
    # A GIN index exists only on PostgreSQL; SQLite searches without the vector.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {SEARCH_INDEX} "
            "ON catalogue_session USING gin (search_vector)"
        )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {SEARCH_INDEX}")


def grant_editors_the_new_models(apps, schema_editor):
    catalogue = apps.get_app_config("catalogue")
    catalogue.models_module = True
    create_permissions(catalogue, apps=apps, verbosity=0)
    catalogue.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="catalogue", content_type__model__in=NEW_MODELS
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0003_speakers_tags_transcripts"),
    ]

    operations = [
        migrations.RunPython(create_search_index, drop_search_index),
        migrations.RunPython(grant_editors_the_new_models, migrations.RunPython.noop),
    ]
