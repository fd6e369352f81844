from __future__ import annotations

import contextlib
import datetime
import io

import pytest
from PIL import Image

from xiaoan.core.dates import replaying
from xiaoan.hazards.choices import HazardLevel, HazardSource
from xiaoan.hazards.models import Area, Hazard, open_period_start
from xiaoan.hazards.photos import ProcessedImage, process_upload

FOUND_ON = datetime.date(2014, 9, 1)


@pytest.fixture(autouse=True)
def _in_september_2014(replay_2014):
    """The hazards tests tell a 2014 story (see `replay_2014`)."""


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The personas' passwords are hashed on every test; the slow default hasher is not the
    # point of these tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def fire_area(db) -> Area:
    return Area.objects.get(code="fire")


@pytest.fixture
def make_hazard(alice, fire_area):
    def make(school=None, user=None, level=HazardLevel.GENERAL, **kwargs) -> Hazard:
        found_on = kwargs.pop("found_on", FOUND_ON)
        # Reported on the day found if the date is past the open period (it was open then).
        past = found_on < open_period_start()
        with replaying(found_on) if past else contextlib.nullcontext():
            return Hazard.objects.report(
                school=school or alice.membership.school,
                area=kwargs.pop("area", fire_area),
                level=level,
                description=kwargs.pop("description", "消防通道堆放杂物"),
                reported_by=user or alice,
                source=kwargs.pop("source", HazardSource.SELF_REPORT),
                found_on=found_on,
                **kwargs,
            )

    return make


@pytest.fixture
def hazard(make_hazard) -> Hazard:
    return make_hazard()


def jpeg_bytes(size=(40, 30), color=(200, 30, 30), exif_orientation: int | None = None) -> bytes:
    image = Image.new("RGB", size, color)
    buffer = io.BytesIO()
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        image.save(buffer, "JPEG", exif=exif)
    else:
        image.save(buffer, "JPEG")
    return buffer.getvalue()


def png_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 10)).save(buffer, "PNG")
    return buffer.getvalue()


def after_photo() -> ProcessedImage:
    """A checked photo, as the submit step takes it."""
    return process_upload(io.BytesIO(jpeg_bytes((60, 40), (30, 160, 60))))


def to_stage(hazard: Hazard, stage: str, bureau_admin, alice) -> Hazard:
    """Drive a fresh hazard to `stage` through the real transitions, taken on the day found."""
    steps = ["assigned", "rectifying", "awaiting_verification", "closed"]
    with replaying(hazard.found_on):
        _steps(
            hazard, steps[: steps.index(stage) + 1] if stage in steps else [], bureau_admin, alice
        )
    return hazard


def _steps(hazard: Hazard, todo: list[str], bureau_admin, alice) -> None:
    for step in todo:
        if step == "assigned":
            hazard.assign(bureau_admin, opinion="立即清理", deadline=datetime.date(2014, 9, 15))
        elif step == "rectifying":
            hazard.start(alice)
        elif step == "awaiting_verification":
            hazard.submit(alice, measures="已清理通道杂物", photos=[after_photo()])
        elif step == "closed":
            hazard.verify(bureau_admin, passed=True)
