from django.contrib.admin.apps import AdminConfig


class CatalogueAdminConfig(AdminConfig):
    """django.contrib.admin, with the catalogue's own site as `admin.site`."""

    default_site = "igf_catalogue.admin.CatalogueAdminSite"

    def ready(self):
        super().ready()
        # The project's own system checks, registered as their module loads.
        from igf_catalogue import client_address  # noqa: F401
