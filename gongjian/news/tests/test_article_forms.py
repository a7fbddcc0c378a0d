"""The newsroom forms on their own: what an article may link to, its outlet link, and each review step's form."""

import pytest

from gongjian.activities.tests.helpers import make_activity
from gongjian.news.article_forms import ArticleForm, CommentForm, CorrectionForm, ScheduleForm, action_form
from gongjian.news.choices import Category
from gongjian.projects.tests.factories import ProjectFactory

from .article_helpers import make_article


def article_data(newsroom, **extra):
    return {"title": "支部开展主题党日", "category": Category.WORK, "organization": newsroom.world.own_branch.uuid, **extra}


class TestArticleForm:
    def test_it_refuses_linking_an_activity_the_author_may_not_see(self, newsroom):
        hidden = make_activity(newsroom.world.foreign_org, title="街道内部活动")
        seen = make_activity(newsroom.world.own_branch, title="支部活动")
        form = ArticleForm(article_data(newsroom, activities=[seen.uuid, hidden.uuid]), user=newsroom.author)
        assert not form.is_valid()
        assert list(form.errors) == ["activities"]

    def test_it_refuses_linking_a_project_the_author_takes_no_part_in(self, newsroom):
        foreign = ProjectFactory(lead=newsroom.world.foreign_org, title="街道项目")
        form = ArticleForm(article_data(newsroom, projects=[foreign.uuid]), user=newsroom.author)
        assert not form.is_valid()
        assert list(form.errors) == ["projects"]

    def test_it_links_a_project_the_authors_organization_partners_in(self, newsroom):
        joint = ProjectFactory(lead=newsroom.world.foreign_org, title="共建项目")
        joint.partners.set([newsroom.world.own_branch])
        form = ArticleForm(article_data(newsroom, projects=[joint.uuid]), user=newsroom.author)
        assert form.is_valid(), form.errors

    def test_it_assumes_https_for_an_outlet_link_without_a_scheme(self, newsroom):
        data = article_data(newsroom, category=Category.MEDIA, source_name="《上海宣传通讯》", source_url="www.shobserver.com/news/1")
        form = ArticleForm(data, user=newsroom.author)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["source_url"] == "https://www.shobserver.com/news/1"


class TestActionForms:
    def test_it_picks_the_form_of_each_step(self):
        assert type(action_form("schedule")) is ScheduleForm
        assert type(action_form("correct")) is CorrectionForm
        assert type(action_form("pass_first")) is CommentForm

    def test_it_needs_a_time_to_schedule_but_no_comment(self):
        assert not action_form("schedule", {"schedule-comment": "请定时发布"}).is_valid()
        form = action_form("schedule", {"schedule-publish_at": "2030-01-01T09:00"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["comment"] == ""

    def test_it_reads_only_its_own_prefixed_fields(self):
        form = action_form("return", {"comment": "无前缀", "return-comment": "请补充图片"})
        assert form.is_valid()
        assert form.cleaned_data["comment"] == "请补充图片"

    def test_it_starts_a_correction_from_the_articles_text(self, newsroom):
        article = make_article(newsroom, title="原标题", summary="原摘要")
        form = action_form("correct", article=article)
        assert form.initial == {"title": "原标题", "summary": "原摘要", "body": article.body}
        assert action_form("withdraw", article=article).initial == {}

    @pytest.mark.parametrize(("field", "length"), [("title", 201), ("summary", 501)])
    def test_it_limits_a_corrections_title_and_summary(self, field, length):
        data = {"correct-title": "更正标题", f"correct-{field}": "字" * length}
        form = action_form("correct", data)
        assert not form.is_valid()
        assert list(form.errors) == [field]


class TestLinkPickers:
    """An article links activities, agreements and projects by search, never from a list of them all."""

    def test_it_renders_none_of_them_as_options(self, newsroom, client_for):
        from django.urls import reverse

        for n in range(25):
            make_activity(newsroom.world.own_branch, title=f"支部活动{n}")
        page = client_for(newsroom.author).get(reverse("news:manage_create")).content.decode()
        assert "支部活动" not in page
        for name in ("activities", "agreements", "projects"):
            assert f'name="{name}"' in page

    def test_it_finds_what_the_author_may_see_by_title(self, newsroom, client_for):
        from django.urls import reverse

        make_activity(newsroom.world.own_branch, title="支部主题党日")
        make_activity(newsroom.world.foreign_org, title="街道主题党日")
        ProjectFactory(lead=newsroom.world.foreign_org, title="街道主题项目")
        client = client_for(newsroom.author)

        def found(source):
            response = client.get(reverse("orgs:picker", kwargs={"source": source}), {"q": "主题"})
            return [row["text"] for row in response.json()["results"]]

        assert found("activities") == ["支部主题党日"]
        assert found("projects") == []
