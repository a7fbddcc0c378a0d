"""Consistent backups of the database and uploaded files (SECURITY.md item 17).

SQLite is copied with SQLite's online backup API, PostgreSQL with pg_dump's
custom format; uploads are added beside it. A manifest records what was taken
and file hashes, so a restore can refuse a damaged archive.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone


def _pg_env() -> dict:
    db = connection.settings_dict
    env = os.environ.copy()
    env.update(
        {
            "PGHOST": str(db.get("HOST") or ""),
            "PGPORT": str(db.get("PORT") or ""),
            "PGUSER": str(db.get("USER") or ""),
            "PGDATABASE": str(db["NAME"]),
        }
    )
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def dump_database(target: Path) -> str:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        out = sqlite3.connect(target)
        with out:
            connection.connection.backup(out)
        out.close()
        return "sqlite"
    if connection.vendor == "postgresql":
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target)], env=_pg_env(), check=True)  # noqa: S603,S607  (fixed argv, no shell)
        return "postgresql"
    raise RuntimeError(f"no backup method for {connection.vendor}")


def load_database(source: Path, engine: str) -> None:
    if engine != connection.vendor:
        raise RuntimeError(f"archive holds a {engine} database, this site runs {connection.vendor}")
    connection.ensure_connection()
    if engine == "sqlite":
        src = sqlite3.connect(source)
        with src:
            src.backup(connection.connection)
        src.close()
    else:
        connection.close()
        subprocess.run(  # noqa: S603  (fixed argv, no shell)
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname", _pg_env()["PGDATABASE"], str(source)],  # noqa: S607  (pg_restore from PATH)
            env=_pg_env(),
            check=True,
        )


def create_backup(output_dir: Path) -> Path:
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    archive = output_dir / f"gongjian-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as tmp:
        db_file = Path(tmp) / "database.bin"
        engine = dump_database(db_file)
        media_root = Path(settings.MEDIA_ROOT)
        media_files = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []
        manifest = {
            "created": timezone.now().isoformat(),
            "engine": engine,
            "database_sha256": _sha256(db_file),
            "media": {str(p.relative_to(media_root)): _sha256(p) for p in media_files},
        }
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(db_file, arcname="database.bin")
            for path in media_files:
                tar.add(path, arcname=f"media/{path.relative_to(media_root)}")
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return archive


def restore_backup(archive: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive, "r:gz") as tar:
        tar.extractall(tmp, filter="data")
        root = Path(tmp)
        manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        if _sha256(root / "database.bin") != manifest["database_sha256"]:
            raise RuntimeError("the database file in the archive is damaged")
        for name, digest in manifest["media"].items():
            if _sha256(root / "media" / name) != digest:
                raise RuntimeError(f"uploaded file {name} in the archive is damaged")
        load_database(root / "database.bin", manifest["engine"])
        media_root = Path(settings.MEDIA_ROOT)
        if (root / "media").exists():
            shutil.copytree(root / "media", media_root, dirs_exist_ok=True)
    return manifest
