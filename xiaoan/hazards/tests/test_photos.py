"""Photos: images only (by content), size limit, EXIF orientation, thumbnails, private serving."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from xiaoan.hazards.models import HazardPhoto

from .conftest import jpeg_bytes, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_photo_is_reencoded_as_jpeg_with_a_thumbnail(hazard, alice):
    photo = hazard.add_photo(alice, upload(png_bytes((800, 600)), "scene.png", "image/png"))
    with photo.image.open("rb") as handle:
        image = Image.open(handle)
        assert (image.format, image.size) == ("JPEG", (800, 600))
    with photo.thumbnail.open("rb") as handle:
        assert Image.open(handle).size == (320, 240)
    assert hazard.events.last().kind == "photo_added"


def test_exif_orientation_is_applied(hazard, alice):
    # Orientation 6: the camera was turned; the stored photo must stand upright (30 × 40).
    photo = hazard.add_photo(alice, upload(jpeg_bytes((40, 30), exif_orientation=6)))
    assert (photo.width, photo.height) == (30, 40)


def test_text_file_named_jpg_is_refused(hazard, alice):
    with pytest.raises(ValidationError) as error:
        hazard.add_photo(alice, upload(b"just some text, not a picture"))
    assert "不是照片" in " ".join(error.value.messages)
    assert not HazardPhoto.objects.exists()


def test_truncated_image_is_refused(hazard, alice):
    data = jpeg_bytes((400, 300))
    with pytest.raises(ValidationError):
        hazard.add_photo(alice, upload(data[: len(data) // 2]))
    assert not HazardPhoto.objects.exists()


def test_oversized_image_is_refused(hazard, alice, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        hazard.add_photo(alice, upload(png_bytes((300, 300)) + b"\0" * 2000))
    assert "过大" in " ".join(error.value.messages)


def test_bad_upload_on_the_report_page_saves_nothing(as_user, alice, fire_area):
    from xiaoan.hazards.models import Hazard

    response = as_user(alice).post(
        reverse("hazards:report"),
        {
            "area": fire_area.pk,
            "level": "general",
            "description": "灭火器过期未更换",
            "found_on": "2014-09-02",
            "source": "self_report",
            "photos": [upload(b"%PDF-1.4 not an image", "fake.jpg")],
        },
    )
    assert response.status_code == 200
    assert "不是照片" in response.content.decode()
    assert not Hazard.objects.exists()


def test_report_page_stores_photos(as_user, alice, fire_area):
    from xiaoan.hazards.models import Hazard

    response = as_user(alice).post(
        reverse("hazards:report"),
        {
            "area": fire_area.pk,
            "level": "general",
            "description": "灭火器过期未更换",
            "found_on": "2014-09-02",
            "source": "self_report",
            "photos": [upload(jpeg_bytes()), upload(png_bytes(), "b.png", "image/png")],
        },
    )
    assert response.status_code == 302
    assert Hazard.objects.get().photos.filter(kind="before").count() == 2


def test_photo_is_served_only_to_those_who_see_the_hazard(
    as_user, hazard, alice, bob, fire, bureau_admin
):
    photo = hazard.add_photo(alice, upload(jpeg_bytes()))
    for url in (
        reverse("hazards:photo", args=[photo.pk]),
        reverse("hazards:thumbnail", args=[photo.pk]),
    ):
        response = as_user(alice).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert Image.open(io.BytesIO(b"".join(response.streaming_content))).format == "JPEG"
        assert as_user(bureau_admin).get(url).status_code == 200
        assert as_user(bob).get(url).status_code == 404
        assert as_user(fire).get(url).status_code == 404
    assert "/media" not in as_user(alice).get(hazard.get_absolute_url()).content.decode()


def test_api_photo_upload_refuses_a_fake_image(hazard, alice):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(alice)
    url = f"/api/v1/hazards/{hazard.pk}/photos/"
    bad = client.post(url, {"image": upload(b"hello", "x.jpg")}, format="multipart")
    assert bad.status_code == 400
    good = client.post(url, {"image": upload(jpeg_bytes()), "kind": "before"}, format="multipart")
    assert good.status_code == 200
    assert len(good.json()["photos"]) == 1


def test_a_picture_over_50_megapixels_is_refused_before_it_is_decoded():
    import io

    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from xiaoan.hazards.photos import process_upload

    buffer = io.BytesIO()
    Image.new("1", (8000, 6500)).save(buffer, "PNG")  # 52 megapixels, a few kilobytes
    upload = SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")
    with pytest.raises(ValidationError, match="像素"):
        process_upload(upload)
