"""The demo data in demo/, loaded by `manage.py load_demo_data`."""

import datetime
import zoneinfo
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from sessions.browsing.related import related_sessions
from sessions.demo.loading import DEMO_DIR
from sessions.models import Participant, Session, Speaker, Transcript, Venue
from strategies.models import Strategy

pytestmark = pytest.mark.django_db

SEED_TITLE = "Mexico: The National Digital Strategy and the MSH model"


def load_demo_data() -> str:
    out = StringIO()
    call_command("load_demo_data", stdout=out, stderr=StringIO())
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for label in ("catalogue", "strategies")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


def all_rows() -> dict[str, list]:
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for label in ("catalogue", "strategies")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


@pytest.fixture
def demo():
    load_demo_data()


def test_loading_twice_changes_nothing():
    first = load_demo_data()
    counts, rows = row_counts(), all_rows()

    second = load_demo_data()

    assert "Venues: 20 created" in first
    assert "Venues: 0 created, 0 updated, 20 unchanged." in second
    assert "Strategies: 0 created, 0 updated, 4 unchanged." in second
    assert "Sessions: 0 created, 0 updated" in second
    assert row_counts() == counts
    assert all_rows() == rows


def test_the_seed_session_is_there(demo):
    seed = Session.objects.get(title=SEED_TITLE)

    assert seed.date == datetime.date(2015, 11, 12)
    assert seed.type.name == "Workshop"
    assert seed.topic.name == "Other"
    assert seed.venue.name == "João Pessoa, Brazil"
    assert seed.is_published
    assert [strategy.name for strategy in seed.strategies.all()] == [
        "Mexico's National Digital Strategy"
    ]
    for part in ("Government transformation", "Public safety", "Connectivity", "Open data"):
        assert part in seed.description
    assert "multistakeholder (MSH) model" in seed.description


def test_the_seed_sessions_related_sessions_are_the_two_rio_sessions_first(demo):
    seed = Session.objects.get(title=SEED_TITLE)

    related = related_sessions(seed)

    assert [(s.type.name, s.venue.city, s.topic.name, s.date, s.views) for s in related[:2]] == [
        ("Main Session", "Rio de Janeiro", "Other", datetime.date(2007, 11, 12), 1127),
        ("Best Practice Forum", "Rio de Janeiro", "Other", datetime.date(2007, 11, 12), 852),
    ]
    assert [s.title for s in related_sessions(seed, limit=2)] == [s.title for s in related[:2]]


def test_all_annual_meetings_are_venues(demo):
    venues = Venue.objects.exclude(meeting_number=None).order_by("meeting_number")

    assert [venue.meeting_number for venue in venues] == list(range(1, 21))
    assert venues[0].name == "Athens, Greece"
    assert venues[0].start_date == datetime.date(2006, 10, 30)
    online = Venue.objects.get(meeting_number=15)
    assert (online.city, online.country, online.start_date.year) == ("Online", "", 2020)
    joao_pessoa = Venue.objects.get(meeting_number=10)
    assert (joao_pessoa.city, joao_pessoa.country_code) == ("João Pessoa", "BR")
    for venue in venues:
        assert zoneinfo.ZoneInfo(venue.time_zone)  # a real IANA name
        assert venue.start_date <= venue.end_date


def test_the_mexico_strategy_has_its_objectives_and_enablers_in_order(demo):
    mexico = Strategy.objects.get(name="Mexico's National Digital Strategy")

    assert (mexico.country, mexico.year) == ("Mexico", 2013)
    assert list(mexico.objectives.values_list("name", flat=True)) == [
        "Government transformation",
        "Digital economy",
        "Quality education",
        "Effective universal health",
        "Public safety",
    ]
    assert list(mexico.enablers.values_list("name", flat=True)) == [
        "Connectivity",
        "Digital skills and inclusion",
        "Interoperability",
        "Legal framework",
        "Open data",
    ]
    assert Strategy.objects.count() >= 3


def test_demo_sessions_are_spread_over_every_meeting_and_held_during_it(demo):
    sessions = Session.objects.select_related("venue", "type", "topic")

    assert sessions.count() >= 40
    assert {s.venue.meeting_number for s in sessions} == set(range(1, 21))
    for session in sessions:
        assert session.venue.start_date <= session.date <= session.venue.end_date, session.key
    assert len({s.type.name for s in sessions}) >= 7
    assert len({s.topic.name for s in sessions}) >= 8
    assert sessions.filter(status=Session.Status.DRAFT).exists()
    assert sessions.exclude(start_time=None).exists()
    assert sessions.exclude(strategies=None).exclude(strategies__slug__startswith="mexico").exists()


def test_the_demo_sessions_file_goes_through_the_importer(demo):
    out = StringIO()
    call_command(
        "import_sessions", str(DEMO_DIR / "sessions.json"), "--dry-run", stdout=out, stderr=out
    )

    total = Session.objects.count()
    assert f"0 created, 0 updated, {total} unchanged, of {total} sessions" in out.getvalue()


def test_demo_sessions_have_speakers_tags_and_a_few_transcripts(demo):
    sessions = Session.objects.all()
    with_speakers = sessions.filter(participants__isnull=False).distinct().count()
    with_tags = sessions.filter(tags__isnull=False).distinct().count()

    assert with_speakers > sessions.count() * 3 // 4
    assert with_tags > sessions.count() * 3 // 4
    assert 3 <= Transcript.objects.count() < sessions.count() // 2
    assert set(Speaker.objects.values_list("stakeholder_group", flat=True)) == set(
        Speaker.StakeholderGroup.values
    )
    assert set(Participant.objects.values_list("role", flat=True)) == set(Participant.Role.values)


def test_the_seed_session_has_its_speakers_tags_and_transcript(demo):
    seed = Session.objects.get(title=SEED_TITLE)

    organiser = seed.participants.filter(role=Participant.Role.ORGANISER).get().speaker
    assert organiser.stakeholder_group == Speaker.StakeholderGroup.GOVERNMENT
    assert "Mexico" in organiser.organisation
    assert {"National strategies", "Multistakeholder model", "Open data"} <= set(
        seed.tags.values_list("name", flat=True)
    )
    assert "National Digital Strategy" in seed.transcripts.get(language="en").text


def test_a_mexican_official_speaks_at_the_seed_and_the_guadalajara_sessions(demo):
    seed = Session.objects.get(title=SEED_TITLE)
    guadalajara = Session.objects.get(key="igf2016-of-mexico-digital-strategy")
    shared = set(seed.speakers.all()) & set(guadalajara.speakers.all())

    assert any(
        speaker.stakeholder_group == Speaker.StakeholderGroup.GOVERNMENT for speaker in shared
    )
    assert (
        Speaker.objects.filter(participations__session__date__year__lt=2015)
        .filter(participations__session__date__year__gt=2020)
        .exists()
    )  # some speak over many years
