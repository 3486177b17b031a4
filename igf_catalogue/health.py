"""Probes for load balancers and orchestrators.

`/healthz`: the process is up and answering (no database). `/readyz`: it can also
reach its database, so it should be sent traffic. Both are answered before any other
middleware runs, so they pass whatever the Host header, never redirect to HTTPS,
set no cookie, are never cached and stay out of the request log.
"""

import logging

from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"


def plain_text(text: str, *, status: int = 200) -> HttpResponse:
    response = HttpResponse(f"{text}\n", status=status, content_type="text/plain; charset=utf-8")
    add_never_cache_headers(response)
    return response


def database_is_reachable() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.warning("Readiness check: the database cannot be reached", exc_info=True)
        return False


def liveness(request: HttpRequest) -> HttpResponse:
    return plain_text("ok")


def readiness(request: HttpRequest) -> HttpResponse:
    if database_is_reachable():
        return plain_text("ok")
    return plain_text("database unavailable", status=503)


PROBES = {LIVENESS_PATH: liveness, READINESS_PATH: readiness}


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info.rstrip("/") or "/")
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)
