"""Paginating the public lists; both apps use it, so it sits below them."""

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.module_loading import import_string


def paginator_class() -> type[Paginator]:
    """CATALOGUE_PAGINATOR: Django's, or one that keeps its counts (see the settings)."""
    return import_string(settings.CATALOGUE_PAGINATOR)


def paginate(
    request: HttpRequest,
    items: QuerySet,
    *,
    per_page: int | None = None,
    count: int | None = None,
    count_is_estimated: bool = False,
) -> Page:
    """The page of `items` that `?page=` asks for, never an error.

    Anything not a page number ("abc", "1.5", "") gives the first page and a number
    past the end the last. The page carries `elided_page_range` for its links, and
    `count_is_estimated`. `count`, when the caller knows it, spares counting the items.
    """
    paginator = paginator_class()(items, per_page or settings.CATALOGUE_SESSIONS_PER_PAGE)
    if count is not None:
        paginator.count = count  # a cached property: set, it is not worked out
    page = paginator.get_page(request.GET.get("page"))
    page.count_is_estimated = count_is_estimated
    page.elided_page_range = list(
        paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    )
    return page
