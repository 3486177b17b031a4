"""The text search configuration each session's words are read with (see
sessions.search.languages and sessions.search.matching): English for the sessions in
English, and each other language's for the others (PostgreSQL; unused on SQLite)."""

from django.db import migrations, models

# Each language's configuration as sessions.search.languages had it when this was
# written, for the sessions given another language than English since 0018.
CONFIGS = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek",
    "en": "english", "es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french",
    "ga": "irish", "hi": "hindi", "hu": "hungarian", "hy": "armenian", "id": "indonesian",
    "it": "italian", "lt": "lithuanian", "nb": "norwegian", "ne": "nepali", "nl": "dutch",
    "nn": "norwegian", "no": "norwegian", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sr": "serbian", "sv": "swedish", "ta": "tamil", "tr": "turkish",
    "yi": "yiddish",
}  # fmt: skip
FILL_SEARCH_CONFIG = (
    "UPDATE catalogue_session SET search_config = CASE lower(split_part(language, '-', 1)) "
    + " ".join(f"WHEN '{code}' THEN '{config}'" for code, config in CONFIGS.items())
    + " ELSE 'simple' END WHERE lower(split_part(language, '-', 1)) <> 'en'"
)



def fill_search_config(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_SEARCH_CONFIG)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0018_content_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="session",
            name="search_config",
            field=models.CharField(
                default="english",
                editable=False,
                max_length=20,
                verbose_name="search configuration",
            ),
        ),
        migrations.RunPython(fill_search_config, migrations.RunPython.noop),
    ]
