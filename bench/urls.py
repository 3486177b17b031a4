"""The site's URLs plus /bench/floor/: what a page costs with no database work at all.

The floor answers a pre-rendered body of `?bytes=` bytes (the size of the page it is
compared with) through the same middleware as every page, so a page's requests per
second over the floor's say what the page itself costs.
"""

from functools import cache

from django.http import HttpRequest, HttpResponse
from django.urls import path

from igf_catalogue.urls import handler404, handler500  # noqa: F401
from igf_catalogue.urls import urlpatterns as site_urlpatterns

MAX_FLOOR_BYTES = 4_000_000


@cache
def _body(size: int) -> bytes:
    line = b"<p>The floor: a page rendered before the benchmark started.</p>\n"
    return (line * (size // len(line) + 1))[:size]


def floor(request: HttpRequest) -> HttpResponse:
    try:
        size = min(max(int(request.GET.get("bytes", "50000")), 0), MAX_FLOOR_BYTES)
    except ValueError:
        size = 50_000
    return HttpResponse(_body(size), content_type="text/html; charset=utf-8")


urlpatterns = [path("bench/floor/", floor, name="bench-floor"), *site_urlpatterns]
