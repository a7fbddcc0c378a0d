"""Articles: fields and their rules, the newsroom pages, links to what they report on, drafts from records."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse

from gongjian.lib.testing_matrix import PermissionMatrix, Probe
from gongjian.news.choices import ArticleStatus, Category
from gongjian.news.models.articles import Article, may_write_news

from .article_helpers import BLOCK_TEXT, REVIEW_TEXT, at_status, make_article, published

S = ArticleStatus


@pytest.fixture(autouse=True)
def private_media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path / "media", PRIVATE_MEDIA_ROOT=tmp_path / "private"):
        yield tmp_path


# --- The model -----------------------------------------------------------------------------------------------


def test_it_sanitises_the_body_with_the_platform_s_allowlist(newsroom):
    article = make_article(
        newsroom,
        body='<p onclick="x()">正文<script>alert(1)</script><a href="javascript:x">链接</a><img src=x onerror=y></p><style>p{}</style>',
    )
    assert article.body == '<p>正文<a rel="noopener noreferrer nofollow">链接</a></p>'
    # save() sanitises too, for text that skipped validation.
    Article.objects.filter(pk=article.pk).update(status=S.DRAFT)
    article.body = "<p>ok</p><script>bad()</script>"
    article.save()
    assert Article.objects.get(pk=article.pk).body == "<p>ok</p>"


def test_it_starts_every_article_as_a_draft_by_its_author(newsroom):
    article = Article(title="新稿件", organization=newsroom.world.own_branch, author=newsroom.author)
    article.status = S.PUBLISHED  # not through the flow: ignored
    article.save()
    article.refresh_from_db()
    assert (article.status, article.version, article.published_at) == (S.DRAFT, 0, None)


def test_it_needs_the_outlet_for_media_coverage_and_drops_it_otherwise(newsroom):
    article = Article(title="媒体报道我院共建", category=Category.MEDIA, organization=newsroom.world.own_org)
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "source_name" in error.value.message_dict
    article.source_name, article.source_url = "《上海宣传通讯》", "https://www.shobserver.com/news/1"
    article.full_clean()
    work = Article(title="工作动态", category=Category.WORK, source_name="《上海宣传通讯》", organization=newsroom.world.own_org)
    work.full_clean()
    assert (work.source_name, work.source_url) == ("", "")


def test_it_limits_lengths_and_requires_a_title_and_an_organization(newsroom):
    with pytest.raises(ValidationError) as error:
        Article(title="", summary="长" * 501).full_clean()
    assert {"title", "summary", "organization"} <= set(error.value.message_dict)


def test_it_names_the_publisher(newsroom):
    article = make_article(newsroom, organization=newsroom.world.own_org)
    assert article.publisher == "示例学院"
    article.byline = "党委宣传部"
    assert article.publisher == "党委宣传部"


def test_it_scopes_who_sees_and_edits_articles(newsroom):
    world = newsroom.world
    branch = make_article(newsroom)
    college = make_article(newsroom, organization=world.own_org, author=world.org_admin)
    street = make_article(newsroom, organization=world.foreign_org, author=world.outsider)

    def ids(queryset):
        return set(queryset.values_list("pk", flat=True))

    assert ids(Article.objects.visible_to(world.member)) == {branch.pk}
    assert ids(Article.objects.editable_by(world.member)) == {branch.pk}  # the author's own
    assert ids(Article.objects.visible_to(world.org_admin)) == {branch.pk, college.pk}
    assert ids(Article.objects.visible_to(world.outsider)) == {street.pk}
    assert ids(Article.objects.visible_to(world.alliance_admin)) == {branch.pk, college.pk, street.pk}
    assert ids(Article.objects.visible_to(newsroom.security)) == {branch.pk, college.pk, street.pk}
    assert not Article.objects.editable_by(newsroom.security).exists()
    assert may_write_news(world.member) and not may_write_news(newsroom.security)


def test_it_finds_the_reports_about_an_object(newsroom):
    from gongjian.activities.tests.helpers import make_activity

    world = newsroom.world
    activity = make_activity(world.own_org)
    report = published(newsroom)
    report.activities.add(activity)
    report.organizations.add(world.foreign_org)
    draft = make_article(newsroom, title="未发布")
    draft.activities.add(activity)
    assert list(Article.objects.about(activity)) == [report]
    assert list(Article.objects.about(world.foreign_org)) == [report]
    assert list(Article.objects.about(world.own_branch)) == [report]  # its publisher


# --- The newsroom pages ----------------------------------------------------------------------------------------------


def ui(name):
    return lambda article: reverse(f"news:{name}", kwargs={"uuid": article.uuid})


def at(status):
    return lambda world: at_status(world.newsroom, status)


PAGES = PermissionMatrix(
    probes={
        "list": Probe("get", lambda a: reverse("news:manage_list")),
        "detail": Probe("get", ui("manage_article")),
        "edit": Probe("get", ui("manage_edit")),
        "create": Probe("get", lambda a: reverse("news:manage_create")),
        "submit": Probe("post", lambda a: reverse("news:manage_action", args=[a.uuid, "submit"]), data={"submit-comment": ""}),
    },
    targets={"branch": at(S.DRAFT)},
    table="""
        role            target  list  detail  edit  create  submit
        anonymous       branch  302   302     302   302     302
        alliance_admin  branch  200+  200     200   200     302
        org_admin       branch  200+  200     200   200     302
        member          branch  200+  200     200   200     302
        outsider        branch  200-  404     404   200     404
    """,
)


def test_it_enforces_the_newsroom_page_matrix(newsroom, client_for, api_for):
    newsroom.world.newsroom = newsroom
    PAGES.assert_all(newsroom.world, client_for, api_for)


def test_it_writes_an_article_through_the_shared_form(newsroom, client_for):
    from gongjian.activities.tests.helpers import make_activity

    activity = make_activity(newsroom.world.own_branch)
    client = client_for(newsroom.author)
    page = client.get(reverse("news:manage_create")).content.decode()
    assert 'id="form-container"' in page and 'name="title"' in page
    response = client.post(
        reverse("news:manage_create"),
        {
            "title": "支部开展主题党日",
            "summary": "走进社区开展志愿服务。",
            "body": "<p>支部党员走进三新居民区。</p>",
            "category": Category.WORK,
            "organization": newsroom.world.own_branch.uuid,
            "activities": [activity.uuid],
        },
    )
    article = Article.objects.get(title="支部开展主题党日")
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    assert (article.author, article.status, list(article.activities.all())) == (newsroom.author, S.DRAFT, [activity])


def test_it_offers_only_organizations_the_writer_belongs_to(newsroom, client_for):
    response = client_for(newsroom.author).post(
        reverse("news:manage_create"), {"title": "替别人写", "category": Category.WORK, "organization": newsroom.world.foreign_org.uuid}
    )
    assert response.status_code == 200 and not Article.objects.filter(title="替别人写").exists()
    assert "organization" in response.context["form"].errors


def test_it_points_at_the_span_when_the_form_is_refused(newsroom, client_for):
    response = client_for(newsroom.author).post(
        reverse("news:manage_create"),
        {"title": f"{BLOCK_TEXT}党委获评优秀共建党组织", "category": Category.WORK, "organization": newsroom.world.own_branch.uuid},
    )
    errors = response.context["form"].errors["title"]
    assert any(BLOCK_TEXT in e and "1–12" in e for e in errors)
    assert not Article.objects.exists()


def test_it_shows_a_held_article_s_findings_and_the_security_admin_s_actions(newsroom, client_for):
    article = make_article(newsroom, summary=REVIEW_TEXT)
    html = client_for(newsroom.security).get(article.get_absolute_url()).content.decode()
    assert 'data-role="findings"' in html and "待核查词语" in html
    assert 'data-action="release"' in html and 'data-action="reject"' in html
    author_html = client_for(newsroom.author).get(article.get_absolute_url()).content.decode()
    assert 'data-action="release"' not in author_html


def test_it_takes_the_review_steps_from_the_page_with_comments(newsroom, client_for):
    article = at_status(newsroom, S.FIRST_REVIEW)
    url = article.get_absolute_url()
    html = client_for(newsroom.first).get(url).content.decode()
    assert 'data-action="pass_first"' in html and 'data-action="send_back"' in html and 'data-action="submit"' not in html
    assert 'data-action="pass_first"' not in client_for(newsroom.author).get(url).content.decode()
    response = client_for(newsroom.first).post(
        reverse("news:manage_action", args=[article.uuid, "pass_first"]), {"pass_first-comment": "内容属实"}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == S.SECOND_REVIEW
    html = client_for(newsroom.second).get(url).content.decode()
    assert 'data-step="pass_first"' in html and "内容属实" in html and str(newsroom.first) in html


def test_it_refuses_a_step_from_the_page(newsroom, client_for):
    article = at_status(newsroom, S.FIRST_REVIEW)
    # Not their stage: 403, the article stays.
    assert client_for(newsroom.author).post(reverse("news:manage_action", args=[article.uuid, "pass_first"])).status_code == 403
    # The wrong status, or a missing reason: a message, the article stays.
    client = client_for(newsroom.first)
    response = client.post(reverse("news:manage_action", args=[article.uuid, "publish"]), follow=True)
    assert response.status_code == 200 and "alert-danger" in response.content.decode()
    client.post(reverse("news:manage_action", args=[article.uuid, "send_back"]), {"send_back-comment": ""})
    assert client.post(reverse("news:manage_action", args=[article.uuid, "hold"])).status_code == 404
    article.refresh_from_db()
    assert article.status == S.FIRST_REVIEW


def test_it_schedules_and_corrects_from_the_page(newsroom, client_for):
    article = at_status(newsroom, S.FINAL_REVIEW)
    client = client_for(newsroom.final)
    client.post(
        reverse("news:manage_action", args=[article.uuid, "schedule"]),
        {"schedule-publish_at": "2099-01-01T09:00", "schedule-comment": "元旦发布"},
    )
    article.refresh_from_db()
    assert article.status == S.SCHEDULED and article.publish_at.year == 2099
    client.post(reverse("news:manage_action", args=[article.uuid, "publish"]), {"publish-comment": "提前发布"})
    client.post(
        reverse("news:manage_action", args=[article.uuid, "correct"]),
        {"correct-title": article.title, "correct-summary": "", "correct-body": "<p>更正后。</p>", "correct-comment": "更正人数"},
    )
    article.refresh_from_db()
    assert (article.status, article.version, article.body) == (S.PUBLISHED, 2, "<p>更正后。</p>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'data-version="2"' in html and "更正人数" in html


def test_it_edits_only_drafts(newsroom, client_for):
    article = at_status(newsroom, S.FIRST_REVIEW)
    client = client_for(newsroom.author)
    response = client.post(
        reverse("news:manage_edit", args=[article.uuid]),
        {"title": "改", "category": Category.WORK, "organization": newsroom.world.own_branch.uuid},
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert Article.objects.get(pk=article.pk).title != "改"
    assert 'href="/news/manage/' + str(article.uuid) + '/edit/"' not in client.get(article.get_absolute_url()).content.decode()


def test_it_filters_the_newsroom_list(newsroom, client_for):
    held = make_article(newsroom, title="被暂扣的稿件", summary=REVIEW_TEXT)
    draft = make_article(newsroom, title="普通草稿")
    html = client_for(newsroom.security).get(reverse("news:manage_list"), {"status": "held"}).content.decode()
    assert str(held.uuid) in html and str(draft.uuid) not in html
    html = client_for(newsroom.first).get(reverse("news:manage_list"), {"q": "普通"}).content.decode()
    assert str(draft.uuid) in html and str(held.uuid) not in html


def test_it_lists_in_constant_queries(newsroom, client_for, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(newsroom.first)
    make_article(newsroom)
    client.get(reverse("news:manage_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("news:manage_list"))
    for n in range(15):
        make_article(newsroom, title=f"稿件{n}")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("news:manage_list"))


def test_it_puts_the_newsroom_in_the_menu(newsroom, client_for):
    assert reverse("news:manage_list") in client_for(newsroom.author).get("/").content.decode()
    assert reverse("news:manage_list") in client_for(newsroom.security).get(reverse("news:manage_list")).content.decode()


# --- Related reports on the pages of what they report on ------------------------------------------------------------------


def test_it_lists_related_reports_on_activity_agreement_project_and_organization_pages(newsroom, client_for):
    from gongjian.activities.tests.helpers import make_activity
    from gongjian.agreements.tests.conftest import make_agreement
    from gongjian.projects.models import Project

    world = newsroom.world
    activity = make_activity(world.own_org)
    agreement = make_agreement(world)
    project = Project.objects.create(title="采样亭改造", lead=world.own_org)
    report = published(newsroom, title="共建成果报道")
    report.activities.add(activity)
    report.agreements.add(agreement)
    report.projects.add(project)
    report.organizations.add(world.foreign_org)
    make_article(newsroom, title="尚未发布的报道").projects.add(project)
    client = client_for(world.alliance_admin)
    for obj in (activity, agreement, project, world.foreign_org):
        html = client.get(obj.get_absolute_url()).content.decode()
        assert 'id="related-articles"' in html and report.get_public_url() in html, obj
        assert "尚未发布的报道" not in html
    lonely = make_activity(world.own_org, title="无报道的活动")
    assert 'id="related-articles"' not in client.get(lonely.get_absolute_url()).content.decode()


# --- Drafts from the insights app's publicity documents ---------------------------------------------------------------------


def publicity_document(world, **fields):
    from gongjian.insights.models import GeneratedDocument

    content = {
        "title": "示例学院：理论联学、组织联建、项目联创结硕果",
        "sections": [
            {
                "heading": "正文",
                "blocks": [{"type": "p", "text": "上半年共开展活动18场<次>。"}, {"type": "p", "text": "采样亭改造完成验收。"}],
            }
        ],
    }
    fields.setdefault("organization", world.own_org)
    return GeneratedDocument.objects.create(
        kind="publicity", title="宣传稿", status="done", content=content, created_by=world.org_admin, **fields
    )


def test_it_turns_a_publicity_document_into_a_draft(newsroom, client_for):
    document = publicity_document(newsroom.world)
    client = client_for(newsroom.second)
    page = client.get(document.get_absolute_url()).content.decode()
    assert reverse("news:manage_from_document", args=[document.uuid]) in page
    response = client.post(reverse("news:manage_from_document", args=[document.uuid]))
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    assert (article.title, article.status, article.author, article.organization) == (
        document.content["title"],
        S.DRAFT,
        newsroom.second,
        newsroom.world.own_org,
    )
    assert article.body == "<p>上半年共开展活动18场&lt;次&gt;。</p><p>采样亭改造完成验收。</p>"
    assert article.summary == "上半年共开展活动18场<次>。"


def test_it_turns_only_publicity_documents_the_user_sees(newsroom, client_for):
    document = publicity_document(newsroom.world)
    assert client_for(newsroom.world.outsider).post(reverse("news:manage_from_document", args=[document.uuid])).status_code == 404
    document.kind = "report"
    document.save()
    client_for(newsroom.second).post(reverse("news:manage_from_document", args=[document.uuid]))
    assert not Article.objects.exists()
    assert (
        reverse("news:manage_from_document", args=[document.uuid])
        not in client_for(newsroom.second).get(document.get_absolute_url()).content.decode()
    )


# --- The demo -----------------------------------------------------------------------------------------------------------------


@pytest.fixture
def demo(seeded):
    from gongjian.news import demo as news_demo
    from gongjian.orgs import demo as orgs_demo

    orgs_demo.load()
    return news_demo.load()


def test_it_publishes_the_scenario_article_through_three_reviews(demo):
    from zoneinfo import ZoneInfo

    from gongjian.news import seal
    from gongjian.news.demo import TITLE

    report = demo["report"]
    report.refresh_from_db()
    assert (report.title, report.status, report.view_count, report.publisher) == (TITLE, S.PUBLISHED, 63, "示例学院")
    assert report.published_at.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat() == "2023-06-26"
    assert report.organization.name == "示例学院党委" and report.author.username == "news_writer"
    passes = list(report.steps.filter(decision__in=["pass_first", "pass_second", "publish"]).values_list("stage", "reviewer__username"))
    assert passes == [("first", "college_admin"), ("second", "publicity"), ("final", "alliance")]
    assert all(step.comment for step in report.steps.all())
    versions = list(report.versions.order_by("number"))
    assert len(versions) == 1 and seal.broken_version(report.uuid, versions) is None
    assert "示例学院" in report.body and "77779193" not in report.body


def test_it_holds_the_defaced_demo_draft(demo):
    from gongjian.news.demo import DEFACED_TITLE

    defaced = demo["defaced"]
    defaced.refresh_from_db()
    assert (defaced.title, defaced.status, defaced.held_from) == (DEFACED_TITLE, S.HELD, S.DRAFT)
    title_findings = [f for f in defaced.findings if f["field"] == "title"]
    assert title_findings and (title_findings[0]["start"], title_findings[0]["end"]) == (0, 12)
    assert {f["field"] for f in defaced.findings} == {"title", "body"}
    assert Client().get(defaced.get_public_url()).status_code == 404


def test_it_shows_the_demo_article_to_visitors_and_loads_it_once(demo):
    from gongjian.audit.models import Record
    from gongjian.news import demo as news_demo
    from gongjian.news.models import ArticleVersion, ReviewStep

    html = Client().get(demo["report"].get_public_url()).content.decode()
    assert demo["report"].title in html and 'data-role="views"' in html and "63" in html.split('data-role="views"')[1][:40]
    before = (Article.objects.count(), ReviewStep.objects.count(), ArticleVersion.objects.count(), Record.objects.count())
    again = news_demo.load()
    assert again["report"].pk == demo["report"].pk
    assert (Article.objects.count(), ReviewStep.objects.count(), ArticleVersion.objects.count(), Record.objects.count()) == before


def test_it_prints_the_newsroom_s_demo_logins(demo, monkeypatch):
    import io

    from django.core.management import call_command

    from gongjian.orgs.management.commands import load_demo

    monkeypatch.setattr(load_demo, "DEMO_APPS", ("news",))  # the other apps' demos are tested in their apps
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "news_writer" in out.getvalue() and "publicity" in out.getvalue()
