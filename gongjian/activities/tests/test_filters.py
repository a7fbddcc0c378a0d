"""The activity and registration list filters: by person, organization, series, time and text."""

from datetime import date, datetime, timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from gongjian.activities.choices import RegistrationStatus as S
from gongjian.activities.filters import ActivityFilterSet, RegistrationFilterSet
from gongjian.activities.models import Activity, Registration, Series
from gongjian.activities.models.registration import new_code

from .helpers import make_activity, make_speaker

pytestmark = pytest.mark.django_db


def titles(data, user):
    request = RequestFactory().get("/")
    request.user = user
    filterset = ActivityFilterSet(data, queryset=Activity.objects.all(), request=request)
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("title", flat=True))


def register(activity, person, status=S.REGISTERED):
    return Registration.objects.create(activity=activity, person=person, status=status, code=new_code())


class TestByPerson:
    def test_it_finds_what_a_person_registered_for_or_speaks_at_but_not_cancelled(self, world):
        me = world.member.person
        register(make_activity(world.own_org, title="报名的活动"), me)
        register(make_activity(world.own_org, title="取消报名的活动"), me, S.CANCELLED)
        make_activity(world.own_org, title="主讲的活动", speakers=[me])
        make_activity(world.own_org, title="无关的活动")
        assert titles({"person": me.uuid}, world.member) == {"报名的活动", "主讲的活动"}

    def test_it_answers_nothing_for_a_person_the_user_may_not_see(self, world):
        stranger = world.outsider.person
        register(make_activity(world.foreign_org, title="街道活动"), stranger)
        assert titles({"person": stranger.uuid}, world.member) == set()
        assert titles({"person": stranger.uuid}, world.outsider) == {"街道活动"}

    def test_it_answers_nothing_for_an_unknown_person(self, world):
        make_activity(world.own_org, title="任一活动")
        assert titles({"person": "00000000-0000-4000-8000-000000000000"}, world.alliance_admin) == set()

    def test_it_finds_a_speaker_from_outside_the_alliance_for_an_alliance_admin(self, world):
        speaker = make_speaker()
        make_activity(world.own_org, title="外请专家宣讲", speakers=[speaker])
        assert titles({"person": speaker.uuid}, world.alliance_admin) == {"外请专家宣讲"}


class TestByOrganizationAndSeries:
    def test_it_finds_hosted_co_hosted_and_invited_activities_of_an_organization(self, world):
        make_activity(world.foreign_org, title="街道主办")
        make_activity(world.own_org, title="街道协办", co_hosts=[world.foreign_org])
        make_activity(world.own_org, title="邀请街道", invited_orgs=[world.foreign_org])
        make_activity(world.own_org, title="学院独办")
        assert titles({"organization": world.foreign_org.uuid}, world.alliance_admin) == {"街道主办", "街道协办", "邀请街道"}

    def test_it_answers_nothing_for_an_unknown_organization(self, world):
        make_activity(world.own_org, title="学院独办")
        assert titles({"organization": "00000000-0000-4000-8000-000000000000"}, world.alliance_admin) == set()

    def test_it_matches_an_organizations_short_name(self, world):
        make_activity(world.own_org, title="学院主办")
        make_activity(world.foreign_org, title="街道主办")
        assert titles({"org_name": world.own_org.short_name}, world.alliance_admin) == {"学院主办"}

    def test_it_keeps_to_one_series(self, world):
        series = Series.objects.create(name="系列宣讲", organization=world.own_org)
        other = Series.objects.create(name="另一系列", organization=world.own_org)
        make_activity(world.own_org, title="第一讲", series=series)
        make_activity(world.own_org, title="别的系列", series=other)
        make_activity(world.own_org, title="不在系列")
        assert titles({"series": series.uuid}, world.member) == {"第一讲"}


class TestByTimeAndText:
    def test_it_counts_an_activity_under_way_as_upcoming_not_past(self, world):
        make_activity(world.own_org, title="进行中", starts_in=timedelta(hours=-1), duration=timedelta(hours=2))
        make_activity(world.own_org, title="已结束", starts_in=timedelta(days=-2))
        make_activity(world.own_org, title="将开始", starts_in=timedelta(days=2))
        assert titles({"when": "upcoming"}, world.member) == {"进行中", "将开始"}
        assert titles({"when": "past"}, world.member) == {"已结束"}
        assert titles({"when": ""}, world.member) == {"进行中", "已结束", "将开始"}

    def test_it_takes_both_ends_of_a_date_range(self, world):
        tz = timezone.get_current_timezone()
        for day in (9, 10, 20, 21):
            make_activity(world.own_org, title=f"{day}日活动", starts_at=datetime(2024, 3, day, 9, tzinfo=tz))
        data = {"starts_after": date(2024, 3, 10), "starts_before": date(2024, 3, 20)}
        assert titles(data, world.member) == {"10日活动", "20日活动"}

    def test_it_searches_title_venue_and_host_and_ignores_blank_text(self, world):
        make_activity(world.own_org, title="主题党日", venue="松江大学城")
        make_activity(world.foreign_org, title="社区服务", venue="社区中心")
        make_activity(world.own_org, title="理论宣讲", venue="报告厅")
        assert titles({"q": "大学城"}, world.alliance_admin) == {"主题党日"}
        assert titles({"q": "广富林"}, world.alliance_admin) == {"社区服务"}
        assert titles({"q": " 宣讲 "}, world.alliance_admin) == {"理论宣讲"}
        assert len(titles({"q": "   "}, world.alliance_admin)) == 3


def test_it_finds_a_registration_by_name_or_by_a_lower_case_code(world):
    activity = make_activity(world.own_org)
    mine = register(activity, world.member.person)
    register(activity, world.org_admin.person)
    registrations = Registration.objects.all()

    by_code = RegistrationFilterSet({"q": f" {mine.code.lower()} "}, queryset=registrations)
    assert list(by_code.qs) == [mine]
    by_name = RegistrationFilterSet({"q": world.member.person.name}, queryset=registrations)
    assert list(by_name.qs) == [mine]
