"""Browser journey: a street office finds a partner through the navbar search and opens its profile."""

import pytest
from playwright.sync_api import expect


@pytest.mark.django_db(transaction=True)
def test_it_finds_a_partner_by_pinyin_and_opens_its_profile(page, live_server, sign_in_as):
    from gongjian.lib.testing import build_world

    world = build_world()
    world.own_org.public_contact = "党委办公室 021-67890000"
    world.own_org.contact_name = "王书记"
    world.own_org.save()

    sign_in_as("outsider")  # admin of 广富林街道党工委, a street office
    box = page.get_by_role("searchbox", name="在联盟中搜索")
    box.press_sequentially("slxy", delay=50)  # 示例学院 by its pinyin initials
    suggestions = page.locator("#navbar-search-results [data-suggestions]")
    expect(suggestions.locator("[data-kind=organizations]")).to_contain_text("示例学院党委")
    expect(suggestions.locator("[data-kind=people]")).to_have_count(0)  # the college's people are outside the street's scope

    suggestions.get_by_role("link", name="示例学院党委").click()
    expect(page.locator("h1")).to_contain_text("示例学院党委")
    expect(page.locator("[data-field=public_contact]")).to_have_text("党委办公室 021-67890000")
    expect(page.locator("main")).not_to_contain_text("王书记")  # the contact person stays with the college
    expect(page.locator("a[href$='?tab=members']")).to_have_count(0)  # nor its members

    # Enter opens the full results page, grouped by kind.
    box = page.get_by_role("searchbox", name="在联盟中搜索")
    box.fill("gfl")
    box.press("Enter")
    expect(page.locator("h1")).to_have_text("搜索")
    expect(page.locator("#search-results [data-kind=organizations]")).to_contain_text("广富林街道党工委")


@pytest.mark.django_db(transaction=True)
def test_it_closes_the_suggestions_on_escape_and_on_a_click_elsewhere(page, live_server, sign_in_as):
    from gongjian.lib.testing import build_world

    build_world()
    sign_in_as("outsider")
    box = page.get_by_role("searchbox", name="在联盟中搜索")
    suggestions = page.locator("#navbar-search-results [data-suggestions]")

    box.press_sequentially("slxy", delay=50)
    expect(suggestions).to_be_visible()
    box.press("Escape")
    expect(suggestions).to_have_count(0)

    box.press_sequentially("slxy", delay=50)  # typing again asks again
    expect(suggestions).to_be_visible()
    page.locator("main h1").click()
    expect(suggestions).to_have_count(0)
