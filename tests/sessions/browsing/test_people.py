"""Speakers: merging duplicates, the speaker pages, and the participants on a session's page."""

import datetime
import re

import pytest

from sessions.admin.speaker_merging import merge_speakers
from sessions.models import Participant, Session, Speaker
from tests.factories import ParticipantFactory, SessionFactory, SpeakerFactory, TagFactory
from tests.page_parsing import link_texts, links, markup_problems, section, visible_text

pytestmark = pytest.mark.django_db

SEED_URL = "/sessions/mexico-the-national-digital-strategy-and-the-msh-model/"
GOVERNMENT = Speaker.StakeholderGroup.GOVERNMENT
CIVIL_SOCIETY = Speaker.StakeholderGroup.CIVIL_SOCIETY


def roles(speaker: Speaker) -> list[tuple[str, str]]:
    return sorted(Participant.objects.filter(speaker=speaker).values_list("session__title", "role"))


# Merging speakers


def test_merge_keeps_every_session_of_every_record():
    kept = SpeakerFactory(name="Ana García")
    duplicate = SpeakerFactory(name="Ana Garcia")
    other_duplicate = SpeakerFactory(name="A. García")
    first, second, third = SessionFactory.create_batch(3)
    ParticipantFactory(speaker=kept, session=first)
    ParticipantFactory(speaker=duplicate, session=second, role="moderator")
    ParticipantFactory(speaker=other_duplicate, session=third, role="organiser")

    merge_speakers(keep=kept, duplicates=[duplicate, other_duplicate])

    assert roles(kept) == [
        (first.title, "speaker"),
        (second.title, "moderator"),
        (third.title, "organiser"),
    ]
    assert list(Speaker.objects.all()) == [kept]


def test_merge_leaves_one_row_where_both_had_the_same_role():
    kept, duplicate = SpeakerFactory.create_batch(2)
    session = SessionFactory()
    ParticipantFactory(speaker=kept, session=session, role="speaker", order=1)
    ParticipantFactory(speaker=duplicate, session=session, role="speaker", order=5)
    ParticipantFactory(speaker=duplicate, session=session, role="rapporteur", order=6)

    merge_speakers(keep=kept, duplicates=[duplicate])

    assert list(session.participants.values_list("speaker", "role", "order")) == [
        (kept.pk, "speaker", 1),
        (kept.pk, "rapporteur", 6),
    ]


def test_merge_of_two_duplicates_in_the_same_session_leaves_one_row():
    kept, duplicate, other_duplicate = SpeakerFactory.create_batch(3)
    session = SessionFactory()
    ParticipantFactory(speaker=duplicate, session=session, order=1)
    ParticipantFactory(speaker=other_duplicate, session=session, order=2)

    merge_speakers(keep=kept, duplicates=[duplicate, other_duplicate])

    assert list(session.participants.values_list("speaker", "order")) == [(kept.pk, 1)]


def test_merge_fills_in_what_the_kept_record_lacks_and_keeps_what_it_has():
    kept = SpeakerFactory(
        name="Ana García", organisation="", stakeholder_group=GOVERNMENT, regional_group=""
    )
    duplicate = SpeakerFactory(
        organisation="SCT",
        stakeholder_group=CIVIL_SOCIETY,
        regional_group=Speaker.RegionalGroup.GRULAC,
        bio_link="https://example.org/ana",
    )

    merge_speakers(keep=kept, duplicates=[duplicate])

    kept.refresh_from_db()
    assert (kept.name, kept.organisation, kept.stakeholder_group) == (
        "Ana García",
        "SCT",
        GOVERNMENT,
    )
    assert (kept.regional_group, kept.bio_link) == ("grulac", "https://example.org/ana")


def test_merge_with_itself_changes_nothing():
    speaker = SpeakerFactory()
    ParticipantFactory(speaker=speaker)

    merge_speakers(keep=speaker, duplicates=[speaker])

    assert Speaker.objects.get() == speaker
    assert speaker.participations.count() == 1


# The speaker list


@pytest.fixture
def speakers():
    """Three speakers of published sessions, one of a draft only."""
    ana = SpeakerFactory(
        name="Ana García",
        organisation="Secretaría de Comunicaciones y Transportes",
        stakeholder_group=GOVERNMENT,
    )
    bruno = SpeakerFactory(
        name="Bruno Costa", organisation="Rede Direitos Digitais", stakeholder_group=CIVIL_SOCIETY
    )
    chidi = SpeakerFactory(name="Chidi Okafor", organisation="", stakeholder_group="")
    hidden = SpeakerFactory(name="Drafted Only")
    for title, year in [("Older", 2007), ("Newer", 2015)]:
        session = SessionFactory(title=title, date=datetime.date(year, 11, 12))
        ParticipantFactory(speaker=ana, session=session, role="speaker", order=1)
        # Two roles in one session: still one session.
        ParticipantFactory(speaker=ana, session=session, role="rapporteur", order=2)
    ParticipantFactory(speaker=bruno, session=Session.objects.get(title="Newer"))
    ParticipantFactory(speaker=chidi)
    draft = SessionFactory(title="A draft", status=Session.Status.DRAFT)
    ParticipantFactory(speaker=hidden, session=draft)
    ParticipantFactory(speaker=ana, session=draft)
    return {"ana": ana, "bruno": bruno, "chidi": chidi, "hidden": hidden}


def speaker_rows(client, query: str = "") -> list[str]:
    content = client.get(f"/speakers/{query}").content.decode()
    items = re.findall(r"<li>(.*?)</li>", section(content, "speakers-heading"), re.S)
    return [visible_text(item) for item in items]


def test_speaker_list_shows_organisation_group_and_published_session_count(client, speakers):
    assert speaker_rows(client) == [
        "Ana García Secretaría de Comunicaciones y Transportes · Government 2 sessions",
        "Bruno Costa Rede Direitos Digitais · Civil Society 1 session",
        "Chidi Okafor 1 session",
    ]


def test_speaker_list_links_each_speaker_to_their_page(client, speakers):
    content = client.get("/speakers/").content.decode()
    assert ("/speakers/ana-garcia/", "Ana García") in links(content)


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("garc", ["Ana García"]),
        ("ANA", ["Ana García"]),
        ("direitos", ["Bruno Costa"]),  # the organisation
        ("bruno rede", ["Bruno Costa"]),  # every word, in name or organisation
        ("ana rede", []),
        ("drafted", []),  # a speaker of drafts only is not public
        ("%", []),
        ("  ", ["Ana García", "Bruno Costa", "Chidi Okafor"]),
    ],
)
def test_speaker_search(client, speakers, search, expected):
    response = client.get("/speakers/", {"q": search})
    assert response.status_code == 200
    assert link_texts(response.content.decode(), "speaker-name") == expected


@pytest.mark.parametrize("search", ["\x00", "a\x00b", "x" * 5000, "' OR 1=1 --", "<script>"])
def test_hostile_speaker_searches_give_a_page(client, speakers, search):
    response = client.get("/speakers/", {"q": search})
    assert response.status_code == 200
    content = response.content.decode()
    assert "<script>" not in content
    assert markup_problems(content) == []


def test_speaker_search_without_results_says_so(client, speakers):
    content = client.get("/speakers/?q=nobody").content.decode()
    assert "No speaker's name or organisation holds every word of “nobody”." in visible_text(
        content
    )


def test_speaker_list_is_paginated(client):
    session = SessionFactory()
    for number in range(45):
        ParticipantFactory(session=session, speaker=SpeakerFactory(name=f"Speaker {number:02d}"))
    pages = [
        link_texts(client.get(f"/speakers/?page={n}").content.decode(), "speaker-name")
        for n in (1, 2, 3)
    ]
    assert [len(page) for page in pages] == [20, 20, 5]
    assert pages[0][0] == "Speaker 00"
    assert client.get("/speakers/?page=abc").status_code == 200


# A speaker's page


def test_speaker_page_lists_their_published_sessions_newest_first_with_roles(client, speakers):
    content = client.get("/speakers/ana-garcia/").content.decode()
    assert '<h1 dir="auto">Ana García</h1>' in content
    assert link_texts(content, "session-tile-title") == ["Newer", "Older"]
    assert re.findall(r'<p class="roles">(.*?)</p>', content) == [
        "Speaker, Rapporteur",
        "Speaker, Rapporteur",
    ]
    assert "A draft" not in content


def test_speaker_page_shows_organisation_and_groups(client, speakers):
    speakers["ana"].regional_group = Speaker.RegionalGroup.GRULAC
    speakers["ana"].save()
    content = client.get("/speakers/ana-garcia/").content.decode()
    text = visible_text(content)
    assert "Secretaría de Comunicaciones y Transportes" in text
    assert "Stakeholder group Government" in text
    assert "Regional group GRULAC" in text
    assert ("/sessions/?stakeholder=government", "Government") in links(content)
    assert ("/sessions/?speaker=ana-garcia", "Filter, search and sort these sessions") in links(
        content
    )


def test_speaker_page_is_paginated(client):
    speaker = SpeakerFactory(name="Busy")
    for number in range(25):
        ParticipantFactory(speaker=speaker, session=SessionFactory(title=f"Session {number}"))
    first = client.get(speaker.get_absolute_url()).content.decode()
    second = client.get(f"{speaker.get_absolute_url()}?page=2").content.decode()
    assert len(link_texts(first, "session-tile-title")) == 20
    assert len(link_texts(second, "session-tile-title")) == 5


def test_speaker_of_drafts_only_and_unknown_speakers_are_404s(client, speakers):
    assert client.get("/speakers/drafted-only/").status_code == 404
    assert client.get("/speakers/nobody-at-all/").status_code == 404


# Participants on a session's page


def participants_section(content: str) -> str:
    return section(content, "participants-heading")


def test_session_page_groups_participants_by_role_in_order(client, seed_session):
    for name, role in [
        ("Rapporteur One", "rapporteur"),
        ("Speaker Two", "speaker"),
        ("Organiser", "organiser"),
        ("Speaker One", "speaker"),
        ("Moderator", "moderator"),
    ]:
        ParticipantFactory(
            session=seed_session, speaker=SpeakerFactory(name=name, organisation="Org"), role=role
        )
    # Within a role, the programme's order decides.
    Participant.objects.filter(speaker__name="Speaker One").update(order=0)
    content = client.get(SEED_URL).content.decode()
    participants = participants_section(content)
    outline = re.findall(r"<h3[^>]*>(.*?)</h3>|<li>(.*?)</li>", participants, re.S)
    assert [visible_text(heading or item) for heading, item in outline] == [
        "Organiser",
        "Organiser, Org (1 session)",
        "Speakers",
        "Speaker One, Org (1 session)",
        "Speaker Two, Org (1 session)",
        "Moderator",
        "Moderator, Org (1 session)",
        "Rapporteur",
        "Rapporteur One, Org (1 session)",
    ]


def test_participants_link_to_their_page_with_their_published_session_count(client, seed_session):
    ana = SpeakerFactory(name="Ana García", organisation="SCT")
    ParticipantFactory(session=seed_session, speaker=ana, role="organiser")
    ParticipantFactory(session=seed_session, speaker=ana, role="speaker")
    ParticipantFactory(speaker=ana)
    ParticipantFactory(speaker=ana, session=SessionFactory(status=Session.Status.DRAFT))
    participants = participants_section(client.get(SEED_URL).content.decode())
    assert links(participants) == [("/speakers/ana-garcia/", "Ana García")] * 2
    assert visible_text(participants).count("(2 sessions)") == 2


def test_session_without_participants_has_no_participants_section(client, seed_session):
    assert "participants-heading" not in client.get(SEED_URL).content.decode()


# Query counts: the same number whatever the size of the catalogue.

SESSION_COUNTS = [1, 201]


@pytest.fixture
def busy_catalogue(make_catalogue):
    """make_catalogue(n) with a speaker in every session, others in some, and tags."""

    def make(session_count: int) -> list[Session]:
        sessions = make_catalogue(session_count)
        busy = SpeakerFactory(name="Ana García")
        tags = [TagFactory(name=name) for name in ("Open data", "Youth", "AI")]
        others = SpeakerFactory.create_batch(3)
        # In bulk: these tests build 201 sessions twice over.
        Participant.objects.bulk_create(
            Participant(session=session, speaker=speaker, role=role)
            for number, session in enumerate(sessions)
            for speaker, role in [(busy, "moderator"), (others[number % 3], "speaker")]
        )
        Session.tags.through.objects.bulk_create(
            Session.tags.through(session=session, tag=tag)
            for number, session in enumerate(sessions)
            for tag in tags[: 1 + number % 3]
        )
        return sessions

    return make


@pytest.mark.parametrize("session_count", SESSION_COUNTS)
def test_speaker_list_query_count(client, django_assert_num_queries, busy_catalogue, session_count):
    busy_catalogue(session_count)
    # The catalogue version, the count, the page; then from the page cache the version.
    with django_assert_num_queries(3):
        assert client.get("/speakers/?q=a").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/speakers/?q=a").status_code == 200


@pytest.mark.parametrize("session_count", SESSION_COUNTS)
def test_speaker_page_query_count(client, django_assert_num_queries, busy_catalogue, session_count):
    busy_catalogue(session_count)
    # The catalogue version, the speaker, the count of their sessions, the page, their
    # roles in it, its tags; then from the page cache the version.
    with django_assert_num_queries(6):
        assert client.get("/speakers/ana-garcia/").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/speakers/ana-garcia/").status_code == 200
