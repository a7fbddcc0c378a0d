import pytest
from django.urls import reverse

from gongjian.audit.models import Action, Record
from gongjian.orgs.models import Membership, Person

pytestmark = pytest.mark.django_db

PEOPLE = reverse("orgs:person_list")
SPEAKERS = reverse("orgs:speaker_list")


@pytest.fixture
def phones(world):
    for user, phone in ((world.member, "13800138000"), (world.outsider, "13900139000")):
        user.person.phone = phone
        user.person.save()
    world.member.person.id_number = "11010519491231002X"
    world.member.person.save()
    return world


@pytest.fixture
def speakers(world):
    gu = Person.objects.create(
        name="顾劳模", is_speaker=True, speaker_topics=["学习贯彻党的二十大精神", "劳模精神"], titles=["党的二十大代表"]
    )
    shen = Person.objects.create(name="沈教授", is_speaker=True, speaker_topics=["全国两会精神解读"], titles=["市委党校教授"])
    Membership.objects.create(person=gu, organization=world.own_branch)
    return gu, shen


class TestList:
    def test_it_lists_people_in_scope_with_masked_phones_and_no_store(self, phones, client_for):
        response = client_for(phones.org_admin).get(PEOPLE)
        html = response.content.decode()
        assert response["Cache-Control"] == "no-store"
        assert "支部党员" in html and "138****8000" in html and "13800138000" not in html
        assert "街道管理员" not in html

    def test_it_searches_people_by_name_initials_and_exact_phone(self, phones, client_for):
        client = client_for(phones.alliance_admin)
        assert "支部党员" in client.get(PEOPLE, {"q": "zbdy"}).content.decode()
        by_phone = client.get(PEOPLE, {"q": "13800138000"}).content.decode()
        assert "支部党员" in by_phone and "街道管理员" not in by_phone

    def test_it_filters_by_organization_including_sub_organizations(self, phones, client_for):
        html = client_for(phones.alliance_admin).get(PEOPLE, {"organization": str(phones.own_org.uuid)}).content.decode()
        assert "支部党员" in html and "学院管理员" in html and "街道管理员" not in html

    def test_it_exports_masked_phones_only(self, phones, client_for):
        import io

        from openpyxl import load_workbook

        response = client_for(phones.alliance_admin).get(PEOPLE, {"export": "xlsx"})
        cells = {str(c) for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True) for c in row}
        assert "138****8000" in cells and "13800138000" not in cells
        assert Record.objects.filter(action=Action.EXPORT).exists()


class TestDetailAndReveal:
    def test_it_shows_masked_numbers_with_a_show_action_to_admins(self, phones, client_for):
        response = client_for(phones.org_admin).get(phones.member.person.get_absolute_url())
        html = response.content.decode()
        assert response["Cache-Control"] == "no-store"
        assert "138****8000" in html and "1101**********002X" in html
        assert reverse("orgs:person_contact", args=[phones.member.person.uuid]) in html

    def test_it_offers_no_show_action_to_a_fellow_member(self, phones, client_for):
        from gongjian.lib.testing import make_member

        colleague = make_member("colleague", "同支部党员", phones.own_branch)
        url = reverse("orgs:person_contact", args=[phones.member.person.uuid])
        html = client_for(colleague).get(phones.member.person.get_absolute_url()).content.decode()
        assert "138****8000" in html and url not in html
        assert client_for(colleague).post(url).status_code == 403
        assert not Record.objects.filter(action=Action.VIEW_PERSONAL).exists()

    def test_it_reveals_the_numbers_and_audits_the_view(self, phones, client_for):
        person = phones.member.person
        response = client_for(phones.org_admin).post(reverse("orgs:person_contact", args=[person.uuid]), HTTP_HX_REQUEST="true")
        html = response.content.decode()
        assert "13800138000" in html and "11010519491231002X" in html and "<html" not in html
        assert response["Cache-Control"] == "no-store"
        entry = Record.objects.get(action=Action.VIEW_PERSONAL)
        assert entry.object_type == "orgs.person" and entry.object_id == str(person.pk)
        assert entry.actor == phones.org_admin and entry.changes == {"fields": ["phone", "id_number"]}

    def test_it_reveals_on_a_full_page_without_htmx(self, phones, client_for):
        response = client_for(phones.alliance_admin).post(reverse("orgs:person_contact", args=[phones.member.person.uuid]))
        html = response.content.decode()
        assert "<html" in html and "13800138000" in html

    def test_it_does_not_reveal_by_get(self, phones, client_for):
        assert client_for(phones.alliance_admin).get(reverse("orgs:person_contact", args=[phones.member.person.uuid])).status_code == 405


class TestCreateAndEdit:
    def test_it_lets_an_org_admin_create_a_person_in_their_organization(self, world, client_for):
        response = client_for(world.org_admin).post(
            reverse("orgs:person_create"),
            {
                "name": "赵敏",
                "gender": "female",
                "phone": "139-1234-5678",
                "titles": "优秀共产党员\n\n 青年骨干 ",
                "organization": str(world.own_branch.uuid),
                "role": "member",
                "position": "组织委员",
            },
        )
        person = Person.objects.get(name="赵敏")
        assert response.status_code == 302 and response["Location"] == person.get_absolute_url()
        assert person.phone == "13912345678" and person.titles == ["优秀共产党员", "青年骨干"]
        membership = person.memberships.get()
        assert (membership.organization, membership.position) == (world.own_branch, "组织委员")

    def test_it_requires_an_organization_from_an_org_admin(self, world, client_for):
        response = client_for(world.org_admin).post(reverse("orgs:person_create"), {"name": "赵敏", "role": "member"})
        assert "organization" in response.context["form"].errors
        assert not Person.objects.filter(name="赵敏").exists()

    def test_it_refuses_an_organization_outside_the_scope(self, world, client_for):
        response = client_for(world.org_admin).post(
            reverse("orgs:person_create"), {"name": "赵敏", "organization": str(world.foreign_org.uuid), "role": "member"}
        )
        assert "organization" in response.context["form"].errors

    def test_it_shows_model_rules_as_form_errors(self, phones, client_for):
        client = client_for(phones.alliance_admin)
        response = client.post(reverse("orgs:person_create"), {"name": "重复", "phone": "13800138000", "role": "member"})
        assert response.context["form"].errors["phone"] == ["已有其他人使用此手机号码。"]
        response = client.post(reverse("orgs:person_create"), {"name": "新讲师", "is_speaker": "on", "role": "member"})
        assert response.context["form"].errors["speaker_topics"] == ["宣讲专家至少需要一个宣讲主题。"]
        assert not Person.objects.filter(name__in=["重复", "新讲师"]).exists()

    def test_it_audits_showing_the_numbers_in_the_edit_form(self, phones, client_for):
        response = client_for(phones.org_admin).get(reverse("orgs:person_edit", args=[phones.member.person.uuid]))
        assert response["Cache-Control"] == "no-store"
        assert "13800138000" in response.content.decode()
        entry = Record.objects.get(action=Action.VIEW_PERSONAL)
        assert entry.changes["via"] == "edit form"

    def test_it_edits_titles_and_topics_one_per_line(self, world, client_for):
        person = world.member.person
        response = client_for(world.org_admin).post(
            reverse("orgs:person_edit", args=[person.uuid]),
            {"name": person.name, "is_speaker": "on", "speaker_topics": "两新组织党建\n长三角一体化", "titles": ""},
        )
        assert response.status_code == 302
        person.refresh_from_db()
        assert person.is_speaker and person.speaker_topics == ["两新组织党建", "长三角一体化"]


class TestExpertPool:
    def test_it_shows_every_speaker_to_every_member(self, world, speakers, client_for):
        html = client_for(world.outsider).get(SPEAKERS).content.decode()
        assert "顾劳模" in html and "沈教授" in html and "党的二十大代表" in html
        # Profiles link only where the viewer may open the person page.
        assert speakers[0].get_absolute_url() not in html
        # The college's admin reaches 顾劳模 through his branch, not 沈教授 (no membership).
        html = client_for(world.org_admin).get(SPEAKERS).content.decode()
        assert speakers[0].get_absolute_url() in html and speakers[1].get_absolute_url() not in html

    def test_it_filters_speakers_by_topic(self, world, speakers, client_for):
        html = client_for(world.member).get(SPEAKERS, {"topic": "两会"}).content.decode()
        table = html.split('id="object-table"')[1]
        assert "沈教授" in table and "顾劳模" not in table
        assert speakers[0].get_absolute_url() not in table

    def test_it_offers_every_topic_in_the_filter(self, world, speakers, client_for):
        choices = client_for(world.member).get(SPEAKERS).context["filterset"].form.fields["topic"].widget.choices
        assert choices == [("", "全部"), *((topic, topic) for topic in sorted(["学习贯彻党的二十大精神", "劳模精神", "全国两会精神解读"]))]

    def test_it_leaves_archived_speakers_out(self, world, speakers, client_for):
        speakers[1].archive()
        assert "沈教授" not in client_for(world.member).get(SPEAKERS).content.decode()


class TestMemberships:
    def test_it_adds_a_person_to_an_organization(self, world, client_for):
        newcomer = Person.objects.create(name="新党员")
        Membership.objects.create(person=newcomer, organization=world.own_org)
        url = reverse("orgs:membership_create", args=[world.own_branch.uuid])
        form = client_for(world.org_admin).get(url).context["form"]
        assert newcomer in form.fields["person"].queryset
        assert world.outsider.person not in form.fields["person"].queryset
        response = client_for(world.org_admin).post(
            url, {"person": str(newcomer.uuid), "role": "admin", "position": "书记", "joined_on": "2023-03-01"}
        )
        assert response.status_code == 302 and response["Location"].endswith("?tab=members")
        assert Membership.objects.get(person=newcomer, organization=world.own_branch).role == "admin"

    def test_it_refuses_adding_someone_twice(self, world, client_for):
        url = reverse("orgs:membership_create", args=[world.own_branch.uuid])
        response = client_for(world.org_admin).post(url, {"person": str(world.member.person.uuid), "role": "member"})
        assert response.context["form"].errors == {"person": ["此人已是该组织的成员。"]}

    def test_it_changes_a_role_and_the_audit_trail_records_it(self, world, client_for):
        membership = Membership.objects.get(person=world.member.person)
        response = client_for(world.org_admin).post(
            reverse("orgs:membership_edit", args=[membership.uuid]), {"role": "admin", "position": "书记"}
        )
        assert response.status_code == 302
        entry = Record.objects.filter(object_type="orgs.membership", object_id=str(membership.pk), action=Action.UPDATE).latest("pk")
        assert entry.actor == world.org_admin
        assert entry.changes["role"] == ["member", "admin"] and entry.changes["position"] == ["", "书记"]

    def test_it_ends_a_membership(self, world, client_for):
        membership = Membership.objects.get(person=world.member.person)
        response = client_for(world.org_admin).post(reverse("orgs:membership_end", args=[membership.uuid]))
        assert response.status_code == 302
        membership.refresh_from_db()
        assert membership.left_on is not None

    def test_it_reports_ending_twice(self, world, client_for):
        membership = Membership.objects.get(person=world.member.person)
        client = client_for(world.org_admin)
        client.post(reverse("orgs:membership_end", args=[membership.uuid]))
        response = client.post(reverse("orgs:membership_end", args=[membership.uuid]), follow=True)
        assert "该成员身份已经结束。" in [str(m) for m in response.context["messages"]]

    def test_it_refuses_admins_changing_their_own_membership(self, world, client_for):
        own = Membership.objects.get(person=world.org_admin.person)
        client = client_for(world.org_admin)
        assert client.get(reverse("orgs:membership_edit", args=[own.uuid])).status_code == 403
        assert client.post(reverse("orgs:membership_end", args=[own.uuid])).status_code == 403
        own.refresh_from_db()
        assert own.left_on is None and own.role == "admin"
