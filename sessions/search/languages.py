"""How search reads each language.

On PostgreSQL a session's words are indexed with the text search configuration of its
own language (`Session.language`): stemmed where PostgreSQL has a dictionary for it
("gobernanza" and "gobernanzas" are one word in Spanish), as plain words where it has
none. A session in a language other than English is indexed as plain words as well, so
that a search finds it by its own words whatever the interface's language.

A search is read in English (most of the catalogue) for the sessions in English, and
in the interface's language and as plain words for the others (sessions.search.matching):
"internet governance" finds English sessions from every interface, "gobernanza de
internet" Spanish ones.

Chinese and Japanese write no spaces between words, and no dictionary of PostgreSQL's
(nor SQLite's tokenizer) splits them: each of their characters is made a word of its own
by a zero-width space on either side, which both databases read as a separator and a
reader does not see, and a run of them in a search is a phrase of those characters,
found wherever the same characters stand together.
"""

import re

from django.db.models import Case, F, Func, TextField, Value, When
from django.db.models.functions import Lower
from django.db.models.lookups import In
from django.utils import translation

from sessions.models.languages import primary_language

ENGLISH = "english"
PLAIN = "simple"
# PostgreSQL's text search configurations (all built in since PostgreSQL 13), by the
# language code they read.
CONFIGS = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek",
    "en": ENGLISH, "es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french",
    "ga": "irish", "hi": "hindi", "hu": "hungarian", "hy": "armenian", "id": "indonesian",
    "it": "italian", "lt": "lithuanian", "nb": "norwegian", "ne": "nepali", "nl": "dutch",
    "nn": "norwegian", "no": "norwegian", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sr": "serbian", "sv": "swedish", "ta": "tamil", "tr": "turkish",
    "yi": "yiddish",
}  # fmt: skip

# Characters written without spaces between words: kana, CJK ideographs (and their
# extension A and compatibility forms).
UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
UNSPACED_CHARACTER = re.compile(f"[{UNSPACED}]")
UNSPACED_RUN = re.compile(f"[{UNSPACED}]+")
SEPARATOR = "\u200b"  # zero-width space
# The same separating for PostgreSQL's regexp_replace(text, pattern, replacement, 'g'),
# in a session's refresh and in its snippets.
UNSPACED_SQL_PATTERN = f"([{UNSPACED}])"
SEPARATED_SQL_REPLACEMENT = f"{SEPARATOR}\\1{SEPARATOR}"


def config_for(language: str) -> str:
    """The text search configuration that reads `language` (a BCP 47 code)."""
    return CONFIGS.get(primary_language(language), PLAIN)


def interface_config() -> str:
    """The configuration of the interface's language."""
    return config_for(translation.get_language() or "en")


def other_configs() -> list[str]:
    """The configurations a session in another language than English is read with: the
    interface's language's, and plain words."""
    return list(dict.fromkeys([interface_config(), PLAIN]))


def separated(text: str) -> str:
    """`text` with each Chinese or Japanese character a word of its own, apart from the
    letters and figures beside it too ("AI治理": "AI", "治", "理")."""
    return UNSPACED_CHARACTER.sub(lambda found: f"{SEPARATOR}{found.group()}{SEPARATOR}", text)


def separated_search(text: str) -> str:
    """What a visitor typed, with each run of Chinese or Japanese characters a phrase of
    its characters: quoted where it is not already inside quotes."""
    parts = re.split(r'("[^"]*"?)', text)
    return "".join(
        UNSPACED_RUN.sub(
            (lambda run: separated(run.group()))
            if part.startswith('"')
            else (lambda run: f' "{separated(run.group())}" '),
            part,
        )
        for part in parts
    )


# The same on PostgreSQL, in a session's refresh.


def separated_sql(expression) -> Func:
    return Func(
        expression,
        Value(UNSPACED_SQL_PATTERN),
        Value(SEPARATED_SQL_REPLACEMENT),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def _primary_language() -> Func:
    return Lower(
        Func(F("language"), Value("-"), Value(1), function="split_part", output_field=TextField())
    )


def config_of_session() -> Case:
    """The configuration of each session's language, as SQL."""
    by_config: dict[str, list[str]] = {}
    for code, config in CONFIGS.items():
        by_config.setdefault(config, []).append(code)
    return Case(
        *(
            When(In(_primary_language(), codes), then=Value(config))
            for config, codes in by_config.items()
        ),
        default=Value(PLAIN),
        output_field=TextField(),
    )


def plain_if_stemmed(expression) -> Case:
    """`expression`, for the plain words of a session in a language stemmed by another
    dictionary than English's; "" for English (read in English by every search) and for
    the languages indexed as plain words already."""
    stemmed = [code for code, config in CONFIGS.items() if config != ENGLISH]
    return Case(
        When(In(_primary_language(), stemmed), then=expression),
        default=Value(""),
        output_field=TextField(),
    )
