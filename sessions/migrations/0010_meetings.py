"""Meetings: the annual IGF and the regional, national and youth IGFs, each at a venue.

A venue carried its annual meeting's number and dates; they move to a meeting of their
own, and the venue keeps only the place. Each venue with a meeting number becomes that
annual meeting ("IGF 2015"), with the dates of the annual meetings' list where the
venue lacked them. Every other (venue, year) that has sessions becomes a meeting named
after its place and year ("Geneva 2019"), kind national until an editor says otherwise,
dated by its first and last sessions.
Editors may manage meetings.
"""

import datetime

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models
from django.db.models.functions import ExtractYear
from slugify import slugify

# The annual meetings' dates (../igf-meetings.csv of the catalogue's sources), by number.
ANNUAL_MEETING_DATES = {
    1: ("2006-10-30", "2006-11-02"),
    2: ("2007-11-12", "2007-11-15"),
    3: ("2008-12-03", "2008-12-06"),
    4: ("2009-11-15", "2009-11-18"),
    5: ("2010-09-14", "2010-09-17"),
    6: ("2011-09-27", "2011-09-30"),
    7: ("2012-11-06", "2012-11-09"),
    8: ("2013-10-22", "2013-10-25"),
    9: ("2014-09-02", "2014-09-05"),
    10: ("2015-11-10", "2015-11-13"),
    11: ("2016-12-05", "2016-12-09"),
    12: ("2017-12-17", "2017-12-21"),
    13: ("2018-11-12", "2018-11-14"),
    14: ("2019-11-25", "2019-11-29"),
    15: ("2020-11-02", "2020-11-17"),
    16: ("2021-12-06", "2021-12-10"),
    17: ("2022-11-28", "2022-12-02"),
    18: ("2023-10-08", "2023-10-12"),
    19: ("2024-12-15", "2024-12-19"),
    20: ("2025-06-23", "2025-06-27"),
}


def _day(text):
    return datetime.date.fromisoformat(text)


class _Slugs:
    """Unique slugs for the meetings made here (historical models have no custom save)."""

    def __init__(self, taken):
        self.taken = set(taken)

    def __call__(self, name):
        stem = slugify(name, max_length=200) or "meeting"
        slug, number = stem, 1
        while slug in self.taken:
            number += 1
            slug = f"{stem}-{number}"
        self.taken.add(slug)
        return slug


def venues_to_meetings(apps, schema_editor):
    Venue = apps.get_model("catalogue", "Venue")
    Meeting = apps.get_model("catalogue", "Meeting")
    Session = apps.get_model("catalogue", "Session")
    slug_for = _Slugs(Meeting.objects.values_list("slug", flat=True))

    annual_year = {}  # venue id -> the year of the annual meeting held there
    for venue in Venue.objects.exclude(meeting_number=None).order_by("meeting_number"):
        known = ANNUAL_MEETING_DATES.get(venue.meeting_number)
        start = venue.start_date or (_day(known[0]) if known else None)
        end = venue.end_date or (_day(known[1]) if known else None)
        if start is None:
            # No date anywhere: the year most of the venue's sessions were held in.
            years = (
                Session.objects.filter(venue=venue)
                .annotate(year=ExtractYear("date"))
                .values("year")
                .annotate(count=models.Count("pk"))
                .order_by("-count", "year")
            )
            year = next(iter(row["year"] for row in years), None)
        else:
            year = start.year
        name = f"IGF {year}" if year else f"IGF {venue.meeting_number}"
        Meeting.objects.create(
            name=name,
            slug=slug_for(name),
            kind="annual",
            number=venue.meeting_number,
            start_date=start,
            end_date=end,
            venue=venue,
        )
        annual_year[venue.pk] = year

    places = dict(Venue.objects.values_list("pk", "city"))
    held = (
        Session.objects.annotate(year=ExtractYear("date"))
        .values("venue_id", "year")
        .annotate(first=models.Min("date"), last=models.Max("date"))
        .order_by("year", "venue_id")
    )
    for row in held:
        if annual_year.get(row["venue_id"]) == row["year"]:
            continue
        name = f"{places[row['venue_id']]} {row['year']}"
        # Its sessions' first and last days stand for its dates until an editor gives them.
        Meeting.objects.create(
            name=name,
            slug=slug_for(name),
            kind="national",
            venue_id=row["venue_id"],
            start_date=row["first"],
            end_date=row["last"],
        )


def meetings_to_venues(apps, schema_editor):
    Venue = apps.get_model("catalogue", "Venue")
    Meeting = apps.get_model("catalogue", "Meeting")
    for meeting in Meeting.objects.filter(kind="annual").exclude(number=None):
        Venue.objects.filter(pk=meeting.venue_id).update(
            meeting_number=meeting.number, start_date=meeting.start_date, end_date=meeting.end_date
        )


def grant_editors_meetings(apps, schema_editor):
    catalogue = apps.get_app_config("catalogue")
    catalogue.models_module = True
    create_permissions(catalogue, apps=apps, verbosity=0)
    catalogue.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="catalogue", content_type__model="meeting"
        )
    )


class Migration(migrations.Migration):

    dependencies = [
        ("catalogue", "0009_programme_imports"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name='Meeting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='e.g. IGF 2015, EuroDIG 2019, Youth IGF Brazil 2021', max_length=200, verbose_name='name')),
                ('slug', models.SlugField(blank=True, max_length=220, unique=True, verbose_name='slug')),
                ('kind', models.CharField(choices=[('annual', 'Annual IGF'), ('regional', 'Regional IGF'), ('subregional', 'Subregional IGF'), ('national', 'National IGF'), ('youth', 'Youth IGF')], default='national', max_length=20, verbose_name='kind')),
                ('number', models.PositiveSmallIntegerField(blank=True, help_text='Which annual IGF it is (1 for Athens 2006); annual meetings only.', null=True, verbose_name='number')),
                ('theme', models.CharField(blank=True, max_length=300, verbose_name='overarching theme')),
                ('start_date', models.DateField(blank=True, null=True, verbose_name='start date')),
                ('end_date', models.DateField(blank=True, null=True, verbose_name='end date')),
                ('website', models.URLField(blank=True, max_length=500, verbose_name='website')),
                ('description', models.TextField(blank=True, help_text='HTML is allowed and sanitised.', verbose_name='description')),
                ('venue', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='meetings', to='catalogue.venue', verbose_name='venue')),
            ],
            options={
                'verbose_name': 'meeting',
                'verbose_name_plural': 'meetings',
                'ordering': [models.OrderBy(models.F('start_date'), descending=True, nulls_last=True), 'name'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('number__isnull', False)), fields=('number',), name='unique_meeting_number'), models.CheckConstraint(condition=models.Q(('number__isnull', True), ('kind', 'annual'), _connector='OR'), name='only_annual_meetings_are_numbered')],
            },
        ),
        migrations.RunPython(venues_to_meetings, meetings_to_venues),
        migrations.RemoveField(
            model_name='venue',
            name='end_date',
        ),
        migrations.RemoveField(
            model_name='venue',
            name='meeting_number',
        ),
        migrations.RemoveField(
            model_name='venue',
            name='start_date',
        ),
        migrations.RunPython(grant_editors_meetings, migrations.RunPython.noop),
    ]
