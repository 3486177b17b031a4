"""Error pages in the site's layout."""

from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request):
    # Rendered without the database: the error may be that it is unreachable.
    return render(request, "500.html", status=500)
