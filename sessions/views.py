"""The public pages of the catalogue: home, sessions, venues and years.

Anonymous visitors get no cookie here: the forms are GET forms without a CSRF
token, and nothing touches the messages framework or the server-side session.
"""

import datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from igf_catalogue.pagination import paginate
from strategies.models import Strategy

from . import selectors
from .filters import SessionFilter, without_empty_filters
from .models import Session, Venue
from .related import related_sessions
from .views_counter import count_view


def home(request: HttpRequest) -> HttpResponse:
    years = selectors.years_with_counts()
    week_ago = timezone.now().date() - datetime.timedelta(days=7)
    return render(
        request,
        "sessions/home.html",
        {
            "latest_year": years[0] if years else None,
            "most_viewed": selectors.most_viewed_sessions(),
            "popular_this_week": selectors.popular_sessions_since(week_ago),
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
    session_filter = SessionFilter(request.GET, queryset=Session.objects.published().for_list())
    return render(
        request,
        "sessions/session_list.html",
        {"filter": session_filter, "page": paginate(request, session_filter.qs)},
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
