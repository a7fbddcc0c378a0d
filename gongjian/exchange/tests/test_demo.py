"""The demo data: the scenario's claimed needs, open needs and resources for matching, idempotent."""


import pytest

from gongjian.exchange import demo
from gongjian.exchange.models import Claim, ListRelease, Need, NeedEvent, Resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    from gongjian.orgs import demo as orgs_demo

    orgs_demo.load()
    return demo.load()


def test_it_builds_the_scenario_needs_and_claims(loaded):
    booth = Need.objects.get(title="25 个采样亭个性化改造设计")
    assert (booth.organization.name, booth.status, booth.featured) == ("广富林街道党工委", "in_progress", True)
    claim = Claim.objects.get(need=booth)
    assert (claim.claimant.name, claim.status) == ("示例学院党委", "accepted")
    assert list(booth.events.values_list("to_status", flat=True)) == ["published", "claimed", "in_progress"]
    ip = Claim.objects.get(need__title__contains="泗美锋尚")
    assert [p.name for p in ip.partners.all()] == ["学院智库团"]
    assert Need.objects.get(title="场中居民区党群服务站设计").status == "fulfilled"


def test_it_has_open_needs_and_resources_in_the_hall(loaded):
    assert Need.objects.in_hall().count() >= 10
    assert Resource.objects.open().count() >= 10
    for title in ("社区为老服务志愿者招募", "街道党群服务中心空间设计与导视系统"):
        assert Need.objects.in_hall().filter(title=title).exists()
    for title in ("企业实习岗位", "20 名学生设计师", "每月 2 场宣讲", "智能制造技术服务与产线改造咨询"):
        assert Resource.objects.open().filter(title=title).exists()
    designers = Resource.objects.get(title="20 名学生设计师")
    assert (designers.capacity, designers.capacity_unit, designers.organization.name) == (20, "名学生设计师", "示例学院党委")


def test_it_publishes_the_2023_lists(loaded):
    needs = ListRelease.objects.get(year=2023, kind="needs")
    titles = {row["title"] for row in needs.snapshot}
    assert "25 个采样亭个性化改造设计" in titles and len(titles) == Need.objects.count()
    assert needs.published_at.year == 2023
    assert ListRelease.objects.filter(year=2023, kind="resources").exists()


def test_it_creates_nothing_the_second_time(loaded):
    counts = (Need.objects.count(), Resource.objects.count(), Claim.objects.count(), NeedEvent.objects.count(), ListRelease.objects.count())
    again = demo.load()
    assert again == {"needs": 0, "resources": 0, "claims": 0, "releases": 0}
    assert (Need.objects.count(), Resource.objects.count(), Claim.objects.count(), NeedEvent.objects.count(), ListRelease.objects.count()) == counts


def test_it_makes_the_college_designers_a_strong_match_for_an_open_need(loaded):
    from gongjian.exchange.matching import suggestions_for_need

    need = Need.objects.get(title="街道党群服务中心空间设计与导视系统")
    top = [s.target.title for s in suggestions_for_need(need, limit=3)]
    assert "20 名学生设计师" in top
