"""The editors' admin site: its titles, its sign-in form, autocomplete labels chosen by
each model admin, and the guards that keep values no database can hold from reaching one."""

from functools import wraps
from itertools import groupby

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

# Links typed without a scheme are taken as https (Django 6's default, stated for 5.2).
URLS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """Autocomplete results labelled by the model admin's `autocomplete_label(obj)`, if any,
    and grouped under its `autocomplete_group(obj)` when it says the request wants them
    grouped (`autocomplete_grouped(request)`).

    An objective's own name ("Digital economy") is ambiguous among several strategies;
    its admin can say which strategy it belongs to without changing `__str__` everywhere.
    """

    def get(self, request, *args, **kwargs):
        # Django's own, but for the grouping.
        self.term, self.model_admin, self.source_field, to_field_name = self.process_request(
            request
        )
        if not self.has_perm(request):
            raise PermissionDenied
        self.object_list = self.get_queryset()
        context = self.get_context_data()
        objects = context["object_list"]
        results = [self.serialize_result(obj, to_field_name) for obj in objects]
        grouped = getattr(self.model_admin, "autocomplete_grouped", None)
        if grouped is not None and grouped(request):
            # select2's groups: the objects come ordered by their group already.
            group_of = self.model_admin.autocomplete_group
            results = [
                {"text": name, "children": [result for _, result in members]}
                for name, members in groupby(
                    zip(objects, results, strict=True), key=lambda pair: group_of(pair[0])
                )
            ]
        return JsonResponse(
            {"results": results, "pagination": {"more": context["page_obj"].has_next()}}
        )

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        autocomplete_label = getattr(self.model_admin, "autocomplete_label", None)
        if autocomplete_label is not None:
            result["text"] = autocomplete_label(obj)
        return result


class CatalogueAuthenticationForm(AdminAuthenticationForm):
    """The sign-in form, turning away a username longer than any account's before it is
    tried (django-axes records each failed one, in a column of 255 characters).

    Django's form states the length only in the field's HTML, not as a validator."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class StorableChoicesMixin:
    """An autocomplete that shows only the chosen values its field could look up.

    A form sent back with a value that is no key ("abc", a NUL character, a number past
    the column's range) is invalid and says so, but the stock widget, redrawing it,
    would look that value up and fail; a prefilled add form (`?tags=abc`) the same."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if self._is_storable(v)], attr)

    def _is_storable(self, value) -> bool:
        remote = self.field.remote_field
        to_field = remote.model._meta.get_field(
            getattr(remote, "field_name", None) or remote.model._meta.pk.name
        )
        return is_key_of(to_field, value)


class StorableAutocompleteSelect(StorableChoicesMixin, AutocompleteSelect):
    pass


class StorableAutocompleteSelectMultiple(StorableChoicesMixin, AutocompleteSelectMultiple):
    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        # Each choice has its own remove button; the one that clears them all sits in
        # the list of choices, where a list may hold only items (WCAG 1.3.1).
        attrs["data-allow-clear"] = "false"
        return attrs


class StorableAutocompletes:
    """A ModelAdmin or inline mixin: its `autocomplete_fields` use the widgets above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = StorableAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = StorableAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class YearsInRangeChangeList(ChangeList):
    """A list whose date hierarchy treats a year no date can have (`?date__year=9999`, or
    one too large for an integer) as a lookup it cannot apply, Django's `?e=1`, rather
    than a server error: Django checks the day it starts from, not the one it ends on."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


class DateHierarchyInRange:
    """A ModelAdmin mixin: its list is a `YearsInRangeChangeList` (which differs from
    Django's only for an admin with a `date_hierarchy`)."""

    def get_changelist(self, request, **kwargs):
        return YearsInRangeChangeList


class StorableSelections:
    """A ModelAdmin mixin: an action sent with selected rows that could be no keys ("abc",
    a NUL character, a number past the column's range) acts on the rows that could,
    where Django's own lookup of them failed."""

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        pk = self.model._meta.pk
        storable = [value for value in selected if is_key_of(pk, value)]
        if len(storable) < len(selected):
            request.POST = request.POST.copy()
            request.POST.setlist(helpers.ACTION_CHECKBOX_NAME, storable)
        return super().response_action(request, queryset)


def is_key_of(field, value) -> bool:
    try:
        field.clean(value, None)
    except ValidationError:
        return False
    return True


class CatalogueModelAdmin(
    DateHierarchyInRange, StorableSelections, StorableAutocompletes, admin.ModelAdmin
):
    """Every model admin of the catalogue: Django's, with what an address or a form
    gives it checked before it reaches the database."""


def holds_nul(request) -> bool:
    """Whether the query string holds a NUL character, which PostgreSQL refuses in any
    text it is given: as a list filter, a search, an autocomplete's term, a prefill."""
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )


class CatalogueAdminSite(admin.AdminSite):
    site_header = _("IGF Session Catalogue administration")
    site_title = _("IGF Session Catalogue")
    index_title = _("Catalogue administration")
    site_url = "/"
    login_form = CatalogueAuthenticationForm

    def admin_view(self, view, cacheable=False):
        guarded = super().admin_view(view, cacheable)

        @wraps(view)
        def refusing_nul(request, *args, **kwargs):
            if holds_nul(request):
                return TemplateResponse(
                    request,
                    "admin/refused_query.html",
                    {**self.each_context(request), "title": _("This address cannot be read")},
                    status=400,
                )
            return guarded(request, *args, **kwargs)

        return refusing_nul

    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)
