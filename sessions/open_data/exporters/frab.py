"""frab schedules: a year's programme for conference apps (Giggity, ConfClerk, ...).

In the frab schedule format of the c3voc tools: `frab_schedule` builds it,
`FrabJsonExporter` and `FrabXmlExporter` write it. The catalogue has no rooms, so a
session's type is its room ("Workshop", "Open Forum", ...) and its topic its track. A
session without a start time is put at `FRAB_DEFAULT_START`, one without an end time
lasts `FRAB_DEFAULT_DURATION`, as the format needs both. Times are in the venue's time
zone, else that of the annual meeting's venue, else UTC. The language is English, the
IGF's working language.

Recordings are links of type "media" after the session's IGF page, as c3voc's schema
types a link; the XML also names the first as the event's `recording/url`. Documents
are attachments, a presentation typed "slides". Only http(s) addresses go in.

Uses `records` for a session's guid and text, `calendar` for time zones, and
`open_data.archive` for the recordings' and documents' addresses.
"""

import datetime
import json
import uuid
import xml.etree.ElementTree as ElementTree
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from sessions.models import Document, Meeting, Participant, Recording, Session, Venue
from sessions.open_data.archive import ARCHIVE, document_url, web_address

from .calendar import at, time_zone
from .records import GENERATOR, GUID_NAMESPACE, plain_text, printable, session_guid

FRAB_DEFAULT_START = datetime.time(9, 0)
FRAB_DEFAULT_DURATION = datetime.timedelta(hours=1)
FRAB_TIMESLOT = "00:15"
FRAB_LANGUAGE = "en"
# frab's event types, from a session type's name; anything else is a discussion.
FRAB_TYPES = (("workshop", "workshop"), ("lightning", "talk"), ("talk", "talk"))
# c3voc's types of links and attachments (its schema's "Reference") that ours are.
RECORDING_LINK = "media"
SLIDES = "slides"


def _hours_minutes(duration: datetime.timedelta) -> str:
    minutes = int(duration.total_seconds()) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _frab_type(type_name: str) -> str:
    folded = type_name.casefold()
    return next((kind for word, kind in FRAB_TYPES if word in folded), "discussion")


def _guid(name: str) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, name))


def schedule_sessions(year_sessions: QuerySet[Session]) -> QuerySet[Session]:
    """A year's sessions with what a schedule shows (and nothing a page adds): four
    queries (the sessions, participants, recordings, documents)."""
    participants = Prefetch(
        "participants",
        Participant.objects.select_related("speaker").order_by("order", "pk"),
        to_attr="export_participants",
    )
    return (
        year_sessions.select_related("type", "topic", "meeting__venue")
        .prefetch_related(None)
        .prefetch_related(participants, *ARCHIVE)
    )


def annual_meeting_in(year: int) -> Meeting | None:
    """The annual meeting of `year` with its venue, known even before its sessions are
    (the first, should there be several); one query."""
    return (
        Meeting.objects.annual()
        .held_in(year)
        .select_related("venue")
        .order_by("start_date", "venue__city", "pk")
        .first()
    )


def frab_schedule(
    *,
    year: int,
    sessions: Iterable[Session],
    meeting: Meeting | None,
    site_url: str,
    whole_meeting: bool = False,
) -> dict:
    """A year's programme in the frab schedule format, as the JSON exporter writes it;
    with `whole_meeting`, the programme of `meeting` alone, named after it.

    `sessions` come from `schedule_sessions`; `meeting` is the year's annual meeting
    with its venue (`annual_meeting_in`): that venue names the conference and gives
    its time zone, else (None) the venue of most sessions does. Each day lists the
    dates that have sessions, each room the sessions of one type in start order.
    """
    site_url = site_url.rstrip("/")
    sessions = list(sessions)
    host: Venue | None = meeting.venue if meeting is not None else None
    if host is None and sessions:
        host = Counter(session.venue for session in sessions).most_common(1)[0][0]
    conference_zone = time_zone(host.time_zone) if host else None
    fallback_zone = conference_zone or datetime.UTC

    events_by_day: dict[datetime.date, list[tuple[datetime.datetime, datetime.datetime, dict]]]
    events_by_day = defaultdict(list)
    for session in sessions:
        zone = time_zone(session.venue.time_zone) or fallback_zone
        start = at(session.date, session.start_time or FRAB_DEFAULT_START, zone)
        if session.start_time and session.end_time and session.end_time > session.start_time:
            end = at(session.date, session.end_time, zone)
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
    if whole_meeting:
        acronym, title = meeting.slug, f"{meeting.name}, {host.name}"
        page = meeting.get_absolute_url()
    else:
        acronym = f"igf{year}"
        title = f"Internet Governance Forum {year}" + (f", {host.name}" if host else "")
        page = f"/years/{year}/"
    conference = {
        "acronym": acronym,
        "title": title,
        "start": days[0]["date"] if days else f"{year}-01-01",
        "end": days[-1]["date"] if days else f"{year}-01-01",
        "daysCount": len(days),
        "timeslot_duration": FRAB_TIMESLOT,
    }
    if conference_zone is not None:
        conference["time_zone_name"] = host.time_zone
    room_names = sorted({room for day in days for room in day["rooms"]})
    track_names = sorted({session.topic.name for session in sessions})
    conference.update(
        {
            "url": f"{site_url}{page}",
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
    links += [
        {"url": url, "title": _recording_title(recording), "type": RECORDING_LINK}
        for recording in session.recordings.all()
        if (url := web_address(recording.url))
    ]
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
        "attachments": [
            _attachment(document, url)
            for document in session.documents.all()
            if (url := document_url(document, base_url=site_url))
        ],
    }


def _recording_title(recording: Recording) -> str:
    """ "Recording (en)", or "Recording: Day 2, morning (es)" with a title."""
    name = f"Recording: {recording.title}" if recording.title else "Recording"
    return f"{name} ({recording.language})"


def _attachment(document: Document, url: str) -> dict:
    attachment = {"url": url, "title": document.title}
    if document.kind == Document.Kind.PRESENTATION:
        attachment["type"] = SLIDES
    return attachment


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
        recordings = [link for link in event["links"] if link.get("type") == RECORDING_LINK]
        if recordings:
            _text_element(recording, "url", recordings[0]["url"])
        persons = ElementTree.SubElement(element, "persons")
        for person in event["persons"]:
            _text_element(persons, "person", person["name"])
        for name, references in (("links", event["links"]), ("attachments", event["attachments"])):
            container = ElementTree.SubElement(element, name)
            for reference in references:
                # As c3voc's tools write one: the address as href, the type kept.
                typed = {"type": reference["type"]} if "type" in reference else {}
                _text_element(
                    container,
                    name[:-1],
                    reference["title"],
                    href=printable(reference["url"]),
                    **typed,
                )


def _text_element(parent: ElementTree.Element, tag: str, text: str, **attributes):
    element = ElementTree.SubElement(parent, tag, **attributes)
    element.text = printable(text)
    return element
