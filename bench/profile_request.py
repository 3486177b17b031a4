"""Where one request for a kept page spends its time, in one process, without a server:

    DATABASE_URL=postgres://.../igf_bench_100k bench/profile [--requests 2000]

Serves each page through Django's WSGI handler, with the production settings and Redis
as `bench/run` has them, twice: with the whole middleware stack answering (the kept
answers middleware taken out: "before"), and as the site runs (kept pages answered
from the top of the stack: "after"). For each, prints the mean time of a request
(no profiler), then the same requests under cProfile with the time spent in each
function summed by where that function lives (each middleware, URL resolving, the page
cache, Redis, counting, compression...), in microseconds per request. The profiler's
own overhead inflates the second table; its shares are what to read.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

from measure import HOST, site_environment  # bench/measure.py

ROOT = Path(__file__).resolve().parent.parent
KEPT_ANSWERS = "sessions.caching.kept_answers.KeptAnswerMiddleware"

# Where a function lives, by the first of these its file path contains.
AREAS = [
    ("sessions/caching/kept_answers", "kept answers (the top of the stack)"),
    ("sessions/caching/version", "catalogue version"),
    ("sessions/caching/tracked_version", "catalogue version"),
    ("sessions/caching", "page cache"),
    ("sessions/counting", "counting the view"),
    ("sessions/browsing", "the view"),
    ("igf_catalogue/health", "middleware: health"),
    ("igf_catalogue/request_log", "middleware: request log"),
    ("igf_catalogue/languages", "middleware: locale"),
    ("igf_catalogue/api", "middleware: API conditional GET"),
    ("django/middleware/security", "middleware: security"),
    ("csp/", "middleware: CSP"),
    ("corsheaders/", "middleware: CORS"),
    ("whitenoise/", "middleware: WhiteNoise"),
    ("django/middleware/gzip", "middleware: GZip"),
    ("django/utils/text", "middleware: GZip"),
    ("django/contrib/sessions", "middleware: sessions"),
    ("django/middleware/locale", "middleware: locale"),
    ("django/utils/translation", "translation"),
    ("django/middleware/common", "middleware: common"),
    ("django/middleware/csrf", "middleware: CSRF"),
    ("django/contrib/auth", "middleware: authentication"),
    ("django/contrib/messages", "middleware: messages"),
    ("django/middleware/clickjacking", "middleware: X-Frame-Options"),
    ("axes/", "middleware: axes"),
    ("django/urls", "URL resolving"),
    ("django_redis/", "Redis"),
    ("redis/", "Redis"),
    ("django/core/cache", "cache API"),
    ("django/utils/cache", "conditional GET and cache headers"),
    ("django/http", "request and response objects"),
    ("django/core/handlers", "Django's handler"),
    ("pickle", "unpickling"),
    ("gzip", "compression"),
    ("zlib", "compression"),
    ("hashlib", "hashing"),
    ("hmac", "hashing"),
    ("md5", "hashing"),
    ("django/db", "database"),
    ("psycopg", "database"),
]


def area_of(filename: str, name: str) -> str:
    where = f"{filename}:{name}"
    for fragment, area in AREAS:
        if fragment in where:
            return area
    return "other (Python and Django internals)"


def environ_for(path: str, n: int) -> dict:
    from urllib.parse import urlsplit

    parts = urlsplit(path)
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": parts.path,
        "QUERY_STRING": parts.query,
        "SERVER_NAME": HOST,
        "SERVER_PORT": "8000",
        "HTTP_HOST": HOST,
        "REMOTE_ADDR": "127.0.0.1",
        # Each request a new visitor, as bench/visitors.lua does: a session page counts it.
        "HTTP_USER_AGENT": f"Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0 profile/{n}",
        "HTTP_X_FORWARDED_FOR": f"198.18.{n // 256 % 256}.{n % 256}",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }


def serve(handler, path: str, n: int) -> int:
    status = []
    body = handler(environ_for(path, n), lambda s, h, *a: status.append(s))
    size = sum(len(chunk) for chunk in body)
    if hasattr(body, "close"):
        body.close()
    if not status[0].startswith("200"):
        raise SystemExit(f"{path}: {status[0]}")
    return size


def measure(handler, path: str, requests: int, start: int) -> tuple[float, dict[str, float]]:
    for n in range(start, start + 50):  # warm: rendered, kept, connections open
        serve(handler, path, n)
    began = time.perf_counter()
    for n in range(start + 50, start + 50 + requests):
        serve(handler, path, n)
    mean_us = (time.perf_counter() - began) / requests * 1e6
    profile = cProfile.Profile()
    profile.enable()
    for n in range(start + 50 + requests, start + 50 + 2 * requests):
        serve(handler, path, n)
    profile.disable()
    areas: dict[str, float] = defaultdict(float)
    for (filename, _, name), row in pstats.Stats(profile).stats.items():
        areas[area_of(filename, name)] += row[2] / requests * 1e6  # tottime
    return mean_us, areas


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    # A Redis database of its own: the views it counts are never written anywhere.
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--pages", nargs="*", default=None, help="paths (default: kept pages)")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to the PostgreSQL database to profile.")
    os.environ.update(site_environment(database_url, args.redis))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command

    from sessions.models import Session

    # The pages name their static files by the manifest, as in production.
    call_command("collectstatic", interactive=False, verbosity=0)
    session = Session.objects.published().order_by("pk").first()
    pages = args.pages or ["/", "/sessions/", "/years/2019/", "/venues/"]
    pages.append(session.get_absolute_url())
    stacks = {
        "before": [m for m in settings.MIDDLEWARE if m != KEPT_ANSWERS],
        "after": list(settings.MIDDLEWARE),
    }
    results = {}
    for name, middleware in stacks.items():
        settings.MIDDLEWARE = middleware
        handler = WSGIHandler()
        for index, path in enumerate(pages):
            start = (index * 10 + (name == "after")) * 100_000
            results[name, path] = measure(handler, path, args.requests, start)
    for path in pages:
        before, before_areas = results["before", path]
        after, after_areas = results["after", path]
        print(f"\n{path}: {before:.0f} µs a request before, {after:.0f} µs after\n")
        print("| where (profiled, µs a request) | before | after |")
        print("|---|---:|---:|")
        names = sorted(set(before_areas) | set(after_areas), key=lambda a: -before_areas.get(a, 0))
        for area in names:
            b, a = before_areas.get(area, 0.0), after_areas.get(area, 0.0)
            if b >= 1 or a >= 1:
                print(f"| {area} | {b:.0f} | {a:.0f} |")
        print(f"| all | {sum(before_areas.values()):.0f} | {sum(after_areas.values()):.0f} |")


if __name__ == "__main__":
    main()
