"""The site's URLs plus /bench/floor/: what a page costs with no database work at all.

The floor answers a pre-rendered body of `?bytes=` bytes (the size of the page it is
compared with) through the same middleware as every page, so a page's requests per
second over the floor's say what the page itself costs. The view is the bare floor's
(bench/bare_floor/), which serves it with nothing but a new project's middleware.
"""

from django.urls import path

from bench.bare_floor.urls import floor
from igf_catalogue.urls import handler404, handler500  # noqa: F401
from igf_catalogue.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("bench/floor/", floor, name="bench-floor"), *site_urlpatterns]
