"""One phone-number rule and one too-long message, the same on the pages and in the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from xiaoan.core.validators import validate_phone
from xiaoan.registers.forms import PatrolForm, VisitorForm
from xiaoan.registers.models import DutyShift, SecurityStaff

PHONE_MESSAGE = (
    "电话号码格式不对：手机号为11位数字（如13812345678），座机须带区号（如0571-88888888，"
    "分机号接在短横后，如0571-88888888-123）。"
)


@pytest.mark.parametrize(
    "number",
    [
        "13812345678",
        "19912345678",
        "+86 13812345678",
        "0571-88888888",
        "010-1234567",
        "057188888888",
        "0571-88888888-123",
        "0571-88888888转8",
        "",
    ],
)
def test_mobile_and_landline_numbers_pass(number):
    validate_phone(number)


@pytest.mark.parametrize(
    "number", ["abc", "12812345678", "1381234567", "138123456789", "88888888", "0571-88"]
)
def test_anything_else_is_refused_in_our_words(number):
    with pytest.raises(ValidationError) as error:
        validate_phone(number)
    assert error.value.messages == [PHONE_MESSAGE]


def test_every_phone_field_of_the_models_carries_the_rule():
    from django.apps import apps

    phone_fields = [
        f
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "schools", "registers"}
        for f in model._meta.concrete_fields
        if "phone" in f.name
    ]
    assert len(phone_fields) >= 8
    assert all(validate_phone in f.validators for f in phone_fields), phone_fields


def test_abc_is_refused_at_the_field_of_a_register_page_keeping_what_was_typed(as_user, alice):
    response = as_user(alice).post(
        reverse("registers:create", args=["security-staff"]),
        {"name": "李保安", "kind": "guard", "post": "门岗", "phone": "abc"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["phone"] == [PHONE_MESSAGE]
    assert form["name"].value() == "李保安"
    assert not SecurityStaff.objects.exists()


def test_abc_is_refused_at_the_field_in_the_api(carol):
    client = APIClient()
    client.force_authenticate(carol)
    response = client.post(
        "/api/v1/registers/duty/",
        {
            "person": "王老师",
            "phone": "abc",
            "starts_at": "2014-09-01T08:00",
            "ends_at": "2014-09-01T20:00",
        },
        format="json",
    )
    assert response.status_code == 400 and response.json()["phone"] == [PHONE_MESSAGE]
    assert not DutyShift.objects.exists()
    visitor = client.post(
        "/api/v1/registers/visitors/",
        {"name": "钱七", "id_number": "11010519491231002X", "purpose": "送货", "phone": "abc"},
        format="json",
    )
    assert visitor.status_code == 400 and visitor.json()["phone"] == [PHONE_MESSAGE]


def test_the_gate_form_refuses_abc_at_the_phone(db):
    form = VisitorForm({"name": "钱七", "id_type": "resident", "id_number": "x", "phone": "abc"})
    assert form.errors["phone"] == [PHONE_MESSAGE]


def test_too_long_text_on_a_form_says_our_words_not_djangos(db):
    form = PatrolForm({"hazard_description": "字" * 2001})
    assert form.errors["hazard_description"] == ["最多2000字，现在2001字。"]
    assert "确保" not in str(form.errors)


def test_too_long_text_in_the_api_says_the_same(carol):
    client = APIClient()
    client.force_authenticate(carol)
    response = client.post(
        "/api/v1/registers/visitors/",
        {"name": "钱七", "id_number": "11010519491231002X", "purpose": "送" * 201},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["purpose"] == ["最多200字，现在201字。"]
