"""The demo data in demo/, loaded by `manage.py load_demo_data`."""

import datetime
import shutil
import zoneinfo
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from sessions.browsing.related import related_sessions
from sessions.demo import loading
from sessions.demo.loading import DEMO_DIR, DemoDataError
from sessions.models import Meeting, Participant, Session, Speaker, Transcript, Venue
from strategies.models import Strategy

pytestmark = pytest.mark.django_db

SEED_TITLE = "Mexico: The National Digital Strategy and the MSH model"

# The annual IGFs: number, host, first and last day (demo/igf-meetings.csv).
ANNUAL_MEETINGS = [
    (1, "Athens, Greece", "2006-10-30", "2006-11-02"),
    (2, "Rio de Janeiro, Brazil", "2007-11-12", "2007-11-15"),
    (3, "Hyderabad, India", "2008-12-03", "2008-12-06"),
    (4, "Sharm El Sheikh, Egypt", "2009-11-15", "2009-11-18"),
    (5, "Vilnius, Lithuania", "2010-09-14", "2010-09-17"),
    (6, "Nairobi, Kenya", "2011-09-27", "2011-09-30"),
    (7, "Baku, Azerbaijan", "2012-11-06", "2012-11-09"),
    (8, "Bali, Indonesia", "2013-10-22", "2013-10-25"),
    (9, "Istanbul, Turkey", "2014-09-02", "2014-09-05"),
    (10, "João Pessoa, Brazil", "2015-11-10", "2015-11-13"),
    (11, "Guadalajara, Mexico", "2016-12-05", "2016-12-09"),
    (12, "Geneva, Switzerland", "2017-12-17", "2017-12-21"),
    (13, "Paris, France", "2018-11-12", "2018-11-14"),
    (14, "Berlin, Germany", "2019-11-25", "2019-11-29"),
    (15, "Online", "2020-11-02", "2020-11-17"),
    (16, "Katowice, Poland", "2021-12-06", "2021-12-10"),
    (17, "Addis Ababa, Ethiopia", "2022-11-28", "2022-12-02"),
    (18, "Kyoto, Japan", "2023-10-08", "2023-10-12"),
    (19, "Riyadh, Saudi Arabia", "2024-12-15", "2024-12-19"),
    (20, "Lillestrøm, Norway", "2025-06-23", "2025-06-27"),
]
# The national and regional IGFs beside them (demo/meetings.csv): name, kind, venue,
# its time zone, first and last day, website.
OTHER_MEETINGS = [
    ("EuroDIG 2019", "regional", "The Hague, Netherlands", "Europe/Amsterdam",
     "2019-06-19", "2019-06-20", "https://eurodig.org/"),
    ("IGF-USA 2019", "national", "Washington, D.C., United States", "America/New_York",
     "2019-07-25", "2019-07-25", "https://www.igfusa.us/"),
    ("EuroDIG 2023", "regional", "Tampere, Finland", "Europe/Helsinki",
     "2023-06-19", "2023-06-21", "https://eurodig.org/"),
    ("APrIGF 2023", "regional", "Brisbane, Australia", "Australia/Brisbane",
     "2023-08-29", "2023-08-31", "https://ap.rigf.asia/"),
    ("African IGF 2023", "regional", "Abuja, Nigeria", "Africa/Lagos",
     "2023-09-19", "2023-09-21", "https://afigf.org/"),
    ("EuroDIG 2024", "regional", "Vilnius, Lithuania", "Europe/Vilnius",
     "2024-06-17", "2024-06-19", "https://eurodig.org/"),
]  # fmt: skip


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

    # Vilnius hosts IGF 2010 and EuroDIG 2024 and counts once.
    assert "Venues: 25 created, 0 updated, 0 unchanged." in first
    assert "Meetings: 26 created, 0 updated, 0 unchanged." in first
    assert "Venues: 0 created, 0 updated, 25 unchanged." in second
    assert "Meetings: 0 created, 0 updated, 26 unchanged." in second
    assert "Strategies: 0 created, 0 updated, 4 unchanged." in second
    assert "Sessions: 0 created, 0 updated" in second
    assert row_counts() == counts
    assert all_rows() == rows


def test_loading_again_keeps_what_an_editor_added_and_puts_back_what_the_files_say(demo):
    igf_2015 = Meeting.objects.get(number=10)
    igf_2015.theme = "Evolution of Internet Governance: Empowering Sustainable Development"
    igf_2015.end_date = datetime.date(2015, 11, 20)
    igf_2015.save()
    Venue.objects.filter(city="Tampere").update(time_zone="UTC")

    out = load_demo_data()

    assert "Venues: 0 created, 1 updated, 24 unchanged." in out
    assert "Meetings: 0 created, 1 updated, 25 unchanged." in out
    igf_2015.refresh_from_db()
    assert igf_2015.end_date == datetime.date(2015, 11, 13)
    assert igf_2015.theme.startswith("Evolution of Internet Governance")
    assert Venue.objects.get(city="Tampere").time_zone == "Europe/Helsinki"


def test_a_meeting_of_an_unknown_kind_loads_nothing(tmp_path):
    demo_dir = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, demo_dir)
    with (demo_dir / "meetings.csv").open("a", encoding="utf-8") as meetings:
        meetings.write("Some IGF 2022,continental,Lomé,Togo,TG,Africa/Lome,,,\n")

    with pytest.raises(DemoDataError, match="Some IGF 2022: the kind must be one of"):
        loading.load_demo_data(demo_dir=demo_dir)

    assert not Venue.objects.exists()
    assert not Meeting.objects.exists()
    assert not Session.objects.exists()


def test_two_time_zones_for_one_venue_load_nothing(tmp_path, monkeypatch):
    demo_dir = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, demo_dir)
    text = (demo_dir / "meetings.csv").read_text(encoding="utf-8")
    (demo_dir / "meetings.csv").write_text(
        text.replace("Vilnius,Lithuania,LT,Europe/Vilnius", "Vilnius,Lithuania,LT,Europe/Riga"),
        encoding="utf-8",
    )
    monkeypatch.setattr(
        "sessions.management.commands.load_demo_data.load_demo_data",
        lambda: loading.load_demo_data(demo_dir=demo_dir),
    )

    with pytest.raises(CommandError, match="Vilnius, Lithuania is given two different"):
        call_command("load_demo_data", stdout=StringIO(), stderr=StringIO())

    assert not Meeting.objects.exists()


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


def test_the_twenty_annual_meetings_are_there_with_their_dates_and_venues(demo):
    meetings = Meeting.objects.annual().select_related("venue").order_by("number")

    assert [
        (m.number, m.venue.name, m.start_date.isoformat(), m.end_date.isoformat()) for m in meetings
    ] == ANNUAL_MEETINGS
    for meeting in meetings:
        assert meeting.name == f"IGF {meeting.start_date.year}"
        assert meeting.kind == Meeting.Kind.ANNUAL
        assert meeting.theme == meeting.description == meeting.website == ""
        assert zoneinfo.ZoneInfo(meeting.venue.time_zone)  # a real IANA name
    online = Meeting.objects.get(number=15).venue
    assert (online.city, online.country, online.time_zone) == ("Online", "", "UTC")
    joao_pessoa = Meeting.objects.get(name="IGF 2015").venue
    assert (joao_pessoa.city, joao_pessoa.country_code) == ("João Pessoa", "BR")


def test_the_national_and_regional_meetings_are_there_with_a_few_sessions_each(demo):
    meetings = Meeting.objects.exclude(kind=Meeting.Kind.ANNUAL).select_related("venue")

    assert sorted(
        (m.name, m.kind, m.venue.name, m.venue.time_zone, str(m.start_date), str(m.end_date),
         m.website)
        for m in meetings
    ) == sorted(OTHER_MEETINGS)  # fmt: skip
    for meeting in meetings:
        assert meeting.number is None
        sessions = meeting.sessions.all()
        assert sessions.count() >= 3, meeting.name
        for session in sessions:
            assert meeting.start_date <= session.date <= meeting.end_date, session.key
    assert Session.objects.filter(meeting__venue__city="The Hague").count() == 3
    # One venue hosts many meetings: Vilnius, the fifth IGF and EuroDIG 2024.
    vilnius = Venue.objects.get(city="Vilnius")
    assert sorted(vilnius.meetings.values_list("name", flat=True)) == ["EuroDIG 2024", "IGF 2010"]


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
    sessions = Session.objects.select_related("meeting", "type", "topic")
    meetings = list(Meeting.objects.all())

    assert sessions.count() >= 60
    held_at = {}
    for session in sessions:
        # Each session is held during its meeting.
        meeting = session.meeting
        assert meeting.start_date <= session.date <= meeting.end_date, session.key
        held_at.setdefault(meeting.name, []).append(session)
    assert set(held_at) == {meeting.name for meeting in meetings}
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
