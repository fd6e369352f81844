import datetime
from collections import Counter

import docx

from xiaoan.campaigns import demo as campaigns_demo
from xiaoan.campaigns.models import WorkPlan
from xiaoan.hazards import demo as hazards_demo
from xiaoan.hazards.models import Hazard
from xiaoan.inspections import demo
from xiaoan.inspections.models import Inspection, InspectionAnswer, InspectionSchedule
from xiaoan.schools import demo as schools_demo
from xiaoan.schools.models import School


def test_demo_builds_the_seed_campaign_inspections_and_schedules(db):
    # One test: the hazards demo is slow to build, so every figure is checked on one load.
    for module in (schools_demo, campaigns_demo, hazards_demo, demo):
        module.load()
    _inspections_and_hazards()
    _schedules()
    _work_plans()
    counts = (
        Inspection.objects.count(),
        InspectionAnswer.objects.count(),
        WorkPlan.objects.count(),
    )
    campaigns_demo.load()
    demo.load()
    assert counts == (
        Inspection.objects.count(),
        InspectionAnswer.objects.count(),
        WorkPlan.objects.count(),
    )


def _inspections_and_hazards() -> None:
    kinds = Counter(Inspection.objects.values_list("kind", flat=True))
    assert kinds["survey"] == 23
    assert kinds["enforcement"] == 4
    assert kinds["leadership"] == 79
    _seed_rounds()
    assert Hazard.objects.count() == 103
    linked = InspectionAnswer.objects.exclude(hazard=None).select_related("hazard", "inspection")
    assert linked.count() == Hazard.objects.filter(source="inspection").count()
    for answer in linked:
        assert answer.hazard.school_id == answer.inspection.school_id
        assert answer.hazard.area_id == answer.area_id
        assert answer.hazard.found_on == answer.inspection.date
    assert not Inspection.objects.filter(status="draft").exists()


def _seed_rounds() -> None:
    """The seed's rounds: who took part, where, and the 5 kindergartens that rectified."""
    every_school = School.objects.count()
    assert every_school == 37 + 42
    preopening = Inspection.objects.filter(schedule__title__startswith="开学前联合")
    assert preopening.filter(kind="joint").values("school").distinct().count() == every_school
    wanted = {"traffic_police", "fire", "quality", "food"}
    for inspection in preopening.prefetch_related("departments"):
        assert wanted <= {d.kind for d in inspection.departments.all()}
    leadership = Inspection.objects.filter(kind="leadership")
    assert leadership.values("school").distinct().count() == every_school
    assert {i.date.month for i in leadership} == {9}
    survey = Inspection.objects.filter(kind="survey")
    assert {i.date for i in survey} <= {datetime.date(2014, 8, d) for d in range(1, 11)}
    assert set(survey.values_list("school__kind", flat=True)) <= {"kindergarten", "migrant"}
    enforcement = Counter(
        Inspection.objects.filter(kind="enforcement").values_list("school__kind", flat=True)
    )
    assert enforcement == {"migrant": 3, "kindergarten": 1}
    childcare = Inspection.objects.filter(schedule__title__startswith="8月托幼机构")
    assert childcare.count() == 42
    assert set(childcare.values_list("school__kind", flat=True)) == {"kindergarten"}
    assert childcare.filter(departments__kind="public_security").count() == 42
    rectified = childcare.filter(answers__result="fail", answers__hazard=None).distinct()
    assert rectified.count() == 5 and all("整改" in i.notes for i in rectified)


def _schedules() -> None:
    figures = {s.title[:6]: s.figures() for s in InspectionSchedule.objects.all()}
    assert figures["开学前联合安"]["inspected"] == 79
    assert figures["开学后局领导"]["inspected"] == 79
    assert figures["8月托幼机构"]["inspected"] == 42
    assert figures["秋季学期安全"]["due"] > 0
    enforcement = InspectionSchedule.objects.get(kind="enforcement")
    kinds = Counter(enforcement.target_schools().values_list("kind", flat=True))
    assert kinds == {"migrant": 3, "kindergarten": 1}


def _work_plans() -> None:
    campaign = campaigns_demo.demo_campaign()
    assert Counter(WorkPlan.objects.values_list("status", flat=True)) == {
        "accepted": 72,
        "submitted": 2,
        "returned": 1,
    }
    assert campaign.schools_without_plan().count() == 4 + 1  # missing, plus the returned one
    # The bureau's own work plan is attached, a Word document in the official layout.
    with campaign.plan_file.open("rb") as handle:
        plan = docx.Document(handle)
    text = "\n".join(p.text for p in plan.paragraphs)
    assert (
        campaign.name in text.replace("\n", "")
        and "一、指导思想" in text
        and "（六）校园安保及周边环境" in text
    )
