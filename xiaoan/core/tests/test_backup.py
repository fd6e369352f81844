"""`xiaoan backup` then `xiaoan restore` into an empty database gives everything back."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from conftest import PASSWORD
from xiaoan.core.changelog import history
from xiaoan.hazards.models import Area
from xiaoan.schools.models import School


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database(tmp_path, alice, school_a, school_b):
    upload = Path(settings.MEDIA_ROOT) / "hazards" / "2014" / "photo.jpg"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_bytes(b"\xff\xd8 not really a photo")
    school_a.principal = "备份前的校长"
    school_a.save()
    archive = tmp_path / "xiaoan.tar.gz"
    call_command("backup", output=archive, verbosity=0)
    areas = Area.objects.count()

    call_command("flush", interactive=False, verbosity=0)
    upload.unlink()
    assert not School.objects.exists()

    call_command("restore", str(archive), verbosity=0)
    restored = School.objects.get(code=school_a.code)
    assert restored.principal == "备份前的校长" and School.objects.count() == 2
    assert Area.objects.count() == areas
    assert [e.action for e in history(restored)] == ["update", "create"]
    assert authenticate(username="alice", password=PASSWORD) is not None
    assert upload.read_bytes() == b"\xff\xd8 not really a photo"


@pytest.mark.django_db
def test_restore_refuses_a_database_that_has_users(tmp_path, alice):
    archive = tmp_path / "xiaoan.tar.gz"
    call_command("backup", output=archive, verbosity=0)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), verbosity=0)
