"""Browser journey: a co-building agreement goes from 谈约 to 评约."""

import re

import pytest
from playwright.sync_api import expect

from gongjian.lib.testing import PASSWORD


@pytest.mark.django_db(transaction=True)
def test_it_takes_an_agreement_from_negotiation_to_evaluation(page, live_server, login, browser, pick):
    from gongjian.agreements.models import Agreement
    from gongjian.lib.testing import build_world

    world = build_world()
    login(world.org_admin.username, PASSWORD)
    page.wait_for_url(f"{live_server.url}/")

    # 谈约: draft the agreement with the street as the other party.
    page.goto(f"{live_server.url}/agreements/new/")
    page.fill("#id_title", "社区空间共建协议")
    page.fill("#id_theme", "重构空间多维服务")
    page.select_option("#id_track", "build")
    page.fill("#id_start_date", "2025-01-01")
    page.fill("#id_end_date", "2027-12-31")
    pick("#id_own_party", "slxy", world.own_org.uuid)
    pick("#id_partners", "gfl", world.foreign_org.uuid)
    page.click("#form-container button[type=submit]")
    page.wait_for_url(re.compile(r"/agreements/[0-9a-f-]{36}/$"))
    agreement = Agreement.objects.get(title="社区空间共建协议")

    for party, text in ((world.own_org.name, "提供社区空间设计服务"), (world.foreign_org.name, "提供场地与居民调研支持")):
        section = page.locator(f'#parties [data-party="{party}"]')
        section.locator("input[name=description]").fill(text)
        section.locator("form.obligation-form button[type=submit]").click()
        expect(page.locator(f'#parties [data-party="{party}"] li.obligation')).to_contain_text(text)

    # 签约 → 亮约
    page.click('[data-transition="sign"]')
    expect(page.locator('#agreement-status [data-status="signed"]')).to_be_visible()
    page.click('[data-transition="publish"]')
    expect(page.locator('#agreement-status [data-status="published"]')).to_be_visible()

    # The public page needs no login and shows the agreement and both parties.
    anonymous = browser.new_context()
    public = anonymous.new_page()
    public.goto(live_server.url + page.locator("#public-link").get_attribute("href"))
    expect(public.locator("h1")).to_have_text("社区空间共建协议")
    expect(public.locator("body")).to_contain_text(world.foreign_org.name)
    expect(public.locator("body")).to_contain_text("提供场地与居民调研支持")
    anonymous.close()

    # 履约 → 评约
    page.click('[data-transition="start_performing"]')
    expect(page.locator('#agreement-status [data-status="performing"]')).to_be_visible()
    page.click('[data-transition="evaluate"]')
    expect(page.locator('#agreement-status [data-status="evaluated"]')).to_be_visible()

    # The college rates the street's obligation; the street rates back (recorded directly).
    ratings = page.locator(f'#ratings form[data-rater="{world.own_org.name}"]')
    ratings.locator("select").first.select_option("5")
    ratings.locator("input[type=text]").first.fill("场地保障到位")
    ratings.locator("button[type=submit]").click()
    own, foreign = agreement.parties.order_by("order")
    agreement.refresh_from_db()
    agreement.rate(world.outsider, foreign, own.obligations.get(), 4, "设计方案贴近居民需求")
    page.reload()

    street = page.locator(f'#parties [data-party="{world.foreign_org.name}"]')
    college = page.locator(f'#parties [data-party="{world.own_org.name}"]')
    expect(street).to_contain_text("★ 5.0")
    expect(college).to_contain_text("★ 4.0")
    expect(college).to_contain_text("设计方案贴近居民需求")
    expect(page.locator("#history li")).to_have_count(4)
