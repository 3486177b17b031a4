"""Which sessions match what a visitor typed, and how relevant each is.

Full-text search ranked by relevance (English stemming; quotes, OR and -word as a web
search engine reads them, never an error): on PostgreSQL by its vector, on SQLite by an
FTS5 table of the same words (sessions.search.on_sqlite).
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, QuerySet
from django.db.models.functions import Round

from sessions.models import Session

from . import on_sqlite
from .vectors import CONFIG, is_postgresql

# Relevance is compared to this many decimals (see search_sessions).
RANK_DECIMALS = 2


def search_sessions(queryset: QuerySet[Session], text: str) -> QuerySet[Session]:
    """The sessions of `queryset` that match `text`.

    On PostgreSQL `search_rank` is each one's relevance, rounded: ts_rank
    comes very close to 1 for every strong match (the words together in the title, say),
    and the differences left between those are noise, so sessions that close count as
    equally relevant (the list then shows the most viewed first). On SQLite the sessions
    are found by their FTS5 row, ranked by where they match (see `on_sqlite.search`).

    The rank is an alias, to order by, not a column, worked out only when the list is in
    order of relevance; and it is read from the small vector of the title, tags and
    speakers (`rank_vector`), kept in the row. Ranking on the whole vector fetched and
    decompressed every match's transcripts: 90 ms of a search matching 10,000 of 100,000
    sessions, against 12 ms. So a session found by its title, tags or speakers comes
    first, best first, and those found only in their description, report or transcripts
    follow, most viewed first.
    """
    if not is_postgresql(queryset.db):
        return on_sqlite.search(queryset, text)
    query = web_search_query(text)
    return queryset.filter(search_vector=query).alias(
        search_rank=Round(SearchRank(F("rank_vector"), query), RANK_DECIMALS)
    )


# A minus sign that excludes nothing (not before a word or a quote): PostgreSQL 15's
# websearch_to_tsquery fails with "tsquery stack too small" on a run of them.
LONE_MINUS = re.compile(r"-(?![\w\"])")


def web_search_text(text: str) -> str:
    """`text` as websearch_to_tsquery is to read it: quotes, OR and -word, and no input
    it fails on."""
    return LONE_MINUS.sub(" ", text)


def web_search_query(text: str) -> SearchQuery:
    return SearchQuery(web_search_text(text), search_type="websearch", config=CONFIG)
