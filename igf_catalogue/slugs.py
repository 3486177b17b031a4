"""Unique slugs for models whose slug is generated from a name or title."""

from django.db import models
from slugify import slugify

# "Mexico's" gives "mexicos", as Django's own slugify has it, not "mexico-s".
APOSTROPHES = [("'", ""), ("\u2019", "")]


def unique_slug(instance: models.Model, source: str, *, field: str = "slug") -> str:
    """A slug for `source` not yet used by another row of `instance`'s model.

    Costs one query: every existing slug with the same stem is read at once.
    """
    max_length = instance._meta.get_field(field).max_length
    # Transliterated to ASCII, so "Lillestrøm" gives "lillestrom", not "lillestrm".
    stem = slugify(source, max_length=max_length - 8, replacements=APOSTROPHES) or "item"
    taken = set(
        type(instance)
        ._default_manager.filter(**{f"{field}__startswith": stem})
        .exclude(pk=instance.pk)
        .values_list(field, flat=True)
    )
    candidate, number = stem, 1
    while candidate in taken:
        number += 1
        candidate = f"{stem}-{number}"
    return candidate


class SlugFromMixin(models.Model):
    """Fill in a unique `slug` from `slug_source` on save when the editor left it blank."""

    slug_source = "name"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, getattr(self, self.slug_source))
        super().save(*args, **kwargs)
