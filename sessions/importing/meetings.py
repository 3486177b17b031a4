"""The meetings an import finds its sessions' meetings among: the catalogue's
(`CatalogueMeetings`) and those the file carries (`FileMeetings`), checked in the first
pass over the file so that any session may name one, and written before the sessions
(`write_meetings`). A meeting's key is its slug: a meeting of the file with the slug of
one in the catalogue updates it, so importing the same file twice changes nothing."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from sessions.models import Meeting

from .records import (
    MEETING_FIELDS,
    MEETING_REQUIRED_FIELDS,
    RECORD_FIELD,
    Problem,
    Record,
    Warnings,
)
from .values import MEETING_CLEANERS, InvalidValue, describe

# Where and when a meeting was held, as records name it: casefolded city and country, year.
Held = tuple[str, str, int]


def held(city: str, country: str, year: int) -> Held:
    return city.casefold(), country.casefold(), year


@dataclass
class FileMeeting:
    """A meeting as a record of the file gives it, checked."""

    location: str
    key: str
    name: str
    kind: str
    venue: tuple[str, str]  # (city, country)
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    number: int | None = None
    theme: str = ""
    website: str = ""

    @property
    def is_annual(self) -> bool:
        return self.kind == Meeting.Kind.ANNUAL

    @property
    def slug(self) -> str:
        return self.key


@dataclass
class CatalogueMeetings:
    """The catalogue's meetings as records find them: by slug, and by where and when."""

    by_slug: dict[str, Meeting]
    held: dict[Held, list[Meeting]]

    @classmethod
    def read(cls) -> "CatalogueMeetings":
        by_slug, held_there = {}, defaultdict(list)
        for meeting in Meeting.objects.select_related("venue").order_by("start_date", "pk"):
            by_slug[meeting.slug] = meeting
            if meeting.start_date is not None:
                venue = meeting.venue
                held_there[held(venue.city, venue.country, meeting.start_date.year)].append(meeting)
        return cls(by_slug, dict(held_there))


@dataclass
class FileMeetings:
    """The meetings a file carries, checked as the first pass over the file meets them."""

    by_key: dict[str, FileMeeting] = field(default_factory=dict)
    first_location: dict[str, str] = field(default_factory=dict)  # key: where it came first
    problems: list[Problem] = field(default_factory=list)
    # Fields outside the format, by name.
    unknown: dict[str, Warnings] = field(default_factory=lambda: defaultdict(Warnings))
    count: int = 0

    def add(self, record: Record) -> None:
        self.count += 1
        data = record.data
        if not isinstance(data, dict):
            self.problems.append(
                Problem(
                    record.location, f"a meeting must be an object of fields, not {describe(data)}"
                )
            )
            return
        values, problems = {}, []
        for name, value in data.items():
            if name == RECORD_FIELD:
                continue
            if name not in MEETING_FIELDS:
                # A CSV row of a meeting has the sessions' columns too, empty.
                if value not in ("", None, []):
                    self.unknown[name].add(record.location)
                continue
            if value is None:
                continue
            try:
                values[name] = MEETING_CLEANERS[name](value)
            except InvalidValue as error:
                problems.append(Problem(record.location, str(error), name))
        for name in MEETING_REQUIRED_FIELDS:
            if data.get(name) is None:
                problems.append(Problem(record.location, "is required but missing", name))
        key = values.get("key")
        if key in self.first_location:
            first = self.first_location[key]
            problems.append(Problem(record.location, f'"{key}" is also the key of {first}', "key"))
        elif key:
            self.first_location[key] = record.location
        problems += _check_meeting(record.location, values)
        if problems:
            key_shown = key if isinstance(key, str) else ""
            self.problems += [_with_key(problem, key_shown) for problem in problems]
            return
        self.by_key[key] = FileMeeting(
            record.location, **{k: v for k, v in values.items() if v is not None}
        )

    @cached_property
    def held(self) -> dict[Held, list[FileMeeting]]:
        """The file's meetings by where and when they were held; read once the first pass
        has found them all."""
        held_there = defaultdict(list)
        for meeting in self.by_key.values():
            if meeting.start_date is not None:
                held_there[held(*meeting.venue, meeting.start_date.year)].append(meeting)
        return held_there

    def check_numbers(self, catalogue: CatalogueMeetings) -> None:
        """An annual meeting's number is its alone, in the file and in the catalogue."""
        numbered = {}  # number -> slug, as the catalogue will be after the import
        for slug, meeting in catalogue.by_slug.items():
            if meeting.number is not None and slug not in self.by_key:
                numbered[meeting.number] = meeting.name
        for meeting in self.by_key.values():
            if meeting.number is None:
                continue
            if meeting.number in numbered:
                self.problems.append(
                    _with_key(
                        Problem(
                            meeting.location,
                            f"{meeting.number} is the number of {numbered[meeting.number]}",
                            "number",
                        ),
                        meeting.key,
                    )
                )
            else:
                numbered[meeting.number] = meeting.name


def _check_meeting(location: str, values: dict) -> list[Problem]:
    problems = []
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        problems.append(Problem(location, f"{end} is before the start_date {start}", "end_date"))
    if end and not start:
        problems.append(Problem(location, "is given without a start_date", "end_date"))
    if values.get("number") is not None and values.get("kind") not in (None, Meeting.Kind.ANNUAL):
        problems.append(Problem(location, "only an annual IGF has a number", "number"))
    return problems


def _with_key(problem: Problem, key: str) -> Problem:
    return Problem(problem.location, problem.message, problem.field, key)


def write_meetings(
    meetings: Iterable[FileMeeting], catalogue: CatalogueMeetings, venues
) -> dict[str, Meeting]:
    """Create or update the file's meetings, writing only what changed; the meetings by
    key. `venues` finds a venue by (city, country), creating it when new."""
    by_key = {}
    for given in meetings:
        meeting = catalogue.by_slug.get(given.key) or Meeting(slug=given.key)
        fields = {
            "name": given.name,
            "kind": given.kind,
            "venue": venues.get(given.venue),
            "start_date": given.start_date,
            "end_date": given.end_date,
            "number": given.number,
            "theme": given.theme,
            "website": given.website,
        }
        changed = [name for name, value in fields.items() if getattr(meeting, name, None) != value]
        for name in changed:
            setattr(meeting, name, fields[name])
        if meeting.pk is None:
            meeting.save()
        elif changed:
            meeting.save(update_fields=changed)
        by_key[given.key] = meeting
    return by_key
