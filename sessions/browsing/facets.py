"""Facet counts on the session list: how many sessions each filter value would give.

The usual rule of faceted search: the counts of a facet apply every other filter in
use, but not the facet's own, so that with a venue chosen the venue list still says
how many sessions each other venue would give. A value with no session is left out,
except the one chosen, which stays (with 0) so that the form still shows it. The `has`
facet's values overlap: a session with a recording and a report counts in both.

On PostgreSQL the eight facets are counted by one query, which finds the sessions
matching the list's other filters (the search above all, the costly part) once and
groups them eight ways (stakeholder groups by the list of them each session row keeps,
see sessions.search.vectors; what a session has by a column for each); the meetings,
venues, types and topics are then read by a query each, for their labels and order.
Elsewhere each facet costs one query, and the `has` facet's counts the list too. Either
way the counts are kept in the cache for the catalogue's version (keyed by the filters'
values), so the same filters asked again (another page, another order) cost nothing.

A broad search is not counted exactly on PostgreSQL: counting 10,000 matches of 100,000
sessions read all of them. The one query first reads the matches among one session in
SAMPLE_EVERY, chosen by a hash of its key so that sessions made in a repeating order
(room by room) do not fall in or out of it together (a partial index holds the words of
those alone: migration 0021); when they stand for more than ESTIMATE_PAST sessions, it
counts them, each for SAMPLE_EVERY, and the page says "about"; otherwise it counts
every match, a few thousand at most.

The counts are written into the filter form's options ("Workshop (12)"), which replaces
the query that would otherwise read each select's choices.
"""

from dataclasses import dataclass
from functools import partial
from hashlib import md5

from django import forms
from django.db import connections
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext

from sessions.caching.page_cache import cached_for_version
from sessions.models import Participant, Recording, Session, Transcript

from .filters import HAS, SessionFilter

FACETS = ("year", "meeting", "kind", "venue", "type", "topic", "stakeholder", "has")
# The facets read from the session's row or its meeting's, as the one query names them
# (the stakeholder groups, many to a session, are counted apart).
FACET_COLUMNS = {
    "year": ExtractYear("date"),
    "meeting": F("meeting_id"),
    "kind": F("meeting__kind"),
    "venue": F("meeting__venue_id"),
    "type": F("type_id"),
    "topic": F("topic_id"),
}
# How each facet's objects reach the sessions they count.
SESSIONS_OF = {"meeting": "sessions", "venue": "meetings__sessions"}


# A search matching more sessions than this is counted in a sample (see the docstring).
ESTIMATE_PAST = 2000
# One session in this many is in the sample, by a hash of its key: the partial index of
# migration 0021 says so.
SAMPLE_EVERY = 10


@dataclass(frozen=True)
class CountedFacets:
    """Every facet's values, and the number of sessions the list shows; `estimated`
    when both were counted in a sample."""

    values: dict[str, list["FacetValue"]]
    total: int
    estimated: bool = False


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet: as in the query string, as read, and its sessions."""

    value: str
    label: str
    count: int


def sessions_matching_all_but(session_filter: SessionFilter, name: str) -> QuerySet[Session]:
    """The sessions the list would show without the filter `name` (and in no order).

    The filters are applied as the filter set applies them: the valid values only, so
    a value that was ignored on the page is ignored here too.
    """
    queryset = session_filter.queryset.all()
    for other, value in session_filter.valid_values.items():
        if other != name:
            queryset = session_filter.filters[other].filter(queryset, value)
    return queryset.order_by()


def facet_counts(session_filter: SessionFilter) -> dict[str, list[FacetValue]]:
    """Each facet's values with sessions, in the order of its select."""
    return counted_facets(session_filter).values


def counted_facets(session_filter: SessionFilter) -> CountedFacets:
    """Each facet's values with sessions, in the order of its select, and the number of
    sessions the list shows (its paginator need not count them again); worked out once
    per catalogue version for the same valid filters (see the module's docstring).

    The filters are those of the published sessions' list: the key names the filters'
    values, not the SQL they compile to (compiling it three times was a fifth of a
    search's time in Python)."""
    key = f"facets:{_filters_key(session_filter)}"
    return cached_for_version(key, lambda: _facet_counts(session_filter))


def _filters_key(session_filter: SessionFilter) -> str:
    """The valid filters (not the order, which changes no count) as a digest, with the
    database and the language (labels may be translated)."""
    values = sorted(
        (name, str(getattr(value, "pk", value)).strip())
        for name, value in session_filter.valid_values.items()
        if name != "sort" and value not in (None, "")
    )
    where = f"{session_filter.queryset.db}\n{translation.get_language()}\n{urlencode(values)}"
    return md5(where.encode(), usedforsecurity=False).hexdigest()


def _facet_counts(session_filter: SessionFilter) -> CountedFacets:
    if connections[session_filter.queryset.db].vendor == "postgresql":
        estimate = bool(session_filter.search_text)
        counts, total, estimated = _counts_in_one_query(session_filter, estimate=estimate)
        return CountedFacets(
            {name: _values(session_filter, name, counts[name]) for name in FACETS},
            total,
            estimated,
        )
    facets = {name: _count(session_filter, name) for name in FACETS if name != "has"}
    has_counts, total = _count_has(session_filter)
    return CountedFacets({**facets, "has": _values(session_filter, "has", has_counts)}, total)


def _has(*, each: bool) -> dict[str, Q | Exists]:
    """What `has=` names, as conditions on a session. `each` for a few thousand sessions
    at most: each looked up, where HAS hashes every recording's session first (a few
    milliseconds at 50,000 recordings, worth it for a whole catalogue only)."""
    if not each:
        return HAS
    return {
        **HAS,
        "recording": Exists(Recording.objects.filter(session=OuterRef("pk"))),
        "transcript": Exists(Transcript.objects.filter(session=OuterRef("pk"))),
    }


def about(count: int) -> int:
    """An estimated count to two significant figures: 9,154 as 9,200."""
    if count < 100:
        return count
    step = 10 ** (len(str(count)) - 2)
    return round(count / step) * step


def _values(session_filter: SessionFilter, name: str, counts: dict[str, int]) -> list[FacetValue]:
    """The values of facet `name` given their counts (by value, or by primary key)."""
    field = session_filter.form.fields[name]
    chosen = session_filter.valid_values.get(name)
    if isinstance(field, forms.ModelChoiceField):
        return _objects_with_counts(name, field, counts, chosen)
    return _choices_with_counts(field, counts, chosen)


def _counts_in_one_query(
    session_filter: SessionFilter, *, estimate: bool = False
) -> tuple[dict[str, dict[str, int]], int, bool]:
    """Every facet's counts, by value (by primary key for meetings, venues, types and
    topics), the number of sessions the list shows, and whether they were estimated, in
    one PostgreSQL query.

    The sessions matching every filter but the facets' are read once (a materialised
    CTE), each with whether it passes each facet's filter in use, and whether it has
    each thing `has=` names; a facet counts those that pass all the others. With
    `estimate`, when the sample stands for more than ESTIMATE_PAST of them, the sample is
    counted instead (see the module's docstring): each of its sessions weighs
    SAMPLE_EVERY.
    """
    queryset = session_filter.queryset.all()
    chosen = {}
    for name, value in session_filter.valid_values.items():
        if name in FACETS:
            if value not in (None, ""):
                chosen[name] = value
        else:
            queryset = session_filter.filters[name].filter(queryset, value)
    passes = {
        # What a session has is a condition on each row, joining nothing; the other
        # filters may join, so their sessions are asked of the filter itself.
        f"passes_{name}": HAS[value]
        if name == "has"
        else Q(
            pk__in=session_filter.filters[name]
            .filter(Session.objects.all(), value)
            .order_by()
            .values("pk")
        )
        for name, value in chosen.items()
    }
    base = queryset.order_by().values(
        facet_id=F("pk"),
        **{f"facet_{name}": column for name, column in FACET_COLUMNS.items()},
        facet_groups=F("stakeholder_groups"),
        **{f"has_{what}": condition for what, condition in _has(each=estimate).items()},
        **passes,
    )
    base_sql, params = base.query.sql_with_params()
    connection = connections[queryset.db]
    quote = connection.ops.quote_name
    if estimate:
        # The list's SQL compiled once, read twice: PostgreSQL flattens the sample's read,
        # so its condition is the partial index's own predicate. The sample is read
        # first; when it holds too few to go by, every match is read instead (a one-time
        # filter: PostgreSQL runs that scan only then).
        every = f"({base_sql}) AS every"
        in_sample = f"mod(hashint8(every.{quote('facet_id')}), {SAMPLE_EVERY}) = 0"
        too_many = f"(SELECT COUNT(*) FROM sampled) * {SAMPLE_EVERY} > {ESTIMATE_PAST}"
        with_base = (
            f"WITH sampled AS MATERIALIZED (SELECT every.* FROM {every} WHERE {in_sample}), "
            f"base AS MATERIALIZED ("
            f"SELECT sampled.*, {SAMPLE_EVERY} AS weight FROM sampled WHERE {too_many} "
            f"UNION ALL SELECT every.*, 1 FROM {every} WHERE NOT {too_many}) "
        )
        params = (*params, *params)
    else:
        with_base = f"WITH base AS MATERIALIZED (SELECT *, 1 AS weight FROM ({base_sql}) AS base) "

    def others_pass(name: str) -> str:
        conditions = [f"base.{quote(f'passes_{other}')}" for other in chosen if other != name]
        return " AND ".join(conditions) or "TRUE"

    parts = [
        f"SELECT '{name}', CAST(base.{quote(f'facet_{name}')} AS text), SUM(base.weight) "
        f"FROM base WHERE {others_pass(name)} GROUP BY 2"
        for name in FACET_COLUMNS
    ]
    # Each session's groups are on its row (see sessions.search.vectors): unnested, each session
    # counts once in each group of its speakers.
    parts.append(
        f"SELECT 'stakeholder', groups.stakeholder_group, SUM(base.weight) "
        f"FROM base CROSS JOIN LATERAL "
        f"unnest(string_to_array(base.{quote('facet_groups')}, ' ')) AS groups(stakeholder_group) "
        f"WHERE {others_pass('stakeholder')} GROUP BY 2"
    )
    # Unpivoted, each session counts once for each thing it has.
    has_rows = ", ".join(f"('{what}', base.{quote(f'has_{what}')})" for what in HAS)
    parts.append(
        f"SELECT 'has', marks.what, SUM(base.weight) "
        f"FROM base CROSS JOIN LATERAL (VALUES {has_rows}) AS marks(what, present) "
        f"WHERE marks.present AND {others_pass('has')} GROUP BY 2"
    )
    every_filter = " AND ".join(f"base.{quote(f'passes_{name}')}" for name in chosen) or "TRUE"
    parts.append(
        f"SELECT 'total', NULL, COALESCE(SUM(base.weight), 0) FROM base WHERE {every_filter}"
    )
    if estimate:
        parts.append(f"SELECT 'estimated', NULL, CASE WHEN {too_many} THEN 1 ELSE 0 END")
    sql = with_base + " UNION ALL ".join(parts)
    counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    total = 0
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    estimated = any(name == "estimated" and count for name, _, count in rows)
    for name, value, count in rows:
        count = about(int(count)) if estimated else int(count)
        if name == "total":
            total = count
        elif name != "estimated" and value is not None:
            counts[name][value] = count
    return counts, total, estimated


def _count(session_filter: SessionFilter, name: str) -> list[FacetValue]:
    """The values of facet `name`, counted by a query of their own."""
    field = session_filter.form.fields[name]
    matching = sessions_matching_all_but(session_filter, name).values("pk")
    chosen = session_filter.valid_values.get(name)
    if isinstance(field, forms.ModelChoiceField):
        return _count_objects(field, matching, chosen, SESSIONS_OF.get(name, "sessions"))
    if name in FACET_COLUMNS:
        rows = (
            Session.objects.filter(pk__in=matching)
            .values(value=FACET_COLUMNS[name])
            .annotate(count=Count("pk"))
            .order_by()
        )
        counts = {str(row["value"]): row["count"] for row in rows}
    else:  # stakeholder: sessions with any participant of the group, each counted once
        rows = (
            Participant.objects.filter(session__in=matching)
            .values("speaker__stakeholder_group")
            .annotate(count=Count("session", distinct=True))
            .order_by()
        )
        counts = {row["speaker__stakeholder_group"]: row["count"] for row in rows}
    return _choices_with_counts(field, counts, chosen)


def _count_has(session_filter: SessionFilter) -> tuple[dict[str, int], int]:
    """The `has` facet's counts by value, and the number of sessions the list shows, in one
    query: the list is the sessions counted here that have what `has` asks, if anything."""
    matching = sessions_matching_all_but(session_filter, "has").values("pk")
    chosen = session_filter.valid_values.get("has")
    counts = Session.objects.filter(pk__in=matching).aggregate(
        total=Count("pk", filter=HAS[chosen]) if chosen else Count("pk"),
        **{what: Count("pk", filter=condition) for what, condition in HAS.items()},
    )
    total = counts.pop("total")
    return counts, total


def _choices_with_counts(
    field: forms.ChoiceField, counts: dict[str, int], chosen: object | None
) -> list[FacetValue]:
    return [
        FacetValue(value=str(value), label=str(label), count=counts.get(str(value), 0))
        for value, label in field.choices
        if value != "" and (counts.get(str(value)) or str(value) == chosen)
    ]


def _objects_with_counts(
    name: str, field: forms.ModelChoiceField, counts: dict[str, int], chosen: object | None
) -> list[FacetValue]:
    """Meetings, venues, types or topics from the field's own queryset (its order, its
    labels), given their counts by primary key. The objects are read once per catalogue
    version and language, for every search to come."""
    chosen_pk = str(getattr(chosen, "pk", None))
    return [
        FacetValue(value=value, label=label, count=counts.get(pk, 0))
        for pk, value, label in cached_for_version(
            f"facet-labels:{name}:{translation.get_language()}", partial(_labels, field)
        )
        if counts.get(pk) or pk == chosen_pk
    ]


def _labels(field: forms.ModelChoiceField) -> list[tuple[str, str, str]]:
    """Each object of the field's queryset, in its order: its key, its value in the query
    string, its label."""
    queryset = field.queryset
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    key = field.to_field_name or "pk"
    return [
        (str(obj.pk), str(getattr(obj, key)), str(field.label_from_instance(obj)))
        for obj in queryset.order_by(*ordering, "pk")
    ]


def _count_objects(
    field: forms.ModelChoiceField, matching: QuerySet, chosen: object | None, sessions: str
) -> list[FacetValue]:
    """Meetings, venues, types or topics from the field's own queryset (its order, its
    labels), counting the sessions they reach through `sessions`.

    Every object is read with its count, zeros too, and the zeros are dropped here:
    editors keep a few dozen of each, and the query stays one scan without a HAVING.
    """
    queryset = field.queryset
    # A query that groups ignores the model's default order: say it again.
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    objects = queryset.annotate(
        facet_count=Count(sessions, filter=Q(**{f"{sessions}__in": matching}))
    ).order_by(*ordering, "pk")
    key = field.to_field_name or "pk"
    chosen_pk = getattr(chosen, "pk", None)
    return [
        FacetValue(
            value=str(getattr(obj, key)),
            label=field.label_from_instance(obj),
            count=obj.facet_count,
        )
        for obj in objects
        if obj.facet_count or obj.pk == chosen_pk
    ]


def show_counts(form: forms.Form, facets: CountedFacets) -> None:
    """Offer each facet's values in `form` as "Label (count)" (or "Label (about count)"),
    leaving out the others.

    Only what the selects show changes: a value left out is still accepted.
    """
    # Translated once for the page's few hundred options, not once for each.
    option = _option_format(facets.estimated)
    for name, values in facets.values.items():
        field = form.fields[name]
        field.widget.choices = [
            ("", field.empty_label),
            *(
                (facet.value, option % {"label": facet.label, "count": facet.count})
                for facet in values
            ),
        ]


def _option_format(estimated: bool) -> str:
    if estimated:
        # Translators: a filter's value and how many sessions it would give, estimated.
        return gettext("%(label)s (about %(count)s)")
    return "%(label)s (%(count)s)"
