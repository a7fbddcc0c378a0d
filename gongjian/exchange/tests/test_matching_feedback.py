"""Feedback on suggestions: 有用 / 没用 on the match tab and the API, claims made from a suggestion, and the export as an evaluation set."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from gongjian.audit.models import Action, Record
from gongjian.exchange.matching import evaluation
from gongjian.exchange.models import Claim, SuggestionFeedback

API = "/api/v1/exchange"


pytestmark = pytest.mark.usefixtures("fresh_indexes")


@pytest.fixture
def pair(make_need, make_resource):
    need = make_need(title="采样亭改造设计", description="街道采样亭改造成党群服务点。", seeks="expertise", publish=True)
    resource = make_resource(title="学生设计团队承接采样亭改造设计", offers="expertise", publish=True)
    return need, resource


def mark(client, need, resource, verdict, htmx=True):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    url = reverse("exchange:need_feedback", args=[need.uuid])
    return client.post(url, {"target": str(resource.uuid), "verdict": verdict, "score": "1.5"}, **headers)


def test_it_records_a_verdict_from_the_match_tab_and_replaces_it_when_marked_again(world, client_for, pair):
    need, resource = pair
    client = client_for(world.outsider)
    tab = client.get(need.get_absolute_url() + "?tab=matches").content.decode()
    assert f'id="feedback-{resource.uuid}"' in tab and f"{resource.get_absolute_url()}?from=suggestion" in tab
    response = mark(client, need, resource, "useful")
    assert response.status_code == 200 and 'aria-pressed="true"' in response.content.decode() and "<html" not in response.content.decode()
    mark(client, need, resource, "not_useful")
    (feedback,) = SuggestionFeedback.objects.all()
    assert (feedback.verdict, feedback.shown_on, feedback.user, feedback.score) == ("not_useful", "need", world.outsider, 1.5)
    # The tab shows the verdict the viewer gave.
    tab = client.get(need.get_absolute_url() + "?tab=matches").content.decode()
    assert 'value="not_useful" class="btn btn-sm btn-secondary"' in tab
    assert Record.objects.filter(object_type="exchange.suggestionfeedback", action=Action.UPDATE).exists()


def test_it_refuses_a_bad_verdict_and_items_the_user_cannot_see(world, client_for, pair, make_resource):
    need, resource = pair
    client = client_for(world.member)
    assert mark(client, need, resource, "maybe").status_code == 400
    draft = make_resource(title="草稿", organization=world.own_org)
    assert client_for(world.outsider).post(
        reverse("exchange:need_feedback", args=[need.uuid]), {"target": str(draft.uuid), "verdict": "useful"}
    ).status_code == 404
    assert not SuggestionFeedback.objects.exists()
    assert client_for(world.member).get(reverse("exchange:need_feedback", args=[need.uuid])).status_code == 405


def test_it_records_verdicts_through_the_api_and_shows_each_user_their_own(world, api_for, pair):
    need, resource = pair
    body = {"target": str(need.uuid), "verdict": "useful"}
    response = api_for(world.org_admin).post(f"{API}/resources/{resource.uuid}/feedback/", body, format="json")
    assert response.status_code == 200 and response.json()["shown_on"] == "resource"
    api_for(world.member).post(f"{API}/needs/{need.uuid}/feedback/", {"target": str(resource.uuid), "verdict": "not_useful"}, format="json")
    assert api_for(world.org_admin).post(f"{API}/needs/{need.uuid}/feedback/", {"target": str(need.uuid), "verdict": "useful"}, format="json").status_code == 404
    assert [f["verdict"] for f in api_for(world.member).get(f"{API}/feedback/").json()["results"]] == ["not_useful"]
    assert len(api_for(world.alliance_admin).get(f"{API}/feedback/").json()["results"]) == 2


def test_it_records_a_claim_made_from_a_suggestion(world, client_for, api_for, pair):
    need, resource = pair
    page = client_for(world.org_admin).get(need.get_absolute_url() + "?tab=claims&from=suggestion").content.decode()
    assert 'name="from_suggestion" value="True"' in page
    assert 'name="from_suggestion" value="False"' in client_for(world.org_admin).get(need.get_absolute_url() + "?tab=claims").content.decode()
    body = {"organization": str(world.own_org.uuid), "from_suggestion": True}
    assert api_for(world.org_admin).post(f"{API}/needs/{need.uuid}/claim/", body, format="json").status_code == 201
    assert Claim.objects.get().from_suggestion


def test_it_exports_verdicts_and_claims_as_an_evaluation_set(world, api_for, pair, make_resource, tmp_path):
    need, resource = pair
    unhelpful = make_resource(title="采样亭清洗服务", publish=True)
    api_for(world.outsider).post(f"{API}/needs/{need.uuid}/feedback/", {"target": str(unhelpful.uuid), "verdict": "not_useful"}, format="json")
    api_for(world.outsider).post(f"{API}/needs/{need.uuid}/feedback/", {"target": str(resource.uuid), "verdict": "useful"}, format="json")
    api_for(world.org_admin).post(f"{API}/needs/{need.uuid}/claim/", {"organization": str(world.own_org.uuid), "from_suggestion": True}, format="json")
    out = tmp_path / "feedback.json"
    call_command("export_match_feedback", "--out", str(out), stdout=open("/dev/null", "w"))
    data = json.loads(out.read_text(encoding="utf-8"))
    # The claim outranks the verdict: the claimant's open resources were what was suggested.
    assert data["judgements"] == {str(need.pk): {str(resource.pk): 3}}
    assert data["judged_irrelevant"] == {str(need.pk): [unhelpful.pk]}
    assert {r["id"] for r in data["resources"]} == {resource.pk, unhelpful.pk}
    # The file is an evaluation set: the same code that measures the hand-graded set measures it.
    es = evaluation.load(out)
    assert evaluation.run(es)["ndcg10"] == pytest.approx(1.0)
    assert Record.objects.filter(action=Action.EXPORT, actor_name="manage.py export_match_feedback").exists()
