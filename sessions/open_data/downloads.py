"""Downloads, calendars and conference-app schedules: thin views over `exporters`.

The downloads and the list calendar take the same filters and sort as /sessions/
(an invalid value is ignored there as on the page); they hold published sessions only.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header

from sessions.browsing import selectors
from sessions.browsing.filters import SessionFilter
from sessions.models import Session

from .exporters import (
    EXPORTERS,
    CalendarExporter,
    FrabJsonExporter,
    FrabXmlExporter,
    annual_meeting_in,
    export_filename,
    frab_schedule,
    schedule_sessions,
)

SCHEDULE_EXPORTERS = {"json": FrabJsonExporter, "xml": FrabXmlExporter}


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def session_export(request: HttpRequest, file_format: str) -> StreamingHttpResponse:
    """The filtered list, every page of it, as a file in the import format."""
    session_filter = SessionFilter(request.GET, queryset=Session.objects.published())
    # Absolute addresses, so that an uploaded document's download works from the file.
    exporter = EXPORTERS[file_format](session_filter.qs, site_url=_site_url(request))
    response = StreamingHttpResponse(exporter.stream(), content_type=exporter.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True,
        filename=export_filename(session_filter.valid_values, exporter.extension),
    )
    return response


def sessions_calendar(request: HttpRequest) -> HttpResponse:
    """The filtered list as an iCalendar file: its first CATALOGUE_CALENDAR_MAX_EVENTS."""
    session_filter = SessionFilter(request.GET, queryset=Session.objects.published().for_list())
    named = ", ".join(active.value for active in session_filter.active_filters)
    exporter = CalendarExporter(
        session_filter.qs[: settings.CATALOGUE_CALENDAR_MAX_EVENTS],
        site_url=_site_url(request),
        name=f"IGF sessions: {named}" if named else "IGF sessions",
    )
    return _calendar_response(
        exporter, export_filename(session_filter.valid_values, extension="ics")
    )


def session_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """One session as an iCalendar file; a draft only for editors, as its page."""
    session = get_object_or_404(Session.objects.visible_to(request.user).for_list(), slug=slug)
    exporter = CalendarExporter([session], site_url=_site_url(request), name=session.title)
    response = _calendar_response(exporter, f"{session.slug[:100]}.ics")
    if not session.is_published:
        add_never_cache_headers(response)
    return response


def _calendar_response(exporter: CalendarExporter, filename: str) -> HttpResponse:
    response = HttpResponse(exporter.render(), content_type=exporter.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


def year_schedule(request: HttpRequest, year: int, file_format: str) -> HttpResponse:
    """A year's programme in the frab format conference apps read; 404 without sessions."""
    sessions = list(schedule_sessions(selectors.sessions_in_year(year)))
    if not sessions:
        raise Http404("No sessions in that year.")
    schedule = frab_schedule(
        year=year,
        sessions=sessions,
        meeting=annual_meeting_in(year),
        site_url=_site_url(request),
    )
    exporter = SCHEDULE_EXPORTERS[file_format](schedule)
    return HttpResponse(exporter.render(), content_type=exporter.content_type)


def meeting_schedule(request: HttpRequest, slug: str, file_format: str) -> HttpResponse:
    """A meeting's programme in the frab format; 404 for a meeting without sessions."""
    meeting = selectors.meeting_for_page(slug)
    sessions = list(schedule_sessions(selectors.sessions_of(meeting)))
    if not sessions:
        raise Http404("No sessions at that meeting.")
    schedule = frab_schedule(
        year=meeting.start_date.year if meeting.start_date else sessions[0].date.year,
        sessions=sessions,
        meeting=meeting,
        site_url=_site_url(request),
        whole_meeting=True,
    )
    exporter = SCHEDULE_EXPORTERS[file_format](schedule)
    return HttpResponse(exporter.render(), content_type=exporter.content_type)
