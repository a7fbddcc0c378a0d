"""Choosing by pinyin initials in a real form, and a tree opened a level at a time."""

import re

import pytest
from playwright.sync_api import expect

from gongjian.orgs.models import Membership, Organization, Person


@pytest.mark.django_db(transaction=True)
def test_an_org_admin_adds_a_person_to_a_branch_found_by_its_pinyin_initials(page, live_server, sign_in_as, world):
    for n in range(30):  # more than one page of answers, none of them the branch
        Organization.objects.create(name=f"第{n}党小组", sector="school", kind="other", parent=world.own_org)
    sign_in_as(world.org_admin.username)
    page.goto(f"{live_server.url}/orgs/people/new/")
    page.fill("#id_name", "李设计")
    # The picker holds no options until the user types; the label names its search box.
    assert page.locator("#id_organization option").count() == 1
    control = page.get_by_role("combobox", name="组织")  # the label names the search box
    control.click()
    control.press_sequentially("gysj")
    option = page.locator(f'#id_organization-ts-dropdown [data-value="{world.own_branch.uuid}"]')
    expect(option).to_contain_text("工业设计系教工党支部")
    expect(option).to_contain_text("示例学院党委")  # the parent, to tell branches of the same name apart
    expect(page.locator("#id_organization-ts-dropdown .option")).to_have_count(1)
    control.press("Enter")  # the keyboard chooses the highlighted match
    page.click("#form-container button[type=submit]")
    page.wait_for_url(re.compile(r"/orgs/people/[0-9a-f-]{36}/$"))
    person = Person.objects.get(name="李设计")
    assert Membership.objects.filter(person=person, organization=world.own_branch).exists()


@pytest.mark.django_db(transaction=True)
def test_a_list_filter_reloads_with_the_organization_chosen(page, live_server, sign_in_as, world):
    sign_in_as(world.org_admin.username)
    page.goto(f"{live_server.url}/agreements/")
    control = page.locator("#id_organization-ts-control")
    control.click()
    control.press_sequentially("gfl")
    page.locator(f'#id_organization-ts-dropdown [data-value="{world.foreign_org.uuid}"]').click()
    page.wait_for_url(re.compile(rf"organization={world.foreign_org.uuid}"))


@pytest.mark.django_db(transaction=True)
def test_the_organization_tree_reads_children_when_a_node_is_opened(page, live_server, sign_in_as, world):
    sign_in_as(world.org_admin.username)
    page.goto(f"{live_server.url}/orgs/tree/")
    branch = page.locator(f"#org-{world.own_branch.uuid}")
    expect(branch).to_have_count(0)
    page.locator(f"#org-{world.own_org.uuid} > .gj-tree-toggle").click()
    expect(branch).to_be_visible()
