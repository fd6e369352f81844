"""A page that raises each of the domain errors, for the pages' error mapping test."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from xiaoan.core import errors

ERRORS = {
    "invalid": errors.Invalid,
    "refused": errors.Refused,
    "stale": errors.Stale,
    "not-allowed": errors.NotAllowed,
    "not-found": errors.NotFound,
}


def fail(request: HttpRequest, kind: str) -> HttpResponse:
    raise ERRORS[kind]("这一步现在不能办理。")


urlpatterns = [path("fail/<str:kind>/", fail), path("", include("xiaoan.urls"))]
