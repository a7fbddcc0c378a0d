"""Browser journey, from need to progress:

A street posts a need, and the college sees it as the top suggestion for its resource. The college
claims it, and the street accepts. The project gets its 25 tasks from a spreadsheet. A team claims a
task and submits evidence; the reviewer accepts it, and the progress bar moves.
"""

import re

import pytest
from playwright.sync_api import expect

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def booth_sheet(path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["任务名称", "位置", "权重"])
    for number in range(1, 26):
        ws.append([f"{number:02d}号采样亭改造设计", f"广富林路{600 + number}号", 1])
    wb.save(path)
    return path


def build(world):
    """The college's spare design capacity, and two other organizations' items that should rank below the street's need."""
    from gongjian.exchange.models import Category, Need, Resource
    from gongjian.orgs.models import Organization

    for order, name in enumerate(["人才就业", "设计规划", "志愿服务", "为老服务"]):
        Category.objects.get_or_create(name=name, defaults={"order": order})
    design = Category.objects.get(name="设计规划")
    designers = Resource.objects.create(
        organization=world.own_org,
        title="20 名学生设计师",
        description="工业设计、环境设计专业学生设计师，在教师指导下承接空间设计、导视系统设计和社区党群阵地设计。",
        category=design,
        region=world.district,
        capacity=20,
        capacity_unit="名学生设计师",
    )
    designers.publish()
    company = Organization.objects.create(name="上海华茸食品有限公司党支部", sector="enterprise", kind="branch", region=world.district)
    for title, category, description in (
        ("社区为老服务志愿者", "为老服务", "每周上门陪伴独居老人，协助就医预约。"),
        ("食品包装印刷外包", "人才就业", "年度食品包装印刷外包。"),
    ):
        Need.objects.create(
            organization=company, title=title, category=Category.objects.get(name=category), description=description
        ).publish()
    return designers


@pytest.mark.django_db(transaction=True)
def test_it_goes_from_a_posted_need_to_moving_progress(page, live_server, sign_in_as, tmp_path, settings, pick):
    from gongjian.exchange.models import Claim, Need, SuggestionFeedback
    from gongjian.lib.testing import build_world
    from gongjian.projects.models import Project, Task

    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    designers = build(world)

    # 1. The street (world.outsider administers 广富林街道党工委) posts a need and publishes it.
    sign_in_as(world.outsider.username)
    page.goto(f"{live_server.url}/exchange/needs/")
    page.locator("a[href='/exchange/needs/new/']").click()
    page.fill("#id_title", "党群服务站空间设计与导视系统")
    page.select_option("#id_category", label="设计规划")
    pick("#id_region", "gfljd", world.street.uuid)
    page.fill("#id_scale", "1 处党群服务站")
    page.fill("#id_description", "街道党群服务站改造，需要高校设计力量开展空间设计和导视系统设计。")
    page.locator("#form-container button[type=submit]").click()
    page.wait_for_url(re.compile(r"/exchange/needs/[0-9a-f-]+/$"))
    page.click("#publish-button")
    expect(page.locator("[data-status=published]").first).to_be_visible()
    need = Need.objects.get(title="党群服务站空间设计与导视系统")
    assert need.status == "published" and need.organization == world.foreign_org

    # 2. The college's admin opens its resource: the street's need is the top suggestion.
    sign_in_as(world.org_admin.username)
    page.goto(f"{live_server.url}/exchange/resources/")
    page.get_by_role("link", name="20 名学生设计师").click()
    page.wait_for_url(re.compile(rf"/exchange/resources/{designers.uuid}/$"))
    page.locator("[data-tab=matches]").click()
    first = page.locator("#suggestions > li").first
    expect(first).to_have_attribute("data-uuid", str(need.uuid))
    expect(first).to_contain_text("广富林街道党工委")
    # The admin marks the suggestion useful: the button shows it without reloading the page.
    first.get_by_role("button", name="有用").click()
    expect(first.get_by_role("button", name="有用")).to_have_attribute("aria-pressed", "true")
    assert SuggestionFeedback.objects.get().verdict == "useful"

    # 3. The college claims the need for its committee, from the suggestion.
    first.get_by_role("link", name="党群服务站空间设计与导视系统").click()
    page.wait_for_url(re.compile(rf"/exchange/needs/{need.uuid}/\?from=suggestion$"))
    page.click("#claim-button")
    pick("#id_organization", "slxy", world.own_org.uuid)
    page.fill("#id_message", "我院工业设计系可组织 20 名学生设计师承接。")
    page.click("#submit-claim")
    page.wait_for_url(re.compile(r"/exchange/claims/[0-9a-f-]+/$"))
    expect(page.locator("[data-status=pending]")).to_be_visible()
    assert Claim.objects.get(need=need).from_suggestion

    # 4. The street sees the claim among those it received and accepts it: a project starts.
    sign_in_as(world.outsider.username)
    page.goto(f"{live_server.url}/exchange/claims/?box=received")
    claim = Claim.objects.get(need=need)
    page.locator(f"#claim-table a[href='/exchange/claims/{claim.uuid}/']").click()
    page.click("#accept-claim")
    page.wait_for_url(re.compile(r"/projects/[0-9a-f-]+/$"))
    claim.refresh_from_db()
    project = Project.objects.get(needs=need)
    assert claim.status == "accepted" and project.lead == world.own_org
    assert Need.objects.get(pk=need.pk).status == "claimed"

    # 5. The college (the project's lead) starts the project and adds its 25 tasks from a spreadsheet.
    sign_in_as(world.org_admin.username)
    page.goto(f"{live_server.url}/projects/{project.uuid}/")
    page.locator(f"form[action='/projects/{project.uuid}/activate/'] button").click()
    expect(page.locator(f"form[action='/projects/{project.uuid}/activate/']")).to_have_count(0)
    assert Need.objects.get(pk=need.pk).status == "in_progress"
    page.locator(f"a[href='/projects/{project.uuid}/tasks/import/']").first.click()
    page.set_input_files("input[type=file][name=file]", str(booth_sheet(tmp_path / "采样亭.xlsx")))
    page.click("#preview-import")
    expect(page.locator("#import-preview tbody tr")).to_have_count(25)
    page.click("#confirm-import")
    page.wait_for_url(re.compile(r"/board/$"))
    expect(page.locator("[data-column=open] article")).to_have_count(25)

    # 6. A member of the design branch claims booth 01 and submits evidence.
    sign_in_as(world.member.username)
    page.goto(f"{live_server.url}/projects/{project.uuid}/board/")
    page.locator("[data-task='01号采样亭改造设计'] [data-action=claim]").click()
    claimed = page.locator("[data-column=claimed] [data-task='01号采样亭改造设计']")
    expect(claimed).to_be_visible()
    claimed.locator("[data-action=open-submit]").click()
    claimed.locator("textarea[name=evidence]").fill("完成现场测绘与改造方案，效果图见附件。")
    png = tmp_path / "效果图.png"
    png.write_bytes(PNG)
    claimed.locator("input[name=files]").set_input_files(str(png))
    claimed.locator("[data-action=submit]").click()
    expect(page.locator("[data-column=submitted] [data-task='01号采样亭改造设计']")).to_be_visible()

    # 7. The reviewer accepts it and the progress bar moves from 0% to 4%.
    sign_in_as(world.org_admin.username)
    page.goto(f"{live_server.url}/projects/{project.uuid}/board/")
    progress = page.locator("#task-board .gj-progress")
    expect(progress).to_have_attribute("data-progress", "0")
    page.locator("[data-task='01号采样亭改造设计'] [data-action=accept]").click()
    expect(page.locator("[data-column=accepted] [data-task='01号采样亭改造设计']")).to_be_visible()
    expect(progress).to_have_attribute("data-progress", "4")
    assert Task.objects.get(title="01号采样亭改造设计").status == "accepted"
