"""Caching the public pages for anonymous visitors, keyed by the catalogue's version.

Every page an anonymous visitor sees is the same for every anonymous visitor (in one
language, on one host), so it is rendered once and kept in the default cache. Its key
holds the catalogue's version (`version`), so an edit shows at once on every worker and
host and no list of keys is ever kept; with a shared cache (Redis) reading the version
costs no query and, most of the time, no round trip either. A page missing from the
cache is rendered by one request while the others asking for it wait for that rendering.

What changes without a new version (view counts, the week's most viewed, a session's
chart of views per month) may be up to CATALOGUE_PAGE_CACHE_SECONDS old. Editors, signed
in, always get a fresh page.

Pages answer conditional requests: the ETag names the cached rendering, Last-Modified
is when it was rendered, and a client that holds it gets 304 Not Modified.
"""

import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import wraps
from hashlib import md5
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.functional import cached_property
from django.utils.http import http_date

from .kept_answers import keep_answer
from .recently_kept import RecentlyKept
from .version import catalogue_version, reading_one_version

T = TypeVar("T")


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
            version = catalogue_version()
            key = page_key(request, version)
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
        keep_answer(request, version=version, rendered_at=page.rendered_at)
        return finish(
            request, response, etag=etag_for(key, page.rendered_at), rendered_at=page.rendered_at
        )

    return cached_view
