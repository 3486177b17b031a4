from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from igf_catalogue.admin import URLS_ASSUME_HTTPS, CatalogueModelAdmin

from .models import Enabler, Objective, Strategy

# Strategies the session form may ask the parts of at once; more are left out.
MAX_STRATEGIES_ASKED = 100


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

    # The session form asks for the parts of the strategies it has selected, by id:
    # `strategies=3,8` (see static/js/admin-strategy-parts.js). They come grouped
    # under their strategy's name, as `ordering` sorts them.

    def autocomplete_grouped(self, request) -> bool:
        return "strategies" in request.GET

    def autocomplete_group(self, part) -> str:
        return part.strategy.name

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if self.autocomplete_grouped(request):
            queryset = queryset.filter(strategy__in=_strategy_ids(request.GET["strategies"]))
        return queryset, may_have_duplicates


def _strategy_ids(text: str) -> list[int]:
    """The ids of "3,8"; whatever is not one (or past any id's range) is left out."""
    parts = text.split(",")[:MAX_STRATEGIES_ASKED]
    return [int(part) for part in parts if part.isascii() and part.isdigit() and len(part) < 19]


@admin.register(Objective)
class ObjectiveAdmin(StrategyPartAdmin):
    pass


@admin.register(Enabler)
class EnablerAdmin(StrategyPartAdmin):
    pass
