"""One address of each kind of public page, read from the demo catalogue."""

from django.db.models import Count

from sessions.models import Meeting, Session, Speaker, Tag, Venue
from strategies.models import Strategy

THE_MEXICO_SESSION = "Mexico: The National Digital Strategy and the MSH model"


def public_pages() -> dict[str, str]:
    """Every kind of public page, by name, with its path on the demo catalogue."""
    session = Session.objects.get(title=THE_MEXICO_SESSION)
    with_transcript = Session.objects.published().filter(transcripts__isnull=False).first()
    # The demo's Mexico session has a recording, documents and a report; its Riyadh main
    # session is recorded in the six UN languages, with documents.
    interpreted = (
        Session.objects.published()
        .filter(recordings__language="zh", documents__isnull=False)
        .distinct()
        .get()
    )
    venue = Venue.objects.annotate(n=Count("meetings__sessions")).order_by("-n", "pk").first()
    by_sessions = Meeting.objects.annotate(n=Count("sessions")).order_by("-n", "pk")
    annual = by_sessions.filter(kind=Meeting.Kind.ANNUAL).first()
    other = by_sessions.exclude(kind=Meeting.Kind.ANNUAL).first()
    at_other = Session.objects.published().filter(meeting=other).order_by("pk").first()
    speaker = Speaker.objects.annotate(n=Count("participations")).order_by("-n", "pk").first()
    tag = Tag.objects.annotate(n=Count("sessions")).order_by("-n", "pk").first()
    strategy = Strategy.objects.annotate(n=Count("sessions")).order_by("-n", "pk").first()
    year = session.date.year
    pages = {
        "home": "/",
        "list": "/sessions/",
        "filtered list": f"/sessions/?year={year}&type={session.type.slug}",
        "search results": "/sessions/?q=digital+strategy",
        "session": session.get_absolute_url(),
        "session recorded in six languages": interpreted.get_absolute_url(),
        "meetings": "/meetings/",
        "meeting": annual.get_absolute_url(),
        "other meeting": other.get_absolute_url(),
        "session at another meeting": at_other.get_absolute_url(),
        "venues": "/venues/",
        "venue": venue.get_absolute_url(),
        "years": "/years/",
        "year": f"/years/{year}/",
        "speakers": "/speakers/",
        "speaker": speaker.get_absolute_url(),
        "tags": "/tags/",
        "tag": tag.get_absolute_url(),
        "strategies": "/strategies/",
        "strategy": strategy.get_absolute_url(),
        "not found": "/sessions/no-such-session/",
    }
    if with_transcript:
        pages["transcript"] = f"{with_transcript.get_absolute_url()}transcript/"
    return pages
