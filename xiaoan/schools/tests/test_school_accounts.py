"""Schools opened with their safety administrator accounts; the initial passwords as one sheet,
given once."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from conftest import make_user
from xiaoan.accounts.choices import Role
from xiaoan.accounts.models import Membership
from xiaoan.schools.models import School
from xiaoan.schools.tests.test_import import GOOD, xlsx

pytestmark = pytest.mark.django_db

NEW_SCHOOL = {
    "code": "S080",
    "name": "清溪区新城小学",
    "kind": "primary",
    "principal": "钱校长",
    "enrolment": 600,
    "admin_account": "on",
    "admin_username": "",
}


def sheet_rows(response) -> list[tuple]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    ws = load_workbook(io.BytesIO(content)).active
    return [r for r in ws.iter_rows(min_row=3, values_only=True)]


def test_a_new_school_comes_with_its_administrator_account(as_user, bureau_admin):
    client = as_user(bureau_admin)
    response = client.post(reverse("schools:create"), NEW_SCHOOL)
    assert response["Location"] == reverse("accounts:initial_passwords")
    account = Membership.objects.get(user__username="school080")
    assert account.role == Role.SCHOOL_ADMIN
    assert account.school == School.objects.get(code="S080")
    assert account.user.first_name == "钱校长" and account.must_change_password
    page = client.get(reverse("accounts:initial_passwords")).content.decode()
    assert "school080" in page

    rows = sheet_rows(client.post(reverse("accounts:initial_passwords")))
    [(organisation, username, name, password)] = rows
    assert (organisation, username, name) == ("S080 清溪区新城小学", "school080", "钱校长")
    assert Client().login(username="school080", password=password)
    again = client.post(reverse("accounts:initial_passwords"))
    assert again.status_code == 302  # the sheet is given once


def test_the_account_may_be_left_out(as_user, bureau_admin):
    data = {**NEW_SCHOOL, "admin_account": ""}
    response = as_user(bureau_admin).post(reverse("schools:create"), data)
    assert response.status_code == 302
    assert School.objects.filter(code="S080").exists()
    assert not get_user_model().objects.filter(username="school080").exists()


def test_a_taken_login_saves_neither_school_nor_account(as_user, bureau_admin, alice):
    data = {**NEW_SCHOOL, "admin_username": "alice"}
    response = as_user(bureau_admin).post(reverse("schools:create"), data)
    assert response.status_code == 200
    assert "已被占用" in response.content.decode()
    assert not School.objects.filter(code="S080").exists()


def test_editing_a_school_offers_no_account(as_user, bureau_admin, school_a):
    form = as_user(bureau_admin).get(reverse("schools:update", args=[school_a.pk])).context["form"]
    assert "admin_account" not in form.fields


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("schools.xlsx", data)


def test_import_opens_an_account_for_each_school_without_one(as_user, bureau, bureau_admin):
    School.objects.create(bureau=bureau, code="S101", name="清溪区东门小学", kind="primary")
    make_user("dongmen", Role.SCHOOL_ADMIN, bureau, school=School.objects.get(code="S101"))
    client = as_user(bureau_admin)
    client.post(reverse("schools:import"), {"file": upload(xlsx(*GOOD)), "admin_accounts": "on"})
    preview = client.get(reverse("schools:import_preview")).content.decode()
    assert "将开通1个安全管理员账号" in preview  # S101 already has its administrator
    response = client.post(reverse("schools:import_preview"), {"confirm": "1"})
    assert response["Location"] == reverse("accounts:initial_passwords")
    rows = sheet_rows(client.post(reverse("accounts:initial_passwords")))
    assert [r[1] for r in rows] == ["school102"]  # S101 already has its administrator
    assert Membership.objects.get(user__username="school102").school.code == "S102"


def test_import_without_accounts_opens_none(as_user, bureau_admin):
    client = as_user(bureau_admin)
    client.post(reverse("schools:import"), {"file": upload(xlsx(*GOOD))})
    response = client.post(reverse("schools:import_preview"), {"confirm": "1"})
    assert response["Location"] == reverse("schools:list")
    assert School.objects.filter(code__in=["S101", "S102"]).count() == 2
    assert not get_user_model().objects.filter(username__startswith="school1").exists()


def test_a_taken_default_login_is_a_bad_row_and_nothing_is_saved(as_user, bureau, bureau_admin):
    make_user("school102", Role.BUREAU_LEADER, bureau)
    response = as_user(bureau_admin).post(
        reverse("schools:import"), {"file": upload(xlsx(*GOOD)), "admin_accounts": "on"}
    )
    assert response.status_code == 200
    assert "school102" in " ".join(str(e) for e in response.context["row_errors"])
    assert not School.objects.filter(code__in=["S101", "S102"]).exists()


@pytest.mark.parametrize("persona", ["leader", "gov", "fire", "alice", "carol"])
def test_only_the_bureau_admin_hands_out_initial_passwords_of_schools(request, as_user, persona):
    client = as_user(request.getfixturevalue(persona))
    expected = 200 if persona == "alice" else 403  # a school admin opens staff accounts
    assert client.get(reverse("accounts:initial_passwords")).status_code == expected


def test_a_large_import_runs_in_the_background_and_its_passwords_come_with_the_job(
    as_user, bureau_admin, settings, django_capture_on_commit_callbacks
):
    """Above `BACKGROUND_IMPORT_ROWS` the confirmation queues a job: the worker checks and
    saves the file, and the job's page offers the passwords sheet once."""
    from xiaoan.core.models import Job
    from xiaoan.core.tests.test_jobs import run_queued_jobs

    settings.BACKGROUND_IMPORT_ROWS = 1
    client = as_user(bureau_admin)
    client.post(reverse("schools:import"), {"file": upload(xlsx(*GOOD)), "admin_accounts": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("schools:import_preview"), {"confirm": "1"})
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert not School.objects.exists()  # not in the request
    assert "排队" in client.get(job.get_absolute_url()).content.decode()
    run_queued_jobs()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "导入完成：新增2条" in page, Job.objects.values("status", "error", "message")[0]
    assert "已开通2个学校安全管理员账号" in page
    assert School.objects.count() == 2
    rows = sheet_rows(client.post(reverse("jobs:file", args=[job.pk])))
    assert sorted(r[1] for r in rows) == ["school101", "school102"]
    assert client.post(reverse("jobs:file", args=[job.pk])).status_code == 409  # once only
    assert not client.get(reverse("schools:import_preview")).status_code == 200  # not waiting


def test_a_large_import_with_bad_rows_saves_nothing_and_says_which(
    as_user, bureau_admin, settings, django_capture_on_commit_callbacks
):
    from xiaoan.core.models import Job
    from xiaoan.core.tests.test_jobs import run_queued_jobs

    settings.BACKGROUND_IMPORT_ROWS = 1
    client = as_user(bureau_admin)
    client.post(reverse("schools:import"), {"file": upload(xlsx(*GOOD))})
    # Between the preview and the worker, another school takes one of the names.
    School.objects.create(
        bureau=Membership.objects.get(user=bureau_admin).bureau,
        code="S900",
        name=GOOD[0][1],
        kind="primary",
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("schools:import_preview"), {"confirm": "1"})
    run_queued_jobs()
    job = Job.objects.get()
    assert job.status == "failed" and "未保存任何内容" in job.error and "S900" in job.error
    assert School.objects.count() == 1


def test_an_imported_account_logs_in_with_its_sheet_password_and_must_change_it(
    as_user, bureau_admin, settings
):
    """Opened by the import with the one-time hasher (production's hashers): the sheet's
    password logs in, the next page is the password form, and the stored hash is then the
    default hasher's."""
    from django.contrib.auth.hashers import get_hasher, identify_hasher

    from xiaoan import settings as project

    settings.PASSWORD_HASHERS = project.PASSWORD_HASHERS
    client = as_user(bureau_admin)
    client.post(reverse("schools:import"), {"file": upload(xlsx(*GOOD)), "admin_accounts": "on"})
    client.post(reverse("schools:import_preview"), {"confirm": "1"})
    rows = sheet_rows(client.post(reverse("accounts:initial_passwords")))
    [password] = [r[3] for r in rows if r[1] == "school101"]
    account = get_user_model().objects.get(username="school101")
    assert identify_hasher(account.password).algorithm == "pbkdf2_sha256_onetime"

    school = Client()
    login = {"username": "school101", "password": password}
    assert school.post(reverse("accounts:login"), login).status_code == 302
    forced = school.get(reverse("hazards:list"))
    assert forced["Location"] == reverse("accounts:password_change")
    account.refresh_from_db()
    assert identify_hasher(account.password).algorithm == get_hasher("default").algorithm
    assert not get_hasher("default").must_update(account.password)
    assert account.membership.must_change_password
