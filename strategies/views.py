"""The public strategy pages: every strategy, and one with its objectives, enablers and sessions.

Sessions depend on strategies, never the reverse, so this module imports nothing from
`sessions`: a strategy's sessions come through the reverse relation `strategy.sessions`.
"""

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from igf_catalogue.pagination import paginate

from .models import Strategy

# A session's status as stored; the constant itself lives with the Session model.
PUBLISHED_SESSION = "published"


def strategy_list(request: HttpRequest) -> HttpResponse:
    strategies = Strategy.objects.annotate(
        session_count=Count("sessions", filter=Q(sessions__status=PUBLISHED_SESSION))
    ).order_by("name", "pk")
    return render(request, "strategies/strategy_list.html", {"strategies": strategies})


def strategy_detail(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = get_object_or_404(
        Strategy.objects.prefetch_related("objectives", "enablers"), slug=slug
    )
    sessions = (
        strategy.sessions.filter(status=PUBLISHED_SESSION)
        .select_related("type", "topic", "meeting__venue")
        # Methods of the sessions' own QuerySet, reached without importing it.
        .with_tags()
        .with_marks()
        .order_by("-date", "-pk")
    )
    return render(
        request,
        "strategies/strategy_detail.html",
        {"strategy": strategy, "page": paginate(request, sessions)},
    )
