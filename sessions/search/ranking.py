"""A page of search results in order of relevance on PostgreSQL, read in two parts.

Relevance is `rank_vector`'s rank (sessions.search.matching): a session holding every
word searched for in its title, tags or speakers ranks by how well they match there; any
other match ranks 0, and among those the most viewed come first. Ordering every match
by that one expression read all of them, 10,000 of 100,000 sessions for two common
words. Read in two parts, each is short: the sessions named by every word (a few
hundred, found by intersecting two GIN indexes), and the others in order of views,
which PostgreSQL reads down the index on views, stopping at the page's end. The page
is the first of the two, merged, in the same order as the one expression gave.
"""

from decimal import Decimal

from django.db.models import DecimalField, QuerySet, Value

from sessions.models import Session

from .matching import matching, rank
from .vectors import is_postgresql

ORDER = ("-rank", "-views", "-date", "-id")


class RankedKeys:
    """The keys of `sessions` (already matched by `text`) in order of relevance, for a
    paginator: sliced, it reads that slice only; its count is the caller's to give."""

    def __init__(self, sessions: QuerySet[Session], text: str):
        self.sessions = sessions.order_by()
        self.text = text

    def __getitem__(self, page: slice) -> list[int]:
        start, stop = page.start or 0, page.stop
        if stop <= start:  # the one page of an empty list
            return []
        named_by_every_word = matching(self.text, "rank_vector")
        columns = ("id", "rank", "views", "date")
        named = (
            self.sessions.filter(named_by_every_word)
            .annotate(rank=rank(self.text))
            .order_by(*ORDER)
            .values_list(*columns)[:stop]
        )
        others = (
            self.sessions.exclude(named_by_every_word)
            .annotate(rank=Value(Decimal(0), output_field=DecimalField()))
            .order_by(*ORDER[1:])
            .values_list(*columns)[:stop]
        )
        merged = named.union(others, all=True).order_by(*ORDER)[start:stop]
        return [row[0] for row in merged]


def result_keys(sessions: QuerySet[Session], text: str, *, by_relevance: bool):
    """The keys of `sessions`, matched by `text`, in their order, for a paginator: in two
    parts when in order of relevance on PostgreSQL (see the module's docstring)."""
    if by_relevance and sessions.db and is_postgresql(sessions.db):
        return RankedKeys(sessions, text)
    return sessions.values_list("pk", flat=True)
