"""A register's "only once" rules hold for every role, on the page and in the API: a second
letter for the same signatory and year, or a second acknowledgement of a class on one day, is
refused with a sentence at the form (what was typed stays), never a database error."""

from __future__ import annotations

import datetime

import pytest
from rest_framework.test import APIClient

from xiaoan.core.errors import Invalid
from xiaoan.registers.models import Acknowledgement, ResponsibilityLetter

pytestmark = pytest.mark.django_db

LETTER = {"year": 2014, "level": "school_staff", "issuer": "校长", "signatory": "张三"}
ACK = {"class_name": "一（1）班", "signed_on": "2014-06-01", "students": 30, "acknowledged": 28}
LETTER_TAKEN = "本校本年度已有与该签订人签订的同级责任书，请打开原记录修改。"
ACK_TAKEN = "该班级当天的告知书签收已经登记，请打开原记录修改。"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_school_user_gets_a_second_letter_refused_at_the_form(as_user, alice, school_a):
    client = as_user(alice)
    assert client.post("/registers/letters/new/", LETTER).status_code == 302
    again = client.post("/registers/letters/new/", {**LETTER, "signed_on": "2014-03-01"})
    assert again.status_code == 200
    assert again.context["form"].non_field_errors() == [LETTER_TAKEN]
    assert 'value="2014-03-01"' in again.content.decode()
    assert ResponsibilityLetter.objects.count() == 1


def test_the_bureau_gets_the_same_refusal_for_a_school_it_chooses(as_user, bureau_admin, school_a):
    client = as_user(bureau_admin)
    data = {**LETTER, "level": "bureau_school", "school": school_a.pk}
    assert client.post("/registers/letters/new/", data).status_code == 302
    again = client.post("/registers/letters/new/", data)
    assert again.context["form"].non_field_errors() == [LETTER_TAKEN]


def test_a_second_acknowledgement_of_a_class_on_one_day_is_refused(as_user, alice, school_a):
    client = as_user(alice)
    assert client.post("/registers/acknowledgements/new/", ACK).status_code == 302
    again = client.post("/registers/acknowledgements/new/", ACK)
    assert again.status_code == 200
    assert again.context["form"].non_field_errors() == [ACK_TAKEN]
    assert Acknowledgement.objects.count() == 1


def test_another_school_may_have_the_same_class_and_day(as_user, alice, bob, school_a, school_b):
    assert as_user(alice).post("/registers/acknowledgements/new/", ACK).status_code == 302
    assert as_user(bob).post("/registers/acknowledgements/new/", ACK).status_code == 302


def test_the_api_refuses_a_duplicate_with_400(alice, school_a):
    assert api(alice).post("/api/v1/registers/letters/", LETTER, format="json").status_code == 201
    again = api(alice).post("/api/v1/registers/letters/", LETTER, format="json")
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": [LETTER_TAKEN]}


def test_the_model_refuses_a_duplicate_whoever_writes_it(alice, school_a):
    fields = {**LETTER, "school": school_a}
    ResponsibilityLetter.objects.create(**fields)
    with pytest.raises(Invalid) as refused:
        ResponsibilityLetter.objects.create(**fields)
    assert str(refused.value) == LETTER_TAKEN
    assert ResponsibilityLetter.objects.count() == 1


def test_an_edit_that_keeps_its_own_values_is_not_a_duplicate(as_user, alice, school_a):
    letter = ResponsibilityLetter.objects.create(**{**LETTER, "school": school_a})
    response = as_user(alice).post(
        f"/registers/letters/{letter.pk}/edit/",
        {**LETTER, "signed_on": "2014-03-02", "version": letter.version},
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.signed_on == datetime.date(2014, 3, 2)
