"""The catalogue's endpoints of the JSON API: sessions, venues, session types, topics,
speakers and tags (strategies are in strategies/api.py); what each object looks like
is in api_serializers.py.

Only published sessions appear. The sessions list takes exactly the filters and sort of
the session list page, through the same FilterSet (`SessionFilter`), so a URL's query
string gives the same sessions in the same order on /sessions/ and /api/sessions/. A
filter value that is not valid is answered 400 with the reason the page would show.
Every endpoint runs a fixed number of queries, whatever the size of the catalogue.
"""

from django.db.models import Count, F, Prefetch, QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from igf_catalogue.api import SLUG_PATTERN, BySlug, CataloguePagination
from igf_catalogue.pagination import paginator_class
from sessions.browsing import people, selectors
from sessions.browsing.filters import (
    LONGEST_SLUG,
    MAX_SEARCH_LENGTH,
    RELEVANCE,
    RELEVANCE_CHOICE,
    SORT_CHOICES,
    SessionFilter,
)
from sessions.caching import page_cache
from sessions.caching.version import reading_one_version
from sessions.models import (
    Meeting,
    Participant,
    Session,
    SessionType,
    Speaker,
    Tag,
    Topic,
    Venue,
)
from sessions.models.session import FIRST_SESSION_DAY, LAST_SESSION_DAY
from strategies.models import Enabler, Objective, Strategy

from .api_serializers import (
    MeetingSerializer,
    SessionSerializer,
    SessionTypeSerializer,
    SpeakerSerializer,
    TagSerializer,
    TopicSerializer,
    VenueSerializer,
)
from .archive import ARCHIVE

# Reads


def sessions_for_api() -> QuerySet[Session]:
    """Published sessions with everything the API shows of them: the session with its
    type, topic, meeting and venue, then one query each for strategies, objectives, enablers,
    participants, tags, hand-linked related sessions, recordings and documents."""
    return (
        Session.objects.published()
        .for_list()
        .prefetch_related(
            Prefetch("strategies", Strategy.objects.order_by("name", "pk")),
            Prefetch("objectives", Objective.objects.select_related("strategy")),
            Prefetch("enablers", Enabler.objects.select_related("strategy")),
            Prefetch(
                "participants",
                Participant.objects.select_related("speaker").order_by(
                    people.ROLE_RANK, "order", "pk"
                ),
                to_attr="ordered_participants",
            ),
            Prefetch("tags", Tag.objects.order_by("name"), to_attr="tags_by_name"),
            Prefetch(
                "related",
                Session.objects.published().only("pk", "slug").order_by("-views", "-date", "pk"),
                to_attr="published_related",
            ),
            *ARCHIVE,
        )
    )


def with_session_counts(queryset: QuerySet) -> QuerySet:
    """Session types or topics, by name, each with its number of published sessions."""
    return queryset.annotate(session_count=Count("sessions", filter=selectors.PUBLISHED)).order_by(
        "name", "pk"
    )


class SessionApiFilter(SessionFilter):
    """The list's filters as the API states them: `sort=relevance` is always one of the
    sorts (the newest first without `q`), since a schema cannot say that it needs `q`."""

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["sort"].extra["choices"] = [RELEVANCE_CHOICE, *SORT_CHOICES]
        vars(self.filters["sort"]).pop("_field", None)


# Viewsets

SORT_VALUES = [value for value, _label in SORT_CHOICES]
SLUG_FILTERS = {
    "meeting": "A meeting's slug (/api/meetings/).",
    "venue": "A venue's slug (/api/venues/).",
    "type": "A session type's slug (/api/session-types/).",
    "topic": "A topic's slug (/api/topics/).",
    "strategy": "Sessions presenting the strategy with this slug (/api/strategies/).",
    "speaker": "Sessions a speaker took part in, by the speaker's slug (/api/speakers/).",
    "tag": "A tag's slug (/api/tags/).",
}


class SessionPagination(CataloguePagination):
    """The sessions' pages, counted as the site's lists are: once per catalogue version
    (CATALOGUE_PAGINATOR), so that walking through the pages of a list of thousands does
    not count it again for each. (The other lists count on each request: reading the
    version where no shared cache holds it would cost a query as well.)"""

    @property
    def django_paginator_class(self):
        return paginator_class()


@extend_schema_view(
    list=extend_schema(
        summary="Published sessions, filtered and sorted as on /sessions/",
        parameters=[
            OpenApiParameter(
                "year",
                {
                    "type": "integer",
                    "minimum": FIRST_SESSION_DAY.year,
                    "maximum": LAST_SESSION_DAY.year,
                },
                description=(
                    "A year with published sessions, e.g. 2015; a year without any is answered 404."
                ),
            ),
            *[
                OpenApiParameter(
                    name,
                    {"type": "string", "pattern": f"^{SLUG_PATTERN}$", "maxLength": LONGEST_SLUG},
                    description=f"{description} A slug no published session has is answered 404.",
                )
                for name, description in SLUG_FILTERS.items()
            ],
            OpenApiParameter(
                "kind",
                OpenApiTypes.STR,
                enum=Meeting.Kind.values,
                description="Sessions of one kind of meeting: the annual IGF, or a regional, "
                "subregional, national or youth IGF.",
            ),
            OpenApiParameter(
                "q",
                {"type": "string", "maxLength": MAX_SEARCH_LENGTH},
                description=(
                    "Search titles, descriptions, speakers, tags and transcripts "
                    f"(at most {MAX_SEARCH_LENGTH} characters)."
                ),
            ),
            OpenApiParameter(
                "sort",
                OpenApiTypes.STR,
                enum=[*SORT_VALUES, RELEVANCE],
                description=(
                    "-date (newest first, the default), date (oldest first), -views (most "
                    "viewed), title (A to Z), or with `q` relevance (best match first, the "
                    "default when searching)."
                ),
            ),
        ],
    ),
    retrieve=extend_schema(summary="One published session"),
)
class SessionViewSet(BySlug, viewsets.ReadOnlyModelViewSet):
    """The published sessions of the catalogue."""

    serializer_class = SessionSerializer
    pagination_class = SessionPagination
    filterset_class = SessionApiFilter

    def get_queryset(self) -> QuerySet[Session]:
        return sessions_for_api()

    def filter_queryset(self, queryset: QuerySet[Session]) -> QuerySet[Session]:
        # The filters and sort belong to the list; a session is found by its slug alone.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def list(self, request: Request, *args, **kwargs) -> HttpResponse:
        """For anonymous clients, each list is rendered once per catalogue version,
        address and media type, as the pages are (its view counts may be as old as a
        cached page's): serialising and rendering it took most of such a request's time."""
        renderer = request.accepted_renderer
        if not page_cache.is_cacheable_request(request) or not isinstance(renderer, JSONRenderer):
            return super().list(request, *args, **kwargs)
        # The media type as accepted, which may ask for an indent.
        media_type = request.accepted_media_type

        def rendered_list() -> bytes:
            data = super(SessionViewSet, self).list(request, *args, **kwargs).data
            return renderer.render(data, media_type, self.get_renderer_context())

        with reading_one_version():
            body = page_cache.cached_for_address(request, rendered_list, variant=media_type)
        return HttpResponse(body, content_type=renderer.media_type)


@extend_schema_view(
    list=extend_schema(summary="Venues, latest meeting first"),
    retrieve=extend_schema(summary="One venue"),
)
class VenueViewSet(BySlug, viewsets.ReadOnlyModelViewSet):
    """Where the annual meetings took place."""

    serializer_class = VenueSerializer

    def get_queryset(self) -> QuerySet[Venue]:
        return selectors.venues_with_counts()


@extend_schema_view(
    list=extend_schema(summary="Meetings, latest first"),
    retrieve=extend_schema(summary="One meeting"),
)
class MeetingViewSet(BySlug, viewsets.ReadOnlyModelViewSet):
    """The annual IGF and the regional, subregional, national and youth IGFs."""

    serializer_class = MeetingSerializer

    def get_queryset(self) -> QuerySet[Meeting]:
        return selectors.meetings_with_counts().order_by(
            F("start_date").desc(nulls_last=True), "name", "pk"
        )


@extend_schema_view(
    list=extend_schema(summary="Session types, by name"),
    retrieve=extend_schema(summary="One session type"),
)
class SessionTypeViewSet(BySlug, viewsets.ReadOnlyModelViewSet):
    """Workshop, Main Session, Open Forum, Best Practice Forum, ..."""

    serializer_class = SessionTypeSerializer

    def get_queryset(self) -> QuerySet[SessionType]:
        return with_session_counts(SessionType.objects.all())


@extend_schema_view(
    list=extend_schema(summary="Topics, by name"),
    retrieve=extend_schema(summary="One topic"),
)
class TopicViewSet(BySlug, viewsets.ReadOnlyModelViewSet):
    """The themes sessions are filed under."""

    serializer_class = TopicSerializer

    def get_queryset(self) -> QuerySet[Topic]:
        return with_session_counts(Topic.objects.all())


@extend_schema_view(
    list=extend_schema(summary="Speakers of published sessions, by name"),
    retrieve=extend_schema(summary="One speaker"),
)
class SpeakerViewSet(BySlug, viewsets.ReadOnlyModelViewSet):
    """People who organised, spoke at, moderated or reported on published sessions."""

    serializer_class = SpeakerSerializer

    def get_queryset(self) -> QuerySet[Speaker]:
        return people.speakers_with_counts()


@extend_schema_view(
    list=extend_schema(summary="Tags of published sessions, by name"),
    retrieve=extend_schema(summary="One tag"),
)
class TagViewSet(BySlug, viewsets.ReadOnlyModelViewSet):
    """Keywords editors attach to sessions."""

    serializer_class = TagSerializer

    def get_queryset(self) -> QuerySet[Tag]:
        return selectors.tags_with_counts()
