"""The editors' admin site: its titles, and autocomplete labels chosen by each model admin."""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.db import models
from django.utils.translation import gettext_lazy as _

# Links typed without a scheme are taken as https (Django 6's default, stated for 5.2).
URLS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """Autocomplete results labelled by the model admin's `autocomplete_label(obj)`, if any.

    An objective's own name ("Digital economy") is ambiguous among several strategies;
    its admin can say which strategy it belongs to without changing `__str__` everywhere.
    """

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        autocomplete_label = getattr(self.model_admin, "autocomplete_label", None)
        if autocomplete_label is not None:
            result["text"] = autocomplete_label(obj)
        return result


class CatalogueAdminSite(admin.AdminSite):
    site_header = _("IGF Session Catalogue administration")
    site_title = _("IGF Session Catalogue")
    index_title = _("Catalogue administration")
    site_url = "/"

    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)
