"""Small register rows for school A and school B."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from xiaoan.registers.choices import LicenceClass, SpecialGroupKind
from xiaoan.registers.models import Driver, DutyShift, SpecialGroupChild, Vehicle, Visitor

TZ = ZoneInfo("Asia/Shanghai")
VALID_ID = "11010519491231002X"


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


@pytest.fixture
def visitor_a(school_a, alice) -> Visitor:
    return Visitor.register(
        school=school_a,
        user=alice,
        name="钱七",
        id_type="resident",
        id_number=VALID_ID,
        purpose="维修",
        organisation="城建公司",
    )


# On the registers since before the periods the tests count.
IN_SERVICE = datetime.date(2014, 1, 1)


@pytest.fixture
def vehicle_a(school_a) -> Vehicle:
    return Vehicle.objects.create(
        school=school_a,
        plate="浙A12345",
        seats=35,
        owner="清溪客运",
        bus_licence_no="校车标牌2014-001",
        inspection_due=datetime.date(2014, 12, 20),
        insurance_due=datetime.date(2015, 6, 1),
        active_from=IN_SERVICE,
    )


@pytest.fixture
def driver_a(school_a, vehicle_a) -> Driver:
    return Driver.objects.create(
        school=school_a,
        name="孙师傅",
        vehicle=vehicle_a,
        licence_no="330100001",
        licence_class=LicenceClass.A1,
        licence_valid_until=datetime.date(2016, 1, 1),
        birth_date=datetime.date(1975, 5, 5),
        driving_years=12,
        active_from=IN_SERVICE,
    )


@pytest.fixture
def child_a(school_a) -> SpecialGroupChild:
    return SpecialGroupChild.objects.create(
        school=school_a,
        name="小明",
        class_name="三年级1班",
        kind=SpecialGroupKind.LEFT_BEHIND,
        guardian="爷爷",
        caring_teacher="李老师",
        active_from=IN_SERVICE,
    )


@pytest.fixture
def shift_b(school_b) -> DutyShift:
    day = datetime.date(2014, 9, 1)
    return DutyShift.objects.create(
        school=school_b, person="王值班", starts_at=at(day, 8), ends_at=at(day, 17)
    )
