"""Which sessions match what a visitor typed, and how relevant each is.

Full-text search ranked by relevance (each session read in its language, a search in
English, in the interface's language and as plain words: sessions.search.languages;
quotes, OR and -word as a web search engine reads them, never an error): on PostgreSQL
by its vector, on SQLite by an FTS5 table of the same words (sessions.search.on_sqlite).
"""

import operator
import re
from dataclasses import dataclass
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchQueryField, SearchRank
from django.db.models import Case, F, Q, QuerySet, When
from django.db.models.functions import Round

from sessions.models import Session

from . import on_sqlite
from .languages import ENGLISH, other_configs, separated_search
from .vectors import is_postgresql

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
    return queryset.filter(matching(text)).alias(search_rank=rank(text))


# A minus sign that excludes nothing (not before a word or a quote): PostgreSQL 15's
# websearch_to_tsquery fails with "tsquery stack too small" on a run of them.
LONE_MINUS = re.compile(r"-(?![\w\"])")
# Sessions read by the English reading of a search; any other by the other readings.
IN_ENGLISH = Q(search_config=ENGLISH)


def web_search_text(text: str) -> str:
    """`text` as websearch_to_tsquery is to read it: quotes, OR and -word, and no input
    it fails on; Chinese and Japanese characters as phrases of single characters."""
    return separated_search(LONE_MINUS.sub(" ", text))


# A word or a quoted phrase left out: "-privacy", '-"digital divide"'.
EXCLUDED = re.compile(r'(?<!\S)-("[^"]*"?|[^\s"]+)')


def without_exclusions(text: str) -> tuple[str, str]:
    """`text` without the words and phrases it leaves out, and those, as one search of
    any of them: ("internet", "derechos OR \"brecha digital\"")."""
    excluded = [found.group(1) for found in EXCLUDED.finditer(text)]
    return EXCLUDED.sub(" ", text), " OR ".join(excluded)


@dataclass(frozen=True)
class Readings:
    """A search read in English, and in the interface's language and as plain words.

    A session in English is matched by the English reading, any other by the others:
    its vector holds its words stemmed in its language and as they are. Matching every
    session by any reading would find an English session holding "rights" for
    "-rights", which holds no plain word "rights". Among the others, a session is found
    by what either reading asks for and left out by what either leaves out: "-derecho"
    leaves out a Spanish session holding "derechos" (stemmed alike) though its plain
    words hold no "derecho".
    """

    english: SearchQuery
    others: SearchQuery

    @classmethod
    def of(cls, text: str) -> "Readings":
        text = web_search_text(text)
        wanted, excluded = without_exclusions(text)
        configs = other_configs()
        found = reduce(
            operator.or_,
            (SearchQuery(wanted, search_type="websearch", config=c) for c in configs),
        )
        if excluded:
            found = reduce(
                operator.and_,
                (
                    SearchQuery(excluded, search_type="websearch", config=c, invert=True)
                    for c in configs
                ),
                found,
            )
        return cls(SearchQuery(text, search_type="websearch", config=ENGLISH), found)

    def query(self) -> Case:
        """The reading of each session, as SQL."""
        return Case(
            When(IN_ENGLISH, then=self.english),
            default=self.others,
            output_field=SearchQueryField(),
        )


def matching(text: str, vector: str = "search_vector") -> Q:
    """The sessions whose `vector` matches `text`, each by its reading of it."""
    readings = Readings.of(text)
    return (IN_ENGLISH & Q(**{vector: readings.english})) | (
        ~IN_ENGLISH & Q(**{vector: readings.others})
    )


def rank(text: str) -> Round:
    """Each session's relevance to `text` (see `search_sessions`)."""
    return Round(SearchRank(F("rank_vector"), Readings.of(text).query()), RANK_DECIMALS)
