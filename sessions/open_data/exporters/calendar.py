"""iCalendar (RFC 5545): `CalendarExporter`, one event per session; and time zones by name.

A session without a start time is an all-day event; a timed one is in its venue's time
zone (TZID, with the VTIMEZONE definitions added), or floating local time when the
venue has none; without an end time it has no DTEND.

Uses `records` for a session's guid and text.
"""

import datetime
import zoneinfo
from collections.abc import Iterable
from functools import lru_cache

from icalendar import Calendar, Event

from sessions.models import Session

from .records import GENERATOR, plain_text, printable, session_guid


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


def at(day: datetime.date, clock: datetime.time, zone: datetime.tzinfo | None):
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
            event.add("dtstart", at(session.date, session.start_time, zone))
            if session.end_time is not None and session.end_time > session.start_time:
                event.add("dtend", at(session.date, session.end_time, zone))
        event.add("location", printable(session.venue.name))
        description = plain_text(session.description)
        event.add("description", f"{description}\n\n{page}" if description else page)
        event.add("url", page)
        event.add("categories", [session.type.name, session.topic.name])
        return event

    def render(self) -> bytes:
        return self.calendar().to_ical()
