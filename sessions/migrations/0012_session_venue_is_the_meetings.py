"""A session's venue goes: where and when it took place is its meeting's (0011).

Apart from 0011 because PostgreSQL alters no table with the checks of 0011's updates
still pending in the same transaction.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("catalogue", "0011_sessions_belong_to_meetings"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="session",
            name="venue",
        ),
        migrations.AlterField(
            model_name="session",
            name="meeting",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sessions",
                to="catalogue.meeting",
                verbose_name="meeting",
            ),
        ),
    ]
