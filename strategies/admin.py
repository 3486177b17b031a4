from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from igf_catalogue.admin import URLS_ASSUME_HTTPS, CatalogueModelAdmin

from .models import Enabler, Objective, Strategy


def strategy_part_label(part: Objective | Enabler) -> str:
    """ "Digital economy — Mexico's National Digital Strategy": a name alone is ambiguous.

    Reads `part.strategy`, so querysets listing parts should `select_related("strategy")`.
    """
    return f"{part.name} — {part.strategy.name}"


class StrategyPartInline(admin.TabularInline):
    fields = ["order", "name", "description"]
    ordering = ["order", "pk"]
    extra = 1
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})},
    }


class ObjectiveInline(StrategyPartInline):
    model = Objective


class EnablerInline(StrategyPartInline):
    model = Enabler


@admin.register(Strategy)
class StrategyAdmin(CatalogueModelAdmin):
    list_display = ["name", "country", "year", "owner", "session_count"]
    list_filter = ["country"]
    search_fields = ["name", "country", "owner"]
    ordering = ["name"]  # a grouped query ignores Meta.ordering; the autocomplete needs one
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "country", "year", "owner", "link", "description"]
    inlines = [ObjectiveInline, EnablerInline]
    formfield_overrides = URLS_ASSUME_HTTPS

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_count=Count("sessions"))

    @admin.display(description=_("sessions"), ordering="session_count")
    def session_count(self, strategy):
        return strategy.session_count


class StrategyPartAdmin(CatalogueModelAdmin):
    """Objectives and enablers are edited inline on their strategy.

    They have an admin of their own only for the session form's autocomplete, which
    needs `search_fields` and the view permission, so they stay off the admin index.
    """

    list_display = ["name", "strategy", "order"]
    search_fields = ["name", "strategy__name"]
    autocomplete_fields = ["strategy"]
    ordering = ["strategy__name", "order", "pk"]

    def get_queryset(self, request):
        # For the list and the autocomplete's labels alike.
        return super().get_queryset(request).select_related("strategy")

    def get_model_perms(self, request):
        # Hidden from the index; the views themselves still check real permissions.
        return {}

    def autocomplete_label(self, part):
        return strategy_part_label(part)


@admin.register(Objective)
class ObjectiveAdmin(StrategyPartAdmin):
    pass


@admin.register(Enabler)
class EnablerAdmin(StrategyPartAdmin):
    pass
