"""The catalogue version kept in each process while Redis says it has not changed.

Every visitor's page starts by reading the catalogue version (sessions.caching.version). With
Redis that read was a round trip of its own: most of what serving a cached page cost
beyond Django's own work. Redis's client-side caching ("tracking") lets each process
keep the number instead: a connection of the process's own asks Redis to announce every
change of the key, and Redis sends the announcement as it makes the change, before it
answers whoever made it. A process that finds an announcement waiting reads the key
again, so a change shows on every worker and host as soon as it did before.

redis-py does this by itself only from Redis 7.4 on, with RESP3, and for every key it
reads (pages included). This is the same protocol in its RESP2 form, which Redis has
had since 6.0: the listening connection is subscribed to `__redis__:invalidate` and
tracks, in broadcast mode, the one key.

Whenever the listening connection is not there (Redis out of reach, restarted, another
cache backend), the version is read from Redis as before. A number kept is trusted for
TRUSTED_FOR seconds at most, in case the connection were cut without either side noticing.
"""

import logging
import os
import threading
import time
import weakref
from collections.abc import Callable

from django.core.cache import BaseCache
from redis.exceptions import ResponseError

logger = logging.getLogger(__name__)

# The channel Redis sends its announcements to, in RESP2.
INVALIDATE_CHANNEL = "__redis__:invalidate"
# How the listening connections are named in Redis's CLIENT LIST.
LISTENER_NAME = "catalogue-version-listener"
# Seconds a number kept is trusted without reading it again.
TRUSTED_FOR = 1.0
# Seconds between attempts to listen again after the connection was lost.
RETRY_AFTER = 1.0


class TrackedKey:
    """One key's value, kept while a connection listening for its changes hears none.

    Safe to share between threads; a forked process starts again with nothing kept.
    """

    def __init__(self, connection_pool, key: str):
        self._pool = connection_pool
        self._key = key
        self._lock = threading.Lock()
        self._listener = None
        self._pid = None
        self._unsupported = False
        # When the listener was last lost, or could not be had.
        self._failed_at = float("-inf")
        self._value = None
        self._kept_at = 0.0
        # Goes up whenever a change is heard or the listener is lost: a value read before
        # that is not kept.
        self._changes = 0

    def read(self, load: Callable[[], int]) -> int:
        """The value kept, or `load()`'s (a read from Redis), kept if nothing changed meanwhile."""
        with self._lock:
            is_kept = self._is_listening() and self._value is not None
            if is_kept and time.monotonic() - self._kept_at < TRUSTED_FOR:
                return self._value
            changes = self._changes
        value = load()
        with self._lock:
            # Hear what arrived while `load` ran: a change made after its read announces
            # itself here (or later, and clears the value then).
            if self._is_listening() and self._changes == changes and value is not None:
                self._value, self._kept_at = value, time.monotonic()
        return value

    def close(self) -> None:
        with self._lock:
            self._forget()

    # Called with the lock held.

    def _is_listening(self) -> bool:
        """Whether a listener is connected with no announcement left unread (reading any)."""
        if self._pid != os.getpid():
            # A copy from before a fork: the connection belongs to the parent.
            self._listener, self._pid, self._value = None, os.getpid(), None
        if self._listener is None and not self._listen():
            return False
        try:
            # Looks in what the connection has already received too, not only in the socket.
            while self._listener.can_read(timeout=0):
                self._listener.read_response()  # an announcement
                self._changes += 1
                self._value = None
        except Exception as error:
            # With the error attached, an outage is logged once a minute (log_throttle).
            logger.warning("Stopped listening for changes of %s", self._key, exc_info=error)
            self._forget()
            self._failed_at = time.monotonic()
            return False
        return True

    def _listen(self) -> bool:
        if self._unsupported or time.monotonic() - self._failed_at < RETRY_AFTER:
            return False
        # A connection of its own, outside the pool: it only ever listens, in RESP2
        # (whatever the pool's connections speak), where announcements are messages,
        # and without the RESP3-only notices of a managed Redis's maintenance.
        settings = {
            name: value
            for name, value in self._pool.connection_kwargs.items()
            if not name.startswith("maint_notifications")
        }
        listener = self._pool.connection_class(**settings, protocol=2, client_name=LISTENER_NAME)
        try:
            listener.connect()
            listener.send_command("CLIENT", "ID")
            own_id = listener.read_response()
            listener.send_command(
                "CLIENT", "TRACKING", "ON", "REDIRECT", own_id, "BCAST", "PREFIX", self._key
            )
            listener.read_response()
            listener.send_command("SUBSCRIBE", INVALIDATE_CHANNEL)
            listener.read_response()
        except ResponseError as error:
            # A Redis before 6.0, which cannot track keys: every read goes to Redis.
            logger.warning("Redis cannot announce changes of %s: %s", self._key, error)
            listener.disconnect()
            self._unsupported = True
            return False
        except Exception as error:
            # Tried again in RETRY_AFTER seconds; meanwhile every read goes to Redis.
            logger.warning("Cannot listen for changes of %s", self._key, exc_info=error)
            listener.disconnect()
            self._failed_at = time.monotonic()
            return False
        self._listener = listener
        self._changes += 1
        return True

    def _forget(self) -> None:
        if self._listener is not None:
            self._listener.disconnect()
        self._listener, self._value = None, None
        self._changes += 1


# One per cache object: a change of settings (as tests make) brings a new cache, and with
# it a new listener; the old one goes with its cache.
_tracked_keys: weakref.WeakKeyDictionary[BaseCache, dict[str, TrackedKey]] = (
    weakref.WeakKeyDictionary()
)


_tracked_keys_lock = threading.Lock()


def tracked_key(cache: BaseCache, key: str) -> TrackedKey | None:
    """The tracked `key` of `cache`, None unless `cache` is django-redis's."""
    # Under a lock: two threads must not each make one, and leave a listener unused.
    with _tracked_keys_lock:
        by_key = _tracked_keys.setdefault(cache, {})
        if key not in by_key:
            by_key[key] = _new_tracked_key(cache, key)
        return by_key[key]


def _new_tracked_key(cache: BaseCache, key: str) -> TrackedKey | None:
    get_client = getattr(getattr(cache, "client", None), "get_client", None)
    if get_client is None:
        return None
    tracked = TrackedKey(get_client(write=False).connection_pool, cache.make_key(key))
    weakref.finalize(cache, tracked.close)
    return tracked
