from __future__ import annotations

import contextlib
import datetime

import pytest

from xiaoan.core.dates import replaying
from xiaoan.hazards.choices import HazardLevel, HazardSource
from xiaoan.hazards.models import Area, Hazard, open_period_start
from xiaoan.risks.models import RiskPoint

FOUND_ON = datetime.date(2014, 9, 1)


@pytest.fixture(autouse=True)
def _in_september_2014(replay_2014):
    """The risk register's tests tell a 2014 story (see `replay_2014`)."""


@pytest.fixture
def fire_area(db) -> Area:
    return Area.objects.get(code="fire")


@pytest.fixture
def make_point(alice, fire_area):
    def make(school=None, user=None, likelihood=3, severity=3, **fields) -> RiskPoint:
        fields.setdefault("name", "学生食堂燃气灶间")
        fields.setdefault("identified_on", datetime.date(2014, 3, 1))
        return RiskPoint.objects.identify(
            user or alice,
            school=school or alice.membership.school,
            likelihood=likelihood,
            severity=severity,
            area=fields.pop("area", fire_area),
            hazard_sources="燃气管道老化；灶具周边堆放杂物",
            consequences="火灾、燃气爆炸",
            control_measures="每日检查燃气阀门；配备灭火器和灭火毯",
            responsible="王伟",
            responsible_phone="13800000001",
            **fields,
        )

    return make


@pytest.fixture
def point(make_point) -> RiskPoint:
    return make_point()


@pytest.fixture
def make_hazard(alice, fire_area):
    def make(point=None, found_on=FOUND_ON, user=None, **kwargs) -> Hazard:
        # Reported on the day found if the date is past the open period (it was open then).
        past = found_on < open_period_start()
        with replaying(found_on) if past else contextlib.nullcontext():
            return _report(point, found_on, user, **kwargs)

    def _report(point, found_on, user, **kwargs) -> Hazard:
        return Hazard.objects.report(
            school=kwargs.pop("school", None) or alice.membership.school,
            area=fire_area,
            level=HazardLevel.GENERAL,
            description=kwargs.pop("description", "灶间灭火器过期"),
            reported_by=user or alice,
            source=HazardSource.SELF_REPORT,
            found_on=found_on,
            risk_point=point,
            **kwargs,
        )

    return make
