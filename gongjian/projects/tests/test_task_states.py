"""The task state machine: every verb from every state, allowed or refused."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongjian.projects.choices import TaskStatus
from gongjian.projects.models import Task, TaskEvent, TaskEvidence

OPEN, CLAIMED, SUBMITTED, ACCEPTED, RETURNED = (
    TaskStatus.OPEN,
    TaskStatus.CLAIMED,
    TaskStatus.SUBMITTED,
    TaskStatus.ACCEPTED,
    TaskStatus.RETURNED,
)


def drive(task, world, status):
    """Bring a task to ``status`` through the verbs, as the member's branch team and the lead's admin."""
    if status == OPEN:
        return task
    task.claim(world.member, team_org=world.own_branch)
    if status == CLAIMED:
        return task
    task.submit(world.member, "设计方案已完成")
    if status == SUBMITTED:
        return task
    if status == ACCEPTED:
        return task.accept(world.org_admin)
    return task.return_(world.org_admin, "请补充效果图")


VERBS = {
    "claim": lambda task, world: task.claim(world.member, team_org=world.own_branch),
    "submit": lambda task, world: task.submit(world.member, "第二版方案"),
    "accept": lambda task, world: task.accept(world.org_admin),
    "return": lambda task, world: task.return_(world.org_admin, "尺寸不符"),
    "release": lambda task, world: task.release(world.member),
}

# (from, verb) -> the state it leads to; every pair not listed is refused.
ALLOWED = {
    (OPEN, "claim"): CLAIMED,
    (CLAIMED, "submit"): SUBMITTED,
    (CLAIMED, "release"): OPEN,
    (SUBMITTED, "accept"): ACCEPTED,
    (SUBMITTED, "return"): RETURNED,
    (RETURNED, "claim"): CLAIMED,
    (RETURNED, "submit"): SUBMITTED,
    (RETURNED, "release"): OPEN,
}
TABLE = [(start, verb, ALLOWED.get((start, verb))) for start in (OPEN, CLAIMED, SUBMITTED, ACCEPTED, RETURNED) for verb in VERBS]


@pytest.mark.parametrize(("start", "verb", "target"), TABLE, ids=[f"{s}-{v}" for s, v, _ in TABLE])
def test_it_allows_or_refuses_each_transition(world, task, start, verb, target):
    drive(task, world, start)
    fresh = Task.objects.get(pk=task.pk)
    events_before = TaskEvent.objects.filter(task=task).count()

    if target is None:
        with pytest.raises(ValidationError) as refused:
            VERBS[verb](fresh, world)
        assert refused.value.messages and all(message.strip() for message in refused.value.messages)
        assert Task.objects.get(pk=task.pk).status == start
        assert TaskEvent.objects.filter(task=task).count() == events_before
    else:
        VERBS[verb](fresh, world)
        assert Task.objects.get(pk=task.pk).status == target
        event = TaskEvent.objects.filter(task=task).latest("pk")
        assert (event.from_status, event.to_status) == (start, target)
        assert TaskEvent.objects.filter(task=task).count() == events_before + 1


def test_it_records_the_team_and_the_claimant(world, task):
    task.claim(world.member, team_org=world.own_branch)
    task.refresh_from_db()
    assert task.team_org == world.own_branch
    assert task.claimed_by == world.member
    assert task.claimed_at is not None
    assert task.team_label() == "工业设计系教工党支部"


def test_it_lets_named_people_claim(world, task):
    task.claim(world.member, team_people=[world.member.person])
    task.refresh_from_db()
    assert task.team_org is None
    assert list(task.team_people.all()) == [world.member.person]
    assert task.team_label() == "支部党员"


def test_it_refuses_a_claim_without_a_team(world, task):
    with pytest.raises(ValidationError, match="团队|team"):
        task.claim(world.member)
    assert Task.objects.get(pk=task.pk).status == OPEN


def test_it_refuses_claiming_for_an_organization_outside_ones_scope(world, task):
    with pytest.raises(PermissionDenied):
        task.claim(world.outsider, team_org=world.own_branch)
    assert Task.objects.get(pk=task.pk).status == OPEN


def test_it_refuses_naming_people_one_cannot_see(world, task):
    with pytest.raises(PermissionDenied):
        task.claim(world.outsider, team_people=[world.member.person])


def test_it_lets_a_partner_organization_claim(world, task):
    task.claim(world.outsider, team_org=world.foreign_org)
    assert Task.objects.get(pk=task.pk).team_org == world.foreign_org


def test_it_refuses_users_who_cannot_see_the_project(world, task, stranger_org):
    from gongjian.lib.testing import make_member

    stranger = make_member("stranger", "镇干部", stranger_org)
    with pytest.raises(PermissionDenied):
        task.claim(stranger, team_org=stranger_org)


def test_it_gives_a_returned_task_back_only_to_its_team(world, task):
    drive(task, world, RETURNED)
    with pytest.raises(PermissionDenied):
        Task.objects.get(pk=task.pk).claim(world.outsider, team_org=world.foreign_org)
    Task.objects.get(pk=task.pk).claim(world.member)
    task.refresh_from_db()
    assert task.status == CLAIMED and task.team_org == world.own_branch


def test_it_requires_evidence_to_submit(world, task):
    drive(task, world, CLAIMED)
    with pytest.raises(ValidationError) as refused:
        task.submit(world.member, "   ")
    assert "evidence" in refused.value.message_dict
    assert Task.objects.get(pk=task.pk).status == CLAIMED


def test_it_lets_only_the_team_submit(world, task):
    drive(task, world, CLAIMED)
    with pytest.raises(PermissionDenied):
        task.submit(world.outsider, "别人的成果")
    with pytest.raises(PermissionDenied):
        task.submit(world.org_admin, "上级代交")  # an admin above the branch is not in the team
    assert Task.objects.get(pk=task.pk).status == CLAIMED


def test_it_stores_evidence_files_checked_by_content(world, task, png):
    drive(task, world, CLAIMED)
    task.submit(world.member, "现场照片见附件", files=[png])
    piece = TaskEvidence.objects.get(task=task)
    assert piece.kind == "photo" and piece.content_type == "image/png"
    assert piece.file.name.endswith(".png") and "现场照片" not in piece.file.name
    assert piece.name == "现场照片.png"


def test_it_refuses_a_disguised_file_and_changes_nothing(world, task, fake_png):
    drive(task, world, CLAIMED)
    with pytest.raises(ValidationError):
        task.submit(world.member, "附件", files=[fake_png])
    assert Task.objects.get(pk=task.pk).status == CLAIMED
    assert not TaskEvidence.objects.exists()


def test_it_lets_only_lead_editors_review(world, task):
    drive(task, world, SUBMITTED)
    with pytest.raises(PermissionDenied):
        task.accept(world.outsider)  # admin of a partner, not of the lead
    with pytest.raises(PermissionDenied):
        task.accept(world.member)
    task.accept(world.alliance_admin)
    assert Task.objects.get(pk=task.pk).status == ACCEPTED


def test_it_refuses_reviewing_ones_own_teams_work(world, task):
    task.claim(world.org_admin, team_org=world.own_org)
    task.submit(world.org_admin, "自己完成")
    with pytest.raises(PermissionDenied):
        task.accept(world.org_admin)
    with pytest.raises(PermissionDenied):
        task.return_(world.org_admin, "自己退回")
    assert Task.objects.get(pk=task.pk).status == SUBMITTED


def test_it_requires_a_comment_to_return(world, task):
    drive(task, world, SUBMITTED)
    with pytest.raises(ValidationError) as refused:
        task.return_(world.org_admin, "")
    assert "comment" in refused.value.message_dict
    assert Task.objects.get(pk=task.pk).status == SUBMITTED


def test_it_keeps_the_reviewers_comments_on_a_return(world, task):
    drive(task, world, RETURNED)
    task.refresh_from_db()
    assert task.review_comment == "请补充效果图"
    assert task.reviewer == world.org_admin
    event = TaskEvent.objects.filter(task=task).latest("pk")
    assert event.action == "return" and event.comment == "请补充效果图" and event.actor == world.org_admin


def test_it_releases_a_task_and_forgets_the_team(world, task):
    task.claim(world.member, team_people=[world.member.person])
    task.release(world.member)
    task.refresh_from_db()
    assert task.status == OPEN and task.team_org is None and task.claimed_by is None
    assert not task.team_people.exists()


def test_it_lets_a_lead_editor_release_but_not_a_stranger(world, task):
    drive(task, world, CLAIMED)
    with pytest.raises(PermissionDenied):
        Task.objects.get(pk=task.pk).release(world.outsider)
    Task.objects.get(pk=task.pk).release(world.org_admin)
    assert Task.objects.get(pk=task.pk).status == OPEN


@pytest.mark.parametrize("verb", ["activate-later", "complete"])
def test_it_refuses_work_unless_the_project_is_active(world, task, verb):
    project = task.project
    if verb == "complete":
        project.complete()
    else:
        type(project).objects.filter(pk=project.pk).update(status="planning")
    with pytest.raises(ValidationError, match="进行中|active"):
        Task.objects.get(pk=task.pk).claim(world.member, team_org=world.own_branch)


def test_it_refuses_a_stale_instance_after_another_claim(world, task):
    first, second = Task.objects.get(pk=task.pk), Task.objects.get(pk=task.pk)
    first.claim(world.member, team_org=world.own_branch)
    with pytest.raises(ValidationError, match="已被|already"):
        second.claim(world.outsider, team_org=world.foreign_org)
    assert Task.objects.get(pk=task.pk).team_org == world.own_branch
    assert TaskEvent.objects.filter(task=task, action="claim").count() == 1


def test_it_records_transitions_in_the_audit_trail(world, task):
    from gongjian.audit.models import Record

    before = Record.objects.count()
    task.claim(world.member, team_org=world.own_branch)
    assert Record.objects.count() > before
    assert Record.objects.filter(changes__status=["open", "claimed"]).exists()


def test_it_deletes_only_untouched_open_tasks(world, task):
    drive(task, world, CLAIMED)
    with pytest.raises(ValidationError):
        Task.objects.get(pk=task.pk).delete()
    Task.objects.get(pk=task.pk).release(world.member)
    with pytest.raises(ValidationError):
        Task.objects.get(pk=task.pk).delete()  # it has history now
