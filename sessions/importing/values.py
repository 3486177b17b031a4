"""Checking and cleaning one value of a record: `CLEANERS` by field name (and
`MEETING_CLEANERS` for a meeting's), each raising `InvalidValue` with what is wrong
(`InvalidItems` for every wrong item of a list); a speaker as a record gives one
(`SpeakerEntry`). Recordings and documents are cleaned in `archive`."""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.validators import slug_re
from django.utils.html import escape

from sessions.models import (
    Meeting,
    Participant,
    Session,
    SessionType,
    Speaker,
    Tag,
    Topic,
    Transcript,
    Venue,
)
from sessions.models.session import FIRST_SESSION_DAY, LAST_SESSION_DAY, REPORT_FIELDS

from .archive import clean_documents, clean_language, clean_recordings
from .checks import (
    InvalidValue,
    choice_of,
    clean_text,
    clean_url,
    describe,
    storable,
)
from .records import ONLINE, REPORT_PARTS

# Lengths of the model fields the values end up in.
MAX_KEY = Session._meta.get_field("key").max_length
MAX_TITLE = Session._meta.get_field("title").max_length
MAX_URL = Session._meta.get_field("url").max_length
MAX_NAME = SessionType._meta.get_field("name").max_length
MAX_PLACE = Venue._meta.get_field("city").max_length
MAX_MEETING = Meeting._meta.get_field("slug").max_length
MAX_MEETING_NAME = Meeting._meta.get_field("name").max_length
MAX_THEME = Meeting._meta.get_field("theme").max_length
MAX_MEETING_NUMBER = 32_767  # PositiveSmallIntegerField on every database Django supports
MAX_SPEAKER_NAME = Speaker._meta.get_field("name").max_length
MAX_ORGANISATION = Speaker._meta.get_field("organisation").max_length
MAX_TAG = Tag._meta.get_field("name").max_length
MAX_DESCRIPTION = Session._meta.get_field("description").max_length
MAX_TRANSCRIPT = Transcript._meta.get_field("text").max_length
MAX_VIEWS = 2_147_483_647  # PositiveIntegerField on every database Django supports

DATE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}")
TIME_FORMAT = re.compile(r"(\d{1,2}):(\d{2})")


def _name(value: object, *, max_length: int = MAX_NAME) -> str:
    """A name matched against existing ones: spaces inside are normalised."""
    return " ".join(clean_text(value, max_length=max_length).split())


def _clean_date(value: object) -> datetime.date:
    text = clean_text(value)
    if not DATE_FORMAT.fullmatch(text):
        raise InvalidValue(f'"{text}" is not a date in the form YYYY-MM-DD')
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise InvalidValue(f'"{text}" is not a real date') from None
    if not FIRST_SESSION_DAY <= day <= LAST_SESSION_DAY:
        raise InvalidValue(
            f'"{text}" is not between {FIRST_SESSION_DAY} and {LAST_SESSION_DAY}, '
            "the days the catalogue holds sessions of"
        )
    return day


def _clean_time(value: object) -> datetime.time | None:
    text = clean_text(value)
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
    text = clean_text(value).lower()
    if not text:
        return Session.Status.PUBLISHED
    if text not in Session.Status.values:
        raise InvalidValue(f'"{text}" is not one of: {", ".join(Session.Status.values)}')
    return text


def _clean_views(value: object) -> int:
    # A spreadsheet may well quote numbers, so text made of digits is accepted too.
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    elif isinstance(value, str) and not value.strip():
        return 0
    if isinstance(value, float):
        raise InvalidValue(f"must be a whole number, not {value}")
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(f"must be a whole number, not {describe(value)}")
    if not 0 <= value <= MAX_VIEWS:
        raise InvalidValue(f"{value} is not between 0 and {MAX_VIEWS}")
    return value


def _clean_list(value: object) -> list[str]:
    if not isinstance(value, list):
        raise InvalidValue(f"must be a list, not {describe(value)}")
    items = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise InvalidValue(f"must hold non-empty text only, not {describe(item)}")
        items.append(storable(item).strip())
    return list(dict.fromkeys(items))  # without repeats, in order


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


def _speaker_entry(item: object) -> SpeakerEntry:
    if isinstance(item, str):
        item = {"name": item}
    if not isinstance(item, dict):
        raise InvalidValue(f"must be a name or an object with a name, not {describe(item)}")
    if repeated := getattr(item, "repeated_names", ()):
        raise InvalidValue(f'gives "{repeated[0]}" more than once')

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
        and choice_of(stakeholder, Speaker.StakeholderGroup, "a stakeholder group"),
        role=choice_of(role, Participant.Role, "a role") if role else Participant.Role.SPEAKER,
    )


def _clean_speakers(value: object) -> list[SpeakerEntry]:
    """Participants in the programme's order, each once per role."""
    if not isinstance(value, list):
        raise InvalidValue(f"must be a list, not {describe(value)}")
    entries: dict[tuple, SpeakerEntry] = {}
    for number, item in enumerate(value, start=1):
        try:
            entry = _speaker_entry(item)
        except InvalidValue as error:
            raise InvalidValue(f"speaker {number}: {error}") from None
        entries.setdefault((entry.identity, entry.role), entry)
    return list(entries.values())


# A report's part by the model field it fills.
REPORT_PART_FIELDS = dict(zip(REPORT_PARTS, REPORT_FIELDS, strict=True))


def _clean_report(value: object) -> dict[str, str]:
    """The session report as its model fields: each part HTML (or plain text); the key
    takeaways and calls to action may also be a list of items, made an ordered list.
    A part left out is empty: the report is given whole."""
    if not isinstance(value, dict):
        raise InvalidValue(f"must be an object of {', '.join(REPORT_PARTS)}, not {describe(value)}")
    unknown = [part for part in value if part not in REPORT_PARTS]
    if unknown:
        raise InvalidValue(f'has no part "{unknown[0]}"; its parts are {", ".join(REPORT_PARTS)}')
    report = {}
    for part, field_name in REPORT_PART_FIELDS.items():
        try:
            text = _report_part(value.get(part), is_list=part != "summary")
        except InvalidValue as error:
            raise InvalidValue(f"{part}: {error}") from None
        if len(text) > MAX_DESCRIPTION:
            raise InvalidValue(
                f"{part}: is {len(text)} characters long; the limit is {MAX_DESCRIPTION}"
            )
        report[field_name] = text
    return report


def _report_part(given: object, *, is_list: bool) -> str:
    """One part of a report as HTML: text as it is, a list of items as an ordered list."""
    if given is None:
        return ""
    if isinstance(given, list) and is_list:
        items = [clean_text(item, max_length=MAX_DESCRIPTION) for item in given]
        text = "".join(f"<li>{escape(item)}</li>" for item in items if item)
        return f"<ol>{text}</ol>" if text else ""
    return clean_text(given, max_length=MAX_DESCRIPTION)


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
    "key": _required(lambda value: clean_text(value, max_length=MAX_KEY)),
    "title": _required(lambda value: " ".join(clean_text(value, max_length=MAX_TITLE).split())),
    "date": _required(_clean_date),
    "type": _required(_name),
    "venue": _required(_clean_venue),
    "start_time": _clean_time,
    "end_time": _clean_time,
    "topic": lambda value: _name(value) or Topic.DEFAULT,
    "description": lambda value: clean_text(value, max_length=MAX_DESCRIPTION),
    "status": _clean_status,
    "views": _clean_views,
    "related": _clean_list,
    "strategies": _clean_list,
    "url": lambda value: clean_url(value, max_length=MAX_URL),
    "speakers": _clean_speakers,
    "tags": _clean_tags,
    "transcript": lambda value: clean_text(value, max_length=MAX_TRANSCRIPT),
    "recordings": clean_recordings,
    "documents": clean_documents,
    "meeting": lambda value: clean_text(value, max_length=MAX_MEETING),
    "report": _clean_report,
    "language": clean_language,
}


def _clean_meeting_key(value: object) -> str:
    """A meeting's key is its slug in the catalogue: letters, digits, - and _."""
    text = clean_text(value, max_length=MAX_MEETING)
    if not slug_re.fullmatch(text):
        raise InvalidValue(
            f'"{text}" is not a slug: a meeting\'s key is made of letters, digits, - and _'
        )
    return text


def _clean_kind(value: object) -> str:
    text = clean_text(value).lower()
    if text not in Meeting.Kind.values:
        raise InvalidValue(f'"{text}" is not one of: {", ".join(Meeting.Kind.values)}')
    return text


def _clean_number(value: object) -> int | None:
    if isinstance(value, str) and not value.strip():
        return None
    number = _clean_views(value)
    if not 1 <= number <= MAX_MEETING_NUMBER:
        raise InvalidValue(f"{number} is not between 1 and {MAX_MEETING_NUMBER}")
    return number


def _optional(clean: Callable[[object], object]) -> Callable[[object], object]:
    """`clean`, with empty text (a CSV cell left empty) meaning no value."""

    def clean_optional(value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return clean(value)

    return clean_optional


MEETING_CLEANERS: dict[str, Callable[[object], object]] = {
    "key": _required(_clean_meeting_key),
    "name": _required(lambda value: _name(value, max_length=MAX_MEETING_NAME)),
    "kind": _required(_clean_kind),
    "venue": _required(_clean_venue),
    "start_date": _optional(_clean_date),
    "end_date": _optional(_clean_date),
    "number": _clean_number,
    "theme": lambda value: clean_text(value, max_length=MAX_THEME),
    "website": lambda value: clean_url(value, max_length=MAX_URL),
}
