import datetime

import pytest

from xiaoan.campaigns.models import Campaign
from xiaoan.hazards.models import Area


@pytest.fixture
def campaign(bureau) -> Campaign:
    campaign = Campaign.objects.create(
        bureau=bureau,
        name="2014年学校安全专项行动",
        start_date=datetime.date(2014, 7, 15),
        end_date=datetime.date(2014, 12, 31),
        status="running",
    )
    campaign.focus_areas.set(Area.objects.all())
    return campaign


@pytest.fixture
def fire_area(db) -> Area:
    return Area.objects.get(code="fire")


@pytest.fixture
def draft(alice, school_a, campaign, fire_area):
    from xiaoan.inspections.models import Inspection

    return Inspection.objects.start(
        alice,
        school=school_a,
        kind="self",
        date=datetime.date(2014, 9, 3),
        areas=[fire_area],
        campaign=campaign,
    )


def pass_all(inspection, user) -> None:
    for answer in inspection.answers.all():
        inspection.answer(user, answer, result="pass")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # Uploads in tests go to a throw-away folder, never to the shared media directory.
    settings.MEDIA_ROOT = tmp_path / "media"
