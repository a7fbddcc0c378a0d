"""The one-off actions of the need and resource pages (close, fulfil, archive, feature) and what the detail tabs show whom."""

import pytest
from django.urls import reverse

from gongjian.exchange.models import Need, Resource

from .conftest import days

pytestmark = pytest.mark.django_db


def post(client, name, obj, data=None):
    return client.post(reverse(f"exchange:{name}", args=[obj.uuid]), data or {}, follow=True)


class TestNeedActions:
    def test_it_closes_with_the_note_and_declines_the_claims_waiting(self, world, client_for, make_need):
        need = make_need(publish=True)
        claim = need.claim(world.own_org, by=world.org_admin)
        response = post(client_for(world.outsider), "need_close", need, {"note": "  街道已自行解决  "})
        assert f"已关闭“{need.title}”。" in response.content.decode()
        need.refresh_from_db()
        claim.refresh_from_db()
        assert need.status == "closed"
        assert need.events.get(to_status="closed").note == "街道已自行解决"
        assert (claim.status, claim.reject_reason, claim.decided_by) == ("rejected", "该需求已关闭。", world.outsider)

    def test_it_explains_why_a_fulfilled_need_cannot_be_closed(self, world, client_for, make_need):
        need = make_need(publish=True)
        need.claim(world.own_org, by=world.org_admin).accept(world.outsider)
        need.fulfil(by=world.outsider)
        response = post(client_for(world.outsider), "need_close", need)
        assert response.redirect_chain[-1][0] == need.get_absolute_url()
        assert "不能将状态从“已完成”改为“已关闭”。" in response.content.decode()
        assert Need.objects.get(pk=need.pk).status == "fulfilled"

    def test_it_refuses_fulfilling_a_need_nobody_claimed(self, world, client_for, make_need):
        need = make_need(publish=True)
        response = post(client_for(world.outsider), "need_fulfil", need, {"satisfaction": "5"})
        assert "不能将状态从“已发布”改为“已完成”。" in response.content.decode()
        assert Need.objects.get(pk=need.pk).status == "published"

    def test_it_unfeatures_a_need(self, world, client_for, make_need):
        need = make_need(publish=True)
        need.set_featured(True, by=world.alliance_admin)
        post(client_for(world.alliance_admin), "need_feature", need, {"featured": "0"})
        assert Need.objects.get(pk=need.pk).featured is False


class TestArchiving:
    def test_it_refuses_archiving_a_published_need_and_says_why(self, world, client_for, make_need):
        need = make_need(publish=True)
        response = post(client_for(world.outsider), "need_archive", need)
        assert response.redirect_chain[-1][0] == need.get_absolute_url()
        assert "请先关闭再归档，其他单位可能仍在使用。" in response.content.decode()
        assert Need.objects.get(pk=need.pk).archived_at is None

    def test_it_archives_a_closed_need_and_drops_it_from_the_list(self, world, client_for, make_need):
        need = make_need(publish=True)
        need.close(by=world.outsider)
        client = client_for(world.outsider)
        response = post(client, "need_archive", need)
        assert response.redirect_chain[-1][0] == reverse("exchange:need_list")
        assert f"已归档“{need.title}”。" in response.content.decode()
        assert Need.objects.get(pk=need.pk).archived_at is not None
        assert need not in client.get(reverse("exchange:need_list")).context["object_list"]

    def test_it_archives_a_draft_resource_but_not_a_published_one(self, world, client_for, make_resource):
        draft = make_resource(title="草稿资源")
        offered = make_resource(title="在供资源", publish=True)
        client = client_for(world.org_admin)
        assert post(client, "resource_archive", draft).redirect_chain[-1][0] == reverse("exchange:resource_list")
        response = post(client, "resource_archive", offered)
        assert "请先关闭再归档" in response.content.decode()
        assert Resource.objects.get(pk=draft.pk).archived_at is not None
        assert Resource.objects.get(pk=offered.pk).archived_at is None


class TestResourceActions:
    def test_it_closes_a_resource_and_declines_the_requests_waiting(self, world, client_for, make_resource, enterprise):
        company, company_admin = enterprise
        resource = make_resource(publish=True)
        claim = resource.request(company, by=company_admin, quantity=3)
        response = post(client_for(world.org_admin), "resource_close", resource, {"note": "学期结束"})
        assert f"已关闭“{resource.title}”。" in response.content.decode()
        claim.refresh_from_db()
        assert (claim.status, claim.reject_reason) == ("rejected", "该资源已撤回。")
        assert Resource.objects.get(pk=resource.pk).capacity == 20  # a declined request takes nothing

    def test_it_publishes_a_closed_resource_again_and_refuses_publishing_twice(self, world, client_for, make_resource):
        resource = make_resource(publish=True)
        resource.close(by=world.org_admin)
        client = client_for(world.org_admin)
        assert f"已发布“{resource.title}”。" in post(client, "resource_publish", resource).content.decode()
        assert "不能将状态从“已发布”改为“已发布”。" in post(client, "resource_publish", resource).content.decode()
        assert list(Resource.objects.get(pk=resource.pk).events.values_list("to_status", flat=True)) == ["published", "closed", "published"]


class TestDetailTabs:
    def test_each_claimant_counts_only_its_own_claims_the_owner_all(self, world, client_for, make_need, enterprise):
        company, company_admin = enterprise
        need = make_need(publish=True, claim_mode="multiple")
        need.claim(world.own_org, by=world.org_admin)
        need.claim(company, by=company_admin)
        url = need.get_absolute_url() + "?tab=claims"
        assert client_for(world.outsider).get(url).context["claim_count"] == 2
        mine = client_for(company_admin).get(url).context
        assert mine["claim_count"] == 1 and [c.claimant for c in mine["claims"]] == [company]
        assert client_for(world.member).get(url).context["claim_count"] == 0

    def test_it_reads_an_unknown_tab_as_the_overview(self, world, client_for, make_need):
        need = make_need(publish=True)
        context = client_for(world.member).get(need.get_absolute_url() + "?tab=secrets").context
        assert context["tab"] == "overview" and [e.to_status for e in context["events"]] == ["published"]

    def test_it_answers_an_htmx_tab_request_with_the_tab_only(self, world, client_for, make_need):
        need = make_need(publish=True)
        need.claim(world.own_org, by=world.org_admin)
        response = client_for(world.outsider).get(
            need.get_absolute_url() + "?tab=claims", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="tab-pane"
        )
        body = response.content.decode()
        assert "<html" not in body and world.own_org.name in body
        # Another HTMX target (e.g. a boosted link) gets the whole page.
        whole = client_for(world.outsider).get(need.get_absolute_url(), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="main")
        assert "<html" in whole.content.decode()

    def test_it_offers_no_claim_form_on_a_closed_need(self, world, client_for, make_need):
        need = make_need(publish=True)
        need.close(by=world.outsider)
        response = client_for(world.org_admin).get(need.get_absolute_url() + "?tab=claims")
        assert response.context["claim_form"] is None and 'id="claim-form"' not in response.content.decode()

    def test_it_warns_about_the_first_claim_window_only_while_it_lasts(self, world, client_for, make_need, pair):
        pair(world.own_org, world.foreign_org)
        need = make_need(deadline=days(30), publish=True)
        response = client_for(world.org_admin).get(need.get_absolute_url() + "?tab=claims")
        assert response.context["priority_notice"] is True
        assert f"{need.priority_until:%Y-%m-%d} 前仅与{world.foreign_org.name}结对的组织可以认领" in response.content.decode()
        Need.objects.filter(pk=need.pk).update(priority_until=days(-1))
        assert "priority_notice" not in client_for(world.org_admin).get(need.get_absolute_url() + "?tab=claims").context

    def test_it_asks_for_units_on_a_resource_and_partners_on_a_need(self, world, client_for, make_need, make_resource):
        need = make_need(publish=True)
        resource = make_resource(organization=world.foreign_org, publish=True)
        need_form = client_for(world.org_admin).get(need.get_absolute_url() + "?tab=claims").context["claim_form"]
        resource_form = client_for(world.org_admin).get(resource.get_absolute_url() + "?tab=claims").context["claim_form"]
        assert "partners" in need_form.fields and "quantity" not in need_form.fields
        assert "quantity" in resource_form.fields and "partners" not in resource_form.fields
        # The owner is never offered as the claimant.
        assert world.foreign_org not in resource_form.fields["organization"].queryset
