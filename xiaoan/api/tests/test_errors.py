"""The API's one error mapping (`api.views.exception_handler`): each `core.errors` class answers
its status with `{"detail", "code"}` in the language the request asks for."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from xiaoan.core.errors import Invalid, NotAllowed, NotFound, Refused, Stale

pytestmark = [pytest.mark.urls(__name__)]

# Sentences with a Chinese translation in the catalogues, raised the way model methods do.
REFUSED = "This hazard cannot be put under supervision now."
REQUIRED = "This field is required."  # Django's own sentence, translated by Django
ERRORS = {
    "invalid": (Invalid, "The date cannot be in the future."),
    "refused": (Refused, REFUSED),
    "stale": (Stale, REFUSED),
    "not_allowed": (NotAllowed, "Your role may not open this page or take this step."),
    "not_found": (NotFound, "Not found."),
}


class RaisingView(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request, kind: str) -> Response:
        if kind == "field":
            raise ValidationError({"deadline": gettext(REQUIRED)})
        if kind == "plain":
            raise ValidationError(gettext(REQUIRED))
        if kind == "http404":
            raise Http404("No Hazard matches the given query.")
        error_class, sentence = ERRORS[kind]
        raise error_class(gettext(sentence))


urlpatterns = [path("api/v1/raise/<str:kind>/", RaisingView.as_view())]


def get(kind: str, language: str | None = None):
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    return APIClient().get(f"/api/v1/raise/{kind}/", **headers)


@pytest.mark.parametrize(
    ("kind", "status", "chinese", "english"),
    [
        ("invalid", 400, "日期不能晚于今天。", "The date cannot be in the future."),
        ("refused", 409, "该隐患目前不能挂牌督办。", REFUSED),
        ("stale", 409, "该隐患目前不能挂牌督办。", REFUSED),
        (
            "not_allowed",
            403,
            "您的角色无权打开此页面或进行此操作。",
            "Your role may not open this page or take this step.",
        ),
        ("not_found", 404, "未找到。", "Not found."),
    ],
)
def test_domain_error_answers_its_status_sentence_and_code(kind, status, chinese, english):
    in_chinese = get(kind, "zh-CN,zh;q=0.9")
    assert in_chinese.status_code == status
    assert in_chinese.json() == {"detail": chinese, "code": kind}

    in_english = get(kind, "en")
    assert in_english.status_code == status
    assert in_english.json() == {"detail": english, "code": kind}


def test_without_accept_language_the_api_answers_in_chinese():
    assert get("invalid").json() == {"detail": "日期不能晚于今天。", "code": "invalid"}


def test_django_validation_error_of_a_field_answers_400_with_the_field():
    assert get("field", "en").status_code == 400
    assert get("field", "en").json() == {"deadline": ["This field is required."]}
    assert get("field", "zh-CN").json() == {"deadline": ["该字段是必填项。"]}


def test_django_validation_error_without_a_field_answers_400_under_detail():
    response = get("plain", "en")
    assert response.status_code == 400
    assert response.json() == {"detail": ["This field is required."]}


def test_django_404_answers_not_found_in_the_users_language_without_naming_the_model():
    assert get("http404", "zh-CN").status_code == 404
    assert get("http404", "zh-CN").json() == {"detail": "未找到。"}
    assert get("http404", "en").json() == {"detail": "Not found."}
