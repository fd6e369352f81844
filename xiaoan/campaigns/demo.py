"""The seed's 2014 special action of the demo district, and the schools' work plans.

72 plans accepted, 2 awaiting review, 1 returned for revision, 4 schools (childcare
institutions) still missing: "most filed, a few missing". Idempotent.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction

from xiaoan.hazards.models import Area
from xiaoan.schools.demo import demo_bureau
from xiaoan.schools.models import School

from .choices import CampaignStatus, WorkPlanEventKind, WorkPlanStatus
from .models import Campaign, WorkPlan, WorkPlanEvent, WorkPlanSection

CAMPAIGN_NAME = "2014年清溪区教育系统学校安全专项行动"
NOTICE_TITLE = "《浙江省教育厅办公室关于开展学校安全专项行动的通知》"
DESCRIPTION = (
    "根据省教育厅通知要求，区教育局在视频会议后及时制定工作方案并下发各校。各校认真学习方案，"
    "对照专项整治六块内容（学生接送车安全、校舍安全、消防安全、食品卫生安全、实验室及危险化学品安全、"
    "校园安保及周边环境）制定本校工作方案，全面开展隐患排查与整治。"
)
ZONE = ZoneInfo("Asia/Shanghai")
SECTION_TEXT = {
    "vehicle": "全面排查接送车辆及驾驶人资质，落实随车照管和上下车清点制度。",
    "building": "对全部校舍开展安全排查，发现问题及时报修加固，建立校舍安全档案。",
    "fire": "落实消防安全责任制，每月开展防火检查，每学期组织一次疏散演练。",
    "food": "严格执行食品留样、索证索票和陪餐制度，确保食品安全。",
    "lab": "危险化学品实行双人双锁管理，规范购买、领用、处置登记。",
    "security": "落实24小时值班和外来人员登记制度，配齐安保人员和器械。",
}
MISSING = 4
SUBMITTED = 2


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
                "status": CampaignStatus.RUNNING,
                "notice_title": NOTICE_TITLE,
                "description": DESCRIPTION,
            },
        )
        campaign.focus_areas.set(Area.objects.all())
        if not campaign.plan_file:
            campaign.plan_file.save("工作方案.docx", ContentFile(_bureau_plan_docx()), save=False)
            campaign.plan_file_name = f"{CAMPAIGN_NAME}工作方案.docx"
            campaign.save(update_fields=["plan_file", "plan_file_name"])
        if not campaign.work_plans.exists():
            _work_plans(campaign)


def _bureau_plan_docx() -> bytes:
    """The bureau's work plan, laid out like the documents Xiao'an issues."""
    from xiaoan.reports.document import Document
    from xiaoan.reports.exports.word import render_docx

    document = Document(
        title=f"{CAMPAIGN_NAME}工作方案",
        issuer=demo_bureau().name,
        date_text="2014年7月15日",
    )
    document.heading(1, "指导思想")
    document.paragraph(f"根据{NOTICE_TITLE}要求，{DESCRIPTION}")
    document.heading(1, "工作时间")
    document.paragraph("2014年7月15日至12月31日，分动员部署、排查整改、总结验收三个阶段。")
    document.heading(1, "主要内容")
    for area in Area.objects.all():
        document.heading(2, area.name_zh)
        document.paragraph(SECTION_TEXT.get(area.code, ""))
    document.heading(1, "工作要求")
    document.paragraph(
        "各校要于7月底前报送本校工作方案；隐患实行台账管理、限期整改、逐项销号；"
        "每月5日前报送上月隐患排查整改情况。"
    )
    return render_docx(document)


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, 0), ZONE)


def _work_plans(campaign: Campaign) -> None:
    reviewer = get_user_model().objects.filter(username="bureau").first()
    schools = list(School.objects.filter(bureau=campaign.bureau_id).order_by("code"))
    filing = schools[: len(schools) - MISSING]
    areas = list(Area.objects.all())
    for index, school in enumerate(filing):
        submitted_on = datetime.date(2014, 7, 22) + datetime.timedelta(days=index % 12)
        status = _status(index, len(filing), school.code)
        plan = WorkPlan.objects.create(
            campaign=campaign,
            school=school,
            status=status,
            summary=f"{school.name}学校安全专项行动工作方案：成立以校长为组长的领导小组，"
            "对照六块内容逐项排查、限期整改。",
            submitted_at=_moment(submitted_on, 10),
            reviewed_by=reviewer if status != WorkPlanStatus.SUBMITTED else None,
            reviewed_at=_moment(submitted_on + datetime.timedelta(days=3), 15)
            if status != WorkPlanStatus.SUBMITTED
            else None,
            review_comment="请补充学生接送车安全管理措施和责任人" if status == "returned" else "",
        )
        WorkPlanSection.objects.bulk_create(
            WorkPlanSection(plan=plan, area=a, text=SECTION_TEXT.get(a.code, "")) for a in areas
        )
        if reviewer is not None and status != WorkPlanStatus.SUBMITTED:
            kind = WorkPlanEventKind.RETURNED if status == "returned" else "accepted"
            event = WorkPlanEvent.objects.create(
                plan=plan, actor=reviewer, kind=kind, comment=plan.review_comment
            )
            WorkPlanEvent.objects.filter(pk=event.pk).update(created_at=plan.reviewed_at)


def _status(index: int, total: int, code: str) -> str:
    if code == "S002":
        return WorkPlanStatus.RETURNED  # school002 has a plan to revise and resubmit
    if index >= total - SUBMITTED:
        return WorkPlanStatus.SUBMITTED
    return WorkPlanStatus.ACCEPTED
