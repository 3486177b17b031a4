"""The strategies' section of sitemap.xml; the project's urls put the sections together."""

from django.contrib.sitemaps import Sitemap

from .models import Strategy


class StrategySitemap(Sitemap):
    """Every strategy has a page, with or without sessions yet."""

    def items(self) -> list[Strategy]:
        # Read once: the index counts the items, a section page lists them.
        if not hasattr(self, "_strategies"):
            self._strategies = list(Strategy.objects.only("slug").order_by("pk"))
        return self._strategies
