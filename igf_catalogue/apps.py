from django.contrib.admin.apps import AdminConfig


class CatalogueAdminConfig(AdminConfig):
    """django.contrib.admin, with the catalogue's own site as `admin.site`."""

    default_site = "igf_catalogue.admin.CatalogueAdminSite"
