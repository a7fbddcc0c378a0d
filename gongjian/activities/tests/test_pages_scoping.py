"""Organizer pages and the check-in page: who reaches them, and what a refusal leaves unchanged."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongjian.activities.choices import RegistrationStatus as S
from gongjian.activities.models import ActivityPhoto, Registration

from .helpers import make_activity, make_people

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


class TestPhotoDeletion:
    @pytest.fixture
    def photo(self, world):
        activity = make_activity(world.own_org)
        photo = ActivityPhoto(activity=activity, image=SimpleUploadedFile("合影.png", PNG), uploaded_by=world.org_admin)
        photo.full_clean()
        photo.save()
        return photo

    def test_it_removes_the_photo_and_its_file_for_an_organizer(self, world, client_for, photo):
        storage, name = photo.image.storage, photo.image.name
        response = client_for(world.org_admin).post(reverse("activities:photo_delete", args=[photo.uuid]), follow=True)
        assert messages_of(response) == ["照片已删除。"]
        assert not ActivityPhoto.objects.exists() and not storage.exists(name)

    @pytest.mark.parametrize(("user", "status"), [("member", 403), ("outsider", 404)])
    def test_it_keeps_the_photo_for_anyone_else(self, world, client_for, photo, user, status):
        response = client_for(getattr(world, user)).post(reverse("activities:photo_delete", args=[photo.uuid]))
        assert response.status_code == status
        assert ActivityPhoto.objects.filter(pk=photo.pk).exists() and photo.image.storage.exists(photo.image.name)


class TestCheckInPage:
    def test_it_tells_someone_without_a_registration_and_registers_nobody(self, world, client_for):
        activity = make_activity(world.own_org, invite_alliance=True, starts_in=timedelta(minutes=30))
        url = reverse("activities:checkin", args=[activity.uuid, activity.checkin_token])
        response = client_for(world.outsider).post(url, follow=True)
        assert messages_of(response) == ["您未报名该活动。"]
        assert not Registration.objects.exists()

    def test_it_refuses_someone_who_cancelled(self, world, client_for):
        activity = make_activity(world.own_org, starts_in=timedelta(minutes=30))
        activity.register(world.member.person).cancel(by=world.member)
        url = reverse("activities:checkin", args=[activity.uuid, activity.checkin_token])
        response = client_for(world.member).post(url, follow=True)
        assert messages_of(response) == ["支部党员没有正式名额（状态：已取消）。"]
        assert Registration.objects.get().status == S.CANCELLED

    def test_it_shows_the_organizer_who_is_still_expected(self, world, client_for):
        activity = make_activity(world.own_org, starts_in=timedelta(minutes=30))
        came, expected = make_people(world.own_branch, 2)
        activity.register(came).check_in(by=world.org_admin)
        activity.register(expected)
        page = client_for(world.org_admin).get(reverse("activities:checkin", args=[activity.uuid, activity.checkin_token]))
        assert [r.person for r in page.context["pending"]] == [expected]
        assert (page.context["checked_in"], page.context["taken"]) == (1, 2)


class TestGroupRegistration:
    def test_it_answers_404_for_an_organization_the_admin_does_not_run(self, world, client_for):
        activity = make_activity(world.own_org, invite_alliance=True)
        client = client_for(world.org_admin)
        url = reverse("activities:group_register", args=[activity.uuid])
        assert client.get(url, {"organization": world.foreign_org.uuid}).status_code == 404
        body = {"organization": world.foreign_org.uuid, "people": [world.outsider.person.uuid]}
        assert client.post(url, body).status_code == 404
        assert client.get(url, {"organization": "not-a-uuid"}).status_code == 404
        assert not Registration.objects.exists()

    def test_it_marks_members_already_registered(self, world, client_for):
        activity = make_activity(world.own_org)
        activity.register(world.member.person)
        page = client_for(world.org_admin).get(
            reverse("activities:group_register", args=[activity.uuid]), {"organization": world.own_branch.uuid}
        )
        assert page.context["already"] == {world.member.person.uuid}
        assert page["Cache-Control"] == "no-store"


class TestRegistrationList:
    def test_it_filters_the_organizers_list_by_status_as_a_partial(self, world, client_for):
        activity = make_activity(world.own_org, capacity=1)
        holder, waiting = make_people(world.own_branch, 2)
        activity.register(holder)
        activity.register(waiting)
        response = client_for(world.org_admin).get(
            reverse("activities:registrations", args=[activity.uuid]),
            {"status": "waitlisted"},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="object-table",
        )
        body = response.content.decode()
        assert "<html" not in body
        assert [r.person for r in response.context["object_list"]] == [waiting]
        assert waiting.name in body and holder.name not in body

    @pytest.mark.parametrize(("user", "status"), [("member", 403), ("outsider", 404)])
    def test_it_keeps_the_list_and_the_export_to_organizers(self, world, client_for, user, status):
        activity = make_activity(world.own_org)
        client = client_for(getattr(world, user))
        assert client.get(reverse("activities:registrations", args=[activity.uuid])).status_code == status
        assert client.get(reverse("activities:attendance_export", args=[activity.uuid])).status_code == status
        assert client.post(reverse("activities:no_shows", args=[activity.uuid])).status_code == status

    def test_it_explains_no_shows_before_the_end_and_changes_nothing(self, world, client_for):
        activity = make_activity(world.own_org)
        activity.register(world.member.person)
        response = client_for(world.org_admin).post(reverse("activities:no_shows", args=[activity.uuid]), follow=True)
        assert messages_of(response) == ["活动结束后才能登记缺席。"]
        assert Registration.objects.get().status == S.REGISTERED

    def test_it_ignores_an_offsite_next_after_cancelling(self, world, client_for):
        activity = make_activity(world.own_org)
        registration = activity.register(world.member.person)
        response = client_for(world.member).post(
            reverse("activities:registration_cancel", args=[registration.uuid]), {"next": "https://evil.example/"}
        )
        assert response.status_code == 302 and response["Location"] == activity.get_absolute_url()
        assert Registration.objects.get().status == S.CANCELLED
