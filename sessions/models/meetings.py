"""The meetings sessions are held at: the annual IGF, and the regional, national and
youth IGFs beside it. A meeting takes place at a venue; one venue may host many."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from igf_catalogue.html import sanitise_html
from igf_catalogue.slugs import SlugFromMixin

from .places import Venue


class MeetingQuerySet(models.QuerySet):
    def annual(self):
        return self.filter(kind=Meeting.Kind.ANNUAL)

    def held_in(self, year: int):
        """The meetings that opened in `year`."""
        return self.filter(start_date__year=year)


class Meeting(SlugFromMixin, models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Annual IGF")
        REGIONAL = "regional", _("Regional IGF")
        SUBREGIONAL = "subregional", _("Subregional IGF")
        NATIONAL = "national", _("National IGF")
        YOUTH = "youth", _("Youth IGF")

    name = models.CharField(
        _("name"), max_length=200, help_text=_("e.g. IGF 2015, EuroDIG 2019, Youth IGF Brazil 2021")
    )
    slug = models.SlugField(_("slug"), max_length=220, unique=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.NATIONAL)
    number = models.PositiveSmallIntegerField(
        _("number"),
        null=True,
        blank=True,
        help_text=_("Which annual IGF it is (1 for Athens 2006); annual meetings only."),
    )
    theme = models.CharField(_("overarching theme"), max_length=300, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("venue")
    )
    website = models.URLField(_("website"), max_length=500, blank=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("HTML is allowed and sanitised.")
    )

    objects = MeetingQuerySet.as_manager()

    slug_source = "name"

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = [models.F("start_date").desc(nulls_last=True), "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=Q(number__isnull=False), name="unique_meeting_number"
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(kind="annual"),
                name="only_annual_meetings_are_numbered",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.description = sanitise_html(self.description)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("sessions:meeting", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The last day cannot come before the first.")})
        if self.number is not None and self.kind != self.Kind.ANNUAL:
            raise ValidationError({"number": _("Only an annual IGF has a number.")})

    @property
    def is_annual(self) -> bool:
        return self.kind == self.Kind.ANNUAL
