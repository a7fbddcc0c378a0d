"""Two teams claiming the last open task at once: exactly one wins."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from gongjian.projects.models import Task, TaskEvent

from .factories import TaskFactory


def test_it_lets_the_second_of_two_teams_lose_in_turn(world, project, task):
    """The sequential form, on any database: the later claim sees the task taken."""
    seen_by_first, seen_by_second = Task.objects.get(pk=task.pk), Task.objects.get(pk=task.pk)
    seen_by_first.claim(world.member, team_org=world.own_branch)
    with pytest.raises(ValidationError, match="已被|already"):
        seen_by_second.claim(world.outsider, team_org=world.foreign_org)
    task.refresh_from_db()
    assert task.team_org == world.own_branch and task.claimed_by == world.member
    assert TaskEvent.objects.filter(task=task, action="claim").count() == 1


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks across connections")
@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_two_simultaneous_teams_win(settings):
    from gongjian.lib.testing import build_world

    from .factories import active_project

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = build_world()
    project = active_project(world.own_org, partners=[world.foreign_org])
    TaskFactory(project=project, title="已认领", location="广富林路1号").claim(world.member, team_org=world.own_branch)
    last = TaskFactory(project=project, title="最后一个采样亭", location="广富林路25号")
    contenders = [(world.member, world.own_branch), (world.outsider, world.foreign_org)]
    start = threading.Barrier(len(contenders))
    outcomes = []

    def claim(user, org):
        try:
            task = Task.objects.get(pk=last.pk)
            start.wait(timeout=10)
            task.claim(user, team_org=org)
            outcomes.append(("won", org.pk))
        except ValidationError:
            outcomes.append(("lost", org.pk))
        finally:
            connections.close_all()

    for _ in range(5):  # several rounds, to give the race a chance to happen
        threads = [threading.Thread(target=claim, args=pair) for pair in contenders]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        round_outcomes, outcomes[:] = list(outcomes), []
        assert sorted(result for result, _ in round_outcomes) == ["lost", "won"]
        winner = next(org for result, org in round_outcomes if result == "won")
        last.refresh_from_db()
        assert last.status == "claimed" and last.team_org_id == winner
        assert TaskEvent.objects.filter(task=last, action="claim").count() == 1
        # Reset for the next round.
        Task.objects.filter(pk=last.pk).update(status="open", team_org=None, claimed_by=None, claimed_at=None)
        TaskEvent.objects.filter(task=last).delete()
