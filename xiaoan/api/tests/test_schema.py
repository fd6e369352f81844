"""The OpenAPI schema: what it says is committed (a snapshot reviewed like code), it is valid,
and the shared pieces (errors, allowed actions) read as documented."""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from xiaoan.api.serializers import AllowedActionsField

SNAPSHOT = Path(__file__).with_name("openapi.snapshot.yaml")
DIFF_LINES = 40


ROOT = Path(__file__).resolve().parents[3]
# The same command as `make schema`. In a fresh process with checks skipped, every module of
# the API is first imported under English, so text computed at import time (a description
# built from a verbose name) is English too, whichever tests ran before.
SCHEMA_COMMAND = ["manage.py", "spectacular", "--lang", "en", "--skip-checks", "--file"]


def generated_schema(tmp_path: Path) -> str:
    """The schema as `make schema` writes it: English, drf-spectacular's sorted order, on the
    embedded database (integer limits in the schema follow the database's column sizes)."""
    target = tmp_path / "openapi.yaml"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    subprocess.run([sys.executable, *SCHEMA_COMMAND, str(target)], cwd=ROOT, check=True, env=env)
    return target.read_text(encoding="utf-8")


def test_schema_matches_the_committed_snapshot(tmp_path):
    current = generated_schema(tmp_path)
    committed = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.exists() else ""
    if current != committed:
        diff = difflib.unified_diff(
            committed.splitlines(),
            current.splitlines(),
            "openapi.snapshot.yaml (committed)",
            "schema (generated now)",
            lineterm="",
        )
        lines = list(diff)
        shown = "\n".join(lines[:DIFF_LINES])
        more = f"\n… {len(lines) - DIFF_LINES} more diff lines" if len(lines) > DIFF_LINES else ""
        pytest.fail(
            "The API schema changed. If the change is meant, run `make schema` and commit "
            f"{SNAPSHOT.name}.\n{shown}{more}",
            pytrace=False,
        )


def test_schema_validates_without_errors(tmp_path):
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        call_command("spectacular", "--validate", "--file", str(tmp_path / "openapi.yaml"))
    assert dict(GENERATOR_STATS._error_cache) == {}
    # Warnings are listed in the test report; they do not fail the run yet.
    for message in GENERATOR_STATS._warn_cache:
        warnings.warn(f"OpenAPI schema: {message}", stacklevel=1)
    GENERATOR_STATS.reset()


class RowSerializer(serializers.Serializer):
    name = serializers.CharField()
    allowed_actions = AllowedActionsField()


class Row:
    name = "row"

    def allowed_actions(self, user) -> list[str]:
        return ["verify", "reject"] if user.username == "bureau" else []


def test_allowed_actions_field_lists_the_requesting_users_steps(db):
    request = APIRequestFactory().get("/")
    request.user = get_user_model()(username="bureau")
    data = RowSerializer(Row(), context={"request": request}).data
    assert data == {"name": "row", "allowed_actions": ["verify", "reject"]}
    request.user = get_user_model()(username="alice")
    assert RowSerializer(Row(), context={"request": request}).data["allowed_actions"] == []


def test_allowed_actions_field_is_read_only_and_empty_without_a_request():
    serializer = RowSerializer(Row())
    assert serializer.data["allowed_actions"] == []
    posted = RowSerializer(data={"name": "x", "allowed_actions": ["verify"]})
    assert posted.is_valid()
    assert posted.validated_data == {"name": "x"}


def test_allowed_actions_field_is_documented_as_a_read_only_list_of_strings():
    schema = AutoSchema()
    field = schema._map_serializer_field(RowSerializer().fields["allowed_actions"], "response")
    assert field == {"type": "array", "items": {"type": "string"}, "readOnly": True}
