"""Rules of the review flow the other tests leave out: corrections, an article of the tree's root, the refusals'
sentences, the platform taking an article offline, scheduled articles withdrawn, and drafts from documents."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongjian.lib.testing import make_member
from gongjian.news import seal
from gongjian.news.choices import ArticleStatus, Stage
from gongjian.news.models.articles import Article
from gongjian.notifications.models import Notification
from gongjian.orgs.models import Membership

from .article_helpers import REVIEW_TEXT, at_status, make_article, published

S = ArticleStatus
HOSTILE_BODY = (
    '<p onclick="steal()">人数更正为120人<script>alert(1)</script>'
    '<a href="javascript:alert(2)">原文</a><img src="x.png" onerror="alert(3)"></p><style>p{display:none}</style>'
)


# --- Corrections (更正) ---------------------------------------------------------------------------------------


def test_it_sanitises_a_correction_in_the_article_its_sealed_version_and_the_public_page(newsroom):
    article = published(newsroom)
    article.correct(newsroom.final, comment="更正人数", title=article.title, summary=article.summary, body=HOSTILE_BODY)
    article.refresh_from_db()
    expected = '<p>人数更正为120人<a rel="noopener noreferrer nofollow">原文</a></p>'
    assert article.body == expected
    versions = list(article.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2] and versions[1].body == expected
    assert seal.broken_version(article.uuid, versions) is None
    html = Client().get(article.get_public_url()).content.decode()
    assert "人数更正为120人" in html
    for hostile in ("alert(", "onclick", "onerror", "javascript:", "display:none"):
        assert hostile not in html, hostile


def test_it_refuses_a_correction_without_a_title_or_with_overlong_fields(newsroom):
    article = published(newsroom)
    with pytest.raises(ValidationError) as error:
        article.correct(newsroom.final, comment="更正", title="   ", summary="", body="<p>正文</p>")
    assert error.value.message_dict == {"title": ["该字段是必填项。"]}
    with pytest.raises(ValidationError) as error:
        article.correct(newsroom.final, comment="更正", title="长" * 201, summary="", body="")
    assert error.value.messages == ["标题不超过 200 字，摘要不超过 500 字。"]
    with pytest.raises(ValidationError):
        article.correct(newsroom.final, comment="更正", title="标题", summary="摘" * 501, body="")
    article.refresh_from_db()
    assert (article.version, article.versions.count(), article.status) == (1, 1, S.PUBLISHED)


def test_it_refuses_a_correction_the_scan_would_hold_instead_of_holding_the_live_article(newsroom):
    # A correction skips the three reviews, so even a review finding refuses it; the published text stays online.
    article = published(newsroom)
    with pytest.raises(ValidationError) as error:
        article.correct(newsroom.final, comment="补充说明", title=article.title, summary=REVIEW_TEXT, body=article.body)
    assert any("待核查词语" in m for m in error.value.messages)
    article.refresh_from_db()
    assert (article.status, article.version, article.summary) == (S.PUBLISHED, 1, "结对联学，共促发展。")
    assert not article.steps.filter(decision__in=["correct", "hold"]).exists()


# --- An article of the tree's root ------------------------------------------------------------------------------


def test_it_gives_every_stage_of_a_root_article_to_the_root_and_still_needs_three_people(newsroom):
    world = newsroom.world
    article = make_article(newsroom, organization=world.own_org, author=newsroom.first)
    assert {article.stage_organization_id(stage) for stage in (Stage.FIRST, Stage.SECOND, Stage.FINAL)} == {world.own_org.pk}
    article.submit(newsroom.first)
    article.pass_first(world.org_admin)
    article.pass_second(world.alliance_admin)
    # Both hold the 终审 of the root, but each passed a stage of this round already.
    with pytest.raises(PermissionDenied) as error:
        article.publish(world.org_admin)
    assert str(error.value) == "您已在本轮通过该稿件的初审，终审须由他人进行。"
    with pytest.raises(PermissionDenied) as error:
        article.publish(world.alliance_admin)
    assert str(error.value) == "您已在本轮通过该稿件的复审，终审须由他人进行。"
    # The branch's admin administers nothing of the root.
    assert not article.may(newsroom.first, "publish")
    secretary = make_member("secretary", "党委副书记", world.own_org, role=Membership.Role.ADMIN)
    article.publish(secretary)
    article.refresh_from_db()
    assert (article.status, article.version) == (S.PUBLISHED, 1)
    assert list(article.steps.filter(stage=Stage.FINAL).values_list("reviewer__username", flat=True)) == ["secretary"]


# --- The refusals' sentences -----------------------------------------------------------------------------------------


def test_it_explains_each_refusal_in_chinese(newsroom):
    world = newsroom.world
    draft = make_article(newsroom)
    assert draft.refusal(AnonymousUser(), "submit") == "请先登录。"
    assert draft.refusal(newsroom.security, "submit") == "此操作只能由撰稿人或工业设计系教工党支部的管理员执行。"
    assert draft.refusal(newsroom.first, "release") == "此操作只能由安全管理员执行。"
    assert draft.refusal(newsroom.author, "hold") == "此操作只由平台自动执行。"
    live = published(newsroom)
    assert live.refusal(newsroom.author, "withdraw") == "此操作只能由工业设计系教工党支部的管理员执行。"
    second = at_status(newsroom, S.SECOND_REVIEW)
    assert second.refusal(newsroom.first, "pass_second") == "复审由示例学院党委的管理员负责。"
    final = at_status(newsroom, S.FINAL_REVIEW)
    assert final.refusal(world.outsider, "publish") == "终审由党委负责：示例学院党委的管理员或联盟管理员。"
    assert final.refusal(newsroom.author, "send_back") == "不能审核自己撰写的稿件。"
    # The lists ask without the sentence that costs a query.
    assert final.refusal(world.outsider, "publish", explain=False) == "stage"


def test_it_refuses_an_unknown_or_platform_only_action(newsroom):
    article = make_article(newsroom)
    for name in ("hold", "delete", "pass_first_and_second"):
        with pytest.raises(ValidationError) as error:
            article.act(name, newsroom.author)
        assert error.value.messages == ["未知操作。"]
    article.refresh_from_db()
    assert article.status == S.DRAFT and not article.steps.exists()


# --- Taken offline by the platform --------------------------------------------------------------------------------------


def test_it_lets_the_platform_take_a_published_article_offline_and_tells_the_security_admins(newsroom):
    article = published(newsroom)
    assert article.take_offline(None, comment="页面与封存版本不一致", problems=["正文被篡改"]) is True
    article.refresh_from_db()
    assert (article.status, article.status_note) == (S.OFFLINE, "页面与封存版本不一致")
    step = article.steps.last()
    assert (step.decision, step.stage, step.reviewer) == ("take_offline", Stage.SECURITY, None)
    assert Notification.objects.filter(recipient=newsroom.security, kind="news_offline").count() == 1


def test_it_leaves_an_article_withdrawn_meanwhile_alone(newsroom):
    # The hourly check read it as published; an editor withdrew it before the check got to it.
    article = published(newsroom)
    stale = Article.objects.get(pk=article.pk)
    article.withdraw(newsroom.first, comment="撤稿")
    steps = article.steps.count()
    assert stale.take_offline(None, comment="页面与封存版本不一致") is False
    assert Article.objects.get(pk=article.pk).status == S.WITHDRAWN and article.steps.count() == steps
    assert not Notification.objects.filter(kind="news_offline").exists()
    # A person is told why instead.
    with pytest.raises(ValidationError):
        Article.objects.get(pk=article.pk).take_offline(newsroom.security, comment="核查")


# --- A scheduled article withdrawn before its time -----------------------------------------------------------------------


def test_it_never_publishes_a_scheduled_article_withdrawn_before_its_time(newsroom):
    article = at_status(newsroom, S.SCHEDULED)
    article.withdraw(newsroom.first, comment="活动延期，暂不发布")
    article.refresh_from_db()
    assert (article.status, article.publish_at) == (S.WITHDRAWN, None)
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now() - timedelta(minutes=1))  # even a stale time
    call_command("publish_scheduled", stdout=io.StringIO())
    article.refresh_from_db()
    assert (article.status, article.version, article.published_at) == (S.WITHDRAWN, 0, None)
    assert Client().get(article.get_public_url()).status_code == 410


def test_it_hides_an_archived_withdrawn_article_from_the_public_entirely(newsroom):
    article = published(newsroom, title="已归档的撤稿")
    article.withdraw(newsroom.first, comment="撤稿")
    article.archive()
    client = Client()
    assert client.get(article.get_public_url()).status_code == 404
    assert "已归档的撤稿" not in client.get(reverse("news:article_list")).content.decode()
    assert client.post(reverse("news:article_seen", args=[article.uuid]), HTTP_USER_AGENT="Mozilla/5.0").status_code == 404


# --- Drafts from publicity documents -----------------------------------------------------------------------------------


def document(world, content, **fields):
    from gongjian.insights.models import GeneratedDocument

    fields.setdefault("organization", world.own_org)
    return GeneratedDocument.objects.create(kind="publicity", title="宣传稿", status="done", content=content, **fields)


def test_it_drafts_every_section_heading_and_list_escaped(newsroom):
    from gongjian.activities.tests.helpers import make_activity

    world = newsroom.world
    lecture = make_activity(world.own_org, title="理论宣讲")
    lead = "上半年，学院党委与共建单位" + "联" * 250
    content = {
        "title": "",
        "sections": [
            {"heading": "联学", "blocks": [{"type": "p", "text": f"  {lead}  "}, {"type": "p", "text": "   "}]},
            {"heading": "共建<b>成果</b>", "blocks": [{"type": "list", "items": ["采样亭改造", "<script>alert(1)</script>"]}]},
            {"heading": "", "blocks": [{"type": "table", "rows": [["不进正文"]]}, {"type": "list", "items": []}]},
        ],
    }
    source = document(world, content, activity=lecture)
    article = Article.draft_from_document(source, newsroom.second)
    article.refresh_from_db()
    assert article.title == "宣传稿"  # the document's title when the draft has none
    assert article.body == (
        f"<h2>联学</h2><p>{lead}</p>"
        "<h2>共建&lt;b&gt;成果&lt;/b&gt;</h2><ul><li>采样亭改造</li><li>&lt;script&gt;alert(1)&lt;/script&gt;</li></ul>"
    )
    # The summary is the first paragraph cut to 200 characters, the cut marked.
    assert len(article.summary) == 200 and article.summary[:190] == lead[:190] and article.summary != lead[:200]
    assert (article.status, article.author, article.organization) == (S.DRAFT, newsroom.second, world.own_org)
    assert list(article.activities.all()) == [lecture]


def test_it_drafts_an_alliance_wide_document_for_the_organization_given(newsroom):
    world = newsroom.world
    content = {"title": "联盟" + "宣" * 220, "sections": [{"heading": "正文", "blocks": [{"type": "p", "text": "联盟上半年工作综述。"}]}]}
    source = document(world, content, organization=None)
    article = Article.draft_from_document(source, world.alliance_admin, organization=world.foreign_org)
    # One section needs no heading; the title is cut to the field's length.
    assert (article.organization, article.body, len(article.title)) == (world.foreign_org, "<p>联盟上半年工作综述。</p>", 200)
    assert not article.activities.exists()
