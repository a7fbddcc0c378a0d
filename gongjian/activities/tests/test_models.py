"""Activity rules that live on the model: validation, sanitising, visibility and editing scope."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongjian.activities.models import Activity, Series
from gongjian.lib.richtext import clean_html
from gongjian.lib.testing import make_member
from gongjian.orgs.models import Organization

from .helpers import make_activity, make_people, make_speaker

pytestmark = pytest.mark.django_db


def test_it_refuses_an_end_before_the_start(world):
    now = timezone.now()
    activity = Activity(title="圆桌交流", kind="roundtable", track="study", host=world.own_org, starts_at=now, ends_at=now - timedelta(hours=1))
    with pytest.raises(ValidationError) as e:
        activity.full_clean()
    assert "ends_at" in e.value.message_dict


def test_it_enforces_the_end_after_start_in_the_database(world):
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.create(title="x", kind="other", track="build", host=world.own_org, starts_at=now, ends_at=now)


def test_it_refuses_a_registration_window_closing_before_it_opens(world):
    activity = make_activity(world.own_org)
    activity.registration_opens_at = activity.starts_at - timedelta(days=1)
    activity.registration_closes_at = activity.starts_at - timedelta(days=2)
    with pytest.raises(ValidationError) as e:
        activity.full_clean()
    assert "registration_closes_at" in e.value.message_dict


def test_it_refuses_a_registration_window_closing_after_the_end(world):
    activity = make_activity(world.own_org)
    activity.registration_closes_at = activity.ends_at + timedelta(minutes=1)
    with pytest.raises(ValidationError) as e:
        activity.full_clean()
    assert "registration_closes_at" in e.value.message_dict


def test_it_refuses_a_capacity_below_the_places_taken(world):
    activity = make_activity(world.own_org, capacity=5)
    for person in make_people(world.own_branch, 3):
        activity.register(person)
    activity.capacity = 2
    with pytest.raises(ValidationError) as e:
        activity.full_clean()
    assert "capacity" in e.value.message_dict
    activity.capacity = 3
    activity.full_clean()


def test_it_refuses_a_zero_capacity(world):
    activity = make_activity(world.own_org)
    activity.capacity = 0
    with pytest.raises(ValidationError):
        activity.full_clean()


def test_it_refuses_the_host_as_co_host_and_speakers_outside_the_expert_pool(world):
    activity = make_activity(world.own_org)
    not_a_speaker = world.member.person
    with pytest.raises(ValidationError) as e:
        activity.clean_relations(co_hosts=[world.own_org], speakers=[make_speaker(), not_a_speaker])
    assert set(e.value.message_dict) == {"co_hosts", "speakers"}
    assert not_a_speaker.name in e.value.message_dict["speakers"][0]


def test_it_keeps_a_series_on_its_track(world):
    series = Series.objects.create(name="“熔·融”系列理论宣讲", track="study", organization=world.own_org)
    activity = make_activity(world.own_org, series=series, track="build")
    with pytest.raises(ValidationError) as e:
        activity.full_clean()
    assert "series" in e.value.message_dict


def test_it_sanitises_minutes_on_every_save(world):
    activity = make_activity(world.own_org)
    activity.minutes = '<p onclick="steal()">纪要</p><script>alert(1)</script><img src=x onerror="alert(2)"><style>p{}</style><a href="javascript:alert(3)">链接</a>'
    activity.save()
    activity.refresh_from_db()
    assert "<script" not in activity.minutes and "alert(1)" not in activity.minutes
    assert "onerror" not in activity.minutes and "onclick" not in activity.minutes
    assert "<style" not in activity.minutes and "javascript:" not in activity.minutes
    assert "<p>纪要</p>" in activity.minutes


def test_it_keeps_harmless_formatting_in_minutes():
    html = '<h3>会议纪要</h3><ul><li><strong>一、</strong>学习二十大精神</li></ul><a href="https://example.cn">附件</a>'
    cleaned = clean_html(html)
    assert "<h3>会议纪要</h3>" in cleaned and "<strong>一、</strong>" in cleaned
    assert 'href="https://example.cn"' in cleaned and "noopener" in cleaned
    assert clean_html(cleaned) == cleaned


class TestVisibility:
    def test_it_shows_an_activity_to_members_of_the_host_and_its_branches(self, world):
        activity = make_activity(world.own_org)
        assert Activity.objects.visible_to(world.member).filter(pk=activity.pk).exists()
        assert Activity.objects.visible_to(world.org_admin).filter(pk=activity.pk).exists()
        assert not Activity.objects.visible_to(world.outsider).filter(pk=activity.pk).exists()

    def test_it_shows_an_activity_to_co_hosts_and_invited_organizations(self, world):
        cohosted = make_activity(world.own_branch, co_hosts=[world.foreign_org])
        invited = make_activity(world.own_branch, invited_orgs=[world.foreign_org])
        visible = set(Activity.objects.visible_to(world.outsider).values_list("pk", flat=True))
        assert {cohosted.pk, invited.pk} <= visible

    def test_it_shows_an_alliance_wide_activity_to_everyone_signed_in(self, world):
        activity = make_activity(world.foreign_org, invite_alliance=True)
        for user in world.users.values():
            assert Activity.objects.visible_to(user).filter(pk=activity.pk).exists()

    def test_it_hides_a_branch_activity_from_a_sibling_branch(self, world):
        sibling = Organization.objects.create(name="机械制造系教工党支部", sector="school", kind="branch", parent=world.own_org)
        activity = make_activity(sibling)
        assert not Activity.objects.visible_to(world.member).filter(pk=activity.pk).exists()
        # The college's admin reaches every branch below the college.
        assert Activity.objects.visible_to(world.org_admin).filter(pk=activity.pk).exists()

    def test_it_shows_speakers_and_registered_people_their_activities(self, world):
        speaker = make_speaker()
        speaker_user = make_member("speaker", "外聘", world.foreign_org)
        speaker_user.person = speaker
        speaker_user.save()
        activity = make_activity(world.own_org, speakers=[speaker])
        assert Activity.objects.visible_to(speaker_user).filter(pk=activity.pk).exists()

    def test_it_lets_only_host_admins_edit(self, world):
        activity = make_activity(world.own_branch, co_hosts=[world.foreign_org])
        def editable(user):
            return Activity.objects.editable_by(user).filter(pk=activity.pk).exists()
        assert editable(world.alliance_admin) and editable(world.org_admin)
        assert not editable(world.member)
        assert not editable(world.outsider), "co-hosting does not make the co-host an editor"

    def test_it_does_not_repeat_rows_for_many_co_hosts(self, world):
        activity = make_activity(world.own_org, co_hosts=[world.own_branch, world.foreign_org], invited_orgs=[world.own_branch])
        assert list(Activity.objects.visible_to(world.member).values_list("pk", flat=True)) == [activity.pk]
