"""What every endpoint of the JSON API under /api/ shares, whichever app it serves.

Both apps have endpoints, so this sits below them: pagination, filtering, read-only
access, the throttle for anonymous clients, conditional GETs (ETag, Last-Modified, 304),
finding objects by slug, and the error answers every operation documents in the OpenAPI
schema.
"""

import time
from hashlib import md5
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django_filters import utils as filter_utils
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import permissions, serializers
from rest_framework.exceptions import MethodNotAllowed, NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import AnonRateThrottle

from .client_address import client_address
from .filter_errors import NAMES_NOTHING
from .pagination import KeysFirst

API_PREFIX = "/api/"
# Django's slug path converter: a slug never holds anything else.
SLUG_PATTERN = r"[-a-zA-Z0-9_]+"
# How long the time a representation was first served is remembered; forgetting it
# only costs clients one full answer.
FIRST_SERVED_TIMEOUT = 7 * 24 * 60 * 60


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


class CataloguePagination(PageNumberPagination):
    """`?page=` and `?page_size=` (up to CATALOGUE_API_MAX_PAGE_SIZE); the answer
    carries count, next, previous and results."""

    page_size_query_param = "page_size"

    def paginate_queryset(self, queryset, request, view=None):
        # A page deep in a long list is found as keys first (researchers page through
        # the whole catalogue).
        return super().paginate_queryset(KeysFirst(queryset), request, view)

    @property
    def max_page_size(self) -> int:
        return settings.CATALOGUE_API_MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        """The page size asked for, or the default; one outside 1 to the maximum is an
        error, as the schema says, rather than quietly another size."""
        asked = request.query_params.get(self.page_size_query_param)
        if not asked:
            return self.page_size
        if not (asked.isascii() and asked.isdigit() and 1 <= int(asked) <= self.max_page_size):
            message = _("A page holds 1 to %(limit)d results.") % {"limit": self.max_page_size}
            raise ValidationError({self.page_size_query_param: [message]})
        return int(asked)

    @property
    def page_size_query_description(self) -> str:
        return f"Results per page: {self.page_size} unless asked, at most {self.max_page_size}."

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


class CatalogueFilterBackend(DjangoFilterBackend):
    """django-filter's backend, answering a filter value of the wrong shape 400 and one
    that names nothing 404 (`igf_catalogue.filter_errors`), each naming the parameter
    with the reason the page gives."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            errors = filterset.form.errors
            codes = {error.code for found in errors.as_data().values() for error in found}
            if codes == {NAMES_NOTHING}:
                raise NotFound(errors)
            raise filter_utils.translate_validation(errors)
        return filterset.qs


class ReadOnly(permissions.BasePermission):
    """Reading only, for everyone: a write is answered 405 Method Not Allowed (with the
    Allow header every API answer carries), whatever the viewset offers."""

    def has_permission(self, request, view) -> bool:
        if request.method not in permissions.SAFE_METHODS:
            raise MethodNotAllowed(request.method)
        return True


class AnonymousClientThrottle(AnonRateThrottle):
    """CATALOGUE_API_ANON_RATE requests per client, counted in the default cache.

    The rate is read on each request, so a changed setting applies at once. A client
    is its address as the site's view counter sees it: REMOTE_ADDR, or behind a trusted
    proxy the address that proxy saw. (DRF's own reading trusts the whole
    X-Forwarded-For header, which a client could vary to escape the limit.)
    """

    def get_rate(self) -> str | None:
        return settings.CATALOGUE_API_ANON_RATE

    def get_ident(self, request) -> str:
        return client_address(request)


class BySlug:
    """For a viewset: an object is found by its slug.

    (A mixin rather than a base viewset: DRF's views read this module's throttle and
    pagination from the settings as they load, so it must not import them.)
    """

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN


class WebAddressField(serializers.CharField):
    """A stored link given out only when it is an http(s) address, else "" (as the
    pages show it): a link in the data never becomes a script link in a client."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        try:
            scheme = urlsplit(str(value)).scheme.lower()
        except ValueError:
            return ""
        return str(value) if scheme in {"http", "https"} else ""


def site_url(request: HttpRequest | None, path: str) -> str:
    """`path` on this site as an absolute URL (as it is without a request)."""
    return request.build_absolute_uri(path) if request is not None else path


# Conditional GETs


def _first_served_key(request: HttpRequest, response: HttpResponse) -> str:
    address = f"{request.get_full_path()}\n{response.get('Content-Type', '')}"
    return f"api-first-served:{md5(address.encode(), usedforsecurity=False).hexdigest()}"


def last_modified(request: HttpRequest, response: HttpResponse) -> tuple[int, bool]:
    """When this URL first answered with the body it answers with now (its ETag), in
    seconds since the epoch, and whether that time may answer If-Modified-Since.

    The time is kept per URL in the default cache: a new body is stamped with the
    current second. Anything in a body can change (a view count, a renamed venue, a
    session unpublished) without any `updated_at` moving, so the body itself decides.
    Two bodies stamped in the same second would share a Last-Modified, so a new stamp
    answers only If-None-Match until a request in a later second confirms it one
    second on: a client holding an older body never gets a 304 for a newer one.
    """
    key = _first_served_key(request, response)
    etag = response["ETag"]
    now = int(time.time())
    record = cache.get(key)
    if record is None or record[0] != etag:
        record = (etag, now, False)
        cache.set(key, record, FIRST_SERVED_TIMEOUT)
    elif not record[2] and record[1] < now:
        record = (etag, record[1] + 1, True)
        cache.set(key, record, FIRST_SERVED_TIMEOUT)
    return record[1], record[2]


class ApiConditionalGetMiddleware:
    """ETag and Last-Modified on every successful GET or HEAD under /api/, and 304 Not
    Modified for a conditional request that already holds that body.

    The ETag is a hash of the body, so it is right whatever changed: a 304 saves the
    bandwidth of sending the answer again, not the work of making it (the session list
    keeps its rendering per catalogue version; every other answer is built anew).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not (
            is_api_request(request)
            and request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.streaming
        ):
            return response
        set_response_etag(response)
        if not response.has_header("ETag"):  # an empty body
            return response
        stamp, confirmed = last_modified(request, response)
        response.headers["Last-Modified"] = http_date(stamp)
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=stamp if confirmed else None,
            response=response,
        )


# The OpenAPI schema

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What went wrong."}},
    "required": ["detail"],
}
FILTER_ERRORS_SCHEMA = {
    "type": "object",
    "description": "For each query parameter whose value is not valid, why.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
PAGINATION_PARAMETERS = {"page", "page_size"}
# A query parameter given empty ("?year=") is taken as not given, as the site's forms send
# every field, empty ones too.
EMPTY_VALUE = {"type": "string", "maxLength": 0}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: document the errors any operation may answer.

    Every operation: 404 (no such object, or a page past the end) and 429 (too many
    requests, with Retry-After). An operation with query parameters: 400 (a value that is
    not valid, named with the reason). An operation with filters: 404 also for a filter
    value that names nothing, named with the reason. A query parameter given empty is
    taken as not given, and its schema says so.
    """
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    components["FilterErrors"] = FILTER_ERRORS_SCHEMA
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    filter_errors = {"$ref": "#/components/schemas/FilterErrors"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            parameters = {
                parameter["name"]
                for parameter in operation.get("parameters", [])
                if parameter.get("in") == "query"
            }
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    parameter["schema"] = {"anyOf": [parameter["schema"], EMPTY_VALUE]}
            not_found = error
            if parameters:
                responses.setdefault(
                    "400",
                    {
                        "description": "A query parameter's value is not valid.",
                        "content": {"application/json": {"schema": filter_errors}},
                    },
                )
            if parameters - PAGINATION_PARAMETERS:
                not_found = {
                    "application/json": {
                        "schema": {"anyOf": [{"$ref": "#/components/schemas/Error"}, filter_errors]}
                    }
                }
            responses.setdefault("404", {"description": "Not found.", "content": not_found})
            responses.setdefault(
                "429",
                {
                    "description": "Too many requests: try again after Retry-After seconds.",
                    "headers": {
                        "Retry-After": {
                            "schema": {"type": "integer"},
                            "description": "Seconds to wait before the next request.",
                        }
                    },
                    "content": error,
                },
            )
    return result
