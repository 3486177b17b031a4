"""Which sessions match what a visitor typed, and how relevant each is.

Full-text search ranked by relevance on PostgreSQL (English stemming; quotes, OR and
-word as a web search engine reads them, never an error), and on SQLite, which has no
vector, a plain match of every word anywhere in the same fields.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Round

from sessions.models import Participant, Session, Tag, Transcript

from .vectors import CONFIG, is_postgresql

# The SQLite fallback matches at most this many words of a search.
MAX_FALLBACK_WORDS = 10
# Relevance is compared to this many decimals (see search_sessions).
RANK_DECIMALS = 2


def search_sessions(queryset: QuerySet[Session], text: str) -> QuerySet[Session]:
    """The sessions of `queryset` that match `text`.

    On PostgreSQL `search_rank` is each one's relevance, rounded: ts_rank
    comes very close to 1 for every strong match (the words together in the title, say),
    and the differences left between those are noise, so sessions that close count as
    equally relevant (the list then shows the most viewed first). On SQLite the sessions
    are those holding every word of `text` (see `matching_every_word`).

    The rank is an alias, to order by, not a column: ranking reads each match's whole
    vector, so it is worked out only when the list is in order of relevance.
    """
    if not is_postgresql(queryset.db):
        return matching_every_word(queryset, text)
    query = web_search_query(text)
    return queryset.filter(search_vector=query).alias(
        search_rank=Round(SearchRank(F("search_vector"), query), RANK_DECIMALS)
    )


def web_search_query(text: str) -> SearchQuery:
    # websearch_to_tsquery reads quotes, OR and -word, and never fails on any input.
    return SearchQuery(text, search_type="websearch", config=CONFIG)


def search_words(text: str) -> list[str]:
    """The words of `text` without the punctuation around them, first ones only."""
    words = (re.sub(r"^\W+|\W+$", "", word) for word in text.split())
    return list(dict.fromkeys(word for word in words if word))[:MAX_FALLBACK_WORDS]


def matching_every_word(queryset: QuerySet[Session], text: str) -> QuerySet[Session]:
    """Sessions holding every word of `text` (case-insensitively, as a part of a word or
    not) in the title, description, session report, tag names, speaker names or
    organisations, or a transcript. Plain ORM lookups, so it works on every database;
    each session once. Text without a word (punctuation only) matches nothing, as on
    PostgreSQL."""
    words = search_words(text)
    if not words:
        return queryset.none()
    for word in words:
        # Descriptions are stored as HTML, where "&" is written "&amp;".
        in_html = word.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        queryset = queryset.filter(
            Q(title__icontains=word)
            | Q(description__icontains=in_html)
            | Q(report_summary__icontains=in_html)
            | Q(key_takeaways__icontains=in_html)
            | Q(calls_to_action__icontains=in_html)
            | Exists(Tag.objects.filter(sessions=OuterRef("pk"), name__icontains=word))
            | Exists(
                Participant.objects.filter(session=OuterRef("pk")).filter(
                    Q(speaker__name__icontains=word) | Q(speaker__organisation__icontains=word)
                )
            )
            | Exists(Transcript.objects.filter(session=OuterRef("pk"), text__icontains=word))
        )
    return queryset
