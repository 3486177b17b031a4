"""sitemap.xml: an index of one sitemap per section, each with Django's sitemaps framework.

Only published sessions appear, and only the meetings, venues, years, speakers and tags that
have some. Sessions and speakers can be many, so they stay querysets that Django
pages at 50,000 URLs per sitemap; the small sections are read once into a list.
Each section costs a fixed number of queries, whatever the catalogue's size.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.urls import reverse

from sessions.models import Meeting, Session, Speaker, Tag, Venue
from strategies.sitemaps import StrategySitemap

PUBLISHED_SESSIONS = Q(sessions__status=Session.Status.PUBLISHED)


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

    def get_latest_lastmod(self):
        # One aggregate, rather than Django's default of reading every session.
        return Session.objects.published().aggregate(latest=Max("updated_at"))["latest"]


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
