"""The labels a session is filed under: its type, its topic and its tags."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from igf_catalogue.slugs import SlugFromMixin


class NamedSlugged(SlugFromMixin, models.Model):
    """An editor-managed name with a slug: session types and topics."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class SessionType(NamedSlugged):
    """Workshop, Main Session, Open Forum, Best Practice Forum, ..."""

    class Meta(NamedSlugged.Meta):
        verbose_name = _("session type")
        verbose_name_plural = _("session types")


class Topic(NamedSlugged):
    """The theme a session is filed under ("Other", "Cybersecurity and Trust", ...)."""

    DEFAULT = "Other"

    class Meta(NamedSlugged.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class Tag(NamedSlugged):
    """A keyword editors attach to sessions ("IPv6", "Youth", "AI governance")."""

    class Meta(NamedSlugged.Meta):
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def get_absolute_url(self):
        return reverse("sessions:tag", kwargs={"slug": self.slug})
