"""`manage.py generate_catalogue`: a synthetic catalogue for the benchmarks in bench/."""

import datetime
import io

import pytest
from django.core.management import call_command

from sessions.caching.version import catalogue_version
from sessions.demo.synthetic import SESSION_TYPES, TOPICS, generate_catalogue
from sessions.models import (
    DailyViews,
    Meeting,
    Participant,
    Session,
    SessionType,
    Speaker,
    Topic,
    Transcript,
    Venue,
)

pytestmark = pytest.mark.django_db


def test_it_makes_the_sessions_asked_for_with_everything_around_them():
    result = generate_catalogue(sessions=300, seed=1, batch_size=100)
    assert result.sessions == Session.objects.count() == 300
    assert SessionType.objects.count() == len(SESSION_TYPES) == 15
    assert Topic.objects.count() == len(TOPICS) == 40
    # The twenty annual meetings, and forty national and regional ones beside them.
    annual = Meeting.objects.annual().order_by("number")
    assert [meeting.number for meeting in annual] == list(range(1, 21))
    assert [meeting.name for meeting in annual] == [f"IGF {year}" for year in range(2006, 2026)]
    assert (annual[0].start_date, annual[0].end_date) == (
        datetime.date(2006, 10, 30),
        datetime.date(2006, 11, 2),
    )
    others = Meeting.objects.exclude(kind=Meeting.Kind.ANNUAL)
    assert others.count() == 40
    assert set(others.values_list("kind", flat=True)) == {"national", "regional"}
    assert (
        others.filter(number=None, start_date__isnull=False, end_date__isnull=False).count() == 40
    )
    assert others.filter(name="IGF Nigeria 2006", venue__city="Abuja").exists()
    assert Venue.objects.count() == 60
    assert result.meetings == 60
    assert Speaker.objects.count() == result.speakers == 60
    participants = Participant.objects.count()
    assert 2 * 300 <= participants <= 6 * 300
    assert participants == result.participants
    assert 10 <= Transcript.objects.count() <= 60  # one in ten, give or take
    assert DailyViews.objects.count() == result.daily_views > 0
    assert Session.related.through.objects.count() == result.related > 0
    assert Session.tags.through.objects.exists()
    years = {day.year for day in Session.objects.dates("date", "year")}
    assert min(years) == 2006 and max(years) == 2025
    assert Session.objects.published().count() > 280


def test_every_session_is_held_during_a_meeting_at_its_venue_in_its_year():
    generate_catalogue(sessions=400, seed=2)
    held_at = set()

    for session in Session.objects.select_related("meeting"):
        meeting = session.meeting
        assert meeting.start_date <= session.date <= meeting.end_date, session.key
        held_at.add(meeting.kind)

    assert held_at == {"annual", "national", "regional"}
    national_share = Session.objects.exclude(meeting__kind="annual").count() / 400
    assert 0.3 < national_share < 0.5


def test_the_same_seed_gives_the_same_catalogue_and_a_second_run_adds_to_it():
    generate_catalogue(sessions=50, seed=7)
    first = list(Session.objects.order_by("pk").values_list("title", "date", "views", "meeting"))
    meetings = list(Meeting.objects.order_by("pk").values())
    generate_catalogue(sessions=50, seed=7)
    assert Session.objects.count() == 100
    second = list(Session.objects.order_by("pk").values_list("title", "date", "views", "meeting"))[
        50:
    ]
    assert first == second
    assert list(Meeting.objects.order_by("pk").values()) == meetings  # the same sixty


def test_it_announces_a_new_catalogue_version():
    before = catalogue_version()
    generate_catalogue(sessions=10)
    assert catalogue_version() > before


def test_the_command_reports_sessions_per_second():
    out = io.StringIO()
    call_command("generate_catalogue", "--sessions", "40", "--seed", "3", stdout=out)
    assert Session.objects.count() == 40
    assert "40 sessions in" in out.getvalue()
    assert "sessions/s" in out.getvalue()


@pytest.mark.postgres
def test_on_postgresql_the_sessions_can_be_searched_at_once():
    generate_catalogue(sessions=30, seed=5)
    assert not Session.objects.filter(search_vector=None).exists()
