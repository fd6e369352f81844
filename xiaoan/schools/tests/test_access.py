from xiaoan.schools.models import School


def test_school_admin_sees_only_own_school(alice, school_a, school_b):
    assert list(School.objects.for_user(alice)) == [school_a]


def test_bureau_admin_sees_district_not_other_district(bureau_admin, outsider, school_a, school_b):
    assert set(School.objects.for_user(bureau_admin)) == {school_a, school_b}
    assert not School.objects.for_user(outsider).exists()
