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
way the counts are kept in the cache for the catalogue's version, so the same filters
asked again (another page, another order) cost nothing. The counts are written into
the filter form's options ("Workshop (12)"), which replaces the query that would
otherwise read each select's choices.
"""

from dataclasses import dataclass
from hashlib import md5

from django import forms
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import translation
from django.utils.http import urlencode

from sessions.caching.page_cache import cached_for_version, remember_count
from sessions.models import Participant, Session

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
    """Each facet's values with sessions, in the order of its select; worked out once
    per catalogue version for the same valid filters (see the module's docstring)."""
    key = f"facets:{_filters_key(session_filter)}"
    return cached_for_version(key, lambda: _facet_counts(session_filter))


def _filters_key(session_filter: SessionFilter) -> str:
    """The sessions filtered and the valid filters (not the order, which changes no
    count) as a digest, with the database and the language (labels may be translated)."""
    values = sorted(
        (name, str(getattr(value, "pk", value)).strip())
        for name, value in session_filter.valid_values.items()
        if name != "sort" and value not in (None, "")
    )
    sessions = session_filter.queryset
    try:
        sessions_sql = str(sessions.order_by().query)
    except EmptyResultSet:  # a queryset that is none()
        sessions_sql = ""
    where = f"{sessions.db}\n{translation.get_language()}\n{urlencode(values)}\n{sessions_sql}"
    return md5(where.encode(), usedforsecurity=False).hexdigest()


def _facet_counts(session_filter: SessionFilter) -> dict[str, list[FacetValue]]:
    if connections[session_filter.queryset.db].vendor == "postgresql":
        counts, total = _counts_in_one_query(session_filter)
        # The same query counted the list too: its paginator need not count it again.
        remember_count(session_filter.qs, total)
        return {name: _values(session_filter, name, counts[name]) for name in FACETS}
    facets = {name: _count(session_filter, name) for name in FACETS if name != "has"}
    has_counts, total = _count_has(session_filter)
    remember_count(session_filter.qs, total)  # as above
    return {**facets, "has": _values(session_filter, "has", has_counts)}


def _values(session_filter: SessionFilter, name: str, counts: dict[str, int]) -> list[FacetValue]:
    """The values of facet `name` given their counts (by value, or by primary key)."""
    field = session_filter.form.fields[name]
    chosen = session_filter.valid_values.get(name)
    if isinstance(field, forms.ModelChoiceField):
        return _objects_with_counts(field, counts, chosen)
    return _choices_with_counts(field, counts, chosen)


def _counts_in_one_query(session_filter: SessionFilter) -> tuple[dict[str, dict[str, int]], int]:
    """Every facet's counts, by value (by primary key for meetings, venues, types and topics), and
    the number of sessions the list shows, in one PostgreSQL query.

    The sessions matching every filter but the facets' are read once (a materialised
    CTE), each with whether it passes each facet's filter in use, and whether it has
    each thing `has=` names; a facet counts those that pass all the others.
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
        **{f"has_{what}": condition for what, condition in HAS.items()},
        **passes,
    )
    base_sql, params = base.query.sql_with_params()
    connection = connections[queryset.db]
    quote = connection.ops.quote_name

    def others_pass(name: str) -> str:
        conditions = [f"base.{quote(f'passes_{other}')}" for other in chosen if other != name]
        return " AND ".join(conditions) or "TRUE"

    parts = [
        f"SELECT '{name}', CAST(base.{quote(f'facet_{name}')} AS text), COUNT(*) "
        f"FROM base WHERE {others_pass(name)} GROUP BY 2"
        for name in FACET_COLUMNS
    ]
    # Each session's groups are on its row (see sessions.search.vectors): unnested, each session
    # counts once in each group of its speakers.
    parts.append(
        f"SELECT 'stakeholder', groups.stakeholder_group, COUNT(*) "
        f"FROM base CROSS JOIN LATERAL "
        f"unnest(string_to_array(base.{quote('facet_groups')}, ' ')) AS groups(stakeholder_group) "
        f"WHERE {others_pass('stakeholder')} GROUP BY 2"
    )
    # Unpivoted, each session counts once for each thing it has.
    has_rows = ", ".join(f"('{what}', base.{quote(f'has_{what}')})" for what in HAS)
    parts.append(
        f"SELECT 'has', marks.what, COUNT(*) "
        f"FROM base CROSS JOIN LATERAL (VALUES {has_rows}) AS marks(what, present) "
        f"WHERE marks.present AND {others_pass('has')} GROUP BY 2"
    )
    every_filter = " AND ".join(f"base.{quote(f'passes_{name}')}" for name in chosen) or "TRUE"
    parts.append(f"SELECT 'total', NULL, COUNT(*) FROM base WHERE {every_filter}")
    sql = f"WITH base AS MATERIALIZED ({base_sql}) " + " UNION ALL ".join(parts)
    counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    total = 0
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for name, value, count in cursor.fetchall():
            if name == "total":
                total = count
            elif value is not None:
                counts[name][value] = count
    return counts, total


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
    field: forms.ModelChoiceField, counts: dict[str, int], chosen: object | None
) -> list[FacetValue]:
    """Meetings, venues, types or topics from the field's own queryset (its order, its
    labels), given their counts by primary key."""
    queryset = field.queryset
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    key = field.to_field_name or "pk"
    chosen_pk = getattr(chosen, "pk", None)
    return [
        FacetValue(
            value=str(getattr(obj, key)),
            label=field.label_from_instance(obj),
            count=counts.get(str(obj.pk), 0),
        )
        for obj in queryset.order_by(*ordering, "pk")
        if counts.get(str(obj.pk)) or obj.pk == chosen_pk
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


def show_counts(form: forms.Form, facets: dict[str, list[FacetValue]]) -> None:
    """Offer each facet's values in `form` as "Label (count)", leaving out the others.

    Only what the selects show changes: a value left out is still accepted.
    """
    for name, values in facets.items():
        field = form.fields[name]
        field.widget.choices = [
            ("", field.empty_label),
            *((facet.value, f"{facet.label} ({facet.count})") for facet in values),
        ]
