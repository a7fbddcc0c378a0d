"""Agreement.remove_party, attach and remove_attachment: the rules the page and the API share."""

import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gongjian.agreements.choices import AgreementStatus as S
from gongjian.agreements.models import AgreementAttachment
from gongjian.agreements.uploads import check_upload
from gongjian.audit.models import Record

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def attach(agreement, user, name="scan.pdf"):
    upload = SimpleUploadedFile(name, PDF, content_type="application/pdf")
    return agreement.attach(upload, check_upload(upload), user)


class TestRemoveParty:
    def test_it_removes_another_party_from_a_draft(self, world, draft):
        foreign = draft.parties.get(organization=world.foreign_org)
        draft.remove_party(foreign, world.org_admin)
        assert list(draft.parties.values_list("organization", flat=True)) == [world.own_org.pk]

    def test_it_keeps_the_last_party_one_acts_for(self, world, draft):
        own = draft.parties.get(organization=world.own_org)
        with pytest.raises(ValidationError) as refused:
            draft.remove_party(own, world.org_admin)
        assert refused.value.code == "last_party"
        draft.remove_party(own, world.alliance_admin)  # the alliance admin acts for every party
        assert not draft.parties.filter(pk=own.pk).exists()

    def test_it_freezes_the_parties_once_signed(self, world, at_status):
        agreement = at_status(S.SIGNED)
        with pytest.raises(ValidationError) as refused:
            agreement.remove_party(agreement.parties.get(organization=world.foreign_org), world.alliance_admin)
        assert refused.value.code == "parties_frozen" and agreement.parties.count() == 2

    def test_it_refuses_a_party_of_another_agreement(self, world, draft):
        from gongjian.agreements.tests.conftest import make_agreement

        other = make_agreement(world, title="另一份协议")
        with pytest.raises(ValidationError) as refused:
            draft.remove_party(other.parties.get(organization=world.foreign_org), world.alliance_admin)
        assert refused.value.code == "foreign_party" and other.parties.count() == 2


class TestAttachments:
    def test_it_stores_the_checked_name_type_size_and_uploader(self, world, draft, private_media):
        attachment = attach(draft, world.org_admin, "签字页.PDF")
        assert attachment.original_name.startswith("签字页") and (attachment.content_type, attachment.size) == ("application/pdf", len(PDF))
        assert attachment.uploaded_by == world.org_admin and attachment.agreement == draft
        assert Record.objects.filter(object_repr=str(attachment), action="create").exists()

    def test_it_removes_the_file_with_the_row_while_the_draft_is_open(self, world, draft, private_media):
        attachment = attach(draft, world.org_admin)
        path = attachment.file.path
        draft.remove_attachment(attachment)
        assert not AgreementAttachment.objects.exists() and not os.path.exists(path)

    def test_it_keeps_attachments_once_published(self, world, at_status, private_media):
        agreement = at_status(S.SIGNED)
        attachment = attach(agreement, world.org_admin)
        agreement.status = S.PUBLISHED
        with pytest.raises(ValidationError) as refused:
            agreement.remove_attachment(attachment)
        assert refused.value.code == "attachments_fixed"
        assert os.path.exists(attachment.file.path) and AgreementAttachment.objects.filter(pk=attachment.pk).exists()

    def test_it_refuses_an_attachment_of_another_agreement(self, world, draft, private_media):
        from gongjian.agreements.tests.conftest import make_agreement

        other = make_agreement(world, title="另一份协议")
        attachment = attach(other, world.org_admin)
        with pytest.raises(ValidationError) as refused:
            draft.remove_attachment(attachment)
        assert refused.value.code == "foreign_attachment" and AgreementAttachment.objects.filter(pk=attachment.pk).exists()
