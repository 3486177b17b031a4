"""Writing the views counted in Redis (`in_redis`) to the database, batch by batch.

A writer (`manage.py write_views`) takes the pending views as one batch, renaming the
pending hash so that views counted meanwhile start the next one. It writes the batch
in one statement (every session's total and every day's row, as a view is written
without Redis), which also records the batch as written, and only then lets Redis
forget it. Each view is written exactly once:

- Several writers (hosts): taking a batch is one atomic script, so each takes its own.
- A writer killed mid-batch: the batch stays in Redis, claimed; once the claim is
  LEASE_SECONDS old another writer (or the same one restarted) takes it over.
- A writer slow rather than dead, or killed after its commit but before Redis heard:
  the batch's row in `WrittenViewBatch` makes a second write of it do nothing.
- The database down: the writer keeps its batch and tries it again; visitors' views
  go on being counted in the next one.
"""

import datetime
import logging
import time
import uuid
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from redis.commands.core import Script

from sessions.models import DailyViews, Session, WrittenViewBatch

from .in_redis import CLAIMS, PENDING, key, redis_client

logger = logging.getLogger(__name__)

# Seconds after which a batch still claimed is taken to belong to a writer that died.
# Writing one takes milliseconds; a writer that holds one longer (the database away)
# renews its claim each time it tries again.
LEASE_SECONDS = 10
# How long a written batch is remembered, far longer than any batch waits in Redis.
WRITTEN_BATCHES_KEPT = datetime.timedelta(days=7)

# KEYS: the pending views, the claims, a name for a new batch. ARGV: the lease.
# Returns a batch whose writer's claim ran out (taking it over), else the pending views
# renamed as a new batch, else nothing; and 1 if the batch was taken over.
CLAIM = Script(
    None,
    b"""
local now = tonumber(redis.call('TIME')[1])
local stale = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[1]), 'LIMIT', 0, 1)
if #stale > 0 then
  redis.call('ZADD', KEYS[2], now, stale[1])
  return {stale[1], 1}
end
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('RENAME', KEYS[1], KEYS[3])
redis.call('ZADD', KEYS[2], now, KEYS[3])
return {KEYS[3], 0}
""",
)
# KEYS: the claims, a batch. Renews the claim on the batch, if it is still claimed.
RENEW = Script(
    None,
    b"""
return redis.call('ZADD', KEYS[1], 'XX', 'CH', redis.call('TIME')[1], KEYS[2])
""",
)


@dataclass(frozen=True)
class ViewsOfADay:
    session_pk: int
    day: datetime.date
    views: int


def parse_batch(fields: dict[bytes, bytes]) -> list[ViewsOfADay]:
    """A batch as Redis holds it (`<session>:<day>` to views), sorted by session."""
    views = []
    for name, count in fields.items():
        session_pk, day = name.decode().split(":")
        views.append(ViewsOfADay(int(session_pk), datetime.date.fromisoformat(day), int(count)))
    return sorted(views, key=lambda v: (v.session_pk, v.day))


def write_batch(batch: str, views: list[ViewsOfADay]) -> bool:
    """Add `views` to the sessions' totals and days, and record `batch` as written, in
    one transaction; False if it had been written before (then nothing is written)."""
    quote = connection.ops.quote_name
    sessions, days, written = (
        quote(model._meta.db_table) for model in (Session, DailyViews, WrittenViewBatch)
    )
    key_column = quote("key")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    add_to_day = (
        f"ON CONFLICT (session_id, day) DO UPDATE SET views = {days}.views + excluded.views"
    )
    if connection.vendor == "postgresql":
        # One statement, atomic by itself. A concurrent writer of the same batch waits
        # on its row, then finds it there and writes nothing.
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH batch AS ("
                f"  SELECT * FROM unnest(%s::bigint[], %s::date[], %s::integer[])"
                f"  AS b(session_id, day, views)"
                f"), claimed AS ("
                f"  INSERT INTO {written} ({key_column}, written_at) VALUES (%s, %s)"
                f"  ON CONFLICT DO NOTHING RETURNING {key_column}"
                f"), totals AS ("
                f"  UPDATE {sessions} AS s SET views = s.views + t.views FROM ("
                f"    SELECT session_id, sum(views) AS views FROM batch GROUP BY session_id"
                f"  ) AS t WHERE s.id = t.session_id AND EXISTS (SELECT FROM claimed)"
                f"  RETURNING s.id"
                f"), added AS ("
                f"  INSERT INTO {days} (session_id, day, views)"
                f"  SELECT b.session_id, b.day, b.views"
                f"  FROM batch AS b JOIN totals ON totals.id = b.session_id"
                f"  {add_to_day}"
                f") SELECT count(*) FROM claimed",
                [
                    [v.session_pk for v in views],
                    [v.day for v in views],
                    [v.views for v in views],
                    batch,
                    now,
                ],
            )
            return cursor.fetchone()[0] == 1
    # SQLite has no writes in WITH: statements in a transaction, which takes the write
    # lock as it begins (settings.DATABASES).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {written} ({key_column}, written_at) VALUES (%s, %s) "
            f"ON CONFLICT DO NOTHING RETURNING {key_column}",
            [batch, now],
        )
        if not cursor.fetchall():
            return False
        cursor.executemany(
            f"UPDATE {sessions} SET views = views + %s WHERE id = %s",
            [(v.views, v.session_pk) for v in views],
        )
        cursor.executemany(
            f"INSERT INTO {days} (session_id, day, views) SELECT %s, %s, %s "
            f"WHERE EXISTS (SELECT 1 FROM {sessions} WHERE id = %s) {add_to_day}",
            [(v.session_pk, v.day, v.views, v.session_pk) for v in views],
        )
    return True


@dataclass
class ViewWriter:
    """Moves pending views from Redis to the database (see the module's docstring)."""

    # The batch this writer has claimed and not yet written (kept across failures).
    holding: str | None = None
    pruned_at: float = field(default=float("-inf"))

    def write_pending(self, *, until_empty: bool = False) -> int:
        """Write the batch this writer holds, the batches of writers that died and the
        views pending now (and those counted meanwhile, `until_empty`); the number of
        views written. Raises when Redis or the database fails, keeping its batch."""
        client = redis_client()
        claims = key(CLAIMS)
        written = 0
        while True:
            if self.holding is not None:
                RENEW([claims, self.holding], client=client)
                go_on = True  # to the views pending now
            else:
                claimed = CLAIM(
                    [key(PENDING), claims, key(f"views:batch:{uuid.uuid4().hex}")],
                    [LEASE_SECONDS],
                    client=client,
                )
                if claimed is None:
                    break
                # A batch taken over is not the pending views: go on to those.
                self.holding, go_on = claimed[0].decode(), bool(claimed[1])
            written += self._write(client, self.holding)
            self.holding = None
            if not (go_on or until_empty):
                break
        self._prune_now_and_then()
        return written

    def _write(self, client, batch: str) -> int:
        views = parse_batch(client.hgetall(batch))
        if views and write_batch(batch, views):
            count = sum(v.views for v in views)
            logger.debug("Wrote %s views of %s sessions", count, len({v.session_pk for v in views}))
        else:
            count = 0
        # Forgotten only once the database holds it.
        pipeline = client.pipeline(transaction=True)
        pipeline.zrem(key(CLAIMS), batch)
        pipeline.delete(batch)
        pipeline.execute()
        return count

    def _prune_now_and_then(self) -> None:
        if time.monotonic() - self.pruned_at < 3600:
            return
        self.pruned_at = time.monotonic()
        before = connection.ops.adapt_datetimefield_value(timezone.now() - WRITTEN_BATCHES_KEPT)
        table = connection.ops.quote_name(WrittenViewBatch._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE written_at < %s", [before])
