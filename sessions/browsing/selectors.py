"""What the public pages read: each function costs a fixed number of queries.

Views stay thin and call these; the queries live here, beside the models they read.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import ExtractYear, TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sessions.caching import page_cache
from sessions.counting.visitors import today
from sessions.models import (
    DailyViews,
    Meeting,
    Session,
    SessionType,
    Tag,
    Topic,
    Transcript,
    Venue,
)
from strategies.models import Enabler, Objective, Strategy

from .people import group_by_role, participants_prefetch

# The first annual IGF; with next year, the bounds of a year page worth showing.
FIRST_MEETING_YEAR = 2006
PUBLISHED = Q(sessions__status=Session.Status.PUBLISHED)
# A venue's published sessions are its meetings'.
HELD_HERE = Q(meetings__sessions__status=Session.Status.PUBLISHED)


def in_public_use(queryset: QuerySet, link: str) -> QuerySet:
    """The objects of `queryset` that a published session names through its field `link`
    (its venue, type, topic, speakers or tags): one named by drafts only is not public yet."""
    return queryset.filter(Exists(Session.objects.published().filter(**{link: OuterRef("pk")})))


def session_for_page(*, slug: str, user: AbstractBaseUser | AnonymousUser) -> Session:
    """The session at `slug` as its page shows it, or Http404; eight queries.

    Its recordings and documents come in their order. Its participants come grouped by
    role as `participant_groups`, each participant
    with its speaker's `speaker_session_count`; its tags as `tags_by_name`; whether it
    has a transcript as `has_transcript`. Its strategies, as `presented_strategies`,
    come with their objectives and enablers in order, each marked `is_tagged` when the
    session discusses it (and the strategy `has_tagged_parts` when any is). Drafts only
    for editors.
    """
    session = get_object_or_404(
        Session.objects.visible_to(user)
        .for_list()
        .with_tags()
        .prefetch_related(
            participants_prefetch(),
            "recordings",  # in their order (Meta.ordering)
            "documents",
        )
        .annotate(has_transcript=Exists(Transcript.objects.filter(session=OuterRef("pk")))),
        slug=slug,
    )
    session.participant_groups = group_by_role(session.ordered_participants)
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


def views_of(session_pk: int) -> int:
    """The view total of one session as it is now (0 if it is gone); one query."""
    return next(iter(Session.objects.filter(pk=session_pk).values_list("views", flat=True)), 0)


def with_annual_meeting(venues: QuerySet[Venue], *, year=None) -> QuerySet[Venue]:
    """`venues`, each with the number and dates of the annual IGF it hosted (of `year`,
    an int or an OuterRef, if given; else the latest) as `meeting_number`, `start_date`
    and `end_date`, None where it hosted none: in the venues' own query."""
    annual = Meeting.objects.annual().filter(venue=OuterRef("pk"))
    if year is not None:
        annual = annual.filter(start_date__year=year)
    # The latest dated one first (PostgreSQL would put an undated one first otherwise).
    annual = annual.order_by(F("start_date").desc(nulls_last=True), "-pk")
    # The venue's attribute (the templates' meeting line), then the meeting's field.
    fields = {"meeting_number": "number", "start_date": "start_date", "end_date": "end_date"}
    return venues.annotate(
        **{attribute: Subquery(annual.values(name)[:1]) for attribute, name in fields.items()}
    )


def venues_with_counts() -> QuerySet[Venue]:
    """Every venue, latest annual meeting first, with its number of published sessions
    and its annual meeting (`with_annual_meeting`)."""
    return with_annual_meeting(
        Venue.objects.annotate(session_count=Count("meetings__sessions", filter=HELD_HERE))
    ).order_by("-start_date", "city", "country")


def meetings_with_counts() -> QuerySet[Meeting]:
    """Every meeting with its venue and its number of published sessions, latest first."""
    return (
        Meeting.objects.select_related("venue")
        .annotate(session_count=Count("sessions", filter=PUBLISHED))
        .order_by(F("start_date").desc(nulls_last=True), "name", "pk")
    )


# How /meetings/ heads each kind's meetings.
KIND_HEADINGS = {
    Meeting.Kind.ANNUAL: _("Annual IGFs"),
    Meeting.Kind.REGIONAL: _("Regional IGFs"),
    Meeting.Kind.SUBREGIONAL: _("Subregional IGFs"),
    Meeting.Kind.NATIONAL: _("National IGFs"),
    Meeting.Kind.YOUTH: _("Youth IGFs"),
}


@dataclass
class MeetingsOfAKind:
    kind: Meeting.Kind
    meetings: list[Meeting]

    @property
    def heading(self) -> str:
        return str(KIND_HEADINGS[self.kind])


def meetings_by_kind() -> list[MeetingsOfAKind]:
    """Every meeting with its venue and published sessions counted, grouped by kind
    (the annual IGF first, then as `Meeting.Kind` lists them), latest first; one query."""
    groups = {kind: MeetingsOfAKind(kind, []) for kind in Meeting.Kind}
    for meeting in meetings_with_counts():
        groups[Meeting.Kind(meeting.kind)].meetings.append(meeting)
    return [group for group in groups.values() if group.meetings]


def meeting_for_page(slug: str) -> Meeting:
    """The meeting at `slug` with its venue, or Http404; one query."""
    return get_object_or_404(Meeting.objects.select_related("venue"), slug=slug)


def sessions_of(meeting: Meeting) -> QuerySet[Session]:
    """A meeting's published sessions ordered for grouping by day, then topic."""
    return (
        Session.objects.published()
        .filter(meeting=meeting)
        .for_list()
        .with_tags()
        .with_marks()
        .order_by("date", "topic__name", "start_time", "title", "pk")
    )


def meetings_at(venue: Venue) -> QuerySet[Meeting]:
    """The meetings held at `venue`, latest first, with their published sessions counted."""
    return meetings_with_counts().filter(venue=venue)


def meetings_in(year: int) -> list[Meeting]:
    """The meetings that opened in `year`, or have published sessions dated in it, the
    annual one first, then by their first day, with their venues; one query."""
    return list(
        Meeting.objects.select_related("venue")
        .filter(Q(start_date__year=year) | Q(Exists(
            Session.objects.published().filter(meeting=OuterRef("pk"), date__year=year)
        )))
        .order_by(
            Case(When(kind=Meeting.Kind.ANNUAL, then=0), default=1),
            F("start_date").asc(nulls_last=True),
            "name",
            "pk",
        )
    )  # fmt: skip


def latest_meetings(*, others: int) -> list[Meeting]:
    """The latest annual IGF with published sessions, then the `others` latest meetings
    of other kinds that have some, each with its venue and sessions counted; one query.

    Every meeting is read, counted in one pass over the sessions: a few hundred rows,
    cheaper than a pass for each of the two choices."""
    with_sessions = [meeting for meeting in meetings_with_counts() if meeting.session_count]
    annual = [meeting for meeting in with_sessions if meeting.is_annual][:1]
    return annual + [meeting for meeting in with_sessions if not meeting.is_annual][:others]


def sessions_for_tiles(pks: list[int]) -> list[Session]:
    """The sessions `pks`, in that order, with what their tiles show.

    A page of search results is found first as keys alone, then read whole: read whole
    while ranked, each of thousands of matches carried its row and its joins through
    the sort, for the twenty kept."""
    pks = list(pks)
    found = Session.objects.for_list().with_tags().with_marks().in_bulk(pks)
    return [found[pk] for pk in pks if pk in found]


def sessions_at(venue: Venue) -> QuerySet[Session]:
    """A venue's published sessions in programme order."""
    return (
        Session.objects.published()
        .filter(meeting__venue=venue)
        .for_list()
        .with_tags()
        .with_marks()
        .order_by("date", "start_time", "title", "pk")
    )


@dataclass
class YearSummary:
    year: int
    session_count: int = 0
    # Where that year's sessions took place, most sessions first: usually one meeting.
    venues: list[Venue] = field(default_factory=list)


def years_with_counts() -> list[YearSummary]:
    """Each year with published sessions, latest first, with its count and venues; one
    query."""
    rows = (
        Session.objects.published()
        .values(
            venue=F("meeting__venue"),
            venue__city=F("meeting__venue__city"),
            venue__country=F("meeting__venue__country"),
            venue__slug=F("meeting__venue__slug"),
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
            )
        )
    return list(summaries.values())


def years_with_sessions() -> list[int]:
    """The years that have published sessions, earliest first; one query, or only the
    catalogue version's when another request of that version has read them (reading
    them means reading every session)."""
    return page_cache.cached_for_version(
        "years", lambda: [day.year for day in Session.objects.published().dates("date", "year")]
    )


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
        .with_tags()
        .with_marks()
        .order_by("date", "topic__name", "start_time", "title", "pk")
    )


@dataclass(frozen=True)
class MonthViews:
    month: datetime.date  # its first day
    views: int


def first_of_month_before(month: datetime.date, count: int) -> datetime.date:
    """The first day of the month `count` months before `month`'s."""
    year, index = divmod(month.year * 12 + month.month - 1 - count, 12)
    return datetime.date(year, index + 1, 1)


def monthly_views(session: Session, *, months: int = 12) -> list[MonthViews]:
    """`session`'s views in each of the last `months` calendar months, this month
    included, oldest first; a month without views has 0. One query."""
    this_month = today().replace(day=1)
    month_starts = [first_of_month_before(this_month, back) for back in range(months - 1, -1, -1)]
    rows = (
        DailyViews.objects.filter(session=session.pk, day__gte=month_starts[0])
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(total=Sum("views"))
        .order_by()
    )
    totals = {row["month"]: row["total"] for row in rows}
    return [MonthViews(month=month, views=totals.get(month, 0)) for month in month_starts]


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


def tags_with_counts() -> QuerySet[Tag]:
    """Tags that have published sessions, by name, with their count."""
    return (
        Tag.objects.annotate(session_count=Count("sessions", filter=PUBLISHED))
        .filter(session_count__gt=0)
        .order_by("name")
    )


def sessions_tagged(tag: Tag) -> QuerySet[Session]:
    """A tag's published sessions, newest first, ready for session tiles."""
    tagged = Session.tags.through.objects.filter(session=OuterRef("pk"), tag=tag)
    return (
        Session.objects.published()
        .filter(Exists(tagged))
        .for_list()
        .with_tags()
        .with_marks()
        .order_by("-date", "-pk")
    )


def session_with_transcripts(*, slug: str, user: AbstractBaseUser | AnonymousUser) -> Session:
    """The session at `slug` with its `transcripts` by language, or Http404 when it has
    none (or is a draft and `user` no editor); two queries."""
    session = get_object_or_404(
        Session.objects.visible_to(user)
        .for_list()
        .prefetch_related(Prefetch("transcripts", Transcript.objects.order_by("language"))),
        slug=slug,
    )
    if not session.transcripts.all():
        raise Http404("This session has no transcript.")
    return session
