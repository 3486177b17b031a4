"""Keeping a page with holes for its live parts, and filling them in for each request.

A session page is the same for every visitor but for what changes with each view: its
view count (in words, and as a number in the JSON-LD block) and its chart of views per
month. It is rendered once per catalogue version with a mark in each of those places,
and kept; each request fills the marks in with its own figures, three byte replacements
where rendering the page again would take milliseconds. Nothing outside this module
knows the marks: the template is given `HOLES` in place of the live parts, and
`filled()` puts each request's `LiveParts` in their place.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.http import HttpRequest, HttpResponse
from django.utils.safestring import mark_safe

from .page_cache import CachedPage, is_cacheable_response, keep_page, kept_page, rendering_alone


@dataclass(frozen=True)
class LiveParts:
    """What a kept page shows that changes with every request, as its template uses it."""

    view_count: int  # a number, written as is in the page's JSON-LD
    views_line: str  # HTML: "1,234 views"
    views_chart: str  # HTML: the chart of views per month

    def as_context(self) -> dict[str, object]:
        return asdict(self)


# Marks no content holds: private-use characters no text is imported with (the search's
# snippets use others), and a count no session can have.
HOLES = LiveParts(
    view_count=-7_345_619,
    views_line=mark_safe("\ue010views-line\ue011"),
    views_chart=mark_safe("\ue010views-chart\ue011"),
)
_JSON_VIEW_COUNT = '"userInteractionCount": {}'


def kept_with_holes(
    request: HttpRequest, key: str, render: Callable[[dict], tuple[HttpResponse, dict]]
) -> tuple[CachedPage, bool]:
    """The page kept under `key`, and whether this request rendered it.

    When it is missing, `render(context)` renders it with `HOLES` in the context (one
    request renders while the others asking for it wait: `rendering_alone`) and returns
    the response with what finishing the page needs, kept as the page's `extra`.
    """
    page = kept_page(key)
    if page is not None:
        return page, False
    with rendering_alone(key) as page:
        if page is not None:
            return page, False
        response, extra = render(HOLES.as_context())
        page = CachedPage(content=response.content, headers=dict(response.items()), extra=extra)
        if is_cacheable_response(request, response):
            keep_page(key, page)
        return page, True


def filled(content: bytes, parts: LiveParts) -> bytes:
    """`content`, kept with `HOLES`, with this request's `parts` in their place."""
    return (
        content.replace(
            _JSON_VIEW_COUNT.format(HOLES.view_count).encode(),
            _JSON_VIEW_COUNT.format(parts.view_count).encode(),
        )
        .replace(HOLES.views_line.encode(), parts.views_line.encode())
        .replace(HOLES.views_chart.encode(), parts.views_chart.encode())
    )
