"""What every format shares: a session's record, its identifier, its text, a file's name.

- A session's record in the import format (`session_record`, its sessions read through
  `sessions_for_export`). Every field of the import format is written for every
  session, empty ones as "" (never null): for the importer a null leaves a field alone
  on update, while an empty value clears it, and an export is a complete picture.
  Within a recording, a length it lacks is left out. A document uploaded in the admin
  is written with `file`, the address it is downloaded from, instead of `url`: the
  importer leaves such a document alone, as it leaves every upload.
- Identifiers never change between exports: the iCalendar UID and the frab guid are
  the same UUID, derived from the session's key (`session_guid`).
- A description as plain text (`plain_text`), text without the control characters XML
  and iCalendar cannot hold (`printable`), and a download's file name (`export_filename`).

Uses the models only, no other module of the package.
"""

import datetime
import html
import re
import uuid

from django.db.models import F, Prefetch, QuerySet
from django.utils.html import strip_tags
from django.utils.text import slugify

from sessions.models import (
    Document,
    Meeting,
    Participant,
    Recording,
    Session,
    Tag,
    Transcript,
)
from strategies.models import Strategy

GENERATOR = "IGF Session Catalogue"
# The namespace of every UUID derived from a session's key. Never change it: calendars
# and conference apps recognise a session they already have by its UID or guid.
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://www.intgovforum.org/session-catalogue")

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
    "key", "title", "date", "start_time", "end_time", "type", "topic", "venue", "meeting",
    "description", "status", "views", "related", "strategies", "url", "speakers", "tags",
    "transcript", "recordings", "documents", "language", "report",
)  # fmt: skip
TRANSCRIPT_LANGUAGE = "en"  # the language of the import format's `transcript`


def sessions_for_export(sessions: QuerySet[Session], *, include_drafts: bool) -> QuerySet:
    """`sessions` with everything a record needs, read in one query plus seven per chunk.

    `related` lists published sessions only, unless `include_drafts`. Any prefetch
    `sessions` came with (for a page, say) is dropped.
    """
    related = Session.objects.all() if include_drafts else Session.objects.published()
    sessions = sessions.select_related("type", "topic", "meeting__venue").prefetch_related(None)
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
        Prefetch(
            "recordings", Recording.objects.order_by("order", "pk"), to_attr="export_recordings"
        ),
        Prefetch("documents", Document.objects.order_by("order", "pk"), to_attr="export_documents"),
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


def duration(length: datetime.timedelta) -> str:
    """A length as the import format writes it: hh:mm:ss."""
    minutes, seconds = divmod(int(length.total_seconds()), 60)
    return f"{minutes // 60:02}:{minutes % 60:02}:{seconds:02}"


def recording_record(recording: Recording) -> dict:
    record = {"url": recording.url, "language": recording.language, "title": recording.title}
    if recording.length is not None:
        record["length"] = duration(recording.length)
    return record


def document_record(document: Document, *, site_url: str = "") -> dict:
    """A linked document by its `url`; an uploaded one by the absolute address of its
    download (`file`, on the site at `site_url`) and its size in bytes."""
    described = {"title": document.title, "kind": document.kind, "language": document.language}
    if document.url:
        return {"url": document.url, **described}
    size = document.size if document.size is not None else ""
    return {"file": f"{site_url}{document.get_absolute_url()}", **described, "size": size}


def session_record(session: Session, *, site_url: str = "") -> dict:
    """One session in the import format; `session` comes from `sessions_for_export`.
    The addresses of uploaded documents are on the site at `site_url` (no trailing
    slash), or paths of the site without it."""
    return {
        "key": session.key,
        "title": session.title,
        "date": session.date.isoformat(),
        "start_time": _clock(session.start_time),
        "end_time": _clock(session.end_time),
        "type": session.type.name,
        "topic": session.topic.name,
        "venue": session.venue.name,
        "meeting": session.meeting.slug,
        "description": session.description,
        "status": session.status,
        "views": session.views,
        "related": [other.key for other in session.export_related],
        "strategies": [strategy.slug for strategy in session.export_strategies],
        "url": session.url,
        "speakers": [speaker_record(participant) for participant in session.export_participants],
        "tags": [tag.name for tag in session.export_tags],
        "transcript": transcript_value(session.export_transcripts),
        "recordings": [recording_record(recording) for recording in session.export_recordings],
        "documents": [
            document_record(document, site_url=site_url) for document in session.export_documents
        ],
        "language": session.language,
        "report": {
            "summary": session.report_summary,
            "key_takeaways": session.key_takeaways,
            "calls_to_action": session.calls_to_action,
        },
    }


# A meeting in the import format: its key is its slug.
MEETING_EXPORT_FIELDS = (
    "key", "name", "kind", "venue", "start_date", "end_date", "number", "theme", "website",
)  # fmt: skip


def meetings_of(sessions: QuerySet[Session]) -> QuerySet[Meeting]:
    """The meetings `sessions` belong to, with their venues, earliest first; one query."""
    return (
        Meeting.objects.filter(pk__in=sessions.order_by().values("meeting_id"))
        .select_related("venue")
        .order_by(F("start_date").asc(nulls_first=True), "name", "pk")
    )


def meeting_record(meeting: Meeting) -> dict:
    """One meeting in the import format; empty values as "", as for a session."""
    return {
        "key": meeting.slug,
        "name": meeting.name,
        "kind": meeting.kind,
        "venue": meeting.venue.name,
        "start_date": meeting.start_date.isoformat() if meeting.start_date else "",
        "end_date": meeting.end_date.isoformat() if meeting.end_date else "",
        "number": meeting.number if meeting.number is not None else "",
        "theme": meeting.theme,
        "website": meeting.website,
    }


def export_filename(filters: dict, extension: str) -> str:
    """A download's file name, naming the filters in use: igf-sessions-2015-workshop.csv."""
    parts = ["igf-sessions"]
    for name in (
        "year",
        "meeting",
        "kind",
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
