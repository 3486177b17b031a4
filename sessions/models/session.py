"""The session, what the catalogue is made of, and its transcripts."""

import datetime
import uuid

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from igf_catalogue.html import sanitise_html
from igf_catalogue.slugs import SlugFromMixin
from strategies.models import Enabler, Objective, Strategy

from .labels import SessionType, Tag, Topic
from .languages import language_field
from .meetings import Meeting
from .people import Participant, Speaker

# The days a session may be dated: from 2005, when the World Summit on the Information
# Society asked for the IGF (Day 0 events and preparatory meetings included), to the end
# of the century. Beyond them a date is a typing mistake, and calendars cannot hold it.
FIRST_SESSION_DAY = datetime.date(2005, 1, 1)
LAST_SESSION_DAY = datetime.date(2099, 12, 31)
# The longest texts an editor or an import may give, in characters: some fifty times the
# longest description and five times the transcript of a three-hour session. Past them a
# page would weigh megabytes.
MAX_DESCRIPTION = 100_000
MAX_TRANSCRIPT = 1_000_000
# The session report's parts, and every field an editor writes in HTML.
REPORT_FIELDS = ("report_summary", "key_takeaways", "calls_to_action")
HTML_FIELDS = ("description", *REPORT_FIELDS)


class SessionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Session.Status.PUBLISHED)

    def visible_to(self, user):
        """Published sessions, and drafts too for editors."""
        if user.is_authenticated and user.is_staff:
            return self
        return self.published()

    def for_list(self):
        """What a session tile shows: its type, topic, meeting and the meeting's venue,
        in the same query."""
        return self.select_related("type", "topic", "meeting__venue")

    def with_tags(self):
        """Each session's tags by name as `tags_by_name`, read for all of them in one query.

        The session tile shows `tags_by_name` only, so a list without this shows no tags
        rather than costing a query per session.
        """
        return self.prefetch_related(
            models.Prefetch("tags", Tag.objects.order_by("name"), to_attr="tags_by_name")
        )

    def with_marks(self):
        """Each session with whether it has a recording and a transcript, as
        `has_recording` and `has_transcript`, for the marks on its tile (`has_report` it
        knows from its own row)."""
        from .archive import Recording  # it names Session in turn

        return self.annotate(
            has_recording=Exists(Recording.objects.filter(session=OuterRef("pk"))),
            has_transcript=Exists(Transcript.objects.filter(session=OuterRef("pk"))),
        )

    def presenting(self, strategy):
        return self.filter(
            Exists(Session.strategies.through.objects.filter(
                session=OuterRef("pk"), strategy=strategy
            ))
        )  # fmt: skip

    def featuring(self, speaker):
        """Sessions `speaker` took part in, in any role."""
        return self.filter(
            Exists(Participant.objects.filter(session=OuterRef("pk"), speaker=speaker))
        )

    def with_stakeholder(self, stakeholder_group: str):
        """Sessions with any participant of `stakeholder_group` (a StakeholderGroup value)."""
        return self.filter(
            Exists(Participant.objects.filter(
                session=OuterRef("pk"), speaker__stakeholder_group=stakeholder_group
            ))
        )  # fmt: skip

    def tagged(self, tag):
        return self.filter(
            Exists(Session.tags.through.objects.filter(session=OuterRef("pk"), tag=tag))
        )


class SessionManager(models.Manager.from_queryset(SessionQuerySet)):
    def get_queryset(self):
        # Only PostgreSQL reads the search vector; loading it with every session would
        # carry the words of whole transcripts along for nothing.
        return super().get_queryset().defer("search_vector", "rank_vector")


def new_session_key() -> str:
    return f"s-{uuid.uuid4().hex[:12]}"


class Session(SlugFromMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    key = models.CharField(
        _("key"),
        max_length=100,
        unique=True,
        default=new_session_key,
        help_text=_("Stable external id; an import updates the session with this key."),
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=320, unique=True, blank=True)
    date = models.DateField(
        _("date"),
        validators=[MinValueValidator(FIRST_SESSION_DAY), MaxValueValidator(LAST_SESSION_DAY)],
    )
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    type = models.ForeignKey(
        SessionType,
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("session type"),
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("topic")
    )
    # Where and when it took place is the meeting's: a session keeps no venue of its own.
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("meeting")
    )
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=MAX_DESCRIPTION,
        help_text=_("HTML is allowed and sanitised."),
    )
    url = models.URLField(
        _("official page"),
        max_length=500,
        blank=True,
        help_text=_("The session on the IGF website."),
    )
    # The IGF's report of the session, written by editors: sanitised HTML.
    report_summary = models.TextField(
        _("summary"),
        blank=True,
        max_length=MAX_DESCRIPTION,
        help_text=_("What the session discussed. HTML is allowed and sanitised."),
    )
    key_takeaways = models.TextField(
        _("key takeaways"),
        blank=True,
        max_length=MAX_DESCRIPTION,
        help_text=_("An ordered list: <ol><li>…</li></ol>. HTML is allowed and sanitised."),
    )
    calls_to_action = models.TextField(
        _("calls to action"),
        blank=True,
        max_length=MAX_DESCRIPTION,
        help_text=_("An ordered list: <ol><li>…</li></ol>. HTML is allowed and sanitised."),
    )
    # The language of its title, description and report; a transcript has its own.
    language = language_field(
        _(
            "The language of the title, description and report, as a BCP 47 code: "
            "en, es, fr, ar, zh, ru, pt-BR."
        )
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    views = models.PositiveIntegerField(_("views"), default=0)
    related = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="linked_from",
        verbose_name=_("related sessions"),
        help_text=_("Sessions linked by hand; shown first among related sessions."),
    )
    strategies = models.ManyToManyField(
        Strategy, blank=True, related_name="sessions", verbose_name=_("strategies")
    )
    speakers = models.ManyToManyField(
        Speaker,
        through="Participant",
        blank=True,
        related_name="sessions",
        verbose_name=_("speakers"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="sessions", verbose_name=_("tags"))
    objectives = models.ManyToManyField(
        Objective,
        blank=True,
        related_name="sessions",
        verbose_name=_("objectives"),
        help_text=_("Objectives of the session's strategies that it discusses."),
    )
    enablers = models.ManyToManyField(
        Enabler,
        blank=True,
        related_name="sessions",
        verbose_name=_("enablers"),
        help_text=_("Enablers of the session's strategies that it discusses."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    # Title, tags and speakers, description and transcripts, weighted for full-text
    # search on PostgreSQL and kept current by sessions.search.vectors. Its GIN index is made
    # by a PostgreSQL-only migration; on SQLite the column stays empty.
    search_vector = SearchVectorField(_("search vector"), null=True, editable=False)
    # Title (A), tags and speakers (B) alone: what a search is ranked by. About 270 bytes,
    # kept in the row (STORAGE MAIN, set by its migration), where ranking on the whole
    # vector fetched and decompressed every match's transcripts. Empty on SQLite.
    rank_vector = SearchVectorField(_("ranking vector"), null=True, editable=False)
    # The text search configuration its words are read with, from its language ("spanish",
    # "simple" for Chinese): kept by the same refresh as the vectors, and what a search
    # chooses its reading of the words by (sessions.search.matching). The vectors' GIN
    # indexes are split by it (migration 0020). Unused on SQLite.
    search_config = models.CharField(
        _("search configuration"), max_length=20, default="english", editable=False
    )
    # The stakeholder groups of its speakers, space-separated, for the list's stakeholder
    # facet on PostgreSQL: reading them from each match's participants was most of a
    # broad search's facet query. Kept current with the search vector; empty on SQLite.
    stakeholder_groups = models.TextField(
        _("stakeholder groups"), blank=True, default="", editable=False
    )

    objects = SessionManager()

    slug_source = "title"

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-date", "-pk"]
        indexes = [
            # One index per sort of the public lists, each led by the status filter and
            # holding the whole order, so a page deep in a list reads its keys from it
            # (igf_catalogue.pagination.KeysFirst).
            models.Index(fields=["status", "-date", "-id"], name="session_status_date"),
            models.Index(
                fields=["status", "-views", "-date", "-id"], name="session_status_views_date"
            ),
            models.Index(fields=["status", "title", "id"], name="session_status_title_id"),
            models.Index(fields=["date"], name="session_date"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        for name in HTML_FIELDS:
            setattr(self, name, sanitise_html(getattr(self, name)))
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("sessions:detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.end_time is not None and self.start_time is None:
            raise ValidationError({"end_time": _("An end time needs a start time.")})
        if self.end_time is not None and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The end time must be after the start time.")})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def has_report(self) -> bool:
        return any(getattr(self, name) for name in REPORT_FIELDS)

    @property
    def venue(self):
        """Where its meeting took place."""
        return self.meeting.venue


class Transcript(models.Model):
    """What was said at a session, as text, in one language."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="transcripts", verbose_name=_("session")
    )
    language = language_field(_("Language code, e.g. en, es, fr."))
    text = models.TextField(_("text"), max_length=MAX_TRANSCRIPT)

    class Meta:
        verbose_name = _("transcript")
        verbose_name_plural = _("transcripts")
        ordering = ["session", "language"]
        constraints = [
            models.UniqueConstraint(fields=["session", "language"], name="unique_transcript")
        ]

    def __str__(self):
        # Shown in the heading of each transcript on the session's admin page.
        return gettext("Transcript (%(language)s)") % {"language": self.language}
