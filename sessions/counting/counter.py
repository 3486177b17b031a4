"""Counting a session's views (DESIGN.md, "Counting views").

A view is written atomically: the session's total with one UPDATE and today's row
with one upsert, in one statement on PostgreSQL, so concurrent views are never lost.
Visitors are recognised for 30 minutes by a salted hash kept in a cache shared by every
worker and host; there is no cookie, no server-side session and nothing personal stored.
"""

import datetime
import hashlib
import hmac
import logging
import re

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from sessions.models import DailyViews, Session

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


def client_address(request: HttpRequest) -> str:
    """The visitor's address; behind a proxy, the one the proxy says it saw.

    With CATALOGUE_CLIENT_IP_HEADER set (e.g. "HTTP_X_FORWARDED_FOR"), the last
    address in that header is used: it is the one our own proxy appended. Those
    before it come from the client and could be anything.
    """
    header = getattr(settings, "CATALOGUE_CLIENT_IP_HEADER", "")
    if header and (forwarded := request.META.get(header, "").strip()):
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def today() -> datetime.date:
    """The day views are counted under and the visitor salt belongs to."""
    return timezone.localdate()


def visitor_fingerprint(
    request: HttpRequest, session: Session, *, day: datetime.date | None = None
) -> str:
    """A hash that recognises one visitor viewing one session on `day` (today), and nothing else.

    The salt is derived from the secret key and the day, so the same visitor gets an
    unrelated hash the next day, and the hash cannot be linked back to them without
    the secret key.
    """
    day = day or today()
    daily_salt = hmac.new(
        settings.SECRET_KEY.encode(), day.isoformat().encode(), hashlib.sha256
    ).digest()
    visitor = "\n".join(
        [client_address(request), request.headers.get("User-Agent", ""), str(session.pk)]
    )
    return hmac.new(daily_salt, visitor.encode(), hashlib.sha256).hexdigest()


def visitor_cache_key(request: HttpRequest, session: Session) -> str:
    return f"seen:{visitor_fingerprint(request, session)}"


def is_first_view_in_window(request: HttpRequest, session: Session) -> bool:
    """Remember this visitor for the repeat-view window; False if they were already known.

    `add` only succeeds for a key not already there, atomically in every shared
    backend. If the cache cannot be reached the view is not counted, but the page is
    still served.
    """
    try:
        return caches["visitors"].add(
            visitor_cache_key(request, session),
            1,
            timeout=settings.CATALOGUE_REPEAT_VIEW_WINDOW,
        )
    except Exception:
        logger.warning(
            "Visitor cache unavailable; view of session %s not counted", session.pk, exc_info=True
        )
        return False


def record_view(session: Session) -> int:
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
    # SQLite (3.35 or later) has no writes in WITH: two statements in a transaction.
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


def count_view(request: HttpRequest, session: Session) -> int:
    """Count this request as a view of `session` if it is one; return the count to show."""
    if session.is_published and is_countable(request) and is_first_view_in_window(request, session):
        session.views = record_view(session)
    return session.views
