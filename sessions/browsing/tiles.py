"""Session tiles kept rendered: a page of search results is twenty tiles, the same for
every search that finds them, so each is rendered once per catalogue version and
language, with a hole where its snippet goes, and the twenty are read in one cache
round trip. Only the sessions whose tiles are missing are read from the database.
Reading and rendering them was a third of a search's time in Python.
"""

import re

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from sessions.caching.page_cache import timeout
from sessions.caching.version import catalogue_version
from sessions.models import Session
from sessions.search import add_snippets

from .selectors import sessions_for_tiles

TILE_TEMPLATE = "sessions/_session_tile.html"
# Where a kept tile's snippet goes: a character of Unicode's private use area, which
# nothing escaped from a title or a label can hold.
SNIPPET_HOLE = "\ue002"
EMPTY_SNIPPET = re.compile(f'<p class="snippet"[^>]*>{SNIPPET_HOLE}</p>')


def search_results(pks: list[int], text: str) -> list[Session]:
    """The sessions `pks`, in order, each with its `tile`: rendered, and marked with
    where it matches `text`. A session whose tile was kept is only its key."""
    prefix = f"tile:{catalogue_version()}:{translation.get_language()}:"
    keys = {pk: f"{prefix}{pk}" for pk in pks}
    kept = cache.get_many(list(keys.values()))
    read = {
        session.pk: session
        for session in sessions_for_tiles([pk for pk in pks if keys[pk] not in kept])
    }
    # A session unpublished since its key was read has neither: it is left out.
    results = [read.get(pk) or Session(pk=pk) for pk in pks if pk in read or keys[pk] in kept]
    add_snippets(results, text)
    rendered = {}
    for session in results:
        key = keys[session.pk]
        tile = kept.get(key)
        if tile is None:
            tile = rendered[key] = render_to_string(
                TILE_TEMPLATE, {"session": session, "snippet_hole": SNIPPET_HOLE}
            )
        session.tile = _with_snippet(tile, getattr(session, "search_snippet", ""))
    if rendered:
        cache.set_many(rendered, timeout())
    return results


def _with_snippet(tile: str, snippet: str) -> SafeString:
    """The kept `tile` with `snippet` in its snippet's paragraph, or without the paragraph
    when the session matches nowhere a snippet is taken from."""
    if not snippet:
        return mark_safe(EMPTY_SNIPPET.sub("", tile))
    return mark_safe(tile.replace(SNIPPET_HOLE, conditional_escape(snippet)))
