"""Sessions in the admin: the form editors spend their day in, with participants,
recordings, documents and transcripts inline, and bulk publishing."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from igf_catalogue.admin import (
    URLS_ASSUME_HTTPS,
    CatalogueModelAdmin,
    StorableAutocompletes,
    StorableAutocompleteSelect,
    StorableAutocompleteSelectMultiple,
)
from sessions.caching.version import schedule_version_bump
from sessions.models import Document, Participant, Recording, Session, Transcript
from strategies.admin import strategy_part_label

from .display import public_page, session_label
from .languages import LanguageFilter
from .missing import LacksFilter
from .programme_import import ProgrammeImportViews, can_import
from .tags_by_typing import TagsByTyping, TagsByTypingField, save_new_tags

# Characters of a title the session list shows; the whole of it is a click away.
TITLE_SHOWN = 70


class PreloadedAutocompleteSelect(StorableAutocompleteSelect):
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


class ParticipantInline(StorableAutocompletes, admin.TabularInline):
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


class StrategyPartsAutocomplete(StorableAutocompleteSelectMultiple):
    """Objectives or enablers, offered from the strategies selected on the form.

    Its own script starts it (static/js/admin-strategy-parts.js), sending the selected
    strategies with each search; without the "admin-autocomplete" class, Django's does
    not. Without JavaScript the form still checks the choice on save.
    """

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        classes = [name for name in attrs.pop("class").split() if name != "admin-autocomplete"]
        if classes:
            attrs["class"] = " ".join(classes)
        attrs["data-strategy-parts"] = "strategies"  # the field whose choice they follow
        return attrs

    @property
    def media(self):
        # After django.jQuery and select2 are there: a list's order is kept on merging.
        return super().media + forms.Media(
            js=["admin/js/jquery.init.js", "admin/js/autocomplete.js", "js/admin-strategy-parts.js"]
        )


class LineEndsAsStoredField(forms.CharField):
    """Text whose line ends are "\n", as the catalogue stores them: a browser sends a
    textarea's back as "\r\n", which made an untouched transcript look changed (and
    saved it with other line ends)."""

    def to_python(self, value):
        text = super().to_python(value)
        return text.replace("\r\n", "\n").replace("\r", "\n")


class TranscriptInline(admin.StackedInline):
    model = Transcript
    fields = ["language", "text"]
    extra = 0
    formfield_overrides = {models.TextField: {"form_class": LineEndsAsStoredField}}


class RecordingInline(admin.TabularInline):
    model = Recording
    fields = ["url", "language", "title", "length", "order"]
    extra = 0
    formfield_overrides = URLS_ASSUME_HTTPS


class DocumentInline(admin.TabularInline):
    """Documents as links or uploads: the file goes to the storage (see STORAGES),
    checked by sessions.models.archive.validate_document_file."""

    model = Document
    fields = ["title", "kind", "language", "url", "file", "order"]
    extra = 0
    formfield_overrides = URLS_ASSUME_HTTPS


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
class SessionAdmin(CatalogueModelAdmin):
    form = SessionAdminForm
    # What fits a 1280 px screen: the type and topic are in the filters beside it.
    list_display = ["title_in_brief", "date", "meeting", "status", "views"]
    list_filter = [
        "status", "meeting__kind", "meeting", "meeting__venue", "type", "topic", LanguageFilter,
        LacksFilter,
    ]  # fmt: skip
    date_hierarchy = "date"
    # Whatever an editor remembers of a session: its title or words of it, its key, a
    # speaker, its meeting or the city that was held in, a tag.
    search_fields = [
        "title", "description", "key", "participants__speaker__name", "meeting__name",
        "meeting__venue__city", "tags__name",
    ]  # fmt: skip
    autocomplete_fields = [
        "meeting", "type", "topic", "tags", "related", "strategies", "objectives", "enablers",
    ]  # fmt: skip
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["views", "published_at", "created_at", "updated_at"]
    formfield_overrides = URLS_ASSUME_HTTPS
    fieldsets = [
        (None, {"fields": ["title", "language", "slug", "key"]}),
        (_("When and where"), {"fields": ["date", ("start_time", "end_time"), "meeting"]}),
        (_("What"), {"fields": ["type", "topic", "tags", "description"]}),
        (
            _("Session report"),
            {"fields": ["report_summary", "key_takeaways", "calls_to_action"]},
        ),
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
    inlines = [ParticipantInline, RecordingInline, DocumentInline, TranscriptInline]
    actions = ["publish", "unpublish"]

    def get_urls(self):
        # Before the admin's own: "import/" would otherwise be read as a session's id.
        return ProgrammeImportViews(self).urls() + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": can_import(request)}
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        # Meeting, venue, type and topic come in the same query, for the list's columns and the
        # autocomplete's labels alike. (This takes the place of list_select_related,
        # which the changelist ignores once a queryset has any select_related.)
        return super().get_queryset(request).for_list()

    @admin.display(description=_("title"), ordering="title")
    def title_in_brief(self, session):
        return Truncator(session.title).chars(TITLE_SHOWN)

    def autocomplete_label(self, session):
        return session_label(session)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in {"objectives", "enablers"}:
            kwargs["widget"] = StrategyPartsAutocomplete(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        elif db_field.name == "tags":
            kwargs["widget"] = TagsByTyping(db_field, self.admin_site, using=kwargs.get("using"))
            kwargs["form_class"] = TagsByTypingField
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        # The selected ones are labelled as in the autocomplete, read in the same query.
        if db_field.name == "related":
            formfield.queryset = formfield.queryset.select_related("meeting__venue")
            formfield.label_from_instance = session_label
        elif db_field.name in {"objectives", "enablers"}:
            formfield.queryset = formfield.queryset.select_related("strategy")
            formfield.label_from_instance = strategy_part_label
        return formfield

    def save_related(self, request, form, formsets, change):
        save_new_tags(form.cleaned_data.get("tags") or [])
        super().save_related(request, form, formsets, change)

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
