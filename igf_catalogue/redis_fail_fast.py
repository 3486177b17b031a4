"""Redis connections that give up at once for a few seconds after Redis failed.

Redis out of reach must cost a page nothing. A Redis that refuses connections fails
every call at once, but one that hangs (a host gone from the network, a server stuck)
makes every call wait for its timeout: a second for each of the several calls a page
makes. After a call to one Redis fails, every connection of the process to it fails at
once for RETRY_AFTER seconds, without touching the network; the cache then carries on
without Redis as it does when Redis refuses (pages uncached, visitors recognised in
the database), and one call tries Redis again after that.

The connection class is given to django-redis's pools in settings.CACHES, and the
version listener (sessions/caching/tracked_version.py) makes its connection from the
same class.
"""

import threading
import time

from redis.connection import Connection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

RETRY_AFTER = 5.0  # seconds

FAILURES = (RedisConnectionError, RedisTimeoutError, OSError)

_lock = threading.Lock()
# When each Redis (host, port) last failed, in this process.
_failed_at: dict[tuple[str, int], float] = {}


class FailFastConnection(Connection):
    def _connect(self):
        self._give_up_if_failed_lately()
        try:
            return super()._connect()
        except FAILURES:
            self._failed()
            raise

    def send_packed_command(self, command, check_health=True):
        self._give_up_if_failed_lately()
        try:
            return super().send_packed_command(command, check_health=check_health)
        except FAILURES:
            self._failed()
            raise

    def read_response(self, *args, **kwargs):
        try:
            return super().read_response(*args, **kwargs)
        except FAILURES:
            self._failed()
            raise

    def _server(self) -> tuple[str, int]:
        return (self.host, self.port)

    def _failed(self) -> None:
        with _lock:
            _failed_at[self._server()] = time.monotonic()

    def _give_up_if_failed_lately(self) -> None:
        failed_at = _failed_at.get(self._server())
        if failed_at is not None and time.monotonic() - failed_at < RETRY_AFTER:
            raise RedisConnectionError(
                f"Redis at {self.host}:{self.port} failed less than {RETRY_AFTER:.0f} s ago; "
                "not tried again yet"
            )
