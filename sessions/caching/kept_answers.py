"""Answering kept pages from the top of the middleware stack.

A page kept for anonymous visitors (`page_cache`) is the same for every visitor who
asks for it the same way, and so is all that the middleware below adds to it: the
security headers, the CSP, `Vary`, `Content-Language`, the compression. So each process
keeps the first such answer whole, as it leaves the stack, and answers the same request
from here before the rest of the stack runs, as Django's own cache middleware does:
no session, CSRF, locale, URL resolving or compression work, only the conditional GET.

"The same way" is everything the stack's answer can depend on for an anonymous visitor:
the scheme (plain HTTP is redirected, never kept), the host (checked against
ALLOWED_HOSTS as usual), the path and query string, the interface language as the
locale middleware would choose it, and whether the client takes gzip; and the answer
must be of the catalogue's current version, read only for a request that has one kept
(so other pages cost no query more), and read once for the whole request. Requests
with a session cookie (editors) always go through the stack.

A view opts in by calling `keep_answer(request, ...)`: the page cache for every kept
page, and the session page with a `finish` that counts the view and fills in the live
parts for each request (`sessions.browsing.views`), its compression done here.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils import translation
from django.utils.cache import get_conditional_response

from igf_catalogue.languages import language_of

from .recently_kept import RecentlyKept
from .version import catalogue_version, reading_one_version

logger = logging.getLogger(__name__)

# The answers made here (a session page's) are compressed as the stack would.
_gzip = GZipMiddleware(lambda request: None)
# Cookies that make a page someone's own: a signed-in editor's session, and messages
# waiting to be shown (after signing out, say).
PERSONAL_COOKIES = {settings.SESSION_COOKIE_NAME, "messages"}
# Answers kept per process: the busiest pages in each language.
KEPT_ANSWERS = 256
# Headers a finished answer makes anew for each request.
PER_REQUEST_HEADERS = {"content-length", "content-encoding", "etag", "x-view-counted"}


@dataclass
class KeptAnswer:
    version: int
    content: bytes
    headers: list[tuple[str, str]]
    rendered_at: int
    # For a page with live parts: makes each request's content and headers from the
    # kept headers and `extra` (`content` is then unused).
    finish: Callable[[HttpRequest, "KeptAnswer"], HttpResponse] | None = None
    extra: dict = field(default_factory=dict)

    @property
    def kept_at(self) -> int:
        return self.rendered_at


def keep_answer(
    request: HttpRequest,
    *,
    version: int,
    rendered_at: int,
    finish: Callable[[HttpRequest, KeptAnswer], HttpResponse] | None = None,
    extra: dict | None = None,
) -> None:
    """Let the answer to this request be kept and given to the next ones asking the
    same way, until `rendered_at` plus the page cache's time. With `finish`, `extra`
    holds what it starts from each time (the stack's answer only gives the headers)."""
    request._keep_answer = KeptAnswer(
        version=version,
        content=b"",
        headers=[],
        rendered_at=rendered_at,
        finish=finish,
        extra=extra or {},
    )


# The answers this process keeps, the least recently used dropped first.
_kept = RecentlyKept(size=KEPT_ANSWERS)


def forget_kept_answers() -> None:
    _kept.items.clear()


def answer_key(request: HttpRequest) -> str | None:
    """How this request asks for its page (but for the version); None if it is not to be
    answered from here."""
    if request.method != "GET" or not PERSONAL_COOKIES.isdisjoint(request.COOKIES):
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None  # the stack says so
    # Read once, where Django keeps it: the locale middleware below sets the same again
    # if the request goes on down the stack.
    request.LANGUAGE_CODE = language = language_of(request)
    gzip = bool(re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")))
    return f"{request.scheme}\n{host}\n{request.get_full_path()}\n{language}\n{gzip:d}"


def answer(request: HttpRequest, kept: KeptAnswer) -> HttpResponse:
    if kept.finish is not None:
        with translation.override(request.LANGUAGE_CODE):  # as answer_key read it
            response = kept.finish(request, kept)
        return _gzip.process_response(request, response)
    response = HttpResponse(kept.content, headers=kept.headers)
    return get_conditional_response(
        request,
        etag=response.headers.get("ETag"),
        last_modified=kept.rendered_at,
        response=response,
    )


def _answered(request: HttpRequest, kept: KeptAnswer) -> HttpResponse | None:
    """The kept answer for this request, if it is of the current version; None if it
    is not, or if anything fails (the database away while counting a view, say): the
    stack then answers, its error pages carrying every header they must."""
    try:
        if kept.version == catalogue_version():
            return answer(request, kept)
    except Exception:
        logger.debug("Answered by the whole stack instead", exc_info=True)
    return None


def _keepable(response: HttpResponse) -> bool:
    return response.status_code == 200 and not response.streaming and not response.cookies


class KeptAnswerMiddleware:
    """Put near the top of MIDDLEWARE: above everything that adds to a page's answer
    (security headers, CSP, compression), below what must see every request (health
    probes, the request log)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = answer_key(request)
        if key is not None and (kept := _kept.get(key)) is not None:
            with reading_one_version():
                response = _answered(request, kept) or self.get_response(request)
        else:
            response = self.get_response(request)
        to_keep = getattr(request, "_keep_answer", None)
        if key is None or to_keep is None or not _keepable(response):
            return response
        if to_keep.finish is None:
            to_keep.content = response.content
            to_keep.headers = list(response.items())
        else:
            to_keep.headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in PER_REQUEST_HEADERS
            ]
        _kept.keep(key, to_keep)
        return response
