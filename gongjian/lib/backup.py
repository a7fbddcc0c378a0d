"""Consistent backups of the database and uploaded files (SECURITY.md item 17).

SQLite is copied with SQLite's online backup API, PostgreSQL with pg_dump's
custom format; every stored file is added beside it, from each directory in
stored_file_roots() (MEDIA_ROOT and the private storage). A manifest records
what was taken and file hashes, so a restore can refuse a damaged archive.
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
import zlib
from pathlib import Path

from django.db import connection
from django.utils import timezone

from gongjian.lib.uploads import stored_file_roots


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


class _HashingReader:
    """Hands tarfile a file's bytes and hashes the very bytes it took, so the manifest matches the archive
    even when a file changes while it is read."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add_stored_files(tar: tarfile.TarFile, name: str, root: Path) -> dict:
    hashes = {}
    if not root.exists():
        return hashes
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root).as_posix()
        info = tar.gettarinfo(str(path), arcname=f"{name}/{relative}")
        with path.open("rb") as handle:
            reader = _HashingReader(handle)
            tar.addfile(info, reader)
        hashes[relative] = reader.digest.hexdigest()
    return hashes


def create_backup(output_dir: Path) -> Path:
    """Write the database and every stored file (see stored_file_roots) to a new archive readable by its owner only."""
    roots = stored_file_roots()
    output_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    archive = output_dir / f"gongjian-backup-{stamp}.tar.gz"
    # mkstemp opens the file with mode 0600 from the first byte (the archive holds personal data), and the
    # archive takes its final name only when complete, so a half-written one is never mistaken for a backup.
    fd, partial = tempfile.mkstemp(dir=output_dir, prefix=".gongjian-backup-", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as out, tempfile.TemporaryDirectory() as tmp:
            db_file = Path(tmp) / "database.bin"
            # The database first: every file a dumped row names was complete before the row was saved.
            engine = dump_database(db_file)
            with tarfile.open(fileobj=out, mode="w:gz") as tar:
                tar.add(db_file, arcname="database.bin")
                files = {name: _add_stored_files(tar, name, root) for name, root in roots.items()}
                manifest = {
                    "created": timezone.now().isoformat(),
                    "engine": engine,
                    "database_sha256": _sha256(db_file),
                    "files": files,
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                info = tarfile.TarInfo("manifest.json")
                info.size = len(data)
                info.mode = 0o600
                tar.addfile(info, io.BytesIO(data))
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, archive)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return archive


def _verify(root: Path, manifest: dict, roots: dict) -> dict:
    """The stored files the manifest lists, by root, once every byte in the archive has been checked."""
    # Archives from before the private storage was backed up list MEDIA_ROOT alone, under "media".
    files = manifest["files"] if "files" in manifest else {"media": manifest.get("media", {})}
    unknown = sorted(set(files) - set(roots))
    if unknown:
        raise RuntimeError(f"the archive holds files for {', '.join(unknown)}, which this site does not store")
    if _sha256(root / "database.bin") != manifest["database_sha256"]:
        raise RuntimeError("the database file in the archive is damaged")
    listed = {f"{name}/{relative}": digest for name, entries in files.items() for relative, digest in entries.items()}
    present = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} - {"manifest.json", "database.bin"}
    if missing := sorted(set(listed) - present):
        raise RuntimeError(f"stored file {missing[0]} is missing from the archive, which is damaged")
    if extra := sorted(present - set(listed)):
        raise RuntimeError(f"the archive holds {extra[0]}, which its manifest does not list: it is damaged")
    for name, digest in listed.items():
        if _sha256(root / name) != digest:
            raise RuntimeError(f"stored file {name} in the archive is damaged")
    return files


def restore_backup(archive: Path) -> dict:
    """Check the whole archive, then put the database back and each stored file where its storage reads it."""
    roots = stored_file_roots()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(tmp, filter="data")
            if not (root / "manifest.json").is_file() or not (root / "database.bin").is_file():
                raise tarfile.TarError("the manifest or the database is missing")
            manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        except (tarfile.TarError, EOFError, zlib.error, ValueError) as e:
            raise RuntimeError(f"the archive is damaged: {e}") from e
        files = _verify(root, manifest, roots)
        load_database(root / "database.bin", manifest["engine"])
        for name in files:
            if (root / name).exists():
                shutil.copytree(root / name, roots[name], dirs_exist_ok=True)
    return manifest
