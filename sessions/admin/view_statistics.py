"""The daily views in the admin, read-only."""

from django.contrib import admin

from igf_catalogue.admin import CatalogueModelAdmin
from sessions.models import DailyViews


@admin.register(DailyViews)
class DailyViewsAdmin(CatalogueModelAdmin):
    """Read-only: the counts are written by the public site as views happen."""

    list_display = ["day", "session", "views"]
    list_select_related = ["session"]
    date_hierarchy = "day"
    search_fields = ["session__title"]
    ordering = ["-day", "-views"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
