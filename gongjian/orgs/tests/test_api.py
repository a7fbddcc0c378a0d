import pytest
from django.urls import reverse

from gongjian.audit.models import Action, Record
from gongjian.orgs.models import CapabilityTag, Membership, Organization, Person, Region
from gongjian.orgs.validators import credit_code_check_char

pytestmark = pytest.mark.django_db

API = "/api/v1/orgs"


def valid_credit_code():
    first17 = "91310117MA1G0001X"
    return first17 + credit_code_check_char(first17)


class TestOrganizations:
    def test_it_lists_with_nested_references_by_uuid(self, world, api_for):
        design = CapabilityTag.objects.create(name="工业设计")
        world.own_branch.tags.add(design)
        response = api_for(world.org_admin).get(f"{API}/organizations/")
        assert response.status_code == 200
        rows = {row["name"]: row for row in response.json()["results"]}
        assert set(rows) == {"示例学院党委", "工业设计系教工党支部", "广富林街道党工委"}  # the alliance directory
        branch = rows["工业设计系教工党支部"]
        assert branch["parent"] == str(world.own_org.uuid) and branch["parent_name"] == "示例学院党委"
        assert branch["region"] == str(world.district.uuid) and branch["tags"] == ["工业设计"]
        assert "id" not in branch

    def test_it_shows_an_organization_the_same_in_the_list_and_alone(self, world, api_for):
        """A list reads the parent and region as columns, a detail follows the relations: the same JSON."""
        world.own_branch.tags.add(CapabilityTag.objects.create(name="志愿服务"), CapabilityTag.objects.create(name="工业设计"))
        client = api_for(world.alliance_admin)
        listed = {row["uuid"]: row for row in client.get(f"{API}/organizations/").json()["results"]}
        assert len(listed) == 3
        for uuid, row in listed.items():
            assert client.get(f"{API}/organizations/{uuid}/").json() == row
        assert listed[str(world.own_branch.uuid)]["tags"] == ["工业设计", "志愿服务"]
        top = listed[str(world.own_org.uuid)]
        assert top["parent"] is None and top["parent_name"] == ""

    def test_it_lists_tag_names_whatever_they_contain(self, world, api_for):
        """Names come from the database as a JSON array (orgs.listing), so commas and quotes survive."""
        odd = ['设计,规划', '"引号"', "反斜杠\\"]
        world.own_branch.tags.add(*(CapabilityTag.objects.create(name=name) for name in odd))
        listed = {row["uuid"]: row for row in api_for(world.alliance_admin).get(f"{API}/organizations/").json()["results"]}
        assert listed[str(world.own_branch.uuid)]["tags"] == sorted(odd)
        assert listed[str(world.own_org.uuid)]["tags"] == []

    def test_it_answers_a_change_of_parent_with_the_new_parent(self, world, api_for):
        response = api_for(world.alliance_admin).patch(
            f"{API}/organizations/{world.own_branch.uuid}/", {"parent": str(world.foreign_org.uuid)}, format="json"
        )
        assert response.status_code == 200, response.json()
        assert response.json()["parent"] == str(world.foreign_org.uuid) and response.json()["parent_name"] == world.foreign_org.name

    def test_it_counts_without_the_columns_only_rows_show(self, world, api_for):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert api_for(world.alliance_admin).get(f"{API}/organizations/", {"page_size": 1, "count": "true"}).json()["count"] == 3
        counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"] and "orgs_organization" in q["sql"]]
        assert len(counts) == 1 and "JOIN" not in counts[0]

    def test_it_shares_the_ui_filters(self, world, api_for):
        client = api_for(world.alliance_admin)
        def names(**q):
            return {row["name"] for row in client.get(f"{API}/organizations/", q).json()["results"]}
        assert names(q="gfl") == {"广富林街道党工委"}
        assert names(region=str(world.street.uuid)) == {"广富林街道党工委"}
        assert names(sector="school", kind="branch") == {"工业设计系教工党支部"}
        assert names(parent=str(world.own_org.uuid)) == {"工业设计系教工党支部"}
        world.own_branch.archive()
        assert "工业设计系教工党支部" not in names()
        assert "工业设计系教工党支部" in names(archived="true")

    def test_it_uses_the_same_filterset_class_as_the_page(self):
        from gongjian.orgs.api.views import OrganizationViewSet, PersonViewSet
        from gongjian.orgs.views import OrganizationListView, PersonListView

        assert OrganizationViewSet.filterset_class is OrganizationListView.filterset_class
        assert PersonViewSet.filterset_class is PersonListView.filterset_class

    def test_it_paginates_counting_only_on_the_last_page_or_when_asked(self, world, api_for):
        client = api_for(world.alliance_admin)
        first = client.get(f"{API}/organizations/", {"page_size": 2}).json()
        assert first["count"] is None and len(first["results"]) == 2 and "page=2" in first["next"] and first["previous"] is None
        last = client.get(first["next"]).json()
        assert last["count"] == 3 and len(last["results"]) == 1 and last["next"] is None and last["previous"]
        assert client.get(f"{API}/organizations/", {"page_size": 2, "count": "true"}).json()["count"] == 3
        seen = {row["uuid"] for row in first["results"] + last["results"]}
        assert len(seen) == 3

    @pytest.mark.parametrize("number", ["4", "0", "x"])
    def test_it_answers_404_for_a_page_that_does_not_exist(self, world, api_for, number):
        response = api_for(world.alliance_admin).get(f"{API}/organizations/", {"page_size": 2, "page": number})
        assert response.status_code == 404

    def test_it_creates_under_a_parent_the_org_admin_administers(self, world, api_for):
        response = api_for(world.org_admin).post(
            f"{API}/organizations/",
            {"name": "机械制造系教工党支部", "sector": "school", "kind": "branch", "parent": str(world.own_org.uuid), "tags": []},
            format="json",
        )
        assert response.status_code == 201, response.json()
        created = Organization.objects.get(uuid=response.json()["uuid"])
        assert created.parent == world.own_org and created.status == "active"

    def test_it_refuses_a_parent_outside_the_scope(self, world, api_for):
        response = api_for(world.org_admin).post(
            f"{API}/organizations/",
            {"name": "某支部", "sector": "school", "kind": "branch", "parent": str(world.foreign_org.uuid)},
            format="json",
        )
        assert response.status_code == 400 and "parent" in response.json()

    def test_it_refuses_creation_to_members(self, world, api_for):
        response = api_for(world.member).post(
            f"{API}/organizations/", {"name": "某支部", "sector": "school", "kind": "branch"}, format="json"
        )
        assert response.status_code == 403

    def test_it_keeps_status_to_the_alliance(self, world, api_for):
        api_for(world.org_admin).patch(f"{API}/organizations/{world.own_branch.uuid}/", {"status": "suspended"}, format="json")
        world.own_branch.refresh_from_db()
        assert world.own_branch.status == "active"
        api_for(world.alliance_admin).patch(f"{API}/organizations/{world.own_branch.uuid}/", {"status": "suspended"}, format="json")
        world.own_branch.refresh_from_db()
        assert world.own_branch.status == "suspended"

    def test_it_archives_on_delete_and_refuses_with_active_children(self, world, api_for):
        client = api_for(world.alliance_admin)
        response = client.delete(f"{API}/organizations/{world.own_org.uuid}/")
        assert response.status_code == 400
        assert response.json()["non_field_errors"] == ["请先归档或移走其下级组织。"]
        assert client.delete(f"{API}/organizations/{world.own_branch.uuid}/").status_code == 204
        world.own_branch.refresh_from_db()
        assert world.own_branch.is_archived
        # Archived objects stay reachable by UUID, so they can be restored.
        assert client.get(f"{API}/organizations/{world.own_branch.uuid}/").status_code == 200
        assert client.post(f"{API}/organizations/{world.own_branch.uuid}/restore/").json()["archived_at"] is None

    def test_it_refuses_restore_to_readers(self, world, api_for):
        world.own_branch.archive()
        assert api_for(world.member).post(f"{API}/organizations/{world.own_branch.uuid}/restore/").status_code in (403, 404)

    def test_it_masks_the_contact_phone_for_readers_and_audits_editors_seeing_it(self, world, api_for):
        world.own_branch.contact_phone = "13800138000"
        world.own_branch.save()
        assert api_for(world.member).get(f"{API}/organizations/{world.own_branch.uuid}/").json()["contact_phone"] == "138****8000"
        assert not Record.objects.filter(action=Action.VIEW_PERSONAL).exists()
        assert api_for(world.org_admin).get(f"{API}/organizations/{world.own_branch.uuid}/").json()["contact_phone"] == "13800138000"
        assert Record.objects.get(action=Action.VIEW_PERSONAL).object_id == str(world.own_branch.pk)


class TestSameValidationAsTheForm:
    """Organization.clean and constraints answer the API with the form's own words."""

    def form_errors(self, client, **data):
        payload = {"name": "", "sector": "school", "kind": "branch", "parent": "", "region": "", "status": "active", **data}
        return client.post(reverse("orgs:organization_create"), payload).context["form"].errors

    def api_errors(self, client, **data):
        payload = {"sector": "school", "kind": "branch", **data}
        response = client.post(f"{API}/organizations/", payload, format="json")
        assert response.status_code == 400
        return response.json()

    def test_it_reports_a_duplicate_name_in_the_parent_alike(self, world, client_for, api_for):
        form = self.form_errors(client_for(world.alliance_admin), name="工业设计系教工党支部", parent=str(world.own_org.uuid))
        api = self.api_errors(api_for(world.alliance_admin), name="工业设计系教工党支部", parent=str(world.own_org.uuid))
        assert form["name"] == api["name"] == ["同一上级组织下已有同名组织。"]

    def test_it_reports_a_bad_credit_code_alike(self, world, client_for, api_for):
        bad = valid_credit_code()[:-1] + ("0" if valid_credit_code()[-1] != "0" else "1")
        form = self.form_errors(client_for(world.alliance_admin), name="新企业", credit_code=bad)
        api = self.api_errors(api_for(world.alliance_admin), name="新企业", credit_code=bad)
        assert form["credit_code"] == api["credit_code"] == ["统一社会信用代码校验位不正确。"]

    def test_it_reports_an_own_ancestor_alike(self, world, client_for, api_for):
        # The form's picker already leaves the subtree out, so it answers "not a valid choice";
        # the model rule speaks when the subtree is reached through the API or a direct save.
        response = api_for(world.alliance_admin).patch(
            f"{API}/organizations/{world.own_org.uuid}/", {"parent": str(world.own_branch.uuid)}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["parent"] == ["不能放在它自己或它的下级之下。"]
        form = (
            client_for(world.alliance_admin)
            .post(
                reverse("orgs:organization_edit", args=[world.own_org.uuid]),
                {"name": "示例学院党委", "sector": "school", "kind": "committee", "parent": str(world.own_branch.uuid), "status": "active"},
            )
            .context["form"]
        )
        assert "parent" in form.errors

    def test_it_reports_a_missing_parent_alike(self, world, client_for, api_for):
        form = self.form_errors(client_for(world.org_admin), name="某支部")
        api = self.api_errors(api_for(world.org_admin), name="某支部")
        assert form["parent"] == api["parent"] == ["请选择该组织的上级组织。"]


class TestPeople:
    @pytest.fixture
    def phones(self, world):
        world.member.person.phone = "13800138000"
        world.member.person.save()
        return world

    def test_it_masks_phones_unless_permitted(self, phones, api_for):
        from gongjian.lib.testing import make_member

        colleague = make_member("colleague", "同支部党员", phones.own_branch)
        url = f"{API}/people/{phones.member.person.uuid}/"
        assert api_for(colleague).get(url).json()["phone"] == "138****8000"
        assert not Record.objects.filter(action=Action.VIEW_PERSONAL).exists()
        body = api_for(phones.org_admin).get(url).json()
        assert body["phone"] == "13800138000"
        assert body["memberships"][0]["organization"] == str(phones.own_branch.uuid)
        entry = Record.objects.get(action=Action.VIEW_PERSONAL)
        assert entry.object_id == str(phones.member.person.pk) and entry.changes == {"fields": ["phone"], "via": "api"}

    def test_it_audits_a_list_that_reveals_phones_once(self, phones, api_for):
        phones.org_admin.person.phone = "13900139000"
        phones.org_admin.person.save()
        response = api_for(phones.org_admin).get(f"{API}/people/")
        assert {row["phone"] for row in response.json()["results"]} >= {"13800138000", "13900139000"}
        entry = Record.objects.get(action=Action.VIEW_PERSONAL)
        assert set(entry.changes["objects"]) == {str(phones.member.person.uuid), str(phones.org_admin.person.uuid)}

    def test_it_creates_a_person_with_a_first_membership(self, world, api_for):
        response = api_for(world.org_admin).post(
            f"{API}/people/",
            {
                "name": "赵敏",
                "phone": "13912345678",
                "titles": ["优秀共产党员"],
                "organization": str(world.own_branch.uuid),
                "role": "admin",
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        person = Person.objects.get(name="赵敏")
        assert person.memberships.get().role == "admin"
        assert response.json()["phone"] == "13912345678"

    def test_it_requires_an_organization_from_an_org_admin(self, world, api_for):
        response = api_for(world.org_admin).post(f"{API}/people/", {"name": "赵敏"}, format="json")
        assert response.status_code == 400 and "organization" in response.json()
        assert not Person.objects.filter(name="赵敏").exists()

    def test_it_validates_like_the_form(self, world, api_for):
        response = api_for(world.alliance_admin).post(f"{API}/people/", {"name": "新讲师", "is_speaker": True}, format="json")
        assert response.status_code == 400
        assert response.json()["speaker_topics"] == ["宣讲专家至少需要一个宣讲主题。"]
        response = api_for(world.alliance_admin).post(f"{API}/people/", {"name": "某人", "phone": "12345"}, format="json")
        assert response.status_code == 400 and "phone" in response.json()

    def test_it_filters_speakers_by_topic(self, world, api_for):
        Person.objects.create(name="沈教授", is_speaker=True, speaker_topics=["全国两会精神解读"])
        Membership.objects.create(person=Person.objects.get(name="沈教授"), organization=world.own_org)
        names = [row["name"] for row in api_for(world.alliance_admin).get(f"{API}/people/", {"topic": "两会"}).json()["results"]]
        assert names == ["沈教授"]


class TestMemberships:
    def test_it_adds_a_member_by_uuid_references(self, world, api_for):
        newcomer = Person.objects.create(name="新党员")
        Membership.objects.create(person=newcomer, organization=world.own_org)
        response = api_for(world.org_admin).post(
            f"{API}/memberships/",
            {"person": str(newcomer.uuid), "organization": str(world.own_branch.uuid), "role": "member"},
            format="json",
        )
        assert response.status_code == 201, response.json()
        assert response.json()["person_name"] == "新党员"

    def test_it_refuses_references_outside_the_scope(self, world, api_for):
        response = api_for(world.org_admin).post(
            f"{API}/memberships/",
            {"person": str(world.outsider.person.uuid), "organization": str(world.foreign_org.uuid), "role": "member"},
            format="json",
        )
        assert response.status_code == 400
        assert set(response.json()) == {"person", "organization"}

    def test_it_changes_a_role_with_an_audit_record(self, world, api_for):
        membership = Membership.objects.get(person=world.member.person)
        response = api_for(world.org_admin).patch(f"{API}/memberships/{membership.uuid}/", {"role": "admin"}, format="json")
        assert response.status_code == 200
        entry = Record.objects.filter(object_type="orgs.membership", action=Action.UPDATE).latest("pk")
        assert entry.changes["role"] == ["member", "admin"] and entry.actor == world.org_admin

    def test_it_ends_a_membership_on_delete_and_keeps_it(self, world, api_for):
        membership = Membership.objects.get(person=world.member.person)
        client = api_for(world.org_admin)
        assert client.delete(f"{API}/memberships/{membership.uuid}/").status_code == 204
        membership.refresh_from_db()
        assert membership.left_on is not None
        assert client.delete(f"{API}/memberships/{membership.uuid}/").status_code == 400
        current = client.get(f"{API}/memberships/", {"current": "true"}).json()["results"]
        assert str(membership.uuid) not in {row["uuid"] for row in current}

    def test_it_refuses_changing_ones_own_membership_with_the_reason(self, world, api_for):
        own = Membership.objects.get(person=world.org_admin.person)
        response = api_for(world.org_admin).patch(f"{API}/memberships/{own.uuid}/", {"role": "member"}, format="json")
        assert response.status_code == 403
        assert response.json()["detail"] == "不能修改或结束您自己的成员身份，请联系其他管理员。"


class TestRegions:
    def test_it_lets_alliance_admins_create_regions(self, world, api_for):
        response = api_for(world.alliance_admin).post(
            f"{API}/regions/", {"name": "泗泾镇", "level": 3, "parent": str(world.district.uuid)}, format="json"
        )
        assert response.status_code == 201
        assert Region.objects.get(name="泗泾镇").path.startswith(world.district.path)

    def test_it_validates_levels(self, world, api_for):
        response = api_for(world.alliance_admin).post(
            f"{API}/regions/", {"name": "泗泾镇", "level": 2, "parent": str(world.district.uuid)}, format="json"
        )
        assert response.json()["level"] == ["行政区划必须比上级低一级。"]

    def test_it_refuses_deleting_a_region_in_use(self, world, api_for):
        assert api_for(world.alliance_admin).delete(f"{API}/regions/{world.street.uuid}/").status_code == 409
        assert api_for(world.alliance_admin).delete(f"{API}/regions/{world.community.uuid}/").status_code == 204

    def test_it_filters_within_a_region(self, world, api_for):
        rows = api_for(world.member).get(f"{API}/regions/", {"within": str(world.district.uuid)}).json()["results"]
        assert {row["name"] for row in rows} == {"松江区", "广富林街道", "三新居民区"}


class TestSchema:
    def test_it_generates_the_schema_for_the_directory_without_warnings(self):
        from django.urls import include, path
        from drf_spectacular.drainage import GENERATOR_STATS
        from drf_spectacular.generators import SchemaGenerator

        GENERATOR_STATS.reset()
        generator = SchemaGenerator(patterns=[path("api/v1/", include(("gongjian.orgs.api.urls", "api")))])
        schema = generator.get_schema(request=None, public=True)
        assert "/api/v1/orgs/organizations/{uuid}/restore/" in schema["paths"]
        assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache

    def test_it_serves_the_whole_schema(self, world, client_for):
        response = client_for(world.member).get("/api/schema/")
        assert response.status_code == 200
        assert b"/api/v1/orgs/people/" in response.content


def test_it_keeps_the_names_of_missing_relations_in_a_partial_update(world, api_for):
    # DRF leaves a field that falls back to its default out of a PATCH answer (DRF #5905): a top
    # organization's answer had no parent_name, which the schema says is always there.
    response = api_for(world.org_admin).patch(f"/api/v1/orgs/organizations/{world.own_org.uuid}/", {"description": "新简介"}, format="json")
    assert response.status_code == 200
    assert response.json()["parent_name"] == ""
