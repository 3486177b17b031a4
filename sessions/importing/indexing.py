"""What an import reads before it checks a record: the `Catalogue` of what the database
holds that records may refer to, and the `FileIndex` of the keys and speakers of the
whole file (the first pass over the records)."""

from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, replace

from sessions.models import Session, SessionType, Speaker, Tag, Topic, Venue
from strategies.models import Strategy

from .meetings import CatalogueMeetings, FileMeetings
from .records import Record
from .speakers import SpeakerDirectory
from .values import CLEANERS, InvalidValue, SpeakerEntry

# SQLite allows a limited number of parameters per query; look up keys in batches.
LOOKUP_BATCH = 500


@dataclass
class Catalogue:
    """What in the database every record may refer to, read once per import."""

    strategies: dict[str, int]  # slug: id
    types: dict[str, SessionType]  # casefolded name: type
    topics: dict[str, Topic]
    venues: dict[tuple[str, str], Venue]  # casefolded (city, country): venue
    tags: dict[str, Tag]  # casefolded name: tag
    speakers: SpeakerDirectory
    meetings: CatalogueMeetings


def read_catalogue() -> Catalogue:
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
        meetings=CatalogueMeetings.read(),
    )


@dataclass
class FileIndex:
    """What the first pass keeps of the whole file: only what records refer to across it.

    A key is noted with the number of the record it first appears in, a small int
    rather than a location string for every key of a big file. The location of a key
    that appears again is noted when the check pass meets its first record, to name it
    in the error of the others.
    """

    total: int  # records, meetings included
    # Each key in the file: the record it first appears in, counted from 0.
    ordinal_of_key: dict[str, int]
    other_keys: set[str]  # keys of sessions outside the file that records point to
    # Keys given by more than one record: where they first appear ("" until checked).
    first_location_of_repeated_key: dict[str, str]
    meetings: FileMeetings  # the meetings the file carries, checked

    @property
    def session_count(self) -> int:
        return self.total - self.meetings.count


def index_file(records: Iterable[Record], catalogue: Catalogue) -> FileIndex:
    """Note every key and the record it first appears in, and put every speaker the
    file names into the catalogue's directory: those it gives an organisation first,
    so that a speaker named alone can be matched against all of them."""
    total, ordinal_of_key, repeated, pointed_to = 0, {}, {}, set()
    meetings = FileMeetings()
    named_alone: dict[str, SpeakerEntry] = {}  # casefolded name: the first entry, completed
    speakers = catalogue.speakers
    for ordinal, record in enumerate(records):
        total += 1
        if record.is_meeting:
            meetings.add(record)
            continue
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
    for batch in in_batches(pointed_to.difference(ordinal_of_key)):
        other_keys.update(Session.objects.filter(key__in=batch).values_list("key", flat=True))
    meetings.check_numbers(catalogue.meetings)
    return FileIndex(total, ordinal_of_key, other_keys, repeated, meetings)


def _clean_quietly(name: str, value: object):
    """The cleaned value of a field, or None when it is missing or invalid: the pass
    that checks the records reports it."""
    if value is None:
        return None
    try:
        return CLEANERS[name](value)
    except InvalidValue:
        return None


def in_batches(values: Iterable, size: int = LOOKUP_BATCH):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]
