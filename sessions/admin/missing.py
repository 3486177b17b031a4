"""What editors still have to add: for each meeting, how many of its sessions lack a
description, speakers, a recording, a transcript or a report, each number a link to
exactly those sessions in the session list (its "Lacks" filter)."""

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from sessions.models import Meeting, Participant, Recording, Session, Transcript

# What a session may lack, as the "Lacks" filter names it, and the meeting list's
# column counting it. A column is also an attribute of MeetingAdmin (places.py), so a
# key added here needs its `missing_column` there.
LACKING = {
    "description": _("without a description"),
    "speakers": _("without speakers"),
    "recording": _("without a recording"),
    "transcript": _("without a transcript"),
    "report": _("without a report"),
}
# What the filter offers: the same, as "Lacks …" reads.
LACKS_CHOICES = [
    ("description", _("a description")),
    ("speakers", _("speakers")),
    ("recording", _("a recording")),
    ("transcript", _("a transcript")),
    ("report", _("a report")),
]
LINKED = {"speakers": Participant, "transcript": Transcript, "recording": Recording}


def lacking(what: str, session: str = "pk") -> Q:
    """The sessions that lack `what`, `session` naming their primary key in the query."""
    prefix = "" if session == "pk" else "sessions__"
    if what == "description":
        return Q(**{f"{prefix}description": ""})
    if what == "report":
        return Q(
            **{
                f"{prefix}report_summary": "",
                f"{prefix}key_takeaways": "",
                f"{prefix}calls_to_action": "",
            }
        )
    return ~Q(Exists(LINKED[what].objects.filter(session=OuterRef(session))))


def with_missing_counts(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """`meetings`, each with `lacking_<what>`: its sessions that lack it, drafts included;
    counted in the meetings' own query."""
    return meetings.annotate(
        **{
            f"lacking_{what}": Count("sessions", filter=lacking(what, session="sessions"))
            for what in LACKING
        }
    )


class LacksFilter(admin.SimpleListFilter):
    """The session list narrowed to the sessions that lack something."""

    title = _("lacks")
    parameter_name = "lacks"

    def lookups(self, request, model_admin):
        return LACKS_CHOICES

    def queryset(self, request, queryset: QuerySet[Session]) -> QuerySet[Session]:
        if self.value() in dict(LACKS_CHOICES):
            return queryset.filter(lacking(self.value()))
        return queryset


def missing_column(what: str):
    """A column of the meeting list: how many of its sessions lack `what`, as a link to
    them in the session list."""

    @admin.display(description=LACKING[what], ordering=f"lacking_{what}")
    def column(model_admin, meeting: Meeting):
        count = getattr(meeting, f"lacking_{what}")
        if not count:
            return count
        query = urlencode({"meeting__id__exact": meeting.pk, "lacks": what})
        return format_html(
            '<a href="{}?{}">{}</a>', reverse("admin:catalogue_session_changelist"), query, count
        )

    column.__name__ = f"lacking_{what}"
    return column
