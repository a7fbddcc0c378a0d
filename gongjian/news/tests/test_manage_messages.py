"""What the newsroom pages tell a person after each step: the page messages of actions, refusals and drafts from documents."""

import pytest
from django.contrib.messages import get_messages
from django.test import override_settings
from django.urls import reverse

from gongjian.insights.models import GeneratedDocument
from gongjian.news.choices import ArticleStatus
from gongjian.news.models import SafetyTerm
from gongjian.news.models.articles import Article

from .article_helpers import at_status, make_article

S = ArticleStatus


@pytest.fixture(autouse=True)
def private_media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path / "media", PRIVATE_MEDIA_ROOT=tmp_path / "private"):
        yield tmp_path


def act(client, article, name, **data):
    """POST one step from the article's page; (response, [(level tag, text)] of the messages it left)."""
    response = client.post(reverse("news:manage_action", args=[article.uuid, name]), {f"{name}-{k}": v for k, v in data.items()})
    return response, [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def test_it_says_what_a_step_did_and_where_the_article_now_is(newsroom, client_for):
    article = at_status(newsroom, S.FIRST_REVIEW)
    response, messages = act(client_for(newsroom.first), article, "pass_first", comment="内容属实")
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    assert messages == [("success", "初审通过：稿件当前状态为“待复审”。")]


def test_it_names_the_field_of_a_step_s_form_that_is_wrong(newsroom, client_for):
    article = at_status(newsroom, S.FINAL_REVIEW)
    _response, messages = act(client_for(newsroom.final), article, "schedule", comment="择期发布", publish_at="明天上午")
    assert len(messages) == 1 and messages[0][0] == "error" and messages[0][1].startswith("发布时间: ")
    article.refresh_from_db()
    assert (article.status, article.publish_at) == (S.FINAL_REVIEW, None)


def test_it_says_why_a_time_in_the_past_cannot_be_scheduled(newsroom, client_for):
    article = at_status(newsroom, S.FINAL_REVIEW)
    _response, messages = act(client_for(newsroom.final), article, "schedule", publish_at="2020-01-01T09:00")
    assert messages == [("error", "请选择将来的时间。")]
    assert Article.objects.get(pk=article.pk).status == S.FINAL_REVIEW


def test_it_says_a_reason_is_needed_to_return_an_article(newsroom, client_for):
    article = at_status(newsroom, S.SECOND_REVIEW)
    _response, messages = act(client_for(newsroom.second), article, "send_back", comment="   ")
    assert messages == [("error", "请填写理由。")]
    assert not article.steps.filter(decision="send_back").exists()


def test_it_warns_when_the_scan_holds_an_article_on_submit(newsroom, client_for):
    article = make_article(newsroom, body="<p>支部开展主题党日，学习新修订的工作条例。</p>")
    # A term the security admin added after the draft was saved: the submit finds it.
    SafetyTerm.objects.create(term="工作条例", kind="term", tier="review", category="other")
    _response, messages = act(client_for(newsroom.author), article, "submit")
    assert messages == [("warning", "内容安全扫描已暂扣该稿件，等待安全管理员审查。")]
    article.refresh_from_db()
    assert (article.status, article.held_from, article.review_round) == (S.HELD, S.DRAFT, 0)


def test_it_answers_404_for_a_step_on_another_tree_s_article(newsroom, client_for):
    article = make_article(newsroom, organization=newsroom.world.foreign_org, author=newsroom.world.outsider)
    for user in (newsroom.author, newsroom.first, newsroom.world.org_admin):
        response = client_for(user).post(reverse("news:manage_action", args=[article.uuid, "submit"]))
        assert response.status_code == 404, user
    assert Article.objects.get(pk=article.pk).status == S.DRAFT


def test_it_keeps_archived_drafts_out_of_the_newsroom(newsroom, client_for):
    kept = make_article(newsroom, title="留用草稿")
    gone = make_article(newsroom, title="作废草稿")
    gone.archive()
    html = client_for(newsroom.first).get(reverse("news:manage_list")).content.decode()
    assert str(kept.uuid) in html and str(gone.uuid) not in html


# --- Drafts from publicity documents -----------------------------------------------------------------------------------


def publicity(world, content):
    return GeneratedDocument.objects.create(
        kind="publicity", title="宣传稿", status="done", content=content, organization=world.own_org, created_by=world.org_admin
    )


def test_it_refuses_a_publicity_document_still_without_text(newsroom, client_for):
    document = publicity(newsroom.world, {"language": "zh-hans"})  # asked for, not yet drafted
    response = client_for(newsroom.second).post(reverse("news:manage_from_document", args=[document.uuid]))
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["只有已生成完成的宣传稿才能转为新闻稿。"]
    assert not Article.objects.exists()


def test_it_says_the_draft_is_ready_or_held(newsroom, client_for):
    client = client_for(newsroom.second)
    clean = publicity(
        newsroom.world, {"title": "学院联学纪实", "sections": [{"heading": "", "blocks": [{"type": "p", "text": "开展联学。"}]}]}
    )
    response = client.post(reverse("news:manage_from_document", args=[clean.uuid]))
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["新闻稿草稿已生成，请核对后提交审核。"]
    flagged = publicity(
        newsroom.world,
        {"title": "学院联学纪实二", "sections": [{"heading": "", "blocks": [{"type": "p", "text": "本文含有待核查词语一处"}]}]},
    )
    response = client_for(newsroom.second).post(reverse("news:manage_from_document", args=[flagged.uuid]))
    held = Article.objects.get(title="学院联学纪实二")
    assert response["Location"] == held.get_absolute_url() and held.status == S.HELD
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["内容安全扫描已暂扣该稿件，等待安全管理员审查。"]
