"""Past months described as they stood then: the deadline of that day, not today's."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from xiaoan.hazards.models import Area, Hazard
from xiaoan.reports.compile import school_month_figures
from xiaoan.reports.stats import trend

from .conftest import at

pytestmark = pytest.mark.django_db
d = datetime.date


def _reported(school, user, found_on: datetime.date, area: str) -> Hazard:
    return Hazard.objects.report(
        school=school,
        area=Area.objects.get(code=area),
        level="general",
        description="疏散通道堆放杂物",
        reported_by=user,
        source="inspection",
        found_on=found_on,
    )


def test_overdue_at_a_past_months_end_uses_the_deadline_it_had_then(alice, bureau_admin, school_a):
    # Deadline 20 Sep; on 5 Oct the bureau extends it to 31 Oct: on 30 Sep it was overdue.
    with time_machine.travel(at(d(2014, 9, 2)), tick=False):
        extended = _reported(school_a, bureau_admin, d(2014, 9, 2), "fire")
        extended.assign(bureau_admin, opinion="清理通道", deadline=d(2014, 9, 20))
    # Found 28 Sep with the opinion only on 2 Oct: on 30 Sep it had no deadline yet.
    with time_machine.travel(at(d(2014, 9, 28)), tick=False):
        late_opinion = _reported(school_a, bureau_admin, d(2014, 9, 28), "food")
    with time_machine.travel(at(d(2014, 10, 2)), tick=False):
        late_opinion.assign(bureau_admin, opinion="清理通道", deadline=d(2014, 10, 6))
    with time_machine.travel(at(d(2014, 10, 5)), tick=False):
        extended.request_extension(alice, new_deadline=d(2014, 10, 31), reason="需采购器材")
        extended.decide_extension(bureau_admin, approve=True, comment="同意")
    with time_machine.travel(at(d(2014, 10, 8)), tick=False):
        september = school_month_figures(school_a, 2014, 9)
        october = school_month_figures(school_a, 2014, 10)
        months = {m["month"]: m for m in trend(Hazard.objects.filter(school=school_a))}
    overdue = {
        m: {a["code"]: a["overdue"] for a in f["areas"]} for m, f in ((9, september), (10, october))
    }
    assert september["total"]["open"] == 2
    # On 30 Sep: the fire hazard against 20 Sep, the food hazard without a deadline yet.
    assert overdue[9]["fire"] == 1 and overdue[9]["food"] == 0
    # On 8 Oct: the fire hazard is within its new 31 Oct; the food one's 29 Sep has passed.
    assert overdue[10]["fire"] == 0 and overdue[10]["food"] == 1
    assert months["2014-09"]["overdue"] == 1
    extended.refresh_from_db()
    assert extended.deadline == d(2014, 10, 31)
