"""Error pages in the site's layout; under /api/, JSON as the API answers.

A database that cannot be reached is a 503 with Retry-After, not a 500: the outage
is temporary, and the site recovers by itself once the database is back (settings:
CONN_HEALTH_CHECKS).
"""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext

from .api import is_api_request


def page_not_found(request, exception=None) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


# How long a client should wait before trying again while the database is away.
DATABASE_RETRY_AFTER_SECONDS = 10


def database_is_unavailable() -> bool:
    """Whether the error being handled is a lost or refused database connection."""
    error = sys.exc_info()[1]
    return isinstance(error, (OperationalError, InterfaceError))


def server_error(request) -> HttpResponse:
    # Rendered without the request, so no context processor runs: the error may be
    # that the database is unreachable, and the page must still appear.
    if database_is_unavailable():
        return service_unavailable(request)
    return HttpResponseServerError(loader.get_template("500.html").render())


def service_unavailable(request) -> HttpResponse:
    """503 with Retry-After: the database is down, the site will be back by itself."""
    if is_api_request(request):
        response = JsonResponse(
            {"detail": gettext("The service is briefly unavailable. Try again shortly.")},
            status=503,
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def login_locked_out(request, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer once a username and address have failed too often (429)."""
    response = render(
        request,
        "lockout.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
        status=429,
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
