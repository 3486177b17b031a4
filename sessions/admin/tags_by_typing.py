"""The session form's tag field, where a tag that does not exist yet is made by typing
its name: select2 offers the name as typed, and the tag is created when the session is
saved (`save_new_tags`), not before, so a form sent back with errors creates nothing."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from igf_catalogue.admin import StorableAutocompleteSelectMultiple, is_key_of
from sessions.models import Tag

# How a name typed as a new tag comes back from the browser (see the script below): a
# name of digits alone would otherwise read as the id of another tag.
NEW_TAG_PREFIX = "+"
TAG_NAME_LENGTH = Tag._meta.get_field("name").max_length


class TagsByTyping(StorableAutocompleteSelectMultiple):
    """The tag autocomplete, with select2's `tags` on: what is typed may be chosen as is."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-tags"] = "true"
        return attrs

    def optgroups(self, name, value, attr=None):
        # New names chosen on a form sent back with errors stay chosen.
        groups = super().optgroups(name, value, attr)
        new_names = [v for v in value if _new_name(v) is not None]
        if new_names:
            options = [self.create_option(name, v, _new_name(v), True, 0) for v in new_names]
            groups.append((None, options, len(groups)))
        return groups

    @property
    def media(self):
        # After django.jQuery and select2 are there: a list's order is kept on merging.
        return super().media + forms.Media(
            js=["admin/js/jquery.init.js", "admin/js/autocomplete.js", "js/admin-tags-by-typing.js"]
        )


class TagsByTypingField(forms.ModelMultipleChoiceField):
    """Tags chosen by id, and new ones by name: the cleaned value is a list of tags, those
    named new unsaved (or, if a tag of that name exists whatever its case, that tag)."""

    def clean(self, value):
        values = list(value) if isinstance(value, list | tuple) else [value] if value else []
        names = [_new_name(v) for v in values]
        ids = [v for v, name in zip(values, names, strict=True) if name is None]
        if not ids and not any(names):
            return list(super().clean([]))  # says so if the field is required
        for pk in ids:
            if not is_key_of(Tag._meta.pk, pk):  # SQLite cannot even look it up
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        chosen = list(super().clean(ids)) if ids else []
        new = {name.casefold(): name for name in reversed(names) if name}
        for name in reversed(new.values()):
            if len(name) > TAG_NAME_LENGTH:
                raise ValidationError(
                    gettext("A tag's name is at most %(limit)d characters: “%(name)s…”.")
                    % {"limit": TAG_NAME_LENGTH, "name": name[:40]}
                )
            if "\x00" in name:
                raise ValidationError(gettext("A tag's name cannot hold a NUL character."))
            tag = Tag.objects.filter(name__iexact=name).first() or Tag(name=name)
            if tag.pk is None or tag not in chosen:
                chosen.append(tag)
        return chosen

    def has_changed(self, initial, data):
        data = data or []
        if any(_new_name(v) for v in data):
            return True
        return super().has_changed(initial, data)


def _new_name(value) -> str | None:
    """The name of a new tag, if `value` is one rather than a tag's id."""
    value = str(value)
    if value.startswith(NEW_TAG_PREFIX):
        return value[len(NEW_TAG_PREFIX) :].strip() or None
    if value.isascii() and value.isdigit():
        return None
    # A browser without the script sends the typed name as it is.
    return value.strip() or None


def save_new_tags(tags: list[Tag]) -> None:
    """Create the tags of the list that are new, before the session's tags are set."""
    for tag in tags:
        if tag.pk is None:
            tag.save()
