"""Production settings fail fast and pass Django's deployment check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_check(**env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production_settings(tmp_path):
    result = run_check(
        DEBUG="0",
        SECRET_KEY="x" * 20 + "-production-secret-key-for-the-test-0123456789",
        ALLOWED_HOSTS="xiaoan.example.org",
        XIAOAN_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_secret_key_fails_fast(tmp_path):
    result = run_check(DEBUG="0", ALLOWED_HOSTS="xiaoan.example.org", XIAOAN_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_postgresql_session_runs_without_jit(db):
    """The web tier's session settings (docs/deployment.md) reach the database."""
    import pytest
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's own setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_gunicorn_reads_its_settings_from_the_package():
    """`gunicorn -c python:xiaoan.gunicorn` as docs/deployment.md says: two workers per core."""
    import multiprocessing

    from gunicorn.config import Config

    config = Config()
    for name, value in vars(__import__("xiaoan.gunicorn", fromlist=["x"])).items():
        if name in config.settings:
            config.set(name, value)
    assert config.workers == 2 * multiprocessing.cpu_count()
    assert config.timeout == 60 and config.graceful_timeout == 30
    assert config.max_requests == 2000
