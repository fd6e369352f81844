"""Every URL × every demo persona × S001's and S002's object answers as `permission_matrix` says.

The demo district is loaded once for this module (and removed after it, so the other tests keep
their empty database); each cell runs in its own transaction, rolled back. A URL or an API
operation without a line in the matrix fails `test_every_*_has_a_matrix_entry`.
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import committed_for_the_scope
from xiaoan.core.dates import local_today

from . import permission_matrix as matrix

# The cells run in two halves, each on one worker (make test: --dist loadgroup gives the two
# largest groups first, one to each), so the demo district is loaded once per half: one worker
# running all of them was the suite's longest path.
HALVES = 2

MATRIX_FILE = "xiaoan/core/tests/permission_matrix.py"
PAGE_NAMESPACES_COVERED_WHOLE = {"admin"}  # Django's admin: superusers only, two samples stand


# ---- the demo district, once ---------------------------------------------------------------------


@dataclass
class District:
    clients: dict[str, Client]
    markers: matrix.Markers
    objects: dict[tuple[int, str | None], Any] = field(default_factory=dict)

    def object_for(self, kind: matrix.Kind | None, school: str | None) -> Any:
        if kind is None:
            return None
        key = (id(kind), school)
        if key not in self.objects:
            self.objects[key] = kind.find(school)
        return self.objects[key]


def _tiny_jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def complete_demo() -> None:
    """What the demo district lacks for the matrix: an open hazard at S002, a row of S001 and of
    S002 in every register, a photo on a checklist answer and a work-plan document of each, the
    campaign's notice, a notification for each school's admin, a group robot of S001, and a
    document issued to S001 only and one to S002 only, each with its file."""
    from xiaoan.campaigns.models import Campaign, WorkPlan
    from xiaoan.core.models import Job
    from xiaoan.hazards.models import Area, Hazard
    from xiaoan.inspections.models import InspectionAnswer
    from xiaoan.notifications.models import Notification, Webhook
    from xiaoan.reports.models import IssuedDocument
    from xiaoan.schools.models import School

    schools = {code: School.objects.get(code=code) for code in (matrix.S001, matrix.S002)}
    Hazard.objects.report(
        school=schools[matrix.S002],
        area=Area.objects.get(code="fire"),
        level="general",
        description="楼梯间堆放杂物",
        reported_by=get_user_model().objects.get(username="school002"),
        source="self_report",
    )
    campaign = Campaign.objects.get(bureau__region__code="330199")
    campaign.notice_file.save("notice.docx", ContentFile(b"notice"), save=False)
    Campaign.objects.filter(pk=campaign.pk).update(notice_file=campaign.notice_file.name)
    for plan in WorkPlan.objects.filter(school__in=schools.values()):
        plan.document.save("plan.docx", ContentFile(b"plan"), save=False)
        # Both plans back with their school (S002's is, S001's was accepted): editable again.
        WorkPlan.objects.filter(pk=plan.pk).update(document=plan.document.name, status="returned")
    for label, _sees in matrix.REGISTER_MODELS.values():
        model = matrix._models()(label)
        for code, school in schools.items():
            if not model.objects.filter(school=school).exists():
                row = model.objects.order_by("pk").first()
                row.pk = row.id = None
                row._state.adding = True
                row.school = school
                if hasattr(row, "name"):
                    row.name = f"钱{code}"  # a person's name, distinct per school
                row.save()
    for code in schools:
        answer = InspectionAnswer.objects.filter(inspection=matrix._inspection(code)).first()
        answer.photo.save("photo.jpg", ContentFile(_tiny_jpeg()), save=True)
        user = get_user_model().objects.get(username=f"school{code[1:]}")
        Notification.objects.create(recipient=user, kind="overdue", text="—")
        Job.objects.create(kind="xiaoan.core.tests.job_kinds.slow_count", title="—", user=user)
    bureau_admin = get_user_model().objects.get(username="bureau")
    for code, school in schools.items():
        IssuedDocument.issue(
            bureau_admin,
            schools=[school],
            kind="rectification_notice",
            title=f"{code}校舍整改通知",
            body="请按期完成整改。",
            sign_by=local_today() + datetime.timedelta(days=5),
            attachment=SimpleUploadedFile("notice.pdf", b"%PDF-1.4 notice"),
        )
    Webhook.objects.create(
        bureau=schools[matrix.S001].bureau,
        school=schools[matrix.S001],
        name="实验小学安全群",
        platform="wecom",
        url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=demo",
        is_active=False,
    )


def markers() -> matrix.Markers:
    from xiaoan.hazards.models import Hazard
    from xiaoan.schools.models import School

    found = matrix.Markers()
    for code in (matrix.S001, matrix.S002):
        school = School.objects.get(code=code)
        hazards = Hazard.objects.filter(school=school).values_list("code", flat=True)
        found.by_school[code] = {school.name, *hazards}
    return found


@pytest.fixture(scope="module")
def district(django_db_setup, django_db_blocker, tmp_path_factory):
    # Sessions in the cookie: one query less per request, and no session row to keep.
    cookies = "django.contrib.sessions.backends.signed_cookies"
    with committed_for_the_scope(django_db_blocker, tmp_path_factory, SESSION_ENGINE=cookies):
        call_command("demo", stdout=io.StringIO())
        complete_demo()
        clients = {"anonymous": Client()}
        for persona in matrix.PERSONAS[1:]:
            clients[persona.name] = Client()
            clients[persona.name].force_login(get_user_model().objects.get(username=persona.name))
        yield District(clients, markers())


# ---- the cells ------------------------------------------------------------------------------------


def _param(cell: matrix.Cell, half: int) -> Any:
    reason = matrix.known_failure(cell.id)
    marks = [pytest.mark.xdist_group(f"permission-matrix-{half}")]
    if reason:
        marks.append(pytest.mark.xfail(reason=reason, strict=True))
    return pytest.param(cell, id=cell.id, marks=marks)


def _cells() -> list[Any]:
    cells = list(matrix.cells())
    size = -(-len(cells) // HALVES)
    return [_param(cell, index // size) for index, cell in enumerate(cells)]


CELLS = _cells()


def _url(cell: matrix.Cell, obj: Any) -> str:
    entry = cell.entry
    kwargs = entry.kind.kwargs(obj) if entry.kind is not None else {}
    if matrix.is_operation(cell.key):
        path = cell.key.split(" ", 1)[1]
        values = {"id": kwargs.get("pk", ""), "fmt": "docx", **kwargs}
        return re.sub(r"{(\w+)}", lambda m: str(values.get(m.group(1), "")), path)
    return reverse(cell.key, kwargs=kwargs or None)


def _request(client: Client, cell: matrix.Cell, url: str) -> Any:
    if cell.method == "GET":
        return client.get(url)
    if matrix.is_operation(cell.key):
        return client.generic(cell.method, url, data="{}", content_type="application/json")
    return client.post(url)


@pytest.fixture
def db(django_db_blocker):
    """This module's `db`: each cell in a transaction, rolled back. (pytest-django's own checks
    every foreign key of the whole demo district after each test on SQLite: 12 ms a cell.)
    Its name tells pytest-django that the module needs the test database."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("cell", CELLS)
def test_permission_cell(cell: matrix.Cell, district: District, db: None) -> None:
    persona = matrix.BY_NAME[cell.persona]
    entry = cell.entry
    school = matrix.school_of_side(persona, cell.side) if cell.side != "-" else None
    obj = district.object_for(entry.kind, school)
    if cell.method != "GET" and matrix.outcome(entry, persona, obj) == matrix.OK:
        pytest.skip("the persona may take this step: posting it would change the data")
    expected = matrix.expect(cell, obj)

    response = _request(district.clients[cell.persona], cell, _url(cell, obj))
    body = matrix.body_text(response) if response.status_code == 200 else ""
    # Not response.close(): it sends request_finished, whose close_old_connections closes a
    # PostgreSQL connection that is inside this cell's transaction.

    assert response.status_code in expected.statuses, (
        f"{cell.id}: expected {expected}, got {response.status_code}"
    )
    if expected.to and response.status_code == 302:
        assert response["Location"].startswith(expected.to), response["Location"]
    leaked = sorted(m for m in _hidden_markers(district, entry, persona) if m in body)
    assert not leaked, f"{cell.id}: the answer shows what the persona may not see: {leaked}"


def _hidden_markers(district: District, entry: matrix.Entry, persona: matrix.Persona) -> set[str]:
    """Another school's name and hazard codes (for a school persona), and the list's rows the
    persona may not see (a visitor's name, a hazard another department found…)."""
    hidden = set(district.markers.of_other(persona))
    if entry.rows is not None and persona.role is not None:
        for school in (matrix.S001, matrix.S002):
            row = district.object_for(entry.rows, school)
            marker = entry.rows.marker(row)
            if marker and not entry.rows.sees(persona, row):
                hidden.add(marker)
    return hidden


# ---- no URL without a line ------------------------------------------------------------------------


@cache
def schema_operations() -> set[str]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


def _schema_callbacks() -> set[Any]:
    """The views behind the schema's operations (the schema's own views are left out of it)."""
    from drf_spectacular.generators import EndpointEnumerator

    operations = schema_operations()
    return {
        callback
        for path, _regex, method, callback in EndpointEnumerator().get_api_endpoints()
        if f"{method} {path.replace('{pk}', '{id}')}" in operations
    }


def page_url_names() -> set[str]:
    """Every named URL pattern outside the API schema, walked recursively through includes."""
    in_schema = _schema_callbacks()
    names: set[str] = set()
    unnamed: list[str] = []

    def walk(resolver: URLResolver, namespace: str, prefix: str) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(n for n in (namespace, pattern.namespace or "") if n)
                walk(pattern, inner, prefix + str(pattern.pattern))
                continue
            assert isinstance(pattern, URLPattern)
            if namespace in PAGE_NAMESPACES_COVERED_WHOLE or pattern.callback in in_schema:
                continue
            if pattern.name is None:
                unnamed.append(prefix + str(pattern.pattern))
                continue
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver(), "", "/")
    assert not unnamed, f"URL patterns without a name cannot be in the matrix: {unnamed}"
    return names


def test_every_page_url_has_a_matrix_entry() -> None:
    missing = sorted(page_url_names() - set(matrix.PAGES))
    assert not missing, (
        f"URLs without a matrix entry: {missing}; add them to PAGES in {MATRIX_FILE}"
    )


def test_every_matrix_page_entry_is_a_url() -> None:
    sampled = {k for k in matrix.PAGES if k.split(":")[0] in PAGE_NAMESPACES_COVERED_WHOLE}
    stale = sorted(set(matrix.PAGES) - page_url_names() - sampled)
    assert not stale, f"matrix entries for URLs that no longer exist: {stale}; remove them"


def test_every_api_operation_has_a_matrix_entry() -> None:
    missing = sorted(schema_operations() - set(matrix.API))
    assert not missing, (
        f"API operations without a matrix entry: {missing}; add them to API in {MATRIX_FILE}"
    )


def test_every_matrix_api_entry_is_an_operation() -> None:
    stale = sorted(set(matrix.API) - schema_operations())
    assert not stale, f"matrix entries for API operations that no longer exist: {stale}"
