"""The personas every test uses, set up once, small and explicit.

bureau (bureau_admin), leader (bureau_leader), gov (gov_viewer), fire (dept_inspector of the
fire brigade), alice (school_admin of school A), bob (school_admin of school B),
carol (school_staff of school A); plus outsider, a user of another district's bureau.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, override_settings

from xiaoan.accounts.choices import Role
from xiaoan.accounts.models import Membership
from xiaoan.schools.choices import DepartmentKind, RegionLevel, SchoolKind
from xiaoan.schools.models import Bureau, Department, Region, School

PASSWORD = "test-pass-7319"
# The personas' schools were on the registry long before any period the tests count.
LONG_AGO = datetime.date(2000, 9, 1)


@pytest.fixture(autouse=True)
def _chinese_and_clean_cache(settings):
    from django.core.cache import cache

    settings.LANGUAGE_CODE = "zh-hans"
    # A fast hasher: the suite creates hundreds of users; production keeps Django's default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_a_temp_dir(settings, tmp_path_factory):
    # Uploaded and demo photos are written outside the project's var/ directory.
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


# Rows that data migrations create; a transactional test's flush removes them for the tests after it.
SEED_MIGRATIONS = [
    ("xiaoan.hazards.migrations.0002_six_areas", "seed_areas"),
    ("xiaoan.inspections.migrations.0002_seed_checklists", "seed"),
]


def seed_again() -> None:
    """Put back the rows the data migrations seed (a flush removed them)."""
    from importlib import import_module

    from django.apps import apps

    for module, function in SEED_MIGRATIONS:
        getattr(import_module(module), function)(apps, None)


@contextmanager
def committed_for_the_scope(django_db_blocker, tmp_path_factory, **settings) -> Iterator[None]:
    """For a module's or a class's fixture that loads what all its tests read (the demo
    district takes seconds): what it writes inside is committed once, under the suite's fast
    hasher, media directory and language (and `settings`); each test's own changes are still
    rolled back by its `db`; after the last test every row goes and the seeded ones come back."""
    fast = {
        "LANGUAGE_CODE": "zh-hans",
        "MEDIA_ROOT": tmp_path_factory.getbasetemp() / "media",
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        **settings,
    }
    with django_db_blocker.unblock(), override_settings(**fast):
        try:
            yield
        finally:
            call_command("flush", interactive=False, verbosity=0)
            seed_again()


def load_demo(*apps: str) -> None:
    """The demo district's schools, campaign and hazards, then the parts of `apps` (in the
    order given), as `xiaoan demo` loads them."""
    from importlib import import_module

    for app in ("schools", "campaigns", "hazards", *apps):
        import_module(f"xiaoan.{app}.demo").load()


@pytest.fixture(autouse=True)
def _data_migration_rows(request):
    """Put back what the data migrations seed, for tests that run after a flush."""
    if "transactional_db" not in request.fixturenames and "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    from xiaoan.hazards.models import Area

    if not Area.objects.exists():
        seed_again()


HISTORY_DAY = datetime.date(2014, 9, 2)


@pytest.fixture
def replay_2014(request):
    """Take the test's steps as on 2 September 2014, the day after its hazards were found (a
    deadline in September 2014 is not in the past then), unless the test sets its own clock
    (`@pytest.mark.real_clock`; `time_machine` decides)."""
    from xiaoan.core.dates import replaying

    if request.node.get_closest_marker("real_clock"):
        yield
        return
    with replaying(HISTORY_DAY):
        yield


@pytest.fixture
def bureau(db) -> Bureau:
    district = Region.objects.create(code="330199", name="清溪区", level=RegionLevel.DISTRICT)
    return Bureau.objects.create(region=district, name="清溪区教育局")


@pytest.fixture
def other_bureau(db) -> Bureau:
    district = Region.objects.create(code="330288", name="远山区", level=RegionLevel.DISTRICT)
    return Bureau.objects.create(region=district, name="远山区教育局")


@pytest.fixture
def school_a(bureau) -> School:
    return School.objects.create(
        bureau=bureau,
        code="S001",
        name="清溪区实验小学",
        kind=SchoolKind.PRIMARY,
        enrolment=900,
        opened_on=LONG_AGO,
    )


@pytest.fixture
def school_b(bureau) -> School:
    return School.objects.create(
        bureau=bureau,
        code="S002",
        name="清溪区第一中学",
        kind=SchoolKind.JUNIOR,
        enrolment=1200,
        opened_on=LONG_AGO,
    )


@pytest.fixture
def kindergarten(bureau) -> School:
    return School.objects.create(
        bureau=bureau,
        code="S040",
        name="清溪区中心幼儿园",
        kind=SchoolKind.KINDERGARTEN,
        enrolment=300,
        opened_on=LONG_AGO,
    )


@pytest.fixture
def fire_department(bureau) -> Department:
    return Department.objects.create(bureau=bureau, name="清溪区消防大队", kind=DepartmentKind.FIRE)


def make_user(username: str, role: str, bureau: Bureau, **orgs):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name=username.title()
    )
    Membership.objects.create(user=user, role=role, bureau=bureau, **orgs)
    return user


@pytest.fixture
def bureau_admin(bureau):
    return make_user("bureau", Role.BUREAU_ADMIN, bureau)


@pytest.fixture
def leader(bureau):
    return make_user("leader", Role.BUREAU_LEADER, bureau)


@pytest.fixture
def gov(bureau):
    return make_user("gov", Role.GOV_VIEWER, bureau)


@pytest.fixture
def fire(bureau, fire_department):
    return make_user("fire", Role.DEPT_INSPECTOR, bureau, department=fire_department)


@pytest.fixture
def alice(bureau, school_a):
    return make_user("alice", Role.SCHOOL_ADMIN, bureau, school=school_a)


@pytest.fixture
def bob(bureau, school_b):
    return make_user("bob", Role.SCHOOL_ADMIN, bureau, school=school_b)


@pytest.fixture
def carol(bureau, school_a):
    return make_user("carol", Role.SCHOOL_STAFF, bureau, school=school_a)


@pytest.fixture
def outsider(other_bureau):
    return make_user("outsider", Role.BUREAU_ADMIN, other_bureau)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_user():
    """`as_user(alice)` gives a logged-in test client."""
    return client_for


# Playwright drives Debian's Chromium; the live server runs in a thread beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def browser_login(page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def wait_for_service_worker(page, timeout: float = 60000) -> None:
    """Wait until the field pages' service worker controls `page`. Installing fetches the kept
    files, which can take long on a loaded machine; if it never takes control, say where it
    stopped (no registration, still installing, waiting, or its state) instead of a bare timeout."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    controlled = "navigator.serviceWorker && navigator.serviceWorker.controller"
    try:
        try:
            page.wait_for_function(controlled, timeout=timeout / 3)
        except PlaywrightTimeout:
            # Active but not in control of this load: the next load of a page in its scope is
            # controlled, as it is for a user who opens the page again.
            page.reload()
            page.wait_for_function(controlled, timeout=timeout * 2 / 3)
    except PlaywrightTimeout:
        state = page.evaluate(
            """() => navigator.serviceWorker.getRegistration().then((r) => r
                ? JSON.stringify({installing: !!r.installing, waiting: !!r.waiting,
                                  active: r.active && r.active.state})
                : "no registration")"""
        )
        raise AssertionError(
            f"the service worker did not take control of the page: {state}"
        ) from None


def pick_school(page, box, text: str, option: str) -> None:
    """Type `text` in a school search box, then choose the suggestion `option` ("code name")."""
    box.fill(text)
    page.wait_for_selector(f"datalist option[value='{option}']", state="attached")
    box.fill(option)  # choosing a suggestion puts its text in the box, as a tap on it does
