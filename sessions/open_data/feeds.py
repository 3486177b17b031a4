"""Atom and RSS feeds of newly published sessions: /sessions/feed.atom?..., /sessions/feed.rss?...

A feed takes the same filters as /sessions/ through SessionFilter, so any list a
visitor builds can be followed in a feed reader. A filter value that is not valid is
ignored, as on the list page. Newest publications come first, whatever `sort` says.
An entry carries the session's report, and its recordings as enclosures (RSS allows
one: the first).
"""

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.translation import gettext, gettext_lazy

from sessions.browsing.filters import SessionFilter
from sessions.models import Session

from .archive import web_address

FEED_TITLE = gettext_lazy("IGF sessions")
FEED_LENGTH = 50
# The date in the items' tag: URIs (RFC 4151); it must never change.
TAG_DATE = "2025"
# An enclosure's length in bytes when it is not known, as RSS 2.0 advises.
UNKNOWN_LENGTH = "0"
# XML 1.0 cannot carry these at all, so a stray one in a title must not break the feed.
XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# The session report's parts, as a feed entry heads them.
REPORT_PARTS = [
    (gettext_lazy("Summary"), "report_summary"),
    (gettext_lazy("Key takeaways"), "key_takeaways"),
    (gettext_lazy("Calls to action"), "calls_to_action"),
]


def xml_text(text: str) -> str:
    return XML_FORBIDDEN.sub("", text)


@dataclass(frozen=True)
class ListFilter:
    """One filter of a list of sessions: its parameter, its value in a URL, its label."""

    name: str
    value: str
    label: str


@dataclass(frozen=True)
class SessionSelection:
    """The filters that chose a list of sessions, as its feeds and its API equivalent name them.

    Built from a list page's SessionFilter (valid values only) or, for the page of one
    venue, year, strategy, speaker or tag, from that alone. The API's session list
    takes the same filters, through the same FilterSet.
    """

    filters: tuple[ListFilter, ...] = ()
    sort: str = ""

    @classmethod
    def of(cls, session_filter: SessionFilter) -> "SessionSelection":
        values = session_filter.valid_values
        sort = values.get("sort") or ""
        return cls(
            filters=tuple(
                ListFilter(active.name, _query_value(values[active.name]), active.value)
                for active in session_filter.active_filters
            ),
            sort="" if sort == session_filter.default_sort else sort,
        )

    @classmethod
    def by(cls, **values) -> "SessionSelection":
        """SessionSelection.by(venue=venue): the sessions of one venue (or year, strategy...)."""
        return cls(
            filters=tuple(
                ListFilter(name, _query_value(value), str(value))
                for name, value in values.items()
                if value not in (None, "")
            )
        )

    @property
    def query(self) -> str:
        """The filters as "?venue=...&type=...", or "" for the whole catalogue."""
        return self._query([(item.name, item.value) for item in self.filters])

    @property
    def api_query(self) -> str:
        """As `query`, with the sort order too: the API sorts as the list does."""
        params = [(item.name, item.value) for item in self.filters]
        return self._query(params + ([("sort", self.sort)] if self.sort else []))

    @property
    def title(self) -> str:
        """ "IGF sessions", or "IGF sessions — 2015, Workshop" for a filtered list."""
        labels = ", ".join(item.label for item in self.filters)
        return f"{FEED_TITLE} — {labels}" if labels else str(FEED_TITLE)

    @staticmethod
    def _query(params: list[tuple[str, str]]) -> str:
        return f"?{urlencode(params)}" if params else ""


def _query_value(value) -> str:
    """A filter's value as the query string carries it: a slug for an object, else the text."""
    return str(getattr(value, "slug", value))


def sessions_for_feed(session_filter: SessionFilter, *, limit: int = FEED_LENGTH) -> QuerySet:
    """The `limit` sessions of the filtered list published last; three queries (the
    sessions, their tags, their recordings)."""
    return (
        session_filter.qs.select_related("type", "topic", "meeting__venue")
        .prefetch_related("tags", "recordings")
        .order_by(F("published_at").desc(nulls_last=True), "-pk")[:limit]
    )


@dataclass
class FeedRequest:
    """What one request for a feed asks for."""

    session_filter: SessionFilter
    selection: SessionSelection


class SessionsFeed(Feed):
    """Newly published sessions, filtered as the query string asks; Atom by default.

    A new instance serves each request (see `atom_feed`), so it may keep the
    request's host for the items' ids.
    """

    feed_type = Atom1Feed
    feed_name = "sessions:feed-atom"
    description_template = "sessions/feed_item_description.html"
    author_name = "Internet Governance Forum"
    author_link = "https://www.intgovforum.org/"
    item_guid_is_permalink = False

    def get_object(self, request: HttpRequest) -> FeedRequest:
        self.domain = split_domain_port(request.get_host())[0] or "localhost"
        session_filter = SessionFilter(request.GET, queryset=Session.objects.published())
        return FeedRequest(session_filter, SessionSelection.of(session_filter))

    def title(self, obj: FeedRequest) -> str:
        return xml_text(obj.selection.title)

    def subtitle(self, obj: FeedRequest) -> str:
        return gettext(
            "Sessions of the Internet Governance Forum, newly published in its catalogue."
        )

    description = subtitle  # what RSS calls it

    def link(self, obj: FeedRequest) -> str:
        return f"{reverse('sessions:list')}{obj.selection.query}"

    def feed_url(self, obj: FeedRequest) -> str:
        return f"{reverse(self.feed_name)}{obj.selection.query}"

    def items(self, obj: FeedRequest):
        return sessions_for_feed(obj.session_filter)

    def item_title(self, item: Session) -> str:
        # Text in both formats, as RSS 2.0 and Atom define a title: escaping it once more
        # (Django's default) would show "&amp;" in feed readers.
        return xml_text(item.title)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        item = kwargs["item"]
        context["description"] = xml_text(item.description)
        context["report"] = [
            (heading, xml_text(getattr(item, name)))
            for heading, name in REPORT_PARTS
            if getattr(item, name)
        ]
        return context

    def item_guid(self, item: Session) -> str:
        """A tag: URI from the session's import key, which outlives any change of title or slug."""
        return f"tag:{self.domain},{TAG_DATE}:session:{item.key}"

    def item_pubdate(self, item: Session):
        return item.published_at or item.created_at

    def item_updateddate(self, item: Session):
        return item.updated_at

    def item_enclosures(self, item: Session) -> list[Enclosure]:
        """Each recording on the web, with its file's content type (a page's for a player)."""
        return [
            Enclosure(url, UNKNOWN_LENGTH, recording.media_type)
            for recording in item.recordings.all()
            if (url := web_address(recording.url))
        ]

    def item_categories(self, item: Session) -> list[str]:
        names = [item.type.name, item.topic.name, *(tag.name for tag in item.tags.all())]
        return [xml_text(name) for name in names]


class SessionsRssFeed(SessionsFeed):
    feed_type = Rss201rev2Feed
    feed_name = "sessions:feed-rss"

    def item_enclosures(self, item: Session) -> list[Enclosure]:
        # RSS 2.0 allows an item one enclosure (Django refuses more).
        return super().item_enclosures(item)[:1]


def atom_feed(request: HttpRequest) -> HttpResponse:
    return SessionsFeed()(request)


def rss_feed(request: HttpRequest) -> HttpResponse:
    return SessionsRssFeed()(request)
