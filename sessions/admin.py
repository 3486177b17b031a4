from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import ngettext

from igf_catalogue.admin import URLS_ASSUME_HTTPS
from strategies.admin import strategy_part_label

from .models import DailyViews, Session, SessionType, Topic, Venue


def session_label(session: Session) -> str:
    """ "Opening Ceremony (12 November 2007, Rio de Janeiro)": titles repeat from year to year.

    Reads `session.venue`, so querysets listing sessions should `select_related("venue")`.
    """
    return f"{session.title} ({format_date(session.date, 'j F Y')}, {session.venue.city})"


class SessionCountMixin:
    """A "sessions" column counted in the list's own query, not one query a row.

    A grouped query ignores Meta.ordering, so each admin states its `ordering`: the
    autocomplete pages through the results and needs a stable order.
    """

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_count=Count("sessions"))

    @admin.display(description="sessions", ordering="session_count")
    def session_count(self, obj):
        return obj.session_count


@admin.register(Venue)
class VenueAdmin(SessionCountMixin, admin.ModelAdmin):
    list_display = ["place", "meeting_number", "start_date", "end_date", "session_count"]
    search_fields = ["city", "country"]
    ordering = ["city", "country"]
    prepopulated_fields = {"slug": ["city", "country"]}
    fieldsets = [
        (None, {"fields": ["city", "country", "country_code", "slug", "time_zone"]}),
        ("Annual meeting", {"fields": ["meeting_number", ("start_date", "end_date")]}),
    ]

    @admin.display(description="venue", ordering="city")
    def place(self, venue):
        return venue.name


@admin.register(SessionType, Topic)
class NamedSluggedAdmin(SessionCountMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "session_count"]
    search_fields = ["name"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class SessionAdminForm(forms.ModelForm):
    """The session form's checks across fields; SessionAdmin builds the fields themselves."""

    def clean(self):
        cleaned_data = super().clean()
        related = cleaned_data.get("related")
        if (
            related is not None
            and self.instance.pk
            and related.filter(pk=self.instance.pk).exists()
        ):
            self.add_error("related", "A session cannot be related to itself.")

        strategies = cleaned_data.get("strategies")
        if strategies is None:  # the field has its own error already
            return cleaned_data
        chosen = {strategy.pk for strategy in strategies}
        for field in ["objectives", "enablers"]:
            stray = [
                part for part in cleaned_data.get(field) or [] if part.strategy_id not in chosen
            ]
            if stray:
                names = "; ".join(strategy_part_label(part) for part in stray)
                self.add_error(
                    field,
                    f"Not part of the session's strategies: {names}. "
                    "Select their strategy under Strategies, or remove them here.",
                )
        return cleaned_data


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    form = SessionAdminForm
    list_display = ["title", "date", "venue", "type", "topic", "status", "views"]
    list_filter = ["status", "venue", "type", "topic"]
    date_hierarchy = "date"
    search_fields = ["title", "description"]
    autocomplete_fields = [
        "venue", "type", "topic", "related", "strategies", "objectives", "enablers",
    ]  # fmt: skip
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["views", "published_at", "created_at", "updated_at"]
    formfield_overrides = URLS_ASSUME_HTTPS
    fieldsets = [
        (None, {"fields": ["title", "slug", "key"]}),
        ("When and where", {"fields": ["date", ("start_time", "end_time"), "venue"]}),
        ("What", {"fields": ["type", "topic", "description"]}),
        (
            "Strategies",
            {
                "fields": ["strategies", "objectives", "enablers"],
                "description": "Objectives and enablers must belong to the strategies selected.",
            },
        ),
        ("Links", {"fields": ["url", "related"]}),
        (
            "Publication",
            {"fields": ["status", "published_at", "views", "created_at", "updated_at"]},
        ),
    ]
    actions = ["publish", "unpublish"]

    def get_queryset(self, request):
        # Venue, type and topic come in the same query, for the list's columns and the
        # autocomplete's labels alike. (This takes the place of list_select_related,
        # which the changelist ignores once a queryset has any select_related.)
        return super().get_queryset(request).for_list()

    def autocomplete_label(self, session):
        return session_label(session)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        # The selected ones are labelled as in the autocomplete, read in the same query.
        if db_field.name == "related":
            formfield.queryset = formfield.queryset.select_related("venue")
            formfield.label_from_instance = session_label
        elif db_field.name in {"objectives", "enablers"}:
            formfield.queryset = formfield.queryset.select_related("strategy")
            formfield.label_from_instance = strategy_part_label
        return formfield

    def view_on_site(self, session):
        # Straight to the page; the public view shows drafts to staff.
        return session.get_absolute_url()

    @admin.action(description="Publish selected sessions")
    def publish(self, request, queryset):
        now = timezone.now()
        count = queryset.update(
            status=Session.Status.PUBLISHED,
            # The first publication is remembered; republishing keeps it.
            published_at=Coalesce("published_at", Value(now)),
            updated_at=now,
        )
        self.message_user(
            request,
            ngettext("Published %d session.", "Published %d sessions.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description="Unpublish selected sessions")
    def unpublish(self, request, queryset):
        count = queryset.update(status=Session.Status.DRAFT, updated_at=timezone.now())
        self.message_user(
            request,
            ngettext(
                "Unpublished %d session; it is a draft again.",
                "Unpublished %d sessions; they are drafts again.",
                count,
            )
            % count,
            messages.SUCCESS,
        )


@admin.register(DailyViews)
class DailyViewsAdmin(admin.ModelAdmin):
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
