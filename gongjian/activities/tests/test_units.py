"""Small pieces on their own: sanitiser, content sniffing, codes, feeds and the access helpers."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from icalendar import Calendar

from gongjian.activities import ical
from gongjian.activities.access import can_cancel, can_manage, can_register_group, group_candidates
from gongjian.activities.models.registration import normalise_code
from gongjian.activities.uploads import photo_path, validate_photo
from gongjian.lib.richtext import clean_html
from gongjian.orgs.models import Membership, Organization, Person

from .helpers import make_activity


class TestSanitiser:
    @pytest.mark.parametrize(
        "dirty",
        [
            "<script>alert(1)</script>",
            '<a href="javascript:alert(1)">x</a>',
            '<p style="background:url(javascript:alert(1))">x</p>',
            '<svg onload="alert(1)"></svg>',
            '<iframe src="https://evil.example"></iframe>',
            "<style>body{display:none}</style>",
            '<img src="x" onerror="alert(1)">',
            '<form action="https://evil.example"><input name="q"></form>',
        ],
    )
    def test_it_removes_active_content(self, dirty):
        cleaned = clean_html(dirty)
        for needle in ("script", "javascript:", "onload", "onerror", "<iframe", "<style", "style=", "<form", "<svg", "<img"):
            assert needle not in cleaned.lower(), (dirty, cleaned)

    def test_it_handles_empty_text(self):
        assert clean_html("") == "" and clean_html(None) == ""


class TestSniffing:
    def test_it_accepts_jpeg_and_png_but_not_other_files(self):
        assert validate_photo(SimpleUploadedFile("a.jpg", b"\xff\xd8\xff\xdb rest")) == ("image/jpeg", "jpg")
        for content in (b"GIF89a rest", b"%PDF-1.7 rest"):
            with pytest.raises(ValidationError):
                validate_photo(SimpleUploadedFile("a.png", content))

    def test_it_reads_the_head_without_moving_the_file(self, settings):
        upload = SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 10)
        upload.seek(3)
        assert validate_photo(upload) == ("image/png", "png")
        assert upload.tell() == 3

    def test_it_names_files_randomly_with_the_sniffed_extension(self):
        class Photo:
            _sniffed_extension = "jpg"

        first, second = photo_path(Photo(), "../../etc/passwd.png"), photo_path(Photo(), "../../etc/passwd.png")
        assert first != second and first.endswith(".jpg") and ".." not in first and "passwd" not in first

    def test_it_reports_the_limit_in_the_message(self, settings):
        settings.UPLOAD_MAX_BYTES = 10
        with pytest.raises(ValidationError) as e:
            validate_photo(SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20))
        assert e.value.code == "file_too_large"


def test_it_normalises_typed_codes():
    assert normalise_code(" ab-c d2 ") == "ABCD2"
    assert normalise_code(None) == ""


@pytest.mark.django_db
def test_it_builds_a_calendar_that_round_trips(world):
    activity = make_activity(world.own_org, title="含,逗号;分号\\反斜杠的标题", venue="报告厅", online_url="https://meeting.example/123")
    parsed = Calendar.from_ical(ical.build_calendar([activity], "示例学院党委"))
    [event] = parsed.walk("VEVENT")
    assert str(event["SUMMARY"]) == activity.title
    assert "https://meeting.example/123" in str(event["DESCRIPTION"])
    assert str(parsed["X-WR-TIMEZONE"]) == "Asia/Shanghai"
    assert io.BytesIO(parsed.to_ical()).read().startswith(b"BEGIN:VCALENDAR")


@pytest.mark.django_db
class TestAccessHelpers:
    def test_it_lists_current_members_of_an_organization_and_below(self, world):
        names = set(group_candidates(world.own_org).values_list("name", flat=True))
        assert {world.member.person.name, world.org_admin.person.name} <= names
        assert world.outsider.person.name not in names
        assert set(group_candidates(world.own_branch).values_list("name", flat=True)) == {world.member.person.name}

    def test_it_leaves_out_archived_people(self, world):
        archived = Person.objects.create(name="已归档党员")
        Membership.objects.create(person=archived, organization=world.own_branch)
        archived.archive()
        assert archived not in group_candidates(world.own_branch)

    def test_it_knows_who_manages_and_who_registers_groups(self, world):
        activity = make_activity(world.own_branch)
        assert can_manage(world.org_admin, activity) and can_manage(world.alliance_admin, activity)
        assert not can_manage(world.member, activity) and not can_manage(world.outsider, activity)
        assert can_register_group(world.org_admin) and can_register_group(world.outsider)
        assert not can_register_group(world.member)

    def test_it_lets_the_person_their_admins_and_organizers_cancel(self, world):
        street_branch = Organization.objects.create(name="街道支部", sector="government", kind="branch", parent=world.foreign_org)
        activity = make_activity(world.own_org, invite_alliance=True)
        person = Person.objects.create(name="街道党员")
        Membership.objects.create(person=person, organization=street_branch)
        registration = activity.register(person, organization=street_branch)
        assert can_cancel(world.outsider, registration), "the admin of the person's organization"
        assert can_cancel(world.org_admin, registration), "the activity's organizer"
        assert not can_cancel(world.member, registration)
