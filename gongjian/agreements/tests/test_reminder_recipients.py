"""Who hears that an agreement ends, and the random names attachments and evidence are stored under."""

import datetime
import re

import pytest
from django.utils import timezone

from gongjian.agreements import reminders
from gongjian.agreements.choices import AgreementStatus as S
from gongjian.agreements.storage import agreement_attachment_path, honor_evidence_path
from gongjian.lib.testing import make_member
from gongjian.orgs.models import Membership

ADMIN = Membership.Role.ADMIN


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class TestPartyAdmins:
    def test_it_names_an_admin_of_two_parties_once(self, world, at_status):
        # The branch has no admin of its own: the college's admin answers for both parties.
        agreement = at_status(S.SIGNED, parties=[(world.own_org, "讲课"), (world.own_branch, "场地")])
        assert reminders.party_admins(agreement) == [world.org_admin]

    def test_it_skips_admins_who_left_or_are_disabled(self, world, at_status):
        left = make_member("leftadmin", "已离任书记", world.foreign_org, role=ADMIN)
        Membership.objects.filter(person=left.person).update(left_on=timezone.localdate() - datetime.timedelta(days=1))
        make_member("disabledadmin", "停用书记", world.foreign_org, role=ADMIN, is_active=False)
        agreement = at_status(S.SIGNED)
        assert set(reminders.party_admins(agreement)) == {world.org_admin, world.outsider}

    def test_it_goes_up_when_the_partys_only_admin_has_left(self, world, at_status):
        Membership.objects.filter(person=world.org_admin.person).update(left_on=timezone.localdate())
        agreement = at_status(S.SIGNED, parties=[(world.own_branch, "讲课"), (world.foreign_org, "场地")])
        # Nobody administers the branch or the college any more: only the street's admin is told.
        assert reminders.party_admins(agreement) == [world.outsider]


class TestStorageNames:
    @pytest.mark.parametrize(
        ("path", "filename", "folder", "suffix"),
        [
            (agreement_attachment_path, "共建协议（盖章版）.PDF", "agreements", ".pdf"),
            (honor_evidence_path, "../../etc/证书.png", "honors", ".png"),
            (honor_evidence_path, "no-extension", "honors", ""),
            (agreement_attachment_path, "scan.verylongsuffix", "agreements", ".verylon"),
        ],
    )
    def test_it_keeps_only_a_short_lower_case_extension(self, path, filename, folder, suffix):
        name = path(None, filename)
        assert re.fullmatch(rf"{folder}/[0-9a-f]{{32}}{re.escape(suffix)}", name), name

    def test_it_never_reuses_a_name(self):
        assert agreement_attachment_path(None, "a.pdf") != agreement_attachment_path(None, "a.pdf")
