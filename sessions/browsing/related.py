"""Choosing a session's related sessions (DESIGN.md, "Related sessions"; issue 3 adds
the shared speaker and topic as the second step)."""

from django.conf import settings
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When

from sessions.models import Participant, Session

# The steps, in the order they are shown.
(
    LINKED_BY_HAND,
    SHARED_SPEAKER_AND_TOPIC,
    SHARED_STRATEGY,
    SAME_TOPIC_AND_TYPE,
    SAME_TOPIC,
) = range(5)


def related_sessions(session: Session, *, limit: int | None = None) -> list[Session]:
    """Up to `limit` published sessions related to `session`, best first, in one query.

    First the sessions an editor linked by hand, then those of the same topic that
    share a speaker (in any role), then those sharing a strategy, then those of the
    same topic and type, then the same topic. Within each step the sessions of the same
    meeting come first, then the most viewed. A session that qualifies for several steps
    appears once, in its first.
    """
    if limit is None:
        limit = settings.CATALOGUE_RELATED_SESSIONS
    linked_by_hand = Exists(
        Session.related.through.objects.filter(from_session=session.pk, to_session=OuterRef("pk"))
    )
    shares_speaker = Exists(
        Participant.objects.filter(
            session=OuterRef("pk"),
            speaker__in=Participant.objects.filter(session=session.pk).values("speaker"),
        )
    )
    Presents = Session.strategies.through
    shares_strategy = Exists(
        Presents.objects.filter(
            session=OuterRef("pk"),
            strategy__in=Presents.objects.filter(session=session.pk).values("strategy"),
        )
    )
    same_topic = Q(topic=session.topic_id)
    step = Case(
        When(linked_by_hand, then=Value(LINKED_BY_HAND)),
        When(same_topic & shares_speaker, then=Value(SHARED_SPEAKER_AND_TOPIC)),
        When(shares_strategy, then=Value(SHARED_STRATEGY)),
        When(same_topic & Q(type=session.type_id), then=Value(SAME_TOPIC_AND_TYPE)),
        When(same_topic, then=Value(SAME_TOPIC)),
        default=None,
        output_field=IntegerField(),
    )
    elsewhere = Case(
        When(meeting=session.meeting_id, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    candidates = (
        Session.objects.published()
        .exclude(pk=session.pk)
        .alias(step=step, elsewhere=elsewhere)
        .filter(step__isnull=False)
        .for_list()
        .order_by("step", "elsewhere", "-views", "-date", "pk")
    )
    return list(candidates[:limit])
