"""Simplified Chinese unless the user chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language header, so an office PC with an
English browser would open Xiao'an in English. Our users expect Chinese: pages are in Simplified
Chinese unless the language switch (the language cookie) says otherwise. The API still honours
Accept-Language, which is how programs ask for a language.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.defaults import page_not_found


class LocaleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = self.language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response

    @staticmethod
    def language_for(request: HttpRequest) -> str:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen:
            try:
                return translation.get_supported_language_variant(chosen)
            except LookupError:
                pass
        if request.path.startswith("/api/"):
            return translation.get_language_from_request(request)
        return settings.LANGUAGE_CODE


class NotFoundPageMiddleware:
    """An object a user may not see (or that does not exist) answers with the site's own 404
    page even while DEBUG is on: the embedded demo runs with DEBUG, and Django's debug page is
    in English and lists every URL of the site. Unknown addresses keep the debug page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None
