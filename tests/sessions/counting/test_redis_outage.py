"""Redis out of reach costs nothing but speed: every page is served, views are counted
in the database table that stands in for Redis, and the log says so once a minute, not
on every request. A Redis that hangs is left alone for a few seconds after it failed.
The table is there whatever the settings `migrate` ran with."""

import logging
import runpy
import socket
import sqlite3
import threading

import pytest
from django.conf import settings as django_settings
from redis.exceptions import ResponseError

from igf_catalogue import log_throttle, redis_fail_fast
from sessions.models import DailyViews, Session
from tests.factories import SessionFactory
from tests.production import run_in_production, run_script_in_production

CLOSED_PORT = "redis://127.0.0.1:1/0"
SETTINGS_FILE = django_settings.BASE_DIR / "igf_catalogue" / "settings.py"


def browser(n: int) -> str:
    return f"Mozilla/5.0 (X11; Linux x86_64; rv:{100 + n}.0) Gecko/20100101 Firefox/{100 + n}.0"


@pytest.fixture
def redis_out_of_reach(settings, monkeypatch, fresh_logging):
    """The caches the production settings build for a REDIS_URL nothing answers at, in a
    process that has just started."""
    use_redis_at(CLOSED_PORT, settings, monkeypatch)


def use_redis_at(url: str, settings, monkeypatch) -> None:
    monkeypatch.setattr(redis_fail_fast, "_failed_at", {})
    monkeypatch.setenv("REDIS_URL", url)
    production = runpy.run_path(str(SETTINGS_FILE))
    settings.CACHES = production["CACHES"]
    settings.CATALOGUE_VERSION_IN_CACHE = production["CATALOGUE_VERSION_IN_CACHE"]


def redis_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "Redis" in r.getMessage()]


@pytest.mark.django_db
def test_with_redis_out_of_reach_a_hundred_visitors_are_a_hundred_views(
    client, caplog, redis_out_of_reach
):
    session = SessionFactory(views=641)
    with caplog.at_level(logging.WARNING):
        for n in range(100):
            page = client.get(
                session.get_absolute_url(),
                HTTP_USER_AGENT=browser(n),
                REMOTE_ADDR=f"203.0.113.{n}",
            )
            assert page.status_code == 200
            assert page["X-View-Counted"] == "1"
        # A visitor seen a moment ago is recognised: the database remembers them.
        again = client.get(
            session.get_absolute_url(), HTTP_USER_AGENT=browser(7), REMOTE_ADDR="203.0.113.7"
        )
        assert again.status_code == 200
        assert not again.has_header("X-View-Counted")

    assert Session.objects.get(pk=session.pk).views == 741
    assert DailyViews.objects.get(session=session).views == 100
    lines = redis_lines(caplog)
    assert len(lines) == 1, lines
    assert "Redis cannot be used" in lines[0]
    assert "views are counted in the database" in lines[0]
    assert not any(record.exc_info for record in caplog.records)


@pytest.mark.django_db
def test_with_redis_out_of_reach_every_kind_of_page_is_served(client, caplog, redis_out_of_reach):
    SessionFactory()
    with caplog.at_level(logging.WARNING):
        for url in (
            "/",
            "/sessions/",
            "/sessions/?q=governance",
            "/api/sessions/",
            "/sessions/feed.atom",
        ):
            assert client.get(url, HTTP_USER_AGENT=browser(1)).status_code == 200, url
    assert len(redis_lines(caplog)) == 1


@pytest.mark.django_db
def test_with_nowhere_to_recognise_visitors_the_page_is_served_and_counts_no_view(
    client, settings, redis_out_of_reach
):
    settings.CACHES = {
        **settings.CACHES,
        "visitors_in_database": settings.CACHES["visitors"],  # out of reach as well
    }
    session = SessionFactory(views=7)
    page = client.get(session.get_absolute_url(), HTTP_USER_AGENT=browser(1))
    assert page.status_code == 200
    assert not page.has_header("X-View-Counted")
    assert "7 views" in page.content.decode()
    assert Session.objects.get(pk=session.pk).views == 7


class HangingRedis:
    """A server that takes connections and never answers, as a stuck Redis does."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = []
        threading.Thread(target=self._take_connections, daemon=True).start()

    def _take_connections(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)

    def close(self):
        self.listener.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture
def hanging_redis(settings, monkeypatch, fresh_logging):
    server = HangingRedis()
    use_redis_at(f"redis://127.0.0.1:{server.port}/0", settings, monkeypatch)
    for cache in settings.CACHES.values():
        if "OPTIONS" in cache and "SOCKET_TIMEOUT" in cache["OPTIONS"]:
            cache["OPTIONS"] = {**cache["OPTIONS"], "SOCKET_TIMEOUT": 0.2}
    yield server
    server.close()


@pytest.mark.django_db
def test_a_hanging_redis_is_left_alone_after_it_failed(client, hanging_redis):
    """Without that, each of a page's cache calls would wait for Redis, page after page:
    one connection per call."""
    session = SessionFactory(views=0)
    for n in range(10):
        for url in ("/sessions/", session.get_absolute_url()):
            assert client.get(url, HTTP_USER_AGENT=browser(n)).status_code == 200
    assert len(hanging_redis.connections) <= 2
    assert Session.objects.get(pk=session.pk).views == 10


def test_the_outage_is_said_once_a_minute_with_what_was_held_back(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(log_throttle.time, "monotonic", lambda: clock[0])
    outage = log_throttle.RedisOutage()
    error = ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    def record(message="Exception ignored", error=error):
        exc_info = (type(error), error, None) if error else None
        return logging.LogRecord("igf_catalogue.redis", logging.ERROR, "", 0, message, (), exc_info)

    first = record()
    assert outage.filter(first)
    assert first.getMessage().startswith("Redis cannot be used (ConnectionError: Error 111")
    assert "Connection refused" in first.getMessage() and first.exc_info is None
    assert not any(outage.filter(record()) for _ in range(499))
    # A Redis that answers with an error (out of memory, read-only) is held back alike.
    assert not outage.filter(record(error=ResponseError("OOM command not allowed")))
    # Something else the same loggers say is not held back.
    assert outage.filter(record("Redis cannot announce changes of the version", error=None))

    clock[0] += 61
    later = record()
    assert outage.filter(later)
    assert "500 more like it in the last minute were not logged" in later.getMessage()


def test_migrate_with_redis_creates_the_table_a_site_without_redis_counts_in(tmp_path):
    """Migrated by an operator whose shell had REDIS_URL, served by a host without it."""
    database = tmp_path / "db.sqlite3"
    database_url = f"sqlite:///{database}"
    migrated = run_in_production(
        "manage.py", "migrate", "--noinput", DATABASE_URL=database_url, REDIS_URL=CLOSED_PORT
    )
    assert migrated.returncode == 0, migrated.stderr
    with sqlite3.connect(database) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    assert django_settings.CACHES["visitors_in_database"]["LOCATION"] in tables

    counted = run_script_in_production(
        "from django.test import RequestFactory;"
        "from sessions.counting.counter import count_view;"
        "from tests.factories import SessionFactory;"
        "request = RequestFactory().get('/', HTTP_USER_AGENT='Mozilla/5.0 Firefox/128.0');"
        "print(count_view(request, SessionFactory(views=0)).total)",
        DATABASE_URL=database_url,
    )
    assert counted.returncode == 0, counted.stderr
    assert counted.stdout.strip() == "1"
    assert "does not exist" not in counted.stderr and "no such table" not in counted.stderr
