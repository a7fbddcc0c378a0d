import pytest

from gongjian.projects.models import Project, Task

from .factories import ProjectFactory, TaskFactory, active_project


def accept(task, world):
    task.claim(world.member, team_org=world.own_branch)
    task.submit(world.member, "完成")
    task.accept(world.org_admin)


def test_it_is_zero_without_tasks(world):
    project = ProjectFactory(lead=world.own_org)
    assert project.progress() == 0
    assert Project.objects.with_progress().get(pk=project.pk).progress_percent == 0


def test_it_counts_accepted_weight_over_total_weight(world, project):
    light, medium, heavy, heaviest = (TaskFactory(project=project, weight=w) for w in (1, 2, 3, 4))
    assert project.progress() == 0

    accept(heavy, world)
    assert project.progress() == 30
    accept(light, world)
    assert Project.objects.with_progress().get(pk=project.pk).progress_percent == 40
    assert project.progress() == 40
    assert (project.weight_accepted, project.weight_total) == (4, 10)


def test_it_ignores_work_not_yet_accepted(world, project):
    claimed, submitted, returned = TaskFactory.create_batch(3, project=project)
    claimed.claim(world.member, team_org=world.own_branch)
    submitted.claim(world.member, team_org=world.own_branch)
    submitted.submit(world.member, "完成")
    returned.claim(world.member, team_org=world.own_branch)
    returned.submit(world.member, "完成")
    returned.return_(world.org_admin, "再改")
    assert project.progress() == 0


def test_it_moves_by_four_percent_for_one_booth_of_25(world, project):
    tasks = TaskFactory.create_batch(25, project=project)
    accept(tasks[0], world)
    assert project.progress() == 4


def test_it_rounds_down_to_a_whole_percent(world, project):
    tasks = TaskFactory.create_batch(3, project=project)
    accept(tasks[0], world)
    assert project.progress() == 33
    accept(tasks[1], world)
    assert project.progress() == 66


def test_it_reaches_one_hundred(world, project):
    for task in TaskFactory.create_batch(2, project=project, weight=5):
        accept(task, world)
    assert project.progress() == 100


def test_it_is_not_inflated_by_partners_or_other_projects(world, project, stranger_org):
    project.partners.add(stranger_org)
    other = active_project(world.own_org)
    TaskFactory.create_batch(3, project=other)
    mine = TaskFactory(project=project, weight=2)
    TaskFactory(project=project, weight=2)
    accept(mine, world)
    rows = {p.pk: p.progress_percent for p in Project.objects.with_progress().involving(world.foreign_org)}
    assert rows == {project.pk: 50}
    assert Project.objects.with_progress().get(pk=other.pk).progress_percent == 0


def test_it_computes_a_list_in_one_query(world, django_assert_num_queries):
    for n in range(4):
        project = active_project(world.own_org, title=f"项目{n}")
        TaskFactory.create_batch(n + 1, project=project)
    with django_assert_num_queries(1):
        values = [p.progress() for p in Project.objects.with_progress()]
    assert len(values) == 4


def test_it_computes_one_project_in_one_query(world, project, django_assert_num_queries):
    TaskFactory.create_batch(5, project=project)
    fresh = Project.objects.get(pk=project.pk)
    with django_assert_num_queries(1):
        assert fresh.progress() == 0


@pytest.mark.parametrize("weight", [0, 101])
def test_it_refuses_weights_outside_1_to_100(world, project, weight):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        Task(project=project, title="越界", weight=weight).full_clean()
