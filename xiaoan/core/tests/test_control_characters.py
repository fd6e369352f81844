"""Control characters are refused at input, by one validator on every text field."""

from __future__ import annotations

import pytest
from django import forms
from rest_framework import serializers

from xiaoan.core.validators import NoControlCharacters


class NoteForm(forms.Form):
    note = forms.CharField()


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField()


@pytest.mark.parametrize("text", ["王\x07五", "\x1b[31m红", "a\x0bb", "\x7f", "张\ud800"])
def test_a_form_and_a_serializer_refuse_control_characters(text):
    form = NoteForm({"note": text})
    assert not form.is_valid() and "控制字符" in form.errors["note"][0]
    serializer = NoteSerializer(data={"note": text})
    assert not serializer.is_valid() and "控制字符" in str(serializer.errors["note"][0])


def test_line_breaks_and_tabs_are_ordinary_text():
    assert NoteForm({"note": "第一行\r\n第二行\t完"}).is_valid()
    assert NoteSerializer(data={"note": "第一行\n第二行"}).is_valid()


def test_the_validator_is_on_model_forms_of_the_product(alice):
    from xiaoan.schools.forms import SchoolForm

    field = SchoolForm(bureau=alice.membership.bureau).fields["name"]
    assert NoControlCharacters() in field.validators
