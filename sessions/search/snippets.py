"""Snippets: a short extract of each session on a page of results, the words matched
in <mark> (on SQLite from its FTS5 table, see sessions.search.on_sqlite)."""

import html
import re
from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from sessions.models import Session

from . import on_sqlite
from .languages import (
    SEPARATED_SQL_REPLACEMENT,
    SEPARATOR,
    UNSPACED_SQL_PATTERN,
    interface_config,
    other_configs,
)
from .matching import web_search_text, without_exclusions
from .vectors import is_postgresql

# Marks around matched words in a headline: characters from Unicode's private use area,
# which no description or transcript is expected to hold, and which are replaced by
# <mark> only after the text around them has been escaped.
START_MARK = "\ue000"
STOP_MARK = "\ue001"
MARKS = re.compile(f"({START_MARK}|{STOP_MARK})")
WHITESPACE = re.compile(r"\s+")
SNIPPET_WORDS = {"max_words": 30, "min_words": 12, "max_fragments": 2}
FRAGMENT_DELIMITER = " … "
# Transcripts are long, and parsing them is what a snippet costs most: the snippet is
# taken from a window of this many characters, starting a little before the first place
# a word searched for appears (or at the start).
SNIPPET_WINDOW = 2_000
SNIPPET_LEAD = 300


def add_snippets(sessions: Sequence[Session], text: str) -> None:
    """Give each of `sessions` a `search_snippet`: where it matches `text`, the matched
    words in <mark>. One query, for the sessions of one page."""
    if not sessions:
        return
    using = sessions[0]._state.db or DEFAULT_DB_ALIAS
    if not is_postgresql(using):
        headlines = on_sqlite.headlines(
            [session.pk for session in sessions], text, using=using,
            marks=(START_MARK, STOP_MARK), ellipsis=FRAGMENT_DELIMITER,
            words=SNIPPET_WORDS["max_words"],
        )  # fmt: skip
        for session in sessions:
            if session.pk in headlines:
                session.search_snippet = marked_snippet(headlines[session.pk], is_html=False)
        return
    options = ", ".join(
        f"{name}={value}"
        for name, value in {
            "StartSel": START_MARK,
            "StopSel": STOP_MARK,
            "MaxWords": SNIPPET_WORDS["max_words"],
            "MinWords": SNIPPET_WORDS["min_words"],
            "MaxFragments": SNIPPET_WORDS["max_fragments"],
            "FragmentDelimiter": f'"{FRAGMENT_DELIMITER}"',
        }.items()
    )
    with connections[using].cursor() as cursor:
        # As sessions.search.matching reads a search: in English for a session in English,
        # in the interface's language and as plain words for any other (what is left out
        # is never marked, so it is not read here).
        others = other_configs()
        searched = web_search_text(text)
        cursor.execute(
            HEADLINES_SQL.format(
                others=" || ".join(
                    f"websearch_to_tsquery(%(config_{n})s::regconfig, %(wanted)s)"
                    for n in range(len(others))
                )
            ),
            {
                **{f"config_{n}": config for n, config in enumerate(others)},
                "interface": interface_config(),
                "wanted": without_exclusions(searched)[0],
                "unspaced": UNSPACED_SQL_PATTERN,
                "separated": SEPARATED_SQL_REPLACEMENT,
                "text": searched,
                "options": options,
                "title_options": f"{options}, HighlightAll=true",
                "stem": _longest_stem(text),
                "lead": SNIPPET_LEAD,
                "window": SNIPPET_WINDOW,
                "pks": [session.pk for session in sessions],
            },
        )
        headlines = {
            pk: {"description_headline": d, "transcript_headline": t, "title_headline": h}
            for pk, d, t, h in cursor.fetchall()
        }
    for session in sessions:
        if row := headlines.get(session.pk):
            session.search_snippet = _snippet_of(row)


# The headlines of a page of results in one statement, written out: built with the ORM,
# compiling it took longer than PostgreSQL took to run it. The description without its
# HTML tags, as sessions.search.vectors reads it; the transcripts are read only when the
# description does not match (parsing them is what a snippet costs most), in a window
# around the first place the longest word searched for appears (see `_longest_stem`).
# Each text is read as the search found it: in its session's language when that is
# English or the interface's, else as plain words; Chinese and Japanese characters apart.
HEADLINES_SQL = """
SELECT session.id,
    ts_headline(config, description.text, query, %(options)s),
    CASE WHEN to_tsvector(config, COALESCE(description.text, '')) @@ query
        THEN ''
        ELSE ts_headline(
            config,
            regexp_replace(
                substr(
                    transcripts.text,
                    GREATEST(
                        COALESCE(NULLIF(strpos(lower(transcripts.text), %(stem)s), 0), 1)
                            - %(lead)s,
                        1
                    ),
                    %(window)s
                ),
                %(unspaced)s, %(separated)s, 'g'
            ),
            query,
            %(options)s
        )
    END,
    ts_headline(config, regexp_replace(session.title, %(unspaced)s, %(separated)s, 'g'),
        query, %(title_options)s)
FROM catalogue_session AS session
CROSS JOIN LATERAL (
    SELECT CASE WHEN session.search_config = 'english'
        THEN websearch_to_tsquery('english', %(text)s)
        ELSE {others}
    END AS query
) AS search
CROSS JOIN LATERAL (
    SELECT (CASE WHEN session.search_config IN ('english', %(interface)s)
        THEN session.search_config ELSE 'simple' END)::regconfig AS config
) AS reading
CROSS JOIN LATERAL (
    SELECT regexp_replace(
        regexp_replace(session.description, '<[^>]*>', ' ', 'g'),
        %(unspaced)s, %(separated)s, 'g'
    ) AS text
) AS description
CROSS JOIN LATERAL (
    SELECT array_to_string(
        ARRAY(SELECT transcript.text FROM catalogue_transcript AS transcript
              WHERE transcript.session_id = session.id),
        ' '
    ) AS text
) AS transcripts
WHERE session.id = ANY(%(pks)s)
"""


def _longest_stem(text: str) -> str:
    """Where a snippet of the transcripts is looked for: around the first place where the
    longest word of `text` appears, cut to the stem it likely shares with its other
    forms ("strategies" as "strateg", so that "strategy" is found too); "" (the start)
    when it has none. One word only: every look costs reading the transcripts again."""
    stems = []
    for word in text.split():
        if word.startswith("-"):  # a word to exclude
            continue
        word = re.sub(r"^\W+|\W+$", "", word).lower()
        if word and word != "or":
            stems.append(word[: max(4, len(word) - 3)])
    return max(stems, key=len, default="")


def _snippet_of(row: dict) -> SafeString:
    """The description where it matches, else the transcripts where they do, else the
    title where it does; else the description's first words (the match was in a tag
    or a speaker, or in another form of the word than the window found)."""
    description = row["description_headline"] or ""
    for headline, is_html in (
        (description, True),
        (row["transcript_headline"] or "", False),
        (row["title_headline"] or "", False),
    ):
        if START_MARK in headline:
            return marked_snippet(headline, is_html=is_html)
    return marked_snippet(description, is_html=True)


def marked_snippet(headline: str, *, is_html: bool) -> SafeString:
    """`headline` as HTML: its text (unescaped first when it comes from HTML) escaped,
    with only the marks turned into <mark> elements, always balanced."""
    out, marking = [], False
    for part in MARKS.split(headline):
        if part == START_MARK:
            if not marking:
                out.append("<mark>")
                marking = True
        elif part == STOP_MARK:
            if marking:
                out.append("</mark>")
                marking = False
        else:
            text = html.unescape(part) if is_html else part
            # Without the separators that made Chinese characters words of their own.
            out.append(escape(WHITESPACE.sub(" ", text).replace(SEPARATOR, "")))
    if marking:
        out.append("</mark>")
    return mark_safe("".join(out).strip())
