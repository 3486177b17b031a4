"""The interface language of each request.

Public URLs carry no language prefix: the language comes from the visitor's choice in
the language switcher (Django's language cookie), else from the address's `lang`
parameter (`/sessions/?lang=ar`: what the sitemap and each page name as the page in
another language, for search engines, which send no cookie and seldom a language),
else from Accept-Language. The JSON API speaks English to everyone, so its answers (and
their ETags) are the same whatever the client's language.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .api import is_api_request

LANGUAGE_PARAMETER = "lang"
# Longer than any language code with its region and script ("zh-hans-cn").
MAX_ASKED = 20


def asked_language(request) -> str | None:
    """The interface language the address names (`?lang=ar`, `?lang=zh`), if it is one
    of ours or a variant of one."""
    asked = request.GET.get(LANGUAGE_PARAMETER, "")
    if not asked or len(asked) > MAX_ASKED:
        return None
    try:
        return translation.get_supported_language_variant(asked.lower())
    except LookupError:
        return None


def has_chosen_a_language(request) -> bool:
    """Whether the visitor chose one of our languages in the switcher, as Django reads
    its cookie."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    try:
        return bool(chosen) and bool(translation.get_supported_language_variant(chosen))
    except LookupError:
        return False


def language_of(request) -> str:
    """The visitor's own choice, else the address's language, else the browser's."""
    if not has_chosen_a_language(request) and (asked := asked_language(request)):
        return asked
    return translation.get_language_from_request(request)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's, with the language of `language_of`; and a page also varies by Cookie:
    the language cookie chooses it too, so a shared cache must not give one visitor's
    language to another. (Without i18n_patterns, Django's own reads no more than that.)"""

    def process_request(self, request):
        language = settings.LANGUAGE_CODE if is_api_request(request) else language_of(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        if is_api_request(request):
            return response
        response = super().process_response(request, response)
        patch_vary_headers(response, ("Cookie",))
        return response
