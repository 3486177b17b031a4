"""Counting a session's views (DESIGN.md, "Counting views").

A view is written atomically: the session's total with one UPDATE and today's row
with one upsert, so concurrent views are never lost. Visitors are recognised for 30
minutes by a salted hash kept in a cache shared by every worker and host; there is
no cookie, no server-side session and nothing personal stored.
"""

import hashlib
import hmac
import re

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from .models import DailyViews, Session

BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|archiver|fetch|scrape|preview|monitor|checker"
    r"|lighthouse|python-|curl|wget|httpie|libwww|java/|okhttp|go-http|axios|node-fetch",
    re.IGNORECASE,
)


def is_countable(request: HttpRequest) -> bool:
    """A GET by a person's browser: not HEAD, not a prefetch, not a bot."""
    if request.method != "GET":
        return False
    purpose = request.headers.get("Sec-Purpose", "") + request.headers.get("Purpose", "")
    if "prefetch" in purpose or "prerender" in purpose:
        return False
    if request.headers.get("X-Moz", "").lower() == "prefetch":
        return False
    user_agent = request.headers.get("User-Agent", "")
    return bool(user_agent) and not BOT_USER_AGENT.search(user_agent)


def client_address(request: HttpRequest) -> str:
    # Behind a proxy, trust only what settings say the proxy sets.
    header = getattr(settings, "CATALOGUE_CLIENT_IP_HEADER", "")
    if header and (forwarded := request.META.get(header)):
        return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def visitor_fingerprint(request: HttpRequest, session: Session) -> str:
    """A hash that recognises one visitor viewing one session today, and nothing else."""
    today = timezone.now().date().isoformat()
    daily_salt = hmac.new(settings.SECRET_KEY.encode(), today.encode(), hashlib.sha256).digest()
    visitor = "\n".join(
        [client_address(request), request.headers.get("User-Agent", ""), str(session.pk)]
    )
    return hmac.new(daily_salt, visitor.encode(), hashlib.sha256).hexdigest()


def is_first_view_in_window(request: HttpRequest, session: Session) -> bool:
    # `add` only succeeds for a key not already there, atomically in every backend.
    return caches["visitors"].add(
        f"seen:{visitor_fingerprint(request, session)}",
        1,
        timeout=settings.CATALOGUE_REPEAT_VIEW_WINDOW,
    )


def record_view(session: Session) -> int:
    """Add one view to `session`'s total and to today's row; return the new total."""
    table = Session._meta.db_table
    daily_table = DailyViews._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET views = views + 1 WHERE id = %s RETURNING views",
            [session.pk],
        )
        row = cursor.fetchone()
        cursor.execute(
            f"INSERT INTO {daily_table} (session_id, day, views) VALUES (%s, %s, 1) "
            f"ON CONFLICT (session_id, day) DO UPDATE SET views = {daily_table}.views + 1",
            [session.pk, timezone.now().date()],
        )
    return row[0] if row else session.views


def count_view(request: HttpRequest, session: Session) -> int:
    """Count this request as a view of `session` if it is one; return the count to show."""
    if session.is_published and is_countable(request) and is_first_view_in_window(request, session):
        session.views = record_view(session)
    return session.views
