"""Log lines that would repeat on every request, kept to one a minute.

An outage (Redis out of reach) or a mistake in the settings (a proxy not trusted) shows
on every request, and logging each one, with its traceback, buries everything else:
thousands of lines a minute under load. These filters, set on the loggers concerned in
settings.LOGGING, let one line a minute through in each process, and say how many they
held back.
"""

import logging
import threading
import time

from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

REPEAT_AFTER = 60.0  # seconds


class AtMostOnceAMinute(logging.Filter):
    """Lets one record through per minute, of all the loggers this one filter is set
    on (dictConfig makes one filter per name, shared by every logger naming it), its
    traceback cut down to one line."""

    def __init__(self):
        super().__init__()
        self._lock = threading.Lock()
        self._passed_at = float("-inf")
        self._held_back = 0

    def concerns(self, record: logging.LogRecord) -> bool:
        return True

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.concerns(record):
            return True
        now = time.monotonic()
        with self._lock:
            if now - self._passed_at < REPEAT_AFTER:
                self._held_back += 1
                return False
            self._passed_at = now
            held_back, self._held_back = self._held_back, 0
        message = self.message(record)
        if held_back:
            message += f" ({held_back} more like it in the last minute were not logged.)"
        record.msg, record.args = message, None
        record.exc_info, record.exc_text = None, None
        return True

    def message(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if error := _error_of(record):
            message += f" ({type(error).__name__}: {error})"
        return message


# Out of reach, timed out, or refusing (out of memory, read-only after a failover): the
# site carries on without Redis in each case.
OUTAGE_ERRORS = (RedisError, ConnectionInterrupted, OSError)


class RedisOutage(AtMostOnceAMinute):
    """Redis out of reach or failing, said once a minute in plain words.

    django-redis logs "Exception ignored" with a traceback for every cache call that
    fails (several per request), and the catalogue version's listener for every attempt
    to reconnect. Other records of those loggers pass untouched.
    """

    def concerns(self, record: logging.LogRecord) -> bool:
        return isinstance(_error_of(record), OUTAGE_ERRORS)

    def message(self, record: logging.LogRecord) -> str:
        error = _error_of(record)
        cause = f"{type(error).__name__}: {error}" if error else record.getMessage()
        return (
            f"Redis cannot be used ({cause}). Until it can, pages are served without "
            "the shared cache and views are counted in the database. Said at most once a "
            "minute."
        )


def _error_of(record: logging.LogRecord) -> BaseException | None:
    error = record.exc_info[1] if record.exc_info else None
    # django-redis wraps the client's error; the cause says what happened.
    if isinstance(error, ConnectionInterrupted) and error.__cause__ is not None:
        return error.__cause__
    return error
