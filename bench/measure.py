"""Measure the site under gunicorn with wrk: `bench/run` (the pages), `bench/load` (a load check).

`bench/run` starts the site under gunicorn on the PostgreSQL database of DATABASE_URL
with the production settings (DEBUG off, a secret key, ALLOWED_HOSTS 127.0.0.1) and the
benchmark's URLconf (bench/urls.py, which adds the site floor page), and beside it the
bare floor (bench/bare_floor/: a new Django project serving the same page) under the
same gunicorn settings. For each page it runs wrk from 127.0.0.1 and prints one table:
requests per second, median and 99th percentile latency, the ratios to the requests per
second of both floors in the same run, and the SQL queries the page runs with an empty
page cache and with a warm one. With `--compare URL` it measures the same pages on a
second database (a small catalogue) and prints how much longer each page takes on the
first. Last it checks each page against its target (a share of the bare floor), and
exits with status 1 if one is not met.

`bench/load` runs wrk with many connections for longer on a session page (each request a
new visitor, so each view is counted) and on the list, and checks that no request failed
and that the session's view total and daily rows grew by exactly the number of views the
site answered as counted. That check is `load` in bench/load_check.py; this module
holds `run` and what both share (the site under gunicorn, its environment, the pages).

With Redis (`--redis`, by default a database of the local Redis), views are counted in
Redis and `manage.py write_views` runs beside gunicorn, as in production, to write them
to PostgreSQL.

See bench/README.md.
"""

import argparse
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from run_report import growth_table, table, targets  # bench/run_report.py
from view_writers import Writer, write_once  # bench/view_writers.py
from wrk import Page, Result, run_wrk  # bench/wrk.py

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = os.environ.get("PYTHON", str(ROOT / ".venv" / "bin" / "python"))
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
HOST = "127.0.0.1"
GUNICORN_LOG = Path(tempfile.gettempdir()) / "igf-bench-gunicorn.log"
WRITER_LOG = Path(tempfile.gettempdir()) / "igf-bench-write-views.log"
DEFAULT_REDIS = "redis://127.0.0.1:6379/7"

# The targets, as shares of the bare floor's requests per second on 100,000 sessions (the
# limit on growth is in run_report.py).
CACHED_PAGE_TARGET = 0.7
SESSION_PAGE_TARGET = 0.5
# The session recorded in the six UN languages, with documents: the heaviest session page.
RECORDED_SESSION_PAGE_TARGET = 0.4
SEARCH_TARGET = 0.2
# A search nobody made before: neither its page nor its facets are kept, so it is the one
# page whose SQL runs on every request; it may grow more with the catalogue.
NEW_SEARCH_TARGET = 0.02
NEW_SEARCH_GROWTH_LIMIT = 2.0


# Starting the site and the bare floor


def _clean_environment() -> dict[str, str]:
    """This process's environment without the settings of the site and of gunicorn."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CATALOGUE_", "GUNICORN_"))
        and key not in ("DATABASE_URL", "REDIS_URL")
    }


def site_environment(database_url: str, redis_url: str) -> dict[str, str]:
    env = _clean_environment()
    env |= {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": "bench-only-" + secrets.token_urlsafe(24),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        # Every request of the benchmark comes from one address: no API rate limit.
        "CATALOGUE_API_ANON_RATE": "",
        # visitors.lua gives each visitor an address of its own in X-Forwarded-For.
        "CATALOGUE_TRUSTED_PROXIES": "127.0.0.1",
        "PYTHONPATH": str(ROOT),
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def bare_floor_environment() -> dict[str, str]:
    """The bare floor's environment: its own settings, and for gunicorn.conf.py the same
    values as the site's (CATALOGUE_TRUSTED_PROXIES, no GUNICORN_*)."""
    return _clean_environment() | {
        "DJANGO_SETTINGS_MODULE": "bench.bare_floor.settings",
        "DJANGO_SECRET_KEY": "bench-only-" + secrets.token_urlsafe(24),
        "CATALOGUE_TRUSTED_PROXIES": "127.0.0.1",
        "PYTHONPATH": str(ROOT),
    }


SITE_APP = "igf_catalogue.wsgi"
BARE_FLOOR_APP = "bench.bare_floor.wsgi"


class Site:
    """The site under gunicorn on `port`, for the time of a `with` block; with
    `app=BARE_FLOOR_APP`, the bare floor under the very same gunicorn options.

    With REDIS_URL, `manage.py write_views` runs beside the site (`writer`), as it must
    in production; when the block ends it is stopped and what is left written, so that no
    view waits in Redis for the next run.
    """

    def __init__(
        self,
        env: dict[str, str],
        *,
        port: int,
        workers: int | None,
        access_log: Path | None = None,
        app: str = SITE_APP,
    ):
        self.env = env
        self.port = port
        self.workers = workers
        # Where gunicorn writes one line per answer: path, status, X-View-Counted.
        self.access_log = access_log
        self.app = app
        self.process = None
        self.writer: Writer | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def __enter__(self):
        if self.app == SITE_APP:
            subprocess.run(
                [PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
                cwd=ROOT,
                env=self.env,
                check=True,
            )
        # gunicorn.conf.py and the options below are the same for the bare floor: its
        # worker class, workers, threads and keep-alive are the site's.
        command = [
            GUNICORN,
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"{HOST}:{self.port}",
            "--access-logfile",
            str(self.access_log or os.devnull),
            "--access-logformat",
            "%(U)s %(s)s %({x-view-counted}o)s",
            "--max-requests",
            "0",
        ]
        if self.workers:
            command += ["--workers", str(self.workers)]
        self.process = subprocess.Popen(
            [*command, self.app],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=open(GUNICORN_LOG, "ab"),  # noqa: SIM115
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/bench/floor/?bytes=10", timeout=2):
                    self.start_writer()
                    return self
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit(f"gunicorn did not start: see {GUNICORN_LOG}") from None
                time.sleep(0.3)
        raise SystemExit("gunicorn did not answer within a minute")

    def start_writer(self) -> None:
        if self.app == SITE_APP and self.env.get("REDIS_URL"):
            self.writer = Writer(self.env, WRITER_LOG, python=PYTHON).start()

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        if self.writer is not None:
            self.writer.stop()
            write_once(self.env, PYTHON)

    def fetch(self, path: str) -> bytes:
        request = urllib.request.Request(
            self.base + path, headers={"User-Agent": "Mozilla/5.0 bench warm-up"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.read()


# Django in this process: choosing the pages and counting their queries


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def choose_pages(session_token: str) -> list[Page]:
    """The pages measured, on whatever catalogue the database holds."""
    from django.db.models import Count

    from sessions.models import Meeting, Session, SessionType, Speaker

    published = Session.objects.published()
    # A session of middling popularity, and a speaker with several sessions.
    session = published.order_by("-views")[published.count() // 2 :].first()
    year = published.order_by("-date").values_list("date", flat=True).first().year - 5
    session_type = (
        SessionType.objects.annotate(n=Count("sessions")).order_by("-n").values_list("slug")[0][0]
    )
    speaker = (
        Speaker.objects.annotate(n=Count("participations"))
        .filter(n__gte=3)
        .order_by("pk")
        .values_list("slug", flat=True)
        .first()
    ) or Speaker.objects.values_list("slug", flat=True).first()
    venue = published.order_by("-date").values_list("meeting__venue__slug", flat=True).first()
    # A session recorded in the six UN languages, with documents: the heaviest session page.
    watched = (
        published.filter(recordings__language="zh", documents__isnull=False).order_by("pk").first()
    )
    annual_meeting = _busiest_meeting(published, [Meeting.Kind.ANNUAL])
    other_meeting = _busiest_meeting(published, [Meeting.Kind.NATIONAL, Meeting.Kind.REGIONAL])
    return [
        Page("home", "/", target=CACHED_PAGE_TARGET),
        Page("list", "/sessions/", target=CACHED_PAGE_TARGET),
        Page(
            "list, year + type",
            f"/sessions/?year={year}&type={session_type}",
            target=CACHED_PAGE_TARGET,
        ),
        Page("year", f"/years/{year}/", target=CACHED_PAGE_TARGET),
        Page("venue", f"/venues/{venue}/", target=CACHED_PAGE_TARGET),
        Page("meetings", "/meetings/", target=CACHED_PAGE_TARGET),
        # The annual meeting with the most sessions: the first page of its programme.
        Page("meeting, annual", f"/meetings/{annual_meeting}/", target=CACHED_PAGE_TARGET),
        Page(
            "meeting, national or regional",
            f"/meetings/{other_meeting}/",
            target=CACHED_PAGE_TARGET,
        ),
        Page(
            "list, one meeting",
            f"/sessions/?meeting={annual_meeting}",
            target=CACHED_PAGE_TARGET,
        ),
        Page("list, national meetings", "/sessions/?kind=national", target=CACHED_PAGE_TARGET),
        Page(
            "search (each a new one)",
            "/sessions/",
            "searches.lua",
            (str(time.time_ns()),),
            sample_path="/sessions/?q=youth+privacy",
            target=NEW_SEARCH_TARGET,
            growth_limit=NEW_SEARCH_GROWTH_LIMIT,
        ),
        Page("search, asked again", "/sessions/?q=digital+inclusion", target=SEARCH_TARGET),
        Page(
            "session (counting views)",
            session.get_absolute_url(),
            "visitors.lua",
            (session_token,),
            target=SESSION_PAGE_TARGET,
        ),
        *(
            [
                Page(
                    "session with recordings (counting views)",
                    watched.get_absolute_url(),
                    "visitors.lua",
                    (session_token,),
                    target=RECORDED_SESSION_PAGE_TARGET,
                )
            ]
            if watched
            else []
        ),
        Page("speaker", f"/speakers/{speaker}/"),
        Page("API list", "/api/sessions/"),
    ]


def _busiest_meeting(published, kinds: list[str]) -> str:
    """The slug of the meeting of one of `kinds` with the most published sessions."""
    from django.db.models import Count

    return (
        published.filter(meeting__kind__in=kinds)
        .values("meeting__slug")
        .annotate(n=Count("pk"))
        .order_by("-n", "meeting__slug")
        .values_list("meeting__slug", flat=True)
        .first()
    )


def count_queries(paths: list[str]) -> dict[str, str]:
    """Each path's queries with an empty page cache, then a warm one: "cold/warm".

    Bumping the catalogue version is what empties the page cache for every process.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from sessions.caching.version import bump_catalogue_version

    bump_catalogue_version()
    client = Client(HTTP_HOST=HOST)
    counts = {}
    for number, path in enumerate(paths):
        found = []
        for attempt in range(2):
            agent = f"Mozilla/5.0 bench query count {time.time_ns()} {number} {attempt}"
            with CaptureQueriesContext(connection) as queries:
                client.get(path, HTTP_USER_AGENT=agent)
            found.append(len(queries))
        counts[path] = f"{found[0]}/{found[1]}"
    return counts


# The pages (`run`; the load check, `load`, is in bench/load_check.py)


def floor_page(size: int) -> Page:
    """The floor: a pre-rendered page of `size` bytes, served with no database work (the
    same address on the site and on the bare floor)."""
    return Page("floor (pre-rendered, no database)", f"/bench/floor/?bytes={size}")


def mean_floor(name: str, floors: list[Result]) -> Result:
    """One row for all the floors of one kind measured in a run: their mean."""
    return Result(
        page=Page(name, "/bench/floor/"),
        rps=sum(f.rps for f in floors) / len(floors),
        p50_ms=sum(f.p50_ms for f in floors) / len(floors),
        p99_ms=sum(f.p99_ms for f in floors) / len(floors),
        requests=sum(f.requests for f in floors),
        errors=sum(f.errors for f in floors),
        queries="0/0",
    )


def measure_catalogue(
    args, database_url: str, redis_url: str, port: int
) -> tuple[list[Result], Result, Result, int]:
    """Every page of one catalogue, each with the site floor and the bare floor of its
    size measured around it; then the mean site floor and the mean bare floor."""
    env = site_environment(database_url, redis_url)
    with (
        Site(env, port=port, workers=args.workers) as site,
        Site(
            bare_floor_environment(), port=port + 1, workers=args.workers, app=BARE_FLOOR_APP
        ) as bare,
    ):
        pages = choose_pages(secrets.token_hex(4))
        if args.only:
            pages = [page for page in pages if any(word in page.name for word in args.only)]
        queries = count_queries([page.counted_path for page in pages])
        options = {
            "threads": args.threads,
            "connections": args.connections,
            "duration": args.duration,
        }
        warm = {**options, "duration": args.warmup}
        list_floor = floor_page(len(site.fetch("/sessions/")))
        run_wrk(site.base, list_floor, **warm)
        run_wrk(bare.base, list_floor, **warm)
        results, floors, bare_floors = [], [], []
        for page in pages:
            print(f"  {page.name}: {page.path}", file=sys.stderr, flush=True)
            # One request alone first: a page's first rendering is slow on a big catalogue,
            # and a burst of them at once would only measure that.
            floor = floor_page(len(site.fetch(page.counted_path)))
            # Each page is compared with floors of its own size measured just before and
            # just after it (site, bare, the page, bare, site: both centred on the page):
            # on a shared machine the load of other work drifts over a run's minutes.
            before = run_wrk(site.base, floor, **options)
            bare_before = run_wrk(bare.base, floor, **options)
            run_wrk(site.base, page, **warm)
            result = run_wrk(site.base, page, **options)
            # wrk stops waiting, not the site: what it left in flight (a slow page's
            # backlog) is done within a p99's time, and would slow the floor down.
            time.sleep(min(result.p99_ms / 1000, 10))
            bare_after = run_wrk(bare.base, floor, **options)
            after = run_wrk(site.base, floor, **options)
            result.queries = queries[page.counted_path]
            result.floor_rps = (before.rps + after.rps) / 2
            result.bare_floor_rps = (bare_before.rps + bare_after.rps) / 2
            results.append(result)
            floors += [before, after]
            bare_floors += [bare_before, bare_after]
    from sessions.models import Session

    return (
        results,
        mean_floor("site floor (pre-rendered, no database)", floors),
        mean_floor("bare floor (a new Django project, same page)", bare_floors),
        Session.objects.count(),
    )


def run(args) -> None:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to the PostgreSQL database to measure.")
    setup_django(site_environment(database_url, args.redis))
    print(f"Measuring {database_url.rsplit('/', 1)[-1]}", file=sys.stderr)
    results, floor, bare_floor, size = measure_catalogue(args, database_url, args.redis, args.port)
    print(f"\n{size:,} sessions, wrk -t{args.threads} -c{args.connections} -d{args.duration}:\n")
    print(table(results, floor, bare_floor))
    if args.compare:
        from django.db import connections

        connections.close_all()
        connections["default"].settings_dict.update(_database_settings(args.compare))
        # Redis keys views and pages by session and version numbers, which the two
        # catalogues share: the second one gets a Redis database of its own.
        compare_redis = _next_redis_database(args.redis)
        _use_redis(compare_redis)
        print(f"Measuring {args.compare.rsplit('/', 1)[-1]}", file=sys.stderr)
        small_results, small_floor, small_bare_floor, small_size = measure_catalogue(
            args, args.compare, compare_redis, args.port
        )
        print(f"\n{small_size:,} sessions, same run:\n")
        print(table(small_results, small_floor, small_bare_floor))
        print(f"\nHow time per request grows from {small_size:,} to {size:,} sessions:\n")
        print(growth_table(results, small_results, (size, small_size)))
        report = targets(results, small_results, (size, small_size))
    else:
        report = targets(results)
    print(f"\nAgainst the targets, on {size:,} sessions:\n")
    report.print()
    if not report.passed:
        raise SystemExit(1)


def _database_settings(url: str) -> dict:
    import dj_database_url

    parsed = dj_database_url.parse(url)
    return {key: parsed[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")}


def _next_redis_database(url: str) -> str:
    """`url` with the next database number ("" stays "")."""
    if not url:
        return url
    parts = urllib.parse.urlsplit(url)
    number = int(parts.path.strip("/") or 0) + 1
    return urllib.parse.urlunsplit(parts._replace(path=f"/{number}"))


def _use_redis(url: str) -> None:
    """Point this process's Redis caches at `url` (its queries are counted there)."""
    from asgiref.local import Local
    from django.conf import settings
    from django.core.cache import caches

    if not url:
        return
    caches.close_all()
    for config in settings.CACHES.values():
        if config["BACKEND"].startswith("django_redis"):
            config["LOCATION"] = url
    # Django's cache handler builds its caches from the settings once: again, anew.
    caches.__dict__.pop("settings", None)
    caches._connections = Local(caches.thread_critical)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["run", "load"])
    parser.add_argument("--compare", help="a second DATABASE_URL (a small catalogue) to compare")
    parser.add_argument(
        "--redis",
        default=DEFAULT_REDIS,
        help=f"REDIS_URL for the site's cache and views (default {DEFAULT_REDIS}; '' for "
        "none; with --compare the second catalogue uses the next database)",
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, help="wrk's -c (run: 16, load: 64)")
    parser.add_argument("--duration", help="wrk's -d (run: 10s, load: 30s)")
    parser.add_argument("--warmup", default="3s")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default as configured)")
    parser.add_argument(
        "--port", type=int, default=8765, help="the site's port (run: the bare floor's is the next)"
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="WORDS",
        help="measure only the pages whose name holds these words (again for more pages)",
    )
    args = parser.parse_args()
    if args.command == "run":
        args.connections = args.connections or 16
        args.duration = args.duration or "10s"
        run(args)
    else:
        args.connections = args.connections or 64
        args.duration = args.duration or "30s"
        # Imported here, as load_check imports this module for what the two share.
        from load_check import load  # bench/load_check.py

        load(args)


if __name__ == "__main__":
    main()
