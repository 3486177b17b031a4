from django.urls import path

from sessions.browsing import documents, views
from sessions.open_data import downloads, feeds

app_name = "sessions"

urlpatterns = [
    path("sessions/", views.session_list, name="list"),
    path("sessions/feed.atom", feeds.atom_feed, name="feed-atom"),
    path("sessions/feed.rss", feeds.rss_feed, name="feed-rss"),
    path(
        "sessions/export.csv",
        downloads.session_export,
        {"file_format": "csv"},
        name="export-csv",
    ),
    path(
        "sessions/export.json",
        downloads.session_export,
        {"file_format": "json"},
        name="export-json",
    ),
    path("sessions/calendar.ics", downloads.sessions_calendar, name="calendar"),
    path(
        "sessions/<slug:slug>/calendar.ics",
        downloads.session_calendar,
        name="session-calendar",
    ),
    path("sessions/<slug:slug>/", views.session_detail, name="detail"),
    path("sessions/<slug:slug>/transcript/", views.session_transcript, name="transcript"),
    path(
        "sessions/<slug:slug>/documents/<int:pk>/",
        documents.document_download,
        name="document",
    ),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/<slug:slug>/", views.meeting_detail, name="meeting"),
    path(
        "meetings/<slug:slug>/schedule.json",
        downloads.meeting_schedule,
        {"file_format": "json"},
        name="meeting-schedule-json",
    ),
    path(
        "meetings/<slug:slug>/schedule.xml",
        downloads.meeting_schedule,
        {"file_format": "xml"},
        name="meeting-schedule-xml",
    ),
    path("venues/", views.venue_list, name="venues"),
    path("venues/<slug:slug>/", views.venue_detail, name="venue"),
    path("years/", views.year_list, name="years"),
    path("years/<int:year>/", views.year_detail, name="year"),
    path("speakers/", views.speaker_list, name="speakers"),
    path("speakers/<slug:slug>/", views.speaker_detail, name="speaker"),
    path("tags/", views.tag_list, name="tags"),
    path("tags/<slug:slug>/", views.tag_detail, name="tag"),
    path(
        "years/<int:year>/schedule.json",
        downloads.year_schedule,
        {"file_format": "json"},
        name="year-schedule-json",
    ),
    path(
        "years/<int:year>/schedule.xml",
        downloads.year_schedule,
        {"file_format": "xml"},
        name="year-schedule-xml",
    ),
]
