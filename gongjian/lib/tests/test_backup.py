import io
import json
import stat
import tarfile
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from gongjian.activities.models import ActivityPhoto
from gongjian.activities.tests.helpers import make_activity
from gongjian.agreements.models import AgreementAttachment
from gongjian.agreements.tests.conftest import make_agreement
from gongjian.lib.backup import dump_database
from gongjian.lib.testing import build_world, sign_in
from gongjian.lib.uploads import stored_file_roots
from gongjian.orgs.models import Organization, Person

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def stored_roots(settings, tmp_path):
    """Backups read and restores write every storage root: all of them in the test's own directory, never ./var."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.mark.django_db(transaction=True)
def test_it_restores_a_backup_to_the_original_state(tmp_path):
    (tmp_path / "media" / "uploads").mkdir(parents=True)
    (tmp_path / "media" / "uploads" / "scan.pdf").write_bytes(b"%PDF-1.4 signed agreement")
    Organization.objects.create(name="示例学院党委", sector="school", kind="committee")
    Person.objects.create(name="张伟", phone="13800138000")
    original = sorted(Organization.objects.values_list("name", "pinyin_initials"))

    call_command("backup", output=str(tmp_path / "out"))
    archive = next((tmp_path / "out").glob("*.tar.gz"))

    Organization.objects.create(name="后来加的组织", sector="other", kind="other")
    Organization.objects.filter(name="示例学院党委").update(name="被改掉的名字")
    Person.objects.all().delete()
    (tmp_path / "media" / "uploads" / "scan.pdf").write_bytes(b"overwritten")

    call_command("restore", str(archive), yes=True)

    assert sorted(Organization.objects.values_list("name", "pinyin_initials")) == original
    assert Person.objects.get().phone == "13800138000"
    assert (tmp_path / "media" / "uploads" / "scan.pdf").read_bytes() == b"%PDF-1.4 signed agreement"


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_restore_without_confirmation(tmp_path):
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "missing.tar.gz"))


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_damaged_archive(tmp_path):
    call_command("backup", output=str(tmp_path / "out"))
    archive = next((tmp_path / "out").glob("*.tar.gz"))
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "database.bin":
                data = data[:-10] + b"0123456789"
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(damaged), yes=True)


def backup(tmp_path) -> Path:
    call_command("backup", output=str(tmp_path / "out"))
    return next((tmp_path / "out").glob("*.tar.gz"))


def rewrite(archive: Path, target: Path, change) -> Path:
    """A copy of the archive with change(name, data) -> data | None applied to each member (None drops it)."""
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for member in src.getmembers():
            data = change(member.name, src.extractfile(member).read())
            if data is not None:
                member.size = len(data)
                dst.addfile(member, io.BytesIO(data))
    return target


def upload_private_files():
    """An activity photo and an agreement attachment, uploaded through their pages."""
    world = build_world()
    client = sign_in(Client(), world.org_admin)
    activity = make_activity(world.own_org)
    client.post(reverse("activities:photo_upload", args=[activity.uuid]), {"image": SimpleUploadedFile("合影.png", PNG), "caption": "合影"})
    agreement = make_agreement(world)
    client.post(reverse("agreements:attachment_upload", kwargs={"uuid": agreement.uuid}), {"file": SimpleUploadedFile("扫描件.pdf", PDF)})
    return client, ActivityPhoto.objects.get(), AgreementAttachment.objects.get()


@pytest.mark.django_db(transaction=True)
def test_it_restores_private_uploads_byte_for_byte(tmp_path):
    client, photo, attachment = upload_private_files()
    assert Path(photo.image.path).is_relative_to(tmp_path / "private")
    archive = backup(tmp_path)

    Path(photo.image.path).unlink()
    Path(attachment.file.path).unlink()
    assert client.get(reverse("activities:photo", args=[photo.uuid])).status_code == 404

    call_command("restore", str(archive), yes=True)

    assert Path(photo.image.path).read_bytes() == PNG
    assert Path(attachment.file.path).read_bytes() == PDF
    response = client.get(reverse("activities:photo", args=[photo.uuid]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG


@pytest.mark.django_db(transaction=True)
def test_it_lists_every_stored_file_with_its_hash(tmp_path):
    _, photo, attachment = upload_private_files()
    (tmp_path / "media" / "imports").mkdir(parents=True)
    (tmp_path / "media" / "imports" / "orgs.xlsx").write_bytes(b"PK\x03\x04 import")
    with tarfile.open(backup(tmp_path)) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = set(tar.getnames())
    assert set(manifest["files"]) == {"media", "private"}
    assert set(manifest["files"]["private"]) == {photo.image.name, attachment.file.name}
    assert set(manifest["files"]["media"]) == {"imports/orgs.xlsx"}
    assert f"private/{photo.image.name}" in names and "media/imports/orgs.xlsx" in names


@pytest.mark.django_db(transaction=True)
def test_it_writes_the_archive_for_its_owner_only(tmp_path, monkeypatch):
    (tmp_path / "private" / "honors").mkdir(parents=True)
    (tmp_path / "private" / "honors" / "证书.png").write_bytes(PNG)
    seen = {}

    def dump_and_look(target):
        # Mid-backup: the archive being written and the working directory are private already, not only at the end.
        seen["partial"] = [stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "out").iterdir()]
        seen["workdir"] = stat.S_IMODE(target.parent.stat().st_mode)
        return dump_database(target)

    monkeypatch.setattr("gongjian.lib.backup.dump_database", dump_and_look)
    archive = backup(tmp_path)
    assert seen == {"partial": [0o600], "workdir": 0o700}
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o700
    # Nothing half-written is left beside it.
    assert [p.name for p in (tmp_path / "out").iterdir()] == [archive.name]


@pytest.mark.django_db(transaction=True)
def test_it_refuses_an_archive_whose_private_file_was_changed(tmp_path):
    _, photo, _ = upload_private_files()
    archive = backup(tmp_path)
    tampered = rewrite(
        archive, tmp_path / "tampered.tar.gz", lambda name, data: data + b"<script>" if name.startswith("private/") else data
    )
    Organization.objects.create(name="备份后加的组织", sector="other", kind="other")
    Path(photo.image.path).unlink()

    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(tampered), yes=True)

    # Refused before anything was replaced.
    assert Organization.objects.filter(name="备份后加的组织").exists()
    assert not Path(photo.image.path).exists()


@pytest.mark.django_db(transaction=True)
def test_it_refuses_an_archive_missing_a_listed_file(tmp_path):
    upload_private_files()
    dropped = rewrite(backup(tmp_path), tmp_path / "dropped.tar.gz", lambda name, data: None if name.startswith("private/") else data)
    with pytest.raises(CommandError, match="missing"):
        call_command("restore", str(dropped), yes=True)


@pytest.mark.django_db(transaction=True)
def test_it_refuses_an_archive_holding_a_file_its_manifest_does_not_list(tmp_path):
    archive = backup(tmp_path)
    smuggled = tmp_path / "smuggled.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(smuggled, "w:gz") as dst:
        for member in src.getmembers():
            dst.addfile(member, src.extractfile(member))
        extra = tarfile.TarInfo("private/activities/photos/x.png")
        extra.size = len(PNG)
        dst.addfile(extra, io.BytesIO(PNG))
    with pytest.raises(CommandError, match="does not list"):
        call_command("restore", str(smuggled), yes=True)
    assert not (tmp_path / "private" / "activities").exists()


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_truncated_archive_with_a_message(tmp_path):
    archive = backup(tmp_path)
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(truncated), yes=True)


@pytest.mark.django_db(transaction=True)
def test_it_restores_an_archive_from_before_private_files_were_kept(tmp_path):
    (tmp_path / "media" / "uploads").mkdir(parents=True)
    (tmp_path / "media" / "uploads" / "scan.pdf").write_bytes(PDF)
    archive = backup(tmp_path)

    def old_format(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["media"] = manifest.pop("files")["media"]
            return json.dumps(manifest).encode()
        return data

    old = rewrite(archive, tmp_path / "old.tar.gz", old_format)
    (tmp_path / "media" / "uploads" / "scan.pdf").unlink()
    call_command("restore", str(old), yes=True)
    assert (tmp_path / "media" / "uploads" / "scan.pdf").read_bytes() == PDF


def test_it_covers_every_file_field_with_a_storage_root(settings, tmp_path):
    roots = {name: root.resolve() for name, root in stored_file_roots().items()}
    assert roots == {"media": (tmp_path / "media").resolve(), "private": (tmp_path / "private").resolve()}


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_back_up_when_a_file_field_stores_elsewhere(tmp_path, monkeypatch):
    field = ActivityPhoto._meta.get_field("image")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=tmp_path / "elsewhere"))
    with pytest.raises(CommandError, match="activities.ActivityPhoto.image"):
        call_command("backup", output=str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()
