"""Facet counts on the session list: what each filter value would give with the others."""

import datetime
import re

import pytest
from django.http import QueryDict

from sessions.browsing.facets import facet_counts
from sessions.browsing.filters import SessionFilter
from sessions.caching.version import bump_catalogue_version, reading_one_version
from sessions.models import Session, Speaker
from sessions.search import refresh_search_vectors
from tests.conftest import on_postgresql
from tests.factories import (
    MeetingFactory,
    ParticipantFactory,
    SessionFactory,
    SessionTypeFactory,
    SpeakerFactory,
    StrategyFactory,
    TopicFactory,
    VenueFactory,
)
from tests.page_parsing import section, visible_text

pytestmark = pytest.mark.django_db

GOVERNMENT = Speaker.StakeholderGroup.GOVERNMENT
CIVIL_SOCIETY = Speaker.StakeholderGroup.CIVIL_SOCIETY
PRIVATE_SECTOR = Speaker.StakeholderGroup.PRIVATE_SECTOR


@pytest.fixture
def catalogue():
    """Five published sessions over two years, meetings, venues, types and topics, and a
    draft. Echo was held at the youth IGF beside the annual IGF of 2015.

    title    year  meeting         venue         type        topic    participants' groups
    Alpha    2007  IGF 2007        Rio           Workshop    Other    Government, Civil Society
    Bravo    2007  IGF 2007        Rio           Open Forum  Cyber    Government, Government
    Charlie  2015  IGF 2015        João Pessoa   Workshop    Cyber    Private Sector
    Delta    2015  IGF 2015        João Pessoa   Open Forum  Other    (none)
    Echo     2015  Youth IGF 2015  João Pessoa   Workshop    Other    Civil Society
    Foxtrot  2015  IGF 2015        João Pessoa   Workshop    Draft-only topic, a draft: Government
    """
    rio = VenueFactory(city="Rio de Janeiro", country="Brazil")
    joao_pessoa = VenueFactory(city="João Pessoa", country="Brazil")
    VenueFactory(city="Athens", country="Greece")  # no sessions
    workshop = SessionTypeFactory(name="Workshop")
    open_forum = SessionTypeFactory(name="Open Forum")
    SessionTypeFactory(name="Lightning Talk")  # no sessions
    other = TopicFactory(name="Other")
    cyber = TopicFactory(name="Cybersecurity and Trust")
    minister = SpeakerFactory(name="A minister", stakeholder_group=GOVERNMENT)
    official = SpeakerFactory(name="An official", stakeholder_group=GOVERNMENT)
    activist = SpeakerFactory(name="An activist", stakeholder_group=CIVIL_SOCIETY)
    engineer = SpeakerFactory(name="An engineer", stakeholder_group=PRIVATE_SECTOR)
    strategy = StrategyFactory(name="National Digital Strategy", slug="mexico-nds")
    igf_2007 = MeetingFactory(venue=rio, start_date=datetime.date(2007, 11, 12))
    igf_2015 = MeetingFactory(venue=joao_pessoa, start_date=datetime.date(2015, 11, 10))
    youth = MeetingFactory(
        name="Youth IGF 2015",
        kind="youth",
        venue=joao_pessoa,
        start_date=datetime.date(2015, 11, 9),
        end_date=datetime.date(2015, 11, 9),
    )
    rows = [
        ("Alpha", 2007, igf_2007, workshop, other, [minister, activist], [strategy]),
        ("Bravo", 2007, igf_2007, open_forum, cyber, [minister, official], []),
        ("Charlie", 2015, igf_2015, workshop, cyber, [engineer], [strategy]),
        ("Delta", 2015, igf_2015, open_forum, other, [], []),
        ("Echo", 2015, youth, workshop, other, [activist], []),
    ]
    sessions = {}
    for title, year, meeting, session_type, topic, speakers, strategies in rows:
        session = SessionFactory(
            title=title,
            date=datetime.date(year, 11, 12),
            meeting=meeting,
            type=session_type,
            topic=topic,
            strategies=strategies,
        )
        for speaker in speakers:
            ParticipantFactory(session=session, speaker=speaker)
        sessions[title] = session
    # A minister speaking twice in one session still makes one session.
    ParticipantFactory(session=sessions["Bravo"], speaker=minister, role="moderator")
    draft = SessionFactory(
        title="Foxtrot",
        status=Session.Status.DRAFT,
        date=datetime.date(2015, 11, 12),
        meeting=igf_2015,
        type=workshop,
        topic=TopicFactory(name="Draft-only topic"),
    )
    ParticipantFactory(session=draft, speaker=minister)
    refresh_search_vectors(Session.objects.values_list("pk", flat=True))
    return sessions


def counts(query: str = "") -> dict[str, list[tuple[str, int]]]:
    """Each facet's values as (label, count), in the order the form offers them; all but
    `has`, which test_has_filter.py tests with sessions that have something."""
    session_filter = SessionFilter(QueryDict(query), queryset=Session.objects.published())
    return {
        name: [(value.label, value.count) for value in values]
        for name, values in facet_counts(session_filter).items()
        if name != "has"
    }


ALL = {
    "year": [("2015", 3), ("2007", 2)],
    "meeting": [("IGF 2015", 2), ("Youth IGF 2015", 1), ("IGF 2007", 2)],
    "kind": [("Annual IGF", 4), ("Youth IGF", 1)],
    "venue": [("João Pessoa, Brazil", 3), ("Rio de Janeiro, Brazil", 2)],
    "type": [("Open Forum", 2), ("Workshop", 3)],
    "topic": [("Cybersecurity and Trust", 2), ("Other", 3)],
    "stakeholder": [("Government", 2), ("Civil Society", 2), ("Private Sector", 1)],
}


def test_without_filters_each_value_counts_its_published_sessions(catalogue):
    assert counts() == ALL


def test_the_counts_are_kept_until_the_catalogue_changes(catalogue):
    assert counts() == ALL
    # Saving a session announces a new catalogue version: the kept counts go.
    catalogue["Delta"].status = Session.Status.DRAFT
    catalogue["Delta"].save()
    found = counts()
    assert found["year"] == [("2015", 2), ("2007", 2)]
    assert dict(found["type"])["Open Forum"] == 1


def test_values_without_published_sessions_are_left_out(catalogue):
    found = counts()
    assert "Athens, Greece" not in dict(found["venue"])
    assert "Lightning Talk" not in dict(found["type"])
    assert "Draft-only topic" not in dict(found["topic"])  # only a draft is filed under it
    assert "Technical Community" not in dict(found["stakeholder"])


def test_stakeholder_counts_count_sessions_not_participants(catalogue):
    # Bravo has a minister (twice, in two roles) and an official: one session.
    assert dict(counts("venue=rio-de-janeiro-brazil")["stakeholder"])["Government"] == 2
    assert dict(counts("type=open-forum")["stakeholder"]) == {"Government": 1}


def test_stakeholder_counts_follow_speakers_and_participants_as_they_change(
    catalogue, django_capture_on_commit_callbacks
):
    """On PostgreSQL the groups are read from each session's row, refreshed as an editor
    saves: they must still count what the participants say."""
    with django_capture_on_commit_callbacks(execute=True):
        activist = Speaker.objects.get(name="An activist")  # Alpha and Echo
        activist.stakeholder_group = Speaker.StakeholderGroup.TECHNICAL_COMMUNITY
        activist.save(update_fields=["stakeholder_group"])
    found = dict(counts()["stakeholder"])
    assert "Civil Society" not in found
    assert found["Technical Community"] == 2

    with django_capture_on_commit_callbacks(execute=True):
        catalogue["Charlie"].participants.get().delete()  # its only speaker, Private Sector
        ParticipantFactory(
            session=catalogue["Delta"], speaker=Speaker.objects.get(name="An official")
        )
    assert counts()["stakeholder"] == [("Government", 3), ("Technical Community", 2)]


def test_one_filter_narrows_the_other_facets_but_not_its_own(catalogue):
    assert counts("year=2015") == {
        "year": ALL["year"],  # its own selection does not narrow it
        "meeting": [("IGF 2015", 2), ("Youth IGF 2015", 1)],
        "kind": [("Annual IGF", 2), ("Youth IGF", 1)],
        "venue": [("João Pessoa, Brazil", 3)],
        "type": [("Open Forum", 1), ("Workshop", 2)],
        "topic": [("Cybersecurity and Trust", 1), ("Other", 2)],
        "stakeholder": [("Civil Society", 1), ("Private Sector", 1)],
    }


def test_two_filters_each_count_with_the_other(catalogue):
    assert counts("year=2015&type=workshop") == {
        "year": [("2015", 2), ("2007", 1)],  # workshops of each year
        "meeting": [("IGF 2015", 1), ("Youth IGF 2015", 1)],
        "kind": [("Annual IGF", 1), ("Youth IGF", 1)],
        "venue": [("João Pessoa, Brazil", 2)],
        "type": [("Open Forum", 1), ("Workshop", 2)],  # types of 2015
        "topic": [("Cybersecurity and Trust", 1), ("Other", 1)],
        "stakeholder": [("Civil Society", 1), ("Private Sector", 1)],
    }


def test_the_stakeholder_filter_narrows_the_others_but_not_its_own_counts(catalogue):
    assert counts("stakeholder=government") == {
        "year": [("2007", 2)],
        "meeting": [("IGF 2007", 2)],
        "kind": [("Annual IGF", 2)],
        "venue": [("Rio de Janeiro, Brazil", 2)],
        "type": [("Open Forum", 1), ("Workshop", 1)],
        "topic": [("Cybersecurity and Trust", 1), ("Other", 1)],
        "stakeholder": ALL["stakeholder"],
    }


def test_a_kind_of_meeting_or_a_meeting_narrows_the_others_as_any_facet(catalogue):
    assert counts("kind=youth") == {
        "year": [("2015", 1)],
        "meeting": [("Youth IGF 2015", 1)],
        "kind": ALL["kind"],
        "venue": [("João Pessoa, Brazil", 1)],
        "type": [("Workshop", 1)],
        "topic": [("Other", 1)],
        "stakeholder": [("Civil Society", 1)],
    }
    found = counts("meeting=igf-2007")
    assert found["meeting"] == ALL["meeting"]
    assert found["kind"] == [("Annual IGF", 2)]
    assert found["year"] == [("2007", 2)]


def test_filters_that_are_not_facets_narrow_every_facet(catalogue):
    assert counts("strategy=mexico-nds") == {
        "year": [("2015", 1), ("2007", 1)],
        "meeting": [("IGF 2015", 1), ("IGF 2007", 1)],
        "kind": [("Annual IGF", 2)],
        "venue": [("João Pessoa, Brazil", 1), ("Rio de Janeiro, Brazil", 1)],
        "type": [("Workshop", 2)],
        "topic": [("Cybersecurity and Trust", 1), ("Other", 1)],
        "stakeholder": [("Government", 1), ("Civil Society", 1), ("Private Sector", 1)],
    }
    assert counts("q=charlie")["type"] == [("Workshop", 1)]


def test_a_chosen_value_without_sessions_stays_with_zero(catalogue):
    found = counts("year=2015&stakeholder=government&topic=cybersecurity-and-trust")
    assert found["year"] == [("2015", 0), ("2007", 1)]
    assert found["stakeholder"] == [("Government", 0), ("Private Sector", 1)]
    assert found["topic"] == [("Cybersecurity and Trust", 0)]
    # Other values without sessions are still left out.
    assert found["type"] == []


def test_an_invalid_value_is_left_out_of_the_counts_too(catalogue):
    assert counts("venue=atlantis&year=abc&stakeholder=aliens&type=workshop") == {
        **ALL,
        "year": [("2015", 2), ("2007", 1)],
        "meeting": [("IGF 2015", 1), ("Youth IGF 2015", 1), ("IGF 2007", 1)],
        "kind": [("Annual IGF", 2), ("Youth IGF", 1)],
        "venue": [("João Pessoa, Brazil", 2), ("Rio de Janeiro, Brazil", 1)],
        "topic": [("Cybersecurity and Trust", 1), ("Other", 2)],
        "stakeholder": [("Government", 1), ("Civil Society", 2), ("Private Sector", 1)],
    }


def test_an_empty_catalogue_has_no_values(db):
    assert counts("year=2015") == {
        "year": [],  # 2015 is no valid year here, so it is not kept
        "meeting": [],
        "kind": [],
        "venue": [],
        "type": [],
        "topic": [],
        "stakeholder": [],
    }


def test_facet_counts_cost_a_constant_number_of_queries_once_per_version(
    catalogue, django_assert_num_queries
):
    def session_filter():
        session_filter = SessionFilter(
            QueryDict("year=2015&type=workshop&stakeholder=civil-society&q=echo"),
            queryset=Session.objects.published(),
        )
        session_filter.form.is_valid()  # the type's slug is looked up here
        return session_filter

    # The catalogue version; on PostgreSQL one query counts every facet, and one each
    # reads the meetings, venues, types and topics; elsewhere one query per facet (the
    # `has` facet's counts the list too, which spares the list page its count).
    filtered = session_filter()
    with reading_one_version(), django_assert_num_queries(6 if on_postgresql() else 9):
        first = facet_counts(filtered)
    assert first["type"]
    # The same filters again: from the cache, the version only.
    filtered = session_filter()
    with reading_one_version(), django_assert_num_queries(1):
        assert facet_counts(filtered) == first
    bump_catalogue_version()
    filtered = session_filter()
    with reading_one_version(), django_assert_num_queries(6 if on_postgresql() else 9):
        assert facet_counts(filtered) == first


# On the page


def select(content: str, name: str) -> list[tuple[str, str, bool]]:
    """The options of the select `name` as (value, text, selected)."""
    markup = re.search(rf'<select name="{name}".*?</select>', content, re.S).group(0)
    return [
        (value, visible_text(text), bool(selected))
        for value, selected, text in re.findall(
            r'<option value="([^"]*)"( selected)?>(.*?)</option>', markup, re.S
        )
    ]


def test_the_form_offers_each_value_with_its_count(client, catalogue):
    content = client.get("/sessions/?year=2015").content.decode()
    assert select(content, "year") == [
        ("", "Any year", False),
        ("2015", "2015 (3)", True),
        ("2007", "2007 (2)", False),
    ]
    assert select(content, "venue") == [
        ("", "Any venue", True),
        ("joao-pessoa-brazil", "João Pessoa, Brazil (3)", False),
    ]
    assert select(content, "type") == [
        ("", "Any session type", True),
        ("open-forum", "Open Forum (1)", False),
        ("workshop", "Workshop (2)", False),
    ]
    assert select(content, "topic") == [
        ("", "Any topic", True),
        ("cybersecurity-and-trust", "Cybersecurity and Trust (1)", False),
        ("other", "Other (2)", False),
    ]
    assert select(content, "stakeholder") == [
        ("", "Any stakeholder group", True),
        ("civil-society", "Civil Society (1)", False),
        ("private-sector", "Private Sector (1)", False),
    ]


def test_a_chosen_value_with_no_sessions_stays_selected(client, catalogue):
    content = client.get("/sessions/?year=2007&type=workshop&topic=cybersecurity-and-trust")
    content = content.content.decode()
    assert ("cybersecurity-and-trust", "Cybersecurity and Trust (0)", True) in select(
        content, "topic"
    )
    assert "0 sessions" in visible_text(section(content, "results-heading"))


def test_the_form_stays_labelled_and_keeps_the_invalid_value_message(client, catalogue):
    content = client.get("/sessions/?venue=atlantis&type=workshop").content.decode()
    form = re.search(r'<form class="filter-form"(.*?)</form>', content, re.S).group(0)
    for name in ("year", "venue", "type", "topic", "stakeholder"):
        assert f'<label for="id_{name}">' in form
        assert f'id="id_{name}"' in form
    assert re.search(r'<select name="venue" aria-invalid="true"', form)
    assert "venue=atlantis: There is no such venue." in visible_text(
        section(content, "ignored-heading")
    )
    # The ignored venue narrows nothing: both venues, with the workshops of each.
    assert [text for _, text, _ in select(content, "venue")] == [
        "Any venue",
        "João Pessoa, Brazil (2)",
        "Rio de Janeiro, Brazil (1)",
    ]


def test_a_value_left_out_of_the_form_is_still_a_valid_filter(client, catalogue):
    # With 2015 chosen, Rio is not offered (no session there that year)...
    offered = select(client.get("/sessions/?year=2015").content.decode(), "venue")
    assert "rio-de-janeiro-brazil" not in [value for value, _, _ in offered]
    # ...but a link or bookmark that names it still works, and the form shows both.
    content = client.get("/sessions/?year=2015&venue=rio-de-janeiro-brazil").content.decode()
    assert "ignored-heading" not in content
    assert select(content, "venue") == [
        ("", "Any venue", False),
        ("joao-pessoa-brazil", "João Pessoa, Brazil (3)", False),
        ("rio-de-janeiro-brazil", "Rio de Janeiro, Brazil (0)", True),
    ]
    assert select(content, "year") == [
        ("", "Any year", False),
        ("2015", "2015 (0)", True),
        ("2007", "2007 (2)", False),
    ]
    assert "0 sessions" in visible_text(section(content, "results-heading"))
