"""One structured log line per request, when CATALOGUE_JSON_LOGS is on.

Each line (logger "igf_catalogue.requests", message "request") carries the method,
path, status, duration in milliseconds and the number of SQL queries the request ran,
counted with a query wrapper on every database connection, so it costs nothing like
DEBUG's query log. LOGGING's JSON formatter writes the fields out as one JSON object.
"""

import logging
import time
from contextlib import ExitStack

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("igf_catalogue.requests")


class QueryCounter:
    """A database execute wrapper that counts the queries passing through it."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class RequestLogMiddleware:
    def __init__(self, get_response):
        if not getattr(settings, "CATALOGUE_JSON_LOGS", False):
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        counter = QueryCounter()
        started = time.perf_counter()
        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(counter))
            response = self.get_response(request)
        logger.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "queries": counter.count,
                "user_agent": request.headers.get("User-Agent", ""),
            },
        )
        return response
