"""Views counted per session and day (the total is on the session)."""

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .session import Session


class DailyViews(models.Model):
    """Views of one session on one day, upserted as views are counted."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="daily_views", verbose_name=_("session")
    )
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("daily views")
        verbose_name_plural = _("daily views")
        constraints = [
            models.UniqueConstraint(fields=["session", "day"], name="unique_daily_views")
        ]
        indexes = [models.Index(fields=["day"], name="dailyviews_day")]

    def __str__(self):
        # Shown as the title of its read-only admin page.
        return gettext("%(session)s on %(day)s: %(views)s") % {
            "session": self.session_id,
            "day": date_format(self.day),
            "views": self.views,
        }


class WrittenViewBatch(models.Model):
    """A batch of views counted in Redis, once written to the database.

    Its row is inserted by the statement that writes the batch, so a batch written
    already (by a writer that died before telling Redis, or by two writers that took it
    at once) is never written again. Kept a week, far longer than any batch waits.
    """

    key = models.CharField(_("batch"), max_length=200, primary_key=True)
    written_at = models.DateTimeField(_("written at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("written batch of views")
        verbose_name_plural = _("written batches of views")
        # Bookkeeping of the writer's; nobody edits it.
        default_permissions = ()

    def __str__(self):
        return self.key
