"""The newsroom API's own checks: moving an article between organizations, what it may link to, and its filters."""

from gongjian.activities.tests.helpers import make_activity
from gongjian.agreements.tests.conftest import make_agreement
from gongjian.news.choices import ArticleStatus, Category
from gongjian.news.models.articles import Article
from gongjian.projects.tests.factories import ProjectFactory

from .article_helpers import REVIEW_TEXT, at_status, make_article

S = ArticleStatus
BASE = "/api/v1/news/articles/"
UNSEEN = "该条目不存在，或您无权查看。"


def url(article):
    return f"{BASE}{article.uuid}/"


def listed(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["uuid"] for row in response.json()["results"]}


# --- Moving an article to another organization ---------------------------------------------------------------


def test_it_refuses_to_move_a_draft_to_an_organization_the_writer_may_not_write_for(newsroom, api_for):
    article = make_article(newsroom)
    response = api_for(newsroom.author).patch(url(article), {"organization": str(newsroom.world.foreign_org.uuid)}, format="json")
    assert response.status_code == 400
    assert response.json()["organization"] == ["您不能以该单位名义撰写新闻稿。"]
    assert Article.objects.get(pk=article.pk).organization == newsroom.world.own_branch


def test_it_moves_a_draft_within_the_admins_subtree(newsroom, api_for):
    article = make_article(newsroom)
    response = api_for(newsroom.second).patch(url(article), {"organization": str(newsroom.world.own_org.uuid)}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["organization"] == str(newsroom.world.own_org.uuid)
    article.refresh_from_db()
    # The 复审 and 终审 of an article of the root are its own admins now.
    assert article.organization == newsroom.world.own_org
    assert article.stage_organization_id("second") == newsroom.world.own_org.pk


# --- What an article may link to ---------------------------------------------------------------------------------


def draft_body(newsroom, **links):
    return {"title": "支部开展主题党日", "category": "work", "organization": str(newsroom.world.own_branch.uuid), **links}


def test_it_refuses_links_to_records_the_author_may_not_see(newsroom, api_for):
    world = newsroom.world
    hidden_activity = make_activity(world.foreign_org, title="街道内部活动")
    hidden_agreement = make_agreement(world, title="街道与社区的协议", parties=[(world.foreign_org, "提供场地")])
    hidden_project = ProjectFactory(lead=world.foreign_org, title="街道项目")
    client = api_for(newsroom.author)
    for field, hidden in (("activities", hidden_activity), ("agreements", hidden_agreement), ("projects", hidden_project)):
        response = client.post(BASE, draft_body(newsroom, **{field: [str(hidden.uuid)]}), format="json")
        assert response.status_code == 400, field
        assert response.json() == {field: [UNSEEN]}
    assert not Article.objects.exists()


def test_it_refuses_a_list_that_mixes_a_visible_and_a_hidden_activity(newsroom, api_for):
    seen = make_activity(newsroom.world.own_branch, title="支部活动")
    hidden = make_activity(newsroom.world.foreign_org, title="街道内部活动")
    client = api_for(newsroom.author)
    refused = client.post(BASE, draft_body(newsroom, activities=[str(seen.uuid), str(hidden.uuid)]), format="json")
    assert refused.status_code == 400 and refused.json() == {"activities": [UNSEEN]}
    accepted = client.post(BASE, draft_body(newsroom, activities=[str(seen.uuid)]), format="json")
    assert accepted.status_code == 201 and accepted.json()["activities"] == [str(seen.uuid)]


def test_it_refuses_a_link_to_a_hidden_record_on_a_patch_too(newsroom, api_for):
    article = make_article(newsroom)
    hidden = ProjectFactory(lead=newsroom.world.foreign_org, title="街道项目")
    response = api_for(newsroom.author).patch(url(article), {"projects": [str(hidden.uuid)]}, format="json")
    assert response.status_code == 400 and response.json() == {"projects": [UNSEEN]}
    assert not article.projects.exists()


def test_it_lets_any_member_name_another_organization_reported_on(newsroom, api_for):
    # Organizations reported on are the alliance directory's, which every member reads.
    foreign = newsroom.world.foreign_org
    response = api_for(newsroom.author).post(BASE, draft_body(newsroom, organizations=[str(foreign.uuid)]), format="json")
    assert response.status_code == 201, response.json()
    assert list(Article.objects.get().organizations.all()) == [foreign]


# --- Filters -----------------------------------------------------------------------------------------------------


def test_it_filters_the_list_by_status_category_search_and_organization(newsroom, api_for):
    world = newsroom.world
    draft = make_article(newsroom, title="支部草稿")
    study = make_article(newsroom, title="理论学习心得", category=Category.STUDY, summary="学习二十大精神")
    in_review = at_status(newsroom, S.FIRST_REVIEW, title="待初审稿件")
    college = make_article(newsroom, title="党委工作动态", organization=world.own_org, author=world.org_admin)
    client = api_for(newsroom.second)
    assert listed(client.get(BASE)) == {str(a.uuid) for a in (draft, study, in_review, college)}
    assert listed(client.get(BASE, {"status": "first_review"})) == {str(in_review.uuid)}
    assert listed(client.get(BASE, {"category": "study"})) == {str(study.uuid)}
    # The search reads the title and the summary.
    assert listed(client.get(BASE, {"q": "二十大"})) == {str(study.uuid)}
    assert listed(client.get(BASE, {"q": "  "})) == {str(a.uuid) for a in (draft, study, in_review, college)}
    assert listed(client.get(BASE, {"organization": str(world.own_org.uuid)})) == {str(college.uuid)}
    assert client.get(BASE, {"status": "nonsense"}).status_code == 400


def test_it_never_filters_its_way_out_of_the_scope(newsroom, api_for):
    foreign = make_article(newsroom, title="街道稿件", organization=newsroom.world.foreign_org, author=newsroom.world.outsider)
    own = make_article(newsroom, title="支部稿件")
    response = api_for(newsroom.author).get(BASE, {"organization": str(newsroom.world.foreign_org.uuid)})
    assert listed(response) == set()
    assert listed(api_for(newsroom.world.outsider).get(BASE, {"q": "稿件"})) == {str(foreign.uuid)}
    assert str(own.uuid) not in listed(api_for(newsroom.world.outsider).get(BASE))


def test_it_lists_held_articles_to_the_security_admin_by_status(newsroom, api_for):
    held = make_article(newsroom, title="被暂扣的稿件", summary=REVIEW_TEXT)
    make_article(newsroom, title="普通草稿")
    response = api_for(newsroom.security).get(BASE, {"status": "held"})
    assert listed(response) == {str(held.uuid)}
    row = response.json()["results"][0]
    assert row["findings"][0]["field"] == "summary" and row["allowed_actions"] == ["release", "reject"]
