"""Recognising a visitor (DESIGN.md, "Counting views"): which requests are views by a
person, and whether this one has viewed this session within the repeat-view window.

Visitors are recognised for 30 minutes by a salted hash kept in a cache shared by every
worker and host (Redis, or a database table); there is no cookie, no server-side session
and nothing personal stored. While Redis is out of reach they are recognised in the
database table, which every host shares too, so views go on being counted. Either way,
remembering a visitor is one atomic step, so that of two workers that see the same
visitor at the same instant exactly one counts the view.
"""

import base64
import datetime
import hashlib
import hmac
import logging
import pickle
import re
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.http import HttpRequest
from django.utils import timezone
from redis.exceptions import RedisError

from igf_catalogue.client_address import client_address

from .counted import CountableSession

logger = logging.getLogger(__name__)

BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|archiver|fetch|scrape|preview|monitor|checker|headless"
    r"|facebookexternalhit|whatsapp|mediapartners|google-inspectiontool|phantomjs"
    r"|lighthouse|python-|curl|wget|httpie|libwww|java/|okhttp|go-http|axios|node-fetch",
    re.IGNORECASE,
)

# Headers with which browsers announce a speculative load rather than a visit.
PREFETCH_HEADERS = ("Sec-Purpose", "Purpose", "X-Purpose", "X-Moz")
PREFETCH_VALUES = ("prefetch", "prerender", "preview")


def is_countable(request: HttpRequest) -> bool:
    """A GET by a person's browser: not HEAD, not a prefetch, not a bot."""
    if request.method != "GET":
        return False
    for header in PREFETCH_HEADERS:
        value = request.headers.get(header, "").lower()
        if any(purpose in value for purpose in PREFETCH_VALUES):
            return False
    user_agent = request.headers.get("User-Agent", "").strip()
    return bool(user_agent) and not BOT_USER_AGENT.search(user_agent)


def today() -> datetime.date:
    """The day views are counted under and the visitor salt belongs to."""
    return timezone.localdate()


@lru_cache(maxsize=2)
def _daily_salt(secret_key: str, day: datetime.date) -> bytes:
    return hmac.new(secret_key.encode(), day.isoformat().encode(), hashlib.sha256).digest()


def _daily_hash(*parts: str, day: datetime.date | None = None) -> str:
    """A hash of `parts` under a salt of `day` (today): the salt is derived from the
    secret key and the day, so the same parts give an unrelated hash the next day, and
    the hash cannot be linked back to them without the secret key."""
    salt = _daily_salt(settings.SECRET_KEY, day or today())
    return hmac.new(salt, "\n".join(parts).encode(), hashlib.sha256).hexdigest()


def visitor_fingerprint(
    request: HttpRequest,
    session: CountableSession,
    *,
    day: datetime.date | None = None,
    address: str | None = None,
) -> str:
    """A hash that recognises one visitor viewing one session on `day` (today), and nothing
    else. `address`: the client's, if read already."""
    address = address or client_address(request)
    return _daily_hash(address, request.headers.get("User-Agent", ""), str(session.pk), day=day)


def visitor_cache_key(request: HttpRequest, session: CountableSession) -> str:
    return f"seen:{visitor_fingerprint(request, session)}"


def address_cache_key(
    request: HttpRequest,
    session: CountableSession,
    window: int,
    *,
    day: datetime.date | None = None,
    address: str | None = None,
) -> str:
    """Where the views of `session` counted from this request's address in the current
    window are kept. The window's number is part of the key, so that every backend
    starts a new share at the same moment, whatever it does to a key's expiry."""
    number = int(time.time()) // window
    address = address or client_address(request)
    return f"address:{_daily_hash(address, str(session.pk), day=day)}:{number}"


def visitor_keys(
    request: HttpRequest, session: CountableSession, window: int, day: datetime.date
) -> tuple[str, str]:
    """`visitor_cache_key` and `address_cache_key` of `day`, the address read once."""
    address = client_address(request)
    return (
        f"seen:{visitor_fingerprint(request, session, day=day, address=address)}",
        address_cache_key(request, session, window, day=day, address=address),
    )


def is_first_view_in_window(request: HttpRequest, session: CountableSession) -> bool:
    """Remember this visitor for the repeat-view window; False if they were already
    known, or if their address has had its share of views of `session` in the window
    (CATALOGUE_VIEWS_PER_ADDRESS).

    Without the share, one client that changes its User-Agent on every request is a new
    visitor each time. It is per session, so the many people behind one address (a
    conference's Wi-Fi) are each counted on every page until they are that many on one.
    An address whose share is spent writes nothing more, so a disguised client cannot
    fill the cache either.

    A key is only added where it is not already there, atomically (`_remember`). Redis
    out of reach, the database table recognises visitors instead (the outage is logged
    once a minute); if that cannot be reached either, the view is not counted, but the
    page is still served.
    """
    try:
        return _is_first_view_in(caches["visitors"], request, session)
    except RedisError as error:
        logger.warning("Visitors are recognised in the database meanwhile", exc_info=error)
    except Exception:
        logger.warning(
            "Visitor cache unavailable; view of session %s not counted", session.pk, exc_info=True
        )
        return False
    try:
        return _is_first_view_in(caches["visitors_in_database"], request, session)
    except Exception:
        logger.warning(
            "Visitor table unavailable; view of session %s not counted", session.pk, exc_info=True
        )
        return False


def _is_first_view_in(visitors, request: HttpRequest, session: CountableSession) -> bool:
    window = settings.CATALOGUE_REPEAT_VIEW_WINDOW
    share = settings.CATALOGUE_VIEWS_PER_ADDRESS
    if not share:
        return _remember(visitors, visitor_cache_key(request, session), window)
    address_key = address_cache_key(request, session, window)
    if visitors.get(address_key, 0) >= share:
        return False
    if not _remember(visitors, visitor_cache_key(request, session), window):
        return False
    return _taken_from_share(visitors, address_key, share, window)


def _taken_from_share(visitors, key: str, share: int, window: int) -> bool:
    if _remember(visitors, key, window):
        return True
    try:
        # Atomic in Redis. The database cache reads and writes, so views that come at
        # the same instant may all take the same place: without Redis the share bounds
        # a client that asks one page after another, not one that sends many at once.
        return visitors.incr(key) <= share
    except ValueError:  # gone between the two calls
        return _remember(visitors, key, window)


def _remember(visitors, key: str, window: int) -> bool:
    """Keep `key` (with the value 1) for `window` seconds unless it is kept already; True
    if it was not.

    Redis's `add` is one atomic command. Django's database cache reads the key, then
    writes it: on PostgreSQL workers that see an expired key at once all rewrite it, and
    any write that fails (SQLite busy with another writer) answers False, as if the key
    had been there, so the view would be lost without a word. In the database table it
    is therefore one statement of our own (`_remember_in_table`).
    """
    if isinstance(visitors, DatabaseCache):
        return _remember_in_table(visitors, key, window)
    return visitors.add(key, 1, timeout=window)


# The value `_remember` keeps, as Django's database cache stores values (a pickle in
# base64), so that the cache's own `get` and `incr` read it.
REMEMBERED = base64.b64encode(pickle.dumps(1, DatabaseCache.pickle_protocol)).decode("latin1")
# When each process last deleted the expired keys of each table (time.monotonic()).
_swept_at: dict[str, float] = {}


def _remember_in_table(visitors: DatabaseCache, key: str, window: int) -> bool:
    """`_remember` in the database cache's table: an upsert that writes the key if it is
    new or expired, and leaves a live one alone. One statement is atomic by itself on
    PostgreSQL and SQLite alike: of concurrent writers of one key exactly one writes it,
    and an error is raised, never taken for a key that was there.

    Expiry times are whole seconds, compared as Django's database cache compares them.
    Once a window, each process deletes the expired keys, as the cache would when it
    culls: a visitor's key is new every day, so old ones would otherwise pile up.
    """
    connection = connections[router.db_for_write(visitors.cache_model_class)]
    quote = connection.ops.quote_name
    table = quote(visitors._table)
    key_column, value_column, expires_column = map(quote, ("cache_key", "value", "expires"))
    now = timezone.now().replace(microsecond=0)
    expires = connection.ops.adapt_datetimefield_value(now + datetime.timedelta(seconds=window))
    now = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        if time.monotonic() - _swept_at.get(visitors._table, float("-inf")) >= window:
            _swept_at[visitors._table] = time.monotonic()
            cursor.execute(f"DELETE FROM {table} WHERE {expires_column} < %s", [now])
        cursor.execute(
            f"INSERT INTO {table} ({key_column}, {value_column}, {expires_column}) "
            f"VALUES (%s, %s, %s) ON CONFLICT ({key_column}) DO UPDATE SET "
            f"{value_column} = excluded.{value_column}, "
            f"{expires_column} = excluded.{expires_column} "
            f"WHERE {table}.{expires_column} < %s RETURNING {key_column}",
            [visitors.make_and_validate_key(key), REMEMBERED, expires, now],
        )
        return bool(cursor.fetchall())
