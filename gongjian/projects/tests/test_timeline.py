from django.apps import apps

from .factories import active_project


def timeline(organization, user):
    return apps.get_app_config("projects").org_timeline(organization, user)


def test_it_lists_projects_the_organization_leads_or_partners(world):
    led = active_project(world.own_org, title="学院牵头")
    partnered = active_project(world.foreign_org, partners=[world.own_org], title="街道牵头")
    active_project(world.foreign_org, title="无关项目")
    entries = timeline(world.own_org, world.alliance_admin)
    assert {e["url"] for e in entries} == {led.get_absolute_url(), partnered.get_absolute_url()}
    assert all(set(e) >= {"date", "kind", "title", "url", "track"} for e in entries)
    assert {e["track"] for e in entries} == {"create"}
    assert any("学院牵头" in e["title"] for e in entries)


def test_it_shows_only_what_the_viewer_may_see(world):
    from gongjian.orgs.models import Organization

    sibling = Organization.objects.create(name="泗泾镇党委", sector="government", kind="committee")
    active_project(sibling, partners=[world.foreign_org], title="镇街合作")
    assert timeline(world.foreign_org, world.member) == []
    assert len(timeline(world.foreign_org, world.outsider)) == 1


def test_it_uses_a_fixed_number_of_queries(world, django_assert_num_queries):
    active_project(world.own_org)
    timeline(world.own_org, world.org_admin)  # the user's scope is computed once per request
    with django_assert_num_queries(1):
        first = timeline(world.own_org, world.org_admin)
    for n in range(5):
        active_project(world.own_org, partners=[world.foreign_org], title=f"项目{n}")
    with django_assert_num_queries(1):
        second = timeline(world.own_org, world.org_admin)
    assert (len(first), len(second)) == (1, 6)


def test_it_puts_the_menu_entries_in_the_projects_group(world):
    from gongjian.lib.navigation import menu_for

    groups = {key: items for key, _, items in menu_for(world.member)}
    urls = [url for _, url in groups["create"]]
    assert "/projects/" in urls and "/projects/tasks/" in urls
