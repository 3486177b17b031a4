"""The daily views in the admin, read-only; they go with their session when it is deleted."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied

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
        # Never on their own (no action, no delete page), but with their session: its
        # deletion asks this of every row it takes along, and listed them as refused.
        return obj is not None and request.user.has_perm("catalogue.delete_session")

    def delete_view(self, request, object_id, extra_context=None):
        raise PermissionDenied

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_delete": False}
        return super().change_view(request, object_id, form_url, extra_context)
