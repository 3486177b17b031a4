"""Anonymous visitors' pages come from the cache, keyed by the catalogue's version."""

import json
import threading
import time
import uuid

import pytest
import redis
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.db.models import F

from sessions.caching import page_cache, version
from sessions.caching.page_cache import CachedPage, forget_recently_kept, keep_page, rendering_alone
from sessions.caching.version import (
    VERSION_CACHE_KEY,
    VERSION_ROW,
    bump_catalogue_version,
    catalogue_version,
)
from sessions.models import CatalogueVersion, DailyViews, Participant, Session, Speaker, Transcript
from tests.conftest import IN_CI, on_postgresql
from tests.factories import EditorFactory, SessionFactory, TagFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"
CACHED_PAGES = ["/", "/sessions/", "/sessions/?sort=title", "/venues/", "/years/"]


@pytest.fixture
def session():
    return SessionFactory(title="Shaping the digital future", status=Session.Status.PUBLISHED)


@pytest.mark.parametrize("url", CACHED_PAGES)
def test_a_second_visitor_gets_the_same_page_for_one_query(
    client, django_assert_num_queries, session, url
):
    first = client.get(url)
    with django_assert_num_queries(1):  # the catalogue version
        second = client.get(url)
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_an_edit_saved_shows_at_once(client, session):
    assert "Shaping the digital future" in client.get("/sessions/").content.decode()
    session.title = "Governing the digital future"
    session.save()
    content = client.get("/sessions/").content.decode()
    assert "Governing the digital future" in content
    assert "Shaping the digital future" not in content


def test_a_session_linked_by_hand_shows_at_once_on_the_session_page(client, session):
    client.get(session.get_absolute_url())
    session.related.add(SessionFactory(title="A newly linked session"))
    assert "A newly linked session" in client.get(session.get_absolute_url()).content.decode()


def test_a_tag_renamed_shows_on_every_page_that_names_it(client, session):
    tag = TagFactory(name="Youth")
    session.tags.add(tag)
    assert "Youth" in client.get("/sessions/").content.decode()
    tag.name = "Young people"
    tag.save()
    assert "Young people" in client.get("/sessions/").content.decode()


def test_an_import_shows_at_once(client, session, tmp_path):
    assert "Imported afterwards" not in client.get("/sessions/").content.decode()
    programme = tmp_path / "programme.jsonl"
    programme.write_text(
        '{"key": "late-1", "title": "Imported afterwards", "date": "2015-11-11", '
        '"type": "Workshop", "venue": "João Pessoa, Brazil"}\n'
    )
    call_command("import_sessions", str(programme), verbosity=0)
    assert "Imported afterwards" in client.get("/sessions/").content.decode()


def test_unpublishing_in_bulk_shows_at_once(admin_client, client, session):
    assert "Shaping the digital future" in client.get("/sessions/").content.decode()
    admin_client.post(
        "/admin/catalogue/session/",
        {"action": "unpublish", "_selected_action": [session.pk]},
    )
    assert "Shaping the digital future" not in client.get("/sessions/").content.decode()


def test_counting_a_view_does_not_change_the_version(client, session):
    before = catalogue_version()
    client.get(session.get_absolute_url(), headers={"user-agent": BROWSER})
    assert Session.objects.get(pk=session.pk).views == 1
    assert DailyViews.objects.filter(session=session).exists()
    assert catalogue_version() == before


def test_every_change_to_the_catalogue_bumps_the_version(session):
    speaker = Speaker.objects.create(name="Amina Diallo", slug="amina-diallo")
    versions = [catalogue_version()]
    Participant.objects.create(session=session, speaker=speaker)
    versions.append(catalogue_version())
    Transcript.objects.create(session=session, text="Welcome.")
    versions.append(catalogue_version())
    session.tags.add(TagFactory())
    versions.append(catalogue_version())
    session.delete()
    versions.append(catalogue_version())
    assert versions == sorted(set(versions))


def test_editors_never_get_a_cached_page(client, session):
    assert "Draft" not in client.get("/sessions/").content.decode()
    draft = SessionFactory(title="Not yet public", status=Session.Status.DRAFT)
    client.force_login(EditorFactory())
    # An editor sees the drafts their list includes; the anonymous page is not reused.
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "ETag" not in response
    assert "no-cache" in response["Cache-Control"]


def test_an_editor_signing_out_sees_the_public_page_again(client, session):
    draft = SessionFactory(title="Not yet public", status=Session.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(EditorFactory())
    assert client.get(draft.get_absolute_url()).status_code == 200
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_each_language_gets_its_own_page(client, session):
    english = client.get("/sessions/", headers={"accept-language": "en"})
    french = client.get("/sessions/", headers={"accept-language": "fr"})
    assert english["Content-Language"] == "en"
    assert french["Content-Language"] == "fr"
    assert english.content != french.content
    assert english["ETag"] != french["ETag"]
    again = client.get("/sessions/", headers={"accept-language": "fr"})
    assert again.content == french.content


@pytest.mark.parametrize("url", CACHED_PAGES)
def test_a_client_holding_the_page_gets_304(client, session, url):
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"]
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_a_client_holding_an_older_page_gets_the_new_one(client, session):
    first = client.get("/sessions/")
    session.title = "Governing the digital future"
    session.save()
    again = client.get("/sessions/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200
    assert "Governing the digital future" in again.content.decode()


def test_if_modified_since_the_rendering_is_a_304(client, session):
    first = client.get("/years/")
    again = client.get("/years/", headers={"if-modified-since": first["Last-Modified"]})
    assert again.status_code == 304


def test_the_session_page_counts_every_view_though_its_body_is_cached(client, session):
    url = session.get_absolute_url()
    counts = []
    for visitor in range(3):
        response = client.get(url, headers={"user-agent": f"{BROWSER} visitor {visitor}"})
        assert response["X-View-Counted"] == "1"
        counts.append(response.content.decode().count(f"{visitor + 1} view"))
    assert all(counts)
    assert Session.objects.get(pk=session.pk).views == 3
    assert '"userInteractionCount": 3' in response.content.decode()


def test_a_repeat_view_is_not_counted_and_shows_the_current_total(client, session):
    url = session.get_absolute_url()
    client.get(url, headers={"user-agent": BROWSER})
    Session.objects.filter(pk=session.pk).update(views=41)
    response = client.get(url, headers={"user-agent": BROWSER})
    assert "X-View-Counted" not in response
    assert "41 views" in response.content.decode()


def test_a_repeat_visitor_holding_the_session_page_gets_304(client, session):
    url = session.get_absolute_url()
    first = client.get(url, headers={"user-agent": BROWSER})
    again = client.get(url, headers={"user-agent": BROWSER, "if-none-match": first["ETag"]})
    assert again.status_code == 304


def test_the_session_page_is_kept_without_the_marks_showing(client, session):
    client.get(session.get_absolute_url())
    content = client.get(session.get_absolute_url()).content.decode()
    assert "\ue010" not in content and "-7345619" not in content


def test_pages_cached_before_a_bump_are_read_no_more(client, django_assert_num_queries, session):
    client.get("/venues/")
    bump_catalogue_version()
    with django_assert_num_queries(2):  # the version, then the venues again
        client.get("/venues/")


# With REDIS_URL set, the version is read from the shared cache, a copy of the database's.

REDIS_FOR_TESTS = "redis://127.0.0.1:6379/3"


@pytest.fixture
def version_in_redis(settings):
    """The default cache on a real Redis, as with REDIS_URL, under a key prefix of this
    test's own (tests run in parallel and the pages expire by themselves)."""
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_FOR_TESTS,
            "KEY_PREFIX": prefix,
        },
    }
    settings.CACHES["visitors"] = {**settings.CACHES["default"], "KEY_PREFIX": f"{prefix}-v"}
    settings.CATALOGUE_VERSION_IN_CACHE = True
    try:
        cache.get("reachable")
    except Exception as error:
        if IN_CI:
            raise
        pytest.skip(f"Redis is not reachable at {REDIS_FOR_TESTS}: {error}")
    forget_recently_kept()
    yield
    cache.delete(VERSION_CACHE_KEY)
    forget_recently_kept()


@pytest.mark.parametrize("url", CACHED_PAGES)
def test_with_redis_a_cached_page_costs_no_query(
    client, django_assert_num_queries, version_in_redis, session, url
):
    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.content == first.content


def test_with_redis_a_counted_view_of_a_cached_session_page_costs_one_write(
    client, django_assert_num_queries, version_in_redis, session
):
    client.get(session.get_absolute_url(), headers={"user-agent": f"{BROWSER} first"})
    # Its total and today's row: one statement on PostgreSQL; on SQLite two, within a
    # savepoint of the test's transaction.
    with django_assert_num_queries(1 if on_postgresql() else 4):
        response = client.get(session.get_absolute_url(), headers={"user-agent": BROWSER})
    assert response["X-View-Counted"] == "1"
    assert "2 views" in response.content.decode()
    assert Session.objects.get(pk=session.pk).views == 2
    assert DailyViews.objects.get(session=session).views == 2


def test_with_redis_an_edit_shows_once_committed(
    client, django_capture_on_commit_callbacks, version_in_redis, session
):
    assert "Shaping the digital future" in client.get("/sessions/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        session.title = "Governing the digital future"
        session.save()
    content = client.get("/sessions/").content.decode()
    assert "Governing the digital future" in content
    assert "Shaping the digital future" not in content


def test_with_redis_an_edit_by_another_host_shows_at_once(client, version_in_redis, session):
    assert "Shaping the digital future" in client.get("/sessions/").content.decode()
    # What another host's edit does, without this process hearing of it from a signal:
    # the change and the version's bump in the database, then the version in Redis.
    Session.objects.filter(pk=session.pk).update(title="Governing the digital future")
    bump_catalogue_version()
    redis.Redis.from_url(REDIS_FOR_TESTS).incr(cache.make_key(VERSION_CACHE_KEY))
    content = client.get("/sessions/").content.decode()
    assert "Governing the digital future" in content


def test_with_redis_an_edit_by_a_process_without_redis_shows_within_seconds(
    client, version_in_redis, session, monkeypatch
):
    """A `manage.py shell` run without REDIS_URL bumps the version in the database only."""
    monkeypatch.setattr(version, "VERSION_CACHE_SECONDS", 1)
    cache.delete(VERSION_CACHE_KEY)
    assert "Shaping the digital future" in client.get("/sessions/").content.decode()
    Session.objects.filter(pk=session.pk).update(title="Governing the digital future")
    CatalogueVersion.objects.filter(pk=VERSION_ROW).update(number=F("number") + 1)
    time.sleep(1.5)
    assert "Governing the digital future" in client.get("/sessions/").content.decode()


def test_with_redis_an_import_shows_once_committed(
    client, django_capture_on_commit_callbacks, version_in_redis, session, tmp_path
):
    client.get("/sessions/")
    programme = tmp_path / "programme.jsonl"
    programme.write_text(
        '{"key": "late-1", "title": "Imported afterwards", "date": "2015-11-11", '
        '"type": "Workshop", "venue": "João Pessoa, Brazil"}\n'
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_sessions", str(programme), verbosity=0)
    assert "Imported afterwards" in client.get("/sessions/").content.decode()


def test_with_redis_the_cached_version_follows_the_database_through_every_bump(
    django_capture_on_commit_callbacks, version_in_redis, session
):
    def in_database():
        return CatalogueVersion.objects.get(pk=VERSION_ROW).number

    bump_catalogue_version()
    cache.delete(VERSION_CACHE_KEY)  # e.g. evicted: the next read copies the database's
    assert catalogue_version() == in_database()
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            bump_catalogue_version()
            bump_catalogue_version()
        assert catalogue_version() == in_database()


def test_with_redis_a_change_rolled_back_leaves_the_version(
    django_capture_on_commit_callbacks, version_in_redis, session
):
    before = catalogue_version()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        session.title = "Never saved"
        session.save()
        raise RuntimeError
    assert callbacks == []
    assert catalogue_version() == before


def test_an_import_bumps_the_version_once_and_leaves_no_callback_per_session(
    django_capture_on_commit_callbacks, session, tmp_path
):
    before = catalogue_version()
    programme = tmp_path / "programme.jsonl"
    programme.write_text(
        "".join(
            json.dumps(
                {
                    "key": f"late-{number}",
                    "title": f"Imported session {number}",
                    "date": "2015-11-11",
                    "type": "Workshop",
                    "venue": "João Pessoa, Brazil",
                    "tags": ["Youth"],
                }
            )
            + "\n"
            for number in range(30)
        )
    )
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("import_sessions", str(programme), verbosity=0)
    assert Session.objects.filter(key__startswith="late-").count() == 30
    assert catalogue_version() == before + 1
    assert len(callbacks) <= 1


@pytest.fixture
def redis_out_of_reach(settings):
    """Both caches on a Redis nobody answers at, with the settings of production."""
    unreachable = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": settings.REDIS_CACHE_OPTIONS,
    }
    settings.CACHES = {"default": unreachable, "visitors": unreachable}
    settings.CATALOGUE_VERSION_IN_CACHE = True


def test_with_redis_out_of_reach_every_page_is_still_served(client, redis_out_of_reach, session):
    for url in [*CACHED_PAGES, "/api/sessions/"]:
        assert client.get(url).status_code == 200, url
    response = client.get(session.get_absolute_url(), headers={"user-agent": BROWSER})
    assert response.status_code == 200
    assert "Shaping the digital future" in response.content.decode()
    assert "X-View-Counted" not in response


# A page missing from the cache is rendered by one request while the others wait for it.


def _in_thread(target) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def _second_request(key: str, served: dict) -> threading.Thread:
    """A request for the page `key`, in a thread, noting in `served["second"]` what it got."""

    def request():
        with rendering_alone(key) as page:
            served["second"] = page

    return _in_thread(request)


def test_a_page_being_rendered_is_waited_for_not_rendered_again():
    key = "page:test:waited-for"
    rendering, rendered = threading.Event(), threading.Event()
    served = {}

    def first_request():
        with rendering_alone(key) as page:
            served["first"] = page
            rendering.set()
            rendered.wait(5)
            keep_page(key, CachedPage(content=b"rendered once", headers={}))

    first = _in_thread(first_request)
    assert rendering.wait(5)
    second = _second_request(key, served)
    second.join(0.2)
    assert second.is_alive(), "the second request waits while the first renders"
    rendered.set()
    first.join(5)
    second.join(5)
    assert served["first"] is None  # it renders
    assert served["second"].content == b"rendered once"  # it is served that rendering


def test_a_rendering_that_keeps_no_page_lets_the_waiting_requests_render_at_once(monkeypatch):
    monkeypatch.setattr(page_cache, "RENDER_WAIT", 60)
    key = "page:test:not-kept"
    rendering, failed = threading.Event(), threading.Event()
    served = {}

    def first_request():
        with rendering_alone(key):
            rendering.set()
            failed.wait(5)  # e.g. a 404, or an error: nothing kept

    first = _in_thread(first_request)
    assert rendering.wait(5)
    second = _second_request(key, served)
    failed.set()
    first.join(5)
    second.join(5)
    assert not second.is_alive(), "it did not wait for RENDER_WAIT"
    assert served == {"second": None}  # it renders the page itself


def test_with_redis_out_of_reach_every_request_renders_without_waiting(
    redis_out_of_reach, monkeypatch
):
    monkeypatch.setattr(page_cache, "RENDER_WAIT", 60)
    served = []
    request = _in_thread(lambda: served.extend(rendering_alone_twice("page:test:unreachable")))
    request.join(10)
    assert not request.is_alive()
    assert served == [None, None]


def rendering_alone_twice(key: str) -> list:
    with rendering_alone(key) as first, rendering_alone(key) as second:
        return [first, second]
