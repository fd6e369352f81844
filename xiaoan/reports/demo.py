"""Demo reports: monthly reports September–December 2014 for every school (most on time, some
late, a few missing, one returned and resubmitted), the issued Q3 and Q4 2014 quarterly reports,
a draft of the campaign summary, and the campaign's notice issued to every school, signed for by
most of them (some late, a few not at all: S002 among them).

Idempotent: a month's report that exists is left alone; a document that exists is not redone.
"""

from __future__ import annotations

import datetime
import random
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from xiaoan.accounts.choices import Role
from xiaoan.accounts.models import Membership
from xiaoan.campaigns.demo import demo_campaign
from xiaoan.schools.demo import demo_bureau
from xiaoan.schools.models import School

from . import monthend, official
from .choices import IssuedKind, MonthlyEventKind, MonthlyStatus, OfficialKind, OfficialStatus
from .compile import school_month_figures
from .models import (
    DocumentReceipt,
    IssuedDocument,
    MonthlyReport,
    MonthlyReportEvent,
    OfficialReport,
    due_date_for,
)

ZONE = ZoneInfo("Asia/Shanghai")
MONTHS = [(2014, 9), (2014, 10), (2014, 11), (2014, 12)]
RETURNED = ("S001", 2014, 10)  # returned once by the bureau, then resubmitted
MISSING_EVERY = 23  # about one school in 23 misses a month
LATE_EVERY = 7


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=ZONE)


def load() -> None:
    bureau = demo_bureau()
    officer = get_user_model().objects.get(username="bureau")
    admins = {
        m.school_id: m.user
        for m in Membership.objects.filter(bureau=bureau, role=Role.SCHOOL_ADMIN).select_related(
            "user"
        )
    }
    rng = random.Random(2014)
    with transaction.atomic():
        for index, school in enumerate(School.objects.filter(bureau=bureau).order_by("code")):
            for year, month in MONTHS:
                _monthly(school, year, month, index, rng, admins.get(school.pk), officer)
        _documents(bureau, officer)
        _issued_notice(bureau, officer, admins)
    # The figures of every month over, as the worker stores them once a month ends (a second
    # run stores nothing: they agree).
    monthend.rebuild()


def _monthly(
    school: School, year: int, month: int, index: int, rng: random.Random, admin: Any, officer: Any
) -> None:
    draw = rng.random()  # drawn every time, so the sequence does not depend on what exists
    if MonthlyReport.objects.filter(school=school, year=year, month=month).exists():
        return
    position = index * 4 + MONTHS.index((year, month))
    if position % MISSING_EVERY == 5:
        return  # missing
    due = due_date_for(year, month)
    late = position % LATE_EVERY == 3
    submitted = _at(
        due + datetime.timedelta(days=1 + int(draw * 4))
        if late
        else due - datetime.timedelta(days=int(draw * 5)),
        9 + int(draw * 8),
    )
    figures = school_month_figures(school, year, month)
    report = MonthlyReport.objects.create(
        school=school,
        year=year,
        month=month,
        due_date=due,
        figures=figures,
        is_nil=figures["nil"],
        compiled_at=submitted,
        status=MonthlyStatus.ACCEPTED,
        narrative=_narrative(figures),
        submitted_at=submitted,
        first_submitted_at=submitted,
        submitted_by=admin,
        reviewed_at=submitted + datetime.timedelta(days=2),
        reviewed_by=officer,
    )
    steps = [
        (MonthlyEventKind.COMPILED, "draft", "draft", ""),
        (MonthlyEventKind.SUBMITTED, "draft", "submitted", ""),
    ]
    if (school.code, year, month) == RETURNED:
        steps += [
            (MonthlyEventKind.RETURNED, "submitted", "returned", "请补充重大隐患的临时管控措施"),
            (MonthlyEventKind.SUBMITTED, "returned", "submitted", ""),
        ]
        report.review_comment = "已补充，同意"
        report.save(update_fields=["review_comment"])
    steps.append((MonthlyEventKind.ACCEPTED, "submitted", "accepted", ""))
    for kind, before, after, comment in steps:
        actor = (
            officer
            if kind in (MonthlyEventKind.RETURNED, MonthlyEventKind.ACCEPTED)
            else (admin or officer)
        )
        MonthlyReportEvent.objects.create(
            report=report,
            actor=actor,
            kind=kind,
            from_status=before,
            to_status=after,
            comment=comment,
        )
    MonthlyReportEvent.objects.filter(report=report).update(created_at=submitted)


def _narrative(figures: dict) -> str:
    total = figures["total"]
    if figures["nil"]:
        return "本月未发现新的安全隐患，无在改隐患。"
    return f"本月新发现隐患{total['found']}项，整改销号{total['closed']}项，尚在整改{total['open']}项。"


def _documents(bureau: Any, officer: Any) -> None:
    plans: list[tuple[str, dict[str, Any], datetime.date, bool]] = [
        (OfficialKind.QUARTERLY, {"year": 2014, "quarter": 3}, datetime.date(2014, 10, 10), True),
        (OfficialKind.QUARTERLY, {"year": 2014, "quarter": 4}, datetime.date(2015, 1, 9), True),
        (
            OfficialKind.CAMPAIGN_SUMMARY,
            {"campaign": demo_campaign()},
            datetime.date(2014, 12, 31),
            False,
        ),
    ]
    for kind, scope, day, issue in plans:
        if official.latest(kind, bureau, **scope):
            continue
        report = official.generate(kind, bureau, user=officer, today=day, **scope)
        stamp = _at(day, 10)
        OfficialReport.objects.filter(pk=report.pk).update(
            generated_at=stamp,
            status=OfficialStatus.ISSUED if issue else OfficialStatus.DRAFT,
            issued_at=stamp if issue else None,
            issued_by=officer if issue else None,
        )


NOTICE_NUMBER = "清教安〔2014〕21号"
NOT_SIGNED = ("S002", "S017", "S033", "S061")  # never signed for the notice
SIGNED_LATE_EVERY = 9


def _issued_notice(bureau: Any, officer: Any, admins: dict[int, Any]) -> None:
    """The campaign's notice as the bureau issued it to every school on 18 July 2014, to be
    signed for by the 25th."""
    if IssuedDocument.objects.filter(bureau=bureau, number=NOTICE_NUMBER).exists():
        return
    campaign = demo_campaign()
    issued = _at(datetime.date(2014, 7, 18), 9)
    document = IssuedDocument.objects.create(
        bureau=bureau,
        kind=IssuedKind.CAMPAIGN_NOTICE,
        title=f"关于印发《{campaign.name}实施方案》的通知",
        number=NOTICE_NUMBER,
        body=(
            "各中小学、幼儿园：\n现将《"
            + campaign.name
            + "实施方案》印发给你们，请认真组织学习，结合本校实际制定工作方案，"
            "于8月15日前报区教育局安全科。"
        ),
        campaign=campaign,
        sign_by=datetime.date(2014, 7, 25),
        issued_at=issued,
        issued_by=officer,
    )
    receipts = []
    for index, school in enumerate(School.objects.filter(bureau=bureau).order_by("code")):
        signer = admins.get(school.pk)  # a school without an account signed on paper
        signed = None
        if school.code not in NOT_SIGNED:
            days = 8 + index % 3 if index % SIGNED_LATE_EVERY == 4 else 1 + index % 5
            signed = _at(datetime.date(2014, 7, 18) + datetime.timedelta(days=days), 10)
        receipts.append(
            DocumentReceipt(
                document=document,
                school=school,
                opened_at=signed,
                opened_by=signer if signed else None,
                signed_at=signed,
                signed_by=signer if signed else None,
            )
        )
    DocumentReceipt.objects.bulk_create(receipts)
