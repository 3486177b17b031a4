"""Filtering and sorting the session list: /sessions/?year=&venue=&type=&topic=&strategy=&q=&sort=

Every filter lives in the query string, so any view of the list can be bookmarked
and shared. A value that is not valid (an unknown slug, a year without sessions, a
sort order that does not exist) is ignored and reported on the page; the valid
filters still apply, and nothing a visitor types can raise a server error.
"""

from dataclasses import dataclass
from functools import cached_property

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import slug_re
from django.db.models import Q, QuerySet
from django.http import QueryDict

from strategies.models import Strategy

from .models import Session, SessionType, Topic, Venue
from .selectors import years_with_sessions

FILTER_PARAMETERS = ("year", "venue", "type", "topic", "strategy", "q")
# How each filter in use is named on its chip.
CHIP_LABELS = {
    "year": "Year",
    "venue": "Venue",
    "type": "Type",
    "topic": "Topic",
    "strategy": "Strategy",
    "q": "Search",
}
SORT_ORDERS = {
    # Each ends on the primary key, so a page never shifts between two requests.
    "-date": ("-date", "-pk"),
    "date": ("date", "pk"),
    "-views": ("-views", "-date", "-pk"),
    "title": ("title", "pk"),
}
SORT_CHOICES = [
    ("-date", "Newest first"),
    ("date", "Oldest first"),
    ("-views", "Most viewed"),
    ("title", "Title, A to Z"),
]
DEFAULT_SORT = "-date"
MAX_SEARCH_LENGTH = 200
LONGEST_SLUG = 320  # Session.slug; the other models' slugs are shorter


class SlugChoiceField(django_filters.fields.ModelChoiceField):
    """A choice of object by slug that turns away anything not shaped like a slug before
    it reaches the database (PostgreSQL refuses a NUL byte in a query, for one)."""

    def to_python(self, value):
        if value not in self.empty_values:
            value = str(value)
            if len(value) > LONGEST_SLUG or not slug_re.fullmatch(value):
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class SlugFilter(django_filters.ModelChoiceFilter):
    field_class = SlugChoiceField

    def __init__(self, *args, noun: str, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("empty_label", f"Any {noun}")
        kwargs.setdefault("error_messages", {"invalid_choice": f"There is no such {noun}."})
        super().__init__(*args, **kwargs)


@dataclass(frozen=True)
class ActiveFilter:
    """A filter in use, shown as a chip that links to the list without it."""

    name: str
    label: str
    value: str
    remove_query: str


@dataclass(frozen=True)
class IgnoredParameter:
    """A filter value that was not valid, named on the page and left out of the results."""

    name: str
    value: str
    reason: str
    remove_query: str


def query_without(query: QueryDict, *names: str) -> str:
    """`query` as "?..." without `names` and back on the first page; "" when nothing is left."""
    remaining = query.copy()
    for name in (*names, "page"):
        remaining.pop(name, None)
    return f"?{remaining.urlencode()}" if remaining else ""


def without_empty_filters(query: QueryDict) -> str | None:
    """`query` as "?..." without its empty filter values, or None when it has none.

    A submitted GET form sends every field; dropping the empty ones keeps the URL
    short and names only the filters in use.
    """
    tidy = query.copy()
    changed = False
    for name in (*FILTER_PARAMETERS, "sort", "page"):
        values = query.getlist(name)
        kept = [value for value in values if value.strip()]
        if len(kept) != len(values):
            changed = True
            if kept:
                tidy.setlist(name, kept)
            else:
                del tidy[name]
    if not changed:
        return None
    return f"?{tidy.urlencode()}" if tidy else ""


class SessionFilter(django_filters.FilterSet):
    year = django_filters.ChoiceFilter(
        label="Year",
        field_name="date",
        lookup_expr="year",
        empty_label="Any year",
        error_messages={"invalid_choice": "There are no sessions in that year."},
    )
    venue = SlugFilter(label="Venue", noun="venue", queryset=Venue.objects.order_by("city"))
    type = SlugFilter(label="Session type", noun="session type", queryset=SessionType.objects.all())
    topic = SlugFilter(label="Topic", noun="topic", queryset=Topic.objects.all())
    strategy = SlugFilter(
        label="Strategy", noun="strategy", queryset=Strategy.objects.all(), method="presenting"
    )
    q = django_filters.CharFilter(
        label="Search titles and descriptions",
        method="search",
        max_length=MAX_SEARCH_LENGTH,
        widget=forms.SearchInput,
        error_messages={"max_length": f"A search is at most {MAX_SEARCH_LENGTH} characters long."},
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=SORT_CHOICES,
        empty_label=None,
        # Applied in filter_queryset, so the default order holds when `sort` is
        # absent or not valid.
        method="keep_order",
        error_messages={"invalid_choice": "That is not a sort order, so the newest come first."},
    )

    # For the template's sort links.
    sort_choices = SORT_CHOICES
    default_sort = DEFAULT_SORT

    class Meta:
        model = Session
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # Read once: the field checks a value against its choices and then renders them.
        years = [str(year) for year in reversed(years_with_sessions())]
        self.filters["year"].extra["choices"] = [(year, year) for year in years]

    def presenting(self, queryset: QuerySet[Session], name: str, value: Strategy):
        return queryset.presenting(value)

    def search(self, queryset: QuerySet[Session], name: str, value: str):
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def keep_order(self, queryset: QuerySet[Session], name: str, value: str):
        return queryset

    def filter_queryset(self, queryset: QuerySet[Session]) -> QuerySet[Session]:
        return super().filter_queryset(queryset).order_by(*SORT_ORDERS[self.sort_order])

    @property
    def valid_values(self) -> dict:
        """The values that passed validation; the others are in `form.errors`."""
        self.form.is_valid()  # fills cleaned_data with the valid fields, even if others fail
        return self.form.cleaned_data

    @property
    def sort_order(self) -> str:
        value = self.valid_values.get("sort")
        return value if value in SORT_ORDERS else DEFAULT_SORT

    @cached_property
    def active_filters(self) -> list[ActiveFilter]:
        """The valid filters in use, in the order of the form."""
        active = []
        for name in FILTER_PARAMETERS:
            value = self.valid_values.get(name)
            if value in (None, ""):
                continue
            active.append(
                ActiveFilter(
                    name=name,
                    label=CHIP_LABELS[name],
                    value=f"“{value}”" if name == "q" else str(value),
                    remove_query=query_without(self.data, name),
                )
            )
        return active

    @cached_property
    def ignored_parameters(self) -> list[IgnoredParameter]:
        """The parameters whose value was not valid, each with why."""
        return [
            IgnoredParameter(
                name=name,
                value=self.data.get(name, ""),
                reason=str(errors[0]),
                remove_query=query_without(self.data, name),
            )
            for name, errors in self.form.errors.items()
        ]
