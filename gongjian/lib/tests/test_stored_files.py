"""A stored file lost from the disk (say, after a restore from an old backup) is a 404 that says so, in every view serving one."""

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongjian.activities.models import ActivityPhoto
from gongjian.activities.tests.helpers import make_activity
from gongjian.agreements.models import AgreementAttachment, Honor
from gongjian.agreements.tests.conftest import make_agreement
from gongjian.projects.models import Outcome, TaskEvidence
from gongjian.projects.tests.factories import TaskFactory, active_project

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
GONE = "文件已不存在，请联系管理员。"


@pytest.fixture(autouse=True)
def stored_roots(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def activity_photo(world, client):
    activity = make_activity(world.own_org)
    client.post(reverse("activities:photo_upload", args=[activity.uuid]), {"image": SimpleUploadedFile("合影.png", PNG), "caption": "合影"})
    photo = ActivityPhoto.objects.get()
    return photo.image, reverse("activities:photo", args=[photo.uuid])


def agreement_attachment(world, client):
    agreement = make_agreement(world)
    client.post(
        reverse("agreements:attachment_upload", kwargs={"uuid": agreement.uuid}), {"file": SimpleUploadedFile("签约扫描件.pdf", PDF)}
    )
    attachment = AgreementAttachment.objects.get()
    return attachment.file, attachment.get_absolute_url()


def honor_evidence(world, client):
    honor = Honor.objects.create(
        title="推介官",
        kind="appointment",
        issuer=world.own_org,
        awarded_on=datetime.date(2023, 5, 10),
        evidence=SimpleUploadedFile("聘书.png", PNG),
    )
    return honor.evidence, reverse("agreements:honor_evidence", kwargs={"uuid": honor.uuid})


def project_outcome(world, client):
    project = active_project(world.own_org, title="采样亭改造")
    outcome = Outcome.objects.create(project=project, kind="photo", title="改造前后对比", file=SimpleUploadedFile("对比.png", PNG))
    return outcome.file, reverse("projects:outcome_file", kwargs={"uuid": outcome.uuid})


def task_evidence(world, client):
    task = TaskFactory(project=active_project(world.own_org, title="采样亭改造"))
    task.claim(world.org_admin, team_org=world.own_org)
    task.submit(world.org_admin, "现场照片见附件。", files=[SimpleUploadedFile("现场.png", PNG)])
    piece = TaskEvidence.objects.get()
    return piece.file, reverse("projects:evidence_file", kwargs={"uuid": piece.uuid})


SERVED = [activity_photo, agreement_attachment, honor_evidence, project_outcome, task_evidence]


@pytest.mark.parametrize("make", SERVED, ids=[make.__name__ for make in SERVED])
def test_it_serves_the_stored_file(world, client_for, make):
    client = client_for(world.org_admin)
    stored, url = make(world, client)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == Path(stored.path).read_bytes()


@pytest.mark.parametrize("make", SERVED, ids=[make.__name__ for make in SERVED])
def test_it_answers_404_in_chinese_when_the_stored_file_is_gone(world, client_for, make):
    client = client_for(world.org_admin)
    stored, url = make(world, client)
    Path(stored.path).unlink()
    response = client.get(url)
    assert response.status_code == 404
    assert GONE in response.content.decode()


def test_it_shows_the_message_only_once(world, client_for):
    client = client_for(world.org_admin)
    stored, url = activity_photo(world, client)
    Path(stored.path).unlink()
    client.get(url)
    # The 404 page showed the message; the next page must not repeat it.
    assert GONE not in client.get(reverse("activities:list")).content.decode()


def test_it_logs_which_file_is_missing(world, client_for, caplog):
    client = client_for(world.org_admin)
    stored, url = agreement_attachment(world, client)
    Path(stored.path).unlink()
    with caplog.at_level("WARNING", logger="gongjian.lib.uploads"):
        client.get(url)
    assert stored.name in caplog.text


def test_it_still_hides_a_missing_file_from_people_outside_the_scope(world, client_for):
    stored, url = activity_photo(world, client_for(world.org_admin))
    Path(stored.path).unlink()
    response = client_for(world.outsider).get(url)
    # The scope check comes first: an outsider learns nothing, not even that the file is gone.
    assert response.status_code == 404 and GONE not in response.content.decode()
