"""A programme an editor imports in the admin: the file, kept until it is imported,
and what checking and importing it said."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeImport(models.Model):
    """A file uploaded on the admin's import page.

    It is checked first (a dry run), then imported when an editor confirms, both in
    the background (`sessions.importing.in_background`), with the same code as the
    `import_sessions` command. The file's bytes live here, never in a public storage,
    and only until the import is done or fails; what checking and importing said stays,
    in `report`.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", _("checking")
        READY = "ready", _("checked, ready to import")
        INVALID = "invalid", _("checked, has errors")
        IMPORTING = "importing", _("importing")
        IMPORTED = "imported", _("imported")
        FAILED = "failed", _("failed")
        # Checked, then left unimported for longer than the file is kept.
        EXPIRED = "expired", _("not imported in time")

    RUNNING = (Status.CHECKING, Status.IMPORTING)

    class Stage(models.TextChoices):
        CHECKING = "checking", _("checking")
        WRITING = "writing", _("writing")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"), default=b"")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CHECKING
    )
    # Records done out of the total, in the stage the import is in.
    stage = models.CharField(
        _("stage"), max_length=10, choices=Stage.choices, default=Stage.CHECKING
    )
    done = models.PositiveIntegerField(_("records done"), default=0)
    total = models.PositiveIntegerField(_("records in all"), default=0)
    # What the check or the import said: see `sessions.importing.in_background.report`.
    report = models.JSONField(_("report"), default=dict)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last progress at"), auto_now=True)

    class Meta:
        verbose_name = _("programme import")
        verbose_name_plural = _("programme imports")
        ordering = ["-created_at", "-pk"]
        # Who may import is who may add and change sessions; no permissions of its own.
        default_permissions = ()

    def __str__(self):
        return self.file_name

    @property
    def running(self) -> bool:
        return self.status in self.RUNNING
