"""The news API answers as /api/schema/ says, for real articles and lists, not only the fuzzer's.

The whole-API fuzz (gongjian/lib/tests/test_api_fuzz.py) sends an org admin's requests with
generated ids, which mostly find nothing, and the safety lists refuse an org admin. Here each
operation is called on real objects by the people who may use it, success and refusal alike, and
schemathesis checks every answer against the schema: status documented, body of the declared
shape (nulls only where the schema allows them), errors in the one error shape and in Chinese.
"""

import re

import pytest
import requests
import schemathesis
from schemathesis.core.transport import Response

from gongjian.news.choices import ArticleStatus

from .article_helpers import REVIEW_TEXT, at_status, make_article, published
from .test_articles import publicity_document

S = ArticleStatus
BASE = "/api/v1/news/articles/"
ARTICLE = BASE + "{uuid}/"
CHINESE = re.compile("[\u4e00-\u9fff]")


@pytest.fixture
def openapi(api_for, newsroom):
    return schemathesis.openapi.from_dict(api_for(newsroom.author).get("/api/schema/", {"format": "json"}).json())


@pytest.fixture
def conforms(openapi):
    """conforms(response, template) checks one answer of the operation at path ``template``; returns its body."""

    def check(response, template):
        request = response.wsgi_request
        prepared = requests.Request(request.method, request.build_absolute_uri()).prepare()
        headers = {name.lower(): [value] for name, value in response.headers.items()}
        answer = Response(response.status_code, headers, response.content, prepared, elapsed=0.0, verify=False)
        openapi[template][request.method].validate_response(answer)
        body = response.json() if response.content else None
        if response.status_code >= 400:
            messages = [body["detail"]] if "detail" in body else [m for ms in body.values() for m in ms]
            assert messages and all(CHINESE.search(m) for m in messages), body
        return body

    return check


def test_it_answers_the_article_operations_within_the_schema(newsroom, api_for, conforms):
    author, first = api_for(newsroom.author), api_for(newsroom.first)
    draft = make_article(newsroom)
    body = conforms(author.get(ARTICLE.format(uuid=draft.uuid)), ARTICLE)
    assert (body["published_at"], body["publish_at"], body["cover_url"], body["public_url"]) == (None, None, None, None)
    live = published(newsroom, title="结对共建新闻")
    body = conforms(first.get(ARTICLE.format(uuid=live.uuid)), ARTICLE)
    assert body["public_url"] and [s["reviewer"] for s in body["steps"]][-1]
    conforms(first.get(BASE), BASE)
    conforms(first.get(BASE, {"status": "published", "category": "work"}), BASE)
    conforms(first.get(BASE, {"status": "nonsense"}), BASE)
    conforms(first.get(BASE, {"page": 99}), BASE)
    conforms(first.get(ARTICLE.format(uuid=live.uuid) + "versions/"), ARTICLE + "versions/")
    conforms(api_for(newsroom.world.outsider).get(ARTICLE.format(uuid=live.uuid)), ARTICLE)
    # A platform step (the hold) has no reviewer: null, as declared.
    held = make_article(newsroom, summary=REVIEW_TEXT)
    body = conforms(api_for(newsroom.security).get(ARTICLE.format(uuid=held.uuid)), ARTICLE)
    assert body["status"] == "held" and body["steps"][-1]["reviewer"] is None and body["findings"]


def test_it_answers_writes_and_refusals_within_the_schema(newsroom, api_for, conforms):
    author = api_for(newsroom.author)
    create = {"title": "支部开展主题党日", "category": "work", "organization": str(newsroom.world.own_branch.uuid)}
    created = conforms(author.post(BASE, create, format="json"), BASE)
    conforms(author.post(BASE, {**create, "title": ""}, format="json"), BASE)
    conforms(author.post(BASE, {**create, "organization": str(newsroom.world.foreign_org.uuid)}, format="json"), BASE)
    conforms(api_for(newsroom.security).post(BASE, create, format="json"), BASE)
    conforms(author.post(BASE, "{", content_type="application/json"), BASE)
    url = ARTICLE.format(uuid=created["uuid"])
    conforms(author.patch(url, {"summary": "走进社区"}, format="json"), ARTICLE)
    conforms(author.put(url, {**create, "summary": "走进社区"}, format="json"), ARTICLE)
    conforms(author.post(url + "submit/", {"comment": "请审核"}, format="json"), ARTICLE + "submit/")
    conforms(author.patch(url, {"summary": "改"}, format="json"), ARTICLE)
    conforms(author.post(url + "pass_first/", {}, format="json"), ARTICLE + "pass_first/")
    conforms(api_for(newsroom.first).post(url + "send_back/", {"comment": ""}, format="json"), ARTICLE + "send_back/")
    conforms(api_for(newsroom.final).post(url + "publish/", {}, format="json"), ARTICLE + "publish/")
    conforms(api_for(newsroom.first).post(url + "pass_first/", {"comment": "通过"}, format="json"), ARTICLE + "pass_first/")
    conforms(api_for(newsroom.second).post(url + "pass_second/", {}, format="json"), ARTICLE + "pass_second/")
    conforms(api_for(newsroom.final).post(url + "schedule/", {"publish_at": "2000-01-01T00:00:00Z"}, format="json"), ARTICLE + "schedule/")
    conforms(api_for(newsroom.final).post(url + "publish/", {}, format="json"), ARTICLE + "publish/")
    correction = {"title": "更正后的标题", "comment": "更正标题"}
    conforms(api_for(newsroom.final).post(url + "correct/", correction, format="json"), ARTICLE + "correct/")
    conforms(author.delete(url), ARTICLE)
    conforms(api_for(newsroom.first).post(url + "withdraw/", {"comment": "撤稿"}, format="json"), ARTICLE + "withdraw/")
    conforms(author.post(url + "reopen/", {}, format="json"), ARTICLE + "reopen/")
    conforms(author.delete(url), ARTICLE)
    conforms(author.get(url), ARTICLE)
    offline = at_status(newsroom, S.OFFLINE)
    security = api_for(newsroom.security)
    conforms(security.post(ARTICLE.format(uuid=offline.uuid) + "restore/", {}, format="json"), ARTICLE + "restore/")
    held = make_article(newsroom, summary=REVIEW_TEXT)
    conforms(security.post(ARTICLE.format(uuid=held.uuid) + "reject/", {"comment": "内容不当"}, format="json"), ARTICLE + "reject/")
    document = publicity_document(newsroom.world)
    conforms(
        api_for(newsroom.second).post(BASE + "from_document/", {"document": str(document.uuid)}, format="json"), BASE + "from_document/"
    )
    conforms(
        api_for(newsroom.world.outsider).post(BASE + "from_document/", {"document": str(document.uuid)}, format="json"),
        BASE + "from_document/",
    )


def test_it_answers_the_safety_operations_within_the_schema(newsroom, api_for, conforms):
    security = api_for(newsroom.security)
    terms, term = "/api/v1/news/safety/terms/", "/api/v1/news/safety/terms/{uuid}/"
    conforms(security.get(terms), terms)
    conforms(security.get(terms, {"tier": "review", "q": "赌"}), terms)
    created = conforms(security.post(terms, {"term": "豪华娱乐场", "tier": "review", "category": "gambling"}, format="json"), terms)
    conforms(security.post(terms, {"term": "豪華娛樂場"}, format="json"), terms)
    conforms(security.get(term.format(uuid=created["uuid"])), term)
    conforms(security.patch(term.format(uuid=created["uuid"]), {"is_active": False}, format="json"), term)
    conforms(api_for(newsroom.first).get(terms), terms)
    for kind, field, value in (("phrases", "phrase", "银河湾社区"), ("domains", "domain", "www.example.org")):
        path, one = f"/api/v1/news/safety/{kind}/", f"/api/v1/news/safety/{kind}/{{uuid}}/"
        conforms(security.get(path), path)
        row = conforms(security.post(path, {field: value}, format="json"), path)
        conforms(security.post(path, {field: ""}, format="json"), path)
        conforms(security.get(one.format(uuid=row["uuid"])), one)
        conforms(security.delete(one.format(uuid=row["uuid"])), one)
        conforms(security.get(one.format(uuid=row["uuid"])), one)
    scan = "/api/v1/news/safety/scan/"
    body = conforms(security.post(scan, {"text": '<p style="display:none">77779193永利官网</p>'}, format="json"), scan)
    assert body["verdict"] == "block" and body["findings"]
    conforms(security.post(scan, {"text": "永利路党群服务站", "html": None}, format="json"), scan)
    conforms(security.post(scan, {}, format="json"), scan)
