"""Browser journey: a branch's article goes through 初审, 复审 and 终审 by three people and is published.

The branch member writes it in the newsroom and submits it; the branch's admin passes 初审, the
college 党委's admin (the parent) passes 复审, and the 党委's secretary (an admin of the tree's root)
passes 终审 and publishes it. A visitor then reads it on the public site, where the share tags
carry its title, summary and image. A title defaced with a casino's name is refused in the form,
pointing at the span.
"""

import re
from importlib import import_module

import pytest
from django.apps import apps
from playwright.sync_api import expect

TITLE = "工业设计系教工党支部开展“熔·融”理论联学"
SUMMARY = "支部党员与结对单位围绕党建工作互学、先进经验互鉴开展专题联学。"
DEFACED = "77779193永利官网"


@pytest.mark.django_db(transaction=True)
def test_it_reviews_three_times_publishes_and_catches_a_defaced_title(page, live_server, sign_in_as, settings, tmp_path, pick):
    from gongjian.lib.testing import build_world, make_member
    from gongjian.news.models import Article
    from gongjian.orgs.models import Membership

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    # Transactional tests flush what migrations seeded: the scan's term lists come back here.
    import_module("gongjian.news.migrations.0001_safety_terms").seed(apps, None)
    world = build_world()
    make_member("branchsecretary", "支部书记", world.own_branch, role=Membership.Role.ADMIN)
    make_member("partysecretary", "党委书记", world.own_org, role=Membership.Role.ADMIN)

    # 1. The member writes the article in the newsroom and submits it.
    sign_in_as("member")
    page.goto(f"{live_server.url}/news/manage/new/")
    page.fill("#id_title", TITLE)
    page.fill("#id_summary", SUMMARY)
    page.fill("#id_body", "<p>6月20日，支部党员走进结对单位开展专题联学。</p><p>大家交流了党建工作经验。</p>")
    pick("#id_organization", "gysj", world.own_branch.uuid)
    page.click("#form-container button[type=submit]")
    page.wait_for_url(re.compile(r"/news/manage/[0-9a-f-]+/$"))
    article = Article.objects.get(title=TITLE)
    page.fill("textarea[name=submit-comment]", "请审核")
    page.click("form[data-action=submit] button[type=submit]")
    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "first_review")

    # 2. Three reviews by three people, each with a comment; nobody gets a button for another's stage.
    for username, action, comment in (
        ("branchsecretary", "pass_first", "事实准确"),
        ("orgadmin", "pass_second", "文字已润色"),
        ("partysecretary", "publish", "同意发布"),
    ):
        sign_in_as(username)
        page.goto(f"{live_server.url}{article.get_absolute_url()}")
        form = page.locator(f"form[data-action={action}]")
        form.locator("textarea").fill(comment)
        form.locator("button[type=submit]").click()
        expect(page.locator(f"#steps tr[data-step={action}]")).to_contain_text(comment)
    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "published")
    steps = page.locator("#steps tbody tr")
    expect(steps).to_have_count(4)
    for name in ("支部书记", "学院管理员", "党委书记"):
        expect(page.locator("#steps")).to_contain_text(name)

    # 3. A visitor reads it on the public site; the share tags carry its title and summary.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/news/")
    page.click(f"text={TITLE}")
    page.wait_for_url(f"{live_server.url}{article.get_public_url()}")
    expect(page.locator("h1[data-seal-title]")).to_have_text(TITLE)
    expect(page.locator("[data-seal-body]")).to_contain_text("支部党员走进结对单位")
    assert page.locator('meta[property="og:title"]').get_attribute("content") == TITLE
    assert page.locator('meta[property="og:description"]').get_attribute("content") == SUMMARY
    assert page.locator('meta[property="og:url"]').get_attribute("content") == f"{live_server.url}{article.get_public_url()}"
    assert page.locator('meta[property="og:image"]').get_attribute("content").endswith("/static/news/share.png")
    assert page.locator('meta[name="twitter:card"]').get_attribute("content") == "summary"
    expect(page.locator("nav .navbar-nav")).to_have_count(0)

    # 4. A defaced title is refused in the form, pointing at the injected name.
    sign_in_as("member")
    page.goto(f"{live_server.url}/news/manage/new/")
    page.fill("#id_title", f"{DEFACED}党委获评优秀共建党组织")
    pick("#id_organization", "gysj", world.own_branch.uuid)
    page.click("#form-container button[type=submit]")
    error = page.locator("#form-container .invalid-feedback").first
    expect(error).to_contain_text(DEFACED)
    expect(error).to_contain_text("1–12")
    assert not Article.objects.filter(title__startswith=DEFACED).exists()
