"""The newsroom API: the same articles, rules and steps as the pages, scoped, with a schema."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gongjian.lib.testing_matrix import PermissionMatrix, Probe
from gongjian.news.choices import ArticleStatus
from gongjian.news.models.articles import Article
from gongjian.news.models.review_flow import USER_TRANSITIONS

from .article_helpers import BLOCK_TEXT, REVIEW_TEXT, at_status, make_article, published

S = ArticleStatus
BASE = "/api/v1/news/articles/"


def url(article, action=""):
    return f"{BASE}{article.uuid}/{action + '/' if action else ''}"


API = PermissionMatrix(
    probes={
        "list": Probe("get", lambda a: BASE, api=True),
        "get": Probe("get", url, api=True),
        "patch": Probe("patch", url, api=True, data={"title": "改过的标题"}),
        "submit": Probe("post", lambda a: url(a, "submit"), api=True, data={"comment": "请审核"}),
        "pass_first": Probe("post", lambda a: url(a, "pass_first"), api=True, data={"comment": "通过"}),
        "versions": Probe("get", lambda a: url(a, "versions"), api=True),
    },
    targets={"branch": lambda world: make_article(world.newsroom)},
    table="""
        role            target  list  get  patch  submit  pass_first  versions
        anonymous       branch  401   401  401    401     401         401
        alliance_admin  branch  200+  200  200    200     400         200
        org_admin       branch  200+  200  200    200     400         200
        member          branch  200+  200  200    200     400         200
        outsider        branch  200-  404  404    404     404         404
    """,
)


def test_it_enforces_the_api_matrix(newsroom, client_for, api_for):
    newsroom.world.newsroom = newsroom
    API.assert_all(newsroom.world, client_for, api_for)


def test_it_creates_a_draft_for_an_organization_the_writer_belongs_to(newsroom, api_for):
    world = newsroom.world
    body = {
        "title": "支部开展主题党日",
        "summary": "走进社区",
        "body": "<p>正文<script>x()</script></p>",
        "category": "work",
        "organization": str(world.own_branch.uuid),
    }
    response = api_for(newsroom.author).post(BASE, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["status"], data["author"], data["body"], data["steps"]) == ("draft", str(newsroom.author), "<p>正文</p>", [])
    assert data["allowed_actions"] == ["submit"]
    foreign = api_for(newsroom.author).post(BASE, {**body, "organization": str(world.foreign_org.uuid)}, format="json")
    assert foreign.status_code == 400 and "organization" in foreign.json()
    assert api_for(newsroom.security).post(BASE, body, format="json").status_code == 403


def test_it_refuses_blocked_text_pointing_at_the_span_and_holds_review_text(newsroom, api_for):
    client = api_for(newsroom.author)
    base = {"summary": "", "body": "", "category": "work", "organization": str(newsroom.world.own_branch.uuid)}
    refused = client.post(BASE, {**base, "title": f"{BLOCK_TEXT}党委获评优秀共建党组织"}, format="json")
    assert refused.status_code == 400 and any(BLOCK_TEXT in m and "1–12" in m for m in refused.json()["title"])
    held = client.post(BASE, {**base, "title": "禁赌宣传", "summary": REVIEW_TEXT}, format="json")
    assert held.status_code == 201
    data = held.json()
    assert data["status"] == "held" and data["findings"][0]["field"] == "summary"
    released = api_for(newsroom.security).post(f"{BASE}{data['uuid']}/release/", {"comment": "正常宣传"}, format="json")
    assert released.status_code == 200 and released.json()["status"] == "draft"


def test_it_runs_the_three_reviews_through_the_api_recording_each_step(newsroom, api_for):
    article = make_article(newsroom)
    steps = [("submit", newsroom.author), ("pass_first", newsroom.first), ("pass_second", newsroom.second), ("publish", newsroom.final)]
    for action, user in steps:
        response = api_for(user).post(url(article, action), {"comment": f"{action} 意见"}, format="json")
        assert response.status_code == 200, (action, response.json())
    data = response.json()
    assert data["status"] == "published" and data["version"] == 1 and data["public_url"] == article.get_public_url()
    assert [(s["decision"], s["reviewer"], s["comment"]) for s in data["steps"]] == [(a, str(u), f"{a} 意见") for a, u in steps]
    assert [s["stage"] for s in data["steps"]] == ["", "first", "second", "final"]
    assert all(s["created_at"] for s in data["steps"])
    versions = api_for(newsroom.first).get(url(article, "versions")).json()
    assert [(v["number"], v["title"]) for v in versions] == [(1, article.title)] and len(versions[0]["seal"]) == 64


def test_it_refuses_the_wrong_person_and_the_wrong_status(newsroom, api_for):
    article = at_status(newsroom, S.FIRST_REVIEW)
    own = api_for(newsroom.author).post(url(article, "pass_first"), {}, format="json")
    assert own.status_code == 403
    wrong = api_for(newsroom.final).post(url(article, "publish"), {}, format="json")
    assert wrong.status_code == 400 and "non_field_errors" in wrong.json()
    no_reason = api_for(newsroom.first).post(url(article, "send_back"), {"comment": ""}, format="json")
    assert no_reason.status_code == 400 and "comment" in no_reason.json()
    assert Article.objects.get(pk=article.pk).status == S.FIRST_REVIEW
    # Someone outside the scope does not learn the article exists.
    assert api_for(newsroom.world.outsider).post(url(article, "send_back"), {"comment": "x"}, format="json").status_code == 404


def test_it_schedules_withdraws_and_corrects(newsroom, api_for):
    article = at_status(newsroom, S.FINAL_REVIEW)
    when = (timezone.now() + timedelta(days=1)).isoformat()
    response = api_for(newsroom.final).post(url(article, "schedule"), {"publish_at": when}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "scheduled" and response.json()["publish_at"]
    assert api_for(newsroom.final).post(url(article, "publish"), {}, format="json").json()["status"] == "published"
    correction = {"title": article.title, "summary": article.summary, "body": "<p>更正后的正文。</p>", "comment": "更正日期"}
    response = api_for(newsroom.final).post(url(article, "correct"), correction, format="json")
    assert response.status_code == 200 and response.json()["version"] == 2
    assert api_for(newsroom.first).post(url(article, "withdraw"), {}, format="json").status_code == 400
    response = api_for(newsroom.first).post(url(article, "withdraw"), {"comment": "撤稿"}, format="json")
    assert response.json()["status"] == "withdrawn" and response.json()["status_note"] == "撤稿"


def test_it_edits_only_drafts_and_archives_instead_of_deleting(newsroom, api_for):
    article = at_status(newsroom, S.FIRST_REVIEW)
    response = api_for(newsroom.author).patch(url(article), {"title": "改"}, format="json")
    assert response.status_code == 400
    draft = make_article(newsroom, title="要删除的草稿")
    assert api_for(newsroom.first).delete(url(draft)).status_code == 204
    assert Article.objects.get(pk=draft.pk).is_archived
    assert str(draft.uuid) not in api_for(newsroom.first).get(BASE).content.decode()
    live = published(newsroom)
    assert api_for(newsroom.first).delete(url(live)).status_code == 400


def test_it_offers_an_action_per_user_transition(newsroom):
    from gongjian.news.api.articles import ArticleViewSet

    actions = {a.__name__ for a in ArticleViewSet.get_extra_actions()}
    assert set(USER_TRANSITIONS) <= actions and {"versions", "from_document"} <= actions


def test_it_makes_a_draft_from_a_publicity_document(newsroom, api_for):
    from .test_articles import publicity_document

    document = publicity_document(newsroom.world)
    response = api_for(newsroom.second).post(f"{BASE}from_document/", {"document": str(document.uuid)}, format="json")
    assert response.status_code == 201 and response.json()["title"] == document.content["title"]
    # A document outside the caller's scope is a field error of the body (the operation names no object in its path).
    refused = api_for(newsroom.world.outsider).post(f"{BASE}from_document/", {"document": str(document.uuid)}, format="json")
    assert refused.status_code == 400 and refused.json() == {"document": ["该条目不存在，或您无权查看。"]}


@pytest.mark.parametrize("role", ["first", "final"])
def test_it_lists_in_constant_queries(newsroom, api_for, django_assert_num_queries, role):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_for(newsroom.people[role])
    published(newsroom)
    client.get(BASE)
    with CaptureQueriesContext(connection) as few:
        client.get(BASE)
    for n in range(6):
        published(newsroom, title=f"稿件{n}")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(BASE)
    assert len(response.json()["results"]) == 7
