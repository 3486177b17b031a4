"""A session's recordings and documents as the open data tells of them: which are on
the web at all, where a recording plays without starting by itself, its thumbnail and
its length in ISO 8601, and a document's absolute address.

Used by the API, the frab schedules, the feeds, the sitemap and the schema.org data.
Prefetched (`ARCHIVE`), nothing here queries: `Document.get_absolute_url`
reads the session the prefetch has set on each document.
"""

import datetime
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from sessions.models import Document, Recording

# YouTube serves a still of every video here; Vimeo only through its API, so a Vimeo
# recording has no thumbnail of ours.
YOUTUBE_THUMBNAIL = "https://i.ytimg.com/vi/{id}/hqdefault.jpg"
YOUTUBE_EMBED_PATH = "/embed/"


# A session's recordings and documents, to prefetch: one query each, in their order
# (their Meta.ordering).
ARCHIVE = ("recordings", "documents")


def web_address(url: str) -> str:
    """`url` if it is an http(s) address, else "": a link in the data never becomes a
    script link for a machine either."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    return url if scheme in {"http", "https"} else ""


def embed_url(recording: Recording) -> str:
    """The address of the recording's YouTube or Vimeo player, without the autoplay the
    page's play button asks for; "" for anything else."""
    player = recording.player
    if player.kind != "embed":
        return ""
    parts = urlsplit(player.src)
    query = [(name, value) for name, value in parse_qsl(parts.query) if name != "autoplay"]
    return urlunsplit(parts._replace(query=urlencode(query)))


def youtube_id(recording: Recording) -> str:
    player = recording.player
    if player.host != "YouTube":
        return ""
    return urlsplit(player.src).path.removeprefix(YOUTUBE_EMBED_PATH)


def thumbnail_url(recording: Recording) -> str:
    """A still of the recording: YouTube's; "" for any other."""
    video = youtube_id(recording)
    return YOUTUBE_THUMBNAIL.format(id=video) if video else ""


def is_audio(recording: Recording) -> bool:
    return recording.player.kind == "audio"


def iso_duration(length: datetime.timedelta) -> str:
    """`length` in ISO 8601, as schema.org wants it: PT1H2M5S."""
    hours, rest = divmod(max(int(length.total_seconds()), 0), 3600)
    minutes, seconds = divmod(rest, 60)
    text = "".join(f"{value}{unit}" for value, unit in ((hours, "H"), (minutes, "M")) if value)
    return f"PT{text}{seconds}S" if seconds or not text else f"PT{text}"


def document_url(document: Document, *, base_url: str) -> str:
    """Where a machine gets the document: its link (when it is a web address), or the
    download of its file on this site, absolute from `base_url` (any address on it)."""
    if document.file:
        return urljoin(base_url, document.get_absolute_url())
    return web_address(document.url)
