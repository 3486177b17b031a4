"""Venues and the meetings held at them, in the admin."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from igf_catalogue.admin import URLS_ASSUME_HTTPS, CatalogueModelAdmin
from sessions.models import Meeting, Venue

from .display import SessionCountMixin
from .missing import LACKING, missing_column, with_missing_counts


@admin.register(Venue)
class VenueAdmin(CatalogueModelAdmin):
    list_display = ["place", "time_zone", "meeting_count", "session_count"]
    search_fields = ["city", "country"]
    ordering = ["city", "country"]
    prepopulated_fields = {"slug": ["city", "country"]}
    fieldsets = [(None, {"fields": ["city", "country", "country_code", "slug", "time_zone"]})]

    def get_queryset(self, request):
        # Both counts in the list's own query (distinct: the two joins multiply rows). A
        # grouped query ignores Meta.ordering, hence `ordering` above.
        return (
            super()
            .get_queryset(request)
            .annotate(
                session_count=Count("meetings__sessions", distinct=True),
                meeting_count=Count("meetings", distinct=True),
            )
        )

    @admin.display(description=_("venue"), ordering="city")
    def place(self, venue):
        return venue.name

    @admin.display(description=_("meetings"), ordering="meeting_count")
    def meeting_count(self, venue):
        return venue.meeting_count

    @admin.display(description=_("sessions"), ordering="session_count")
    def session_count(self, venue):
        return venue.session_count


@admin.register(Meeting)
class MeetingAdmin(SessionCountMixin, CatalogueModelAdmin):
    # Beside each meeting, what its sessions still lack (sessions/admin/missing.py).
    list_display = [
        "name", "kind", "start_date", "venue", "session_count",
        *(f"lacking_{what}" for what in LACKING),
    ]  # fmt: skip
    list_filter = ["kind"]
    list_select_related = ["venue"]
    search_fields = ["name", "theme", "venue__city", "venue__country"]
    ordering = ["-start_date", "name"]
    autocomplete_fields = ["venue"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = URLS_ASSUME_HTTPS
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "number", "theme"]}),
        (_("When and where"), {"fields": [("start_date", "end_date"), "venue"]}),
        (_("About"), {"fields": ["website", "description"]}),
    ]

    lacking_description = missing_column("description")
    lacking_speakers = missing_column("speakers")
    lacking_recording = missing_column("recording")
    lacking_transcript = missing_column("transcript")
    lacking_report = missing_column("report")

    def get_queryset(self, request):
        return with_missing_counts(super().get_queryset(request))
