"""Speakers in the admin, with the action that merges duplicates."""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from igf_catalogue.admin import URLS_ASSUME_HTTPS, CatalogueModelAdmin
from sessions.models import Speaker

from .display import public_page
from .speaker_merging import merge_speakers


@admin.register(Speaker)
class SpeakerAdmin(CatalogueModelAdmin):
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
