"""The exchange's accepted claims become projects through Project.objects.from_claim."""

import pytest

from gongjian.exchange.models import Need
from gongjian.projects.models import Project


@pytest.fixture
def published_need(world, design):
    need = Need.objects.create(
        organization=world.foreign_org,
        category=design,
        title="25 个采样亭改造设计",
        description="为街道 25 个采样亭做个性化改造设计",
    )
    need.publish(by=world.outsider)
    return need


def test_it_turns_an_accepted_claim_into_a_project(world, published_need):
    claim = published_need.claim(world.own_org, by=world.org_admin, message="学院工业设计系可承担")
    project = claim.accept(world.outsider)
    assert isinstance(project, Project)
    assert project.lead == world.own_org
    assert list(project.partners.all()) == [world.foreign_org]
    assert list(project.needs.all()) == [published_need]
    assert project.status == "planning"


def test_it_joins_an_existing_project_on_acceptance(world, published_need):
    existing = Project.objects.create(title="茸城e家党群阵地升级", lead=world.own_org)
    claim = published_need.claim(world.own_org, by=world.org_admin)
    project = claim.accept(world.outsider, join=existing)
    assert project == existing
    assert list(existing.needs.all()) == [published_need]
    assert Project.objects.count() == 1
