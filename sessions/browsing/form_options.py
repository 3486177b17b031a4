"""The filter form's options that no search changes (strategies, tags), kept per
catalogue version and language: reading the tags in public use and writing their
hundred options was a quarter of a search page's time in Python."""

from django import forms
from django.utils import translation

from sessions.caching.page_cache import cached_for_version

# The selects whose options are the same on every page of the list (the facets' are
# counted for each: sessions.browsing.facets).
KEPT = ("strategy", "tag")


def show_kept_options(form: forms.Form) -> None:
    for name in KEPT:
        field = form.fields[name]
        key = f"options:{name}:{translation.get_language()}"
        field.widget.choices = cached_for_version(key, lambda field=field: _options(field))


def _options(field: forms.ChoiceField) -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in field.choices]
