"""The bare floor's one URL, /bench/floor/?bytes=N: a page of N bytes rendered before the
benchmark started.

The site's floor (bench/urls.py) is this same view behind the site's middleware, at the
same address, so the two floors differ only in what surrounds the view.
"""

from functools import cache

from django.http import HttpRequest, HttpResponse
from django.urls import path

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


urlpatterns = [path("bench/floor/", floor, name="bench-floor")]
