"""The people of the sessions: speakers, and their part in each session."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from igf_catalogue.slugs import SlugFromMixin


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

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    stakeholder_group = models.CharField(
        _("stakeholder group"), max_length=30, choices=StakeholderGroup, blank=True, db_index=True
    )
    regional_group = models.CharField(
        _("regional group"), max_length=30, choices=RegionalGroup, blank=True
    )
    bio_link = models.URLField(_("biography link"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["name"], name="speaker_name")]

    def __str__(self):
        return f"{self.name} ({self.organisation})" if self.organisation else self.name

    def get_absolute_url(self):
        return reverse("sessions:speaker", kwargs={"slug": self.slug})


class Participant(models.Model):
    """A speaker's part in one session, in the order the programme lists them."""

    class Role(models.TextChoices):
        ORGANISER = "organiser", _("Organiser")
        SPEAKER = "speaker", _("Speaker")
        MODERATOR = "moderator", _("Moderator")
        RAPPORTEUR = "rapporteur", _("Rapporteur")

    session = models.ForeignKey(
        "Session", on_delete=models.CASCADE, related_name="participants", verbose_name=_("session")
    )
    speaker = models.ForeignKey(
        Speaker,
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("speaker"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.SPEAKER)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["session", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "speaker", "role"], name="unique_participant_role"
            )
        ]

    def __str__(self):
        return f"{self.speaker.name}, {self.get_role_display().lower()}"
