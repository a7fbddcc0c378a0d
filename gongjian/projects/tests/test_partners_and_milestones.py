"""Small project verbs: partners never include the lead; a milestone keeps the time it was first reached."""

from gongjian.projects.models import Milestone

from .factories import ProjectFactory


def test_it_never_makes_the_lead_its_own_partner(world, stranger_org):
    project = ProjectFactory(lead=world.own_org)
    project.set_partners([world.own_org, world.foreign_org, stranger_org])
    assert set(project.partners.all()) == {world.foreign_org, stranger_org}


def test_it_takes_partners_as_primary_keys_too(world, stranger_org):
    project = ProjectFactory(lead=world.own_org)
    project.set_partners([world.own_org.pk, stranger_org.pk])
    assert list(project.partners.all()) == [stranger_org]
    project.set_partners([])
    assert not project.partners.exists()


def test_it_keeps_the_first_time_a_milestone_was_reached(world):
    milestone = Milestone.objects.create(project=ProjectFactory(lead=world.own_org), title="完成设计方案")
    milestone.mark_done()
    first = Milestone.objects.get(pk=milestone.pk).done_at
    assert first is not None
    milestone.mark_done()
    assert Milestone.objects.get(pk=milestone.pk).done_at == first
