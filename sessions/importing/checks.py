"""What checking any value of a record comes down to: `InvalidValue` (and `InvalidItems`)
saying what is wrong, how a value's type reads in a message (`describe`), text a
database can store (`clean_text`), an http(s) URL (`clean_url`) and one of a set of
choices named by value or English label (`choice_of`). Uses no other module of the
package and no model."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import translation

# What no database column can hold: PostgreSQL refuses the NUL character, and a lone
# surrogate (a JSON "\ud800" without its pair) is no character at all in UTF-8.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class InvalidValue(Exception):
    """A value a field cannot take; the message says why."""


class InvalidItems(InvalidValue):
    """Items of a list that are wrong, each for its own reason: one message each, so
    that an import reports them all at once."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def describe(value: object) -> str:
    """How a JSON value's type reads in an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "text"


def storable(text: str) -> str:
    if (found := UNSTORABLE.search(text)) is not None:
        what = "a NUL character" if found[0] == "\x00" else "a lone surrogate (half a character)"
        raise InvalidValue(f"holds {what} at position {found.start() + 1}, which cannot be stored")
    return text


def clean_text(value: object, *, max_length: int | None = None) -> str:
    if not isinstance(value, str):
        raise InvalidValue(f"must be text, not {describe(value)}")
    value = storable(value).strip()
    if max_length is not None and len(value) > max_length:
        raise InvalidValue(f"is {len(value)} characters long; the limit is {max_length}")
    return value


def clean_url(value: object, *, max_length: int) -> str:
    """An http(s) URL, or empty text."""
    text = clean_text(value, max_length=max_length)
    if text:
        try:
            URLValidator(schemes=["http", "https"])(text)
        except ValidationError:
            raise InvalidValue(f'"{text}" is not an http(s) URL') from None
    return text


def choice_of(text: str, choices: type[models.TextChoices], what: str) -> str:
    """The value of `choices` whose value or label is `text`, whatever its case.

    The file format names choices by their English labels, whatever language the
    interface that started the import is showing.
    """
    folded = text.casefold()
    with translation.override(None):
        labels = [str(label) for label in choices.labels]
    for value, label in zip(choices.values, labels, strict=True):
        if folded in (value.casefold(), label.casefold()):
            return value
    raise InvalidValue(f'"{text}" is not {what}; use one of: {", ".join(labels)}')
