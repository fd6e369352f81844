"""Simplified Chinese unless the user chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language header, so an office PC with an
English browser would open Xiao'an in English. Our users expect Chinese: pages are in Simplified
Chinese unless the language switch (the language cookie) says otherwise. The API still honours
Accept-Language, which is how programs ask for a language.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.defaults import page_not_found, permission_denied

from .changelog import serving
from .errors import DomainError, NotAllowed, NotFound


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


class RequestContextMiddleware:
    """Writes made while serving a request are logged with its user and address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with serving(request):
            return self.get_response(request)


class DomainErrorMiddleware:
    """The pages' one mapping of `core.errors`: a refused or invalid step goes back to the page
    it came from with the sentence as a message; not allowed answers the 403 page with the
    reason, not found the 404 page. (The API maps the same errors in `api.views`.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/") or not isinstance(exception, DomainError):
            return None
        if isinstance(exception, NotFound):
            return page_not_found(request, exception)
        if isinstance(exception, NotAllowed):
            return permission_denied(request, exception)
        if request.method == "GET":
            response = render(
                request, "refused.html", {"message": exception.message}, status=exception.status
            )
            return response
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            # No page to go back to (a step's address answers POST only): say it here.
            return render(
                request, "refused.html", {"message": exception.message}, status=exception.status
            )
        messages.error(request, exception.message)
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = back
            return response
        return HttpResponseRedirect(back)


class SecurityHeadersMiddleware:
    """Headers every response carries: a Content-Security-Policy without inline script (every
    script is a file under /static/), a Permissions-Policy, and `Cache-Control: no-store` on
    what a logged-in user receives, so a shared office PC keeps no children's data in its cache.
    The API's browsable documentation (drf-spectacular's Swagger page) starts with an inline
    script: it alone gets `CONTENT_SECURITY_POLICY_DOCS`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        docs = request.path.startswith(settings.API_DOCS_PREFIX)
        policy = settings.CONTENT_SECURITY_POLICY_DOCS if docs else settings.CONTENT_SECURITY_POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False) and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response
