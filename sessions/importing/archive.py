"""A session's recordings and linked documents as a record gives them: lists of URLs,
or of objects with `url` and the rest (`clean_recordings`, `clean_documents`, giving
`RecordingEntry`s and `DocumentEntry`s). A document given with `file` rather than
`url` is a file uploaded in the admin, as an export writes it (`is_uploaded_file`):
the import leaves it alone. Every wrong item of a list is reported (`InvalidItems`)."""

import datetime
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from sessions.models import Document, Recording
from sessions.models.languages import DEFAULT_LANGUAGE, LANGUAGE_CODE, MAX_LANGUAGE

from .checks import (
    UNSTORABLE,
    InvalidItems,
    InvalidValue,
    choice_of,
    clean_text,
    clean_url,
    describe,
)
from .records import UPLOADED_FILE

MAX_RECORDING_URL = Recording._meta.get_field("url").max_length
MAX_RECORDING_TITLE = Recording._meta.get_field("title").max_length
MAX_DOCUMENT_URL = Document._meta.get_field("url").max_length
MAX_DOCUMENT_TITLE = Document._meta.get_field("title").max_length
# Longer than any session lasts: a number beyond it is a mistake (milliseconds, say).
MAX_LENGTH = datetime.timedelta(hours=99, minutes=59, seconds=59)
# Recordings or documents a session may have: far more than any has, and their order
# is a small integer.
MAX_ITEMS = 1000
# A recording's length: hh:mm:ss or mm:ss (minutes may pass 59 without the hours).
LENGTH_FORMAT = re.compile(r"(?:(\d{1,2}):([0-5]\d)|(\d{1,4})):([0-5]\d)")


@dataclass(frozen=True, slots=True)
class RecordingEntry:
    """One recording as a record gives it; `order` is its place in the record's list."""

    url: str
    language: str
    title: str
    length: datetime.timedelta | None
    order: int


@dataclass(frozen=True, slots=True)
class DocumentEntry:
    """One linked document as a record gives it; `order` is its place in the record's
    list, uploaded files counted, so that the links keep their places among them."""

    url: str
    title: str
    kind: str  # a Document.Kind value
    language: str
    order: int


def clean_language(value: object) -> str:
    """A BCP 47 language code; the default language when none is given."""
    text = "" if value is None else clean_text(value)
    if not text:
        return DEFAULT_LANGUAGE
    if len(text) > MAX_LANGUAGE or not LANGUAGE_CODE.fullmatch(text):
        raise InvalidValue(f'"{text}" is not a language code such as en, es, fr or pt-BR')
    return text


def _clean_length(value: object) -> datetime.timedelta | None:
    """hh:mm:ss, mm:ss or a whole number of seconds; none when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float):
        raise InvalidValue(f"must be a whole number of seconds, not {value}")
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise InvalidValue(f"{value} is negative")
        length = datetime.timedelta(seconds=value)
    elif isinstance(value, str):
        match = LENGTH_FORMAT.fullmatch(value.strip())
        if not match:
            raise InvalidValue(
                f'"{value.strip()}" is not a length in the form hh:mm:ss or mm:ss, '
                "or a number of seconds"
            )
        hours, minutes, minutes_alone, seconds = (int(part or 0) for part in match.groups())
        length = datetime.timedelta(hours=hours, minutes=minutes + minutes_alone, seconds=seconds)
    else:
        raise InvalidValue(f"must be hh:mm:ss, mm:ss or a number of seconds, not {describe(value)}")
    if length > MAX_LENGTH:
        raise InvalidValue(f'"{value}" is longer than 99:59:59, the longest accepted')
    return length


def _title(value: object, max_length: int) -> str:
    return "" if value is None else " ".join(clean_text(value, max_length=max_length).split())


def _title_from_url(url: str) -> str:
    """A linked document's title when the record gives none: the last segment of its
    path as people read it, else its host."""
    parts = urlsplit(url)
    name = " ".join(unquote(posixpath.basename(parts.path.rstrip("/"))).split())
    name = UNSTORABLE.sub("", name)  # "%00" decodes to what no database stores
    return (name or parts.hostname or url)[:MAX_DOCUMENT_TITLE]


def _item_url(value: object, max_length: int) -> str:
    url = "" if value is None else clean_url(value, max_length=max_length)
    if not url:
        raise InvalidValue("has no url")
    return url


def _as_object(item: object) -> dict:
    """A recording or a document given as a URL or as an object, as an object."""
    if isinstance(item, str):
        return {"url": item}
    if not isinstance(item, dict):
        raise InvalidValue(f"must be a URL or an object with a url, not {describe(item)}")
    if repeated := getattr(item, "repeated_names", ()):
        raise InvalidValue(f'gives "{repeated[0]}" more than once')
    return item


def _clean_items(
    value: object,
    noun: str,
    parts: dict[str, Callable[[object], object]],
    make: Callable[[dict, dict, int], object],
    *,
    left_alone: Callable[[dict], bool] = lambda item: False,
) -> list:
    """The entries of a list of recordings or documents, in order, each URL once.

    `parts` cleans each part of an item by name (a part left out is given as None);
    `make` makes an item's entry of the item, its cleaned parts and its place in the
    list. An item the import leaves alone only takes its place. Every wrong item is
    reported, each wrong part by its name.
    """
    if not isinstance(value, list):
        raise InvalidValue(f"must be a list, not {describe(value)}")
    if len(value) > MAX_ITEMS:
        raise InvalidValue(f"holds {len(value)} {noun}s; the limit is {MAX_ITEMS}")
    entries, problems = [], []
    first_with_url: dict[str, int] = {}
    for number, item in enumerate(value, start=1):
        where = f"{noun} {number}"
        try:
            item = _as_object(item)
        except InvalidValue as error:
            problems.append(f"{where}: {error}")
            continue
        if left_alone(item):
            continue
        cleaned, wrong = {}, []
        for name, clean in parts.items():
            try:
                cleaned[name] = clean(item.get(name))
            except InvalidValue as error:
                # The URL is the item itself, as a speaker's name is the speaker.
                wrong.append(f"{where}: {error}" if name == "url" else f"{where}: {name}: {error}")
        url = cleaned.get("url")
        if url in first_with_url:
            wrong.append(f"{where}: repeats the URL of {noun} {first_with_url[url]}")
        elif url:
            first_with_url[url] = number
        if not wrong:
            try:
                entries.append(make(item, cleaned, number - 1))
            except InvalidValue as error:
                wrong.append(f"{where}: {error}")
        problems += wrong
    if problems:
        raise InvalidItems(problems)
    return entries


RECORDING_PARTS = {
    "url": lambda value: _item_url(value, MAX_RECORDING_URL),
    "language": clean_language,
    "title": lambda value: _title(value, MAX_RECORDING_TITLE),
    "length": _clean_length,
}


def clean_recordings(value: object) -> list[RecordingEntry]:
    return _clean_items(
        value,
        "recording",
        RECORDING_PARTS,
        lambda item, parts, order: RecordingEntry(**parts, order=order),
    )


def _clean_kind_of_document(value: object) -> str:
    text = "" if value is None else clean_text(value)
    return choice_of(text, Document.Kind, "a kind of document") if text else Document.Kind.OTHER


DOCUMENT_PARTS = {
    "url": lambda value: _item_url(value, MAX_DOCUMENT_URL),
    "title": lambda value: _title(value, MAX_DOCUMENT_TITLE),
    "kind": _clean_kind_of_document,
    "language": clean_language,
}


def _document_entry(item: dict, parts: dict, order: int) -> DocumentEntry:
    if item.get(UPLOADED_FILE) is not None:
        raise InvalidValue(
            "gives both a url and a file: a link has a url; a file uploaded in the admin, "
            "which an import leaves alone, has a file"
        )
    return DocumentEntry(
        **{**parts, "title": parts["title"] or _title_from_url(parts["url"])}, order=order
    )


def is_uploaded_file(item: dict) -> bool:
    """An upload as an export writes one: `file` rather than `url`."""
    return item.get(UPLOADED_FILE) is not None and item.get("url") is None


def clean_documents(value: object) -> list[DocumentEntry]:
    """The linked documents; an uploaded file only takes its place among them."""
    return _clean_items(
        value, "document", DOCUMENT_PARTS, _document_entry, left_alone=is_uploaded_file
    )
