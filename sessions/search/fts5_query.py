"""A search as FTS5 reads it, for SQLite (sessions.search.on_sqlite).

What a visitor types is read as PostgreSQL's websearch_to_tsquery reads it: every word
required, "a phrase" as its words together, OR between alternatives, -word to leave out,
English stop words ignored. It is written as an FTS5 query of quoted strings only, so that
nothing typed is an FTS5 operator (NEAR, column:, ^, *) or a syntax error.
"""

import re
import unicodedata
from dataclasses import dataclass

from .languages import separated

# The words of PostgreSQL's english stop list, which its search leaves out.
STOP_LIST = (
    "i me my myself we our ours ourselves you your yours yourself yourselves he him his "
    "himself she her hers herself it its itself they them their theirs themselves what which "
    "who whom this that these those am is are was were be been being have has had having do "
    "does did doing a an the and but if or because as until while of at by for with about "
    "against between into through during before after above below to from up down in out on "
    "off over under again further then once here there when where why how all any both each "
    "few more most other some such no nor not only own same so than too very s t can will "
    "just don should now"
)
STOP_WORDS = frozenset(STOP_LIST.split())
# A word much as the unicode61 tokenizer reads one: letters and digits.
WORD = re.compile(r"[^\W_]+")
# A double-quoted phrase (its closing quote may be missing), or anything else up to a space.
TERM = re.compile(r'"([^"]*)"?|[^\s"]+')


@dataclass(frozen=True)
class FullTextQuery:
    match: str  # the FTS5 query of the sessions found; "" when the search only excludes
    exclude: str  # then, the FTS5 query of the sessions left out
    phrases: int  # the most words or phrases one alternative of the search asks for


def full_text_query(text: str) -> FullTextQuery | None:
    """`text` as websearch_to_tsquery reads it, as FTS5 queries; None when it has no
    word to search (punctuation, stop words), which then matches nothing.

    Alternatives are separated by OR, each a list of required phrases, less those after
    a dash. A search of dashed words only finds the sessions without them, as on
    PostgreSQL; an alternative of dashed words only beside others is dropped (FTS5 has
    no "any session but").
    """
    # Control characters (a NUL would end FTS5's reading of the query) count as spaces;
    # Chinese and Japanese characters are words of their own, as in the table.
    text = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)
    text = separated(text)
    alternatives, current, negated = [], [], False
    for term in TERM.finditer(unicodedata.normalize("NFC", text)):
        quoted, raw = term.group(1), term.group(0)
        if quoted is None:
            if raw.lower() == "or" and not negated:
                if current:
                    alternatives.append(current)
                    current = []
                continue
            if raw.startswith("-"):
                negated, raw = True, raw.lstrip("-")
        if phrase := _phrase(raw if quoted is None else quoted):
            current.append((negated, phrase))
            negated = False
        elif raw:  # a dash alone applies to what follows it
            negated = False
    if current:
        alternatives.append(current)
    wanted = [[phrase for no, phrase in each if not no] for each in alternatives]
    unwanted = [[phrase for no, phrase in each if no] for each in alternatives]
    if any(wanted):
        match = " OR ".join(
            f"({' AND '.join(need)}{f' NOT {_any(avoid)}' if avoid else ''})"
            for need, avoid in zip(wanted, unwanted, strict=True)
            if need
        )
        return FullTextQuery(match=match, exclude="", phrases=max(map(len, wanted)))
    if any(unwanted):
        return FullTextQuery(match="", exclude=" AND ".join(map(_any, unwanted)), phrases=1)
    return None


def _phrase(term: str) -> str:
    """`term` as an FTS5 string, whatever it holds words to find and never an operator;
    without the stop words at its ends (inside, they keep its words together), and ""
    when nothing else is left. FTS5 splits it into words as it splits the text."""
    words = [word for word in WORD.finditer(term) if word.group().lower() not in STOP_WORDS]
    if not words:
        return ""
    end = words[-1].end()
    while end < len(term) and unicodedata.category(term[end])[0] == "M":
        end += 1  # the marks that end a word (Devanagari vowels, say) are of it
    return '"' + term[words[0].start() : end].replace('"', '""') + '"'


def _any(phrases: list[str]) -> str:
    return f"({' OR '.join(phrases)})"
