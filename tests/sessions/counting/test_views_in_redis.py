"""Counting views in Redis (DESIGN.md, "Counting views"): one round trip per view, the
live total on every page, and the writer moving each view to the database exactly
once, whatever dies and whoever else writes. A real Redis and the real database."""

import datetime
import io
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from redis.exceptions import ConnectionError as RedisConnectionError

from sessions.caching.page_cache import forget_recently_kept
from sessions.counting import batches
from sessions.counting.batches import CLAIM, ViewWriter, parse_batch, write_batch
from sessions.counting.counter import count_view
from sessions.counting.in_redis import CLAIMS, PENDING, key, redis_client, total_key
from sessions.counting.popular import popular_sessions_of_last_days
from sessions.counting.visitors import today
from sessions.models import DailyViews, Session, WrittenViewBatch
from tests.conftest import IN_CI
from tests.factories import SessionFactory
from tests.production import production_environment, run_in_production, run_script_in_production

REDIS_FOR_TESTS = "redis://127.0.0.1:6379/3"


def browser(n: int) -> str:
    return f"Mozilla/5.0 (X11; Linux x86_64; rv:{100 + n}.0) Gecko/20100101 Firefox/{100 + n}.0"


def visit(client, session, n: int, **headers):
    return client.get(
        session.get_absolute_url(),
        headers={"user-agent": browser(n), **headers},
        REMOTE_ADDR=f"198.51.100.{n % 250}",
    )


def shown_views(page) -> int:
    """The view count the page shows (in its JSON-LD)."""
    text = page.content.decode()
    marker = '"userInteractionCount": '
    start = text.index(marker) + len(marker)
    return int(text[start : text.index("}", start)].strip())


@pytest.fixture
def views_in_redis(settings):
    """Views counted in a real Redis, as with REDIS_URL, under a key prefix of this
    test's own (tests run in parallel)."""
    prefix = f"test-{uuid.uuid4().hex}"
    redis_cache = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_FOR_TESTS,
        "KEY_PREFIX": prefix,
    }
    settings.CACHES = {
        **settings.CACHES,
        "default": redis_cache,
        "visitors": {**redis_cache, "KEY_PREFIX": f"{prefix}-v"},
    }
    settings.CATALOGUE_VERSION_IN_CACHE = True
    settings.CATALOGUE_VIEWS_IN_REDIS = True
    client = redis_client()
    try:
        client.ping()
    except RedisConnectionError as error:
        if IN_CI:
            raise
        pytest.skip(f"Redis is not reachable at {REDIS_FOR_TESTS}: {error}")
    forget_recently_kept()
    yield
    for name in client.scan_iter(match=f"*{prefix}*"):
        client.delete(name)
    forget_recently_kept()


def in_database(session) -> tuple[int, int]:
    """The session's total and the sum of its days, in the database."""
    total = Session.objects.get(pk=session.pk).views
    days = sum(DailyViews.objects.filter(session=session).values_list("views", flat=True))
    return total, days


def write_views() -> str:
    """`manage.py write_views --once`; what it says."""
    out = io.StringIO()
    call_command("write_views", "--once", stdout=out)
    return out.getvalue()


def pending_views() -> int:
    return sum(int(v) for v in redis_client().hvals(key(PENDING)))


pytestmark = pytest.mark.django_db


def test_a_counted_view_of_a_kept_page_costs_no_query_and_shows_the_live_total(
    client, django_assert_num_queries, views_in_redis
):
    session = SessionFactory(views=40)
    first = visit(client, session, 1)
    assert first["X-View-Counted"] == "1"
    assert shown_views(first) == 41
    with django_assert_num_queries(0):
        second = visit(client, session, 2)
    assert second["X-View-Counted"] == "1"
    assert shown_views(second) == 42
    # Counted in Redis, not written yet.
    assert in_database(session) == (40, 0)
    assert pending_views() == 2


def test_the_writer_moves_the_views_to_the_database_and_the_shown_total_stays(
    client, views_in_redis
):
    session = SessionFactory(views=40)
    for n in range(5):
        assert visit(client, session, n)["X-View-Counted"] == "1"
    assert write_views() == "Wrote 5 views.\n"
    assert in_database(session) == (45, 5)
    assert pending_views() == 0
    assert not redis_client().zrange(key(CLAIMS), 0, -1)
    # A visitor seen already: not counted, and the total does not go down.
    again = visit(client, session, 4)
    assert not again.has_header("X-View-Counted")
    assert shown_views(again) == 45
    assert shown_views(visit(client, session, 5)) == 46


def test_a_total_lost_from_redis_starts_again_from_the_database_and_what_is_pending(
    client, views_in_redis
):
    session = SessionFactory(views=100)
    for n in range(3):
        visit(client, session, n)
    redis_client().delete(total_key(session.pk))
    page = visit(client, session, 3)
    assert page["X-View-Counted"] == "1"
    assert shown_views(page) == 104  # the database's 100 and the 3 pending, then this one
    write_views()
    assert in_database(session) == (104, 4)


def test_bots_and_repeat_views_count_nothing_but_see_the_live_total(client, views_in_redis):
    session = SessionFactory(views=7)
    visit(client, session, 1)
    bot = client.get(session.get_absolute_url(), headers={"user-agent": "Googlebot/2.1"})
    assert not bot.has_header("X-View-Counted")
    assert shown_views(bot) == 8
    head = client.head(session.get_absolute_url(), headers={"user-agent": browser(2)})
    assert not head.has_header("X-View-Counted")
    assert pending_views() == 1


def test_a_batch_written_by_a_writer_that_died_before_telling_redis_is_not_written_again(
    client, views_in_redis, monkeypatch
):
    session = SessionFactory(views=0)
    for n in range(3):
        visit(client, session, n)
    # A writer takes the batch and commits it, then dies before Redis hears of it.
    redis = redis_client()
    batch = key(f"views:batch:{uuid.uuid4().hex}")
    taken, _ = CLAIM([key(PENDING), key(CLAIMS), batch], [batches.LEASE_SECONDS], client=redis)
    assert write_batch(taken.decode(), parse_batch(redis.hgetall(taken)))
    assert in_database(session) == (3, 3)
    visit(client, session, 3)  # counted meanwhile, in the next batch
    # Its claim runs out: another writer takes the batch over and writes only the new view.
    monkeypatch.setattr(batches, "LEASE_SECONDS", 0)
    assert ViewWriter().write_pending() == 1
    assert in_database(session) == (4, 4)
    assert not redis.exists(batch)
    assert not redis.zrange(key(CLAIMS), 0, -1)


def test_a_batch_of_a_writer_killed_before_its_commit_is_written_by_the_next(
    client, views_in_redis, monkeypatch
):
    session = SessionFactory(views=10)
    for n in range(4):
        visit(client, session, n)
    redis = redis_client()
    CLAIM(
        [key(PENDING), key(CLAIMS), key(f"views:batch:{uuid.uuid4().hex}")],
        [batches.LEASE_SECONDS],
        client=redis,
    )
    # Claimed lately: another writer leaves it to its writer.
    assert ViewWriter().write_pending() == 0
    assert in_database(session) == (10, 0)
    monkeypatch.setattr(batches, "LEASE_SECONDS", 0)
    assert ViewWriter().write_pending() == 4
    assert in_database(session) == (14, 4)


def test_a_batch_written_twice_at_once_is_written_once(views_in_redis):
    session = SessionFactory(views=0)
    views = [batches.ViewsOfADay(session.pk, today(), 5)]
    assert write_batch("views:batch:one", views)
    assert not write_batch("views:batch:one", views)
    assert in_database(session) == (5, 5)
    assert WrittenViewBatch.objects.filter(key="views:batch:one").exists()


def test_a_batch_holding_a_deleted_session_writes_the_others(views_in_redis):
    kept, deleted = SessionFactory(views=1), SessionFactory(views=1)
    views = [
        batches.ViewsOfADay(kept.pk, today(), 2),
        batches.ViewsOfADay(deleted.pk, today(), 3),
        batches.ViewsOfADay(kept.pk, today() - datetime.timedelta(days=1), 1),
    ]
    deleted.delete()
    assert write_batch("views:batch:two", views)
    assert in_database(kept) == (4, 3)
    assert not DailyViews.objects.filter(session_id=deleted.pk).exists()


def test_the_popular_list_reads_the_written_views(client, views_in_redis):
    quiet, busy = SessionFactory(views=0), SessionFactory(views=0)
    visit(client, quiet, 1)
    for n in range(3):
        visit(client, busy, n)
    write_views()
    assert list(popular_sessions_of_last_days()) == [busy, quiet]


def test_with_redis_out_of_reach_views_are_written_to_the_database_at_once(
    views_in_redis, settings
):
    session = SessionFactory(views=3)
    settings.CACHES = {
        **settings.CACHES,
        "visitors": {**settings.CACHES["visitors"], "LOCATION": "redis://127.0.0.1:1/0"},
    }
    request = RequestFactory().get("/", headers={"user-agent": browser(1)})
    counted = count_view(request, session)
    assert counted.counted and counted.total == 4
    assert in_database(session) == (4, 1)


COUNT_FROM_TEN_THREADS = """
from concurrent.futures import ThreadPoolExecutor
from django.db import connection
from django.test import RequestFactory
from sessions.counting.counter import count_view
from tests.factories import SessionFactory

session = SessionFactory(views=0)

def count(n):
    try:
        request = RequestFactory().get(
            "/", headers={"user-agent": f"Firefox/{n}"}, REMOTE_ADDR=f"192.0.2.{n % 250}"
        )
        return count_view(request, session).counted
    finally:
        connection.close()

with ThreadPoolExecutor(max_workers=10) as pool:
    print(session.pk, sum(pool.map(count, range(300))))
"""


@pytest.mark.django_db(transaction=True)
def test_views_counted_while_two_writers_run_are_each_written_once(tmp_path):
    """Two writers (two hosts) running while 300 visitors are counted from ten threads,
    each a process of its own on the suite's kind of database: every view written once."""
    if connection.vendor == "postgresql":
        database = connection.settings_dict  # the test database, committed to
        database_url = (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
    else:
        database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    redis_url = f"{REDIS_FOR_TESTS[:-1]}5"  # a database of this test's own
    environment = {"DATABASE_URL": database_url, "REDIS_URL": redis_url}
    if connection.vendor != "postgresql":
        assert run_in_production("manage.py", "migrate", "--noinput", **environment).returncode == 0
    heartbeats = [tmp_path / f"writer-{number}" for number in range(2)]
    writers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "write_views", "--interval", "0.05"]
            + ["--heartbeat", str(heartbeat)],
            cwd=django_settings.BASE_DIR,
            env=production_environment(**environment),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for heartbeat in heartbeats
    ]
    try:
        # Both writing (their SIGTERM handlers set) before any view is counted.
        deadline = time.monotonic() + 60
        while not all(heartbeat.exists() for heartbeat in heartbeats):
            assert time.monotonic() < deadline, "a writer never wrote"
            time.sleep(0.05)
        counted = run_script_in_production(COUNT_FROM_TEN_THREADS, **environment)
    finally:
        for writer in writers:
            writer.send_signal(signal.SIGTERM)
    for writer in writers:
        _, err = writer.communicate(timeout=30)
        assert writer.returncode == 0, err
    assert counted.returncode == 0, counted.stderr
    session_pk, acknowledged = map(int, counted.stdout.split())
    assert acknowledged == 300
    rest = run_in_production("manage.py", "write_views", "--once", **environment)
    assert rest.returncode == 0, rest.stderr
    written = run_script_in_production(
        "from sessions.models import DailyViews, Session;"
        f"print(Session.objects.get(pk={session_pk}).views,"
        f" sum(d.views for d in DailyViews.objects.filter(session_id={session_pk})))",
        **environment,
    )
    assert written.stdout.split() == ["300", "300"], written.stderr


def test_the_writer_runs_as_a_service_writes_while_it_runs_and_stops_on_sigterm(tmp_path):
    """`manage.py write_views` as the compose file runs it: production settings, its
    own process, its own SQLite database; views pending in Redis reach the database,
    the heartbeat says so, and SIGTERM stops it cleanly."""
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    redis_url = f"{REDIS_FOR_TESTS[:-1]}4"  # a database of this test's own
    environment = {"DATABASE_URL": database_url, "REDIS_URL": redis_url}
    assert run_in_production("manage.py", "migrate", "--noinput", **environment).returncode == 0
    made = run_script_in_production(
        "from tests.factories import SessionFactory;"
        "from sessions.counting.in_redis import key, redis_client, PENDING, pending_field;"
        "from sessions.counting.visitors import today;"
        "session = SessionFactory(views=10);"
        "redis_client().hincrby(key(PENDING), pending_field(session.pk, today()), 3);"
        "print(session.pk)",
        **environment,
    )
    assert made.returncode == 0, made.stderr
    heartbeat = tmp_path / "alive"
    writer = subprocess.Popen(
        [sys.executable, "manage.py", "write_views", "--interval", "0.2", "--heartbeat", heartbeat],
        cwd=django_settings.BASE_DIR,
        env=production_environment(**environment),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not heartbeat.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert heartbeat.exists()
        written = run_script_in_production(
            "from sessions.models import DailyViews, Session;"
            f"print(Session.objects.get(pk={made.stdout.strip()}).views,"
            " sum(d.views for d in DailyViews.objects.all()))",
            **environment,
        )
        assert written.stdout.split() == ["13", "3"], written.stderr
    finally:
        writer.send_signal(signal.SIGTERM)
        out, err = writer.communicate(timeout=30)
    assert writer.returncode == 0, err
    assert "Writing views every 0.2 s." in out
