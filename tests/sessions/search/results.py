"""What a search finds, as the search tests read it."""

from sessions.browsing.filters import RELEVANCE_ORDER
from sessions.models import Session
from sessions.search import search_sessions


def found(text: str) -> list[str]:
    """The titles of the published sessions that a search for `text` finds, best first."""
    sessions = search_sessions(Session.objects.published(), text)
    return list(sessions.order_by(*RELEVANCE_ORDER).values_list("title", flat=True))
