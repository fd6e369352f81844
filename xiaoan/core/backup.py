"""`xiaoan backup` and `xiaoan restore`: the database, the uploaded files and the fingerprints
of the keys needed to read them back, in one archive.

The database goes in as Django's portable JSON (`dumpdata`, natural foreign keys), so a backup
made on SQLite restores on PostgreSQL and back. API tokens and sessions are left out: they are
credentials, and users simply log in again. The keys themselves are never written: only
their fingerprints, so a restore can say whether the configured keys are the ones the data
was written with (without `FIELD_ENCRYPTION_KEY`, visitors' full ID numbers stay unreadable).
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

FORMAT = 1
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "authtoken", "admin.logentry"]


def key_fingerprints() -> dict[str, Any]:
    def digest(value: str) -> str:
        return hashlib.sha256(value.encode()).hexdigest()[:16]

    keys = [k.strip() for k in (settings.FIELD_ENCRYPTION_KEY or "").split(",") if k.strip()]
    return {
        "secret_key": digest(settings.SECRET_KEY),
        "field_encryption": [digest(k) for k in keys],
    }


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def backup(output: Path) -> dict[str, Any]:
    """Write the archive; return its manifest."""
    with tempfile.NamedTemporaryFile(suffix=".json") as dump:
        call_command(
            "dumpdata",
            exclude=EXCLUDED,
            natural_foreign=True,
            output=dump.name,
            verbosity=0,
        )
        data = Path(dump.name).read_bytes()
    media = Path(settings.MEDIA_ROOT)
    files = sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database_vendor": connection.vendor,
        "records": len(json.loads(data)),
        "files": len(files),
        "keys": key_fingerprints(),
    }
    with tarfile.open(output, "w:gz") as archive:
        _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
        _add_bytes(archive, "database.json", data)
        for path in files:
            archive.add(path, arcname=f"media/{path.relative_to(media).as_posix()}")
    return manifest


class RestoreRefused(Exception):
    pass


def _database_is_empty() -> bool:
    from django.contrib.auth import get_user_model

    return not get_user_model().objects.exists()


def restore(archive_path: Path, *, force: bool = False) -> dict[str, Any]:
    """Load an archive into a migrated, empty database and put the files back."""
    if not force and not _database_is_empty():
        raise RestoreRefused("The database is not empty; restore into a new, migrated database.")
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(archive_path, "r:gz") as archive:
        manifest = json.load(archive.extractfile("manifest.json"))  # type: ignore[arg-type]
        if manifest.get("format") != FORMAT:
            raise RestoreRefused(f"Unknown backup format {manifest.get('format')!r}.")
        with tempfile.TemporaryDirectory() as scratch:
            members = [m for m in archive.getmembers() if m.isfile()]
            archive.extractall(scratch, members=members, filter="data")
            with transaction.atomic():
                call_command("loaddata", str(Path(scratch) / "database.json"), verbosity=0)
            source = Path(scratch) / "media"
            for path in sorted(source.rglob("*")) if source.exists() else []:
                if path.is_file():
                    target = media / path.relative_to(source)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(path.read_bytes())
    manifest["keys_match"] = manifest.get("keys") == key_fingerprints()
    return manifest
