import pytest

from gongjian.lib.testing import make_member
from gongjian.orgs.filters import OrganizationFilterSet, PersonFilterSet
from gongjian.orgs.forms import LinesField, MembershipForm, OrganizationForm, PersonForm, RegionForm
from gongjian.orgs.models import Membership, Organization, Person, Region

pytestmark = pytest.mark.django_db


def test_it_reads_one_item_per_line():
    field = LinesField(required=False)
    assert field.clean(" 党的二十大代表 \r\n\n上海市五一劳动奖章获得者\n") == ["党的二十大代表", "上海市五一劳动奖章获得者"]
    assert field.clean("") == []
    assert field.prepare_value(["甲", "乙"]) == "甲\n乙"


def test_it_renders_the_chosen_region_only_escaped_exactly_once(world):
    region = Region.objects.create(name="<b>A&B</b>", level=2, parent=world.city)
    world.foreign_org.region = region
    html = str(OrganizationForm(instance=world.foreign_org, user=world.alliance_admin)["region"])
    assert "&lt;b&gt;A&amp;B&lt;/b&gt;" in html
    assert "<b>" not in html and "&amp;lt;" not in html and "&amp;amp;" not in html
    assert html.count("<option") == 2  # the empty choice and the chosen region, not every region


def test_it_keeps_a_regions_own_subtree_out_of_its_parent_choices(world):
    form = RegionForm(instance=world.district, user=world.alliance_admin)
    assert list(form.fields["parent"].queryset) == [world.city]


class TestOrganizationForm:
    def data(self, org, **overrides):
        data = {"name": org.name, "sector": org.sector, "kind": org.kind, "parent": str(org.parent.uuid) if org.parent_id else ""}
        data.update(overrides)
        return data

    def test_it_lets_a_branch_admin_save_their_branch_under_a_parent_above_their_scope(self, world):
        branch_admin = make_member("branchadmin", "支部书记", world.own_branch, role=Membership.Role.ADMIN)
        form = OrganizationForm(data=self.data(world.own_branch, short_name="工设支部"), instance=world.own_branch, user=branch_admin)
        assert world.own_org in form.fields["parent"].queryset
        assert form.is_valid(), form.errors
        form.save()
        world.own_branch.refresh_from_db()
        assert world.own_branch.parent == world.own_org and world.own_branch.short_name == "工设支部"

    def test_it_refuses_a_branch_admin_moving_their_branch_to_the_top(self, world):
        branch_admin = make_member("branchadmin", "支部书记", world.own_branch, role=Membership.Role.ADMIN)
        form = OrganizationForm(data=self.data(world.own_branch, parent=""), instance=world.own_branch, user=branch_admin)
        assert form.errors["parent"] == ["请选择该组织的上级组织。"]

    def test_it_leaves_archived_organizations_out_of_the_parent_choices(self, world):
        extra = Organization.objects.create(name="已撤销支部", sector="school", kind="branch", parent=world.own_org)
        extra.archive()
        form = OrganizationForm(user=world.org_admin)
        assert extra not in form.fields["parent"].queryset

    def test_it_offers_status_to_alliance_admins_only(self, world):
        assert "status" in OrganizationForm(user=world.alliance_admin).fields
        assert "status" not in OrganizationForm(user=world.org_admin).fields

    def test_it_offers_tags_by_name(self, world):
        from gongjian.orgs.models import CapabilityTag

        CapabilityTag.objects.create(name="宣讲")
        form = OrganizationForm(
            data=self.data(world.foreign_org, tags=["宣讲"], status="active"), instance=world.foreign_org, user=world.alliance_admin
        )
        assert form.is_valid(), form.errors
        form.save()
        assert list(world.foreign_org.tags.values_list("name", flat=True)) == ["宣讲"]


class TestPersonForm:
    def test_it_asks_for_an_organization_only_when_creating(self, world):
        assert "organization" in PersonForm(user=world.org_admin).fields
        assert "organization" not in PersonForm(instance=world.member.person, user=world.org_admin).fields

    def test_it_offers_only_organizations_the_user_administers(self, world):
        choices = set(PersonForm(user=world.org_admin).fields["organization"].queryset)
        assert choices == {world.own_org, world.own_branch}

    def test_it_lets_an_alliance_admin_create_a_person_without_an_organization(self, world):
        form = PersonForm(data={"name": "沈教授", "role": "member"}, user=world.alliance_admin)
        assert form.is_valid(), form.errors
        person = form.save()
        assert not person.memberships.exists()


def test_it_offers_people_the_user_may_see(world):
    form = MembershipForm(user=world.org_admin, organization=world.own_branch)
    people = set(form.fields["person"].queryset)
    assert world.member.person in people and world.org_admin.person in people
    assert world.outsider.person not in people


class TestFilterDefaults:
    def test_it_hides_archived_rows_even_without_parameters(self, world):
        world.own_branch.archive()
        filterset = OrganizationFilterSet(None, queryset=Organization.objects.all())
        assert filterset.is_bound and world.own_branch not in filterset.qs
        assert world.own_branch in OrganizationFilterSet({"archived": "true"}, queryset=Organization.objects.all()).qs

    def test_it_matches_topics_by_substring(self, world):
        Person.objects.create(name="沈教授", is_speaker=True, speaker_topics=["全国两会精神解读"])
        Person.objects.create(name="黄老师", is_speaker=True, speaker_topics=["教育强国建设"])
        def names(topic):
            return {p.name for p in PersonFilterSet({"topic": topic}, queryset=Person.objects.all()).qs}
        assert names("两会") == {"沈教授"}
        assert names("教育强国建设") == {"黄老师"}
        assert names("乡村振兴") == set()
