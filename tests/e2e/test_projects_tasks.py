"""Browser journey: the project gets its 25 tasks from a spreadsheet; a team claims a task and
submits evidence; the reviewer accepts it, and the progress bar moves."""

import re

import pytest
from playwright.sync_api import expect

from gongjian.lib.testing import PASSWORD


def booth_sheet(path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["任务名称", "位置", "权重"])
    for number in range(1, 26):
        ws.append([f"{number:02d}号采样亭改造设计", f"广富林路{600 + number}号", 1])
    wb.save(path)
    return path


def sign_in_as(page, login, live_server, username):
    page.context.clear_cookies()
    login(username, PASSWORD)
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.django_db(transaction=True)
def test_it_takes_25_booths_from_a_sheet_and_moves_progress(page, live_server, login, tmp_path, settings):
    from gongjian.lib.testing import build_world
    from gongjian.projects.models import Project, Task

    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    project = Project.objects.create(title="采样亭改造", brand="茸城e家", lead=world.own_org)
    project.partners.add(world.foreign_org)
    project.activate()

    # The lead organization's admin opens the project and uploads the spreadsheet.
    sign_in_as(page, login, live_server, world.org_admin.username)
    page.goto(f"{live_server.url}/projects/")
    page.get_by_role("link", name="采样亭改造").click()
    expect(page.locator(".gj-progress").first).to_have_attribute("data-progress", "0")
    page.locator(f"a[href='/projects/{project.uuid}/tasks/import/']").first.click()
    page.set_input_files("input[type=file][name=file]", str(booth_sheet(tmp_path / "采样亭.xlsx")))
    page.click("#preview-import")
    expect(page.locator("[data-preview-ok]")).to_be_visible()
    expect(page.locator("#import-preview tbody tr")).to_have_count(25)
    assert Task.objects.count() == 0  # the preview wrote nothing
    page.click("#confirm-import")

    page.wait_for_url(re.compile(r"/board/$"))
    expect(page.locator("[data-column=open] article")).to_have_count(25)
    expect(page.locator("[data-task='25号采样亭改造设计']")).to_contain_text("广富林路625号")

    # A member of the college's design branch claims booth 01 for the branch and hands in the work.
    sign_in_as(page, login, live_server, world.member.username)
    page.goto(f"{live_server.url}/projects/{project.uuid}/board/")
    card = page.locator("[data-task='01号采样亭改造设计']")
    card.locator("[data-action=claim]").click()
    claimed = page.locator("[data-column=claimed] [data-task='01号采样亭改造设计']")
    expect(claimed).to_be_visible()
    expect(claimed).to_contain_text("工业设计系教工党支部")
    claimed.locator("[data-action=open-submit]").click()
    claimed.locator("textarea[name=evidence]").fill("完成现场测绘与改造方案，效果图见附件。")
    png = tmp_path / "效果图.png"
    png.write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
        b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    claimed.locator("input[name=files]").set_input_files(str(png))
    claimed.locator("[data-action=submit]").click()
    submitted = page.locator("[data-column=submitted] [data-task='01号采样亭改造设计']")
    expect(submitted).to_be_visible()
    expect(submitted).to_contain_text("完成现场测绘")
    expect(page.locator("[data-action=accept]")).to_have_count(0)  # the team cannot accept its own work

    # The admin reviews and accepts: the progress bar moves from 0% to 4%.
    sign_in_as(page, login, live_server, world.org_admin.username)
    page.goto(f"{live_server.url}/projects/{project.uuid}/board/")
    progress = page.locator("#task-board .gj-progress")
    expect(progress).to_have_attribute("data-progress", "0")
    page.locator("[data-task='01号采样亭改造设计'] [data-action=accept]").click()
    expect(page.locator("[data-column=accepted] [data-task='01号采样亭改造设计']")).to_be_visible()
    expect(progress).to_have_attribute("data-progress", "4")
    expect(progress.locator(".progress-bar")).to_have_attribute("style", re.compile(r"width:\s*4%"))
    page.goto(f"{live_server.url}/projects/{project.uuid}/")
    expect(page.locator(".gj-progress").first).to_have_attribute("data-progress", "4")
    accepted = Task.objects.get(title="01号采样亭改造设计")
    assert accepted.status == "accepted" and accepted.evidence_files.count() == 1
