"""The session list's "By language" filter: the six languages of the United Nations, in
the editor's language, and every other language together. A fixed list, so that the
filter costs the list no query (Django's own would read every language in use)."""

from django.conf import settings
from django.contrib import admin
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from sessions.models.languages import language_name, primary_language

# The interface's languages, the six of the United Nations: en, es, fr, ar, zh, ru.
UN_LANGUAGES = tuple(primary_language(code) for code, _name in settings.LANGUAGES)
OTHER = "other"


def written_in(code: str) -> Q:
    """Sessions in `code`, whatever region or script follows it (es-419, zh-Hans)."""
    return Q(language__iexact=code) | Q(language__istartswith=f"{code}-")


class LanguageFilter(admin.SimpleListFilter):
    title = _("language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        return [(code, language_name(code)) for code in UN_LANGUAGES] + [
            (OTHER, _("Another language"))
        ]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        if self.value() == OTHER:
            for code in UN_LANGUAGES:
                queryset = queryset.exclude(written_in(code))
            return queryset
        if self.value() in UN_LANGUAGES:
            return queryset.filter(written_in(self.value()))
        return queryset
