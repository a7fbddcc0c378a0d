"""亮约 public page and attachments checked by content."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from gongjian.agreements.choices import AgreementStatus as S
from gongjian.agreements.models import AgreementAttachment

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def public_url(agreement):
    return reverse("agreements:agreement_public", kwargs={"uuid": agreement.uuid})


class TestPublicPage:
    @pytest.mark.parametrize("status", [S.PUBLISHED, S.PERFORMING, S.EVALUATED])
    def test_it_shows_disclosed_agreements_without_login(self, world, at_status, status):
        agreement = at_status(status)
        response = Client().get(public_url(agreement))
        assert response.status_code == 200
        body = response.content.decode()
        assert agreement.title in body and world.foreign_org.name in body and "提供场地" in body

    @pytest.mark.parametrize("status", [S.DRAFT, S.SIGNED, S.EXPIRED, S.RENEWED, S.TERMINATED])
    def test_it_hides_agreements_that_are_not_disclosed(self, world, at_status, status):
        agreement = at_status(status)
        assert Client().get(public_url(agreement)).status_code == 404

    def test_it_hides_an_archived_agreement(self, world, at_status):
        agreement = at_status(S.PUBLISHED)
        # Only the break-glass admin can archive a published agreement; the page must still hide it.
        from django.utils import timezone

        type(agreement).objects.filter(pk=agreement.pk).update(archived_at=timezone.now())
        assert Client().get(public_url(agreement)).status_code == 404

    def test_it_shows_no_personal_data(self, world, at_status):
        person = world.org_admin.person
        person.phone = "13800138000"
        person.save()
        world.own_org.contact_name = "李联系"
        world.own_org.contact_phone = "13900139000"
        world.own_org.save()
        agreement = at_status(S.EVALUATED)
        body = Client().get(public_url(agreement)).content.decode()
        for secret in (person.name, world.org_admin.username, "13800138000", "13900139000", "李联系", world.outsider.person.name):
            assert secret not in body

    def test_it_links_the_public_page_from_the_detail_page(self, world, at_status, client_for):
        draft = at_status(S.DRAFT, title="草稿")
        published = at_status(S.PUBLISHED, title="已亮约")
        client = client_for(world.outsider)
        assert public_url(published) in client.get(published.get_absolute_url()).content.decode()
        assert public_url(draft) not in client.get(draft.get_absolute_url()).content.decode()


def upload(client, agreement, name, content):
    return client.post(
        reverse("agreements:attachment_upload", kwargs={"uuid": agreement.uuid}), {"file": SimpleUploadedFile(name, content)}, follow=True
    )


class TestAttachments:
    @pytest.mark.parametrize(
        ("name", "content", "kind", "ext"),
        [
            ("签约扫描件.pdf", PDF, "application/pdf", ".pdf"),
            ("合影.PNG", PNG, "image/png", ".png"),
            ("photo.jpeg", JPEG, "image/jpeg", ".jpg"),
        ],
    )
    def test_it_accepts_pdf_and_images_by_content_under_random_names(self, world, client_for, draft, name, content, kind, ext):
        upload(client_for(world.org_admin), draft, name, content)
        attachment = AgreementAttachment.objects.get()
        assert (attachment.content_type, attachment.original_name, attachment.size) == (kind, name, len(content))
        stored = attachment.file.name.rsplit("/", 1)[-1]
        assert stored.endswith(ext) and name.split(".")[0] not in stored and len(stored) == 32 + len(ext)

    @pytest.mark.parametrize(
        ("name", "content"),
        [("fake.pdf", b"MZ\x90\x00 this is an exe"), ("page.png", b"<html><script>alert(1)</script>"), ("empty.pdf", b"")],
    )
    def test_it_refuses_anything_else_whatever_the_extension(self, world, client_for, draft, name, content):
        response = upload(client_for(world.org_admin), draft, name, content)
        assert response.status_code == 200
        assert [m for m in response.context["messages"] if m.level_tag == "error"]
        assert not AgreementAttachment.objects.exists()

    def test_it_refuses_a_file_over_the_limit(self, world, client_for, draft):
        with override_settings(UPLOAD_MAX_BYTES=len(PDF) - 1):
            upload(client_for(world.org_admin), draft, "big.pdf", PDF)
        assert not AgreementAttachment.objects.exists()

    def test_it_stores_outside_the_public_media_root(self, world, client_for, draft, private_media):
        upload(client_for(world.org_admin), draft, "scan.pdf", PDF)
        path = AgreementAttachment.objects.get().file.path
        assert path.startswith(str(private_media / "private"))
        assert not (private_media / "media").exists() or not any((private_media / "media").rglob("*.pdf"))

    def test_it_serves_the_file_only_to_people_who_see_the_agreement(self, world, client_for, draft):
        upload(client_for(world.org_admin), draft, "scan.pdf", PDF)
        url = AgreementAttachment.objects.get().get_absolute_url()
        # The outsider administers the other party, so sees the agreement and its files.
        response = client_for(world.outsider).get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
        assert response["X-Content-Type-Options"] == "nosniff"
        # The member belongs to a branch that is not a party: as if the file did not exist.
        assert client_for(world.member).get(url).status_code == 404
        assert Client().get(url).status_code == 302

    def test_it_refuses_uploads_from_people_who_cannot_edit(self, world, client_for, draft):
        from gongjian.lib.testing import make_member

        reader = make_member("reader", "学院党员", world.own_org)  # sees the college's agreements, administers nothing
        assert upload(client_for(reader), draft, "scan.pdf", PDF).status_code == 403
        assert upload(client_for(world.member), draft, "scan.pdf", PDF).status_code == 404
        assert not AgreementAttachment.objects.exists()

    def test_it_deletes_an_attachment_of_a_draft(self, world, client_for, draft):
        client = client_for(world.org_admin)
        upload(client, draft, "scan.pdf", PDF)
        attachment = AgreementAttachment.objects.get()
        path = attachment.file.path
        client.post(reverse("agreements:attachment_delete", kwargs={"uuid": attachment.uuid}))
        assert not AgreementAttachment.objects.exists()
        import os

        assert not os.path.exists(path)


def test_check_upload_renames_to_the_true_extension(settings):
    from gongjian.agreements.uploads import check_upload

    f = SimpleUploadedFile("x.pdf", PNG)
    assert check_upload(f)[:2] == ("png", "image/png")
    assert f.name == "upload.png"
    assert io.BytesIO(f.read()).getvalue() == PNG  # the file is rewound after sniffing
