"""The session list's filters by speaker, stakeholder group and tag.

/sessions/?speaker=&stakeholder=&tag=, alone and with the other filters.
"""

import datetime
import re

import pytest

from sessions.models import Session, Speaker
from tests.conftest import on_postgresql
from tests.factories import (
    ParticipantFactory,
    SessionFactory,
    SessionTypeFactory,
    SpeakerFactory,
    TagFactory,
    VenueFactory,
)
from tests.page_parsing import link_texts, links, section, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(django_capture_on_commit_callbacks):
    """Sessions whose speakers, their stakeholder groups and tags all differ."""
    # Committed, so that what is refreshed once a transaction commits is there (the
    # stakeholder groups the facet counts on PostgreSQL, the search vectors).
    with django_capture_on_commit_callbacks(execute=True):
        _create_catalogue()


def _create_catalogue():
    rio = VenueFactory(city="Rio de Janeiro", country="Brazil")
    joao_pessoa = VenueFactory(city="João Pessoa", country="Brazil")
    workshop = SessionTypeFactory(name="Workshop")
    open_forum = SessionTypeFactory(name="Open Forum")
    ana = SpeakerFactory(
        name="Ana García", organisation="SCT", stakeholder_group=Speaker.StakeholderGroup.GOVERNMENT
    )
    bruno = SpeakerFactory(
        name="Bruno Costa",
        organisation="Rede",
        stakeholder_group=Speaker.StakeholderGroup.CIVIL_SOCIETY,
    )
    chidi = SpeakerFactory(
        name="Chidi Okafor",
        organisation="ISOC",
        stakeholder_group=Speaker.StakeholderGroup.TECHNICAL_COMMUNITY,
    )
    open_data = TagFactory(name="Open data")
    youth = TagFactory(name="Youth")
    rows = [
        # title, date, venue, type, speakers with roles, tags
        ("Alpha", (2007, 11, 12), rio, workshop, [(ana, "speaker")], [open_data]),
        ("Bravo", (2007, 11, 13), rio, open_forum, [(bruno, "moderator")], [youth]),
        (
            "Charlie",
            (2015, 11, 10),
            joao_pessoa,
            workshop,
            [(ana, "organiser"), (ana, "speaker"), (bruno, "speaker")],
            [open_data, youth],
        ),
        ("Delta", (2015, 11, 12), joao_pessoa, open_forum, [(chidi, "rapporteur")], []),
    ]
    for title, date, venue, session_type, participants, tags in rows:
        session = SessionFactory(
            title=title, date=datetime.date(*date), venue=venue, type=session_type, tags=tags
        )
        for speaker, role in participants:
            ParticipantFactory(session=session, speaker=speaker, role=role)
    draft = SessionFactory(title="Echo draft", status=Session.Status.DRAFT, tags=[open_data])
    ParticipantFactory(session=draft, speaker=ana)


def titles(client, query: str) -> list[str]:
    response = client.get(f"/sessions/?{query}")
    assert response.status_code == 200
    return link_texts(response.content.decode(), "session-tile-title")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("speaker=ana-garcia", ["Charlie", "Alpha"]),  # once, whatever the roles
        ("speaker=bruno-costa", ["Charlie", "Bravo"]),
        ("stakeholder=government", ["Charlie", "Alpha"]),
        ("stakeholder=civil-society", ["Charlie", "Bravo"]),
        ("stakeholder=technical-community", ["Delta"]),
        ("stakeholder=intergovernmental", []),
        ("tag=open-data", ["Charlie", "Alpha"]),
        ("tag=youth", ["Charlie", "Bravo"]),
    ],
)
def test_each_filter_alone(client, catalogue, query, expected):
    assert titles(client, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("speaker=ana-garcia&tag=youth", ["Charlie"]),
        ("speaker=ana-garcia&stakeholder=civil-society", ["Charlie"]),
        ("stakeholder=government&year=2007", ["Alpha"]),
        ("tag=youth&venue=rio-de-janeiro-brazil", ["Bravo"]),
        ("tag=open-data&type=workshop&sort=date", ["Alpha", "Charlie"]),
        ("speaker=bruno-costa&stakeholder=technical-community", []),
        ("speaker=chidi-okafor&tag=open-data", []),
        ("speaker=ana-garcia&stakeholder=government&tag=open-data&year=2015", ["Charlie"]),
    ],
)
def test_filters_combine(client, catalogue, query, expected):
    assert titles(client, query) == expected


def test_chips_name_the_speaker_the_group_and_the_tag(client, catalogue):
    content = client.get(
        "/sessions/?speaker=ana-garcia&stakeholder=civil-society&tag=youth"
    ).content.decode()
    chips = links(section(content, "active-filters-heading"))
    assert chips == [
        (
            "/sessions/?stakeholder=civil-society&tag=youth",
            "Speaker: Ana García (SCT) × (remove this filter)",
        ),
        (
            "/sessions/?speaker=ana-garcia&tag=youth",
            "Stakeholder: Civil Society × (remove this filter)",
        ),
        (
            "/sessions/?speaker=ana-garcia&stakeholder=civil-society",
            "Tag: Youth × (remove this filter)",
        ),
        ("/sessions/", "Clear all filters"),
    ]


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("speaker=nobody", "speaker=nobody: There is no such speaker."),
        ("speaker=%00", "speaker=\ufffd: There is no such speaker."),
        ("stakeholder=Government", "stakeholder=Government: That is not a stakeholder group."),
        ("stakeholder=media", "stakeholder=media: That is not a stakeholder group."),
        ("tag=no-such-tag", "tag=no-such-tag: There is no such tag."),
        ("tag=../..", "tag=../..: There is no such tag."),
    ],
)
def test_an_invalid_value_is_named_and_the_other_filters_apply(client, catalogue, query, reason):
    response = client.get(f"/sessions/?{query}&year=2007")
    assert response.status_code == 200
    content = response.content.decode()
    assert reason in visible_text(section(content, "ignored-heading"))
    assert link_texts(content, "session-tile-title") == ["Bravo", "Alpha"]


def test_the_form_offers_stakeholder_groups_and_tags(client, catalogue):
    content = client.get("/sessions/").content.decode()
    form = re.search(r'<form class="filter-form"(.*?)</form>', content, re.S).group(0)
    for name in ("stakeholder", "tag"):
        assert f'<label for="id_{name}">' in form
        assert f'name="{name}"' in form
    assert "Civil Society" in form
    assert "Open data" in form


def test_the_form_carries_the_speaker_along_without_listing_every_speaker(client, catalogue):
    plain = client.get("/sessions/").content.decode()
    assert 'name="speaker"' not in plain
    assert "Bruno Costa" not in plain

    filtered = client.get("/sessions/?speaker=ana-garcia").content.decode()
    form = re.search(r'<form class="filter-form"(.*?)</form>', filtered, re.S).group(0)
    assert re.search(r'<input type="hidden" name="speaker" value="ana-garcia"', form)

    invalid = client.get("/sessions/?speaker=nobody").content.decode()
    form = re.search(r'<form class="filter-form"(.*?)</form>', invalid, re.S).group(0)
    assert 'name="speaker"' not in form


def test_empty_new_filters_are_tidied_away(client, catalogue):
    response = client.get("/sessions/?speaker=&stakeholder=&tag=&year=2007")
    assert response.status_code == 302
    assert response["Location"] == "/sessions/?year=2007"


@pytest.mark.parametrize("session_count", [1, 201])
def test_filtered_list_query_count_is_constant(
    client, django_assert_num_queries, make_catalogue, session_count
):
    sessions = make_catalogue(session_count)
    speaker = SpeakerFactory(name="Ana García")
    tag = TagFactory(name="Open data")
    for session in sessions:
        ParticipantFactory(session=session, speaker=speaker)
        session.tags.add(tag)
    url = "/sessions/?speaker=ana-garcia&stakeholder=government&tag=open-data"
    # The unfiltered list's queries (test_pages.py), plus a look-up for the speaker's
    # and the tag's slugs.
    with django_assert_num_queries(13 if on_postgresql() else 16):
        assert client.get(url).status_code == 200


def test_a_speaker_of_drafts_only_is_not_named_by_the_list(client):
    secret = SpeakerFactory(name="Embargoed Minister")
    ParticipantFactory(session=SessionFactory(status=Session.Status.DRAFT), speaker=secret)
    SessionFactory(title="Public")
    page = client.get(f"/sessions/?speaker={secret.slug}").content.decode()
    assert "Embargoed Minister" not in page
    assert "There is no such speaker." in page
    assert client.get(f"/speakers/{secret.slug}/").status_code == 404
