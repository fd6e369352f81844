"""Every API operation answers without a server error, with a body its schema describes.

Schemathesis reads the schema from a live test server and sends a few generated requests to
each operation (POST, PUT and PATCH too: the data is thrown away after the test), logged in as
the bureau's safety section, then as a school's administrator. Generation is deterministic
(the same requests every run), without shrinking, and bounded so the run stays short.

Schemathesis's own pytest loader (`schemathesis.pytest.from_fixture`) fails on pytest 9.2
(it writes `Node._nodeid`, which pytest no longer has), so each operation is run here as a
plain Hypothesis test over `operation.as_strategy()`.
"""

from __future__ import annotations

import datetime
from typing import Any

import hypothesis
import pytest
import requests
import schemathesis
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance

from xiaoan.hazards.choices import HazardSource
from xiaoan.hazards.models import Area, Hazard

pytestmark = pytest.mark.schemathesis

PASSES = {"bureau_admin": 5, "alice": 3}  # persona: generated requests per operation
CHECKS = [not_a_server_error, response_schema_conformance]
NEGATIVE_PASSES = {"bureau_admin": 4, "alice": 3}


def hypothesis_settings(examples: int) -> hypothesis.settings:
    return hypothesis.settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )


@pytest.fixture
def district(bureau_admin, alice, bob, school_a, school_b) -> dict[str, int]:
    """Two schools of one district with three hazards; the ids that requests name."""
    area = Area.objects.get(code="fire")
    hazards = [
        Hazard.objects.report(
            school=school,
            area=area,
            level="general",
            description=description,
            reported_by=user,
            source=HazardSource.SELF_REPORT,
            found_on=datetime.date(2014, 9, 1),
        )
        for school, user, description in [
            (school_a, alice, "灭火器过期未更换"),
            (school_a, alice, "安全出口堵塞"),
            (school_b, bob, "围墙裂缝"),
        ]
    ]
    return {"/api/v1/hazards/": hazards[0].pk, "/api/v1/schools/": school_a.pk}


def first_failure(
    operation: Any,
    examples: int,
    base_url: str,
    headers: dict,
    ids: dict,
    checks: list[Any] = CHECKS,
    statuses: list[int] | None = None,
) -> str:
    """Send the operation's generated requests; the first failure, described ("" if none)."""
    # A random id names nothing (404): name the district's own record where there is one.
    known = [pk for prefix, pk in ids.items() if operation.path.startswith(prefix)]
    fixed = {"id": known[0]} if known and "{id}" in operation.path else {}
    failures: list[str] = []

    @hypothesis_settings(examples)
    @hypothesis.given(case=operation.as_strategy(path_parameters=fixed or None))
    def send(case: Any) -> None:
        if failures:
            return
        try:
            response = case.call_and_validate(base_url=base_url, headers=headers, checks=checks)
            if statuses is not None:
                statuses.append(response.status_code)
        except (AssertionError, BaseExceptionGroup) as error:
            failures.append(str(error))

    send()
    return failures[0] if failures else ""


def failures_of(
    request: Any, persona: str, live_server: Any, district: dict, mode: str, statuses: list[int]
) -> dict:
    """Every operation's first failure in `mode`: positive requests must answer as the schema
    says; negative ones (wrong types, missing fields, bodies that are not objects, values out of
    range) may be refused, but never with a server error."""
    token, _ = Token.objects.get_or_create(user=request.getfixturevalue(persona))
    headers = {"Authorization": f"Token {token.key}"}
    raw = requests.get(f"{live_server.url}/api/v1/schema/?format=json", timeout=60).json()
    config = SchemathesisConfig.from_dict({"generation": {"mode": mode}})
    schema = schemathesis.openapi.from_dict(raw, config=config)
    examples = PASSES if mode == "positive" else NEGATIVE_PASSES
    checks = CHECKS if mode == "positive" else [not_a_server_error]
    failed = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        failure = first_failure(
            operation, examples[persona], live_server.url, headers, district, checks, statuses
        )
        if failure:
            failed[operation.label] = failure
    return failed


@pytest.mark.parametrize("persona", list(PASSES))
def test_every_operation_answers_as_its_schema_says(request, persona, live_server, district):
    failed = failures_of(request, persona, live_server, district, "positive", [])
    report = "\n\n".join(f"{label}\n{failure}" for label, failure in failed.items())
    assert not failed, f"{len(failed)} operations fail as {persona}:\n\n{report}"


@pytest.mark.parametrize("persona", list(NEGATIVE_PASSES))
def test_no_operation_fails_on_wrong_input(request, persona, live_server, district):
    statuses: list[int] = []
    failed = failures_of(request, persona, live_server, district, "negative", statuses)
    # The requests were wrong indeed: most were refused as such.
    assert sum(400 <= code < 500 for code in statuses) > len(statuses) / 2
    report = "\n\n".join(f"{label}\n{failure}" for label, failure in failed.items())
    assert not failed, f"{len(failed)} operations answer 5xx as {persona}:\n\n{report}"
