"""The admin's import page: an editor uploads a programme, sees what importing it would
do (a dry run), then confirms. The work itself runs away from the request
(`sessions.importing.in_background`), with the code of the `import_sessions` command."""

from datetime import timedelta
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sessions.importing import in_background
from sessions.importing.reading import READERS
from sessions.importing.template import csv_template, json_template
from sessions.models import ProgrammeImport, Session

# Permissions an editor needs to import: an import creates and changes sessions.
IMPORT_PERMISSIONS = ("catalogue.add_session", "catalogue.change_session")
# A checked file not imported within this time is dropped.
KEPT_UNCONFIRMED = timedelta(days=1)
# Past imports the upload page lists.
RECENT_SHOWN = 10
# Seconds between two looks of the status page at an import that runs.
REFRESH_SECONDS = 2

Status = ProgrammeImport.Status


def can_import(request) -> bool:
    return request.user.has_perms(IMPORT_PERMISSIONS)


class ProgrammeUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Programme file"),
        help_text=_(".json, .jsonl or .csv, in UTF-8, in the import format."),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.jsonl,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in READERS:
            raise forms.ValidationError(
                gettext("Upload a .json, .jsonl or .csv file; this one is “%(name)s”.")
                % {"name": upload.name}
            )
        limit = settings.CATALOGUE_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                gettext(
                    "The file is %(size)s MB; the limit is %(limit)s MB. Split it in parts, "
                    "or import it from the shell with manage.py import_sessions."
                )
                % {"size": _megabytes(upload.size), "limit": _megabytes(limit)}
            )
        return upload


def _file_name(uploaded: str) -> str:
    """The uploaded file's name, safe to show and store, its extension kept: it says
    how the file is read."""
    name = Path(get_valid_filename(Path(uploaded).name))
    limit = ProgrammeImport._meta.get_field("file_name").max_length
    return name.stem[: limit - len(name.suffix)] + name.suffix


def _megabytes(size: int) -> str:
    return f"{size / (1 << 20):.1f}"


class ProgrammeImportViews:
    """The import page's views, added to the session admin's URLs (`urls`)."""

    def __init__(self, model_admin):
        self.model_admin = model_admin
        self.admin_site = model_admin.admin_site

    def urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.upload), name="catalogue_session_import"),
            path("import/<int:pk>/", wrap(self.status), name="catalogue_session_import_status"),
            path(
                "import/template.<str:extension>",
                wrap(self.template),
                name="catalogue_session_import_template",
            ),
        ]

    def _context(self, request, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": Session._meta,
            "title": title,
            **extra,
        }

    def _check_permission(self, request) -> None:
        if not can_import(request):
            raise PermissionDenied

    def upload(self, request):
        self._check_permission(request)
        form = ProgrammeUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            _forget_unconfirmed()
            programme_import = ProgrammeImport.objects.create(
                uploaded_by=request.user,
                file_name=_file_name(upload.name),
                content=upload.read(),
            )
            in_background.start(programme_import)
            return redirect("admin:catalogue_session_import_status", pk=programme_import.pk)
        recent = ProgrammeImport.objects.select_related("uploaded_by").defer("content")[
            :RECENT_SHOWN
        ]
        return TemplateResponse(
            request,
            "admin/catalogue/session/import_upload.html",
            self._context(
                request,
                gettext("Import sessions"),
                form=form,
                recent=recent,
                limit_megabytes=settings.CATALOGUE_IMPORT_MAX_BYTES >> 20,
            ),
        )

    def status(self, request, pk: int):
        self._check_permission(request)
        programme_import = get_object_or_404(
            ProgrammeImport.objects.select_related("uploaded_by").defer("content"), pk=pk
        )
        if request.method == "POST":
            return self._confirm(request, programme_import)
        return TemplateResponse(
            request,
            "admin/catalogue/session/import_status.html",
            self._context(
                request,
                gettext("Importing %(name)s") % {"name": programme_import.file_name},
                programme_import=programme_import,
                report=programme_import.report,
                refresh_seconds=REFRESH_SECONDS if programme_import.running else None,
            ),
        )

    def _confirm(self, request, programme_import: ProgrammeImport):
        # One confirmation starts the import, however often the button is pressed.
        started = ProgrammeImport.objects.filter(
            pk=programme_import.pk, status=Status.READY
        ).update(
            # The import checks the file again first: the catalogue may have changed.
            status=Status.IMPORTING,
            stage=ProgrammeImport.Stage.CHECKING,
            done=0,
            total=0,
            updated_at=timezone.now(),
        )
        if started:
            programme_import.status = Status.IMPORTING
            in_background.start(programme_import)
        else:
            messages.warning(
                request, gettext("This file is not waiting to be imported; nothing was started.")
            )
        return redirect("admin:catalogue_session_import_status", pk=programme_import.pk)

    def template(self, request, extension: str):
        self._check_permission(request)
        if extension == "csv":
            content, content_type = csv_template(), "text/csv; charset=utf-8"
        elif extension == "json":
            content, content_type = json_template(), "application/json"
        else:
            raise Http404
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="sessions-template.{extension}"'
        return response


def _forget_unconfirmed() -> None:
    """Drop the files checked but left unimported for a day: they are kept no longer."""
    ProgrammeImport.objects.filter(
        status=Status.READY, updated_at__lt=timezone.now() - KEPT_UNCONFIRMED
    ).update(status=Status.EXPIRED, content=b"", updated_at=timezone.now())
