"""The number that names the catalogue's state, for caches."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CatalogueVersion(models.Model):
    """One row whose number goes up whenever anything public in the catalogue changes.

    Cached pages are keyed by it (sessions.caching.version), so an edit or an import shows at
    once on every worker and host without a list of keys to forget. It lives in the
    database, which every worker shares whatever the cache, and moves with the commit of
    the change it announces.
    """

    number = models.BigIntegerField(_("number"), default=0)

    class Meta:
        verbose_name = _("catalogue version")
        verbose_name_plural = _("catalogue versions")
        default_permissions = ()  # nobody edits it

    def __str__(self):
        return f"Catalogue version {self.number}"
