"""Form choices follow the user's scope; filters are shared by pages and the API."""

import pytest

from gongjian.projects.filters import ProjectFilterSet, TaskFilterSet
from gongjian.projects.forms import BulkTaskForm, ClaimForm, ProjectForm, team_choices
from gongjian.projects.models import Project, Task

from .factories import TaskFactory, active_project


class FakeRequest:
    def __init__(self, user):
        self.user = user


def test_it_offers_only_editable_organizations_as_lead(world):
    form = ProjectForm(user=world.org_admin)
    assert set(form.fields["lead"].queryset) == {world.own_org, world.own_branch}
    assert set(ProjectForm(user=world.alliance_admin).fields["lead"].queryset) >= {world.own_org, world.foreign_org}
    assert not ProjectForm(user=world.member).fields["lead"].queryset.exists()


def test_it_lets_only_the_alliance_feature_projects(world):
    assert "is_featured" not in ProjectForm(user=world.org_admin).fields
    assert "is_featured" in ProjectForm(user=world.alliance_admin).fields


def test_it_validates_the_period_through_the_model(world):
    form = ProjectForm(
        data={"title": "日期", "track": "create", "lead": world.own_org.pk, "period_start": "2023-06-01", "period_end": "2023-05-01"},
        user=world.org_admin,
    )
    assert not form.is_valid() and "period_end" in form.errors


def test_it_offers_the_users_organizations_and_themselves_as_teams(world):
    assert team_choices(world.member) == [(f"org:{world.own_branch.uuid}", "工业设计系教工党支部"), ("me", "我本人（个人认领）")]
    form = ClaimForm(data={"team": "me"}, user=world.member)
    assert form.is_valid() and form.chosen_team() == (None, [world.member.person])
    form = ClaimForm(data={"team": f"org:{world.own_branch.uuid}"}, user=world.member)
    assert form.is_valid() and form.chosen_team() == (world.own_branch, [])
    assert not ClaimForm(data={"team": f"org:{world.foreign_org.uuid}"}, user=world.member).is_valid()


def test_it_offers_no_team_to_a_user_without_a_person(world):
    from gongjian.lib.testing import make_user

    assert team_choices(make_user("robot")) == []


def test_it_needs_a_list_or_a_file(world):
    assert not BulkTaskForm(data={"text": "  "}).is_valid()
    assert BulkTaskForm(data={"text": "甲"}).is_valid()


def test_it_filters_projects_by_status_track_organization_and_text(world):
    led = active_project(world.own_org, title="学院牵头", brand="熔·融")
    partnered = active_project(world.foreign_org, partners=[world.own_org], title="街道牵头")
    planning = Project.objects.create(title="筹备项目", lead=world.foreign_org)
    request = FakeRequest(world.alliance_admin)

    def titles(params):
        filterset = ProjectFilterSet(params, queryset=Project.objects.all(), request=request)
        assert filterset.is_valid(), filterset.errors
        return {p.title for p in filterset.qs}

    assert titles({"status": "planning"}) == {planning.title}
    assert titles({"organization": str(world.own_org.uuid)}) == {led.title, partnered.title}
    assert titles({"q": "熔"}) == {led.title}
    assert titles({"q": "广富林"}) == {partnered.title, planning.title}  # by the lead's name
    assert titles({"track": "study"}) == set()


def test_it_hides_archived_projects_unless_asked(world):
    kept = active_project(world.own_org, title="在办")
    gone = Project.objects.create(title="已归档", lead=world.own_org)
    gone.archive()
    request = FakeRequest(world.alliance_admin)
    default = {p.title for p in ProjectFilterSet({}, queryset=Project.objects.all(), request=request).qs}
    shown = {p.title for p in ProjectFilterSet({"archived": "true"}, queryset=Project.objects.all(), request=request).qs}
    assert default == {kept.title} and shown == {kept.title, gone.title}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "claimed"}, {"已认领", "别人的"}),
        ({"status": "open"}, {"龙腾路"}),
        ({"q": "龙腾"}, {"龙腾路"}),
        ({}, {"已认领", "龙腾路", "别人的"}),
    ],
)
def test_it_filters_tasks(world, project, params, expected):
    TaskFactory(project=project, title="已认领").claim(world.member, team_org=world.own_branch)
    TaskFactory(project=project, title="龙腾路", location="龙腾路1050号")
    TaskFactory(project=project, title="别人的").claim(world.outsider, team_org=world.foreign_org)
    filterset = TaskFilterSet(params, queryset=Task.objects.all(), request=FakeRequest(world.member))
    assert {t.title for t in filterset.qs} == expected


def test_it_filters_my_teams_tasks(world, project):
    by_org = TaskFactory(project=project, title="组织认领")
    by_org.claim(world.org_admin, team_org=world.own_branch)  # the member's branch, claimed by an admin above it
    by_name = TaskFactory(project=project, title="点名认领")
    by_name.claim(world.org_admin, team_people=[world.member.person])
    TaskFactory(project=project, title="别人的").claim(world.outsider, team_org=world.foreign_org)
    TaskFactory(project=project, title="无人认领")
    filterset = TaskFilterSet({"mine": "true"}, queryset=Task.objects.all(), request=FakeRequest(world.member))
    assert {t.title for t in filterset.qs} == {"组织认领", "点名认领"}
