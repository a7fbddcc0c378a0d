"""Who belongs to a task's team: the claimant, named people, current members of the claiming organization."""

import datetime

import pytest
from django.utils import timezone

from gongjian.lib.testing import make_user
from gongjian.orgs.models import Membership
from gongjian.projects.models import Task

pytestmark = pytest.mark.django_db


def claimed_by_branch(world, task):
    task.claim(world.org_admin, team_org=world.own_branch)
    return Task.objects.get(pk=task.pk)


def test_it_has_no_team_while_open(world, task):
    assert not task.is_team_member(world.member)
    assert not task.is_team_member(world.org_admin)


def test_it_counts_the_claimant_and_current_members_but_not_admins_above(world, task):
    task = claimed_by_branch(world, task)
    assert task.is_team_member(world.org_admin), "the claimant"
    assert task.is_team_member(world.member), "a member of the claiming branch"
    assert not task.is_team_member(world.alliance_admin), "an admin above who did not claim"
    assert not task.is_team_member(world.outsider)


def test_it_drops_a_member_who_left_the_claiming_organization(world, task):
    task = claimed_by_branch(world, task)
    Membership.objects.filter(person=world.member.person, organization=world.own_branch).update(
        left_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert not task.is_team_member(world.member)
    assert not Task.objects.of_team(world.member).filter(pk=task.pk).exists()


def test_it_answers_from_the_given_organizations_without_a_query(world, task, django_assert_num_queries):
    task = claimed_by_branch(world, task)
    task = Task.objects.for_board().get(pk=task.pk)
    with django_assert_num_queries(0):
        assert task.is_team_member(world.member, member_org_ids={world.own_branch.pk})
        assert not task.is_team_member(world.member, member_org_ids={world.own_org.pk})


def test_it_never_counts_a_user_without_a_person_unless_they_claimed(world, task):
    task = claimed_by_branch(world, task)
    sysadmin = make_user("sysadmin-team", admin_role="system")
    assert not task.is_team_member(sysadmin)
    assert not Task.objects.of_team(sysadmin).exists()


def test_it_lets_the_lead_review_a_partners_work_but_not_its_own_teams(world, task):
    task.claim(world.outsider, team_org=world.foreign_org)
    partner_work = Task.objects.get(pk=task.pk)
    assert partner_work.can_review(world.org_admin)
    assert not partner_work.can_review(world.outsider), "the partner's admin does not edit the lead"
    own = claimed_by_branch(world, Task.objects.create(project=task.project, title="学院自己的任务", order=99))
    assert not own.can_review(world.org_admin), "the claimant"
    assert own.can_review(world.alliance_admin)
