"""Checking a chunk of records and working out what each changes (`plan_chunk`): the
sessions, links, strategies, participants, tags, transcripts, recordings and linked
documents they update, looked up in a few queries, and the types, topics, venues and
tags they would create."""

from collections import defaultdict
from collections.abc import Container
from dataclasses import dataclass, replace

from django.utils.text import Truncator

from igf_catalogue.html import sanitise_html
from sessions.models import (
    Document,
    Participant,
    Recording,
    Session,
    SessionType,
    Tag,
    Topic,
    Transcript,
    Venue,
)
from sessions.models.session import HTML_FIELDS, REPORT_FIELDS

from .archive import is_uploaded_file
from .checks import InvalidItems, InvalidValue, describe
from .indexing import Catalogue, FileIndex, in_batches
from .meetings import CatalogueMeetings, FileMeetings, held
from .records import (
    DOCUMENT_FIELDS,
    KNOWN_FIELDS,
    MEETING_FIELDS,
    ONLINE,
    RECORD_FIELD,
    RECORDING_FIELDS,
    REQUIRED_FIELDS,
    SESSION,
    SPEAKER_FIELDS,
    TRANSCRIPT_LANGUAGE,
    Problem,
    Record,
    Warnings,
)
from .speakers import SpeakerDirectory
from .values import CLEANERS

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
# Characters of a record's key its errors show: enough for any real key.
KEY_SHOWN = 80
# The parts an object of a list field may give, by field.
ITEM_FIELDS = {
    "speakers": SPEAKER_FIELDS,
    "recordings": RECORDING_FIELDS,
    "documents": DOCUMENT_FIELDS,
}

# Fields copied onto the session as they are.
PLAIN_FIELDS = (
    "title", "date", "start_time", "end_time", "description", "status", "url", "language",
    *REPORT_FIELDS,
)  # fmt: skip


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
    recordings_changed: bool = False
    documents_changed: bool = False
    # The key of the meeting it belongs to, in the file or the catalogue, once found.
    meeting_key: str = ""


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
    meetings: CatalogueMeetings
    file_meetings: FileMeetings
    tag_ids: dict[str, set[int]]  # key: the session's current tags
    participants: dict[str, list[tuple[int, str, int]]]  # key: (speaker id, role, order)
    transcripts: dict[str, str]  # key: the session's current transcript in TRANSCRIPT_LANGUAGE
    # key: the session's recordings and linked documents as they are shown, in order
    # (uploaded files are the admin's and not compared).
    recordings: dict[str, list[tuple]]
    documents: dict[str, list[tuple]]
    speakers: SpeakerDirectory


def plan_chunk(
    chunk: list[Record],
    start: int,
    index: FileIndex,
    catalogue: Catalogue,
    new_names: dict[str, dict],
    unknown: dict[str, Warnings] | None = None,
) -> tuple[list[SessionChange], dict[int, list[Problem]]]:
    """Check the records of `chunk`, the first of which is record `start` of the file,
    and work out their changes: the changes of the valid ones, and the problems of the
    others by their place in the chunk."""
    errors: dict[int, list[Problem]] = defaultdict(list)
    changes: list[SessionChange] = []
    for ordinal, record in enumerate(chunk):
        if record.is_meeting:
            continue  # checked with the file's first pass (meetings.FileMeetings)
        if not isinstance(record.data, dict):
            errors[ordinal].append(
                Problem(
                    record.location,
                    f"a session must be an object of fields, not {describe(record.data)}",
                )
            )
            continue
        for name in getattr(record.data, "repeated_names", ()):
            errors[ordinal].append(
                Problem(record.location, "is given more than once; give each field once", name)
            )
        values = {}
        for name, value in record.data.items():
            if name not in KNOWN_FIELDS:
                # A CSV row of a session has the meetings' columns too, empty.
                if name in MEETING_FIELDS and value in ("", None):
                    continue
                if name == RECORD_FIELD:
                    if str(value).strip() not in ("", SESSION):
                        errors[ordinal].append(
                            Problem(record.location, 'is "session" or "meeting"', name)
                        )
                    continue
                if unknown is not None:
                    unknown[name].add(record.location)
                continue
            if name in ITEM_FIELDS and isinstance(value, list) and unknown is not None:
                _note_unknown_parts(name, value, record.location, unknown)
            if value is not None:
                try:
                    values[name] = CLEANERS[name](value)
                except InvalidItems as error:
                    errors[ordinal] += [
                        Problem(record.location, message, name) for message in error.messages
                    ]
                except InvalidValue as error:
                    errors[ordinal].append(Problem(record.location, str(error), name))
        # The report's parts are fields of the session.
        values.update(values.pop("report", {}))
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
    return changes, {
        ordinal: [replace(problem, key=_key_shown(chunk[ordinal])) for problem in problems]
        for ordinal, problems in errors.items()
        if problems
    }


def _note_unknown_parts(
    name: str, items: list, location: str, unknown: dict[str, Warnings]
) -> None:
    """Warn of the parts of a list field's objects outside the format; an uploaded
    document, as an export writes it, is left alone whole."""
    parts = set()
    for item in items:
        if not isinstance(item, dict):
            continue
        if name == "documents" and is_uploaded_file(item):
            continue
        parts.update(part for part in item if part not in ITEM_FIELDS[name])
    for part in sorted(parts):  # each once for the record, however many items give it
        unknown[f"{name}.{part}"].add(location)


def _key_shown(record: Record) -> str:
    """The key a record gives, to name it by in its errors, as far as it is readable."""
    key = record.data.get("key") if isinstance(record.data, dict) else None
    if not isinstance(key, str):
        return ""
    return Truncator(" ".join(key.replace("\x00", " ").split())).chars(KEY_SHOWN)


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


def venue_name(city: str, country: str) -> str:
    return f"{city}, {country}" if country else city


def _look_up(changes: list[SessionChange], index: FileIndex, catalogue: Catalogue) -> Lookups:
    """The sessions `changes` update, as they are now, read in a few queries."""
    keys = [change.key for change in changes if change.key]
    Related = Session.related.through
    Presents = Session.strategies.through
    Tagged = Session.tags.through
    sessions, related_keys, strategy_ids = {}, defaultdict(set), defaultdict(set)
    tag_ids, participants, transcripts = defaultdict(set), defaultdict(list), {}
    keys_with_transcripts = [c.key for c in changes if c.key and "transcript" in c.values]
    keys_with_recordings = [c.key for c in changes if c.key and "recordings" in c.values]
    keys_with_documents = [c.key for c in changes if c.key and "documents" in c.values]
    for batch in in_batches(keys):
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
    for batch in in_batches(keys_with_transcripts):
        transcripts.update(
            Transcript.objects.filter(
                session__key__in=batch, language=TRANSCRIPT_LANGUAGE
            ).values_list("session__key", "text")
        )
    recordings, documents = defaultdict(list), defaultdict(list)
    for batch in in_batches(keys_with_recordings):
        for key, *shown in (
            Recording.objects.filter(session__key__in=batch)
            .order_by("session", "order", "pk")
            .values_list("session__key", "url", "language", "title", "length")
        ):
            recordings[key].append(tuple(shown))
    for batch in in_batches(keys_with_documents):
        for key, *shown in (
            Document.objects.filter(session__key__in=batch, file="")
            .order_by("session", "order", "pk")
            .values_list("session__key", "url", "title", "kind", "language")
        ):
            documents[key].append(tuple(shown))

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
        meetings=catalogue.meetings,
        file_meetings=index.meetings,
        tag_ids=tag_ids,
        participants=participants,
        transcripts=transcripts,
        recordings=recordings,
        documents=documents,
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

    problems += _find_meeting(change, lookups)

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
        change.recordings_changed = bool(values.get("recordings"))
        change.documents_changed = bool(values.get("documents"))
        return []
    change.participants_changed = change.participants is not None and _participants_differ(
        change, lookups
    )
    change.tags_changed = "tags" in values and _tags_differ(change, lookups)
    change.transcript_changed = "transcript" in values and values[
        "transcript"
    ] != lookups.transcripts.get(change.key, "")
    # The order is compared, not the numbers kept for it: links an editor left at the
    # same number are in order all the same.
    change.recordings_changed = "recordings" in values and [
        (entry.url, entry.language, entry.title, entry.length) for entry in values["recordings"]
    ] != lookups.recordings.get(change.key, [])
    change.documents_changed = "documents" in values and [
        (entry.url, entry.title, entry.kind, entry.language) for entry in values["documents"]
    ] != lookups.documents.get(change.key, [])
    change.related_changed = change.related_keys is not None and set(
        change.related_keys
    ) != lookups.related_keys.get(change.key, set())
    change.strategies_changed = change.strategy_ids is not None and set(
        change.strategy_ids
    ) != lookups.strategy_ids.get(change.key, set())
    if (
        _fields_differ(session, change, lookups)
        or change.related_changed
        or change.strategies_changed
        or change.participants_changed
        or change.tags_changed
        or change.transcript_changed
        or change.recordings_changed
        or change.documents_changed
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


def _fields_differ(session: Session, change: SessionChange, lookups: Lookups) -> bool:
    values = change.values
    for name in PLAIN_FIELDS:
        if name not in values:
            continue
        wanted = sanitise_html(values[name]) if name in HTML_FIELDS else values[name]
        if getattr(session, name) != wanted:
            return True
    for name, existing in (("type", lookups.types), ("topic", lookups.topics)):
        if name in values:
            match = existing.get(values[name].casefold())
            if match is None or match.pk != getattr(session, f"{name}_id"):
                return True
    meeting = lookups.meetings.by_slug.get(change.meeting_key)
    return meeting is None or meeting.pk != session.meeting_id


def _find_meeting(change: SessionChange, lookups: Lookups) -> list[Problem]:
    """Find the meeting of `change`, in the file or the catalogue: the one its `meeting`
    names by key or slug, else the annual meeting held at its venue in its year (Day 0
    events come days before a meeting opens, in the same year), else the only other
    meeting held there then. A session that matches none is an error: the file may carry
    its meeting, or an editor add it first."""
    values = change.values
    if "venue" not in values or "date" not in values:
        return []  # reported as missing
    city, country = values["venue"]
    place = venue_name(city, country)
    in_file, in_catalogue = lookups.file_meetings.by_key, lookups.meetings.by_slug
    if values.get("meeting"):
        key = values["meeting"]
        meeting = in_file.get(key) or in_catalogue.get(key)
        if meeting is None:
            return [
                Problem(
                    change.location,
                    f'no meeting has the key or slug "{key}", in this file or the catalogue',
                    "meeting",
                )
            ]
        where = meeting.venue if key in in_file else (meeting.venue.city, meeting.venue.country)
        if held(*where, 0) != held(city, country, 0):
            return [
                Problem(
                    change.location,
                    f'"{place}" is not where {meeting.name} was held ({venue_name(*where)})',
                    "venue",
                )
            ]
        change.meeting_key = key
        return []
    year = values["date"].year
    there = held(city, country, year)
    candidates = [*lookups.file_meetings.held.get(there, [])] + [
        meeting
        for meeting in lookups.meetings.held.get(there, [])
        if meeting.slug not in in_file  # the file's version of it counts
    ]
    annual = [meeting for meeting in candidates if meeting.is_annual]
    if len(annual) == 1 or (not annual and len(candidates) == 1):
        change.meeting_key = (annual or candidates)[0].slug
        return []
    if not candidates:
        problem = (
            f'no meeting was held in {place} in {year}: name its meeting in "meeting", '
            "give the meeting in the file, or add it to the catalogue first"
        )
    else:
        names = ", ".join(f'"{meeting.slug}"' for meeting in annual or candidates)
        count = len(annual or candidates)
        problem = f"{count} meetings were held in {place} in {year}; name one of them: {names}"
    return [Problem(change.location, problem, "meeting")]
