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
    """Where an annual meeting took place: a city and a country, or "Online"."""

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
    meeting_number = models.PositiveSmallIntegerField(
        _("meeting number"),
        null=True,
        blank=True,
        help_text=_("Which annual IGF was held here (1 for Athens 2006)."),
    )
    start_date = models.DateField(
        _("start date"), null=True, blank=True, help_text=_("First day of the meeting.")
    )
    end_date = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("Last day of the meeting.")
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

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The last day cannot come before the first.")})

    @property
    def name(self) -> str:
        """ "João Pessoa, Brazil", or just "Online"."""
        return f"{self.city}, {self.country}" if self.country else self.city
