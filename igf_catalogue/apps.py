from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class SiteConfig(AppConfig):
    """The project itself: what both apps share, and the checks of its settings."""

    name = "igf_catalogue"
    label = "site"
    verbose_name = "IGF Session Catalogue"

    def ready(self):
        # The system checks register as their module loads.
        from igf_catalogue import client_address  # noqa: F401


class CatalogueAdminConfig(AdminConfig):
    """django.contrib.admin, with the catalogue's own site as `admin.site`."""

    default_site = "igf_catalogue.admin.CatalogueAdminSite"
