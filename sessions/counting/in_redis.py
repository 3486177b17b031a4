"""Counting views in Redis (DESIGN.md, "Counting views"), when REDIS_URL is set.

A view is one round trip: a Lua script that recognises the visitor, adds the view to
the session's live total and to the pending batch, and returns the total the page
shows. `batches` moves pending views to the database within seconds.

What Redis holds, under the visitors cache's key prefix:

- `views:total:<session>`: the live total, the database's plus every view not written
  yet. It is never given an expiry (the compose file's Redis evicts only keys that
  have one), and is started from the database's total when it is missing.
- `views:pending`: a hash of `<session>:<day>` to views counted since the last batch
  was taken.
- `views:claims`: the batches being written, by when they were taken (`batches`).
"""

import datetime

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from redis.commands.core import Script

from sessions.models import Session

from .counted import CountableSession, Counted
from .visitors import is_countable, today, visitor_keys

# KEYS: the visitor, their address's share, the session's total, the pending batch,
# the batches being written.
# ARGV: the repeat-view window, the share (0: none), 1 to count (0 only to read the
# total), the database's total ('' while unknown), then the pending fields of this
# session: today's first.
COUNT_VIEW = Script(
    None,
    b"""
local total = redis.call('GET', KEYS[3])
if total then
  total = tonumber(total)
else
  if ARGV[4] == '' then return {-1, 0} end
  -- Started from the database's total, with what Redis holds that it has not written.
  total = tonumber(ARGV[4])
  local holders = redis.call('ZRANGE', KEYS[5], 0, -1)
  table.insert(holders, KEYS[4])
  for _, holder in ipairs(holders) do
    for field = 5, #ARGV do
      total = total + tonumber(redis.call('HGET', holder, ARGV[field]) or '0')
    end
  end
  redis.call('SET', KEYS[3], total)
end
if ARGV[3] ~= '1' then return {0, total} end
local share = tonumber(ARGV[2])
if share > 0 and tonumber(redis.call('GET', KEYS[2]) or '0') >= share then
  return {0, total}
end
if not redis.call('SET', KEYS[1], 1, 'NX', 'EX', ARGV[1]) then return {0, total} end
if share > 0 and redis.call('INCR', KEYS[2]) == 1 then
  redis.call('EXPIRE', KEYS[2], ARGV[1])
end
redis.call('HINCRBY', KEYS[4], ARGV[5], 1)
return {1, redis.call('INCR', KEYS[3])}
""",
)
UNKNOWN_TOTAL = -1


def is_counting_in_redis() -> bool:
    return settings.CATALOGUE_VIEWS_IN_REDIS


def redis_client():
    """The Redis connection of the visitors cache (which raises when Redis fails)."""
    return caches["visitors"].client.get_client(write=True)


def key(name: str) -> str:
    """`name` under the visitors cache's prefix, as the cache itself names keys."""
    return caches["visitors"].make_key(name)


def total_name(session_pk: int) -> str:
    return f"views:total:{session_pk}"


def total_key(session_pk: int) -> str:
    return key(total_name(session_pk))


PENDING = "views:pending"
CLAIMS = "views:claims"


def pending_field(session_pk: int, day: datetime.date) -> str:
    return f"{session_pk}:{day.isoformat()}"


def count_in_redis(request: HttpRequest, session: CountableSession) -> Counted:
    """Count this request as a view of `session` if it is one, in one round trip; the
    live total either way. Raises RedisError when Redis fails."""
    window = settings.CATALOGUE_REPEAT_VIEW_WINDOW
    share = settings.CATALOGUE_VIEWS_PER_ADDRESS
    visitors = caches["visitors"]
    day = today()
    seen, address = visitor_keys(request, session, window, day)
    keys = [
        visitors.make_key(name) for name in (seen, address, total_name(session.pk), PENDING, CLAIMS)
    ]
    yesterday = day - datetime.timedelta(days=1)
    fields = [pending_field(session.pk, day), pending_field(session.pk, yesterday)]
    countable = "1" if is_countable(request) else "0"
    client = visitors.client.get_client(write=True)
    counted, total = COUNT_VIEW(keys, [window, share, countable, "", *fields], client=client)
    if counted == UNKNOWN_TOTAL:
        # Not in Redis yet (or Redis lost it): started from the database's.
        in_database = _total_in_database(session)
        counted, total = COUNT_VIEW(
            keys, [window, share, countable, in_database, *fields], client=client
        )
    return Counted(counted=bool(counted), total=total)


def _total_in_database(session: CountableSession) -> int:
    totals = Session.objects.filter(pk=session.pk).values_list("views", flat=True)
    return next(iter(totals), 0)
