"""Direction, service areas, related categories and the synonym groups admins add: models, suggestions, pages and API."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from gongjian.exchange.matching import suggestions_for_need, suggestions_for_resource
from gongjian.exchange.models import Category, Need, Resource, SynonymGroup
from gongjian.orgs.models import Organization, Region

API = "/api/v1/exchange"


pytestmark = pytest.mark.usefixtures("fresh_indexes")


@pytest.fixture
def other_street(world):
    return Region.objects.create(name="泗泾镇", level=3, parent=world.district)


@pytest.fixture
def school(world):
    return world.own_org


@pytest.fixture
def company(world, other_street):
    return Organization.objects.create(name="智能制造企业党支部", sector="enterprise", kind="branch", region=other_street)


def targets(found):
    return [s.target for s in found]


# --------------------------------------------------------------------------- models


def test_it_refuses_an_item_that_seeks_and_offers_the_same_thing(make_need, make_resource):
    need = make_need(seeks="people", offers="space")
    need.offers = "people"
    with pytest.raises(ValidationError) as error:
        need.full_clean()
    assert "offers" in error.value.message_dict
    resource = make_resource(offers="space", seeks="people")
    # The database refuses it too, for writes that skip clean().
    with pytest.raises(IntegrityError), transaction.atomic():
        Resource.objects.filter(pk=resource.pk).update(seeks="space")


def test_it_checks_the_reach_against_the_service_areas_region(world, make_resource):
    resource = make_resource(region=world.district, service_area="street")
    with pytest.raises(ValidationError) as error:
        resource.full_clean()
    assert "service_area" in error.value.message_dict  # a district is not inside a street
    resource.service_area = "district"
    resource.full_clean()
    assert resource.reach_region == world.district
    community = make_resource(region=world.community, service_area="district")
    assert community.reach_region == world.district
    homeless = make_resource(organization=Organization.objects.create(name="无地区单位", sector="social", kind="branch"), region=None)
    homeless.service_area = "city"
    with pytest.raises(ValidationError):
        homeless.full_clean()


def test_it_normalises_a_synonym_group_and_needs_two_words(db):
    group = SynonymGroup(words="残疾人，残障人士、 残疾人")
    group.full_clean()
    assert group.words == "残疾人 残障人士"
    with pytest.raises(ValidationError):
        SynonymGroup(words="残疾人").full_clean()
    group.save()
    with pytest.raises(ValidationError):
        SynonymGroup(words="残疾人 残障人士").full_clean()  # the same group twice


# --------------------------------------------------------------------------- suggestions


def test_it_pairs_an_offer_with_a_need_for_it_and_never_two_seekers(world, company, make_need, make_resource):
    need = make_need(
        title="企业招工难", description="急需数控技术工人，希望学校推荐毕业生。", organization=company, seeks="people", publish=True
    )
    hiring = make_resource(
        title="招聘数控技术工人",
        description="企业招聘数控技术工人，欢迎推荐毕业生。",
        organization=world.foreign_org,
        offers="services",
        seeks="people",
        publish=True,
    )
    graduates = make_resource(title="数控专业毕业生推荐", description="学校可推荐数控专业毕业生和实习生。", offers="people", publish=True)
    found = suggestions_for_need(need)
    assert targets(found)[0] == graduates
    by_target = {s.target: s for s in found}
    assert by_target[graduates].factors["direction"] == 1.0
    assert hiring not in by_target or by_target[hiring].factors["direction"] == -1.0
    # From the offer's side the same rule holds: the graduates are suggested to the company's need.
    assert need in targets(suggestions_for_resource(graduates))


def test_it_suggests_a_district_wide_offer_to_needs_in_every_street(world, other_street, make_need, make_resource):
    need = make_need(title="独居老人助餐", description="独居老人需要送餐上门。", region=world.community, publish=True)
    elsewhere = Organization.objects.create(name="泗泾镇社区食堂", sector="social", kind="branch", region=other_street)
    district_wide = make_resource(
        title="长者食堂助餐送餐", organization=elsewhere, region=other_street, service_area="district", publish=True
    )
    street_only = make_resource(title="长者食堂助餐送餐", organization=elsewhere, region=other_street, service_area="street", publish=True)
    found = {s.target: s for s in suggestions_for_need(need)}
    assert found[district_wide].factors["region"] == 1.0
    assert found[district_wide].score > found[street_only].score
    assert "Its service area covers the need" in found[district_wide].reasons or "服务范围覆盖该需求" in found[district_wide].reasons
    # A district-wide offer looking for needs finds this one too, from the other street.
    assert need in targets(suggestions_for_resource(district_wide))


def test_it_counts_a_related_category_for_part_of_a_match(world, design, make_need, make_resource):
    elderly = Category.objects.get_or_create(name="为老服务", defaults={"order": 90})[0]
    health = Category.objects.create(name="医疗健康", order=95)
    elderly.related.add(health)
    need = make_need(title="老人健康讲座", category=elderly, publish=True)
    related = make_resource(title="老人健康讲座", category=health, publish=True)
    unrelated = make_resource(title="老人健康讲座", category=design, publish=True)
    found = {s.target: s for s in suggestions_for_need(need)}
    assert 0 < found[related].factors["category"] < 1 and found[unrelated].factors["category"] == 0
    assert found[related].score > found[unrelated].score


def test_it_uses_the_synonyms_admins_add_at_the_next_suggestion(world, make_need, make_resource):
    need = make_need(title="找个歇脚点", description="寻找歇脚点。", publish=True)
    station = make_resource(title="爱心驿站", description="驿站供饮水。", publish=True)
    assert station not in targets(suggestions_for_need(need))
    SynonymGroup.objects.create(words="歇脚点 驿站")
    assert station in targets(suggestions_for_need(need))
    SynonymGroup.objects.update(is_active=False)
    assert station not in targets(suggestions_for_need(need))


# --------------------------------------------------------------------------- pages and API


def test_it_lets_only_alliance_admins_edit_the_thesaurus(world, client_for):
    page = client_for(world.member).get(reverse("exchange:synonym_list"))
    assert page.status_code == 200 and "残障人士" in page.content.decode()  # the shipped groups are listed
    assert client_for(world.org_admin).get(reverse("exchange:synonym_create")).status_code == 403
    response = client_for(world.alliance_admin).post(reverse("exchange:synonym_create"), {"words": "歇脚点 驿站", "is_active": "on"})
    assert response.status_code == 302
    group = SynonymGroup.objects.get()
    response = client_for(world.alliance_admin).post(reverse("exchange:synonym_edit", args=[group.uuid]), {"words": "歇脚点"})
    assert response.status_code == 200 and SynonymGroup.objects.get().words == "歇脚点 驿站"  # the form shows the error


def test_it_links_related_categories_on_the_category_page(world, client_for, design):
    other = Category.objects.create(name="社区治理测试", order=120)
    url = reverse("exchange:category_edit", args=[design.uuid])
    response = client_for(world.alliance_admin).post(
        url, {"name": design.name, "order": design.order, "is_active": "on", "related": [other.pk]}
    )
    assert response.status_code == 302
    assert list(other.related.all()) == [design]  # symmetrical
    assert other.name in client_for(world.member).get(reverse("exchange:category_list")).content.decode()


def test_it_writes_direction_reach_and_thesaurus_through_the_api(world, api_for, design, other_street):
    body = {
        "organization": str(world.own_org.uuid),
        "title": "学生志愿者",
        "category": str(design.uuid),
        "region": str(world.district.uuid),
        "service_area": "district",
        "offers": "people",
    }
    response = api_for(world.org_admin).post(f"{API}/resources/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["service_area"] == "district" and response.json()["offers"] == "people"
    body.update(region=str(world.district.uuid), service_area="community", title="太窄")
    assert api_for(world.org_admin).post(f"{API}/resources/", body, format="json").status_code == 400
    body.update(service_area="", seeks="people", title="自相矛盾")
    assert api_for(world.org_admin).post(f"{API}/resources/", body, format="json").status_code == 400
    assert api_for(world.org_admin).post(f"{API}/synonyms/", {"words": "歇脚点 驿站"}, format="json").status_code == 403
    response = api_for(world.alliance_admin).post(f"{API}/synonyms/", {"words": "歇脚点，驿站"}, format="json")
    assert response.status_code == 201 and response.json()["words"] == "歇脚点 驿站"
    assert api_for(world.member).get(f"{API}/synonyms/").json()["results"][0]["words"] == "歇脚点 驿站"
    other = Category.objects.create(name="关联测试", order=130)
    url = f"{API}/categories/{design.uuid}/"
    assert api_for(world.alliance_admin).patch(url, {"related": [str(other.uuid)]}, format="json").status_code == 200
    assert api_for(world.alliance_admin).patch(url, {"related": [str(design.uuid)]}, format="json").status_code == 400
    assert list(design.related.all()) == [other]
    assert Need.objects.count() == 0
