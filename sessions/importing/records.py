"""The import format's fields, what a file is read into (`Record`), and what an import
reports: its `Problem`s, `ImportFileError`, `ImportResult` and the `Warnings` about
fields outside the format. Uses nothing else of the package and no model."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

REQUIRED_FIELDS = ("key", "title", "date", "type", "venue")
OPTIONAL_FIELDS = (
    "start_time", "end_time", "topic", "description", "status", "views", "related",
    "strategies", "url", "speakers", "tags", "transcript", "recordings", "documents", "meeting",
    "report", "language",
)  # fmt: skip
# The parts of a session's `report`; in CSV, columns of their own: "report.summary", ...
REPORT_PARTS = ("summary", "key_takeaways", "calls_to_action")
KNOWN_FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS
# A meeting the file carries, beside its sessions; its key is its slug in the catalogue.
MEETING_REQUIRED_FIELDS = ("key", "name", "kind", "venue")
MEETING_OPTIONAL_FIELDS = ("start_date", "end_date", "number", "theme", "website")
MEETING_FIELDS = MEETING_REQUIRED_FIELDS + MEETING_OPTIONAL_FIELDS
# What a JSON Lines object or CSV row is, when it is not a session: {"record": "meeting"}.
RECORD_FIELD = "record"
SESSION, MEETING = "session", "meeting"
LIST_FIELDS = ("related", "strategies", "speakers", "tags", "recordings", "documents")
# The fields of a speaker given as an object rather than a name.
SPEAKER_FIELDS = ("name", "organisation", "stakeholder", "role")
# The fields of a recording or a document given as an object rather than a URL.
RECORDING_FIELDS = ("url", "language", "title", "length")
DOCUMENT_FIELDS = ("url", "title", "kind", "language")
# A document given with `file` rather than `url` is a file uploaded in the admin, as an
# export writes it: an import leaves uploads alone, so such an object only keeps its
# place among the links.
UPLOADED_FILE = "file"
ONLINE = "Online"
# The language of a transcript given as text.
TRANSCRIPT_LANGUAGE = "en"
# A warning repeated over many records names this many of them.
WARNING_LOCATIONS_SHOWN = 5


@dataclass(frozen=True)
class Record:
    """One session, or one meeting, as read from a file, before validation."""

    location: str  # where it is in the file: "line 4" (CSV, JSONL) or "index 2" (JSON)
    data: object  # a dict of field name to value, unless the file is wrong
    kind: str = SESSION

    @classmethod
    def read(cls, location: str, data: object) -> "Record":
        """A record of a JSON Lines or CSV file, a meeting when its `record` says so."""
        is_meeting = isinstance(data, dict) and str(data.get(RECORD_FIELD, "")).strip() == MEETING
        return cls(location, data, MEETING if is_meeting else SESSION)

    @property
    def is_meeting(self) -> bool:
        return self.kind == MEETING


class JsonObject(dict):
    """An object of a JSON file, with the names it gives more than once: JSON allows
    that, and a reader keeps the last value, so the first would be lost unsaid."""

    repeated_names: tuple[str, ...] = ()

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, object]]) -> "JsonObject":
        data = cls(pairs)
        if len(data) < len(pairs):
            data.repeated_names = tuple(
                name for name, count in Counter(name for name, _ in pairs).items() if count > 1
            )
        return data


@dataclass(frozen=True)
class Problem:
    """An error or warning: where (record, and its key when it has one), which field,
    and what is wrong."""

    location: str
    message: str
    field: str = ""
    key: str = ""

    @property
    def record(self) -> str:
        """The record named as an editor finds it: 'line 4 (key "ws-12")'."""
        return f'{self.location} (key "{self.key}")' if self.key else self.location

    def __str__(self) -> str:
        where = ", ".join(
            part for part in (self.record, self.field and f'field "{self.field}"') if part
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
    # Names of the session types, topics, venues and meetings the import creates (or would).
    new_types: list[str] = field(default_factory=list)
    new_topics: list[str] = field(default_factory=list)
    new_venues: list[str] = field(default_factory=list)
    new_meetings: list[str] = field(default_factory=list)
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
            ("meetings", self.new_meetings),
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


@dataclass
class Warnings:
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
