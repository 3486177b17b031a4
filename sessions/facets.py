"""Facet counts on the session list: how many sessions each filter value would give.

The usual rule of faceted search: the counts of a facet apply every other filter in
use, but not the facet's own, so that with a venue chosen the venue list still says
how many sessions each other venue would give. A value with no session is left out,
except the one chosen, which stays (with 0) so that the form still shows it.

Each facet costs one GROUP BY query, whatever the size of the catalogue. The counts
are written into the filter form's options ("Workshop (12)"), which replaces the
query that would otherwise read each select's choices.
"""

from dataclasses import dataclass

from django import forms
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear

from .filters import SessionFilter
from .models import Participant, Session

FACETS = ("year", "venue", "type", "topic", "stakeholder")


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
    """Each facet's values with sessions, in the order of its select; one query each."""
    return {name: _count(session_filter, name) for name in FACETS}


def _count(session_filter: SessionFilter, name: str) -> list[FacetValue]:
    field = session_filter.form.fields[name]
    matching = sessions_matching_all_but(session_filter, name).values("pk")
    chosen = session_filter.valid_values.get(name)
    if isinstance(field, forms.ModelChoiceField):
        return _count_objects(field, matching, chosen)
    if name == "year":
        rows = (
            Session.objects.filter(pk__in=matching)
            .values(year=ExtractYear("date"))
            .annotate(count=Count("pk"))
            .order_by()
        )
        counts = {str(row["year"]): row["count"] for row in rows}
    else:  # stakeholder: sessions with any participant of the group, each counted once
        rows = (
            Participant.objects.filter(session__in=matching)
            .values("speaker__stakeholder_group")
            .annotate(count=Count("session", distinct=True))
            .order_by()
        )
        counts = {row["speaker__stakeholder_group"]: row["count"] for row in rows}
    return [
        FacetValue(value=str(value), label=str(label), count=counts.get(str(value), 0))
        for value, label in field.choices
        if value != "" and (counts.get(str(value)) or str(value) == chosen)
    ]


def _count_objects(
    field: forms.ModelChoiceField, matching: QuerySet, chosen: object | None
) -> list[FacetValue]:
    """Venues, types or topics from the field's own queryset (its order, its labels).

    Every object is read with its count, zeros too, and the zeros are dropped here:
    editors keep a few dozen of each, and the query stays one scan without a HAVING.
    """
    queryset = field.queryset
    # A query that groups ignores the model's default order: say it again.
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    objects = queryset.annotate(
        facet_count=Count("sessions", filter=Q(sessions__in=matching))
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
