"""The public pages of the catalogue: home, sessions, meetings, venues, years, speakers
and tags.

Anonymous visitors get no cookie here: the forms are GET forms without a CSRF
token, and nothing touches the messages framework or the server-side session.
"""

from functools import partial
from hashlib import md5

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
)
from django.utils.translation import get_language

from igf_catalogue.pagination import KeysFirst, paginate
from sessions.caching import live_parts, page_cache
from sessions.caching.kept_answers import KeptAnswer, keep_answer
from sessions.caching.version import catalogue_version, reading_one_version
from sessions.counting import popular
from sessions.counting.counted import SessionToCount
from sessions.counting.counter import count_view
from sessions.models import Session, Speaker, Tag, Venue
from sessions.search.ranking import result_keys
from sessions.templatetags.session_text import views_line
from strategies.models import Strategy

from . import charts, facets, form_options, people, recordings, selectors, tiles
from .filters import SessionFilter, without_empty_filters
from .related import related_sessions

# The home page's latest meetings: the annual IGF's and as many of the others.
LATEST_OTHER_MEETINGS = 3


@page_cache.cache_page_for_visitors
def home(request: HttpRequest) -> HttpResponse:
    years = selectors.years_with_counts()
    return render(
        request,
        "sessions/home.html",
        {
            "latest_meetings": selectors.latest_meetings(others=LATEST_OTHER_MEETINGS),
            "most_viewed": popular.most_viewed_sessions(),
            "popular_this_week": popular.popular_sessions_of_last_days(),
            "popular_days": popular.POPULAR_DAYS,
            "years": years,
            "venues": selectors.venues_with_counts().filter(session_count__gt=0),
            "types": selectors.types_with_counts(),
            "topics": selectors.topics_with_counts(),
            "strategies": Strategy.objects.all(),
        },
    )


@page_cache.cache_page_for_visitors
def session_list(request: HttpRequest) -> HttpResponse:
    # A submitted form sends every field, empty ones too; drop those so the URL
    # to bookmark or share names only the filters in use.
    if (tidy_query := without_empty_filters(request.GET)) is not None:
        return redirect(f"{reverse('sessions:list')}{tidy_query}")
    session_filter = SessionFilter(
        request.GET, queryset=Session.objects.published().for_list().with_tags().with_marks()
    )
    # The facets first: their queries count the list for the paginator too.
    counted = facets.counted_facets(session_filter)
    facets.show_counts(session_filter.form, counted)
    form_options.show_kept_options(session_filter.form)
    count = {
        "count": counted.total,
        "count_is_estimated": counted.estimated,
        "exact_count": session_filter.qs.count,
    }
    if session_filter.search_text:
        # The page's keys in order, then the tiles of those (sessions.browsing.tiles).
        keys = result_keys(
            session_filter.qs, session_filter.search_text, by_relevance=session_filter.by_relevance
        )
        page = paginate(request, keys, **count)
        page.object_list = tiles.search_results(list(page.object_list), session_filter.search_text)
    else:
        page = paginate(request, KeysFirst(session_filter.qs), **count)
    return render(
        request,
        "sessions/session_list.html",
        {"filter": session_filter, "page": page},
    )


SESSION_TEMPLATE = "sessions/session_detail.html"
# Sessions per page of a year's programme: an annual meeting's few hundred in a few pages.
PROGRAMME_PER_PAGE = 100


def session_detail(request: HttpRequest, slug: str) -> HttpResponse:
    if page_cache.is_cacheable_request(request):
        return _session_detail_for_visitors(request, slug)
    session = selectors.session_for_page(slug=slug, user=request.user)
    counted = count_view(request, session)
    view_count = counted.total
    response = render(
        request,
        SESSION_TEMPLATE,
        {
            **_session_context(session),
            "view_count": view_count,
            "views_line": views_line(view_count),
            # Read after counting, so this month's bar includes this view too.
            "views_chart": _views_chart(request, session) if session.is_published else "",
        },
    )
    if counted.counted:
        # Tells a client (and the fault checks in bench/) that this view was counted.
        response["X-View-Counted"] = "1"
    if not session.is_published:
        # A draft seen by an editor must never be kept by a shared cache.
        add_never_cache_headers(response)
    return response


def _session_detail_for_visitors(request: HttpRequest, slug: str) -> HttpResponse:
    """The published session's page, rendered once per catalogue version and kept with
    holes where the view count and chart go; each request counts its view and fills them."""
    with reading_one_version():
        return _session_page_for_visitor(request, slug)


def _session_page_for_visitor(request: HttpRequest, slug: str) -> HttpResponse:
    version = catalogue_version()
    key = page_cache.page_key(request, version, with_query=False)
    page, rendered_here = live_parts.kept_with_holes(
        request, key, partial(_render_with_holes, request, slug)
    )
    # The next visitors asking the same way are answered from the top of the middleware
    # stack, each counted and filled in by `_finish_kept_session_page`.
    extra = {
        **page.extra,
        "rendering": page_cache.etag_for(key, page.rendered_at),
        "page": live_parts.PageWithHoles(page.content),
    }
    keep_answer(
        request,
        version=version,
        rendered_at=page.rendered_at,
        finish=_finish_kept_session_page,
        extra=extra,
    )
    # The count read with the page, when this request rendered it, saves a query.
    views_read = page.extra["views"] if rendered_here else None
    return _session_answer(request, page.headers, extra, views_read)


def _finish_kept_session_page(request: HttpRequest, kept: KeptAnswer) -> HttpResponse:
    return _session_answer(request, kept.headers, kept.extra)


def _session_answer(
    request: HttpRequest, headers, extra: dict, views_read: int | None = None
) -> HttpResponse:
    """A kept session page (`extra["page"]`, with holes) for this request: its view counted,
    its live parts filled in. Its ETag names the rendering and the parts filled in,
    which is cheaper than hashing the whole page each time."""
    session = SessionToCount(pk=extra["pk"])
    counted = count_view(request, session)
    view_count = counted.total
    if view_count is None:
        view_count = views_read if views_read is not None else selectors.views_of(session.pk)
    parts = live_parts.LiveParts(
        view_count=view_count,
        views_line=views_line(view_count),
        views_chart=_kept_views_chart(request, session),
    )
    response = HttpResponse(extra["page"].filled(parts), headers=headers)
    if counted.counted:
        response["X-View-Counted"] = "1"
    filled_in = f"{extra['rendering']}\n{parts.views_line}\n{parts.views_chart}"
    response["ETag"] = f'"{md5(filled_in.encode(), usedforsecurity=False).hexdigest()}"'
    if "Cache-Control" not in response:  # kept with the page's headers otherwise
        patch_cache_control(response, max_age=0)
    return get_conditional_response(request, etag=response["ETag"], response=response)


def _render_with_holes(request: HttpRequest, slug: str, holes: dict) -> tuple[HttpResponse, dict]:
    """The session page with holes for its live parts, and what filling them needs: the
    session's key, and the view count read with it."""
    session = selectors.session_for_page(slug=slug, user=request.user)
    response = render(request, SESSION_TEMPLATE, {**_session_context(session), **holes})
    return response, {"pk": session.pk, "views": session.views}


def _session_context(session: Session) -> dict:
    return {
        "session": session,
        "strategies": session.presented_strategies,
        "recording_groups": recordings.by_language(session.recordings.all(), get_language()),
        "related_sessions": related_sessions(session),
    }


def _views_chart(request: HttpRequest, session: Session | SessionToCount) -> str:
    chart = charts.bar_chart(selectors.monthly_views(session))
    return render_to_string("sessions/_views_chart.html", {"chart": chart}, request=request)


def _kept_views_chart(request: HttpRequest, session: Session | SessionToCount) -> str:
    """The chart for visitors, drawn once per catalogue version (and kept as long as a
    page): the view count beside it is the live one."""
    return page_cache.cached_for_version(
        f"views-chart:{session.pk}:{get_language()}", lambda: _views_chart(request, session)
    )


@page_cache.cache_page_for_visitors
def meeting_list(request: HttpRequest) -> HttpResponse:
    return render(request, "sessions/meeting_list.html", {"groups": selectors.meetings_by_kind()})


@page_cache.cache_page_for_visitors
def meeting_detail(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = selectors.meeting_for_page(slug)
    page = paginate(request, selectors.sessions_of(meeting), per_page=PROGRAMME_PER_PAGE)
    return render(request, "sessions/meeting_detail.html", {"meeting": meeting, "page": page})


@page_cache.cache_page_for_visitors
def venue_list(request: HttpRequest) -> HttpResponse:
    return render(request, "sessions/venue_list.html", {"venues": selectors.venues_with_counts()})


@page_cache.cache_page_for_visitors
def venue_detail(request: HttpRequest, slug: str) -> HttpResponse:
    venue = get_object_or_404(Venue, slug=slug)
    return render(
        request,
        "sessions/venue_detail.html",
        {
            "venue": venue,
            "meetings": selectors.meetings_at(venue),
            "page": paginate(request, selectors.sessions_at(venue)),
        },
    )


@page_cache.cache_page_for_visitors
def year_list(request: HttpRequest) -> HttpResponse:
    return render(request, "sessions/year_list.html", {"years": selectors.years_with_counts()})


@page_cache.cache_page_for_visitors
def year_detail(request: HttpRequest, year: int) -> HttpResponse:
    # A year of a big catalogue holds thousands of sessions: its programme is paged.
    page = paginate(request, selectors.sessions_in_year(year), per_page=PROGRAMME_PER_PAGE)
    if not page.object_list and not selectors.is_year_worth_a_page(year):
        raise Http404("No sessions in that year.")
    years = selectors.years_with_sessions()
    return render(
        request,
        "sessions/year_detail.html",
        {
            "year": year,
            "page": page,
            "meetings": selectors.meetings_in(year),
            "previous_year": max((other for other in years if other < year), default=None),
            "next_year": min((other for other in years if other > year), default=None),
        },
    )


@page_cache.cache_page_for_visitors
def speaker_list(request: HttpRequest) -> HttpResponse:
    search = people.clean_search(request.GET.get("q", ""))
    return render(
        request,
        "sessions/speaker_list.html",
        {
            "search": search,
            "page": paginate(request, people.speakers_with_counts(search=search)),
        },
    )


@page_cache.cache_page_for_visitors
def speaker_detail(request: HttpRequest, slug: str) -> HttpResponse:
    speaker = get_object_or_404(Speaker, slug=slug)
    page = paginate(request, people.sessions_of_speaker(speaker))
    if not page.paginator.count:
        # Someone named only by drafts is not public yet.
        raise Http404("No published session of this speaker.")
    return render(request, "sessions/speaker_detail.html", {"speaker": speaker, "page": page})


@page_cache.cache_page_for_visitors
def tag_list(request: HttpRequest) -> HttpResponse:
    return render(request, "sessions/tag_list.html", {"tags": selectors.tags_with_counts()})


@page_cache.cache_page_for_visitors
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # A tag of drafts only is not public yet.
    tag = get_object_or_404(selectors.in_public_use(Tag.objects.all(), "tags"), slug=slug)
    return render(
        request,
        "sessions/tag_detail.html",
        {"tag": tag, "page": paginate(request, selectors.sessions_tagged(tag))},
    )


@page_cache.cache_page_for_visitors
def session_transcript(request: HttpRequest, slug: str) -> HttpResponse:
    session = selectors.session_with_transcripts(slug=slug, user=request.user)
    response = render(request, "sessions/session_transcript.html", {"session": session})
    if not session.is_published:
        add_never_cache_headers(response)
    return response
