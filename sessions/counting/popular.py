"""The most viewed sessions: of all time, and of the last days (the home page's
"popular this week"), from the per-day counts."""

import datetime

from django.db.models import QuerySet, Sum

from sessions.models import Session

from .visitors import today

# The home page's "popular" list: views of the last 7 days, today included.
POPULAR_DAYS = 7


def most_viewed_sessions(*, limit: int = 5) -> QuerySet[Session]:
    """The published sessions with the most views of all time; on a tie the newest,
    then the first created."""
    return (
        Session.objects.published()
        .for_list()
        .with_marks()
        .order_by("-views", "-date", "pk")[:limit]
    )


def popular_sessions_since(day: datetime.date, *, limit: int = 5) -> QuerySet[Session]:
    """The published sessions viewed most from `day` on, `day` included, by the per-day
    counts, each with those views as `recent_views`; on a tie the most viewed of all
    time, then the newest, then the first created.

    Only the per-day rows from `day` on are read (the filter comes before the sum, so
    both use one join, on the index of days).
    """
    return (
        Session.objects.published()
        .filter(daily_views__day__gte=day)
        .annotate(recent_views=Sum("daily_views__views"))
        .filter(recent_views__gt=0)
        .for_list()
        .with_marks()
        .order_by("-recent_views", "-views", "-date", "pk")[:limit]
    )


def popular_sessions_of_last_days(days: int = POPULAR_DAYS, *, limit: int = 5) -> QuerySet[Session]:
    """The sessions viewed most in the last `days` days, today included.

    Days are those views are counted under (the site's time zone), so "the last 7
    days" are today and the 6 days before it.
    """
    return popular_sessions_since(today() - datetime.timedelta(days=days - 1), limit=limit)
