"""Error pages in the site's layout; under /api/, JSON as the API answers."""

from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader

from .api import is_api_request


def page_not_found(request, exception=None) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request) -> HttpResponseServerError:
    # Rendered without the request, so no context processor runs: the error may be
    # that the database is unreachable, and the page must still appear.
    return HttpResponseServerError(loader.get_template("500.html").render())
