"""Many sessions written in a few queries, for the tests that pin query counts."""

from sessions.models import Participant, Session, Speaker, Transcript
from tests.factories import SessionFactory, TagFactory


def bulk_sessions(count: int, *, linked: bool = False, **fields) -> list[Session]:
    """`count` published sessions like `SessionFactory(**fields)`, saved in bulk.

    With `linked`, each also has a strategy (`strategies=` in `fields`), a participant,
    a tag, an English transcript and a related session, so every prefetch has rows.
    """
    strategies = fields.pop("strategies", [])
    first = SessionFactory(**fields)
    Session.objects.bulk_create(
        Session(
            key=f"bulk-{number}",
            title=f"Bulk session {number}",
            slug=f"bulk-session-{number}",
            date=first.date,
            start_time=first.start_time,
            end_time=first.end_time,
            type=first.type,
            topic=first.topic,
            meeting=first.meeting,
            description=first.description,
            status=first.status,
        )
        for number in range(1, count)
    )
    sessions = list(Session.objects.filter(key__startswith="bulk-")) + [first]
    if linked:
        speaker = Speaker.objects.create(name="Bulk speaker", slug="bulk-speaker")
        tag = TagFactory(name="Bulk tag")
        Participant.objects.bulk_create(Participant(session=s, speaker=speaker) for s in sessions)
        Transcript.objects.bulk_create(Transcript(session=s, text="Hello.") for s in sessions)
        Session.tags.through.objects.bulk_create(
            Session.tags.through(session=s, tag=tag) for s in sessions
        )
        Session.related.through.objects.bulk_create(
            Session.related.through(from_session=s, to_session=first)
            for s in sessions
            if s != first
        )
        Session.strategies.through.objects.bulk_create(
            Session.strategies.through(session=s, strategy=strategy)
            for s in sessions
            for strategy in strategies
        )
    return sessions
