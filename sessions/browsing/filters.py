"""Filtering and sorting the session list:
/sessions/?year=&meeting=&kind=&venue=&type=&topic=&strategy=&speaker=&stakeholder=&tag=&has=&q=&sort=

Every filter lives in the query string, so any view of the list can be bookmarked
and shared. A value that is not valid (an unknown slug, a year without sessions, a
sort order that does not exist) is ignored and reported on the page; the valid
filters still apply, and nothing a visitor types can raise a server error.
"""

import html
from dataclasses import dataclass
from functools import cached_property

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import slug_re
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from igf_catalogue.filter_errors import MALFORMED, NAMES_NOTHING
from sessions.models import (
    Meeting,
    Recording,
    Session,
    SessionType,
    Speaker,
    Tag,
    Topic,
    Transcript,
    Venue,
)
from sessions.models.session import FIRST_SESSION_DAY, LAST_SESSION_DAY
from sessions.search import search_sessions
from strategies.models import Strategy

from .selectors import in_public_use, years_with_sessions

FILTER_PARAMETERS = (
    "year", "meeting", "kind", "venue", "type", "topic", "strategy", "speaker", "stakeholder",
    "tag", "has", "q",
)  # fmt: skip
# How each filter in use is named on its chip.
CHIP_LABELS = {
    "year": _("Year"),
    "meeting": _("Meeting"),
    "kind": _("Kind of meeting"),
    "venue": _("Venue"),
    "type": _("Type"),
    "topic": _("Topic"),
    "strategy": _("Strategy"),
    "speaker": _("Speaker"),
    "stakeholder": _("Stakeholder"),
    "tag": _("Tag"),
    "has": _("Has"),
    "q": _("Search"),
}
# What a session may have left behind, for `has=`: the sessions that have it. The same
# as the marks on a session's tile (SessionQuerySet.with_marks, Session.has_report).
HAS_CHOICES = [
    ("recording", _("A recording")),
    ("transcript", _("A transcript")),
    ("report", _("A report")),
]
# A recording or a transcript as "its session is among theirs", not "one of theirs is
# this session's": PostgreSQL then reads their sessions once into a hash for a whole
# list, where EXISTS looked each session up (twice as slow for the facet counts of
# 100,000 sessions).
HAS = {
    "recording": Q(pk__in=Recording.objects.values("session_id")),
    "transcript": Q(pk__in=Transcript.objects.values("session_id")),
    "report": ~Q(report_summary="", key_takeaways="", calls_to_action=""),
}
SORT_ORDERS = {
    # Each ends on the primary key, so a page never shifts between two requests.
    "-date": ("-date", "-pk"),
    "date": ("date", "pk"),
    "-views": ("-views", "-date", "-pk"),
    "title": ("title", "pk"),
}
SORT_CHOICES = [
    ("-date", _("Newest first")),
    ("date", _("Oldest first")),
    ("-views", _("Most viewed")),
    ("title", _("Title, A to Z")),
]
DEFAULT_SORT = "-date"
# Offered, and the default, when the list is searched: best match first; among equally
# good matches the most viewed, then the newest.
RELEVANCE = "relevance"
RELEVANCE_CHOICE = (RELEVANCE, _("Relevance"))
RELEVANCE_ORDER = ("-search_rank", "-views", "-date", "-pk")
MAX_SEARCH_LENGTH = 200
LONGEST_SLUG = 320  # Session.slug; the other models' slugs are shorter


class OptionsSelect(forms.Select):
    """A select that writes its options out itself. Django renders each <option> through
    a template of its own, which for the few hundred options of the filter form took
    most of the time of rendering a search's page; the markup is the same."""

    def render(self, name, value, attrs=None, renderer=None):
        # As Select.get_context would have it, without a dictionary for each option: the
        # first option of the value is selected, groups are not used here.
        chosen = set(self.format_value(value))
        options = []
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            selected = option_value in chosen
            if selected:
                chosen.discard(option_value)  # a value selects its first option only
            # The standard library's escape, which Django's wraps: the same text, without
            # making a SafeString of each of a few hundred values and labels.
            options.append(
                f'<option value="{html.escape(option_value)}"{" selected" if selected else ""}>'
                f"{html.escape(str(label))}</option>"
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            _attributes(self.build_attrs(self.attrs, attrs)),
            mark_safe("".join(options)),
        )


def _attributes(attrs: dict) -> SafeString:
    """HTML attributes in their given order, as Django's widget templates write them:
    True as a bare name, False left out."""
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


class SlugChoiceField(django_filters.fields.ModelChoiceField):
    """A choice of object by slug that turns away anything not shaped like a slug before
    it reaches the database (PostgreSQL refuses a NUL byte in a query, for one)."""

    def to_python(self, value):
        if value not in self.empty_values:
            value = str(value)
            if len(value) > LONGEST_SLUG or not slug_re.fullmatch(value):
                raise ValidationError(self.error_messages["invalid_choice"], code=MALFORMED)
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code=NAMES_NOTHING, params={"value": value}
            ) from None


class YearField(django_filters.fields.ChoiceField):
    """A year among those with published sessions (the field's choices); a year outside
    the catalogue's days, or no number at all, is malformed."""

    def to_python(self, value):
        value = super().to_python(value)
        if value and not (
            value.isascii()
            and value.isdigit()
            and len(value) == 4
            and FIRST_SESSION_DAY.year <= int(value) <= LAST_SESSION_DAY.year
        ):
            raise ValidationError(self.error_messages["invalid_choice"], code=MALFORMED)
        return value

    def validate(self, value):
        try:
            super().validate(value)
        except ValidationError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code=NAMES_NOTHING, params={"value": value}
            ) from None


class SlugFilter(django_filters.ModelChoiceFilter):
    field_class = SlugChoiceField

    def __init__(self, *args, any_label: str, unknown: str, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("widget", OptionsSelect)
        kwargs.setdefault("empty_label", any_label)
        kwargs.setdefault("error_messages", {"invalid_choice": unknown})
        super().__init__(*args, **kwargs)


class YearFilter(django_filters.ChoiceFilter):
    field_class = YearField


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
    year = YearFilter(
        label=_("Year"),
        field_name="date",
        lookup_expr="year",
        widget=OptionsSelect,
        empty_label=_("Any year"),
        error_messages={"invalid_choice": _("There are no sessions in that year.")},
    )
    meeting = SlugFilter(
        label=_("Meeting"),
        any_label=_("Any meeting"),
        unknown=_("There is no such meeting."),
        queryset=Meeting.objects.all(),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of meeting"),
        field_name="meeting__kind",
        choices=Meeting.Kind.choices,
        empty_label=_("Any kind of meeting"),
        widget=OptionsSelect,
        error_messages={"invalid_choice": _("That is not a kind of meeting.")},
    )
    venue = SlugFilter(
        label=_("Venue"),
        field_name="meeting__venue",
        any_label=_("Any venue"),
        unknown=_("There is no such venue."),
        queryset=Venue.objects.order_by("city"),
    )
    type = SlugFilter(
        label=_("Session type"),
        any_label=_("Any session type"),
        unknown=_("There is no such session type."),
        queryset=SessionType.objects.all(),
    )
    topic = SlugFilter(
        label=_("Topic"),
        any_label=_("Any topic"),
        unknown=_("There is no such topic."),
        queryset=Topic.objects.all(),
    )
    strategy = SlugFilter(
        label=_("Strategy"),
        any_label=_("Any strategy"),
        unknown=_("There is no such strategy."),
        queryset=Strategy.objects.all(),
        method="presenting",
    )
    # Reached from a speaker's page and shown as a chip: a list of every speaker ever
    # would be too long to choose from, so the form only carries it along.
    speaker = SlugFilter(
        label=_("Speaker"),
        any_label=_("Any speaker"),
        unknown=_("There is no such speaker."),
        queryset=in_public_use(Speaker.objects.all(), "speakers"),
        method="featuring",
        widget=forms.HiddenInput,
    )
    stakeholder = django_filters.ChoiceFilter(
        label=_("Stakeholder group"),
        choices=Speaker.StakeholderGroup.choices,
        empty_label=_("Any stakeholder group"),
        method="with_stakeholder",
        widget=OptionsSelect,
        error_messages={"invalid_choice": _("That is not a stakeholder group.")},
    )
    tag = SlugFilter(
        label=_("Tag"),
        any_label=_("Any tag"),
        unknown=_("There is no such tag."),
        queryset=in_public_use(Tag.objects.all(), "tags"),
        method="tagged",
    )
    # One value: every list of filters (a feed's, a download's name) carries a value per
    # parameter, and a select offers one.
    has = django_filters.ChoiceFilter(
        label=_("Has"),
        choices=HAS_CHOICES,
        empty_label=_("Anything"),
        method="having",
        widget=OptionsSelect,
        error_messages={"invalid_choice": _("That is not something a session can have.")},
    )
    q = django_filters.CharFilter(
        label=_("Search titles, descriptions, speakers, tags and transcripts"),
        method="search",
        max_length=MAX_SEARCH_LENGTH,
        # Typed in any script: aligned by its own direction.
        widget=forms.SearchInput(attrs={"dir": "auto"}),
        error_messages={"max_length": _("A search is at most %(limit_value)d characters long.")},
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=SORT_CHOICES,
        empty_label=None,
        # Applied in filter_queryset, so the default order holds when `sort` is
        # absent or not valid.
        method="keep_order",
        widget=OptionsSelect,
        error_messages={"invalid_choice": _("That is not a sort order, so the newest come first.")},
    )

    class Meta:
        model = Session
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # Read once: the field checks a value against its choices and then renders them.
        years = [str(year) for year in reversed(years_with_sessions())]
        self.filters["year"].extra["choices"] = [(year, year) for year in years]
        if self.is_searching:
            self.filters["sort"].extra["choices"] = self.sort_choices
        # A filter builds its form field once and keeps it, and `self.filters` are copies
        # of the class's: had anything built the class's field (the API schema reads it),
        # the copy would keep the old choices. Build these two afresh from `extra`.
        for name in ("year", "sort"):
            vars(self.filters[name]).pop("_field", None)

    @property
    def is_searching(self) -> bool:
        """Whether the query asks for a search (valid or not)."""
        return bool(self.data.get("q", "").strip())

    @property
    def search_text(self) -> str:
        """The search that applies, "" when none does."""
        return (self.valid_values.get("q") or "").strip()

    @property
    def sort_choices(self) -> list[tuple[str, str]]:
        """For the template's sort links: with "Relevance" first when searching."""
        return [RELEVANCE_CHOICE, *SORT_CHOICES] if self.is_searching else SORT_CHOICES

    @property
    def default_sort(self) -> str:
        return RELEVANCE if self.is_searching else DEFAULT_SORT

    def presenting(self, queryset: QuerySet[Session], name: str, value: Strategy):
        return queryset.presenting(value)

    def featuring(self, queryset: QuerySet[Session], name: str, value: Speaker):
        return queryset.featuring(value)

    def with_stakeholder(self, queryset: QuerySet[Session], name: str, value: str):
        return queryset.with_stakeholder(value)

    def tagged(self, queryset: QuerySet[Session], name: str, value: Tag):
        return queryset.tagged(value)

    def having(self, queryset: QuerySet[Session], name: str, value: str):
        return queryset.filter(HAS[value])

    def search(self, queryset: QuerySet[Session], name: str, value: str):
        return search_sessions(queryset, value) if value.strip() else queryset

    def keep_order(self, queryset: QuerySet[Session], name: str, value: str):
        return queryset

    def filter_queryset(self, queryset: QuerySet[Session]) -> QuerySet[Session]:
        queryset = super().filter_queryset(queryset)
        if self.sort_order != RELEVANCE:
            return queryset.order_by(*SORT_ORDERS[self.sort_order])
        # Without a rank (SQLite, or a search that did not apply) relevance is by date.
        if "search_rank" in queryset.query.annotations:
            return queryset.order_by(*RELEVANCE_ORDER)
        return queryset.order_by(*SORT_ORDERS[DEFAULT_SORT])

    @property
    def by_relevance(self) -> bool:
        """Whether the list is a search ranked by relevance."""
        return "search_rank" in self.qs.query.annotations and self.sort_order == RELEVANCE

    @property
    def valid_values(self) -> dict:
        """The values that passed validation; the others are in `form.errors`."""
        self.form.is_valid()  # fills cleaned_data with the valid fields, even if others fail
        return self.form.cleaned_data

    @property
    def sort_order(self) -> str:
        value = self.valid_values.get("sort")
        if value in SORT_ORDERS or value == RELEVANCE and self.is_searching:
            return value
        return self.default_sort

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
                    value=_chip_value(name, value),
                    remove_query=self.query_without(name),
                )
            )
        return active

    def query_without(self, *names: str) -> str:
        """The query without `names`; without the search, its relevance order goes too."""
        if "q" in names and self.data.get("sort") == RELEVANCE:
            names = (*names, "sort")
        return query_without(self.data, *names)

    @cached_property
    def filters_besides_search(self) -> list[ActiveFilter]:
        return [active for active in self.active_filters if active.name != "q"]

    @cached_property
    def search_everywhere_query(self) -> str:
        """The search alone, without the other filters ("" when not searching)."""
        if not self.search_text:
            return ""
        return f"?{urlencode({'q': self.search_text})}"

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


def _chip_value(name: str, value: object) -> str:
    """How a filter's value reads on its chip: a search in quotes, a group by its label."""
    if name == "q":
        return f"“{value}”"
    if name == "stakeholder":
        return str(Speaker.StakeholderGroup(value).label)
    if name == "kind":
        return str(Meeting.Kind(value).label)
    if name == "has":
        return str(dict(HAS_CHOICES)[value])
    return str(value)
