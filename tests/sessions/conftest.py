import datetime

import pytest

from sessions.models import Session
from tests.factories import (
    EnablerFactory,
    ObjectiveFactory,
    SessionFactory,
    SessionTypeFactory,
    StrategyFactory,
    TopicFactory,
    VenueFactory,
    annual_meeting_at,
)

MEXICO_OBJECTIVES = [
    "Government transformation",
    "Digital economy",
    "Quality education",
    "Effective universal health",
    "Public safety",
]
MEXICO_ENABLERS = [
    "Connectivity",
    "Digital skills and inclusion",
    "Interoperability",
    "Legal framework",
    "Open data",
]


@pytest.fixture
def joao_pessoa():
    """João Pessoa, host of the 10th IGF, 10–13 November 2015."""
    venue = VenueFactory(city="João Pessoa", country="Brazil")
    return annual_meeting_at(
        venue, number=10, start=datetime.date(2015, 11, 10), end=datetime.date(2015, 11, 13)
    )


@pytest.fixture
def rio():
    """Rio de Janeiro, host of the 2nd IGF, 12–15 November 2007."""
    venue = VenueFactory(city="Rio de Janeiro", country="Brazil")
    return annual_meeting_at(
        venue, number=2, start=datetime.date(2007, 11, 12), end=datetime.date(2007, 11, 15)
    )


@pytest.fixture
def mexico_strategy():
    """Mexico's National Digital Strategy with its five objectives and five enablers."""
    strategy = StrategyFactory(name="National Digital Strategy", country="Mexico", year=2013)
    for order, name in enumerate(MEXICO_OBJECTIVES):
        ObjectiveFactory(strategy=strategy, name=name, order=order)
    for order, name in enumerate(MEXICO_ENABLERS):
        EnablerFactory(strategy=strategy, name=name, order=order)
    return strategy


@pytest.fixture
def seed_session(joao_pessoa, rio, mexico_strategy):
    """The page the project grew from (DESIGN.md), with its two related Rio sessions."""
    other = TopicFactory(name="Other")
    main_session = SessionFactory(
        title="Main Session on Access",
        type=SessionTypeFactory(name="Main Session"),
        topic=other,
        venue=rio,
        date=datetime.date(2007, 11, 12),
        views=1127,
    )
    best_practice_forum = SessionFactory(
        title="Best Practice Forum on Openness",
        type=SessionTypeFactory(name="Best Practice Forum"),
        topic=other,
        venue=rio,
        date=datetime.date(2007, 11, 12),
        views=852,
    )
    return SessionFactory(
        title="Mexico: The National Digital Strategy and the MSH model",
        date=datetime.date(2015, 11, 12),
        type=SessionTypeFactory(name="Workshop"),
        topic=other,
        venue=joao_pessoa,
        description="<p>Mexico's National Digital Strategy, its 5 objectives and 5 enablers.</p>",
        views=41,
        strategies=[mexico_strategy],
        objectives=mexico_strategy.objectives.filter(name="Digital economy"),
        enablers=mexico_strategy.enablers.filter(name__in=["Connectivity", "Open data"]),
        related=[best_practice_forum, main_session],
    )


@pytest.fixture
def make_catalogue(mexico_strategy):
    """make_catalogue(n): n published sessions over several venues, years, types and
    topics, all presenting the Mexican strategy, plus a draft; returns the sessions."""

    def make(session_count: int) -> list[Session]:
        starts = [datetime.date(2007, 11, 12), datetime.date(2015, 11, 10)]
        venues = [
            annual_meeting_at(
                VenueFactory(city="Rio de Janeiro", country="Brazil"), number=None, start=starts[0]
            ),
            annual_meeting_at(
                VenueFactory(city="João Pessoa", country="Brazil"), number=None, start=starts[1]
            ),
        ]
        types = [SessionTypeFactory(name="Workshop"), SessionTypeFactory(name="Open Forum")]
        topics = [TopicFactory(name="Other"), TopicFactory(name="Cybersecurity and Trust")]
        objectives = list(mexico_strategy.objectives.all())
        sessions = []
        for number in range(session_count):
            venue = venues[number % 2]
            sessions.append(
                SessionFactory(
                    title=f"Catalogue session {number:03d}",
                    venue=venue,
                    date=starts[number % 2] + datetime.timedelta(days=number % 3),
                    type=types[number % 2],
                    topic=topics[(number // 2) % 2],
                    views=number,
                    strategies=[mexico_strategy],
                    objectives=objectives[: number % 3],
                )
            )
        SessionFactory(
            title="A draft", status=Session.Status.DRAFT, venue=venues[0], date=starts[0]
        )
        return sessions

    return make
