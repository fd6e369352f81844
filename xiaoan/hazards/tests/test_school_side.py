"""What a principal meets on the ledger page: the sort choices in the page's language."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from .conftest import jpeg_bytes, to_stage

pytestmark = pytest.mark.django_db


def test_ledger_sort_choices_are_in_chinese_both_ways(as_user, alice):
    page = as_user(alice).get(reverse("hazards:list")).content.decode()
    assert ">隐患编号（倒序）</option>" in page
    assert "descending" not in page and "reverse order" not in page


def test_ledger_sort_choices_follow_a_switch_to_english(as_user, alice):
    client = as_user(alice)
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        page = client.get(reverse("hazards:list")).content.decode()
    assert "Reference code (reverse order)" in page and "倒序）" not in page


def test_ledger_date_filters_say_which_end_of_the_range_they_are(as_user, alice):
    page = as_user(alice).get(reverse("hazards:list")).content.decode()
    assert (
        '<span class="input-group-text px-2">起</span><input class="form-control" type="date" name="found_from"'
        in page
    )
    assert (
        '<span class="input-group-text px-2">止</span><input class="form-control" type="date" name="found_to"'
        in page
    )


def test_extra_photos_default_to_after_once_rectification_has_begun(
    as_user, hazard, bureau_admin, alice
):
    client = as_user(alice)
    selected = re.compile(r'<option value="(\w+)" selected>')
    page = client.get(hazard.get_absolute_url()).content.decode()
    assert selected.findall(page.split('id="action-photo"')[1]) == ["before"]
    to_stage(hazard, "rectifying", bureau_admin, alice)
    page = client.get(hazard.get_absolute_url()).content.decode()
    assert selected.findall(page.split('id="action-photo"')[1]) == ["after"]


def test_half_a_photo_is_refused_even_after_a_pdf_report_was_made(hazard, alice):
    # Importing WeasyPrint (the PDF reports do) switches Pillow to accept truncated files.
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    data = jpeg_bytes((400, 300))
    with pytest.raises(ValidationError):
        hazard.add_photo(alice, SimpleUploadedFile("p.jpg", data[: len(data) // 2], "image/jpeg"))
    assert not hazard.photos.exists()
