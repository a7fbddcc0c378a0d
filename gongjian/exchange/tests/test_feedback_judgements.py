"""How verdicts and claims made from suggestions become grades of (need, resource) pairs for the evaluation set."""

import pytest

from gongjian.exchange.matching.feedback import evaluation_set, judgements
from gongjian.exchange.models import Claim, SuggestionFeedback

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(world, make_need, make_resource, enterprise):
    """The street's open need; two open resources of the college; one of the enterprise."""
    company, _admin = enterprise
    need = make_need(publish=True)
    first = make_resource(title="学生设计团队", publish=True)
    second = make_resource(title="教师设计工作室", publish=True)
    theirs = make_resource(title="企业设计部", organization=company, publish=True)
    return need, first, second, theirs


def claim_from_suggestion(target, organization, user):
    return target.make_claim(organization, by=user, from_suggestion=True)


def test_it_grades_a_pair_by_the_balance_of_votes(world, items):
    need, first, second, _theirs = items
    SuggestionFeedback.mark(world.member, need, first, "useful")
    SuggestionFeedback.mark(world.org_admin, first, need, "useful")
    SuggestionFeedback.mark(world.outsider, need, first, "not_useful")
    SuggestionFeedback.mark(world.member, need, second, "useful")
    SuggestionFeedback.mark(world.outsider, need, second, "not_useful")
    assert judgements() == {(need.pk, first.pk): 2, (need.pk, second.pk): 0}


def test_a_claim_grades_the_claimants_item_whose_tab_showed_the_need(world, items):
    need, first, second, _theirs = items
    # The college's user saw the need on the first resource's match tab; the second one was never involved.
    SuggestionFeedback.mark(world.org_admin, first, need, "not_useful")
    claim_from_suggestion(need, world.own_org, world.org_admin)
    assert judgements() == {(need.pk, first.pk): 3}


def test_without_a_verdict_a_claim_grades_each_open_item_but_never_over_a_not_useful(world, items, make_resource):
    need, first, second, _theirs = items
    closed = make_resource(title="已关闭的资源", publish=True)
    closed.close(by=world.org_admin)
    SuggestionFeedback.mark(world.outsider, need, second, "not_useful")  # the need's owner judged it on the need's tab
    claim_from_suggestion(need, world.own_org, world.org_admin)
    assert judgements() == {(need.pk, first.pk): 3, (need.pk, second.pk): 0}


def test_a_request_grades_the_requesters_open_needs(world, items, make_need):
    need, _first, _second, theirs = items
    make_need(title="还没发布的需求")
    claim_from_suggestion(theirs, world.foreign_org, world.outsider)
    assert judgements() == {(need.pk, theirs.pk): 3}


def test_a_withdrawn_rejected_or_ordinary_claim_grades_nothing(world, items, enterprise):
    need, _first, _second, theirs = items
    company, company_admin = enterprise
    claim_from_suggestion(need, world.own_org, world.org_admin).withdraw(world.org_admin)
    claim_from_suggestion(theirs, world.foreign_org, world.outsider).reject(company_admin, "不合适")
    need.claim(company, by=company_admin)  # not made from a suggestion
    assert Claim.objects.count() == 3
    assert judgements() == {}


def test_the_set_leaves_out_needs_judged_only_irrelevant(world, items, make_need):
    need, first, second, _theirs = items
    other = make_need(title="社区活动场地", publish=True)
    SuggestionFeedback.mark(world.member, need, first, "useful")
    SuggestionFeedback.mark(world.member, need, second, "not_useful")
    SuggestionFeedback.mark(world.member, other, first, "not_useful")
    data = evaluation_set()
    assert [n["id"] for n in data["needs"]] == [need.pk]
    assert data["judgements"] == {str(need.pk): {str(first.pk): 2}}
    assert data["judged_irrelevant"] == {str(need.pk): [second.pk]}
    assert sorted(data["split"]["dev"] + data["split"]["test"]) == [need.pk]


def test_the_set_offers_every_open_resource_beside_the_judged_ones(world, items, make_resource):
    need, first, second, theirs = items
    draft = make_resource(title="草稿资源")
    SuggestionFeedback.mark(world.member, need, first, "useful")
    resources = {r["id"]: r for r in evaluation_set()["resources"]}
    assert set(resources) == {first.pk, second.pk, theirs.pk}
    assert draft.pk not in resources
    # A resource without a region of its own is placed at its organization's.
    assert resources[first.pk]["region"] == world.own_org.region_id
