from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from igf_catalogue.html import sanitise_html
from igf_catalogue.slugs import SlugFromMixin


class Strategy(SlugFromMixin, models.Model):
    """A policy strategy presented at sessions, e.g. Mexico's National Digital Strategy."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    owner = models.CharField(
        _("owner"), max_length=200, blank=True, help_text=_("Who is responsible for the strategy.")
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("HTML is allowed and sanitised.")
    )
    link = models.URLField(_("link"), max_length=500, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")

    def __str__(self):
        return f"{self.name} ({self.year})" if self.year else self.name

    def save(self, *args, **kwargs):
        self.description = sanitise_html(self.description)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("strategies:detail", kwargs={"slug": self.slug})


class StrategyPart(models.Model):
    """What objectives and enablers share: an ordered, named part of one strategy."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["strategy", "order", "pk"]

    def __str__(self):
        return self.name


class Objective(StrategyPart):
    """An ordered goal of one strategy (e.g. "Digital economy")."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("strategy")
    )

    class Meta(StrategyPart.Meta):
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [
            models.UniqueConstraint(fields=["strategy", "name"], name="unique_objective_name")
        ]


class Enabler(StrategyPart):
    """An ordered means of one strategy (e.g. "Open data")."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="enablers", verbose_name=_("strategy")
    )

    class Meta(StrategyPart.Meta):
        verbose_name = _("enabler")
        verbose_name_plural = _("enablers")
        constraints = [
            models.UniqueConstraint(fields=["strategy", "name"], name="unique_enabler_name")
        ]
