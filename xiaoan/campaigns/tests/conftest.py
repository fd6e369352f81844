import datetime

import pytest

from xiaoan.campaigns.models import Campaign


@pytest.fixture
def campaign(bureau) -> Campaign:
    return Campaign.objects.create(
        bureau=bureau,
        name="2014年学校安全专项行动",
        start_date=datetime.date(2014, 7, 15),
        end_date=datetime.date(2014, 12, 31),
        status="running",
    )


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # Uploads in tests go to a throw-away folder, never to the shared media directory.
    settings.MEDIA_ROOT = tmp_path / "media"
