"""Migration 0010 turns today's venues into meetings without losing a fact, and back;
0011 and 0012 give every session its meeting in place of its venue, and back."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("catalogue", "0009_programme_imports")]
AFTER = [("catalogue", "0010_meetings")]
SESSIONS_IN_MEETINGS = [("catalogue", "0012_session_venue_is_the_meetings")]


def migrate_to(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def catalogue_before_meetings(transactional_db):
    """Venues as they were: Rio with its meeting number and dates, Geneva with its number
    only (its dates come from the list of annual meetings), Berlin with none."""
    apps = migrate_to(BEFORE)
    Venue = apps.get_model("catalogue", "Venue")
    Session = apps.get_model("catalogue", "Session")
    kind = apps.get_model("catalogue", "SessionType").objects.create(name="Workshop", slug="w")
    topic = apps.get_model("catalogue", "Topic").objects.create(name="Other", slug="other")
    rio = Venue.objects.create(
        city="Rio de Janeiro",
        country="Brazil",
        slug="rio",
        meeting_number=2,
        start_date=datetime.date(2007, 11, 12),
        end_date=datetime.date(2007, 11, 15),
    )
    geneva = Venue.objects.create(
        city="Geneva", country="Switzerland", slug="geneva", meeting_number=12
    )
    berlin = Venue.objects.create(city="Berlin", country="Germany", slug="berlin")
    held = [
        (rio, datetime.date(2007, 11, 12)),
        (geneva, datetime.date(2017, 12, 18)),
        (geneva, datetime.date(2019, 5, 2)),  # not the annual IGF: another meeting
        (geneva, datetime.date(2019, 5, 4)),
        (berlin, datetime.date(2019, 11, 26)),
    ]
    for number, (venue, date) in enumerate(held):
        Session.objects.create(
            key=f"s{number}", title=f"S{number}", slug=f"s{number}", date=date,
            type=kind, topic=topic, venue=venue,
        )  # fmt: skip
    yield
    migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_each_venue_with_a_number_becomes_its_annual_meeting_and_every_other_year_a_meeting(
    catalogue_before_meetings,
):
    apps = migrate_to(AFTER)
    Meeting = apps.get_model("catalogue", "Meeting")
    meetings = {
        m.name: (m.kind, m.number, m.venue.city, m.start_date, m.end_date)
        for m in Meeting.objects.select_related("venue")
    }
    day = datetime.date
    assert meetings == {
        "IGF 2007": ("annual", 2, "Rio de Janeiro", day(2007, 11, 12), day(2007, 11, 15)),
        "IGF 2017": ("annual", 12, "Geneva", day(2017, 12, 17), day(2017, 12, 21)),
        "Geneva 2019": ("national", None, "Geneva", day(2019, 5, 2), day(2019, 5, 4)),
        "Berlin 2019": ("national", None, "Berlin", day(2019, 11, 26), day(2019, 11, 26)),
    }
    assert set(Meeting.objects.values_list("slug", flat=True)) == {
        "igf-2007", "igf-2017", "geneva-2019", "berlin-2019",
    }  # fmt: skip


def test_going_back_puts_the_annual_meetings_on_their_venues_again(catalogue_before_meetings):
    migrate_to(AFTER)
    apps = migrate_to(BEFORE)
    Venue = apps.get_model("catalogue", "Venue")
    venues = {v.city: (v.meeting_number, v.start_date) for v in Venue.objects.all()}
    assert venues == {
        "Rio de Janeiro": (2, datetime.date(2007, 11, 12)),
        "Geneva": (12, datetime.date(2017, 12, 17)),
        "Berlin": (None, None),
    }


def test_each_session_belongs_to_the_meeting_held_at_its_venue_in_its_year(
    catalogue_before_meetings,
):
    apps = migrate_to(AFTER)
    Meeting = apps.get_model("catalogue", "Meeting")
    Venue = apps.get_model("catalogue", "Venue")
    # An editor removed Berlin's meeting and gave Rio a second one in 2007: the session
    # there stays with the annual IGF, and Berlin's gets a meeting again.
    Meeting.objects.filter(name="Berlin 2019").delete()
    Meeting.objects.create(
        name="Youth IGF Rio 2007",
        slug="youth-igf-rio-2007",
        kind="youth",
        venue=Venue.objects.get(city="Rio de Janeiro"),
        start_date=datetime.date(2007, 11, 11),
    )

    apps = migrate_to(SESSIONS_IN_MEETINGS)
    Session = apps.get_model("catalogue", "Session")
    assert dict(Session.objects.values_list("key", "meeting__name")) == {
        "s0": "IGF 2007",
        "s1": "IGF 2017",
        "s2": "Geneva 2019",
        "s3": "Geneva 2019",
        "s4": "Berlin 2019",
    }
    assert Session.objects.get(key="s4").meeting.kind == "national"
    assert not any(field.name == "venue" for field in Session._meta.get_fields())


def test_going_back_gives_each_session_its_meetings_venue(catalogue_before_meetings):
    migrate_to(SESSIONS_IN_MEETINGS)
    apps = migrate_to(AFTER)
    Session = apps.get_model("catalogue", "Session")
    assert dict(Session.objects.values_list("key", "venue__city")) == {
        "s0": "Rio de Janeiro",
        "s1": "Geneva",
        "s2": "Geneva",
        "s3": "Geneva",
        "s4": "Berlin",
    }
