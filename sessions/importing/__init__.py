"""Importing sessions from a file (DESIGN.md, "Import format").

Two steps, each usable alone:

- `RecordFile(path)` gives the `Record`s of a .json, .jsonl or .csv file, reading a
  JSON Lines or CSV file a line at a time each time it is gone through, so a file of
  any size can be imported (`read_records(path=...)` gives them all in a list). When
  the file itself cannot be read (missing, not UTF-8, broken JSON, a CSV header
  without the required columns, no sessions at all) it raises `ImportFileError` listing
  every problem.
- `import_sessions(records=...)` checks every record before writing anything, then
  writes all of them in one transaction, or none when any record is invalid. It returns
  an `ImportResult`: the errors, the warnings and the created / updated / unchanged counts.
  It goes through the records a chunk at a time, so memory grows with the number of
  keys and speakers in the file, not with its text.

Sessions are matched by `key`, so importing the same file twice changes nothing the
second time. Speakers are matched by name and organisation, tags by name, both
whatever their case, so a second import creates neither again. A field a record
leaves out (or sets to null) keeps the session's current value on an update and takes
its default on a create; a field that is given, even empty, sets it: `speakers`,
`tags` and `transcript` replace the session's participants, tags and English
transcript. In a CSV file every column of the header is given for every row. The
`views` field only ever applies to a session the import creates. An existing
speaker's details are the editors' to keep: an import only fills in a stakeholder
group the speaker lacks.
"""

import csv
import datetime
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models, transaction
from django.utils import translation

from igf_catalogue.html import sanitise_html
from sessions.caching.page_cache import schedule_version_bump, version_bumped_by_the_writer
from sessions.models import (
    Participant,
    Session,
    SessionType,
    Speaker,
    Tag,
    Topic,
    Transcript,
    Venue,
)
from sessions.search import refresh_search_vectors, sessions_refreshed_by_the_writer
from strategies.models import Strategy

REQUIRED_FIELDS = ("key", "title", "date", "type", "venue")
OPTIONAL_FIELDS = (
    "start_time", "end_time", "topic", "description", "status", "views", "related",
    "strategies", "url", "speakers", "tags", "transcript",
)  # fmt: skip
KNOWN_FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS
LIST_FIELDS = ("related", "strategies", "speakers", "tags")
# The fields of a speaker given as an object rather than a name.
SPEAKER_FIELDS = ("name", "organisation", "stakeholder", "role")
CSV_LIST_SEPARATOR = ";"
ONLINE = "Online"
# The language of a transcript given as text.
TRANSCRIPT_LANGUAGE = "en"

# Lengths of the model fields the values end up in.
MAX_KEY = Session._meta.get_field("key").max_length
MAX_TITLE = Session._meta.get_field("title").max_length
MAX_URL = Session._meta.get_field("url").max_length
MAX_NAME = SessionType._meta.get_field("name").max_length
MAX_PLACE = Venue._meta.get_field("city").max_length
MAX_SPEAKER_NAME = Speaker._meta.get_field("name").max_length
MAX_ORGANISATION = Speaker._meta.get_field("organisation").max_length
MAX_TAG = Tag._meta.get_field("name").max_length
MAX_VIEWS = 2_147_483_647  # PositiveIntegerField on every database Django supports

# SQLite allows a limited number of parameters per query; look up keys in batches.
LOOKUP_BATCH = 500
# Records checked, then written, at a time: what an import holds of the file at once.
CHUNK_SIZE = 1000
# Bytes read at a time to check that a file is UTF-8.
READ_BLOCK = 1 << 20
# A warning repeated over many records names this many of them.
WARNING_LOCATIONS_SHOWN = 5

DATE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}")
TIME_FORMAT = re.compile(r"(\d{1,2}):(\d{2})")

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class Record:
    """One session as read from a file, before validation."""

    location: str  # where it is in the file: "line 4" (CSV, JSONL) or "index 2" (JSON)
    data: object  # a dict of field name to value, unless the file is wrong


@dataclass(frozen=True)
class Problem:
    """An error or warning: where (record), which field, and what is wrong."""

    location: str
    message: str
    field: str = ""

    def __str__(self) -> str:
        where = ", ".join(
            part for part in (self.location, self.field and f'field "{self.field}"') if part
        )
        return f"{where}: {self.message}" if where else self.message


class ImportFileError(Exception):
    """The file could not be read into records at all."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))


@dataclass
class ImportResult:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # Names of the session types, topics and venues the import creates (or would).
    new_types: list[str] = field(default_factory=list)
    new_topics: list[str] = field(default_factory=list)
    new_venues: list[str] = field(default_factory=list)
    new_tags: list[str] = field(default_factory=list)
    new_speakers: int = 0
    # Existing speakers whose blank stakeholder group the file fills in.
    completed_speakers: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        """What the import did (or, in a dry run, would do), in a line or a few."""
        counts = (
            f"{self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, of {self.total} sessions"
        )
        lines = [f"Dry run, nothing written: {counts}." if self.dry_run else f"{counts}."]
        verb = "Would create" if self.dry_run else "Created"
        new_names = (
            ("session types", self.new_types),
            ("topics", self.new_topics),
            ("venues", self.new_venues),
        )
        lines += [f"{verb} {label}: {', '.join(names)}." for label, names in new_names if names]
        if self.new_tags:
            lines.append(f"{verb} tags: {', '.join(self.new_tags)}.")
        if self.new_speakers:
            lines.append(f"{verb} {_count(self.new_speakers, 'speaker')}.")
        if self.completed_speakers:
            lines.append(
                f"{'Would fill' if self.dry_run else 'Filled'} in the stakeholder group of "
                f"{_count(self.completed_speakers, 'speaker')}."
            )
        return "\n".join(lines)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


# Reading files
#
# JSON Lines and CSV files are read a line at a time, so that an import holds only the
# records it is working on however big the file: `RecordFile` reads its file afresh
# each time it is iterated over. A .json file is one document, parsed whole; it is
# meant for small files, JSON Lines and CSV for big ones.


class RecordFile:
    """The records of a .json, .jsonl or .csv file (UTF-8 with or without a BOM), read
    from the file each time they are iterated over.

    A file that is missing or of an unknown kind raises `ImportFileError` at once;
    problems inside it (broken JSON, a bad CSV header, no sessions at all) raise it
    once reading reaches them, after every problem of a JSON Lines file is listed.
    """

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.reader = READERS.get(self.path.suffix.lower())
        if self.reader is None:
            kind = f'"{self.path.suffix}"' if self.path.suffix else "without an extension"
            raise ImportFileError(
                [Problem("", f"unknown kind of file ({kind}): use .json, .jsonl or .csv")]
            )
        if self.reader is not _read_json:
            # Before anything else, as for a whole document: a file in another encoding
            # is wrong from its first line, whatever its lines say.
            _check_utf8(self.path)
        self._whole: list[Record] | None = None

    def __iter__(self) -> Iterator[Record]:
        if self.reader is _read_json:
            # One document: parsed once, then kept (see above).
            if self._whole is None:
                self._whole = list(_read_json(self.path))
            return iter(self._whole)
        return self.reader(self.path)


def read_records(*, path: Path | str) -> list[Record]:
    """Every record of a .json, .jsonl or .csv file at once (see `RecordFile`)."""
    return list(RecordFile(path))


def _open(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise ImportFileError([Problem("", "no such file")]) from None
    except IsADirectoryError:
        raise ImportFileError([Problem("", "is a directory, not a file")]) from None
    except OSError as error:
        raise ImportFileError([Problem("", f"cannot be read: {error.strerror}")]) from None


def _check_utf8(path: Path) -> None:
    """Raise `ImportFileError` naming the first line of `path` that is not UTF-8."""
    lines_before, rest = 0, b""
    with _open(path) as file:
        while True:
            block = file.read(READ_BLOCK)
            # Whole lines only: no UTF-8 sequence holds the byte of "\n".
            text = rest + block
            end = len(text) if not block else text.rfind(b"\n") + 1
            try:
                text[:end].decode("utf-8")
            except UnicodeDecodeError as error:
                raise _not_utf8(lines_before + text[: error.start].count(b"\n") + 1) from None
            if not block:
                return
            lines_before += text[:end].count(b"\n")
            rest = text[end:]


def _not_utf8(line: int) -> ImportFileError:
    return ImportFileError([Problem(f"line {line}", "is not UTF-8 text; save the file as UTF-8")])


def _no_sessions(any_text: bool) -> ImportFileError:
    return ImportFileError(
        [Problem("", "the file holds no sessions" if any_text else "the file is empty")]
    )


def _lines(path: Path) -> Iterator[str]:
    """The lines of a UTF-8 file, each with its line end, without a byte order mark.

    Only "\\n" ends a line: JSON strings and quoted CSV values may hold other line
    separators (U+2028, a lone "\\r").
    """
    with _open(path) as file:
        for number, raw in enumerate(file, start=1):
            try:
                yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                raise _not_utf8(number) from None


def _read_json(path: Path) -> Iterator[Record]:
    with _open(path) as file:
        content = file.read()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _not_utf8(content[: error.start].count(b"\n") + 1) from None
    if not text.strip():
        raise _no_sessions(any_text=False)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        location = f"line {error.lineno}, column {error.colno}"
        raise ImportFileError([Problem(location, f"not valid JSON: {error.msg}")]) from None
    except RecursionError:
        raise ImportFileError([Problem("", "not valid JSON: nested too deeply")]) from None
    if isinstance(document, dict) and "sessions" in document:
        document = document["sessions"]
    if not isinstance(document, list):
        raise ImportFileError(
            [Problem("", 'expected an array of sessions or an object with a "sessions" array')]
        )
    if not document:
        raise _no_sessions(any_text=True)
    for index, item in enumerate(document):
        yield Record(f"index {index}", item)


def _read_jsonl(path: Path) -> Iterator[Record]:
    problems, any_text, any_record = [], False, False
    for number, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        any_text = True
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(
                Problem(f"line {number}", f"not valid JSON: {error.msg} (column {error.colno})")
            )
            continue
        except RecursionError:
            problems.append(Problem(f"line {number}", "not valid JSON: nested too deeply"))
            continue
        any_record = True
        yield Record(f"line {number}", data)
    if problems:
        raise ImportFileError(problems)
    if not any_record:
        raise _no_sessions(any_text)


def _read_csv(path: Path) -> Iterator[Record]:
    rows = csv.reader(_lines(path))
    header: list[str] | None = None
    problems, any_record = [], False
    while True:
        # A quoted value may span lines: a record is named by the line it starts on.
        line = rows.line_num + 1
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(Problem(f"line {line}", f"not valid CSV: {error}"))
            break
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [name.strip() for name in row]
            problems += _check_csv_header(header, line)
            if problems:
                break
            continue
        if len(row) > len(header):
            problems.append(
                Problem(
                    f"line {line}",
                    f"has {len(row)} values but the header row has {len(header)} columns",
                )
            )
            continue
        # Values missing at the end of a short row count as empty.
        row = row + [""] * (len(header) - len(row))
        data = {
            name: _split_list(value) if name in LIST_FIELDS else value
            for name, value in zip(header, row, strict=True)
        }
        any_record = True
        yield Record(f"line {line}", data)
    if problems:
        raise ImportFileError(problems)
    if not any_record:
        raise _no_sessions(any_text=header is not None)


def _check_csv_header(header: list[str], line: int) -> list[Problem]:
    location = f"line {line} (header row)"
    problems = []
    for column, name in enumerate(header, start=1):
        if not name:
            problems.append(Problem(location, f"column {column} has no name"))
        elif header.index(name) != column - 1:
            problems.append(Problem(location, f'column "{name}" appears more than once'))
    missing = [name for name in REQUIRED_FIELDS if name not in header]
    if missing:
        problems.append(
            Problem(
                location,
                f"lacks the required column(s) {', '.join(missing)}; "
                f"found: {', '.join(name for name in header if name) or 'nothing'}",
            )
        )
    return problems


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(CSV_LIST_SEPARATOR) if part.strip()]


READERS = {".json": _read_json, ".jsonl": _read_jsonl, ".csv": _read_csv}


# Checking values


class InvalidValue(Exception):
    """A value a field cannot take; the message says why."""


def _describe(value: object) -> str:
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


def _text(value: object, *, max_length: int | None = None) -> str:
    if not isinstance(value, str):
        raise InvalidValue(f"must be text, not {_describe(value)}")
    value = value.strip()
    if max_length is not None and len(value) > max_length:
        raise InvalidValue(f"is {len(value)} characters long; the limit is {max_length}")
    return value


def _name(value: object, *, max_length: int = MAX_NAME) -> str:
    """A name matched against existing ones: spaces inside are normalised."""
    return " ".join(_text(value, max_length=max_length).split())


def _clean_date(value: object) -> datetime.date:
    text = _text(value)
    if not DATE_FORMAT.fullmatch(text):
        raise InvalidValue(f'"{text}" is not a date in the form YYYY-MM-DD')
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise InvalidValue(f'"{text}" is not a real date') from None


def _clean_time(value: object) -> datetime.time | None:
    text = _text(value)
    if not text:
        return None
    match = TIME_FORMAT.fullmatch(text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise InvalidValue(f'"{text}" is not a time in the form HH:MM')
    return datetime.time(int(match[1]), int(match[2]))


def _clean_venue(value: object) -> tuple[str, str]:
    """(city, country) from "City, Country"; a name without a comma has no country."""
    text = _name(value, max_length=2 * MAX_PLACE + 2)
    if "," not in text:
        return text, ""
    city, country = (part.strip() for part in text.rsplit(",", 1))
    if not city or not country:
        raise InvalidValue(f'"{text}" is not "City, Country" or "{ONLINE}"')
    for part in (city, country):
        if len(part) > MAX_PLACE:
            raise InvalidValue(f'"{part}" is longer than {MAX_PLACE} characters')
    return city, country


def _clean_status(value: object) -> str:
    text = _text(value).lower()
    if not text:
        return Session.Status.PUBLISHED
    if text not in Session.Status.values:
        raise InvalidValue(f'"{text}" is not one of: {", ".join(Session.Status.values)}')
    return text


def _clean_views(value: object) -> int:
    # A spreadsheet may well quote numbers, so text made of digits is accepted too.
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    elif isinstance(value, str) and not value.strip():
        return 0
    if isinstance(value, float):
        raise InvalidValue(f"must be a whole number, not {value}")
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(f"must be a whole number, not {_describe(value)}")
    if not 0 <= value <= MAX_VIEWS:
        raise InvalidValue(f"{value} is not between 0 and {MAX_VIEWS}")
    return value


def _clean_list(value: object) -> list[str]:
    if not isinstance(value, list):
        raise InvalidValue(f"must be a list, not {_describe(value)}")
    items = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise InvalidValue(f"must hold non-empty text only, not {_describe(item)}")
        items.append(item.strip())
    return list(dict.fromkeys(items))  # without repeats, in order


def _clean_url(value: object) -> str:
    text = _text(value, max_length=MAX_URL)
    if text:
        try:
            URLValidator(schemes=["http", "https"])(text)
        except ValidationError:
            raise InvalidValue(f'"{text}" is not an http(s) URL') from None
    return text


@dataclass(frozen=True, slots=True)
class SpeakerEntry:
    """One participant as a record names them: who they are, and their role."""

    name: str
    organisation: str  # "" when the record gives none
    stakeholder: str  # a Speaker.StakeholderGroup value, "" when the record gives none
    role: str  # a Participant.Role value

    @property
    def identity(self) -> tuple[str, str]:
        """What a speaker is matched by: name and organisation, whatever their case."""
        return self.name.casefold(), self.organisation.casefold()


def _choice(text: str, choices: type[models.TextChoices], what: str) -> str:
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


def _speaker_entry(item: object) -> SpeakerEntry:
    if isinstance(item, str):
        item = {"name": item}
    if not isinstance(item, dict):
        raise InvalidValue(f"must be a name or an object with a name, not {_describe(item)}")

    def given(name: str, max_length: int | None = None) -> str:
        value = item.get(name)
        return "" if value is None else _name(value, max_length=max_length)

    name = given("name", MAX_SPEAKER_NAME)
    if not name:
        raise InvalidValue("has no name")
    stakeholder, role = given("stakeholder"), given("role")
    return SpeakerEntry(
        name=name,
        organisation=given("organisation", MAX_ORGANISATION),
        stakeholder=stakeholder
        and _choice(stakeholder, Speaker.StakeholderGroup, "a stakeholder group"),
        role=_choice(role, Participant.Role, "a role") if role else Participant.Role.SPEAKER,
    )


def _clean_speakers(value: object) -> list[SpeakerEntry]:
    """Participants in the programme's order, each once per role."""
    if not isinstance(value, list):
        raise InvalidValue(f"must be a list, not {_describe(value)}")
    entries: dict[tuple, SpeakerEntry] = {}
    for number, item in enumerate(value, start=1):
        try:
            entry = _speaker_entry(item)
        except InvalidValue as error:
            raise InvalidValue(f"speaker {number}: {error}") from None
        entries.setdefault((entry.identity, entry.role), entry)
    return list(entries.values())


def _clean_tags(value: object) -> list[str]:
    """Tag names without repeats whatever their case, the first spelling kept."""
    names: dict[str, str] = {}
    for item in _clean_list(value):
        name = _name(item, max_length=MAX_TAG)
        names.setdefault(name.casefold(), name)
    return list(names.values())


def _required(clean: Callable[[object], object]) -> Callable[[object], object]:
    def clean_required(value: object) -> object:
        if isinstance(value, str) and not value.strip():
            raise InvalidValue("is required but empty")
        return clean(value)

    return clean_required


CLEANERS: dict[str, Callable[[object], object]] = {
    "key": _required(lambda value: _text(value, max_length=MAX_KEY)),
    "title": _required(lambda value: " ".join(_text(value, max_length=MAX_TITLE).split())),
    "date": _required(_clean_date),
    "type": _required(_name),
    "venue": _required(_clean_venue),
    "start_time": _clean_time,
    "end_time": _clean_time,
    "topic": lambda value: _name(value) or Topic.DEFAULT,
    "description": _text,
    "status": _clean_status,
    "views": _clean_views,
    "related": _clean_list,
    "strategies": _clean_list,
    "url": _clean_url,
    "speakers": _clean_speakers,
    "tags": _clean_tags,
    "transcript": _text,
}


# Planning and writing


CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"

# Fields copied onto the session as they are.
PLAIN_FIELDS = ("title", "date", "start_time", "end_time", "description", "status", "url")


@dataclass
class SessionChange:
    """What the import does to one session, worked out before anything is written."""

    ordinal: int
    location: str
    key: str
    values: dict  # the cleaned values of the fields the record gives
    session: Session | None = None  # the existing session, None when it is new
    related_keys: list[str] | None = None  # None when the record leaves them alone
    strategy_ids: list[int] | None = None
    outcome: str = UNCHANGED
    related_changed: bool = False
    strategies_changed: bool = False
    # (speaker identity, role) in order; None when the record leaves them alone.
    participants: list[tuple[tuple[str, str], str]] | None = None
    participants_changed: bool = False
    tags_changed: bool = False
    transcript_changed: bool = False


@dataclass
class Lookups:
    """Everything the records refer to, read in a few queries."""

    sessions: dict[str, Session]  # existing sessions named by the file, by key
    related_keys: dict[str, set[str]]  # their current hand-linked sessions' keys
    strategy_ids: dict[str, set[int]]  # their current strategies
    other_keys: set[str]  # keys of sessions outside the file that records point to
    strategies: dict[str, int]  # slug: id
    types: dict[str, SessionType]  # casefolded name: type
    topics: dict[str, Topic]
    venues: dict[tuple[str, str], Venue]  # casefolded (city, country): venue
    tags: dict[str, Tag]  # casefolded name: tag
    tag_ids: dict[str, set[int]]  # key: the session's current tags
    participants: dict[str, list[tuple[int, str, int]]]  # key: (speaker id, role, order)
    transcripts: dict[str, str]  # key: the session's current transcript in TRANSCRIPT_LANGUAGE
    speakers: "SpeakerDirectory"


def _folded(name: str) -> str:
    """A name as it is matched: spaces normalised, case folded."""
    return " ".join(name.split()).casefold()


class SpeakerDirectory:
    """The speakers the records name: existing ones, and the ones the import creates.

    A speaker is matched by name and organisation, whatever their case. A speaker named
    without an organisation is the one of that name without an organisation if there
    is one, else the only speaker of that name; a new one when there is none.
    """

    def __init__(self, existing: Iterable[Speaker]):
        self.existing: dict[tuple[str, str], Speaker] = {}
        self.by_name: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for speaker in existing:
            identity = (_folded(speaker.name), _folded(speaker.organisation))
            if identity not in self.existing:  # the oldest of duplicates an editor has not merged
                self.existing[identity] = speaker
                self.by_name[identity[0]].append(identity)
        self.new: dict[tuple[str, str], SpeakerEntry] = {}
        # Existing speakers without a stakeholder group, and the one the file gives them.
        self.completions: dict[tuple[str, str], str] = {}

    def add(self, entry: SpeakerEntry) -> tuple[str, str]:
        """The speaker of `entry`'s name and organisation, new if there is none yet."""
        identity = entry.identity
        if identity in self.existing:
            if entry.stakeholder and not self.existing[identity].stakeholder_group:
                self.completions.setdefault(identity, entry.stakeholder)
        elif identity not in self.new:
            self.new[identity] = entry
            self.by_name[identity[0]].append(identity)
        elif entry.stakeholder and not self.new[identity].stakeholder:
            self.new[identity] = replace(self.new[identity], stakeholder=entry.stakeholder)
        return identity

    def find(self, entry: SpeakerEntry) -> tuple[str, str]:
        """The speaker `entry` names by name alone; `add` every organisation first."""
        name = entry.identity[0]
        candidates = self.by_name.get(name, [])
        if (name, "") in candidates or not candidates:
            return self.add(entry)
        if len(candidates) > 1:
            organisations = "; ".join(
                self.organisation(identity) or "no organisation" for identity in candidates
            )
            raise InvalidValue(
                f'"{entry.name}" is the name of several speakers ({organisations}); '
                "give the organisation"
            )
        return self.add(replace(entry, organisation=self.organisation(candidates[0])))

    def organisation(self, identity: tuple[str, str]) -> str:
        speaker = self.existing.get(identity)
        return speaker.organisation if speaker else self.new[identity].organisation

    def is_new(self, identity: tuple[str, str]) -> bool:
        return identity in self.new


def import_sessions(
    *,
    records: Iterable[Record],
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    checking: ProgressCallback | None = None,
) -> ImportResult:
    """Create or update the sessions of `records`; all of them, or none if any is invalid.

    With `dry_run` nothing is written, but the result reports what would be. `progress`
    is called with (records done, total) as the sessions are written (as they are
    checked, in a dry run); `checking` as they are checked before a real import.

    The records are gone through three times, `CHUNK_SIZE` at a time, so that memory
    grows with the number of keys and speakers, not with the text of the records:
    once to note the keys and speakers of the whole file (a record may point to a
    session further on, or name a speaker another record gives an organisation), once
    to check every record and work out what it changes, and once, when none was
    invalid, to write them. `records` is then best a `RecordFile`, which reads its file
    again each time; a one-time iterator is first turned into a list. A file error met
    on the way raises `ImportFileError`, and nothing is written.
    """
    if iter(records) is records:
        records = list(records)
    result = ImportResult(dry_run=dry_run)
    with transaction.atomic():
        catalogue = _read_catalogue()
        index = _index_file(records, catalogue)
        result.total = index.total
        _check(records, index, catalogue, result, progress if dry_run else checking)
        if result.errors or dry_run:
            return result
        # Once for the whole import, not once for every session saved: the version
        # below, the search vectors chunk by chunk.
        with version_bumped_by_the_writer(), sessions_refreshed_by_the_writer():
            _write(records, index, catalogue, progress)
        if result.created or result.updated:
            schedule_version_bump()
    return result


@dataclass
class Catalogue:
    """What in the database every record may refer to, read once per import."""

    strategies: dict[str, int]  # slug: id
    types: dict[str, SessionType]  # casefolded name: type
    topics: dict[str, Topic]
    venues: dict[tuple[str, str], Venue]  # casefolded (city, country): venue
    tags: dict[str, Tag]  # casefolded name: tag
    speakers: "SpeakerDirectory"


def _read_catalogue() -> Catalogue:
    # Every speaker is read, as types and venues are, to match names whatever their case
    # (SQLite folds the case of ASCII letters only).
    return Catalogue(
        strategies=dict(Strategy.objects.values_list("slug", "pk")),
        types={t.name.casefold(): t for t in SessionType.objects.all()},
        topics={t.name.casefold(): t for t in Topic.objects.all()},
        venues={(v.city.casefold(), v.country.casefold()): v for v in Venue.objects.all()},
        tags={tag.name.casefold(): tag for tag in Tag.objects.all()},
        speakers=SpeakerDirectory(
            Speaker.objects.only("name", "organisation", "stakeholder_group").order_by("pk")
        ),
    )


@dataclass
class FileIndex:
    """What the first pass keeps of the whole file: only what records refer to across it.

    A key is noted with the number of the record it first appears in, a small int
    rather than a location string for every key of a big file. The location of a key
    that appears again is noted when the check pass meets its first record, to name it
    in the error of the others.
    """

    total: int  # records
    # Each key in the file: the record it first appears in, counted from 0.
    ordinal_of_key: dict[str, int]
    other_keys: set[str]  # keys of sessions outside the file that records point to
    # Keys given by more than one record: where they first appear ("" until checked).
    first_location_of_repeated_key: dict[str, str]


def _index_file(records: Iterable[Record], catalogue: Catalogue) -> FileIndex:
    """Note every key and the record it first appears in, and put every speaker the
    file names into the catalogue's directory: those it gives an organisation first,
    so that a speaker named alone can be matched against all of them."""
    total, ordinal_of_key, repeated, pointed_to = 0, {}, {}, set()
    named_alone: dict[str, SpeakerEntry] = {}  # casefolded name: the first entry, completed
    speakers = catalogue.speakers
    for ordinal, record in enumerate(records):
        total += 1
        if not isinstance(record.data, dict):
            continue
        key, related, entries = (
            _clean_quietly(name, record.data.get(name)) for name in ("key", "related", "speakers")
        )
        if key and ordinal_of_key.setdefault(key, ordinal) != ordinal:
            repeated[key] = ""
        pointed_to.update(related or ())
        for entry in entries or ():
            if entry.organisation:
                speakers.add(entry)
            else:
                first = named_alone.setdefault(entry.identity[0], entry)
                if entry.stakeholder and not first.stakeholder:
                    named_alone[entry.identity[0]] = replace(first, stakeholder=entry.stakeholder)
    for entry in named_alone.values():
        # The record that names them reports a name several speakers have.
        with suppress(InvalidValue):
            speakers.find(entry)

    other_keys = set()
    for batch in _in_batches(pointed_to.difference(ordinal_of_key)):
        other_keys.update(Session.objects.filter(key__in=batch).values_list("key", flat=True))
    return FileIndex(total, ordinal_of_key, other_keys, repeated)


def _clean_quietly(name: str, value: object):
    """The cleaned value of a field, or None when it is missing or invalid: the pass
    that checks the records reports it."""
    if value is None:
        return None
    try:
        return CLEANERS[name](value)
    except InvalidValue:
        return None


@dataclass
class _Warnings:
    """Fields outside the import format: how many records give each, and the first few."""

    count: int = 0
    first_locations: list[str] = field(default_factory=list)

    def add(self, location: str) -> None:
        self.count += 1
        if len(self.first_locations) < WARNING_LOCATIONS_SHOWN:
            self.first_locations.append(location)

    def where(self) -> str:
        """ "line 3", or "4 records (line 3, line 5, ...)" for a warning that repeats."""
        if self.count == 1:
            return self.first_locations[0]
        more = ", ..." if self.count > len(self.first_locations) else ""
        return f"{self.count} records ({', '.join(self.first_locations)}{more})"


def _check(
    records: Iterable[Record],
    index: FileIndex,
    catalogue: Catalogue,
    result: ImportResult,
    progress: ProgressCallback | None,
) -> None:
    """Check every record and count what the import would do; problems go into `result`."""
    unknown: dict[str, _Warnings] = defaultdict(_Warnings)
    new_names = {"type": {}, "topic": {}, "venue": {}, "tag": {}}
    outcomes = Counter()
    done = 0
    for chunk in _chunks(records, CHUNK_SIZE):
        changes, errors = _plan_chunk(chunk, done, index, catalogue, new_names, unknown)
        result.errors += [problem for ordinal in sorted(errors) for problem in errors[ordinal]]
        outcomes.update(change.outcome for change in changes)
        done = _report_progress(progress, done, len(chunk), index.total)
    result.created, result.updated = outcomes[CREATE], outcomes[UPDATE]
    result.unchanged = outcomes[UNCHANGED]
    result.new_types = list(new_names["type"].values())
    result.new_topics = list(new_names["topic"].values())
    result.new_venues = [_venue_name(*place) for place in new_names["venue"].values()]
    result.new_tags = list(new_names["tag"].values())
    result.new_speakers = len(catalogue.speakers.new)
    result.completed_speakers = len(catalogue.speakers.completions)
    result.warnings = [
        Problem(where.where(), "is not part of the import format; skipped", name)
        for name, where in unknown.items()
    ]


def _report_progress(progress: ProgressCallback | None, done: int, more: int, total: int) -> int:
    if progress:
        for number in range(done + 1, done + more + 1):
            progress(number, total)
    return done + more


def _chunks(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    records = iter(records)
    while chunk := list(islice(records, size)):
        yield chunk


def _plan_chunk(
    chunk: list[Record],
    start: int,
    index: FileIndex,
    catalogue: Catalogue,
    new_names: dict[str, dict],
    unknown: dict[str, _Warnings] | None = None,
) -> tuple[list[SessionChange], dict[int, list[Problem]]]:
    """Check the records of `chunk`, the first of which is record `start` of the file,
    and work out their changes: the changes of the valid ones, and the problems of the
    others by their place in the chunk."""
    errors: dict[int, list[Problem]] = defaultdict(list)
    changes: list[SessionChange] = []
    for ordinal, record in enumerate(chunk):
        if not isinstance(record.data, dict):
            errors[ordinal].append(
                Problem(
                    record.location,
                    f"a session must be an object of fields, not {_describe(record.data)}",
                )
            )
            continue
        values = {}
        for name, value in record.data.items():
            if name not in KNOWN_FIELDS:
                if unknown is not None:
                    unknown[name].add(record.location)
                continue
            if name == "speakers" and isinstance(value, list) and unknown is not None:
                for item in value:
                    for part in item if isinstance(item, dict) else ():
                        if part not in SPEAKER_FIELDS:
                            unknown[f"speakers.{part}"].add(record.location)
            if value is not None:
                try:
                    values[name] = CLEANERS[name](value)
                except InvalidValue as error:
                    errors[ordinal].append(Problem(record.location, str(error), name))
        for name in REQUIRED_FIELDS:
            if record.data.get(name) is None:
                errors[ordinal].append(Problem(record.location, "is required but missing", name))
        key = values.get("key")
        if key in index.first_location_of_repeated_key:
            if index.ordinal_of_key[key] == start + ordinal:
                index.first_location_of_repeated_key[key] = record.location
            else:
                first_location = index.first_location_of_repeated_key[key]
                errors[ordinal].append(
                    Problem(record.location, f'"{key}" is also the key of {first_location}', "key")
                )
        changes.append(SessionChange(ordinal, record.location, key, values))

    # What the records point to is checked even where a field already failed, so that
    # one run reports every problem.
    lookups = _look_up(changes, index, catalogue)
    for change in changes:
        errors[change.ordinal] += _resolve_speakers(change, lookups.speakers)
    for change in changes:
        errors[change.ordinal] += _resolve(
            change,
            lookups,
            index.ordinal_of_key,
            new_names,
            complete=not errors[change.ordinal],
        )
    changes = [change for change in changes if not errors[change.ordinal]]
    return changes, {ordinal: problems for ordinal, problems in errors.items() if problems}


def _resolve_speakers(change: SessionChange, speakers: SpeakerDirectory) -> list[Problem]:
    """Match `change`'s participants to speakers, once the directory holds every
    (name, organisation) the file gives: a name alone may be any of them."""
    entries = change.values.get("speakers")
    if entries is None:
        return []
    try:
        change.participants = [
            (speakers.find(entry) if not entry.organisation else entry.identity, entry.role)
            for entry in entries
        ]
    except InvalidValue as error:
        return [Problem(change.location, str(error), "speakers")]
    return []


def _venue_name(city: str, country: str) -> str:
    return f"{city}, {country}" if country else city


def _in_batches(values: Iterable, size: int = LOOKUP_BATCH):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _look_up(changes: list[SessionChange], index: FileIndex, catalogue: Catalogue) -> Lookups:
    """The sessions `changes` update, as they are now, read in a few queries."""
    keys = [change.key for change in changes if change.key]
    Related = Session.related.through
    Presents = Session.strategies.through
    Tagged = Session.tags.through
    sessions, related_keys, strategy_ids = {}, defaultdict(set), defaultdict(set)
    tag_ids, participants, transcripts = defaultdict(set), defaultdict(list), {}
    keys_with_transcripts = [c.key for c in changes if c.key and "transcript" in c.values]
    for batch in _in_batches(keys):
        sessions.update((s.key, s) for s in Session.objects.filter(key__in=batch))
        related_keys_rows = Related.objects.filter(from_session__key__in=batch).values_list(
            "from_session__key", "to_session__key"
        )
        for key, related_key in related_keys_rows:
            related_keys[key].add(related_key)
        strategy_rows = Presents.objects.filter(session__key__in=batch).values_list(
            "session__key", "strategy_id"
        )
        for key, strategy_id in strategy_rows:
            strategy_ids[key].add(strategy_id)
        for key, tag_id in Tagged.objects.filter(session__key__in=batch).values_list(
            "session__key", "tag_id"
        ):
            tag_ids[key].add(tag_id)
        for key, *participant in (
            Participant.objects.filter(session__key__in=batch)
            .order_by("session", "order", "pk")
            .values_list("session__key", "speaker_id", "role", "order")
        ):
            participants[key].append(tuple(participant))
    for batch in _in_batches(keys_with_transcripts):
        transcripts.update(
            Transcript.objects.filter(
                session__key__in=batch, language=TRANSCRIPT_LANGUAGE
            ).values_list("session__key", "text")
        )

    return Lookups(
        sessions=sessions,
        related_keys=related_keys,
        strategy_ids=strategy_ids,
        other_keys=index.other_keys,
        strategies=catalogue.strategies,
        types=catalogue.types,
        topics=catalogue.topics,
        venues=catalogue.venues,
        tags=catalogue.tags,
        tag_ids=tag_ids,
        participants=participants,
        transcripts=transcripts,
        speakers=catalogue.speakers,
    )


def _resolve(
    change: SessionChange,
    lookups: Lookups,
    keys_in_file: Container[str],
    new_names: dict[str, dict],
    *,
    complete: bool,
) -> list[Problem]:
    """Check what `change` points to and, when all its fields were valid (`complete`),
    decide whether it creates, updates or leaves its session unchanged."""
    problems = []
    values = change.values
    session = change.session = lookups.sessions.get(change.key)

    if "topic" not in values and session is None:
        values["topic"] = Topic.DEFAULT
    if "status" not in values and session is None:
        values["status"] = Session.Status.PUBLISHED

    for name, existing in (("type", lookups.types), ("topic", lookups.topics)):
        if name in values and values[name].casefold() not in existing:
            # The first spelling in the file names a new type or topic.
            values[name] = new_names[name].setdefault(values[name].casefold(), values[name])

    city, country = values.get("venue", ("", ""))
    place = (city.casefold(), country.casefold())
    if "venue" in values and place not in lookups.venues:
        if not country and place[0] != ONLINE.casefold():
            problems.append(
                Problem(
                    change.location,
                    f'"{city}" has no country: write "City, Country", or "{ONLINE}"',
                    "venue",
                )
            )
        else:
            city, country = new_names["venue"].setdefault(
                place, (ONLINE, "") if not country else (city, country)
            )
            values["venue"] = (city, country)

    start = values.get("start_time", session and session.start_time)
    end = values.get("end_time", session and session.end_time)
    if end is not None and start is None:
        problems.append(Problem(change.location, "is given without a start_time", "end_time"))
    elif end is not None and end <= start:
        problems.append(
            Problem(
                change.location,
                f"{end:%H:%M} is not after the start_time {start:%H:%M}",
                "end_time",
            )
        )

    if "related" in values:
        for key in values["related"]:
            if key == change.key:
                problems.append(
                    Problem(change.location, "a session cannot be related to itself", "related")
                )
            elif key not in keys_in_file and key not in lookups.other_keys:
                problems.append(
                    Problem(
                        change.location,
                        f'no session has the key "{key}", in this file or the catalogue',
                        "related",
                    )
                )
        change.related_keys = values["related"]
    if "strategies" in values:
        for slug in values["strategies"]:
            if slug not in lookups.strategies:
                problems.append(
                    Problem(change.location, f'no strategy has the slug "{slug}"', "strategies")
                )
        change.strategy_ids = [
            lookups.strategies[slug] for slug in values["strategies"] if slug in lookups.strategies
        ]
    for name in values.get("tags", ()):
        if name.casefold() not in lookups.tags:
            new_names["tag"].setdefault(name.casefold(), name)
    if problems or not complete:
        return problems

    if session is None:
        change.outcome = CREATE
        change.related_changed = bool(change.related_keys)
        change.strategies_changed = bool(change.strategy_ids)
        change.participants_changed = bool(change.participants)
        change.tags_changed = bool(values.get("tags"))
        change.transcript_changed = bool(values.get("transcript"))
        return []
    change.participants_changed = change.participants is not None and _participants_differ(
        change, lookups
    )
    change.tags_changed = "tags" in values and _tags_differ(change, lookups)
    change.transcript_changed = "transcript" in values and values[
        "transcript"
    ] != lookups.transcripts.get(change.key, "")
    change.related_changed = change.related_keys is not None and set(
        change.related_keys
    ) != lookups.related_keys.get(change.key, set())
    change.strategies_changed = change.strategy_ids is not None and set(
        change.strategy_ids
    ) != lookups.strategy_ids.get(change.key, set())
    if (
        _fields_differ(session, values, lookups)
        or change.related_changed
        or change.strategies_changed
        or change.participants_changed
        or change.tags_changed
        or change.transcript_changed
    ):
        change.outcome = UPDATE
    return []


def _participants_differ(change: SessionChange, lookups: Lookups) -> bool:
    speakers = lookups.speakers
    if any(speakers.is_new(identity) for identity, _ in change.participants):
        return True
    wanted = [
        (speakers.existing[identity].pk, role, order)
        for order, (identity, role) in enumerate(change.participants)
    ]
    return wanted != lookups.participants.get(change.key, [])


def _tags_differ(change: SessionChange, lookups: Lookups) -> bool:
    tags = [lookups.tags.get(name.casefold()) for name in change.values["tags"]]
    if None in tags:
        return True
    return {tag.pk for tag in tags} != lookups.tag_ids.get(change.key, set())


def _fields_differ(session: Session, values: dict, lookups: Lookups) -> bool:
    for name in PLAIN_FIELDS:
        if name not in values:
            continue
        wanted = sanitise_html(values[name]) if name == "description" else values[name]
        if getattr(session, name) != wanted:
            return True
    for name, existing in (("type", lookups.types), ("topic", lookups.topics)):
        if name in values:
            match = existing.get(values[name].casefold())
            if match is None or match.pk != getattr(session, f"{name}_id"):
                return True
    city, country = values["venue"]
    venue = lookups.venues.get((city.casefold(), country.casefold()))
    return venue is None or venue.pk != session.venue_id


def _write(
    records: Iterable[Record],
    index: FileIndex,
    catalogue: Catalogue,
    progress: ProgressCallback | None,
) -> None:
    """Write the records, checked already, chunk by chunk within the import's transaction."""
    writer = _Writer(catalogue)
    # Filled again in the same order as when checking, so a new type, topic or venue
    # takes the same (first) spelling.
    new_names = {"type": {}, "topic": {}, "venue": {}, "tag": {}}
    done = 0
    for chunk in _chunks(records, CHUNK_SIZE):
        changes, errors = _plan_chunk(chunk, done, index, catalogue, new_names)
        if errors or done + len(chunk) > index.total:
            raise _file_changed()
        writer.write(changes)
        done = _report_progress(progress, done, len(chunk), index.total)
    if writer.waiting:
        # A session the file pointed to further on is no longer in it.
        raise _file_changed()


def _file_changed() -> ImportFileError:
    """Only a file changed since it was checked gets the import here; it rolls back."""
    return ImportFileError([Problem("", "the file changed while it was being imported")])


class _Writer:
    """Writes the changes of one chunk of records after another.

    It keeps only what later chunks need: the types, topics, venues, tags and speakers
    that exist so far, and the hand links to sessions further on in the file, written
    once those sessions are. A link to a session that exists already is written with
    its chunk: keeping every link of a big file until the end would grow memory with it.
    """

    def __init__(self, catalogue: Catalogue):
        self.types = _NamedRows(SessionType, catalogue.types, lambda name: {"name": name})
        self.topics = _NamedRows(Topic, catalogue.topics, lambda name: {"name": name})
        self.venues = _NamedRows(
            Venue, catalogue.venues, lambda place: {"city": place[0], "country": place[1]}
        )
        self.tags = _NamedRows(Tag, catalogue.tags, lambda name: {"name": name})
        self.pk_of_speaker = _write_speakers(catalogue.speakers)
        # Key of a session not written yet: the ids of the sessions linking to it.
        self.waiting: dict[str, list[int]] = defaultdict(list)

    def write(self, changes: list[SessionChange]) -> None:
        pk_of_key = {}
        for change in changes:
            if change.outcome != UNCHANGED:
                session = _save(change, self.types, self.topics, self.venues)
                pk_of_key[change.key] = session.pk

        self._write_links(changes, pk_of_key)

        Presents = Session.strategies.through
        represented = [change for change in changes if change.strategies_changed]
        for batch in _in_batches(represented):
            Presents.objects.filter(session__in=[pk_of_key[c.key] for c in batch]).delete()
        Presents.objects.bulk_create(
            Presents(session_id=pk_of_key[change.key], strategy_id=strategy_id)
            for change in represented
            for strategy_id in change.strategy_ids
        )

        self._write_participants(changes, pk_of_key)
        self._write_tags(changes, pk_of_key)
        _write_transcripts(changes, pk_of_key)
        # Links and transcripts go in in bulk, without signals: the search vectors of the
        # sessions the chunk changed are refreshed here.
        refresh_search_vectors(pk_of_key.values())

    def _write_links(self, changes: list[SessionChange], pk_of_key: dict[str, int]) -> None:
        """Replace the hand links of the chunk's sessions whose links changed: those to a
        session that exists by now at once, the others once it is written; and write the
        links that were waiting for a session the chunk created."""
        Related = Session.related.through
        relinked = [change for change in changes if change.related_changed]
        for batch in _in_batches(relinked):
            Related.objects.filter(from_session__in=[pk_of_key[c.key] for c in batch]).delete()
        pk_of_related = {}
        for batch in _in_batches({key for c in relinked for key in c.related_keys}):
            pk_of_related.update(Session.objects.filter(key__in=batch).values_list("key", "pk"))
        links = []
        for change in relinked:
            for key in change.related_keys:
                if key in pk_of_related:
                    links.append((pk_of_key[change.key], pk_of_related[key]))
                else:
                    self.waiting[key].append(pk_of_key[change.key])
        for key, pk in pk_of_key.items():
            links += [(session_id, pk) for session_id in self.waiting.pop(key, ())]
        Related.objects.bulk_create(
            Related(from_session_id=session_id, to_session_id=related_id)
            for session_id, related_id in links
        )

    def _write_participants(self, changes: list[SessionChange], pk_of_key: dict[str, int]):
        recast = [change for change in changes if change.participants_changed]
        for batch in _in_batches(recast):
            Participant.objects.filter(session__in=[pk_of_key[c.key] for c in batch]).delete()
        Participant.objects.bulk_create(
            Participant(
                session_id=pk_of_key[change.key],
                speaker_id=self.pk_of_speaker[identity],
                role=role,
                order=order,
            )
            for change in recast
            for order, (identity, role) in enumerate(change.participants)
        )

    def _write_tags(self, changes: list[SessionChange], pk_of_key: dict[str, int]) -> None:
        Tagged = Session.tags.through
        retagged = [change for change in changes if change.tags_changed]
        for batch in _in_batches(retagged):
            Tagged.objects.filter(session__in=[pk_of_key[c.key] for c in batch]).delete()
        Tagged.objects.bulk_create(
            Tagged(session_id=pk_of_key[change.key], tag_id=self.tags.get(name).pk)
            for change in retagged
            for name in change.values["tags"]
        )


def _write_speakers(speakers: SpeakerDirectory) -> dict[tuple[str, str], int]:
    """Create the new speakers and complete the existing ones; the id of each by identity."""
    pk_of_speaker = {identity: speaker.pk for identity, speaker in speakers.existing.items()}
    for identity, entry in speakers.new.items():
        speaker = Speaker(
            name=entry.name, organisation=entry.organisation, stakeholder_group=entry.stakeholder
        )
        speaker.save()  # one at a time, for its unique slug
        pk_of_speaker[identity] = speaker.pk
    completions = defaultdict(list)
    for identity, stakeholder in speakers.completions.items():
        completions[stakeholder].append(pk_of_speaker[identity])
    for stakeholder, pks in completions.items():
        for batch in _in_batches(pks):
            Speaker.objects.filter(pk__in=batch).update(stakeholder_group=stakeholder)
    return pk_of_speaker


def _write_transcripts(changes: list[SessionChange], pk_of_key: dict[str, int]) -> None:
    """Set the transcript of each session whose transcript changed; empty text removes it."""
    rewritten = [change for change in changes if change.transcript_changed]
    for batch in _in_batches(rewritten):
        Transcript.objects.filter(
            session__in=[pk_of_key[c.key] for c in batch], language=TRANSCRIPT_LANGUAGE
        ).delete()
    Transcript.objects.bulk_create(
        Transcript(
            session_id=pk_of_key[change.key],
            language=TRANSCRIPT_LANGUAGE,
            text=change.values["transcript"],
        )
        for change in rewritten
        if change.values["transcript"]
    )


def _save(change: SessionChange, types, topics, venues) -> Session:
    values = change.values
    session = change.session
    if session is None:
        session = Session(key=change.key, views=values.get("views", 0))
    for name in PLAIN_FIELDS:
        if name in values:
            setattr(session, name, values[name])  # save() sanitises the description
    if "type" in values:
        session.type = types.get(values["type"])
    if "topic" in values:
        session.topic = topics.get(values["topic"])
    session.venue = venues.get(values["venue"])

    if change.outcome == CREATE:
        session.save()
    else:
        # Only the fields the import sets: never `views`, which visitors keep counting.
        given = [name for name in (*PLAIN_FIELDS, "type", "topic") if name in values]
        session.save(update_fields=[*given, "venue", "updated_at", "published_at"])
    return session


class _NamedRows:
    """Session types, topics or venues by casefolded name; a new one is created on first use."""

    def __init__(self, model, existing: dict, fields_of: Callable[[object], dict]):
        self.model = model
        self.rows = dict(existing)
        self.fields_of = fields_of

    def get(self, name: str | tuple[str, str]):
        folded = (
            tuple(part.casefold() for part in name) if isinstance(name, tuple) else name.casefold()
        )
        if folded not in self.rows:
            self.rows[folded] = self.model.objects.create(**self.fields_of(name))
        return self.rows[folded]
