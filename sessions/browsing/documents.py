"""A session's uploaded documents, served as downloads.

Uploads live in the storage (the file system or object storage, see STORAGES), never
at a public address of their own: this view is the only way to them, so a draft's
documents stay with editors. Each is sent as an attachment with the content type of
its accepted kind (sessions.models.archive.DOCUMENT_TYPES) and a policy that lets it
do nothing, so even a file that lies about its contents cannot run as a page of the
site.
"""

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers, patch_cache_control

from sessions.models import Document, Session

# A download lets nothing run, load or frame, should a browser ever render it.
DOWNLOAD_POLICY = "default-src 'none'; sandbox"
# How long a shared cache may keep a published document: an editor's replacement shows
# within the hour.
PUBLISHED_DOCUMENT_SECONDS = 60 * 60


def document_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    document = get_object_or_404(
        Document.objects.select_related("session").exclude(file=""),
        pk=pk,
        session__slug=slug,
        session__in=Session.objects.visible_to(request.user),
    )
    try:
        handle = document.file.open("rb")
    except OSError as error:  # gone from the storage
        raise Http404("This document's file is missing.") from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.download_name,
        content_type=document.content_type,
    )
    response["Content-Security-Policy"] = DOWNLOAD_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    if document.session.is_published:
        patch_cache_control(response, public=True, max_age=PUBLISHED_DOCUMENT_SECONDS)
    else:
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
    return response
