"""Counting views (DESIGN.md, "Counting views"): through the counter, the test client,
a live server on PostgreSQL and separate processes. No mocks: real database, real cache,
real HTTP."""

import datetime
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session as ServerSideSession
from django.core.cache import caches
from django.db import connection
from django.test import RequestFactory
from django_redis import get_redis_connection

from sessions.counting.counter import count_view
from sessions.counting.popular import popular_sessions_of_last_days
from sessions.counting.visitors import is_countable, today, visitor_fingerprint
from sessions.models import DailyViews, Session
from tests.factories import DailyViewsFactory, EditorFactory, SessionFactory

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Safari/605.1.15"
)
ADDRESS = "203.0.113.7"

BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "curl/8.5.0",
    "python-requests/2.32.3",
    "Python-urllib/3.11",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/126.0.0.0 Safari/537.36",
    "",
]
PREFETCHES = [
    {"Sec-Purpose": "prefetch"},
    {"Sec-Purpose": "prefetch;prerender"},
    {"Purpose": "prefetch"},
    {"X-Moz": "prefetch"},
]


def browser(n: int) -> str:
    """A distinct, ordinary browser User-Agent for visitor number `n`."""
    return (
        f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        f"(KHTML, like Gecko) Chrome/{100 + n}.0.{n}.0 Safari/537.36"
    )


def address(n: int) -> str:
    """A distinct address (in a range kept for documentation) for visitor number `n`."""
    return f"203.0.{113 + n // 256}.{n % 256}"


def views_of(session: Session) -> tuple[int, int]:
    """The session's total and today's row, as stored."""
    session.refresh_from_db()
    daily = DailyViews.objects.filter(session=session, day=today()).first()
    return session.views, daily.views if daily else 0


def visitor_cache_keys() -> list[str]:
    """Every key held by the visitors cache, as the backend stores it."""
    cache = caches["visitors"]
    backend = django_settings.CACHES["visitors"]["BACKEND"]
    if backend.endswith("DatabaseCache"):
        table = connection.ops.quote_name(cache._table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT cache_key, value FROM {table}")
            return [f"{key} {value}" for key, value in cursor.fetchall()]
    if backend.endswith("RedisCache"):
        client = get_redis_connection("visitors")
        return [key.decode() for key in client.scan_iter(match=cache.make_key("*"))]
    pytest.fail(f"no way to list the keys of {backend}")


@pytest.fixture
def empty_visitor_cache():
    """The visitors cache as a fresh site has it.

    Needed with `transactional_db`: its flush empties the model tables only, not the
    database cache table, so visitors remembered by one test would be known to the next.
    """
    caches["visitors"].clear()
    yield
    caches["visitors"].clear()


# -- The counter itself, on real requests built by RequestFactory ---------------------


def request(method: str = "get", *, user_agent: str = FIREFOX, address: str = ADDRESS, **headers):
    headers = {"User-Agent": user_agent, **headers}
    return getattr(RequestFactory(), method)("/", REMOTE_ADDR=address, headers=headers)


@pytest.mark.django_db
def test_count_view_adds_one_to_the_total_and_to_todays_row_and_returns_the_new_total():
    session = SessionFactory(views=41)
    assert count_view(request(), session).total == 42
    assert views_of(session) == (42, 1)
    assert count_view(request(user_agent=SAFARI), session).total == 43
    assert views_of(session) == (43, 2)
    assert DailyViews.objects.filter(session=session).count() == 1


@pytest.mark.django_db
def test_count_view_adds_to_an_existing_row_for_today_and_leaves_other_days_alone():
    session = SessionFactory()
    DailyViewsFactory(session=session, day=today(), views=10)
    yesterday = DailyViewsFactory(session=session, day=today() - datetime.timedelta(days=1))
    count_view(request(), session)
    assert DailyViews.objects.get(session=session, day=today()).views == 11
    yesterday.refresh_from_db()
    assert yesterday.views == 1


@pytest.mark.django_db
def test_count_view_counts_a_repeat_by_the_same_visitor_once():
    session = SessionFactory()
    assert count_view(request(), session).total == 1
    assert count_view(request(), session).total == 1
    assert views_of(session) == (1, 1)


@pytest.mark.django_db
def test_count_view_recognises_a_visitor_per_session():
    first, second = SessionFactory(), SessionFactory()
    count_view(request(), first)
    count_view(request(), second)
    assert views_of(first) == (1, 1)
    assert views_of(second) == (1, 1)


@pytest.mark.django_db
def test_count_view_counts_another_user_agent_or_address():
    session = SessionFactory()
    count_view(request(), session)
    count_view(request(user_agent=SAFARI), session)
    count_view(request(address="198.51.100.23"), session)
    count_view(request(address="2001:db8::1"), session)
    assert views_of(session) == (4, 4)


@pytest.mark.django_db
def test_count_view_counts_the_same_visitor_again_after_the_window(settings):
    settings.CATALOGUE_REPEAT_VIEW_WINDOW = 1
    session = SessionFactory()
    count_view(request(), session)
    time.sleep(2.1)  # the database cache stores expiry times to the second
    count_view(request(), session)
    assert views_of(session) == (2, 2)


@pytest.mark.parametrize("method", ["head", "post", "options"])
@pytest.mark.django_db
def test_count_view_ignores_other_methods_than_get(method):
    session = SessionFactory(views=5)
    assert count_view(request(method), session).total == 5
    assert views_of(session) == (5, 0)


@pytest.mark.parametrize("headers", PREFETCHES + [{"Sec-Purpose": "Prefetch"}])
@pytest.mark.django_db
def test_count_view_ignores_prefetch_and_prerender(headers):
    session = SessionFactory()
    assert not is_countable(request(**headers))
    count_view(request(**headers), session)
    assert views_of(session) == (0, 0)


@pytest.mark.parametrize("user_agent", BOTS)
@pytest.mark.django_db
def test_count_view_ignores_bots_and_clients_without_user_agent(user_agent):
    session = SessionFactory()
    count_view(request(user_agent=user_agent), session)
    assert views_of(session) == (0, 0)


@pytest.mark.parametrize("user_agent", [FIREFOX, SAFARI, browser(0)])
def test_ordinary_browsers_are_countable(user_agent):
    assert is_countable(request(user_agent=user_agent))


@pytest.mark.django_db
def test_count_view_ignores_drafts():
    session = SessionFactory(status=Session.Status.DRAFT)
    assert count_view(request(), session).total == 0
    assert views_of(session) == (0, 0)


@pytest.mark.django_db
def test_ignored_requests_leave_nothing_in_the_visitor_cache():
    session = SessionFactory()
    count_view(request("head"), session)
    count_view(request(user_agent=BOTS[0]), session)
    count_view(request(**PREFETCHES[0]), session)
    assert visitor_cache_keys() == []
    # ... so the visitor's real view that follows is counted.
    count_view(request(), session)
    assert views_of(session) == (1, 1)


@pytest.mark.django_db
def test_the_visitor_cache_holds_a_hash_not_the_address_or_user_agent():
    session = SessionFactory()
    count_view(request(), session)
    # The visitor, and their address's share of the session's views.
    seen, address = sorted(visitor_cache_keys(), key=lambda key: "seen:" not in key)
    assert re.search(r"seen:[0-9a-f]{64}\b", seen)
    assert re.search(r"address:[0-9a-f]{64}\b", address)
    for stored in (seen, address):
        assert ADDRESS not in stored
        assert "Mozilla" not in stored and "Firefox" not in stored
    assert visitor_fingerprint(request(), session) in seen


@pytest.mark.django_db
def test_the_visitor_fingerprint_salt_rotates_daily():
    session = SessionFactory()
    day = datetime.date(2025, 6, 23)
    same_day = visitor_fingerprint(request(), session, day=day)
    assert visitor_fingerprint(request(), session, day=day) == same_day
    assert visitor_fingerprint(request(), session, day=day + datetime.timedelta(days=1)) != same_day
    assert visitor_fingerprint(request(), session) == visitor_fingerprint(
        request(), session, day=today()
    )


@pytest.mark.django_db
def test_the_visitor_fingerprint_depends_on_address_user_agent_and_session():
    session, other = SessionFactory(), SessionFactory()
    fingerprint = visitor_fingerprint(request(), session)
    assert visitor_fingerprint(request(address="198.51.100.23"), session) != fingerprint
    assert visitor_fingerprint(request(user_agent=SAFARI), session) != fingerprint
    assert visitor_fingerprint(request(), other) != fingerprint


@pytest.mark.django_db
def test_behind_a_proxy_the_address_the_proxy_appended_identifies_the_visitor(settings):
    settings.CATALOGUE_TRUSTED_PROXIES = ["10.9.9.9"]  # the proxy
    session = SessionFactory()
    # A client cannot pass for many visitors by making up what it sends before.
    for made_up in ["10.0.0.1", "10.0.0.2", "10.0.0.3"]:
        count_view(
            request(address="10.9.9.9", **{"X-Forwarded-For": f"{made_up}, {ADDRESS}"}), session
        )
    count_view(request(address="10.9.9.9", **{"X-Forwarded-For": "198.51.100.23"}), session)
    assert views_of(session) == (2, 2)


@pytest.mark.django_db
def test_a_busy_half_hour_does_not_make_the_cache_forget_visitors():
    """Django's database cache culls a third of its keys past MAX_ENTRIES (300 by default)."""
    session = SessionFactory()
    for n in range(400):
        count_view(request(user_agent=browser(n), address=address(n)), session)
    assert views_of(session) == (400, 400)
    for n in range(0, 400, 40):
        count_view(request(user_agent=browser(n), address=address(n)), session)
    assert views_of(session) == (400, 400)


# -- The settings guarantee: one visitors cache shared by every worker and host --------


def settings_in_a_fresh_process(**environ) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(environ, DJANGO_SECRET_KEY="a-key-for-this-check")
    script = (
        "import json, igf_catalogue.settings as s; "
        "print(json.dumps(s.CACHES['visitors'], default=repr))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize("redis_url", ["", "redis://127.0.0.1:6379/0"])
def test_the_visitors_cache_is_shared_between_processes_whatever_redis_url(redis_url):
    visitors = settings_in_a_fresh_process(REDIS_URL=redis_url)
    backend = visitors["BACKEND"]
    assert "locmem" not in backend.lower() and "dummy" not in backend.lower()
    if redis_url:
        assert backend == "django_redis.cache.RedisCache"
        assert visitors["LOCATION"] == redis_url
    else:
        assert backend == "django.core.cache.backends.db.DatabaseCache"
        # Enough room for every visitor of a busy half hour: past MAX_ENTRIES the
        # database cache forgets a third of them, who would then be counted again.
        assert visitors.get("OPTIONS", {}).get("MAX_ENTRIES", 300) >= 100_000


def test_the_running_visitors_cache_is_not_per_process():
    backend = django_settings.CACHES["visitors"]["BACKEND"]
    assert backend in {
        "django_redis.cache.RedisCache",
        "django.core.cache.backends.db.DatabaseCache",
    }


COUNT_IN_ANOTHER_PROCESS = """
import sys
import django
django.setup()
from django.test import RequestFactory
from django_redis import get_redis_connection
from sessions.models import Session
from sessions.counting.counter import count_view
pk, address, user_agent = sys.argv[1:]
request = RequestFactory().get("/", REMOTE_ADDR=address, headers={"User-Agent": user_agent})
print(count_view(request, Session.objects.get(pk=pk)).total)
"""


def database_url() -> str:
    db = connection.settings_dict
    credentials = urllib.parse.quote(db["USER"], safe="")
    if db["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(session: Session, user_agent: str) -> subprocess.Popen:
    """Count a view of `session` in a new Python process, as another gunicorn worker would."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "igf_catalogue.test_settings",
        "DATABASE_URL": database_url(),
    }
    return subprocess.Popen(
        [sys.executable, "-c", COUNT_IN_ANOTHER_PROCESS, str(session.pk), ADDRESS, user_agent],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(worker: subprocess.Popen) -> int:
    out, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err
    return int(out.strip().splitlines()[-1])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_visitor_served_by_several_workers_is_counted_once(empty_visitor_cache):
    session = SessionFactory()
    workers = [start_worker(session, FIREFOX) for _ in range(3)]
    shown = [finish(worker) for worker in workers]
    count_view(request(), session)  # and once more by this process
    assert views_of(session) == (1, 1)
    assert shown.count(1) >= 1 and set(shown) <= {0, 1}
    assert finish(start_worker(session, SAFARI)) == 2


# -- Through the test client: the session page as a visitor gets it --------------------


def visit(
    client, session: Session, *, user_agent: str = FIREFOX, address: str = ADDRESS, **headers
):
    return client.get(
        session.get_absolute_url(),
        headers={"User-Agent": user_agent, **headers},
        REMOTE_ADDR=address,
    )


@pytest.mark.django_db
def test_a_browser_get_of_the_page_counts_one_view(client):
    session = SessionFactory()
    response = visit(client, session)
    assert response.status_code == 200
    assert views_of(session) == (1, 1)
    visit(client, session, user_agent=SAFARI)
    assert views_of(session) == (2, 2)


@pytest.mark.django_db
def test_the_page_shows_the_count_including_this_view(client):
    session = SessionFactory(views=776)
    response = visit(client, session)
    assert re.search(rb"\b777\b", response.content)
    assert not re.search(rb"\b776\b", response.content)


@pytest.mark.django_db
def test_a_repeat_get_by_the_same_visitor_adds_nothing(client):
    session = SessionFactory()
    visit(client, session)
    response = visit(client, session)
    assert response.status_code == 200
    assert views_of(session) == (1, 1)


@pytest.mark.django_db
def test_the_page_says_whether_it_counted_the_view(client):
    """X-View-Counted: 1 acknowledges a view once it is stored (bench/faults relies on it)."""
    session = SessionFactory()
    assert visit(client, session)["X-View-Counted"] == "1"
    assert "X-View-Counted" not in visit(client, session)  # the same visitor again
    assert "X-View-Counted" not in visit(client, session, user_agent=BOTS[0])
    assert views_of(session) == (1, 1)


@pytest.mark.django_db
def test_another_user_agent_or_address_counts(client):
    session = SessionFactory()
    visit(client, session)
    visit(client, session, user_agent=SAFARI)
    visit(client, session, address="198.51.100.23")
    assert views_of(session) == (3, 3)


@pytest.mark.django_db
def test_head_adds_nothing(client):
    session = SessionFactory()
    response = client.head(
        session.get_absolute_url(), headers={"User-Agent": FIREFOX}, REMOTE_ADDR=ADDRESS
    )
    assert response.status_code == 200
    assert views_of(session) == (0, 0)


@pytest.mark.parametrize("headers", PREFETCHES)
@pytest.mark.django_db
def test_prefetch_and_prerender_add_nothing(client, headers):
    session = SessionFactory()
    response = visit(client, session, **headers)
    assert response.status_code == 200
    assert views_of(session) == (0, 0)


@pytest.mark.parametrize("user_agent", BOTS)
@pytest.mark.django_db
def test_bots_add_nothing(client, user_agent):
    session = SessionFactory()
    response = visit(client, session, user_agent=user_agent)
    assert response.status_code == 200
    assert views_of(session) == (0, 0)


@pytest.mark.django_db
def test_a_draft_viewed_by_an_editor_adds_nothing(client):
    session = SessionFactory(status=Session.Status.DRAFT)
    client.force_login(EditorFactory())
    response = visit(client, session)
    assert response.status_code == 200
    assert views_of(session) == (0, 0)


@pytest.mark.django_db
def test_a_draft_is_not_found_by_the_public_and_adds_nothing(client):
    session = SessionFactory(status=Session.Status.DRAFT)
    assert visit(client, session).status_code == 404
    assert views_of(session) == (0, 0)


@pytest.mark.django_db
def test_an_anonymous_visitor_gets_no_cookie_and_no_server_side_session(client):
    session = SessionFactory()
    response = visit(client, session)
    assert response.status_code == 200
    assert not response.cookies
    assert not response.has_header("Set-Cookie")
    assert ServerSideSession.objects.count() == 0
    assert views_of(session) == (1, 1)


@pytest.mark.django_db
def test_the_page_leaves_only_a_hash_in_the_visitor_cache(client):
    session = SessionFactory()
    visit(client, session)
    seen, address = sorted(visitor_cache_keys(), key=lambda key: "seen:" not in key)
    assert re.search(r"seen:[0-9a-f]{64}\b", seen)
    assert re.search(r"address:[0-9a-f]{64}\b", address)
    for stored in (seen, address):
        assert ADDRESS not in stored and "Firefox" not in stored


# -- One address's share: a client cannot inflate a count by changing its User-Agent


@pytest.mark.django_db
def test_one_client_rotating_its_user_agent_adds_at_most_the_addresss_share(client):
    session = SessionFactory(views=100)
    counted = [
        visit(client, session, user_agent=browser(n)).has_header("X-View-Counted")
        for n in range(50)
    ]
    assert counted == [True] * 10 + [False] * 40
    assert views_of(session) == (110, 10)
    # ... and the week's most viewed, counted from the same daily rows, with them.
    assert [(s.pk, s.recent_views) for s in popular_sessions_of_last_days()] == [(session.pk, 10)]


@pytest.mark.django_db
def test_many_visitors_behind_one_address_are_each_counted_up_to_the_share(client, settings):
    settings.CATALOGUE_VIEWS_PER_ADDRESS = 25  # a venue whose whole room reads one session
    session, another = SessionFactory(), SessionFactory()
    for n in range(30):
        visit(client, session, user_agent=browser(n))
    assert views_of(session) == (25, 25)
    # The share is per session: the same people reading another session are counted...
    for n in range(5):
        visit(client, another, user_agent=browser(n))
    assert views_of(another) == (5, 5)
    # ... and so is anyone from elsewhere.
    visit(client, session, user_agent=browser(0), address="198.51.100.7")
    assert views_of(session) == (26, 26)


@pytest.mark.django_db
def test_no_share_when_the_setting_is_zero(client, settings):
    settings.CATALOGUE_VIEWS_PER_ADDRESS = 0
    session = SessionFactory()
    for n in range(30):
        visit(client, session, user_agent=browser(n))
    assert views_of(session) == (30, 30)


# -- Through a live server on PostgreSQL: real HTTP, real concurrency ------------------


def fetch(url: str, *, method: str = "GET", user_agent: str = FIREFOX, **headers):
    """Status and headers of a real HTTP request; the body is read and dropped."""
    req = urllib.request.Request(url, method=method, headers={"User-Agent": user_agent, **headers})
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            response.read()
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


@pytest.mark.postgres
def test_fifty_concurrent_visitors_are_fifty_views(
    live_server, transactional_db, empty_visitor_cache, settings
):
    session = SessionFactory(views=100)
    url = live_server.url + session.get_absolute_url()
    # Fifty people, each from an address of their own, as a proxy in front reports them.
    settings.CATALOGUE_TRUSTED_PROXIES = ["127.0.0.1"]  # the proxy

    def visitor(n: int):
        return fetch(url, user_agent=browser(n), **{"X-Forwarded-For": address(n)})

    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(visitor, range(50)))

    assert [status for status, _ in responses] == [200] * 50
    assert all(headers.get_all("Set-Cookie") is None for _, headers in responses)
    assert views_of(session) == (150, 50)

    # One of the same visitors again, then everything that is not a view.
    assert visitor(7)[0] == 200
    for bot in BOTS:
        assert fetch(url, user_agent=bot)[0] == 200
    assert fetch(url, method="HEAD")[0] == 200
    for headers in PREFETCHES:
        assert fetch(url, **headers)[0] == 200
    assert views_of(session) == (150, 50)


@pytest.mark.postgres
def test_concurrent_repeats_by_one_visitor_are_one_view(
    live_server, transactional_db, empty_visitor_cache
):
    session = SessionFactory()
    url = live_server.url + session.get_absolute_url()
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(lambda _: fetch(url)[0], range(20)))
    assert statuses == [200] * 20
    assert views_of(session) == (1, 1)


@pytest.mark.postgres
def test_the_live_page_sets_no_cookie(live_server, transactional_db, empty_visitor_cache):
    session = SessionFactory()
    status, headers = fetch(live_server.url + session.get_absolute_url())
    assert status == 200
    assert headers.get_all("Set-Cookie") is None
    assert ServerSideSession.objects.count() == 0
