"""Each process keeps the catalogue version while Redis says it has not changed."""

import os
import uuid

import pytest
import redis
from django.core.cache import caches

from sessions.caching import tracked_version
from sessions.caching.tracked_version import LISTENER_NAME, tracked_key
from tests.conftest import IN_CI

REDIS_FOR_TESTS = "redis://127.0.0.1:6379/3"


@pytest.fixture
def redis_cache(settings):
    """django-redis as the default cache, under a key prefix of this test's own."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_FOR_TESTS,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,
        },
    }
    try:
        redis.Redis.from_url(REDIS_FOR_TESTS).ping()
    except redis.RedisError as error:
        if IN_CI:
            raise
        pytest.skip(f"Redis is not reachable at {REDIS_FOR_TESTS}: {error}")
    return caches["default"]


@pytest.fixture
def another_host():
    """A connection of another worker or host, writing the same Redis."""
    connection = redis.Redis.from_url(REDIS_FOR_TESTS)
    yield connection
    connection.close()


class Reads:
    """Reads the key from Redis, as page_cache does, and counts how often it did."""

    def __init__(self, cache, key="version"):
        self.connection = redis.Redis.from_url(REDIS_FOR_TESTS)
        self.key = cache.make_key(key)
        self.count = 0

    def __call__(self):
        self.count += 1
        value = self.connection.get(self.key)
        return None if value is None else int(value)


def test_the_value_is_read_from_redis_once_while_it_does_not_change(redis_cache, another_host):
    reads = Reads(redis_cache)
    another_host.set(reads.key, 7)
    tracked = tracked_key(redis_cache, "version")
    assert [tracked.read(reads) for _ in range(5)] == [7] * 5
    assert reads.count == 1


@pytest.mark.parametrize(
    "change",
    [lambda r, key: r.incr(key), lambda r, key: r.set(key, 12), lambda r, key: r.delete(key)],
)
def test_a_change_made_elsewhere_is_read_at_once(redis_cache, another_host, change):
    reads = Reads(redis_cache)
    another_host.set(reads.key, 7)
    tracked = tracked_key(redis_cache, "version")
    tracked.read(reads)
    change(another_host, reads.key)
    assert tracked.read(reads) == reads()


def test_a_change_made_while_the_value_was_read_is_not_kept(redis_cache, another_host):
    reads = Reads(redis_cache)
    another_host.set(reads.key, 7)
    tracked = tracked_key(redis_cache, "version")

    def read_then_changed_elsewhere():
        value = reads()
        another_host.incr(reads.key)  # after Redis answered 7, before it is kept
        return value

    assert tracked.read(read_then_changed_elsewhere) == 7
    assert tracked.read(reads) == 8


def test_with_the_listener_cut_every_read_goes_to_redis_until_it_listens_again(
    redis_cache, another_host, monkeypatch
):
    reads = Reads(redis_cache)
    another_host.set(reads.key, 7)
    tracked = tracked_key(redis_cache, "version")
    tracked.read(reads)
    listeners = [c for c in another_host.client_list() if c["name"] == LISTENER_NAME]
    assert listeners, "the tracked key has a listening connection"
    for listener in listeners:
        another_host.client_kill_filter(_id=listener["id"])
    another_host.incr(reads.key)  # unheard: nobody listens

    assert [tracked.read(reads) for _ in range(3)] == [8] * 3
    assert reads.count == 4

    monkeypatch.setattr(tracked_version, "RETRY_AFTER", 0)
    tracked.read(reads)  # listens again, and keeps what it read
    reads.count = 0
    assert [tracked.read(reads) for _ in range(3)] == [8] * 3
    assert reads.count == 0


def test_a_forked_process_listens_for_itself(redis_cache, another_host):
    # As a gunicorn worker forked after the site was loaded (--preload).
    reads = Reads(redis_cache)
    another_host.set(reads.key, 7)
    tracked = tracked_key(redis_cache, "version")
    assert tracked.read(reads) == 7
    child = os.fork()
    if child == 0:
        status = 1
        try:
            redis.Redis.from_url(REDIS_FOR_TESTS).incr(reads.key)
            status = 0 if tracked.read(Reads(redis_cache)) == 8 else 1
        finally:
            os._exit(status)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the child read the change"
    # The child heard nothing on the parent's connection, so the parent hears it too.
    assert tracked.read(reads) == 8


def test_a_value_kept_is_trusted_for_a_limited_time_only(redis_cache, another_host, monkeypatch):
    # Were the listening connection cut without either side noticing, a change would
    # still show after TRUSTED_FOR seconds.
    monkeypatch.setattr(tracked_version, "TRUSTED_FOR", 0)
    reads = Reads(redis_cache)
    another_host.set(reads.key, 7)
    tracked = tracked_key(redis_cache, "version")
    for _ in range(3):
        tracked.read(reads)
    assert reads.count == 3


def test_with_redis_out_of_reach_every_read_goes_to_the_loader(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,
        }
    }
    tracked = tracked_key(caches["default"], "version")
    values = iter(range(10))
    assert [tracked.read(lambda: next(values)) for _ in range(3)] == [0, 1, 2]


def test_only_django_redis_is_tracked(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert tracked_key(caches["default"], "version") is None


def test_where_redis_refuses_to_track_every_read_goes_to_redis_and_one_warning_says_why(
    settings, redis_cache, another_host, caplog
):
    # As on a managed Redis that allows no CLIENT TRACKING (or a Redis before 6.0).
    user, password = f"test-{uuid.uuid4().hex}", uuid.uuid4().hex
    another_host.acl_setuser(
        user,
        enabled=True,
        passwords=[f"+{password}"],
        keys=["*"],
        channels=["*"],
        commands=["+@all", "-client|tracking"],
    )
    try:
        settings.CACHES = {
            "default": {
                **settings.CACHES["default"],
                "LOCATION": REDIS_FOR_TESTS.replace("//", f"//{user}:{password}@"),
            }
        }
        cache = caches["default"]
        reads = Reads(cache)
        another_host.set(reads.key, 7)
        tracked = tracked_key(cache, "version")
        assert [tracked.read(reads) for _ in range(3)] == [7] * 3
        assert reads.count == 3
        [warning] = [r.getMessage() for r in caplog.records if r.name == tracked_version.__name__]
        assert warning.startswith(f"Redis cannot announce changes of {reads.key}: ")
        assert "no permissions to run the 'client|tracking' command" in warning
    finally:
        another_host.acl_deluser(user)
