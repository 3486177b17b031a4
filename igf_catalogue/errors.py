"""Error pages in the site's layout."""

from django.http import HttpResponseNotFound, HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def page_not_found(request, exception=None) -> HttpResponseNotFound:
    return render(request, "404.html", status=404)


def server_error(request) -> HttpResponseServerError:
    # Rendered without the request, so no context processor runs: the error may be
    # that the database is unreachable, and the page must still appear.
    return HttpResponseServerError(loader.get_template("500.html").render())
