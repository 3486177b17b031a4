"""A session, and the meeting it was part of, as schema.org `Event` JSON-LD, for search
engines and other machines.

https://schema.org/Event. Times carry the venue's UTC offset when the venue has a time
zone; a session without a start time is an all-day event given by its date alone. A
session's recordings are the works it was recorded in (`recordedIn`: a VideoObject, an
AudioObject for an audio file); its documents and its report are works about it
(`subjectOf`: DigitalDocument, Report).
"""

import datetime
import html
import json
import zoneinfo
from collections.abc import Iterable

from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from sessions.models import (
    Document,
    Meeting,
    Participant,
    Recording,
    Session,
    Speaker,
    Tag,
    Venue,
)
from sessions.templatetags.session_text import header_line

from .archive import document_url, embed_url, is_audio, iso_duration, thumbnail_url, web_address

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
    return plain_text(header_line(session))


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


def recording_object(recording: Recording, *, session: Session, description: str) -> dict:
    """A recording as a schema.org VideoObject, or AudioObject for an audio file: its
    player's address for a YouTube or Vimeo video, its file's for a media file."""
    media = {
        "@type": "AudioObject" if is_audio(recording) else "VideoObject",
        "name": f"{session.title}: {recording.title}" if recording.title else session.title,
        "description": description,
        "uploadDate": session.date.isoformat(),
        "url": recording.url,
        "inLanguage": recording.language,
    }
    if embed := embed_url(recording):
        media["embedUrl"] = embed
    elif recording.player.kind in {"audio", "video"}:
        media["contentUrl"] = recording.url
        media["encodingFormat"] = recording.media_type
    if thumbnail := thumbnail_url(recording):
        media["thumbnailUrl"] = thumbnail
    if recording.length is not None:
        media["duration"] = iso_duration(recording.length)
    return media


def document_object(document: Document, *, url: str) -> dict:
    data = {
        "@type": "DigitalDocument",
        "name": document.title,
        "url": url,
        "inLanguage": document.language,
    }
    if document.file:
        data["encodingFormat"] = document.content_type.split(";")[0]
    return data


def report_object(session: Session, *, page_url: str) -> dict:
    """The session's report, which its page shows: in the session's language, by the IGF."""
    report = {
        "@type": "Report",
        "@id": f"{page_url}#report",
        "name": f"Session report: {session.title}",
        "url": page_url,
        "inLanguage": session.language,
        "author": ORGANIZER,
    }
    if summary := plain_text(session.report_summary):
        report["abstract"] = summary
    return report


def session_event(
    session: Session,
    *,
    page_url: str,
    view_count: int,
    meeting_url: str | None = None,
    participants: Iterable[Participant] | None = None,
    tags: Iterable[Tag] | None = None,
    recordings: Iterable[Recording] | None = None,
    documents: Iterable[Document] | None = None,
) -> dict:
    """The schema.org Event for `session`, whose page is at the absolute `page_url`, part
    of its meeting (`superEvent`) whose page is at `meeting_url`, when given.

    `participants` (with their speakers), `tags`, `recordings` and `documents` are those
    the page has read already; whichever is not given is read here, one query each.
    """
    if participants is None:
        participants = session.participants.select_related("speaker")
    if tags is None:
        tags = session.tags.all()
    if recordings is None:
        recordings = session.recordings.all()
    if documents is None:
        documents = session.documents.all()
    start, end = event_dates(session)
    online = is_online(session.venue)
    description = plain_text(session.description) or header_line_text(session)
    event = {
        "@context": SCHEMA,
        "@type": "Event",
        "@id": f"{page_url}#event",
        "identifier": session.key,
        "name": session.title,
        "description": description,
        "url": page_url,
        "inLanguage": session.language,
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
    if recorded := [
        recording_object(recording, session=session, description=description)
        for recording in recordings
        if web_address(recording.url)
    ]:
        event["recordedIn"] = recorded
    about = [
        document_object(document, url=url)
        for document in documents
        if (url := document_url(document, base_url=page_url))
    ]
    if session.has_report:
        about.append(report_object(session, page_url=page_url))
    if about:
        event["subjectOf"] = about
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
