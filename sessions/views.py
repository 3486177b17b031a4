"""The public pages of the catalogue: home, sessions, venues, years, speakers and tags.

Anonymous visitors get no cookie here: the forms are GET forms without a CSRF
token, and nothing touches the messages framework or the server-side session.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from igf_catalogue.pagination import paginate
from strategies.models import Strategy

from . import charts, facets, people, selectors
from .filters import SessionFilter, without_empty_filters
from .models import Session, Speaker, Tag, Venue
from .related import related_sessions
from .search import add_snippets
from .views_counter import count_view


def home(request: HttpRequest) -> HttpResponse:
    years = selectors.years_with_counts()
    return render(
        request,
        "sessions/home.html",
        {
            "latest_year": years[0] if years else None,
            "most_viewed": selectors.most_viewed_sessions(),
            "popular_this_week": selectors.popular_sessions_of_last_days(),
            "popular_days": selectors.POPULAR_DAYS,
            "years": years,
            "venues": selectors.venues_with_counts().filter(session_count__gt=0),
            "types": selectors.types_with_counts(),
            "topics": selectors.topics_with_counts(),
            "strategies": Strategy.objects.all(),
        },
    )


def session_list(request: HttpRequest) -> HttpResponse:
    # A submitted form sends every field, empty ones too; drop those so the URL
    # to bookmark or share names only the filters in use.
    if (tidy_query := without_empty_filters(request.GET)) is not None:
        return redirect(f"{reverse('sessions:list')}{tidy_query}")
    session_filter = SessionFilter(
        request.GET, queryset=Session.objects.published().for_list().with_tags()
    )
    page = paginate(request, session_filter.qs)
    if session_filter.search_text:
        page.object_list = list(page.object_list)
        add_snippets(page.object_list, session_filter.search_text)
    facets.show_counts(session_filter.form, facets.facet_counts(session_filter))
    return render(
        request,
        "sessions/session_list.html",
        {"filter": session_filter, "page": page},
    )


def session_detail(request: HttpRequest, slug: str) -> HttpResponse:
    session = selectors.session_for_page(slug=slug, user=request.user)
    view_count = count_view(request, session)
    response = render(
        request,
        "sessions/session_detail.html",
        {
            "session": session,
            "strategies": session.presented_strategies,
            "related_sessions": related_sessions(session),
            "view_count": view_count,
            # Read after counting, so this month's bar includes this view too.
            "views_chart": (
                charts.bar_chart(selectors.monthly_views(session)) if session.is_published else None
            ),
        },
    )
    if not session.is_published:
        # A draft seen by an editor must never be kept by a shared cache.
        add_never_cache_headers(response)
    return response


def venue_list(request: HttpRequest) -> HttpResponse:
    return render(request, "sessions/venue_list.html", {"venues": selectors.venues_with_counts()})


def venue_detail(request: HttpRequest, slug: str) -> HttpResponse:
    venue = get_object_or_404(Venue, slug=slug)
    return render(
        request,
        "sessions/venue_detail.html",
        {"venue": venue, "page": paginate(request, selectors.sessions_at(venue))},
    )


def year_list(request: HttpRequest) -> HttpResponse:
    return render(request, "sessions/year_list.html", {"years": selectors.years_with_counts()})


def year_detail(request: HttpRequest, year: int) -> HttpResponse:
    sessions = list(selectors.sessions_in_year(year))
    if not sessions and not selectors.is_year_worth_a_page(year):
        raise Http404("No sessions in that year.")
    # The meeting of that year, then any other place its sessions were held.
    venues = {venue.pk: venue for venue in selectors.meeting_venues_in(year)}
    for session in sessions:
        venues.setdefault(session.venue_id, session.venue)
    years = selectors.years_with_sessions()
    return render(
        request,
        "sessions/year_detail.html",
        {
            "year": year,
            "sessions": sessions,
            "venues": list(venues.values()),
            "previous_year": max((other for other in years if other < year), default=None),
            "next_year": min((other for other in years if other > year), default=None),
        },
    )


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


def speaker_detail(request: HttpRequest, slug: str) -> HttpResponse:
    speaker = get_object_or_404(Speaker, slug=slug)
    page = paginate(request, people.sessions_of_speaker(speaker))
    if not page.paginator.count:
        # Someone named only by drafts is not public yet.
        raise Http404("No published session of this speaker.")
    return render(request, "sessions/speaker_detail.html", {"speaker": speaker, "page": page})


def tag_list(request: HttpRequest) -> HttpResponse:
    return render(request, "sessions/tag_list.html", {"tags": selectors.tags_with_counts()})


def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    return render(
        request,
        "sessions/tag_detail.html",
        {"tag": tag, "page": paginate(request, selectors.sessions_tagged(tag))},
    )


def session_transcript(request: HttpRequest, slug: str) -> HttpResponse:
    session = selectors.session_with_transcripts(slug=slug, user=request.user)
    response = render(request, "sessions/session_transcript.html", {"session": session})
    if not session.is_published:
        add_never_cache_headers(response)
    return response
