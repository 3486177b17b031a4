"""Caching the public pages for anonymous visitors, keyed by the catalogue's version.

Every page an anonymous visitor sees is the same for every anonymous visitor (in one
language, on one host), so it is rendered once and kept in the default cache. Its key
holds the catalogue's version, a number that goes up whenever anything public changes
(signals on every catalogue model, and the importer and bulk admin actions, which write
without them): a changed catalogue is read under new keys, so an edit shows at once on
every worker and host and no list of keys is ever kept. The version lives in the
database, which all of them share. With a shared cache (Redis) the cache holds a copy,
moved on with the database's at each commit, so that a cached page costs no query; each
process keeps the number as long as Redis says it has not changed (sessions.tracked_version),
so that it costs no round trip to Redis either. A page missing from the cache is
rendered by one request while the others asking for it wait for that rendering.

What changes without a new version (view counts, the week's most viewed, a session's
chart of views per month) may be up to CATALOGUE_PAGE_CACHE_SECONDS old. Editors, signed
in, always get a fresh page.

Pages answer conditional requests: the ETag names the cached rendering, Last-Modified
is when it was rendered, and a client that holds it gets 304 Not Modified.
"""

import time
from collections import OrderedDict
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial, wraps
from hashlib import md5
from typing import TypeVar

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import F, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.functional import cached_property
from django.utils.http import http_date

from sessions.caching.tracked_version import tracked_key
from sessions.models import CatalogueVersion, DailyViews

T = TypeVar("T")
VERSION_ROW = 1
# The copy of the version kept in a shared cache (CATALOGUE_VERSION_IN_CACHE).
VERSION_CACHE_KEY = "catalogue-version"
# The apps whose models the public pages show.
CATALOGUE_APPS = {"catalogue", "strategies"}
# Written on every view counted, and never shown as such on a cached page.
NOT_PUBLIC_CONTENT = {DailyViews, CatalogueVersion}


# The version


# The version a visitor's request read first: all it reads is read at that version.
_request_version: ContextVar[int | None] = ContextVar("catalogue_request_version", default=None)
_reading_one_version: ContextVar[bool] = ContextVar("catalogue_reading_one_version", default=False)


def catalogue_version(*, using: str = DEFAULT_DB_ALIAS) -> int:
    """The catalogue's current version: from the shared cache when there is one, else
    one query by primary key (none more while the page cache serves one request)."""
    if (version := _request_version.get()) is not None:
        return version
    if settings.CATALOGUE_VERSION_IN_CACHE:
        version = _version_from_cache(using)
    else:
        version = _version_from_database(using)
    if _reading_one_version.get():
        _request_version.set(version)
    return version


def _version_from_database(using: str) -> int:
    numbers = (
        CatalogueVersion.objects.using(using)
        .filter(pk=VERSION_ROW)
        .values_list("number", flat=True)
    )
    return next(iter(numbers), 0)


def _version_from_cache(using: str) -> int:
    tracked = tracked_key(caches[DEFAULT_CACHE_ALIAS], VERSION_CACHE_KEY)
    if tracked is None:
        return _read_version_from_cache(using)
    return tracked.read(partial(_read_version_from_cache, using))


def _read_version_from_cache(using: str) -> int:
    version = cache.get(VERSION_CACHE_KEY)
    if version is None:
        # `add`, not `set`: a bump committed meanwhile has already put a newer number
        # there, and that one must stay.
        version = _version_from_database(using)
        if not cache.add(VERSION_CACHE_KEY, version, timeout=None):
            version = cache.get(VERSION_CACHE_KEY, version)
    return version


def _move_cached_version_on(using: str) -> None:
    """Once a bump is committed, move the cache's copy on with it: each bump adds one
    to both, so they stay equal whatever order the commits of several workers run in."""
    try:
        cache.incr(VERSION_CACHE_KEY)
    except ValueError:
        # Gone from the cache (a restart): put the committed number there, over any
        # older one a reader may have copied just before this commit.
        cache.set(VERSION_CACHE_KEY, _version_from_database(using), timeout=None)


def bump_catalogue_version(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Announce a change now: every page cached before it is read no more."""
    _request_version.set(None)
    updated = (
        CatalogueVersion.objects.using(using).filter(pk=VERSION_ROW).update(number=F("number") + 1)
    )
    if not updated:
        CatalogueVersion.objects.using(using).get_or_create(pk=VERSION_ROW, defaults={"number": 1})
    if settings.CATALOGUE_VERSION_IN_CACHE:
        transaction.on_commit(partial(_move_cached_version_on, using), using=using)


def schedule_version_bump(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Bump the version within the current transaction, so that the new number shows
    exactly when the change it announces does (and goes with it if it rolls back).

    Only editors and imports write the catalogue (counting views does not bump it), so
    the row's lock, held until the commit, never keeps a visitor waiting.
    """
    bump_catalogue_version(using=using)


_bumps_left_to_the_writer: ContextVar[bool] = ContextVar(
    "catalogue_bumps_left_to_the_writer", default=False
)


@contextmanager
def version_bumped_by_the_writer():
    """Within the block, saving and linking bump no version: the writer (the importer,
    saving thousands of sessions in one transaction) bumps it once itself."""
    token = _bumps_left_to_the_writer.set(True)
    try:
        yield
    finally:
        _bumps_left_to_the_writer.reset(token)


def _is_public_content(model) -> bool:
    return model._meta.app_label in CATALOGUE_APPS and model not in NOT_PUBLIC_CONTENT


def _changed(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    if _is_public_content(sender) and not _bumps_left_to_the_writer.get():
        schedule_version_bump(using=using)


def _links_changed(sender, action, using=DEFAULT_DB_ALIAS, **kwargs):
    if (
        action in ("post_add", "post_remove", "post_clear")
        and _is_public_content(sender)
        and not _bumps_left_to_the_writer.get()
    ):
        schedule_version_bump(using=using)


def connect_signals() -> None:
    uid = "catalogue-version-"
    post_save.connect(_changed, dispatch_uid=f"{uid}saved")
    post_delete.connect(_changed, dispatch_uid=f"{uid}deleted")
    m2m_changed.connect(_links_changed, dispatch_uid=f"{uid}links")


def _data_key(name: str) -> str:
    return f"data:{catalogue_version()}:{name}"


@dataclass
class KeptValue:
    """A value kept per catalogue version, with when it was worked out."""

    value: object
    kept_at: int = field(default_factory=lambda: int(time.time()))


def cached_for_version(name: str, compute: Callable[[], T]) -> T:
    """`compute()`, worked out once per catalogue version (and kept as long as a page)."""
    key = _data_key(name)
    kept = _recently_kept.get(key)
    if kept is None:
        kept = cache.get(key)
        if kept is None:
            kept = KeptValue(compute())
            cache.set(key, kept, timeout())
        _recently_kept.keep(key, kept)
    return kept.value


def cached_for_address(request: HttpRequest, compute: Callable[[], T], *, variant: str = "") -> T:
    """`compute()` for this request's address, worked out once per catalogue version
    (keyed by host, address and language, as a page is, and by `variant`)."""
    where = (
        f"{request.get_host()}\n{request.get_full_path()}\n{translation.get_language()}\n{variant}"
    )
    return cached_for_version(
        f"address:{md5(where.encode(), usedforsecurity=False).hexdigest()}", compute
    )


class VersionedCountPaginator(Paginator):
    """A paginator that counts a query's results once per catalogue version.

    Counting every session matching a list's filters reads all of them; the same list
    asked again (another page of it, the API's pages) reads the count from the cache.
    """

    @cached_property
    def count(self) -> int:
        try:
            name = count_name(self.object_list)
        except EmptyResultSet:
            return 0
        if name is None:
            return super().count
        return cached_for_version(name, lambda: super(type(self), self).count)


def count_name(items) -> str | None:
    """What the count of the queryset `items` is kept as; None for anything else."""
    query = getattr(items, "query", None)
    sql = str(query) if query is not None else ""
    if not sql:
        return None
    digest = md5(f"{items.db}\n{sql}".encode(), usedforsecurity=False).hexdigest()
    return f"count:{digest}"


def remember_count(items: QuerySet, count: int) -> None:
    """Keep `count` as the count of `items`, found by a query that read them anyway."""
    try:
        name = count_name(items)
    except EmptyResultSet:
        return
    if name is not None:
        cache.set(_data_key(name), KeptValue(count), timeout())


# Pages


@contextmanager
def reading_one_version():
    """Within the block, the catalogue version is read once and then remembered."""
    tokens = (_request_version.set(None), _reading_one_version.set(True))
    try:
        yield
    finally:
        _request_version.reset(tokens[0])
        _reading_one_version.reset(tokens[1])


def is_cacheable_request(request: HttpRequest) -> bool:
    """A GET or HEAD by an anonymous visitor (reading no session when there is no cookie)."""
    return request.method in ("GET", "HEAD") and not request.user.is_authenticated


def page_key(request: HttpRequest, version: int, *, with_query: bool = True) -> str:
    """The cache key of this page at `version`: host, address, query string and language."""
    address = request.get_full_path() if with_query else request.path
    where = f"{request.get_host()}\n{address}\n{translation.get_language()}"
    return f"page:{version}:{md5(where.encode(), usedforsecurity=False).hexdigest()}"


@dataclass
class CachedPage:
    """A rendered page as kept in the cache: its body, its headers, when it was rendered."""

    content: bytes
    headers: dict[str, str]
    rendered_at: int = field(default_factory=lambda: int(time.time()))
    # Anything else the page needs to finish a response (see the session page).
    extra: dict = field(default_factory=dict)

    @property
    def kept_at(self) -> int:
        return self.rendered_at

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content)
        for name, value in self.headers.items():
            response.headers[name] = value
        return response


class RecentlyKept:
    """The pages and values this process served last, so that a busy page costs no trip
    to a shared cache. Keys hold the catalogue version, so a change is never hidden here
    either; nothing is kept longer than in the shared cache."""

    def __init__(self, size: int = 256):
        self.size = size
        self.items: OrderedDict[str, CachedPage | KeptValue] = OrderedDict()

    def get(self, key: str) -> CachedPage | KeptValue | None:
        item = self.items.get(key)
        if item is None:
            return None
        if item.kept_at + timeout() < time.time():
            self.items.pop(key, None)
            return None
        self.items.move_to_end(key)
        return item

    def keep(self, key: str, item: CachedPage | KeptValue) -> None:
        self.items[key] = item
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)


_recently_kept = RecentlyKept()


def forget_recently_kept() -> None:
    _recently_kept.items.clear()


def kept_page(key: str) -> CachedPage | None:
    """The page kept under `key`: from this process's recent pages, else the shared cache."""
    page = _recently_kept.get(key) or cache.get(key)
    if page is not None:
        _recently_kept.keep(key, page)
    return page


def keep_page(key: str, page: CachedPage) -> None:
    cache.set(key, page, timeout())
    _recently_kept.keep(key, page)


# After an edit every page is missing from the cache, and a busy one is asked for by
# every worker at once: one renders it while the others wait for its rendering, looking
# every RENDER_POLL seconds for RENDER_WAIT seconds at most, then render it themselves.
RENDER_WAIT = 10
RENDER_POLL = 0.02
# Released once rendered; it only expires should the worker die while rendering.
RENDER_LOCK_SECONDS = 30


@contextmanager
def rendering_alone(key: str):
    """For the page `key`, missing from the cache: yields None when this request is to
    render it (and keep it), or the page that another request rendered meanwhile."""
    lock = f"rendering:{key}"
    # False when another request holds the lock; None when the cache failed, and
    # cannot tell: then every request renders, as without a lock.
    if cache.add(lock, 1, timeout=RENDER_LOCK_SECONDS) is False:
        yield _rendered_meanwhile(key, lock)
        return
    try:
        yield None
    finally:
        cache.delete(lock)


def _rendered_meanwhile(key: str, lock: str) -> CachedPage | None:
    deadline = time.monotonic() + RENDER_WAIT
    while time.monotonic() < deadline:
        time.sleep(RENDER_POLL)
        if (page := kept_page(key)) is not None:
            return page
        if not cache.get(lock):
            # Rendered but not kept (an error, a page not to keep), or kept just now.
            return kept_page(key)
    return None


def is_cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    """A whole, successful page that says nothing about one visitor: no cookie set, no
    CSRF token handed out, nothing that asks not to be kept."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in response.get("Cache-Control", "")
        and "no-cache" not in response.get("Cache-Control", "")
    )


def timeout() -> int:
    return settings.CATALOGUE_PAGE_CACHE_SECONDS


def finish(request: HttpRequest, response: HttpResponse, *, etag: str, rendered_at: int):
    """Add the validators to a visitor's page, or answer 304 to a client that holds it."""
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(rendered_at)
    # Browsers may keep it, but ask each time whether it is still current.
    patch_cache_control(response, max_age=0)
    return get_conditional_response(
        request, etag=etag, last_modified=rendered_at, response=response
    )


def etag_for(key: str, rendered_at: int) -> str:
    digest = md5(f"{key}\n{rendered_at}".encode(), usedforsecurity=False).hexdigest()
    return f'"{digest}"'


def cache_page_for_visitors(view):
    """Serve `view` to anonymous visitors from the cache, rendered once per version."""

    @wraps(view)
    def cached_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_cacheable_request(request):
            return view(request, *args, **kwargs)
        with reading_one_version():
            key = page_key(request, catalogue_version())
            page, response = kept_page(key), None
            if page is None:
                with rendering_alone(key) as page:
                    if page is None:
                        response = view(request, *args, **kwargs)
                        if not is_cacheable_response(request, response):
                            return response
                        page = CachedPage(content=response.content, headers=dict(response.items()))
                        keep_page(key, page)
            if response is None:
                response = page.response()
        return finish(
            request, response, etag=etag_for(key, page.rendered_at), rendered_at=page.rendered_at
        )

    return cached_view
