"""How the admin names sessions, links to public pages and counts sessions per row."""

from django.contrib import admin
from django.db.models import Count
from django.urls import NoReverseMatch
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from sessions.models import Session


def session_label(session: Session) -> str:
    """ "Opening Ceremony (12 November 2007, Rio de Janeiro)": titles repeat from year to year.

    The date is written as the editor's language writes dates. Reads `session.venue`, so
    querysets listing sessions should `select_related("meeting__venue")`.
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
