"""Searching sessions: `q` on the session list (DESIGN.md, "Search").

`vectors` keeps each session's words (PostgreSQL's vectors; on SQLite, through
`on_sqlite`, an FTS5 table, whose query syntax `fts5_query` writes), `matching` filters
and ranks a list by what a visitor typed, `ranking` reads a page of PostgreSQL's results
in order of relevance, `snippets` marks the words matched on a page of results. It uses
`sessions.models` and nothing else of `sessions`.
"""

from .matching import search_sessions
from .snippets import START_MARK, STOP_MARK, add_snippets, marked_snippet
from .vectors import (
    REFRESH_BATCH,
    connect_signals,
    is_postgresql,
    refresh_all_search_vectors,
    refresh_search_vectors,
    schedule_refresh,
    sessions_refreshed_by_the_writer,
)

__all__ = [
    "REFRESH_BATCH",
    "START_MARK",
    "STOP_MARK",
    "add_snippets",
    "connect_signals",
    "is_postgresql",
    "marked_snippet",
    "refresh_all_search_vectors",
    "refresh_search_vectors",
    "schedule_refresh",
    "search_sessions",
    "sessions_refreshed_by_the_writer",
]
