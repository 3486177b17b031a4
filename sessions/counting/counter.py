"""Counting a session's view (DESIGN.md, "Counting views").

With REDIS_URL a view is counted in Redis (`in_redis`) and written with others in a
batch (`batches`). Without it, or while Redis fails, it is written to the database at
once and atomically: the session's total with one UPDATE and today's row with one
upsert, in one statement on PostgreSQL, so concurrent views are never lost.
"""

import logging

from django.db import connection, transaction
from django.http import HttpRequest
from redis.exceptions import RedisError

from sessions.models import DailyViews, Session

from .counted import CountableSession, Counted
from .in_redis import count_in_redis, is_counting_in_redis
from .visitors import is_countable, is_first_view_in_window, today

logger = logging.getLogger(__name__)


def record_view(session: CountableSession) -> int:
    """Add one view to `session`'s total and to today's row; return the new total."""
    quote = connection.ops.quote_name
    table = quote(Session._meta.db_table)
    daily_table = quote(DailyViews._meta.db_table)
    # Django's upsert (bulk_create with update_conflicts) can only overwrite a
    # value, not add to it, so the statements are written out.
    add_to_today = (
        f"INSERT INTO {daily_table} (session_id, day, views) {{rows}} "
        f"ON CONFLICT (session_id, day) DO UPDATE SET views = {daily_table}.views + 1"
    )
    if connection.vendor == "postgresql":
        # Both writes in one statement: one round trip, atomic by itself.
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH counted AS ("
                f"UPDATE {table} SET views = views + 1 WHERE id = %s RETURNING id, views"
                f"), today AS ({add_to_today.format(rows='SELECT id, %s, 1 FROM counted')}) "
                f"SELECT views FROM counted",
                [session.pk, today()],
            )
            row = cursor.fetchone()
        return session.views if row is None else row[0]  # None: deleted meanwhile
    # SQLite (3.35 or later) has no writes in WITH: two statements in a transaction,
    # which takes the write lock as it begins, or waits for it (settings.DATABASES).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET views = views + 1 WHERE id = %s RETURNING views",
            [session.pk],
        )
        row = cursor.fetchone()
        if row is None:  # deleted meanwhile: nothing to count
            return session.views
        cursor.execute(add_to_today.format(rows="VALUES (%s, %s, 1)"), [session.pk, today()])
    return row[0]


def count_view(request: HttpRequest, session: CountableSession) -> Counted:
    """Count this request as a view of `session` if it is one; return the count to show
    (with Redis the live one, else `session.views` unless this view was counted)."""
    if not session.is_published:
        return Counted(counted=False, total=session.views)
    if is_counting_in_redis():
        try:
            return count_in_redis(request, session)
        except RedisError as error:
            logger.warning("Views are written to the database meanwhile", exc_info=error)
    if is_countable(request) and is_first_view_in_window(request, session):
        session.views = record_view(session)
        return Counted(counted=True, total=session.views)
    return Counted(counted=False, total=session.views)
