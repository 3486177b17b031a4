import datetime

import pytest
from django.utils.text import slugify

from sessions.models import Document, Participant, Recording, Session, Speaker
from sessions.search import refresh_search_vectors
from tests.factories import (
    ParticipantFactory,
    SessionTypeFactory,
    SpeakerFactory,
    StrategyFactory,
    TagFactory,
    TopicFactory,
    TranscriptFactory,
    VenueFactory,
    meeting_held_at,
)
from tests.sessions import conftest as session_fixtures

# The session fixtures of the pages' tests serve the API's too.
joao_pessoa = session_fixtures.joao_pessoa
rio = session_fixtures.rio
mexico_strategy = session_fixtures.mexico_strategy
seed_session = session_fixtures.seed_session
make_catalogue = session_fixtures.make_catalogue


@pytest.fixture
def seed_session_with_people(seed_session):
    """The seed session with its participants (listed out of order), tags and a transcript."""
    ParticipantFactory(
        session=seed_session,
        speaker=SpeakerFactory(
            name="Ana Pérez",
            organisation="Government of Mexico",
            stakeholder_group=Speaker.StakeholderGroup.GOVERNMENT,
        ),
        role=Participant.Role.SPEAKER,
        order=1,
    )
    ParticipantFactory(
        session=seed_session,
        speaker=SpeakerFactory(
            name="Bruno Silva",
            organisation="",
            stakeholder_group="",
        ),
        role=Participant.Role.MODERATOR,
        order=0,
    )
    ParticipantFactory(
        session=seed_session,
        speaker=SpeakerFactory(
            name="Carla Ortiz",
            organisation="Open Data Institute",
            stakeholder_group=Speaker.StakeholderGroup.CIVIL_SOCIETY,
        ),
        role=Participant.Role.ORGANISER,
        order=5,
    )
    seed_session.tags.set([TagFactory(name="Open data"), TagFactory(name="Digital economy")])
    TranscriptFactory(session=seed_session)
    return seed_session


@pytest.fixture
def make_full_catalogue(make_catalogue):
    """make_full_catalogue(n): make_catalogue(n), each session also with participants,
    tags, a hand-linked related session, two recordings and two documents (a link and
    an uploaded file), so that every part of a session is read."""

    def make(session_count: int) -> list[Session]:
        sessions = make_catalogue(session_count)
        speakers = [SpeakerFactory() for _ in range(3)]
        tags = [TagFactory() for _ in range(3)]
        Participant.objects.bulk_create(
            Participant(session=session, speaker=speakers[number % 3], order=number)
            for number, session in enumerate(sessions)
        )
        Session.tags.through.objects.bulk_create(
            Session.tags.through(session=session, tag=tags[number % 3])
            for number, session in enumerate(sessions)
        )
        Session.related.through.objects.bulk_create(
            Session.related.through(from_session=session, to_session=sessions[number - 1])
            for number, session in enumerate(sessions)
        )
        Recording.objects.bulk_create(
            Recording(session=session, url=url, language=language, order=order)
            for session in sessions
            for order, (url, language) in enumerate(
                [
                    (f"https://www.youtube.com/watch?v=bulk{session.pk:07d}", "en"),
                    (f"https://media.example.org/{session.pk}.mp3", "es"),
                ]
            )
        )
        # Bulk writes skip save(), which would store the file; the API reads only its name.
        Document.objects.bulk_create(
            document
            for session in sessions
            for document in (
                Document(session=session, title="Proposal", url="https://example.org/p.pdf"),
                Document(
                    session=session, title="Slides", file=f"documents/{session.key}/s.pdf", size=9
                ),
            )
        )
        # Bulk writes send no signal: index the words for PostgreSQL's full-text search.
        refresh_search_vectors([session.pk for session in sessions])
        return sessions

    return make


@pytest.fixture
def varied_catalogue(mexico_strategy):
    """48 sessions that differ in every filter: years, venues, types, topics, strategies,
    speakers and their stakeholder groups, tags, words, views; plus three drafts that
    would match most filters. Written in bulk: many tests build it."""
    venues = [
        VenueFactory(city="Rio de Janeiro", country="Brazil"),
        VenueFactory(city="João Pessoa", country="Brazil"),
        VenueFactory(city="Online", country=""),
    ]
    types = [SessionTypeFactory(name=name) for name in ("Workshop", "Open Forum", "Main Session")]
    topics = [TopicFactory(name=name) for name in ("Other", "Cybersecurity and Trust")]
    strategies = [mexico_strategy, StrategyFactory(name="Digital Economy Blueprint")]
    speakers = [
        SpeakerFactory(name="Ana Pérez", stakeholder_group=Speaker.StakeholderGroup.GOVERNMENT),
        SpeakerFactory(
            name="Bruno Silva", stakeholder_group=Speaker.StakeholderGroup.CIVIL_SOCIETY
        ),
        SpeakerFactory(
            name="Carla Ortiz", stakeholder_group=Speaker.StakeholderGroup.TECHNICAL_COMMUNITY
        ),
    ]
    tags = [TagFactory(name=name) for name in ("Open data", "Youth", "IPv6")]
    words = ["broadband access", "open data portals", "incident response", "youth participation"]
    years = [2007, 2015, 2020]
    sessions = Session.objects.bulk_create(
        Session(
            key=f"varied-{number}",
            title=f"{words[number % 4].capitalize()} {number:02d}",
            slug=f"{slugify(words[number % 4])}-{number:02d}",
            description=f"<p>On {words[(number // 4) % 4]}.</p>",
            date=datetime.date(years[number % 3], 11, 10 + number % 4),
            meeting=meeting_held_at(venues[number % 3], datetime.date(years[number % 3], 11, 10)),
            type=types[(number // 3) % 3],
            topic=topics[(number // 2) % 2],
            views=(number * 37) % 50,
            status=Session.Status.PUBLISHED,
        )
        for number in range(48)
    )
    drafts = Session.objects.bulk_create(
        Session(
            key=f"varied-draft-{number}",
            title="Broadband access draft",
            slug=f"broadband-access-draft-{number}",
            date=datetime.date(2015, 11, 10),
            meeting=meeting_held_at(venue, datetime.date(2015, 11, 10)),
            type=types[0],
            topic=topics[0],
            views=999,
            status=Session.Status.DRAFT,
        )
        for number, venue in enumerate(venues)
    )
    Session.strategies.through.objects.bulk_create(
        [
            Session.strategies.through(session=session, strategy=strategy)
            for number, session in enumerate(sessions)
            for strategy in strategies[: number % 3]
        ]
        + [
            Session.strategies.through(session=draft, strategy=strategy)
            for draft in drafts
            for strategy in strategies
        ]
    )
    Session.tags.through.objects.bulk_create(
        [
            Session.tags.through(session=session, tag=tag)
            for number, session in enumerate(sessions)
            for tag in tags[number % 3 : number % 3 + (number % 2) + 1]
        ]
        + [Session.tags.through(session=draft, tag=tag) for draft in drafts for tag in tags]
    )
    Participant.objects.bulk_create(
        [
            Participant(session=session, speaker=speakers[number % 3])
            for number, session in enumerate(sessions)
        ]
        + [
            Participant(
                session=session, speaker=speakers[(number + 1) % 3], role=Participant.Role.MODERATOR
            )
            for number, session in enumerate(sessions)
            if number % 5 == 0
        ]
        + [Participant(session=draft, speaker=speakers[0]) for draft in drafts]
    )
    # Bulk writes send no signal: index the words for PostgreSQL's full-text search.
    refresh_search_vectors([session.pk for session in sessions + drafts])
    return sessions
