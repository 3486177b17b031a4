from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Count, Value
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from igf_catalogue.admin import URLS_ASSUME_HTTPS
from sessions.browsing.people import merge_speakers
from sessions.caching.page_cache import schedule_version_bump
from sessions.models import (
    DailyViews,
    Participant,
    Session,
    SessionType,
    Speaker,
    Tag,
    Topic,
    Transcript,
    Venue,
)
from strategies.admin import strategy_part_label


def session_label(session: Session) -> str:
    """ "Opening Ceremony (12 November 2007, Rio de Janeiro)": titles repeat from year to year.

    The date is written as the editor's language writes dates. Reads `session.venue`, so
    querysets listing sessions should `select_related("venue")`.
    """
    return f"{session.title} ({date_format(session.date)}, {session.venue.city})"


def public_page(obj) -> str | None:
    """The address of `obj`'s public page; None while a form redisplayed with errors holds
    a slug that makes no address (one the editor cleared), so the page still shows."""
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return None


class SessionCountMixin:
    """A "sessions" column counted in the list's own query, not one query a row.

    A grouped query ignores Meta.ordering, so each admin states its `ordering`: the
    autocomplete pages through the results and needs a stable order.
    """

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_count=Count("sessions"))

    @admin.display(description=_("sessions"), ordering="session_count")
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
        (_("Annual meeting"), {"fields": ["meeting_number", ("start_date", "end_date")]}),
    ]

    @admin.display(description=_("venue"), ordering="city")
    def place(self, venue):
        return venue.name


@admin.register(SessionType, Topic)
class NamedSluggedAdmin(SessionCountMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "session_count"]
    search_fields = ["name"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(NamedSluggedAdmin):
    """Tags, each with its number of sessions; sessions pick them by autocomplete."""


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = [
        "name", "organisation", "stakeholder_group", "regional_group", "session_count",
    ]  # fmt: skip
    list_filter = ["stakeholder_group", "regional_group"]
    search_fields = ["name", "organisation"]
    # A grouped query ignores Meta.ordering; the autocomplete pages and needs a stable order.
    ordering = ["name", "pk"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = URLS_ASSUME_HTTPS
    fields = ["name", "slug", "organisation", "stakeholder_group", "regional_group", "bio_link"]
    actions = ["merge"]

    def get_queryset(self, request):
        # Counted in the list's own query; a session where the speaker has two roles
        # counts once.
        return (
            super()
            .get_queryset(request)
            .annotate(session_count=Count("participations__session", distinct=True))
        )

    @admin.display(description=_("sessions"), ordering="session_count")
    def session_count(self, speaker):
        return speaker.session_count

    def view_on_site(self, speaker):
        return public_page(speaker)

    @admin.action(description=_("Merge selected speakers"), permissions=["change", "delete"])
    def merge(self, request, queryset):
        """Ask which record to keep, then merge the others into it."""
        speakers = list(queryset.order_by("name", "pk"))
        if len(speakers) < 2:
            self.message_user(
                request,
                gettext("Select two or more records of the same person to merge."),
                messages.WARNING,
            )
            return None
        error = ""
        if request.POST.get("confirm") == "yes":
            keep = next((s for s in speakers if str(s.pk) == request.POST.get("keep")), None)
            if keep is not None:
                duplicates = [speaker for speaker in speakers if speaker != keep]
                names = "; ".join(str(speaker) for speaker in duplicates)
                merge_speakers(keep=keep, duplicates=duplicates)
                self.log_change(request, keep, f"Merged into this speaker: {names}.")
                self.message_user(
                    request,
                    ngettext(
                        "Merged %(count)d record into %(keep)s.",
                        "Merged %(count)d records into %(keep)s.",
                        len(duplicates),
                    )
                    % {"count": len(duplicates), "keep": keep},
                    messages.SUCCESS,
                )
                return None
            error = gettext("Choose the record to keep.")
        return TemplateResponse(
            request,
            "admin/catalogue/speaker/merge_speakers.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Merge speakers"),
                "subtitle": None,
                "opts": self.model._meta,
                "speakers": speakers,
                "error": error,
                "action": "merge",
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that labels its selected object from one already read, if given.

    The stock widget reads its selected object with a query of its own, which in an
    inline is one query per row.
    """

    preloaded = None

    def optgroups(self, name, value, attr=None):
        chosen = self.preloaded
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if chosen is None or selected != {str(chosen.pk)}:
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        label = self.choices.field.label_from_instance(chosen)
        options.append(self.create_option(name, chosen.pk, label, selected, len(options)))
        return [(None, options, 0)]


class ParticipantForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The wrapper adding the "+" and edit links holds the autocomplete itself.
            widget = self.fields["speaker"].widget
            getattr(widget, "widget", widget).preloaded = self.instance.speaker


class ParticipantInline(admin.TabularInline):
    model = Participant
    form = ParticipantForm
    fields = ["speaker", "role", "order"]
    autocomplete_fields = ["speaker"]
    extra = 1
    verbose_name = _("participant")
    verbose_name_plural = _("participants (organisers, speakers, moderators, rapporteurs)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "speaker":
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TranscriptInline(admin.StackedInline):
    model = Transcript
    fields = ["language", "text"]
    extra = 0


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
            self.add_error("related", gettext("A session cannot be related to itself."))

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
                    gettext(
                        "Not part of the session's strategies: %(names)s. "
                        "Select their strategy under Strategies, or remove them here."
                    )
                    % {"names": names},
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
        "venue", "type", "topic", "tags", "related", "strategies", "objectives", "enablers",
    ]  # fmt: skip
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["views", "published_at", "created_at", "updated_at"]
    formfield_overrides = URLS_ASSUME_HTTPS
    fieldsets = [
        (None, {"fields": ["title", "slug", "key"]}),
        (_("When and where"), {"fields": ["date", ("start_time", "end_time"), "venue"]}),
        (_("What"), {"fields": ["type", "topic", "tags", "description"]}),
        (
            _("Strategies"),
            {
                "fields": ["strategies", "objectives", "enablers"],
                "description": _("Objectives and enablers must belong to the strategies selected."),
            },
        ),
        (_("Links"), {"fields": ["url", "related"]}),
        (
            _("Publication"),
            {"fields": ["status", "published_at", "views", "created_at", "updated_at"]},
        ),
    ]
    inlines = [ParticipantInline, TranscriptInline]
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
        return public_page(session)

    @admin.action(description=_("Publish selected sessions"))
    def publish(self, request, queryset):
        now = timezone.now()
        count = queryset.update(
            status=Session.Status.PUBLISHED,
            # The first publication is remembered; republishing keeps it.
            published_at=Coalesce("published_at", Value(now)),
            updated_at=now,
        )
        schedule_version_bump()  # an update() sends no signal
        self.message_user(
            request,
            ngettext("Published %d session.", "Published %d sessions.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish selected sessions"))
    def unpublish(self, request, queryset):
        count = queryset.update(status=Session.Status.DRAFT, updated_at=timezone.now())
        schedule_version_bump()
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
