"""The catalogue in the formats other tools read: one small exporter per format.

- The import format of DESIGN.md ("Import format") as `.json`, `.jsonl` and `.csv`:
  `JsonExporter`, `JsonLinesExporter` and `CsvExporter`. What they write,
  `import_sessions` reads back into the same catalogue, as far as the format reaches:
  it does not carry a session's objectives and enablers, a speaker's regional group
  and biography link, transcripts in languages other than English, nor a venue's time
  zone, meeting number and dates. They stream: the sessions are read in chunks of
  `EXPORT_CHUNK_SIZE`, each chunk with its own prefetches, so memory stays flat however
  large the catalogue.
- iCalendar (RFC 5545): `CalendarExporter`, one event per session.
- A year's programme for conference apps (Giggity, ConfClerk, ...), in the frab
  schedule format of the c3voc tools: `frab_schedule` builds it, `FrabJsonExporter`
  and `FrabXmlExporter` write it.

Conventions the formats force a choice on:

- Every field of the import format is written for every session, empty ones as ""
  (never null): for the importer a null leaves a field alone on update, while an empty
  value clears it, and an export is a complete picture.
- Which sessions and related keys an export holds is up to its caller: the public
  downloads hold published sessions and link only to published ones; the
  `export_sessions` command holds drafts too, each with its status.
- CSV carries the list fields joined with ";" and a speaker as a name only, the way the
  importer reads a CSV file; JSON and JSON Lines carry speakers in full. CSV starts
  with a byte order mark, so that spreadsheets read it as UTF-8 (the importer skips it).
- iCalendar: a session without a start time is an all-day event; a timed one is in
  its venue's time zone (TZID, with the VTIMEZONE definitions added), or floating
  local time when the venue has none; without an end time it has no DTEND.
- frab: the catalogue has no rooms, so a session's type is its room ("Workshop",
  "Open Forum", ...) and its topic its track. A session without a start time is put
  at `FRAB_DEFAULT_START`, one without an end time lasts `FRAB_DEFAULT_DURATION`, as
  the format needs both. Times are in the venue's time zone, else the meeting's, else
  UTC. The language is English, the IGF's working language.
- Identifiers never change between exports: the iCalendar UID and the frab guid are
  the same UUID, derived from the session's key (`session_guid`).
"""

import csv
import datetime
import html
import io
import json
import re
import uuid
import xml.etree.ElementTree as ElementTree
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache

from django.db.models import Prefetch, QuerySet
from django.utils.html import strip_tags
from django.utils.text import slugify
from icalendar import Calendar, Event

from sessions.models import Participant, Session, Tag, Transcript, Venue
from strategies.models import Strategy

GENERATOR = "IGF Session Catalogue"
# The namespace of every UUID derived from a session's key. Never change it: calendars
# and conference apps recognise a session they already have by its UID or guid.
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://www.intgovforum.org/session-catalogue")

# Sessions read per query (and per round of prefetches) by the streaming exporters.
EXPORT_CHUNK_SIZE = 500
# About how many characters a streamed download sends at a time.
STREAM_PIECE_SIZE = 64 * 1024

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def session_guid(session: Session) -> uuid.UUID:
    """The session's UUID for other systems, derived from its key: stable forever."""
    return uuid.uuid5(GUID_NAMESPACE, session.key)


def printable(text: str) -> str:
    """`text` without control characters, which XML and iCalendar text cannot hold."""
    return CONTROL_CHARACTERS.sub("", text)


BLOCK_END = re.compile(r"</(?:p|div|h[1-6]|blockquote|pre|table|ul|ol|dl)\s*>", re.IGNORECASE)
LINE_END = re.compile(r"<br\s*/?>|</(?:li|tr|dt|dd)\s*>", re.IGNORECASE)
LIST_ITEM = re.compile(r"<li\b[^>]*>", re.IGNORECASE)
BLANK_LINES = re.compile(r"\n{3,}")


def plain_text(description: str) -> str:
    """A description's HTML as readable plain text: paragraphs and list items kept apart."""
    text = LIST_ITEM.sub("- ", description)
    text = LINE_END.sub("\n", BLOCK_END.sub("\n\n", text))
    text = html.unescape(strip_tags(text))
    lines = (" ".join(line.split()) for line in printable(text).split("\n"))
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _clock(value: datetime.time | None) -> str:
    return f"{value:%H:%M}" if value is not None else ""


# The import format


EXPORT_FIELDS = (
    "key", "title", "date", "start_time", "end_time", "type", "topic", "venue",
    "description", "status", "views", "related", "strategies", "url", "speakers", "tags",
    "transcript",
)  # fmt: skip
LIST_SEPARATOR = ";"
TRANSCRIPT_LANGUAGE = "en"  # the language of the import format's `transcript`


def sessions_for_export(sessions: QuerySet[Session], *, include_drafts: bool) -> QuerySet:
    """`sessions` with everything a record needs, read in one query plus five per chunk.

    `related` lists published sessions only, unless `include_drafts`. Any prefetch
    `sessions` came with (for a page, say) is dropped.
    """
    related = Session.objects.all() if include_drafts else Session.objects.published()
    sessions = sessions.select_related("type", "topic", "venue").prefetch_related(None)
    return sessions.prefetch_related(
        Prefetch("related", related.only("key").order_by("key"), to_attr="export_related"),
        Prefetch(
            "strategies",
            Strategy.objects.only("slug").order_by("slug"),
            to_attr="export_strategies",
        ),
        Prefetch(
            "participants",
            Participant.objects.select_related("speaker").order_by("order", "pk"),
            to_attr="export_participants",
        ),
        Prefetch("tags", Tag.objects.order_by("name"), to_attr="export_tags"),
        Prefetch(
            "transcripts",
            Transcript.objects.filter(language=TRANSCRIPT_LANGUAGE),
            to_attr="export_transcripts",
        ),
    )


def speaker_record(participant: Participant) -> dict:
    speaker = participant.speaker
    return {
        "name": speaker.name,
        "organisation": speaker.organisation,
        "stakeholder": speaker.stakeholder_group,
        "role": participant.role,
    }


def transcript_value(transcripts: list[Transcript]) -> str:
    """The session's transcript as the import format carries it: the English text.

    The importer reads `transcript` as the English transcript, so one in another
    language is left out rather than written back as English.
    """
    return next((t.text for t in transcripts if t.language == TRANSCRIPT_LANGUAGE), "")


def session_record(session: Session) -> dict:
    """One session in the import format; `session` comes from `sessions_for_export`."""
    return {
        "key": session.key,
        "title": session.title,
        "date": session.date.isoformat(),
        "start_time": _clock(session.start_time),
        "end_time": _clock(session.end_time),
        "type": session.type.name,
        "topic": session.topic.name,
        "venue": session.venue.name,
        "description": session.description,
        "status": session.status,
        "views": session.views,
        "related": [other.key for other in session.export_related],
        "strategies": [strategy.slug for strategy in session.export_strategies],
        "url": session.url,
        "speakers": [speaker_record(participant) for participant in session.export_participants],
        "tags": [tag.name for tag in session.export_tags],
        "transcript": transcript_value(session.export_transcripts),
    }


class SessionExporter:
    """Writes sessions in one file format, piece by piece (`chunks`), as text."""

    extension = ""
    content_type = ""

    def __init__(
        self,
        sessions: QuerySet[Session],
        *,
        include_drafts: bool = False,
        chunk_size: int = EXPORT_CHUNK_SIZE,
    ):
        self.sessions = sessions_for_export(sessions, include_drafts=include_drafts)
        self.chunk_size = chunk_size
        self.count = 0  # sessions written so far

    def records(self) -> Iterator[dict]:
        for session in self.sessions.iterator(chunk_size=self.chunk_size):
            self.count += 1
            yield session_record(session)

    def chunks(self) -> Iterator[str]:
        raise NotImplementedError

    def stream(self, *, size: int = STREAM_PIECE_SIZE) -> Iterator[str]:
        """`chunks` gathered into pieces of about `size` characters, to send over HTTP."""
        gathered, length = [], 0
        for chunk in self.chunks():
            gathered.append(chunk)
            length += len(chunk)
            if length >= size:
                yield "".join(gathered)
                gathered, length = [], 0
        if gathered:
            yield "".join(gathered)

    def write(self, out: io.TextIOBase) -> int:
        """Write everything to `out`; the number of sessions written."""
        for chunk in self.chunks():
            out.write(chunk)
        return self.count


class JsonExporter(SessionExporter):
    """`{"sessions": [...]}`, one session a line."""

    extension = "json"
    content_type = "application/json"

    def chunks(self) -> Iterator[str]:
        yield '{"sessions": ['
        separator = "\n"
        for record in self.records():
            yield separator + json.dumps(record, ensure_ascii=False)
            separator = ",\n"
        yield "\n]}\n"


class JsonLinesExporter(SessionExporter):
    """One session a line."""

    extension = "jsonl"
    content_type = "application/jsonl"

    def chunks(self) -> Iterator[str]:
        for record in self.records():
            yield json.dumps(record, ensure_ascii=False) + "\n"


class CsvExporter(SessionExporter):
    """A header row of the field names, then a row a session."""

    extension = "csv"
    content_type = "text/csv; charset=utf-8"

    def chunks(self) -> Iterator[str]:
        line = _LineBuffer()
        writer = csv.writer(line)
        yield "\ufeff" + line.write_row(writer, EXPORT_FIELDS)
        for record in self.records():
            yield line.write_row(writer, [_csv_value(name, record[name]) for name in EXPORT_FIELDS])


class _LineBuffer:
    """What a csv.writer writes, handed back a row at a time."""

    def __init__(self):
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def write_row(self, writer, row: Iterable) -> str:
        self.text = ""
        writer.writerow(row)
        return self.text


def _csv_value(name: str, value) -> str:
    if name == "speakers":
        return LIST_SEPARATOR.join(speaker["name"] for speaker in value)
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    return str(value)


EXPORTERS: dict[str, type[SessionExporter]] = {
    exporter.extension: exporter for exporter in (JsonExporter, JsonLinesExporter, CsvExporter)
}


def export_filename(filters: dict, extension: str) -> str:
    """A download's file name, naming the filters in use: igf-sessions-2015-workshop.csv."""
    parts = ["igf-sessions"]
    for name in (
        "year",
        "venue",
        "type",
        "topic",
        "strategy",
        "speaker",
        "stakeholder",
        "tag",
        "q",
    ):
        value = filters.get(name)
        if value in (None, ""):
            continue
        part = slugify(str(getattr(value, "slug", value)))[:40].strip("-")
        if part:
            parts.append(part)
    return f"{'-'.join(parts)}.{extension}"


# iCalendar


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@lru_cache(maxsize=64)
def time_zone(name: str) -> zoneinfo.ZoneInfo | None:
    """The time zone called `name`, or None when there is no such zone (or no name)."""
    if name not in _zone_names():
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _at(day: datetime.date, clock: datetime.time, zone: datetime.tzinfo | None):
    return datetime.datetime.combine(day, clock, tzinfo=zone)


class CalendarExporter:
    """An iCalendar file of sessions; `sessions` need their type, topic and venue."""

    content_type = "text/calendar; charset=utf-8"

    def __init__(self, sessions: Iterable[Session], *, site_url: str, name: str):
        self.sessions = sessions
        self.site_url = site_url.rstrip("/")
        self.name = name

    def calendar(self) -> Calendar:
        calendar = Calendar()
        calendar.add("prodid", f"-//{GENERATOR}//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("name", self.name)
        calendar.add("x-wr-calname", self.name)
        dates = []
        for session in self.sessions:
            calendar.add_component(self.event(session))
            dates.append(session.date)
        if dates:
            # The time zone definitions cover the events' dates, not decades around them.
            one_day = datetime.timedelta(days=1)
            calendar.add_missing_timezones(
                first_date=min(dates) - one_day, last_date=max(dates) + one_day
            )
        return calendar

    def event(self, session: Session) -> Event:
        page = f"{self.site_url}{session.get_absolute_url()}"
        event = Event()
        event.add("uid", str(session_guid(session)))
        event.add("dtstamp", session.updated_at)
        event.add("created", session.created_at)
        event.add("last-modified", session.updated_at)
        event.add("summary", printable(session.title))
        if session.start_time is None:
            event.add("dtstart", session.date)
            event.add("dtend", session.date + datetime.timedelta(days=1))
        else:
            zone = time_zone(session.venue.time_zone)
            event.add("dtstart", _at(session.date, session.start_time, zone))
            if session.end_time is not None and session.end_time > session.start_time:
                event.add("dtend", _at(session.date, session.end_time, zone))
        event.add("location", printable(session.venue.name))
        description = plain_text(session.description)
        event.add("description", f"{description}\n\n{page}" if description else page)
        event.add("url", page)
        event.add("categories", [session.type.name, session.topic.name])
        return event

    def render(self) -> bytes:
        return self.calendar().to_ical()


# frab schedules for conference apps


FRAB_DEFAULT_START = datetime.time(9, 0)
FRAB_DEFAULT_DURATION = datetime.timedelta(hours=1)
FRAB_TIMESLOT = "00:15"
FRAB_LANGUAGE = "en"
# frab's event types, from a session type's name; anything else is a discussion.
FRAB_TYPES = (("workshop", "workshop"), ("lightning", "talk"), ("talk", "talk"))


def _hours_minutes(duration: datetime.timedelta) -> str:
    minutes = int(duration.total_seconds()) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _frab_type(type_name: str) -> str:
    folded = type_name.casefold()
    return next((kind for word, kind in FRAB_TYPES if word in folded), "discussion")


def _guid(name: str) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, name))


def schedule_sessions(year_sessions: QuerySet[Session]) -> QuerySet[Session]:
    """A year's sessions with what a schedule shows (and nothing a page adds): two queries."""
    participants = Prefetch(
        "participants",
        Participant.objects.select_related("speaker").order_by("order", "pk"),
        to_attr="export_participants",
    )
    return (
        year_sessions.select_related("type", "topic", "venue")
        .prefetch_related(None)
        .prefetch_related(participants)
    )


def frab_schedule(
    *, year: int, sessions: Iterable[Session], meeting: Venue | None, site_url: str
) -> dict:
    """A year's programme in the frab schedule format, as the JSON exporter writes it.

    `sessions` come from `schedule_sessions`; `meeting` is where the year's annual
    meeting took place (the venue of most sessions when None). Each day lists the
    dates that have sessions, each room the sessions of one type in start order.
    """
    site_url = site_url.rstrip("/")
    sessions = list(sessions)
    if meeting is None and sessions:
        meeting = Counter(session.venue for session in sessions).most_common(1)[0][0]
    conference_zone = time_zone(meeting.time_zone) if meeting else None
    fallback_zone = conference_zone or datetime.UTC

    events_by_day: dict[datetime.date, list[tuple[datetime.datetime, datetime.datetime, dict]]]
    events_by_day = defaultdict(list)
    for session in sessions:
        zone = time_zone(session.venue.time_zone) or fallback_zone
        start = _at(session.date, session.start_time or FRAB_DEFAULT_START, zone)
        if session.start_time and session.end_time and session.end_time > session.start_time:
            end = _at(session.date, session.end_time, zone)
        else:
            end = start + FRAB_DEFAULT_DURATION
        events_by_day[session.date].append((start, end, _frab_event(session, start, end, site_url)))

    days = []
    for index, day in enumerate(sorted(events_by_day), start=1):
        timed = sorted(events_by_day[day], key=lambda item: (item[0], item[2]["title"]))
        rooms: dict[str, list[dict]] = {}
        for _start, _end, event in timed:
            rooms.setdefault(event["room"], []).append(event)
        days.append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": min(start for start, _, _ in timed)
                .astimezone(fallback_zone)
                .isoformat(),
                "day_end": max(end for _, end, _ in timed).astimezone(fallback_zone).isoformat(),
                "rooms": dict(sorted(rooms.items())),
            }
        )

    latest = max((session.updated_at for session in sessions), default=None)
    conference = {
        "acronym": f"igf{year}",
        "title": f"Internet Governance Forum {year}" + (f", {meeting.name}" if meeting else ""),
        "start": days[0]["date"] if days else f"{year}-01-01",
        "end": days[-1]["date"] if days else f"{year}-01-01",
        "daysCount": len(days),
        "timeslot_duration": FRAB_TIMESLOT,
    }
    if conference_zone is not None:
        conference["time_zone_name"] = meeting.time_zone
    room_names = sorted({room for day in days for room in day["rooms"]})
    track_names = sorted({session.topic.name for session in sessions})
    conference.update(
        {
            "url": f"{site_url}/years/{year}/",
            "rooms": [{"name": name, "guid": _guid(f"room:{name}")} for name in room_names],
            "tracks": [{"name": name} for name in track_names],
            "days": days,
        }
    )
    return {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": GENERATOR},
        "schedule": {
            # Changes whenever a session of the year is added, changed or removed.
            "version": (
                f"{latest.isoformat(timespec='microseconds')} ({len(sessions)} sessions)"
                if latest
                else "0"
            ),
            "base_url": f"{site_url}/",
            "conference": conference,
        },
    }


def _frab_event(
    session: Session, start: datetime.datetime, end: datetime.datetime, site_url: str
) -> dict:
    links = (
        [{"url": session.url, "title": "This session on the IGF website"}] if session.url else []
    )
    return {
        "id": session.pk,
        "guid": str(session_guid(session)),
        "date": start.isoformat(),
        "start": f"{start:%H:%M}",
        "duration": _hours_minutes(end - start),
        "room": session.type.name,
        "slug": session.slug,
        "url": f"{site_url}{session.get_absolute_url()}",
        "title": session.title,
        "subtitle": "",
        "track": session.topic.name,
        "type": _frab_type(session.type.name),
        "language": FRAB_LANGUAGE,
        "abstract": plain_text(session.description),
        "description": "",
        "recording_license": "",
        "do_not_record": False,
        "persons": [
            {
                "name": participant.speaker.name,
                "public_name": participant.speaker.name,
                "guid": _guid(f"speaker:{participant.speaker.pk}"),
                "role": participant.role,
            }
            for participant in session.export_participants
        ],
        "links": links,
        "attachments": [],
    }


class FrabJsonExporter:
    extension = "json"
    content_type = "application/json"

    def __init__(self, schedule: dict):
        self.schedule = schedule

    def render(self) -> str:
        return json.dumps(self.schedule, ensure_ascii=False, indent=2)


class FrabXmlExporter:
    """The same schedule in frab's XML shape: schedule > conference, day > room > event."""

    extension = "xml"
    content_type = "application/xml; charset=utf-8"

    def __init__(self, schedule: dict):
        self.schedule = schedule

    def render(self) -> str:
        schedule = self.schedule["schedule"]
        conference = schedule["conference"]
        root = ElementTree.Element("schedule")
        ElementTree.SubElement(root, "generator", name=GENERATOR)
        _text_element(root, "version", schedule["version"])
        head = ElementTree.SubElement(root, "conference")
        for name in ("acronym", "title", "start", "end"):
            _text_element(head, name, conference[name])
        _text_element(head, "days", str(conference["daysCount"]))
        _text_element(head, "timeslot_duration", conference["timeslot_duration"])
        _text_element(head, "base_url", schedule["base_url"])
        if "time_zone_name" in conference:
            _text_element(head, "time_zone_name", conference["time_zone_name"])
        for day in conference["days"]:
            day_element = ElementTree.SubElement(
                root,
                "day",
                index=str(day["index"]),
                date=day["date"],
                start=day["day_start"],
                end=day["day_end"],
            )
            for room, events in day["rooms"].items():
                room_element = ElementTree.SubElement(day_element, "room", name=printable(room))
                for event in events:
                    self._event(room_element, event)
        ElementTree.indent(root)
        body = ElementTree.tostring(root, encoding="unicode")
        return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'

    def _event(self, room: ElementTree.Element, event: dict) -> None:
        element = ElementTree.SubElement(room, "event", guid=event["guid"], id=str(event["id"]))
        for name in (
            "date", "start", "duration", "room", "slug", "url", "title", "subtitle", "track",
            "type", "language", "abstract", "description",
        ):  # fmt: skip
            _text_element(element, name, event[name])
        recording = ElementTree.SubElement(element, "recording")
        _text_element(recording, "license", event["recording_license"])
        _text_element(recording, "optout", "true" if event["do_not_record"] else "false")
        persons = ElementTree.SubElement(element, "persons")
        for person in event["persons"]:
            _text_element(persons, "person", person["name"])
        links = ElementTree.SubElement(element, "links")
        for link in event["links"]:
            _text_element(links, "link", link["title"], href=printable(link["url"]))
        ElementTree.SubElement(element, "attachments")


def _text_element(parent: ElementTree.Element, tag: str, text: str, **attributes):
    element = ElementTree.SubElement(parent, tag, **attributes)
    element.text = printable(text)
    return element
