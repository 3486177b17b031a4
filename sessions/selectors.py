"""What the public pages read: each function costs a fixed number of queries.

Views stay thin and call these; the queries live here, beside the models they read.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from strategies.models import Enabler, Objective, Strategy

from .models import Session, SessionType, Topic, Venue

# The first annual IGF; with next year, the bounds of a year page worth showing.
FIRST_MEETING_YEAR = 2006
PUBLISHED = Q(sessions__status=Session.Status.PUBLISHED)


def session_for_page(*, slug: str, user: AbstractBaseUser | AnonymousUser) -> Session:
    """The session at `slug` as its page shows it, or Http404; four queries.

    Its strategies, as `presented_strategies`, come with their objectives and enablers
    in order, each marked `is_tagged` when the session discusses it (and the strategy
    `has_tagged_parts` when any is). Drafts only for editors.
    """
    session = get_object_or_404(Session.objects.visible_to(user).for_list(), slug=slug)
    tagged_objective = Session.objectives.through.objects.filter(
        session=session.pk, objective=OuterRef("pk")
    )
    tagged_enabler = Session.enablers.through.objects.filter(
        session=session.pk, enabler=OuterRef("pk")
    )
    strategies = Strategy.objects.prefetch_related(
        Prefetch("objectives", Objective.objects.annotate(is_tagged=Exists(tagged_objective))),
        Prefetch("enablers", Enabler.objects.annotate(is_tagged=Exists(tagged_enabler))),
    )
    session.presented_strategies = list(strategies.filter(sessions=session.pk))
    for strategy in session.presented_strategies:
        parts = [*strategy.objectives.all(), *strategy.enablers.all()]
        strategy.has_tagged_parts = any(part.is_tagged for part in parts)
    return session


def venues_with_counts() -> QuerySet[Venue]:
    """Every venue, latest meeting first, with its number of published sessions."""
    return Venue.objects.annotate(session_count=Count("sessions", filter=PUBLISHED)).order_by(
        "-start_date", "city", "country"
    )


def sessions_at(venue: Venue) -> QuerySet[Session]:
    """A venue's published sessions in programme order."""
    return (
        Session.objects.published()
        .filter(venue=venue)
        .for_list()
        .order_by("date", "start_time", "title", "pk")
    )


@dataclass
class YearSummary:
    year: int
    session_count: int = 0
    # Where that year's sessions took place, most sessions first: usually one meeting.
    venues: list[Venue] = field(default_factory=list)

    @property
    def venue(self) -> Venue | None:
        return self.venues[0] if self.venues else None


def years_with_counts() -> list[YearSummary]:
    """Each year with published sessions, latest first, with its count and venues; one query."""
    rows = (
        Session.objects.published()
        .values(
            "venue",
            "venue__city",
            "venue__country",
            "venue__slug",
            "venue__meeting_number",
            "venue__start_date",
            "venue__end_date",
            year=ExtractYear("date"),
        )
        .annotate(session_count=Count("pk"))
        .order_by("-year", "-session_count", "venue__city")
    )
    summaries: dict[int, YearSummary] = {}
    for row in rows:
        summary = summaries.setdefault(row["year"], YearSummary(year=row["year"]))
        summary.session_count += row["session_count"]
        summary.venues.append(
            Venue(
                pk=row["venue"],
                city=row["venue__city"],
                country=row["venue__country"],
                slug=row["venue__slug"],
                meeting_number=row["venue__meeting_number"],
                start_date=row["venue__start_date"],
                end_date=row["venue__end_date"],
            )
        )
    return list(summaries.values())


def years_with_sessions() -> list[int]:
    """The years that have published sessions, earliest first; one query."""
    return [day.year for day in Session.objects.published().dates("date", "year")]


def meeting_venues_in(year: int) -> QuerySet[Venue]:
    """Where the annual meeting of `year` took place, known even before its sessions are."""
    return Venue.objects.filter(start_date__year=year).order_by("start_date", "city")


def is_year_worth_a_page(year: int) -> bool:
    """A year the catalogue could hold: from the first meeting to next year."""
    return FIRST_MEETING_YEAR <= year <= timezone.now().year + 1


def sessions_in_year(year: int) -> QuerySet[Session]:
    """A year's published sessions ordered for grouping by day, then topic.

    Raises Http404 for a year no date can have, before any query reaches the database.
    """
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise Http404("No such year.")
    return (
        Session.objects.published()
        .filter(date__year=year)
        .for_list()
        .order_by("date", "topic__name", "start_time", "title", "pk")
    )


def most_viewed_sessions(*, limit: int = 5) -> QuerySet[Session]:
    return Session.objects.published().for_list().order_by("-views", "-date", "pk")[:limit]


def popular_sessions_since(day: datetime.date, *, limit: int = 5) -> QuerySet[Session]:
    """The sessions viewed most since `day`, from the per-day counts."""
    return (
        Session.objects.published()
        .for_list()
        .annotate(recent_views=Sum("daily_views__views", filter=Q(daily_views__day__gte=day)))
        .filter(recent_views__gt=0)
        .order_by("-recent_views", "-views", "pk")[:limit]
    )


def types_with_counts() -> QuerySet[SessionType]:
    """Session types that have published sessions, with their count."""
    return (
        SessionType.objects.annotate(session_count=Count("sessions", filter=PUBLISHED))
        .filter(session_count__gt=0)
        .order_by("name")
    )


def topics_with_counts() -> QuerySet[Topic]:
    """Topics that have published sessions, with their count."""
    return (
        Topic.objects.annotate(session_count=Count("sessions", filter=PUBLISHED))
        .filter(session_count__gt=0)
        .order_by("name")
    )
