"""Session types, topics and tags in the admin."""

from django.contrib import admin

from igf_catalogue.admin import CatalogueModelAdmin
from sessions.models import SessionType, Tag, Topic

from .display import SessionCountMixin


@admin.register(SessionType, Topic)
class NamedSluggedAdmin(SessionCountMixin, CatalogueModelAdmin):
    list_display = ["name", "slug", "session_count"]
    search_fields = ["name"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(NamedSluggedAdmin):
    """Tags, each with its number of sessions; sessions pick them by autocomplete."""
