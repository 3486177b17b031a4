"""Choosing a session's related sessions (DESIGN.md, "Related sessions")."""

from django.conf import settings
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When

from .models import Session

# The steps, in the order they are shown.
LINKED_BY_HAND, SHARED_STRATEGY, SAME_TOPIC_AND_TYPE, SAME_TOPIC = range(4)


def related_sessions(session: Session, *, limit: int | None = None) -> list[Session]:
    """Up to `limit` published sessions related to `session`, best first, in one query.

    First the sessions an editor linked by hand, then those sharing a strategy, then
    those of the same topic and type, then the same topic; most viewed first within
    each step. A session that qualifies for several steps appears once, in its first.
    """
    if limit is None:
        limit = settings.CATALOGUE_RELATED_SESSIONS
    linked_by_hand = Exists(
        Session.related.through.objects.filter(from_session=session.pk, to_session=OuterRef("pk"))
    )
    Presents = Session.strategies.through
    shares_strategy = Exists(
        Presents.objects.filter(
            session=OuterRef("pk"),
            strategy__in=Presents.objects.filter(session=session.pk).values("strategy"),
        )
    )
    step = Case(
        When(linked_by_hand, then=Value(LINKED_BY_HAND)),
        When(shares_strategy, then=Value(SHARED_STRATEGY)),
        When(Q(topic=session.topic_id, type=session.type_id), then=Value(SAME_TOPIC_AND_TYPE)),
        When(topic=session.topic_id, then=Value(SAME_TOPIC)),
        default=None,
        output_field=IntegerField(),
    )
    candidates = (
        Session.objects.published()
        .exclude(pk=session.pk)
        .alias(step=step)
        .filter(step__isnull=False)
        .for_list()
        .order_by("step", "-views", "-date", "pk")
    )
    return list(candidates[:limit])
