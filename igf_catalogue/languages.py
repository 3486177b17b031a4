"""The interface language of each request.

Public URLs carry no language prefix: the language comes from the visitor's choice in
the language switcher (Django's language cookie) or else from Accept-Language. The
JSON API speaks English to everyone, so its answers (and their ETags) are the same
whatever the client's language.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .api import is_api_request


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's, and a page also varies by Cookie: the language cookie chooses it too,
    so a shared cache must not give one visitor's language to another."""

    def process_request(self, request):
        if is_api_request(request):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            return
        super().process_request(request)

    def process_response(self, request, response):
        if is_api_request(request):
            return response
        response = super().process_response(request, response)
        patch_vary_headers(response, ("Cookie",))
        return response
