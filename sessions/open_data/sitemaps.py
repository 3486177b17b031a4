"""sitemap.xml: an index of one sitemap per section, each with Django's sitemaps framework.

Only published sessions appear, and only the meetings, venues, years, speakers and tags that
have some. Sessions and speakers can be many, so they stay querysets that Django
pages at 50,000 URLs per sitemap; the small sections are read once into a list.
Each section costs a fixed number of queries, whatever the catalogue's size.

A session with a YouTube recording has a video entry for it, in Google's video sitemap
extension (templates/sitemap_with_videos.xml). Google needs a thumbnail for each, and
only YouTube gives one without asking its API: a Vimeo recording or a media file has no
entry.
"""

import re

from django.contrib.sitemaps import Sitemap
from django.db.models import F, Max, Q, QuerySet
from django.db.models.functions import ExtractYear, Substr
from django.urls import reverse
from django.utils.text import Truncator

from sessions.models import Meeting, Recording, Session, Speaker, Tag, Venue
from strategies.sitemaps import StrategySitemap

from .archive import embed_url, thumbnail_url
from .exporters import printable
from .structured_data import plain_text

PUBLISHED_SESSIONS = Q(sessions__status=Session.Status.PUBLISHED)
# Google's bounds: a video's description in characters, its duration in seconds.
VIDEO_DESCRIPTION_LENGTH = 2048
VIDEO_SECONDS = range(1, 28_801)
# How much of a description's HTML is read for a video's: ample for 2,048 characters of
# text, and a whole page of the sitemap never carries whole descriptions.
DESCRIPTION_READ = 8 * VIDEO_DESCRIPTION_LENGTH
# A tag the cut above may have left open at the end.
CUT_TAG = re.compile(r"<[^>]*$")


class PageSitemap(Sitemap):
    """The pages that lead to all the others."""

    url_names = [
        "home",
        "sessions:list",
        "sessions:meetings",
        "sessions:years",
        "sessions:venues",
        "strategies:list",
        "sessions:speakers",
        "sessions:tags",
    ]

    def items(self) -> list[str]:
        return self.url_names

    def location(self, url_name: str) -> str:
        return reverse(url_name)


class SessionSitemap(Sitemap):
    def items(self) -> QuerySet[Session]:
        return Session.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, session: Session):
        return session.updated_at

    def get_urls(self, page=1, site=None, protocol=None) -> list[dict]:
        """The page's URLs, each with its session's `videos`: one query for the page,
        whatever its size."""
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        if urls:
            videos = session_videos(first=urls[0]["item"].pk, last=urls[-1]["item"].pk)
            for url in urls:
                url["videos"] = videos.get(url["item"].pk, [])
        return urls

    def get_latest_lastmod(self):
        # One aggregate, rather than Django's default of reading every session.
        return Session.objects.published().aggregate(latest=Max("updated_at"))["latest"]


def session_videos(*, first: int, last: int) -> dict[int, list[dict]]:
    """The video entries of the published sessions with a pk from `first` to `last` (the
    items are in pk order, so that is a page of them), by session pk.

    Read by range rather than by a list of pks: a page may hold 50,000 sessions, more
    than a query may have parameters.
    """
    recordings = (
        Recording.objects.filter(
            session__status=Session.Status.PUBLISHED, session__pk__range=(first, last)
        )
        .annotate(
            session_title=F("session__title"),
            session_description=Substr("session__description", 1, DESCRIPTION_READ),
        )
        .order_by("session", "order", "pk")
    )
    videos: dict[int, list[dict]] = {}
    for recording in recordings:
        if video := video_entry(recording):
            videos.setdefault(recording.session_id, []).append(video)
    return videos


def video_entry(recording: Recording) -> dict | None:
    """A recording as Google's video sitemap has it, or None without a thumbnail."""
    thumbnail = thumbnail_url(recording)
    if not thumbnail:
        return None
    title = recording.session_title
    if recording.title:
        title = f"{title}: {recording.title}"
    description = plain_text(CUT_TAG.sub("", recording.session_description)) or title
    seconds = recording.length_in_seconds
    return {
        "thumbnail_loc": thumbnail,
        "title": printable(title),
        "description": printable(Truncator(description).chars(VIDEO_DESCRIPTION_LENGTH)),
        "player_loc": embed_url(recording),
        "duration": seconds if seconds in VIDEO_SECONDS else None,
    }


class ListedSitemap(Sitemap):
    """A small section: its items read once, each with `lastmod` from its sessions."""

    def read_items(self) -> list:
        raise NotImplementedError

    def items(self) -> list:
        if not hasattr(self, "_items_read"):
            self._items_read = list(self.read_items())
        return self._items_read

    def lastmod(self, item):
        return item.lastmod


class MeetingSitemap(ListedSitemap):
    def read_items(self) -> QuerySet[Meeting]:
        return (
            Meeting.objects.annotate(lastmod=Max("sessions__updated_at", filter=PUBLISHED_SESSIONS))
            .filter(lastmod__isnull=False)
            .only("slug")
            .order_by("pk")
        )


class VenueSitemap(ListedSitemap):
    def read_items(self) -> QuerySet[Venue]:
        held_here = Q(meetings__sessions__status=Session.Status.PUBLISHED)
        return (
            Venue.objects.annotate(lastmod=Max("meetings__sessions__updated_at", filter=held_here))
            .filter(lastmod__isnull=False)
            .only("slug")
            .order_by("pk")
        )


class YearSitemap(ListedSitemap):
    def read_items(self) -> list[dict]:
        return (
            Session.objects.published()
            .values(year=ExtractYear("date"))
            .annotate(lastmod=Max("updated_at"))
            .order_by("year")
        )

    def location(self, row: dict) -> str:
        return reverse("sessions:year", kwargs={"year": row["year"]})

    def lastmod(self, row: dict):
        return row["lastmod"]


class TagSitemap(ListedSitemap):
    def read_items(self) -> QuerySet[Tag]:
        return (
            Tag.objects.annotate(lastmod=Max("sessions__updated_at", filter=PUBLISHED_SESSIONS))
            .filter(lastmod__isnull=False)
            .only("slug")
            .order_by("pk")
        )


class SpeakerSitemap(Sitemap):
    """Speakers of published sessions; they can be many, so Django pages them."""

    def items(self) -> QuerySet[Speaker]:
        published = Q(participations__session__status=Session.Status.PUBLISHED)
        return (
            Speaker.objects.annotate(
                lastmod=Max("participations__session__updated_at", filter=published)
            )
            .filter(lastmod__isnull=False)
            .only("slug")
            .order_by("pk")
        )

    def lastmod(self, speaker: Speaker):
        return speaker.lastmod

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("lastmod"))["latest"]


# Classes, not instances: each request gets its own, so what one reads is never stale.
SITEMAPS = {
    "pages": PageSitemap,
    "sessions": SessionSitemap,
    "meetings": MeetingSitemap,
    "years": YearSitemap,
    "venues": VenueSitemap,
    "strategies": StrategySitemap,
    "speakers": SpeakerSitemap,
    "tags": TagSitemap,
}
