"""The indexes of the "most viewed" and "title" sorts hold the whole order (views, then
date, then key; title, then key), so a page deep in such a list reads its keys from the
index alone (igf_catalogue.pagination.KeysFirst). Each new index is made before the one
it replaces is dropped."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0021_search_sample_by_hash"),
        ("strategies", "0002_translatable_labels"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="session",
            index=models.Index(
                fields=["status", "-views", "-date", "-id"], name="session_status_views_date"
            ),
        ),
        migrations.AddIndex(
            model_name="session",
            index=models.Index(fields=["status", "title", "id"], name="session_status_title_id"),
        ),
        migrations.RemoveIndex(model_name="session", name="session_status_views"),
        migrations.RemoveIndex(model_name="session", name="session_status_title"),
    ]
