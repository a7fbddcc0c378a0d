import pytest

from gongjian.exchange.models import Claim, Need, Resource
from gongjian.orgs.models import Organization
from gongjian.projects.models import Project, ProjectEvent


@pytest.fixture
def need(world, design):
    return Need.objects.create(
        organization=world.foreign_org, category=design, title="采样亭改造设计", description="25 个采样亭的个性化改造"
    )


@pytest.fixture
def third_org(world):
    return Organization.objects.create(name="泗泾镇党委", sector="government", kind="committee")


def test_it_creates_a_project_led_by_the_claimant(world, need, third_org):
    claim = Claim.objects.create(need=need, claimant=world.own_org)
    claim.partners.add(third_org)

    project = Project.objects.from_claim(claim)

    assert project.pk and project.status == Project.Status.PLANNING
    assert project.title == "采样亭改造设计"
    assert project.goals == "25 个采样亭的个性化改造"
    assert project.lead == world.own_org
    assert set(project.partners.all()) == {world.foreign_org, third_org}
    assert list(project.needs.all()) == [need]
    assert not project.resources.exists()


def test_it_joins_an_existing_project_without_duplicating_partners(world, need, third_org):
    existing = Project.objects.create(title="党群阵地升级", lead=world.own_org)
    existing.partners.add(world.foreign_org)
    claim = Claim.objects.create(need=need, claimant=third_org)

    project = Project.objects.from_claim(claim, join=existing)

    assert project == existing
    assert Project.objects.count() == 1
    assert set(project.partners.all()) == {world.foreign_org, third_org}
    assert list(project.needs.all()) == [need]
    assert project.lead == world.own_org


def test_it_links_a_requested_resource_and_its_owner(world, design):
    resource = Resource.objects.create(organization=world.own_org, category=design, title="工业设计专业服务")
    claim = Claim.objects.create(resource=resource, claimant=world.foreign_org)

    project = Project.objects.from_claim(claim)

    assert project.lead == world.foreign_org
    assert list(project.partners.all()) == [world.own_org]
    assert list(project.resources.all()) == [resource]


def test_it_writes_nothing_when_linking_fails(world, need, monkeypatch):
    claim = Claim.objects.create(need=need, claimant=world.own_org)

    def boom(*args, **kwargs):
        raise RuntimeError("link failed")

    monkeypatch.setattr(Project.needs.related_manager_cls, "add", boom)
    with pytest.raises(RuntimeError):
        Project.objects.from_claim(claim)
    assert not Project.objects.exists()
    assert not ProjectEvent.objects.exists()


def test_it_starts_the_claimed_need_when_the_project_starts(world, need):
    from gongjian.exchange.choices import NeedStatus

    Need.objects.filter(pk=need.pk).update(status=NeedStatus.CLAIMED, published_at="2023-03-01T00:00:00+08:00")
    project = Project.objects.from_claim(Claim.objects.create(need=need, claimant=world.own_org))
    project.activate(by=world.org_admin)
    need.refresh_from_db()
    assert need.status == NeedStatus.IN_PROGRESS
