"""The seed's 2014 special action of the demo district."""

from __future__ import annotations

import datetime

from django.db import transaction

from xiaoan.hazards.models import Area
from xiaoan.schools.demo import demo_bureau

from .models import Campaign

CAMPAIGN_NAME = "2014年清溪区教育系统学校安全专项行动"


def demo_campaign() -> Campaign:
    return Campaign.objects.get(bureau=demo_bureau(), name=CAMPAIGN_NAME)


def load() -> None:
    with transaction.atomic():
        campaign, _ = Campaign.objects.update_or_create(
            bureau=demo_bureau(),
            name=CAMPAIGN_NAME,
            defaults={
                "start_date": datetime.date(2014, 7, 15),
                "end_date": datetime.date(2014, 12, 31),
            },
        )
        campaign.focus_areas.set(Area.objects.all())
