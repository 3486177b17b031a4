"""The languages content is written in: the BCP 47 codes the catalogue accepts, and
which way each is written.

A session, a transcript, a recording or a document keeps the language of its words,
whatever the language of the interface that shows it; pages mark each piece of content
with it so that screen readers read it in the right voice.
"""

import re

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

# Every content language field's length: enough for a language, a script and a region
# (zh-Hans-CN).
MAX_LANGUAGE = 10
DEFAULT_LANGUAGE = "en"

# A language code as BCP 47 writes one: two or three letters, then subtags of letters
# and digits (pt-BR, zh-Hans, es-419).
LANGUAGE_CODE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")

validate_language_code = RegexValidator(
    rf"\A{LANGUAGE_CODE.pattern}\Z",
    _("Enter a language code such as en, es, fr, ar, zh or pt-BR."),
    code="invalid_language",
)


def language_field(help_text) -> models.CharField:
    """The language of a session's words, of a transcript, a recording or a document."""
    return models.CharField(
        _("language"),
        max_length=MAX_LANGUAGE,
        default=DEFAULT_LANGUAGE,
        validators=[validate_language_code],
        help_text=help_text,
    )


# Languages written right to left, and the scripts that are, when a code names its
# script (az-Arab, ks-Arab). More than Django's LANGUAGES_BIDI, which knows only the
# languages it is translated into: content may be in Pashto, Sindhi or Dhivehi.
RIGHT_TO_LEFT_LANGUAGES = frozenset(
    {"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ps", "sd", "syr", "ug", "ur", "yi"}
)
RIGHT_TO_LEFT_SCRIPTS = frozenset({"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg"})


def primary_language(code: str) -> str:
    """ "es" for "es-419", "zh" for "zh-Hans": the language a code names, lower case."""
    return str(code).split("-", 1)[0].lower()


def is_right_to_left(code: str) -> bool:
    """Whether text in `code` is written right to left; a script subtag decides when the
    code has one (ku-Arab is, az-Latn is not)."""
    subtags = str(code).lower().split("-")
    if any(len(subtag) == 4 and subtag.isalpha() for subtag in subtags[1:]):
        return any(subtag in RIGHT_TO_LEFT_SCRIPTS for subtag in subtags[1:])
    return subtags[0] in RIGHT_TO_LEFT_LANGUAGES


# Codes Django knows only in a longer form: Chinese is written "zh" by the UN and in BCP 47.
LANGUAGE_ALIASES = {"zh": "zh-hans"}


def language_name(code: str) -> str:
    """ "English" for "en", "Spanish" for "es", in the interface's language; the code itself
    when Django does not know it."""
    code = str(code).lower()
    try:
        return get_language_info(LANGUAGE_ALIASES.get(code, code))["name_translated"]
    except KeyError:
        return str(code)
