"""Where sessions took place."""

import zoneinfo
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from igf_catalogue.slugs import SlugFromMixin


@lru_cache(maxsize=1)
def _time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(name: str) -> None:
    """A name of the IANA time zone database, such as "America/Recife"."""
    if name and name not in _time_zone_names():
        raise ValidationError(
            _("“%(name)s” is not a time zone; write one such as America/Recife."),
            code="invalid_time_zone",
            params={"name": name},
        )


class Venue(SlugFromMixin, models.Model):
    """Where meetings take place: a city and a country, or "Online". The meetings it
    hosted, with their numbers and dates, are `meetings` (sessions/models/meetings.py)."""

    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=100, blank=True)
    country_code = models.CharField(
        _("country code"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2")
    )
    slug = models.SlugField(_("slug"), max_length=220, unique=True, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("e.g. America/Recife"),
    )
    slug_source = "name"

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
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
