"""What a session leaves behind besides its transcripts: recordings to watch or hear,
and documents to read or take away."""

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .languages import language_field
from .session import Session

LANGUAGE_HELP = _("Language code, e.g. en, es, fr, ar, ru, zh.")


@dataclass(frozen=True)
class Player:
    """How a recording plays on the session's page.

    `kind` is "embed" for a third party's player put in only when the visitor presses
    play (at `src`), "audio" or "video" for a media file the browser plays itself, and
    "link" for anything else.
    """

    kind: str
    src: str = ""
    host: str = ""


YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com",
                 "www.youtube-nocookie.com", "music.youtube.com"}  # fmt: skip
YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
# The hosts whose players a page may frame (see CONTENT_SECURITY_POLICY in settings).
PLAYER_HOSTS = ("https://www.youtube-nocookie.com", "https://player.vimeo.com")
# Media files a browser plays itself, by extension, with their content types.
AUDIO_FILES = {".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".oga": "audio/ogg",
               ".ogg": "audio/ogg", ".opus": "audio/ogg", ".wav": "audio/wav",
               ".flac": "audio/flac", ".aac": "audio/aac"}  # fmt: skip
VIDEO_FILES = {".mp4": "video/mp4", ".m4v": "video/mp4", ".webm": "video/webm",
               ".ogv": "video/ogg", ".mov": "video/quicktime"}  # fmt: skip


def player_for(url: str) -> Player:
    """The player for a recording at `url`: YouTube in its privacy-enhanced form, Vimeo
    without tracking, a media file by its extension, else a link."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    segments = [segment for segment in parts.path.split("/") if segment]
    if host in YOUTUBE_HOSTS or host == "youtu.be":
        if host == "youtu.be":
            candidate = segments[0] if segments else ""
        elif segments and segments[0] in {"embed", "live", "shorts", "v"} and len(segments) > 1:
            candidate = segments[1]
        else:
            candidate = parse_qs(parts.query).get("v", [""])[0]
        if YOUTUBE_ID.match(candidate):
            return Player(
                "embed",
                f"https://www.youtube-nocookie.com/embed/{candidate}?autoplay=1",
                "YouTube",
            )
    if host in VIMEO_HOSTS:
        numbers = [segment for segment in segments if segment.isdigit()]
        if numbers:
            src = f"https://player.vimeo.com/video/{numbers[-1]}?dnt=1&autoplay=1"
            return Player("embed", src, "Vimeo")
    extension = posixpath.splitext(parts.path)[1].lower()
    if extension in AUDIO_FILES:
        return Player("audio", url)
    if extension in VIDEO_FILES:
        return Player("video", url)
    return Player("link")


class Recording(models.Model):
    """A recording of a session, in one language: on YouTube, Vimeo, the IGF's webcast
    or any audio or video file."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="recordings", verbose_name=_("session")
    )
    url = models.URLField(_("URL"), max_length=500)
    language = language_field(LANGUAGE_HELP)
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("Optional, e.g. “Day 2, morning”.")
    )
    length = models.DurationField(
        _("length"), null=True, blank=True, help_text=_("Optional, as hh:mm:ss.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")
        ordering = ["session", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "url"], name="unique_recording_url")
        ]

    def __str__(self):
        return self.title or self.url

    @property
    def player(self) -> Player:
        return player_for(self.url)

    @property
    def media_type(self) -> str:
        """The recording's content type: its file's, or a web page's for a player."""
        extension = posixpath.splitext(urlsplit(self.url).path)[1].lower()
        return AUDIO_FILES.get(extension) or VIDEO_FILES.get(extension) or "text/html"

    @property
    def length_in_seconds(self) -> int | None:
        return None if self.length is None else int(self.length.total_seconds())


# What an uploaded document may be: its extensions, the content type it is served with,
# and how its first bytes begin (a text file has no signature; it must be UTF-8). Neither
# HTML nor SVG: from the site's origin they could run script.
DOCUMENT_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    ".ppt": ("application/vnd.ms-powerpoint", (b"\xd0\xcf\x11\xe0",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (b"PK\x03\x04",),
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    ".odp": ("application/vnd.oasis.opendocument.presentation", (b"PK\x03\x04",)),
    ".txt": ("text/plain; charset=utf-8", ()),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".webp": ("image/webp", (b"RIFF",)),
}


# How much of an upload is read to see whether it is what its name says.
TEXT_SNIFFED = 2048


def extension_of(name: str) -> str:
    return posixpath.splitext(name)[1].lower()


def content_type_of(name: str) -> str:
    """The content type a stored document is served with: its accepted type's, else
    one no browser renders."""
    return DOCUMENT_TYPES.get(extension_of(name), ("application/octet-stream", ()))[0]


def validate_document_file(file) -> None:
    """An upload is of an accepted type, looks like one and is not too large."""
    limit = settings.CATALOGUE_DOCUMENT_MAX_BYTES
    if file.size > limit:
        raise ValidationError(
            _("The file is %(size)s MB; the largest accepted is %(limit)s MB."),
            params={"size": round(file.size / 2**20, 1), "limit": limit >> 20},
            code="too_large",
        )
    extension = extension_of(file.name)
    if extension not in DOCUMENT_TYPES:
        raise ValidationError(
            _("Files of type “%(extension)s” are not accepted. Accepted: %(accepted)s."),
            params={
                "extension": extension or "?",
                "accepted": ", ".join(sorted(name[1:] for name in DOCUMENT_TYPES)),
            },
            code="type",
        )
    signatures = DOCUMENT_TYPES[extension][1]
    file.seek(0)
    start = file.read(TEXT_SNIFFED)
    file.seek(0)
    if signatures:
        looks_right = start.startswith(signatures)
    else:
        looks_right = _is_text(start) and not start.lstrip().startswith(b"<")
    if not looks_right:
        raise ValidationError(
            _("The file's contents are not those of a “%(extension)s” file."),
            params={"extension": extension},
            code="contents",
        )


def _is_text(start: bytes) -> bool:
    if b"\x00" in start:
        return False
    try:
        start.decode("utf-8")
    except UnicodeDecodeError as error:
        # The first 2 KB of a longer file may end inside a character.
        return len(start) == TEXT_SNIFFED and error.start >= len(start) - 3
    return True


def document_upload_path(document: "Document", filename: str) -> str:
    return f"documents/{document.session.key}/{filename}"


class Document(models.Model):
    """A document of a session, in one language: a link, or a file uploaded by an editor."""

    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("Proposal")
        REPORT = "report", _("Report")
        PRESENTATION = "presentation", _("Presentation")
        TRANSCRIPT = "transcript", _("Transcript")
        OTHER = "other", _("Other")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="documents", verbose_name=_("session")
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OTHER)
    language = language_field(LANGUAGE_HELP)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(
        _("file"),
        upload_to=document_upload_path,
        max_length=300,
        blank=True,
        validators=[validate_document_file],
        help_text=_("PDF, office documents, plain text or images."),
    )
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True, editable=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["session", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(url="") & ~models.Q(file=""))
                | (~models.Q(url="") & models.Q(file="")),
                name="document_link_or_file",
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.file:
            self.size = None
        elif self.size is None or not self.file._committed:  # a new upload
            self.size = self.file.size
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """Where a visitor gets it: the link, or the download of the uploaded file."""
        if self.url:
            return self.url
        return reverse("sessions:document", kwargs={"slug": self.session.slug, "pk": self.pk})

    def clean(self):
        super().clean()
        if bool(self.url) == bool(self.file):
            raise ValidationError(_("Give either a link or a file, not both."))

    @property
    def file_type(self) -> str:
        """The file's type as people name it: "PDF", "DOCX"; empty for a link."""
        return extension_of(self.file.name)[1:].upper() if self.file else ""

    @property
    def content_type(self) -> str:
        return content_type_of(self.file.name)

    @property
    def download_name(self) -> str:
        return posixpath.basename(self.file.name)
