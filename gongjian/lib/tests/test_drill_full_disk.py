"""Fault drill: uploads when the disk is full (issue 13).

The disk fills at the operating system's write: the storage's file writes put the bytes that still
fit on the disk and then fail with ENOSPC, as the kernel does, so a partial file really exists when
the error arrives. The user must get a clear Chinese message (page, HTMX board and API), and nothing
may be half-stored: no row naming a missing or partial file, no partial file, and no complete file
left over from work that rolled back. Once there is room again, the same upload is stored whole.
"""

import errno
import os

import pytest
from django.core.files.storage import filesystem
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongjian.activities.models import ActivityPhoto
from gongjian.activities.tests.helpers import make_activity
from gongjian.imports.models import ImportJob
from gongjian.projects.models import Task, TaskEvidence
from gongjian.projects.tests.factories import TaskFactory, active_project

MESSAGE = "服务器存储空间已满，文件未能保存。请稍后重试，或告知管理员。"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 4000
PDF = b"%PDF-1.4\n" + b"0" * 4000 + b"\n%%EOF\n"

# Committed as the server commits: a test transaction around the request would hide what rolls back.
pytestmark = pytest.mark.django_db(transaction=True)


class Disk:
    """The uploads' disk: room is how many more bytes fit (None: plenty)."""

    def __init__(self):
        self.room = None
        self.written = 0

    def fill(self, leaving=0):
        self.room = leaving

    def free(self):
        self.room = None


class DiskFile:
    """A file the storage opened for writing, on that disk: writes past the room fail with ENOSPC."""

    def __init__(self, disk, raw):
        self.disk, self.raw = disk, raw

    def write(self, data):
        fits = len(data) if self.disk.room is None else min(len(data), self.disk.room)
        self.raw.write(data[:fits])
        self.disk.written += fits
        if self.disk.room is not None:
            self.disk.room -= fits
        if fits < len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return len(data)

    def close(self):
        self.raw.close()


@pytest.fixture
def disk(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    disk = Disk()
    real_fdopen = os.fdopen

    class StoragesOs:
        """The os module as the file system storage sees it, with its write handles on the disk above."""

        def __getattr__(self, name):
            return getattr(os, name)

        @staticmethod
        def fdopen(fd, mode="r", *args, **kwargs):
            if "w" not in mode:
                return real_fdopen(fd, mode, *args, **kwargs)
            return DiskFile(disk, real_fdopen(fd, mode, buffering=0))

    monkeypatch.setattr(filesystem, "os", StoragesOs())
    disk.roots = (tmp_path / "media", tmp_path / "private")
    return disk


def stored_files(disk) -> list[str]:
    return sorted(str(path) for root in disk.roots if root.exists() for path in root.rglob("*") if path.is_file())


def test_it_refuses_a_photo_with_a_clear_message_and_stores_nothing(world, client_for, disk):
    activity = make_activity(world.own_org)
    client = client_for(world.org_admin)
    disk.fill(leaving=1000)
    response = client.post(reverse("activities:photo_upload", args=[activity.uuid]), {"image": SimpleUploadedFile("合影.jpg", JPEG)})
    assert response.status_code == 507
    assert MESSAGE in response.content.decode() and "存储空间已满" in response.content.decode()
    assert disk.written == 1000, "the first bytes reached the disk before it was full"
    assert not ActivityPhoto.objects.exists()
    assert stored_files(disk) == []

    disk.free()
    client.post(reverse("activities:photo_upload", args=[activity.uuid]), {"image": SimpleUploadedFile("合影.jpg", JPEG)})
    (photo,) = ActivityPhoto.objects.all()
    assert stored_files(disk) == [photo.image.path] and photo.image.size == len(JPEG)


def test_it_refuses_a_photo_over_the_api_with_a_clear_error(world, api_for, disk):
    activity = make_activity(world.own_org)
    disk.fill(leaving=10)
    response = api_for(world.org_admin).post(
        f"/api/v1/activities/{activity.uuid}/photos/", {"image": SimpleUploadedFile("合影.jpg", JPEG)}, format="multipart"
    )
    assert response.status_code == 507 and response.json() == {"detail": MESSAGE}
    assert not ActivityPhoto.objects.exists() and stored_files(disk) == []


def test_it_refuses_an_import_file_in_the_default_storage(world, client_for, disk):
    from openpyxl import Workbook

    path = disk.roots[0].parent / "orgs.xlsx"
    workbook = Workbook()
    workbook.active.append(["名称", "类别", "组织类型"])
    workbook.save(path)
    disk.fill(leaving=100)
    response = client_for(world.alliance_admin).post(
        reverse("imports:start"), {"kind": "organizations", "file": SimpleUploadedFile("orgs.xlsx", path.read_bytes())}
    )
    assert response.status_code == 507 and MESSAGE in response.content.decode()
    assert not ImportJob.objects.exists() and stored_files(disk) == []


def test_it_leaves_no_file_of_a_submission_that_rolled_back(world, client_for, disk):
    """Three evidence files, the disk full in the second: the first, complete, goes with its rolled-back row."""
    project = active_project(world.own_org, partners=[world.foreign_org], title="采样亭改造")
    task = TaskFactory(project=project, title="采样亭01改造设计")
    task.claim(world.member, team_org=world.own_branch)
    client = client_for(world.member)
    board = reverse("projects:board", kwargs={"uuid": project.uuid})
    files = [SimpleUploadedFile(f"方案{n}.pdf", PDF) for n in range(3)]
    disk.fill(leaving=len(PDF) + 500)
    response = client.post(
        reverse("projects:task_action", kwargs={"uuid": task.uuid, "action": "submit"}),
        {"evidence": "三个方案", "files": files, "next": board},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="task-board",
    )
    # htmx swaps no error answer: it reloads the board, which shows the message.
    assert response.status_code == 507 and response["HX-Refresh"] == "true"
    assert MESSAGE in client.get(board).content.decode()
    assert disk.written == len(PDF) + 500
    assert Task.objects.get(pk=task.pk).status == "claimed"
    assert not TaskEvidence.objects.exists()
    assert stored_files(disk) == []

    disk.free()
    files = [SimpleUploadedFile(f"方案{n}.pdf", PDF) for n in range(3)]
    client.post(reverse("projects:task_action", kwargs={"uuid": task.uuid, "action": "submit"}), {"evidence": "三个方案", "files": files})
    assert Task.objects.get(pk=task.pk).status == "submitted"
    assert sorted(piece.file.path for piece in TaskEvidence.objects.all()) == stored_files(disk)
    assert len(stored_files(disk)) == 3
