"""No view is lost on SQLite under concurrent visitors (DESIGN.md, "Counting views").

The site is served as the README serves it on SQLite, from processes of its own on a
SQLite file: gunicorn with two workers and the production settings, and the development
server that `bin/start` runs (a thread a request). The test suite's own SQLite database
lives in this process's memory, out of other processes' reach, so these tests make one.
No mocks: real servers, real HTTP, the database file read back as it was committed.
"""

import http.client
import itertools
import json
import socket
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from sessions.models import DailyViews, Session
from tests.production import production_environment, run_in_production, run_script_in_production

# As the issue measured it: more visitors than the workers serve at once, 32 at a time.
VISITORS = 96
AT_ONCE = 32
# Every visitor of the module is a new one (a User-Agent and an address of their own),
# whichever test and server they visit.
VISITOR_NUMBERS = itertools.count()
# The host name the production environment allows.
HOST = production_environment()["DJANGO_ALLOWED_HOSTS"]


def browser(n: int) -> str:
    return (
        f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        f"(KHTML, like Gecko) Chrome/{100 + n % 50}.0.{n}.0 Safari/537.36"
    )


def address(n: int) -> str:
    """A distinct address (in a range kept for documentation) for visitor number `n`."""
    return f"198.51.{100 + n // 256}.{n % 256}"


@dataclass
class SiteDatabase:
    """A migrated SQLite file holding one published session."""

    path: Path
    session_pk: int
    session_path: str

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    def views(self) -> tuple[int, int]:
        """The session's total and the sum of its daily rows, as committed."""
        with closing(sqlite3.connect(self.path, timeout=20)) as db:
            (total,) = db.execute(
                f'SELECT views FROM "{Session._meta.db_table}" WHERE id = ?', [self.session_pk]
            ).fetchone()
            (daily,) = db.execute(
                f'SELECT COALESCE(SUM(views), 0) FROM "{DailyViews._meta.db_table}" '
                "WHERE session_id = ?",
                [self.session_pk],
            ).fetchone()
        return total, daily


@pytest.fixture(scope="module")
def site_database(tmp_path_factory) -> SiteDatabase:
    path = tmp_path_factory.mktemp("sqlite-site") / "db.sqlite3"
    url = f"sqlite:///{path}"
    migrated = run_in_production("manage.py", "migrate", "--noinput", DATABASE_URL=url)
    assert migrated.returncode == 0, migrated.stderr
    created = run_script_in_production(
        "import json; from tests.factories import SessionFactory; "
        "session = SessionFactory(views=100); "
        "print(json.dumps([session.pk, session.get_absolute_url()]))",
        DATABASE_URL=url,
    )
    assert created.returncode == 0, created.stderr
    pk, session_path = json.loads(created.stdout.strip().splitlines()[-1])
    return SiteDatabase(path, pk, session_path)


@dataclass
class Site:
    """A server of the site, on this host's loopback, behind the TLS proxy that the
    production environment trusts (127.0.0.1)."""

    port: int
    database: SiteDatabase
    log: Path

    def visit(self, n: int) -> tuple[int, bool]:
        """Visitor `n` reads the session's page: the status, and whether the page said it
        counted the view."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(
                "GET",
                self.database.session_path,
                headers={
                    "Host": HOST,
                    "User-Agent": browser(n),
                    "X-Forwarded-For": address(n),
                    "X-Forwarded-Proto": "https",
                },
            )
            response = connection.getresponse()
            response.read()
            return response.status, response.getheader("X-View-Counted") == "1"
        finally:
            connection.close()

    def log_tail(self) -> str:
        return "the server's log ends:\n" + self.log.read_text(errors="replace")[-3000:]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn(port: int) -> tuple[list[str], dict[str, str]]:
    """As the README's production steps serve the site, with two workers."""
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "igf_catalogue.wsgi"]
    return command, {
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "DJANGO_SETTINGS_MODULE": "tests.sessions.counting.served_settings",
    }


def development_server(port: int) -> tuple[list[str], dict[str, str]]:
    """As `bin/start` serves the site (without reloading it when a file changes)."""
    command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    return command, {"DJANGO_DEBUG": "1"}


def wait_until_ready(server: subprocess.Popen, site: Site, *, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server stopped ({server.returncode}); {site.log_tail()}")
        connection = http.client.HTTPConnection("127.0.0.1", site.port, timeout=5)
        try:
            connection.request("GET", "/readyz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    pytest.fail(f"the server was not ready within {timeout:g} s; {site.log_tail()}")


@pytest.fixture(scope="module", params=[gunicorn, development_server], ids=lambda s: s.__name__)
def site(request, site_database, tmp_path_factory):
    port = free_port()
    command, environment = request.param(port)
    log = tmp_path_factory.mktemp("server") / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            command,
            cwd=django_settings.BASE_DIR,
            env=production_environment(DATABASE_URL=site_database.url, **environment),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    site = Site(port, site_database, log)
    try:
        wait_until_ready(server, site)
        yield site
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_concurrent_visitors_on_sqlite_are_each_one_view(site):
    before_total, before_daily = site.database.views()
    visitors = [next(VISITOR_NUMBERS) for _ in range(VISITORS)]
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        answers = list(pool.map(site.visit, visitors))

    assert [status for status, _ in answers] == [200] * VISITORS, site.log_tail()
    not_counted = [n for n, (_, counted) in zip(visitors, answers, strict=True) if not counted]
    assert not_counted == [], site.log_tail()
    assert site.database.views() == (before_total + VISITORS, before_daily + VISITORS)


def test_one_visitor_asking_many_times_at_once_on_sqlite_is_one_view(site):
    before_total, before_daily = site.database.views()
    visitor = next(VISITOR_NUMBERS)
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        answers = list(pool.map(site.visit, [visitor] * AT_ONCE))

    assert [status for status, _ in answers] == [200] * AT_ONCE, site.log_tail()
    assert [counted for _, counted in answers].count(True) == 1
    assert site.database.views() == (before_total + 1, before_daily + 1)
