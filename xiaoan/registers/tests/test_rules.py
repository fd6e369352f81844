"""The registers' rules: ID masking, driver qualification, duty gaps, duty gaps."""

from __future__ import annotations

import datetime

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from xiaoan.core.errors import DomainError
from xiaoan.registers import identity
from xiaoan.registers.choices import IncidentKind, LicenceClass, Severity
from xiaoan.registers.models import (
    Driver,
    DutyShift,
    Incident,
    Visitor,
    WatchListEntry,
    duty_gaps,
    gaps_in,
)

from .conftest import VALID_ID, at

DAY = datetime.date(2014, 9, 1)


# ---- ID numbers ---------------------------------------------------------------------------


def test_resident_id_with_a_wrong_check_digit_is_refused():
    assert identity.resident_id_error(VALID_ID) is None
    assert "校验位" in identity.resident_id_error("110105194912310021")


def test_resident_id_with_an_impossible_birth_date_is_refused():
    assert identity.resident_id_error("110105194913310021") is not None


def test_visitor_id_is_stored_masked_and_encrypted_never_in_clear(visitor_a):
    visitor_a.refresh_from_db()
    assert visitor_a.id_masked == "110105********002X"
    stored = " ".join(
        str(v) for v in Visitor.objects.filter(pk=visitor_a.pk).values().get().values()
    )
    assert VALID_ID not in stored
    assert visitor_a.id_encrypted and identity.decrypt(visitor_a.id_encrypted) == VALID_ID


def test_only_the_schools_own_admin_sees_the_full_id_number(
    visitor_a, alice, bob, carol, bureau_admin, leader
):
    assert visitor_a.id_for(alice) == VALID_ID
    for user in (carol, bureau_admin, leader, bob):
        assert visitor_a.id_for(user) == "110105********002X"


def test_an_inactive_school_admin_sees_only_the_masked_copy(visitor_a, alice):
    alice.membership.is_active = False
    alice.membership.save()
    assert visitor_a.id_for(alice) == "110105********002X"


def test_encryption_uses_the_configured_key_and_a_rotated_key_still_reads(
    school_a, alice, settings
):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = old_key
    visitor = Visitor.register(
        school=school_a,
        user=alice,
        name="钱七",
        id_type="resident",
        id_number=VALID_ID,
        purpose="维修",
    )
    assert Fernet(old_key.encode()).decrypt(visitor.id_encrypted.encode()).decode() == VALID_ID
    settings.FIELD_ENCRYPTION_KEY = f"{new_key},{old_key}"
    assert visitor.id_for(alice) == VALID_ID
    settings.FIELD_ENCRYPTION_KEY = new_key
    # Without the key it was encrypted under, the number cannot be read: the masked copy shows.
    assert identity.decrypt(visitor.id_encrypted) is None
    assert visitor.id_for(alice) == "110105********002X"


def test_without_a_configured_key_the_secret_key_derives_one(school_a, alice, settings):
    settings.FIELD_ENCRYPTION_KEY = ""
    token = identity.encrypt(VALID_ID)
    assert identity.decrypt(token) == VALID_ID
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert identity.decrypt(token) is None


def test_a_malformed_encryption_key_fails_fast(settings):
    settings.FIELD_ENCRYPTION_KEY = "not-a-fernet-key"
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEY"):
        identity.encrypt(VALID_ID)


def test_an_invalid_id_number_is_not_registered(school_a, alice):
    with pytest.raises(DomainError, match="校验位"):
        Visitor.register(
            school=school_a,
            user=alice,
            name="甲",
            id_type="resident",
            id_number="110105194912310021",
            purpose="x",
        )
    assert not Visitor.objects.exists()


def test_watch_list_warns_by_id_even_under_another_name(school_a, alice):
    entry = WatchListEntry(school=school_a, name="赵某某", reason="禁止令")
    entry.set_id_number(VALID_ID)
    entry.save()
    assert Visitor.screen(school=school_a, user=alice, name="赵某", id_number=VALID_ID) == entry
    visitor = Visitor.register(
        school=school_a,
        user=alice,
        name="赵某",
        id_type="resident",
        id_number=VALID_ID,
        purpose="找人",
        admission_reason="经核实系家长，由班主任陪同",
    )
    assert visitor.watch_hit == entry


def test_refusal_needs_a_reason_and_refused_visitor_cannot_sign_out(school_a, carol):
    with pytest.raises(DomainError):
        Visitor.register(
            school=school_a,
            user=carol,
            name="甲",
            id_type="resident",
            id_number=VALID_ID,
            purpose="推销",
            refused=True,
        )
    refused = Visitor.register(
        school=school_a,
        user=carol,
        name="甲",
        id_type="resident",
        id_number=VALID_ID,
        purpose="推销",
        refused=True,
        refusal_reason="无正当事由",
    )
    with pytest.raises(DomainError):
        refused.sign_out(carol)


def test_sign_out_twice_is_refused(visitor_a, carol):
    visitor_a.sign_out(carol)
    assert not visitor_a.is_inside
    with pytest.raises(DomainError, match="已登记离校"):
        visitor_a.sign_out(carol)


def test_another_schools_admin_cannot_register_at_the_gate(school_a, bob, gov):
    for user in (bob, gov):
        with pytest.raises(PermissionDenied):
            Visitor.register(
                school=school_a,
                user=user,
                name="甲",
                id_type="resident",
                id_number=VALID_ID,
                purpose="x",
            )


# ---- drivers (article 23) -----------------------------------------------------------------


def test_a_qualified_driver_passes(driver_a):
    assert driver_a.qualification_failures(DAY) == []


def test_each_failed_condition_of_article_23_has_its_own_message(school_a):
    driver = Driver(
        school=school_a,
        name="x",
        licence_no="1",
        licence_class=LicenceClass.C1,
        licence_valid_until=datetime.date(2014, 1, 1),
        birth_date=datetime.date(1992, 1, 1),
        driving_years=2,
        full_points_in_3_cycles=True,
        fatal_accident_record=True,
        drink_driving_record=True,
        serious_violation_last_year=True,
        criminal_record=True,
        health_ok=False,
    )
    failures = driver.qualification_failures(DAY)
    assert len(failures) == 10
    assert any("C1" in f for f in failures)
    assert any("22" in f for f in failures)  # the age


def test_driver_aged_61_fails_and_aged_60_passes(driver_a):
    driver_a.birth_date = datetime.date(1953, 9, 1)  # 61 on the day
    assert any("61" in f for f in driver_a.qualification_failures(DAY))
    driver_a.birth_date = datetime.date(1953, 9, 2)  # still 60
    assert driver_a.qualification_failures(DAY) == []


# ---- duty gaps ----------------------------------------------------------------------------


def test_gaps_are_the_uncovered_parts_of_the_day():
    start, end = at(DAY, 0), at(DAY, 0) + datetime.timedelta(days=1)
    spans = [(at(DAY, 8), at(DAY, 12)), (at(DAY, 11), at(DAY, 17)), (at(DAY, 20), end)]
    assert gaps_in(spans, start, end) == [(start, at(DAY, 8)), (at(DAY, 17), at(DAY, 20))]


def test_a_shift_from_the_day_before_covers_the_early_hours(school_a, shift_b):
    DutyShift.objects.create(
        school=school_a,
        person="夜班",
        starts_at=at(DAY, 0) - datetime.timedelta(hours=7),
        ends_at=at(DAY, 8),
    )
    DutyShift.objects.create(
        school=school_a,
        person="白班",
        starts_at=at(DAY, 8),
        ends_at=at(DAY, 0) + datetime.timedelta(days=1, hours=1),
    )
    gaps = duty_gaps(DutyShift.objects.all(), DAY)
    assert gaps[school_a.pk] == []
    assert gaps[shift_b.school_id] == [
        (at(DAY, 0), at(DAY, 8)),
        (at(DAY, 17), at(DAY, 0) + datetime.timedelta(days=1)),
    ]


# ---- incidents and the assessment ---------------------------------------------------------


def _major_liability(school):
    occurred = at(datetime.date(2014, 10, 1), 9)
    return Incident.objects.create(
        school=school,
        occurred_at=occurred,
        kind=IncidentKind.FIRE,
        severity=Severity.MAJOR,
        deaths=1,
        description="火灾",
        school_liable=True,
        reported_at=occurred + datetime.timedelta(hours=3),
    )


def test_incident_reported_after_the_time_limit_is_late(school_a):
    incident = _major_liability(school_a)
    assert incident.reported_late and incident.is_major_liability


def test_remind_sends_expiring_papers_to_the_school_admin_once_a_day(vehicle_a, driver_a, alice):
    from xiaoan.notifications.models import Notification
    from xiaoan.reports.reminders import vehicle_paper_reminders

    today = datetime.date(2014, 12, 15)  # inspection due on 20 December
    assert vehicle_paper_reminders(today, 10) == 1
    assert vehicle_paper_reminders(today, 10) == 0
    notice = Notification.objects.get(recipient=alice)
    assert "浙A12345" in notice.text and "年检" in notice.text
