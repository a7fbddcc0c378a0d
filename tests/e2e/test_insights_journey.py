"""Browser journey: the college's admin reads the half-year on the dashboard and takes the work report home.

With the demo loaded, college_admin opens the dashboard for the first half of 2023, checks the key
figures, opens the records behind the activities, comes back and asks for the work report. The
report is rendered by the background job, the document page notices when it is done, and the Word
file downloaded from it opens with python-docx and tells of the 25 sampling booths.

The job: no worker runs beside the live server, so the test plays the worker. It takes the task
the click enqueued from the database queue and calls it, as ``db_worker`` does. Running db_worker
itself in a thread would give it a connection of its own to the in-memory SQLite test database,
whose shared-cache table locks fail at once instead of waiting, and the command installs signal
handlers for the whole pytest process; the live server shares the test's database either way.
"""

import re

import pytest
from docx import Document
from playwright.sync_api import expect

COLLEGE = "示例学院党委"
FIRST_LECTURE = "“熔·融”理论宣讲第一讲：学习贯彻党的二十大精神"


@pytest.mark.django_db(transaction=True)
def test_it_goes_from_the_dashboard_to_the_word_file(page, live_server, login, settings, tmp_path):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from gongjian.insights.figures import KEY_FIGURES, Figures
    from gongjian.insights.models import GeneratedDocument
    from gongjian.insights.periods import Period
    from gongjian.insights.scope import InsightScope
    from gongjian.insights.tasks import render_document
    from gongjian.orgs.demo import DEMO_PASSWORD
    from gongjian.orgs.models import Organization

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    call_command("load_demo", verbosity=0)
    college = Organization.objects.get(name=COLLEGE)
    totals = Figures(InsightScope(college), Period.parse("2023-H1")).totals()

    login("college_admin", DEMO_PASSWORD)  # admin of 示例学院党委; org admins need no second factor
    page.wait_for_url(f"{live_server.url}/")

    # 1. The key figures of the college's first half, as the figures count them.
    page.goto(f"{live_server.url}/insights/?period=2023-H1")
    expect(page.locator("h1")).to_contain_text(COLLEGE)
    key = page.locator("section[aria-labelledby=h-key]")
    for name in KEY_FIGURES:
        expect(key.locator(f"a[href^='/insights/records/{name}/']")).to_have_text(str(totals[name]))
    assert totals["activities"] == 18 and totals["tasks_accepted"] > 0

    # 2. The activities card opens the records behind it; the browser's back button returns.
    key.locator("a[href^='/insights/records/activities/']").click()
    page.wait_for_url(re.compile(r"/insights/records/activities/\?"))
    expect(page.locator("main")).to_contain_text(f"对应记录 {totals['activities']} 条")
    expect(page.locator("table tbody")).to_contain_text(FIRST_LECTURE)
    page.go_back()
    page.wait_for_url(re.compile(r"/insights/\?period=2023-H1$"))

    # 3. "Generate the work report" in the dashboard's header: the document page waits for the job.
    page.locator("form:has(input[name=kind][value=report]) button[type=submit]").click()
    page.wait_for_url(re.compile(r"/insights/documents/[0-9a-f-]+/$"))
    document = GeneratedDocument.objects.get()
    assert (document.kind, document.organization, document.period_key, document.status) == ("report", college, "2023-H1", "pending")
    progress = page.locator("#document-progress")
    expect(progress).to_have_attribute("hx-trigger", "every 2s")

    # 4. The worker's part, run here in the test's thread. The page leaves first, so that nothing polls
    # the live server (which shares the test's SQLite connection) while the job writes.
    queued = DBTaskResult.objects.ready().get(task_path=render_document.module_path)
    result = queued.task_result
    assert result.args == [document.pk]
    page.goto("about:blank")
    result.task.call(*result.args, **result.kwargs)
    document.refresh_from_db()
    assert (document.status, document.error) == ("done", "")

    # Back on the document page, it offers the files and no longer polls.
    page.goto(f"{live_server.url}{document.get_absolute_url()}")
    word = page.locator(f"a[href='/insights/documents/{document.uuid}/download.docx']")
    expect(word).to_be_visible(timeout=30_000)
    expect(page.locator("#document-progress")).not_to_have_attribute("hx-trigger", "every 2s")
    expect(page.locator(f"a[href='/insights/documents/{document.uuid}/download.pdf']")).to_be_visible()

    # 5. The Word file downloads under the report's Chinese title and tells of the sampling booths.
    with page.expect_download() as download:
        word.click()
    assert download.value.suggested_filename == f"{document.title}.docx"
    path = tmp_path / "report.docx"
    download.value.save_as(path)
    doc = Document(str(path))
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows for c in row.cells])
    assert "采样亭改造" in text and COLLEGE in doc.paragraphs[0].text
