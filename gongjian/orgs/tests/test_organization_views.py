import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongjian.audit.models import Action, Record
from gongjian.orgs.models import CapabilityTag, Membership, Organization, Person, Region
from gongjian.orgs.tables import OrganizationTable

pytestmark = pytest.mark.django_db

LIST = reverse("orgs:organization_list")
HTMX_TABLE = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "object-table"}


def listed(response):
    """Names in the table rows (the filter form has no organization names)."""
    html = response.content.decode()
    table = html.split('id="object-table"', 1)[-1]
    return {name for name in ("示例学院党委", "工业设计系教工党支部", "广富林街道党工委", "新桥镇党委") if f">{name}</a>" in table}


@pytest.fixture
def admin_client(world, client_for):
    return client_for(world.alliance_admin)


class TestDirectory:
    def test_it_counts_without_the_row_columns(self, world, admin_client):
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(LIST, {"count": "1", "sector": "school"}).content.decode() == "共 2 条"
        counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"] and "orgs_organization" in q["sql"]]
        assert len(counts) == 1 and "JOIN" not in counts[0] and "JSON" not in counts[0].upper()
        admin_client.get(LIST, {"sector": "school"})

    def test_it_labels_sectors_and_cells_in_the_language_of_each_request(self, world, admin_client):
        chinese = admin_client.get(LIST, HTTP_ACCEPT_LANGUAGE="zh-hans", **HTMX_TABLE).content.decode()
        english = admin_client.get(LIST, HTTP_ACCEPT_LANGUAGE="en", **HTMX_TABLE).content.decode()
        assert '<td data-label="领域">学校</td>' in chinese and ">School</td>" not in chinese
        assert '<td data-label="Sector">School</td>' in english and ">学校</td>" not in english

    def test_it_labels_every_cell_with_its_column_for_the_phone_cards(self, world, admin_client):
        html = admin_client.get(LIST, **HTMX_TABLE).content.decode()
        row = re.search(rf'<tr data-org="{world.own_branch.uuid}">(.*?)</tr>', html, re.S).group(1)
        cells = re.findall(r"<td([^>]*)>", row)
        assert len(cells) == len(OrganizationTable.columns) and all('data-label="' in attrs for attrs in cells)
        assert 'class="cell-title" data-label="名称"' in cells[0]

    def test_it_escapes_what_users_typed_in_every_cell(self, world, admin_client):
        """Rows are built in Python (orgs.tables), so escaping is ours to get right."""
        branch = world.own_branch
        branch.name, branch.short_name, branch.status = '<b>"甲"</b>支部', "<i>乙</i>", "suspended"
        branch.save()
        branch.tags.add(CapabilityTag.objects.create(name="<u>丙</u>"))
        Region.objects.filter(pk=world.district.pk).update(name="<s>区</s>")
        branch.archive()
        html = admin_client.get(LIST, {"archived": "true"}, **HTMX_TABLE).content.decode()
        row = re.search(rf'<tr data-org="{branch.uuid}">(.*?)</tr>', html, re.S).group(1)
        for raw in ("<b>", "<i>", "<u>", "<s>"):
            assert raw not in row
        for escaped in ("&lt;b&gt;&quot;甲&quot;&lt;/b&gt;支部", "(&lt;i&gt;乙&lt;/i&gt;)", "&lt;u&gt;丙&lt;/u&gt;", "&lt;s&gt;区&lt;/s&gt;"):
            assert escaped in row
        assert 'class="badge text-bg-secondary"' in row and 'class="badge text-bg-warning"' in row  # archived, suspended

    def test_it_counts_current_members_only(self, world, admin_client):
        today = timezone.localdate()
        branch = world.own_branch
        before = Membership.objects.current().filter(organization=branch).count()
        for n, left_on in enumerate([None, today + timedelta(days=3), today, today - timedelta(days=30)]):
            person = Person.objects.create(name=f"成员{n}")
            Membership.objects.create(person=person, organization=branch, role="member", left_on=left_on, joined_on=today - timedelta(days=60))
        html = admin_client.get(LIST, HTMX_TABLE).content.decode()
        row = re.search(rf'<tr data-org="{branch.uuid}">(.*?)</tr>', html, re.S).group(1)
        assert re.search(rf'<td class="text-end" data-label="[^"]+">{before + 2}</td>', row)  # one open, one ending later; two already ended

    def test_it_lists_every_active_organization_to_every_member(self, world, client_for):
        everyone = {"示例学院党委", "工业设计系教工党支部", "广富林街道党工委"}
        for user in world.users.values():
            assert listed(client_for(user).get(LIST)) == everyone

    def test_it_searches_by_pinyin_initials(self, world, admin_client):
        assert listed(admin_client.get(LIST, {"q": "gfl"})) == {"广富林街道党工委"}
        assert listed(admin_client.get(LIST, {"q": "gysj"})) == {"工业设计系教工党支部"}
        assert listed(admin_client.get(LIST, {"q": "示例学院"})) == {"示例学院党委"}

    def test_it_answers_htmx_with_the_table_only(self, world, admin_client):
        response = admin_client.get(LIST, {"q": "gfl"}, **HTMX_TABLE)
        html = response.content.decode()
        assert "<html" not in html and 'id="filter-form"' not in html
        assert "广富林街道党工委" in html and "示例学院党委" not in html

    def test_it_renders_the_search_box_with_live_filtering(self, world, admin_client):
        html = admin_client.get(LIST).content.decode()
        assert 'hx-target="#object-table"' in html
        assert "input delay:300ms" in html
        assert 'name="q"' in html

    def test_it_filters_by_sector_kind_and_status(self, world, admin_client):
        assert listed(admin_client.get(LIST, {"sector": "government"})) == {"广富林街道党工委"}
        assert listed(admin_client.get(LIST, {"kind": "branch"})) == {"工业设计系教工党支部"}
        Organization.objects.filter(pk=world.foreign_org.pk).update(status="suspended")
        assert listed(admin_client.get(LIST, {"status": "suspended"})) == {"广富林街道党工委"}

    def test_it_filters_by_region_including_sub_regions(self, world, admin_client):
        town = Region.objects.create(name="新桥镇", level=3, parent=world.district)
        village = Region.objects.create(name="场中居民区", level=4, parent=town)
        Organization.objects.create(name="新桥镇党委", sector="government", kind="committee", region=village)
        assert listed(admin_client.get(LIST, {"region": str(world.street.uuid)})) == {"广富林街道党工委"}
        assert listed(admin_client.get(LIST, {"region": str(town.uuid)})) == {"新桥镇党委"}
        assert len(listed(admin_client.get(LIST, {"region": str(world.city.uuid)}))) == 4

    def test_it_filters_by_capability_tag(self, world, admin_client):
        design = CapabilityTag.objects.create(name="工业设计")
        world.own_branch.tags.add(design)
        assert listed(admin_client.get(LIST, {"tag": "工业设计"})) == {"工业设计系教工党支部"}

    def test_it_hides_archived_organizations_unless_asked(self, world, admin_client):
        world.own_branch.archive()
        assert "工业设计系教工党支部" not in listed(admin_client.get(LIST))
        assert "工业设计系教工党支部" in listed(admin_client.get(LIST, {"archived": "true"}))

    def test_it_ignores_an_invalid_filter_instead_of_failing(self, world, admin_client):
        response = admin_client.get(LIST, {"region": "not-a-uuid", "sector": "nonsense"})
        assert response.status_code == 200

    def test_it_exports_the_filtered_list_to_excel_and_audits_it(self, world, admin_client):
        design = CapabilityTag.objects.create(name="工业设计")
        world.own_branch.tags.add(design)
        response = admin_client.get(LIST, {"sector": "school", "export": "xlsx"})
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:4] == ("名称", "简称", "领域", "类型")
        names = {row[0] for row in rows[1:]}
        assert names == {"示例学院党委", "工业设计系教工党支部"}
        branch = next(row for row in rows if row[0] == "工业设计系教工党支部")
        assert branch[2] == "学校" and branch[4] == "示例学院党委" and branch[6] == "工业设计"
        assert Record.objects.filter(action=Action.EXPORT).exists()

    def test_it_exports_contact_persons_only_in_scope(self, world, client_for):
        world.own_org.contact_name = "王书记"
        world.own_org.save()
        world.foreign_org.contact_name = "李主任"
        world.foreign_org.save()
        response = client_for(world.outsider).get(LIST, {"export": "xlsx"})
        sheet = load_workbook(io.BytesIO(response.content)).active
        header = [cell.value for cell in sheet[1]]
        rows = {row[0]: row[header.index("联系人")] for row in sheet.iter_rows(min_row=2, values_only=True)}
        assert rows == {"示例学院党委": None, "工业设计系教工党支部": None, "广富林街道党工委": "李主任"}

    def test_it_links_to_the_import_only_when_it_exists(self, world, admin_client, monkeypatch):
        from django.urls import NoReverseMatch

        try:
            expected = reverse("imports:start")
        except NoReverseMatch:
            expected = None
        html = admin_client.get(LIST).content.decode()
        assert (f'href="{expected}"' in html) if expected else ("bi-upload" not in html)
        monkeypatch.setattr("gongjian.orgs.views._import_url", lambda: "/imports/start-here/")
        assert 'href="/imports/start-here/"' in admin_client.get(LIST).content.decode()

    def test_it_pages_without_counting_and_counts_in_a_second_request(self, world, admin_client):
        for n in range(21):
            Organization.objects.create(name=f"分页测试{n:02d}党支部", sector="school", kind="branch", parent=world.own_org)
        first = admin_client.get(LIST, {"q": "分页测试"}).content.decode()
        assert "page=2" in first and "count=1" in first
        second = admin_client.get(LIST, {"q": "分页测试", "page": "2"}, **HTMX_TABLE).content.decode()
        assert "page=3" not in second and "page=1" in second
        names = set(re.findall(r">(分页测试\d+党支部)</a>", first + second))
        assert len(names) == 21 and len(re.findall(r">(分页测试\d+党支部)</a>", second)) == 1
        assert admin_client.get(LIST, {"q": "分页测试", "count": "1"}).content.decode() == "共 21 条"

    def test_it_counts_what_the_directory_lists(self, world, client_for):
        world.foreign_org.archive()
        public = Organization.objects.public_to(world.org_admin).active().count()
        assert public == Organization.objects.active().count() == 2
        assert client_for(world.org_admin).get(LIST, {"count": "1"}).content.decode() == f"共 {public} 条"

    def test_it_offers_creation_to_admins_only(self, world, client_for):
        create = reverse("orgs:organization_create")
        assert create in client_for(world.org_admin).get(LIST).content.decode()
        assert create not in client_for(world.member).get(LIST).content.decode()


class TestTree:
    def test_it_shows_the_top_level_and_reads_children_when_a_node_is_opened(self, world, admin_client):
        url = reverse("orgs:organization_tree")
        html = admin_client.get(url).content.decode()
        assert html.index(f'id="org-{world.own_org.uuid}"') < html.index(f'id="org-{world.foreign_org.uuid}"')
        assert f'id="org-{world.own_branch.uuid}"' not in html
        assert f'hx-get="{url}?parent={world.own_org.uuid}"' in html  # the college has children to open
        assert f'hx-get="{url}?parent={world.foreign_org.uuid}"' not in html
        children = admin_client.get(url, {"parent": str(world.own_org.uuid)}, HTTP_HX_REQUEST="true").content.decode()
        assert f'id="org-{world.own_branch.uuid}"' in children and "<html" not in children

    def test_it_shows_a_member_only_their_own_organizations(self, world, client_for):
        html = client_for(world.member).get(reverse("orgs:organization_tree")).content.decode()
        assert str(world.own_branch.uuid) in html
        assert str(world.own_org.uuid) not in html and str(world.foreign_org.uuid) not in html

    def test_it_answers_404_for_the_children_of_an_organization_out_of_scope(self, world, client_for):
        response = client_for(world.org_admin).get(reverse("orgs:organization_tree"), {"parent": str(world.foreign_org.uuid)})
        assert response.status_code == 404

    def test_it_offers_a_node_whose_parent_is_hidden_at_the_top(self, world, client_for):
        """A member of a branch and of a group below a sibling branch sees both at the top."""
        sibling = Organization.objects.create(name="机械系教工党支部", sector="school", kind="branch", parent=world.own_org)
        group = Organization.objects.create(name="第一党小组", sector="school", kind="other", parent=sibling)
        Membership.objects.create(person=world.member.person, organization=group)
        html = client_for(world.member).get(reverse("orgs:organization_tree")).content.decode()
        assert f'id="org-{world.own_branch.uuid}"' in html and f'id="org-{group.uuid}"' in html
        assert str(sibling.uuid) not in html

    def test_it_reads_a_long_level_a_page_at_a_time(self, world, admin_client):
        from gongjian.orgs import views

        for n in range(views.TREE_PAGE + 5):
            Organization.objects.create(name=f"第{n}党支部", sector="school", kind="branch", parent=world.own_org)
        url = reverse("orgs:organization_tree")
        first = admin_client.get(url, {"parent": str(world.own_org.uuid)}).content.decode()
        assert first.count('id="org-') == views.TREE_PAGE
        assert f'hx-get="{url}?parent={world.own_org.uuid}&amp;page=2"' in first
        second = admin_client.get(url, {"parent": str(world.own_org.uuid), "page": 2}).content.decode()
        assert second.count('id="org-') == 6 and "page=3" not in second  # five more and the branch


class TestDetail:
    def test_it_shows_the_overview(self, world, admin_client):
        world.foreign_org.contact_phone = "13800138000"
        world.foreign_org.save()
        html = admin_client.get(world.foreign_org.get_absolute_url()).content.decode()
        assert "上海市松江区广富林街道" in html
        assert "138****8000" in html and "13800138000" not in html

    def test_it_answers_a_tab_request_with_the_tab_only(self, world, admin_client):
        response = admin_client.get(
            world.own_org.get_absolute_url() + "?tab=children", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="tab-content"
        )
        html = response.content.decode()
        assert "<html" not in html
        assert "工业设计系教工党支部" in html

    def test_it_lists_current_and_former_members_without_caching(self, world, admin_client):
        from gongjian.orgs.models import Membership

        membership = Membership.objects.get(person=world.member.person)
        world.member.person.phone = "13912345678"
        world.member.person.save()
        response = admin_client.get(world.own_branch.get_absolute_url() + "?tab=members")
        html = response.content.decode()
        assert response["Cache-Control"] == "no-store"
        assert "支部党员" in html and "139****5678" in html and "13912345678" not in html
        membership.end()
        html = admin_client.get(world.own_branch.get_absolute_url() + "?tab=members").content.decode()
        assert "暂无在册成员" in html
        assert "支部党员" in html  # now among the former members

    def test_it_falls_back_to_the_overview_for_an_unknown_tab(self, world, admin_client):
        response = admin_client.get(world.own_org.get_absolute_url() + "?tab=<script>")
        assert response.status_code == 200
        assert response.context["tab"] == "overview"

    def test_it_shows_the_timeline_newest_first(self, world, admin_client):
        html = admin_client.get(world.own_org.get_absolute_url() + "?tab=timeline").content.decode()
        assert "工业设计系教工党支部" in html

    def test_it_offers_editing_to_editors_only(self, world, client_for):
        edit = reverse("orgs:organization_edit", args=[world.own_branch.uuid])
        assert edit in client_for(world.org_admin).get(world.own_branch.get_absolute_url()).content.decode()
        assert edit not in client_for(world.member).get(world.own_branch.get_absolute_url()).content.decode()


def org_data(**overrides):
    data = {
        "name": "机械制造系教工党支部",
        "short_name": "",
        "sector": "school",
        "kind": "branch",
        "parent": "",
        "region": "",
        "status": "active",
    }
    data.update(overrides)
    return data


class TestCreateAndEdit:
    def test_it_lets_alliance_admins_create_top_level_organizations(self, world, admin_client):
        response = admin_client.post(
            reverse("orgs:organization_create"), org_data(name="新桥镇党委", sector="government", kind="committee")
        )
        created = Organization.objects.get(name="新桥镇党委")
        assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
        assert created.parent is None

    def test_it_lets_org_admins_create_below_their_organization(self, world, client_for):
        design = CapabilityTag.objects.create(name="智能制造")
        response = client_for(world.org_admin).post(
            reverse("orgs:organization_create"),
            org_data(parent=str(world.own_org.uuid), region=str(world.district.uuid), tags=[design.name], status="suspended"),
        )
        assert response.status_code == 302
        created = Organization.objects.get(name="机械制造系教工党支部")
        assert created.parent == world.own_org and created.region == world.district
        assert list(created.tags.all()) == [design]
        # Status is the alliance's decision: the field is not offered to org admins.
        assert created.status == "active"

    def test_it_refuses_a_top_level_organization_from_an_org_admin(self, world, client_for):
        response = client_for(world.org_admin).post(reverse("orgs:organization_create"), org_data())
        assert response.status_code == 200
        assert response.context["form"].errors["parent"] == ["请选择该组织的上级组织。"]
        assert not Organization.objects.filter(name="机械制造系教工党支部").exists()

    def test_it_refuses_a_parent_outside_the_users_scope(self, world, client_for):
        response = client_for(world.org_admin).post(reverse("orgs:organization_create"), org_data(parent=str(world.foreign_org.uuid)))
        assert "parent" in response.context["form"].errors
        assert not Organization.objects.filter(name="机械制造系教工党支部").exists()

    def test_it_offers_only_usable_parents(self, world, client_for):
        form = client_for(world.org_admin).get(reverse("orgs:organization_create")).context["form"]
        assert set(form.fields["parent"].queryset) == {world.own_org, world.own_branch}
        assert "status" not in form.fields

    def test_it_prefills_the_parent_from_the_query(self, world, client_for):
        url = reverse("orgs:organization_create") + f"?parent={world.own_org.uuid}"
        form = client_for(world.org_admin).get(url).context["form"]
        assert form.initial["parent"] == world.own_org.uuid and form.initial["sector"] == "school"

    def test_it_refuses_creation_to_members(self, world, client_for):
        assert client_for(world.member).get(reverse("orgs:organization_create")).status_code == 403

    def test_it_lets_an_org_admin_edit_their_top_level_organization(self, world, client_for):
        url = reverse("orgs:organization_edit", args=[world.own_org.uuid])
        response = client_for(world.org_admin).post(url, org_data(name="示例学院党委", short_name="示例", kind="committee"))
        assert response.status_code == 302
        world.own_org.refresh_from_db()
        assert world.own_org.short_name == "示例" and world.own_org.parent is None

    def test_it_keeps_the_own_subtree_out_of_the_parent_picker(self, world, admin_client):
        form = admin_client.get(reverse("orgs:organization_edit", args=[world.own_org.uuid])).context["form"]
        assert set(form.fields["parent"].queryset) == {world.foreign_org}

    def test_it_rerenders_only_the_form_for_htmx(self, world, admin_client):
        response = admin_client.post(reverse("orgs:organization_create"), org_data(name=""), HTTP_HX_REQUEST="true")
        # 200, because htmx 2 does not swap the body of a 4xx answer into the page.
        assert response.status_code == 200
        body = response.content.decode()
        assert "<html" not in body and "invalid-feedback" in body


class TestArchive:
    def test_it_refuses_to_archive_while_children_are_active(self, world, admin_client):
        response = admin_client.post(reverse("orgs:organization_archive", args=[world.own_org.uuid]), follow=True)
        world.own_org.refresh_from_db()
        assert not world.own_org.is_archived
        assert "请先归档或移走其下级组织。" in response.content.decode()

    def test_it_archives_and_restores_a_leaf(self, world, client_for):
        client = client_for(world.org_admin)
        response = client.post(reverse("orgs:organization_archive", args=[world.own_branch.uuid]))
        assert response["Location"] == LIST
        world.own_branch.refresh_from_db()
        assert world.own_branch.is_archived
        assert Record.objects.filter(action=Action.ARCHIVE, object_id=str(world.own_branch.pk)).exists()
        client.post(reverse("orgs:organization_restore", args=[world.own_branch.uuid]))
        world.own_branch.refresh_from_db()
        assert not world.own_branch.is_archived

    def test_it_only_archives_by_post(self, world, admin_client):
        assert admin_client.get(reverse("orgs:organization_archive", args=[world.own_branch.uuid])).status_code == 405


class TestRegions:
    def test_it_shows_the_region_tree_a_level_at_a_time(self, world, client_for):
        client = client_for(world.member)
        url = reverse("orgs:region_tree")
        html = client.get(url).content.decode()
        assert "上海市" in html and "松江区" not in html
        assert reverse("orgs:region_create") not in html
        assert client.get(url, {"parent": str(world.city.uuid)}).content.decode().count('id="region-') == 1
        streets = client.get(url, {"parent": str(world.district.uuid)}).content.decode()
        assert "广富林街道" in streets and "三新居民区" not in streets

    def test_it_counts_the_organizations_in_each_region_shown(self, world, client_for):
        html = client_for(world.member).get(reverse("orgs:region_tree"), {"parent": str(world.district.uuid)}).content.decode()
        assert f'href="{reverse("orgs:organization_list")}?region={world.street.uuid}"' in html
        assert re.search(r'<span class="badge rounded-pill text-bg-danger" title="[^"]+">1</span>', html)

    def test_it_lets_alliance_admins_add_a_region_below_another(self, world, admin_client):
        url = reverse("orgs:region_create") + f"?parent={world.district.uuid}"
        form = admin_client.get(url).context["form"]
        assert (form.initial["parent"], form.initial["level"]) == (world.district.uuid, 3)
        response = admin_client.post(url, {"name": "泗泾镇", "level": 3, "parent": str(world.district.uuid), "code": "310117101"})
        assert response.status_code == 302
        assert Region.objects.get(name="泗泾镇").parent == world.district

    def test_it_refuses_a_region_at_the_wrong_level(self, world, admin_client):
        response = admin_client.post(reverse("orgs:region_create"), {"name": "泗泾镇", "level": 2, "parent": str(world.district.uuid)})
        assert response.context["form"].errors["level"] == ["行政区划必须比上级低一级。"]


def test_it_adds_the_directory_to_the_menu(world, client_for):
    html = client_for(world.member).get(reverse("home")).content.decode()
    for name in ("orgs:organization_list", "orgs:organization_tree", "orgs:person_list", "orgs:speaker_list", "orgs:region_tree"):
        assert f'href="{reverse(name)}"' in html
