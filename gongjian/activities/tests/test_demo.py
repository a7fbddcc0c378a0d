"""The demo loader builds the scenario's activities once; a second run writes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gongjian.activities import demo
from gongjian.activities.choices import RegistrationStatus as S
from gongjian.activities.models import Activity, Registration, Series
from gongjian.audit.models import Record

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs_demo():
    from gongjian.orgs import demo as orgs

    return orgs.load()


def test_it_loads_the_scenario_once(orgs_demo):
    demo.load()
    counts = (Activity.objects.count(), Registration.objects.count(), Series.objects.count(), Record.objects.count())
    demo.load()
    assert (Activity.objects.count(), Registration.objects.count(), Series.objects.count(), Record.objects.count()) == counts


def test_it_has_the_lecture_series_with_the_four_speakers(orgs_demo):
    demo.load()
    series = Series.objects.get(name=demo.LECTURE_SERIES)
    speakers = set(Activity.objects.filter(series=series, starts_at__year=2023).values_list("speakers__name", flat=True))
    assert speakers == {"顾劳模", "沈教授", "黄老师", "吴讲师"}


def test_it_dates_the_past_in_2023_h1_and_keeps_one_upcoming_activity_open(orgs_demo):
    demo.load()
    upcoming = Activity.objects.filter(starts_at__gt=timezone.now())
    assert upcoming.count() == 1
    [activity] = upcoming
    assert activity.is_registration_open()
    for past in Activity.objects.exclude(pk=activity.pk):
        local = timezone.localtime(past.starts_at)
        assert local.year == 2023 and local.month <= 6, past.title


def test_it_has_check_ins_for_the_demo_members(orgs_demo):
    demo.load()
    for name in ("张伟", "刘洋"):
        attended = Registration.objects.filter(person__name=name, status=S.ATTENDED)
        assert attended.count() >= 3 and all(r.checked_in_at for r in attended)
    assert Registration.objects.filter(status=S.NO_SHOW).exists()


def test_it_covers_the_scenarios_activities(orgs_demo):
    demo.load()
    employment = Activity.objects.get(title="就业创业组团服务专场")
    enterprises = set(employment.co_hosts.filter(sector="enterprise").values_list("name", flat=True))
    assert len(enterprises) == 8 and "上海比亚迪有限公司党委" in enterprises
    visit = Activity.objects.get(kind="research_visit")
    assert "正泰电气股份有限公司党委" in set(visit.invited_orgs.values_list("name", flat=True))
    two_sessions = Activity.objects.get(title="全国两会精神专题联学")
    assert list(two_sessions.co_hosts.values_list("name", flat=True)) == ["松江区科创发展办党组"]
    assert Activity.objects.filter(series__name=demo.G60_SERIES, kind="roundtable").count() >= 3
    assert Activity.objects.filter(kind="paired_study").count() == 3
    assert set(Activity.objects.values_list("track", flat=True)) == {"study", "build", "create"}


def test_it_holds_the_labour_lesson_at_the_practice_base_whatever_the_order(orgs_demo):
    from gongjian.agreements import demo as agreements

    demo.load()
    agreements.load()
    lesson = Activity.objects.get(title="微联盟劳动党课：走进渔墩村")
    assert lesson.practice_base is not None and lesson.practice_base.name == "渔墩村劳动党课实践基地"
    assert lesson in lesson.practice_base.activities()


def test_it_lets_a_demo_member_register_for_the_upcoming_lecture(orgs_demo):
    demo.load()
    from gongjian.accounts.models import User

    zhang = User.objects.get(username="member_zhang")
    activity = Activity.objects.visible_to(zhang).get(starts_at__gt=timezone.now() + timedelta(days=1))
    assert activity.register(zhang.person).status == S.REGISTERED
