import uuid

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from igf_catalogue.html import sanitise_html
from igf_catalogue.slugs import SlugFromMixin
from strategies.models import Enabler, Objective, Strategy


class Venue(SlugFromMixin, models.Model):
    """Where an annual meeting took place: a city and a country, or "Online"."""

    city = models.CharField(max_length=100)
    country = models.CharField(max_length=100, blank=True)
    country_code = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    slug = models.SlugField(max_length=220, unique=True, blank=True)
    time_zone = models.CharField(max_length=64, blank=True, help_text="e.g. America/Recife")
    meeting_number = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Which annual IGF was held here (1 for Athens 2006)."
    )
    start_date = models.DateField(null=True, blank=True, help_text="First day of the meeting.")
    end_date = models.DateField(null=True, blank=True, help_text="Last day of the meeting.")

    slug_source = "name"

    class Meta:
        ordering = ["city", "country"]
        constraints = [
            models.UniqueConstraint(fields=["city", "country"], name="unique_venue_place")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sessions:venue", kwargs={"slug": self.slug})

    @property
    def name(self) -> str:
        """ "João Pessoa, Brazil", or just "Online"."""
        return f"{self.city}, {self.country}" if self.country else self.city


class NamedSlugged(SlugFromMixin, models.Model):
    """An editor-managed name with a slug: session types and topics."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=120, unique=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class SessionType(NamedSlugged):
    """Workshop, Main Session, Open Forum, Best Practice Forum, ..."""

    class Meta(NamedSlugged.Meta):
        verbose_name = "session type"


class Topic(NamedSlugged):
    """The theme a session is filed under ("Other", "Cybersecurity and Trust", ...)."""

    DEFAULT = "Other"


class Tag(NamedSlugged):
    """A keyword editors attach to sessions ("IPv6", "Youth", "AI governance")."""

    def get_absolute_url(self):
        return reverse("sessions:tag", kwargs={"slug": self.slug})


class Speaker(SlugFromMixin, models.Model):
    """A person who organised, spoke at, moderated or reported on sessions."""

    class StakeholderGroup(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        CIVIL_SOCIETY = "civil-society", _("Civil Society")
        PRIVATE_SECTOR = "private-sector", _("Private Sector")
        TECHNICAL_COMMUNITY = "technical-community", _("Technical Community")
        INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental Organization")

    class RegionalGroup(models.TextChoices):
        # The United Nations regional groups.
        AFRICAN = "african", _("African")
        ASIA_PACIFIC = "asia-pacific", _("Asia-Pacific")
        EASTERN_EUROPEAN = "eastern-european", _("Eastern European")
        GRULAC = "grulac", _("GRULAC")
        WEOG = "weog", _("WEOG")

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    stakeholder_group = models.CharField(
        max_length=30, choices=StakeholderGroup, blank=True, db_index=True
    )
    regional_group = models.CharField(max_length=30, choices=RegionalGroup, blank=True)
    bio_link = models.URLField("biography link", max_length=500, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["name"], name="speaker_name")]

    def __str__(self):
        return f"{self.name} ({self.organisation})" if self.organisation else self.name

    def get_absolute_url(self):
        return reverse("sessions:speaker", kwargs={"slug": self.slug})


class SessionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Session.Status.PUBLISHED)

    def visible_to(self, user):
        """Published sessions, and drafts too for editors."""
        if user.is_authenticated and user.is_staff:
            return self
        return self.published()

    def for_list(self):
        """What a session tile shows: its type, topic and venue, in the same query."""
        return self.select_related("type", "topic", "venue")

    def with_tags(self):
        """Each session's tags by name as `tags_by_name`, read for all of them in one query.

        The session tile shows `tags_by_name` only, so a list without this shows no tags
        rather than costing a query per session.
        """
        return self.prefetch_related(
            models.Prefetch("tags", Tag.objects.order_by("name"), to_attr="tags_by_name")
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
        return super().get_queryset().defer("search_vector")


def new_session_key() -> str:
    return f"s-{uuid.uuid4().hex[:12]}"


class Session(SlugFromMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    key = models.CharField(
        max_length=100,
        unique=True,
        default=new_session_key,
        help_text="Stable external id; an import updates the session with this key.",
    )
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=320, unique=True, blank=True)
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    type = models.ForeignKey(SessionType, on_delete=models.PROTECT, related_name="sessions")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="sessions")
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="sessions")
    description = models.TextField(blank=True, help_text="HTML is allowed and sanitised.")
    url = models.URLField(
        "official page", max_length=500, blank=True, help_text="The session on the IGF website."
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    views = models.PositiveIntegerField(default=0)
    related = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="linked_from",
        verbose_name="related sessions",
        help_text="Sessions linked by hand; shown first among related sessions.",
    )
    strategies = models.ManyToManyField(Strategy, blank=True, related_name="sessions")
    speakers = models.ManyToManyField(
        Speaker, through="Participant", blank=True, related_name="sessions"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="sessions")
    objectives = models.ManyToManyField(
        Objective,
        blank=True,
        related_name="sessions",
        help_text="Objectives of the session's strategies that it discusses.",
    )
    enablers = models.ManyToManyField(
        Enabler,
        blank=True,
        related_name="sessions",
        help_text="Enablers of the session's strategies that it discusses.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Title, tags and speakers, description and transcripts, weighted for full-text
    # search on PostgreSQL and kept current by sessions.search. Its GIN index is made
    # by a PostgreSQL-only migration; on SQLite the column stays empty.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = SessionManager()

    slug_source = "title"

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [
            # One index per sort of the public lists, each led by the status filter.
            models.Index(fields=["status", "-date", "-id"], name="session_status_date"),
            models.Index(fields=["status", "-views", "-id"], name="session_status_views"),
            models.Index(fields=["status", "title"], name="session_status_title"),
            models.Index(fields=["date"], name="session_date"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.description = sanitise_html(self.description)
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("sessions:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class DailyViews(models.Model):
    """Views of one session on one day, upserted as views are counted."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "daily views"
        constraints = [
            models.UniqueConstraint(fields=["session", "day"], name="unique_daily_views")
        ]
        indexes = [models.Index(fields=["day"], name="dailyviews_day")]

    def __str__(self):
        return f"{self.session_id} on {self.day}: {self.views}"


class Participant(models.Model):
    """A speaker's part in one session, in the order the programme lists them."""

    class Role(models.TextChoices):
        ORGANISER = "organiser", _("Organiser")
        SPEAKER = "speaker", _("Speaker")
        MODERATOR = "moderator", _("Moderator")
        RAPPORTEUR = "rapporteur", _("Rapporteur")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="participants")
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="participations")
    role = models.CharField(max_length=20, choices=Role, default=Role.SPEAKER)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["session", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "speaker", "role"], name="unique_participant_role"
            )
        ]

    def __str__(self):
        return f"{self.speaker.name}, {self.get_role_display().lower()}"


class Transcript(models.Model):
    """What was said at a session, as text, in one language."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="transcripts")
    language = models.CharField(
        max_length=10, default="en", help_text="Language code, e.g. en, es, fr."
    )
    text = models.TextField()

    class Meta:
        ordering = ["session", "language"]
        constraints = [
            models.UniqueConstraint(fields=["session", "language"], name="unique_transcript")
        ]

    def __str__(self):
        return f"Transcript ({self.language})"


class CatalogueVersion(models.Model):
    """One row whose number goes up whenever anything public in the catalogue changes.

    Cached pages are keyed by it (sessions.page_cache), so an edit or an import shows at
    once on every worker and host without a list of keys to forget. It lives in the
    database, which every worker shares whatever the cache, and moves with the commit of
    the change it announces.
    """

    number = models.BigIntegerField(default=0)

    class Meta:
        default_permissions = ()  # nobody edits it

    def __str__(self):
        return f"Catalogue version {self.number}"
