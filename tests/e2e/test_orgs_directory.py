"""Browser journey: a street admin finds their organization by typing pinyin initials."""

import re

import pytest
from playwright.sync_api import expect

from gongjian.lib.testing import PASSWORD


@pytest.mark.django_db(transaction=True)
def test_it_filters_the_directory_live_by_pinyin(page, live_server, login):
    from gongjian.lib.testing import build_world
    from gongjian.orgs.models import Organization

    world = build_world()
    # A second organization in the outsider's scope, so typing has something to filter out.
    Organization.objects.create(name="街道办公室党支部", sector="government", kind="branch", parent=world.foreign_org)

    login("outsider", PASSWORD)  # admin of 广富林街道党工委; org admins need no second factor
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/orgs/")
    table = page.locator("#object-table")
    expect(table).to_contain_text("街道办公室党支部")
    expect(table).to_contain_text("广富林街道党工委")
    expect(table).to_contain_text("示例学院党委")  # outside the outsider's scope, but in the alliance directory
    # The total is counted in a second request after the page is shown.
    expect(page.locator("[data-role=total]")).to_have_text("共 4 条")

    page.locator("#id_q").press_sequentially("gfl", delay=50)
    # HTMX swaps only the table and pushes the filter into the address bar.
    expect(table).not_to_contain_text("街道办公室党支部")
    expect(table.get_by_role("link", name="广富林街道党工委")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=gfl"))
    assert page.locator("#id_q").input_value() == "gfl"  # the search box was not replaced
    expect(page.locator("[data-role=total]")).to_have_text("共 1 条")

    table.get_by_role("link", name="广富林街道党工委").click()
    expect(page.locator("h1")).to_contain_text("广富林街道党工委")
    page.locator("#tab-content").get_by_role("link", name="下级组织").click()
    expect(page.locator("#tab-content")).to_contain_text("街道办公室党支部")
