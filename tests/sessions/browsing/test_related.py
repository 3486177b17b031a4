"""related_sessions(): the rule and order of DESIGN.md, "Related sessions"."""

import pytest

from sessions.browsing.related import related_sessions
from sessions.models import Session
from tests.factories import (
    ParticipantFactory,
    SessionFactory,
    SessionTypeFactory,
    StrategyFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    """A workshop on "Other" presenting a strategy, to find related sessions for."""
    return SessionFactory(strategies=[StrategyFactory()])


@pytest.fixture
def other_topic():
    return TopicFactory(name="Cybersecurity and Trust")


@pytest.fixture
def other_type():
    return SessionTypeFactory(name="Main Session")


@pytest.fixture
def speaker(session):
    """Someone who spoke at `session`."""
    return ParticipantFactory(session=session).speaker


def with_speaker(speaker, **kwargs):
    """A session `speaker` took part in (as a moderator: any role counts)."""
    related = SessionFactory(**kwargs)
    ParticipantFactory(session=related, speaker=speaker, role="moderator")
    return related


def titles(sessions):
    return [s.title for s in sessions]


def test_related_sessions_come_in_the_order_of_the_steps(
    settings, session, speaker, other_topic, other_type
):
    settings.CATALOGUE_RELATED_SESSIONS = 10
    same_topic = SessionFactory(title="same topic", type=other_type, views=900)
    shared_speaker_and_topic = with_speaker(
        speaker, title="shared speaker and topic", type=other_type, views=2
    )
    same_topic_and_type = SessionFactory(title="same topic and type", views=800)
    shared_strategy = SessionFactory(
        title="shared strategy",
        topic=other_topic,
        type=other_type,
        views=700,
        strategies=session.strategies.all(),
    )
    linked = SessionFactory(title="linked", topic=other_topic, type=other_type, views=1)
    session.related.add(linked)
    assert related_sessions(session) == [
        linked,
        shared_speaker_and_topic,
        shared_strategy,
        same_topic_and_type,
        same_topic,
    ]


def test_most_viewed_come_first_within_each_step(settings, session, other_topic, other_type):
    settings.CATALOGUE_RELATED_SESSIONS = 10
    strategy = session.strategies.get()
    linked = [SessionFactory(title=f"linked {n}", topic=other_topic, views=n) for n in (5, 50)]
    session.related.add(*linked)
    for n in (6, 60):
        SessionFactory(title=f"strategy {n}", topic=other_topic, views=n, strategies=[strategy])
    for n in (7, 70):
        SessionFactory(title=f"topic and type {n}", views=n)
    for n in (8, 80):
        SessionFactory(title=f"topic {n}", type=other_type, views=n)
    assert titles(related_sessions(session)) == [
        "linked 50",
        "linked 5",
        "strategy 60",
        "strategy 6",
        "topic and type 70",
        "topic and type 7",
        "topic 80",
        "topic 8",
    ]


def test_a_session_in_several_steps_appears_once_in_its_first(settings, session):
    settings.CATALOGUE_RELATED_SESSIONS = 10
    # Linked by hand, sharing the strategy, and of the same topic and type.
    everything = SessionFactory(title="everything", views=1, strategies=session.strategies.all())
    session.related.add(everything)
    # Sharing the strategy and of the same topic and type, more viewed.
    strategy_and_topic = SessionFactory(
        title="strategy and topic", views=500, strategies=session.strategies.all()
    )
    popular = SessionFactory(title="same topic and type", views=1000)
    assert related_sessions(session) == [everything, strategy_and_topic, popular]


def test_a_session_is_never_related_to_itself(settings, session):
    settings.CATALOGUE_RELATED_SESSIONS = 10
    session.related.add(session)  # an editor's slip
    other = SessionFactory()
    assert related_sessions(session) == [other]


def test_only_published_sessions_are_related(settings, session):
    settings.CATALOGUE_RELATED_SESSIONS = 10
    draft_linked = SessionFactory(status=Session.Status.DRAFT, views=10_000)
    session.related.add(draft_linked)
    SessionFactory(status=Session.Status.DRAFT, strategies=session.strategies.all())
    SessionFactory(status=Session.Status.DRAFT, views=10_000)
    published = SessionFactory(views=1)
    assert related_sessions(session) == [published]


def test_sessions_of_another_topic_appear_only_when_linked_or_sharing_a_strategy(
    settings, session, other_topic
):
    settings.CATALOGUE_RELATED_SESSIONS = 10
    SessionFactory(title="unrelated", topic=other_topic, views=10_000)
    SessionFactory(title="unrelated, same type", topic=other_topic, views=10_000)
    linked_from_elsewhere = SessionFactory(title="links to us", topic=other_topic)
    linked_from_elsewhere.related.add(session)  # the link runs the other way
    assert related_sessions(session) == []


def test_related_sessions_stop_at_the_setting(settings, session):
    SessionFactory.create_batch(5)
    assert len(related_sessions(session)) == 3
    settings.CATALOGUE_RELATED_SESSIONS = 2
    assert len(related_sessions(session)) == 2
    settings.CATALOGUE_RELATED_SESSIONS = 5
    assert len(related_sessions(session)) == 5
    assert len(related_sessions(session, limit=1)) == 1


def test_the_limit_keeps_the_best_ones(settings, session):
    settings.CATALOGUE_RELATED_SESSIONS = 2
    SessionFactory(title="topic, popular", views=10_000)
    linked = SessionFactory(title="linked", views=0)
    session.related.add(linked)
    sharing = SessionFactory(title="strategy", views=0, strategies=session.strategies.all())
    assert related_sessions(session) == [linked, sharing]


def test_a_session_with_nothing_related_gets_an_empty_list(session):
    assert related_sessions(session) == []


@pytest.mark.parametrize("candidates", [1, 200])
def test_related_sessions_cost_one_query(
    django_assert_num_queries, settings, session, speaker, other_type, candidates
):
    settings.CATALOGUE_RELATED_SESSIONS = 3
    strategy = session.strategies.get()
    for n in range(candidates):
        kind = n % 5
        related = SessionFactory(
            type=other_type if kind in (1, 3) else session.type,
            strategies=[strategy] if kind == 1 else [],
            views=n,
        )
        if kind == 0:
            session.related.add(related)
        if kind == 4:
            ParticipantFactory(session=related, speaker=speaker)
    with django_assert_num_queries(1):
        found = related_sessions(session)
        # Each is shown with its type, venue and topic: no query more for those.
        lines = [f"{s.type.name} in {s.venue.city} on {s.topic.name} | {s.date}" for s in found]
    assert len(found) == min(candidates, 3)
    assert len(lines) == len(found)


# The second step: a shared speaker and the same topic (issue 3)


def test_a_shared_speaker_and_topic_comes_after_the_linked_and_before_a_shared_strategy(
    settings, session, speaker, other_topic
):
    settings.CATALOGUE_RELATED_SESSIONS = 10
    linked = SessionFactory(title="linked", topic=other_topic, views=0)
    session.related.add(linked)
    sharing_strategy = SessionFactory(
        title="strategy", topic=other_topic, views=10_000, strategies=session.strategies.all()
    )
    sharing_speaker = with_speaker(speaker, title="speaker and topic", views=0)
    assert related_sessions(session) == [linked, sharing_speaker, sharing_strategy]


def test_sessions_sharing_a_speaker_come_most_viewed_first(settings, session, speaker):
    settings.CATALOGUE_RELATED_SESSIONS = 10
    other_speaker = ParticipantFactory(session=session, role="organiser").speaker
    for n in (9, 90):
        with_speaker(speaker, title=f"speaker {n}", views=n)
    with_speaker(other_speaker, title="other speaker 50", views=50)
    SessionFactory(title="topic and type 1000", views=1000)
    assert titles(related_sessions(session)) == [
        "speaker 90",
        "other speaker 50",
        "speaker 9",
        "topic and type 1000",
    ]


def test_a_shared_speaker_of_another_topic_is_not_a_reason(
    settings, session, speaker, other_topic, other_type
):
    settings.CATALOGUE_RELATED_SESSIONS = 10
    with_speaker(speaker, title="speaker, other topic", topic=other_topic, views=10_000)
    # Sharing a strategy as well, it comes in that step.
    both = with_speaker(
        speaker,
        title="speaker and strategy, other topic",
        topic=other_topic,
        strategies=session.strategies.all(),
    )
    same_topic = SessionFactory(title="same topic", type=other_type, views=1)
    assert related_sessions(session) == [both, same_topic]


def test_a_session_sharing_several_speakers_appears_once(settings, session, speaker):
    settings.CATALOGUE_RELATED_SESSIONS = 10
    second = ParticipantFactory(session=session).speaker
    both = with_speaker(speaker, title="both speakers")
    ParticipantFactory(session=both, speaker=second)
    ParticipantFactory(session=both, speaker=second, role="rapporteur")
    assert related_sessions(session) == [both]


def test_a_session_without_speakers_shares_none(settings, session, other_type):
    settings.CATALOGUE_RELATED_SESSIONS = 10
    # Two sessions without participants share nothing: the same topic is all they have.
    other = SessionFactory(title="no speakers either", type=other_type, views=5)
    popular = SessionFactory(title="same topic and type", views=1)
    assert related_sessions(session) == [popular, other]


def test_a_draft_sharing_a_speaker_is_never_related(settings, session, speaker):
    settings.CATALOGUE_RELATED_SESSIONS = 10
    with_speaker(speaker, title="draft", status=Session.Status.DRAFT, views=10_000)
    assert related_sessions(session) == []
