"""A session, and the meeting it was part of, as schema.org `Event` JSON-LD, for search
engines and other machines.

https://schema.org/Event. Times carry the venue's UTC offset when the venue has a time
zone; a session without a start time is an all-day event given by its date alone.
"""

import datetime
import html
import json
import zoneinfo
from collections.abc import Iterable

from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from sessions.models import Meeting, Participant, Session, Speaker, Tag, Venue

SCHEMA = "https://schema.org"
ORGANIZER = {
    "@type": "Organization",
    "name": "Internet Governance Forum",
    "url": "https://www.intgovforum.org/",
}
# What Django's json_script escapes, so no text in the data can close the <script>.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def plain_text(markup: str) -> str:
    """Sanitised HTML as text: no tags, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(strip_tags(markup)).split())


def header_line_text(session: Session) -> str:
    """ "12 November 2015 - A Workshop on Other in João Pessoa, Brazil", as the page says it."""
    return plain_text(
        render_to_string("sessions/_header_line.html", {"session": session, "linked": False})
    )


def is_online(venue: Venue) -> bool:
    return not venue.country and venue.city.strip().lower() == "online"


def venue_zone(venue: Venue) -> zoneinfo.ZoneInfo | None:
    if not venue.time_zone:
        return None
    try:
        return zoneinfo.ZoneInfo(venue.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _iso(moment: datetime.datetime) -> str:
    return moment.isoformat(timespec="seconds" if moment.second else "minutes")


def event_dates(session: Session) -> tuple[str, str | None]:
    """startDate and endDate in ISO 8601: dates alone, or times with the venue's offset.

    An end time earlier than the start time is taken to fall on the next day.
    """
    if session.start_time is None:
        day = session.date.isoformat()
        return day, day
    zone = venue_zone(session.venue)
    start = datetime.datetime.combine(session.date, session.start_time, tzinfo=zone)
    if session.end_time is None:
        return _iso(start), None
    end = datetime.datetime.combine(session.date, session.end_time, tzinfo=zone)
    if end < start:
        end += datetime.timedelta(days=1)
    return _iso(start), _iso(end)


def official_url(session: Session) -> str:
    """The session's page on the IGF website, if it is an http(s) address."""
    return session.url if session.url.lower().startswith(("https://", "http://")) else ""


def event_location(session: Session, *, page_url: str) -> dict:
    return place(session.venue, online_url=official_url(session) or page_url)


def place(venue: Venue, *, online_url: str) -> dict:
    if is_online(venue):
        return {"@type": "VirtualLocation", "url": online_url}
    address = {"@type": "PostalAddress", "addressLocality": venue.city}
    if venue.country_code or venue.country:
        address["addressCountry"] = venue.country_code or venue.country
    return {"@type": "Place", "name": venue.name, "address": address}


def person(speaker: Speaker) -> dict:
    data = {"@type": "Person", "name": speaker.name}
    if speaker.organisation:
        data["affiliation"] = {"@type": "Organization", "name": speaker.organisation}
    return data


def organizer(meeting: Meeting) -> dict:
    """The IGF for its annual meeting; a national, regional or youth IGF organises its own."""
    if meeting.is_annual:
        return ORGANIZER
    data = {"@type": "Organization", "name": meeting.name}
    if meeting.website.lower().startswith(("https://", "http://")):
        data["url"] = meeting.website
    return data


def meeting_reference(meeting: Meeting, *, page_url: str) -> dict:
    """`meeting` as the `superEvent` of its sessions: enough to name it, and its @id."""
    event = {
        "@type": "Event",
        "@id": f"{page_url}#event",
        "name": meeting.name,
        "url": page_url,
    }
    if meeting.start_date:
        event["startDate"] = meeting.start_date.isoformat()
        event["endDate"] = (meeting.end_date or meeting.start_date).isoformat()
    return event


def meeting_event(meeting: Meeting, *, page_url: str) -> dict:
    """The schema.org Event for `meeting` (with its venue), whose page is at `page_url`."""
    event = {"@context": SCHEMA, **meeting_reference(meeting, page_url=page_url)}
    if text := plain_text(meeting.description) or meeting.theme:
        event["description"] = text
    online = is_online(meeting.venue)
    event |= {
        "eventStatus": f"{SCHEMA}/EventScheduled",
        "eventAttendanceMode": (
            f"{SCHEMA}/OnlineEventAttendanceMode"
            if online
            else f"{SCHEMA}/OfflineEventAttendanceMode"
        ),
        "location": place(meeting.venue, online_url=meeting.website or page_url),
    }
    event["organizer"] = organizer(meeting)
    if meeting.website.lower().startswith(("https://", "http://")):
        event["sameAs"] = meeting.website
    return event


def session_event(
    session: Session,
    *,
    page_url: str,
    view_count: int,
    meeting_url: str | None = None,
    participants: Iterable[Participant] | None = None,
    tags: Iterable[Tag] | None = None,
) -> dict:
    """The schema.org Event for `session`, whose page is at the absolute `page_url`, part
    of its meeting (`superEvent`) whose page is at `meeting_url`, when given.

    `participants` (with their speakers) and `tags` are those the page has read
    already; whichever is not given is read here, one query each.
    """
    if participants is None:
        participants = session.participants.select_related("speaker")
    if tags is None:
        tags = session.tags.all()
    start, end = event_dates(session)
    online = is_online(session.venue)
    event = {
        "@context": SCHEMA,
        "@type": "Event",
        "@id": f"{page_url}#event",
        "identifier": session.key,
        "name": session.title,
        "description": plain_text(session.description) or header_line_text(session),
        "url": page_url,
        "startDate": start,
    }
    if end:
        event["endDate"] = end
    event |= {
        "eventStatus": f"{SCHEMA}/EventScheduled",
        "eventAttendanceMode": (
            f"{SCHEMA}/OnlineEventAttendanceMode"
            if online
            else f"{SCHEMA}/OfflineEventAttendanceMode"
        ),
        "location": event_location(session, page_url=page_url),
        "organizer": organizer(session.meeting),
    }
    if meeting_url:
        event["superEvent"] = meeting_reference(session.meeting, page_url=meeting_url)
    if official := official_url(session):
        event["sameAs"] = official
    speakers = {}  # each once, in programme order, whatever their roles
    for participant in participants:
        speakers.setdefault(participant.speaker_id, participant.speaker)
    if speakers:
        event["performer"] = [person(speaker) for speaker in speakers.values()]
    if keywords := [tag.name for tag in tags]:
        event["keywords"] = ", ".join(keywords)
    event["interactionStatistic"] = {
        "@type": "InteractionCounter",
        "interactionType": f"{SCHEMA}/ViewAction",
        "userInteractionCount": view_count,
    }
    return event


def json_ld_script(data: dict) -> SafeString:
    """`data` in a <script type="application/ld+json"> data block, escaped as json_script does.

    A browser never runs a data block, so a Content-Security-Policy without
    'unsafe-inline' leaves it alone; the escaping keeps any "</script>" in a title inside.
    """
    payload = json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')
