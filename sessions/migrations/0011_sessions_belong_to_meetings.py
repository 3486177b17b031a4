"""Every session belongs to a meeting, which says where and when it took place.

A session's meeting was implied by its venue and year; it becomes a link of its own and
the session's venue goes, so the two cannot disagree. A session at a venue in a year
belongs to the annual IGF held there that year if there was one, else to the other
meeting held there that year; where there is none (an editor removed it), one is made
as 0010 made them: named after the place and year, kind national, dated by its sessions.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models.functions import ExtractYear
from slugify import slugify


def _meeting_year(meeting, Session):
    if meeting.start_date is not None:
        return meeting.start_date.year
    # An undated meeting: the year most of its venue's sessions were held in.
    years = (
        Session.objects.filter(venue_id=meeting.venue_id)
        .annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(count=models.Count("pk"))
        .order_by("-count", "year")
    )
    return next(iter(row["year"] for row in years), None)


def sessions_to_meetings(apps, schema_editor):
    Meeting = apps.get_model("catalogue", "Meeting")
    Session = apps.get_model("catalogue", "Session")
    Venue = apps.get_model("catalogue", "Venue")

    held = {}  # (venue id, year) -> meeting id, the annual one where there are two
    for meeting in Meeting.objects.order_by("-start_date", "pk"):
        key = (meeting.venue_id, _meeting_year(meeting, Session))
        if key not in held or meeting.kind == "annual":
            held[key] = meeting.pk

    taken = set(Meeting.objects.values_list("slug", flat=True))
    places = dict(Venue.objects.values_list("pk", "city"))
    groups = (
        Session.objects.annotate(year=ExtractYear("date"))
        .values("venue_id", "year")
        .annotate(first=models.Min("date"), last=models.Max("date"))
        .order_by("year", "venue_id")
    )
    for group in groups:
        key = (group["venue_id"], group["year"])
        if key not in held:
            name = f"{places[group['venue_id']]} {group['year']}"
            stem = slug = slugify(name, max_length=200) or "meeting"
            number = 1
            while slug in taken:
                number += 1
                slug = f"{stem}-{number}"
            taken.add(slug)
            held[key] = Meeting.objects.create(
                name=name,
                slug=slug,
                kind="national",
                venue_id=group["venue_id"],
                start_date=group["first"],
                end_date=group["last"],
            ).pk
        Session.objects.filter(venue_id=key[0], date__year=key[1]).update(meeting_id=held[key])


def meetings_to_venues(apps, schema_editor):
    Meeting = apps.get_model("catalogue", "Meeting")
    Session = apps.get_model("catalogue", "Session")
    for meeting_pk, venue_pk in Meeting.objects.values_list("pk", "venue_id"):
        Session.objects.filter(meeting_id=meeting_pk).update(venue_id=venue_pk)


class Migration(migrations.Migration):

    dependencies = [
        ("catalogue", "0010_meetings"),
    ]

    operations = [
        migrations.AddField(
            model_name="session",
            name="meeting",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sessions",
                to="catalogue.meeting",
                verbose_name="meeting",
            ),
        ),
        migrations.AlterField(
            model_name="session",
            name="venue",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sessions",
                to="catalogue.venue",
                verbose_name="venue",
            ),
        ),
        migrations.RunPython(sessions_to_meetings, meetings_to_venues, elidable=False),
    ]
