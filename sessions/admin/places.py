"""Venues in the admin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from igf_catalogue.admin import CatalogueModelAdmin
from sessions.models import Venue

from .display import SessionCountMixin


@admin.register(Venue)
class VenueAdmin(SessionCountMixin, CatalogueModelAdmin):
    list_display = ["place", "meeting_number", "start_date", "end_date", "session_count"]
    search_fields = ["city", "country"]
    ordering = ["city", "country"]
    prepopulated_fields = {"slug": ["city", "country"]}
    fieldsets = [
        (None, {"fields": ["city", "country", "country_code", "slug", "time_zone"]}),
        (_("Annual meeting"), {"fields": ["meeting_number", ("start_date", "end_date")]}),
    ]

    @admin.display(description=_("venue"), ordering="city")
    def place(self, venue):
        return venue.name
