"""What lets machines find and read the pages: canonical links, Open Graph and Twitter
cards, the feeds and API a list has as alternates, and a session's JSON-LD.

Everything here works without a request and without the database, because the
server error page renders the same layout with neither.
"""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.core.paginator import Page
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from igf_catalogue.languages import LANGUAGE_PARAMETER, asked_language
from sessions.browsing.filters import SessionFilter
from sessions.models import Meeting, Session
from sessions.open_data.feeds import SessionSelection
from sessions.open_data.structured_data import (
    header_line_text,
    json_ld_script,
    meeting_event,
    plain_text,
    session_event,
)

register = template.Library()

SOCIAL_DESCRIPTION_LENGTH = 200


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """The page's absolute URL without the parameters that only reorder or repeat it.

    A session list keeps its valid filters (not its sort order); any list keeps its
    page number past the first. "" when there is no request (the server error page).
    """
    request = context.get("request")
    if request is None:
        return ""
    # The page named in the language it is in: the visitor's own choice may have
    # outweighed the address's.
    language = translation.get_language() if asked_language(request) else None
    return _page_url(request, _canonical_params(context), language)


def _canonical_params(context) -> list[tuple[str, str]]:
    params = []
    session_filter = context.get("filter")
    if isinstance(session_filter, SessionFilter):
        params += [(item.name, item.value) for item in SessionSelection.of(session_filter).filters]
    page = context.get("page")
    if isinstance(page, Page) and page.number > 1:
        params.append(("page", str(page.number)))
    return params


def _page_url(request, params: list[tuple[str, str]], language: str | None) -> str:
    if language:
        params = [*params, (LANGUAGE_PARAMETER, language)]
    query = f"?{urlencode(params)}" if params else ""
    return request.build_absolute_uri(f"{request.path}{query}")


@register.simple_tag(takes_context=True)
def language_alternates(context) -> SafeString:
    """The page in each interface language, for search engines: its canonical address
    with `?lang=` for each, and without for the language a visitor's browser chooses
    (`x-default`). "" when there is no request."""
    request = context.get("request")
    if request is None:
        return ""
    params = _canonical_params(context)
    links = [(code, _page_url(request, params, code)) for code, _name in settings.LANGUAGES] + [
        ("x-default", _page_url(request, params, None))
    ]
    return format_html_join("\n  ", '<link rel="alternate" hreflang="{}" href="{}">', links)


@register.inclusion_tag("includes/_alternate_links.html")
def session_feed_links() -> dict:
    """Links to the feeds of the whole catalogue, for pages that are not a list."""
    return {"selection": SessionSelection(), "api_path": None}


@register.inclusion_tag("includes/_alternate_links.html")
def session_list_alternates(session_filter: SessionFilter | None = None, **values) -> dict:
    """Links to the feeds and the API equivalent of a list of sessions, with its filters.

    `{% session_list_alternates filter %}` on /sessions/, or the one filter a page
    stands for: `{% session_list_alternates venue=venue %}`.
    """
    if session_filter is not None:
        selection = SessionSelection.of(session_filter)
    else:
        selection = SessionSelection.by(**values)
    return {"selection": selection, "api_path": reverse("api:session-list")}


@register.filter
def social_description(session: Session) -> str:
    """A short text for link previews: the description's start, else the header line."""
    text = plain_text(session.description) or header_line_text(session)
    return Truncator(text).chars(SOCIAL_DESCRIPTION_LENGTH)


@register.simple_tag(takes_context=True)
def session_json_ld(context, session: Session, view_count: int | None = None) -> SafeString:
    """The session as a schema.org Event in a JSON-LD data block.

    Uses the participants, tags, recordings and documents the session page has
    prefetched (selectors' `session_for_page`), so the block costs no query of its own
    there.
    """
    request = context["request"]
    event = session_event(
        session,
        page_url=request.build_absolute_uri(session.get_absolute_url()),
        view_count=session.views if view_count is None else view_count,
        meeting_url=request.build_absolute_uri(session.meeting.get_absolute_url()),
        participants=getattr(session, "ordered_participants", None),
        tags=getattr(session, "tags_by_name", None),
        recordings=session.recordings.all(),
        documents=session.documents.all(),
    )
    return json_ld_script(event)


@register.simple_tag(takes_context=True)
def meeting_json_ld(context, meeting: Meeting) -> SafeString:
    """The meeting as a schema.org Event in a JSON-LD data block."""
    page_url = context["request"].build_absolute_uri(meeting.get_absolute_url())
    return json_ld_script(meeting_event(meeting, page_url=page_url))
