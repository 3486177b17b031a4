"""Snippets: a short extract of each session on a page of results, the words matched
in <mark> (on PostgreSQL; SQLite's list shows none)."""

import html
import re
from collections.abc import Sequence

from django.contrib.postgres.search import SearchHeadline, SearchVector
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Case, TextField, Value, When
from django.db.models.functions import Coalesce, Greatest, Lower, NullIf, StrIndex, Substr
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from sessions.models import Session

from .matching import web_search_query
from .vectors import CONFIG, description_text, is_postgresql, transcripts_text

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
    words in <mark>. One query on PostgreSQL, for the sessions of one page; nothing on
    SQLite (the list shows no snippet there)."""
    if not sessions or not is_postgresql(sessions[0]._state.db or DEFAULT_DB_ALIAS):
        return
    query = web_search_query(text)
    options = {
        "config": CONFIG,
        "start_sel": START_MARK,
        "stop_sel": STOP_MARK,
        "fragment_delimiter": FRAGMENT_DELIMITER,
        **SNIPPET_WORDS,
    }
    headlines = {
        row["pk"]: row
        for row in Session.objects.using(sessions[0]._state.db)
        .filter(pk__in=[session.pk for session in sessions])
        .alias(description_vector=SearchVector(description_text(), config=CONFIG))
        .values(
            "pk",
            description_headline=SearchHeadline(description_text(), query, **options),
            # Read only when the description does not match: parsing long transcripts
            # is what a snippet costs most.
            transcript_headline=Case(
                When(description_vector=query, then=Value("")),
                default=SearchHeadline(_transcript_window(text), query, **options),
                output_field=TextField(),
            ),
            title_headline=SearchHeadline("title", query, **options, highlight_all=True),
        )
    }
    for session in sessions:
        if row := headlines.get(session.pk):
            session.search_snippet = _snippet_of(row)


def _transcript_window(text: str) -> Substr:
    """Where a snippet of the transcripts is looked for: around the first place where the
    longest word of `text` appears, cut to the stem it likely shares with its other
    forms ("strategies" as "strateg", so that "strategy" is found too). One word only:
    every look costs reading the transcripts again."""
    transcripts = transcripts_text()
    stems = []
    for word in text.split():
        if word.startswith("-"):  # a word to exclude
            continue
        word = re.sub(r"^\W+|\W+$", "", word).lower()
        if word and word != "or":
            stems.append(word[: max(4, len(word) - 3)])
    if not stems:
        return Substr(transcripts, 1, SNIPPET_WINDOW)
    first = NullIf(StrIndex(Lower(transcripts), Value(max(stems, key=len))), Value(0))
    start = Greatest(Coalesce(first, Value(1)) - Value(SNIPPET_LEAD), Value(1))
    return Substr(transcripts, start, SNIPPET_WINDOW)


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
            out.append(escape(WHITESPACE.sub(" ", text)))
    if marking:
        out.append("</mark>")
    return mark_safe("".join(out).strip())
