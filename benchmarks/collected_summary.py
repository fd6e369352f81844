"""How long a province's collected campaign summary and one of its districts' quarterly report
take, on the generated province of the page benchmark (`_province`: 100 districts, 10,000
schools, a million hazards by default; BENCH_PROVINCE_* changes the sizes). On PostgreSQL
(`BENCH_DATABASE_URL`), or with BENCH_SUMMARY_PROVINCE=1 on SQLite.

The province starts a campaign over the generated year and every district adopts it, its year's
hazards in its own campaign. Timed as the province's safety officer asks for it, the collected
summary's figures and document (`collected_summary`), then its .docx and .pdf: first with no
district's summary issued, so that each is drafted from its ledger (the slowest case), then
with every district's issued (as the districts send theirs up). Then the first district's
quarterly report of the last full quarter (figures, document, .docx, .pdf, .xlsx), as
`report_generation` times the district's own.
"""

from __future__ import annotations

import datetime
import os
from typing import Any

from .report_generation import quarterly, timed


def campaign_over_the_year(province: Any, admin: Any) -> Any:
    """The province's campaign over the hazards' year, adopted by every district, each
    district's hazards found in it put in its own campaign."""
    from django.db.models import Max, Min

    from xiaoan.campaigns.models import Campaign
    from xiaoan.hazards.models import Area, Hazard
    from xiaoan.schools.models import Bureau

    span = Hazard.objects.aggregate(first=Min("found_on"), last=Max("found_on"))
    campaign = Campaign.objects.create(
        bureau=province,
        name="学校安全专项行动",
        start_date=span["first"],
        end_date=span["last"],
        notice_title="关于开展学校安全专项行动的通知",
    )
    campaign.focus_areas.set(Area.objects.all())
    districts = Bureau.objects.filter(region__parent__parent=province.region)
    for bureau in districts:
        own = Campaign.objects.create(
            bureau=bureau,
            parent=campaign,
            name=campaign.name,
            start_date=campaign.start_date,
            end_date=campaign.end_date,
            notice_title=campaign.notice_title,
        )
        Hazard.objects.filter(bureau=bureau).update(campaign=own)
    return campaign


def issue_every_summary(campaign: Any) -> None:
    """Each district's summary of its campaign, drafted from its ledger and saved as issued."""
    from django.utils import timezone

    from xiaoan.regions.summary import district_summary
    from xiaoan.reports.choices import OfficialStatus

    for own in campaign.adoptions.select_related("bureau"):
        report = district_summary(own)
        report.status, report.issued_at = OfficialStatus.ISSUED, timezone.now()
        report.save()


def collected(campaign: Any, admin: Any, label: str) -> None:
    from xiaoan.regions.summary import collected_summary
    from xiaoan.reports.exports import render

    print(f"collected summary, {label}:")
    document = timed("figures and document", lambda: collected_summary(campaign, admin))
    for fmt in ("docx", "pdf"):
        data = timed(f"render {fmt}", lambda fmt=fmt: render(document, fmt))
        print(f"  {'':<48} {len(data) / 1024:7.0f} KiB")


def last_quarter(today: datetime.date) -> tuple[int, int]:
    quarter = (today.month - 1) // 3  # the last full one
    return (today.year, quarter) if quarter else (today.year - 1, 4)


def run() -> None:
    from django.db import connection

    from xiaoan.core.dates import local_today

    from ._province import generated_from_env

    wanted = os.environ.get("BENCH_SUMMARY_PROVINCE")
    if (connection.vendor != "postgresql") if wanted is None else wanted != "1":
        print("  on PostgreSQL only (BENCH_DATABASE_URL), or BENCH_SUMMARY_PROVINCE=1")
        return
    sizes, province = generated_from_env()
    campaign = timed(
        "the province's campaign, adopted by every district",
        lambda: campaign_over_the_year(province.bureau, province.admin),
    )
    collected(
        campaign, province.admin, f"{sizes.districts} districts, each drafted from its ledger"
    )
    timed("every district's summary drafted and issued", lambda: issue_every_summary(campaign))
    collected(campaign, province.admin, f"{sizes.districts} districts, each one's issued")
    district = province.districts[0]
    year, quarter = last_quarter(local_today())
    schools, hazards = len(district.schools), sizes.hazards // sizes.districts
    print(
        f"{district.bureau.name} ({schools} schools, about {hazards:,} hazards), {year} Q{quarter}:"
    )
    quarterly(district.bureau, year, quarter, local_today())
