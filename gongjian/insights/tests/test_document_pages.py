"""The document page's other uses: retrying a failed render, a worker that died, editing a list, publicity drafts."""

import re
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from gongjian.insights.models import GeneratedDocument
from gongjian.insights.periods import Period
from gongjian.lib.jobs import this_worker

from .conftest import activity, at, registrations
from .test_report import word

H1 = "2023-H1"
CREATE = "/insights/documents/new/"


def made(world, status, **fields):
    """A report of the college in ``status`` with a small hand-written draft: a paragraph and a list."""
    content = {
        "title": "示例学院党委工作总结",
        "sections": [
            {
                "heading": "组织联建",
                "blocks": [
                    {"type": "p", "text": "签订共建协议3份。", "source": "records", "facts": 3},
                    {"type": "list", "items": ["协议一", "协议二", "协议三"], "source": "records", "facts": 3},
                    {"type": "table", "rows": [["条线", "活动"], ["理论联学", 2]], "source": "records", "facts": 2},
                ],
            }
        ],
    }
    fields.setdefault("content", content)
    return GeneratedDocument.objects.create(
        kind="report", title="示例学院党委工作总结", period_key=H1, organization=world.own_org, status=status, **fields
    )


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def enqueued(callbacks) -> int:
    return sum("enqueue" in c.__qualname__ for c in callbacks)


# --- Retrying ----------------------------------------------------------------------------------------------------


def test_it_retries_a_failed_document_once(world, client_for, django_capture_on_commit_callbacks):
    document = made(world, "failed", error="字体文件缺失", progress=40)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(world.org_admin).post(document.get_absolute_url(), {"retry": "1"})
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    document.refresh_from_db()
    assert (document.status, document.error, document.progress) == ("pending", "", 0)
    assert enqueued(callbacks) == 1
    # The draft is rendered again as it stands: a retry is no edit.
    assert (document.facts_from_records, document.facts_typed) == (0, 0) and document.content["sections"][0]["blocks"][0][
        "source"
    ] == "records"


def test_it_ignores_a_retry_of_a_finished_document(world, client_for, django_capture_on_commit_callbacks):
    document = made(world, "done", progress=100)
    with django_capture_on_commit_callbacks() as callbacks:
        client_for(world.org_admin).post(document.get_absolute_url(), {"retry": "1"})
    document.refresh_from_db()
    assert (document.status, document.progress) == ("done", 100) and enqueued(callbacks) == 0


def test_it_refuses_a_retry_while_the_document_is_generated(world, client_for, django_capture_on_commit_callbacks):
    document = made(world, "pending")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(world.org_admin).post(document.get_absolute_url(), {"retry": "1"})
    assert messages_of(response) == ["文档正在生成，请稍候。"] and enqueued(callbacks) == 0
    assert GeneratedDocument.objects.get(pk=document.pk).status == "pending"


def test_it_refuses_others_a_retry(world, client_for):
    document = made(world, "failed", error="字体文件缺失")
    for user in (world.outsider, world.member):
        assert client_for(user).post(document.get_absolute_url(), {"retry": "1"}).status_code == 404
    assert GeneratedDocument.objects.get(pk=document.pk).status == "failed"


# --- A worker that died ----------------------------------------------------------------------------------------------


def dead_pid() -> int:
    """The pid of a process that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_it_fails_a_document_whose_worker_on_this_host_died_when_the_page_is_read(world, client_for):
    document = made(world, "running", worker=f"{socket.gethostname()}:{dead_pid()}", heartbeat_at=timezone.now())
    html = client_for(world.org_admin).get(document.get_absolute_url()).content.decode()
    document.refresh_from_db()
    assert (document.status, document.error) == ("failed", "生成中断：后台进程已停止，请重试。")
    assert document.finished_at is not None
    assert "生成中断" in html and "every 2s" not in html


def test_it_keeps_a_document_whose_worker_is_alive(world, client_for):
    document = made(world, "running", worker=this_worker(), heartbeat_at=timezone.now() - timedelta(hours=1))
    html = client_for(world.org_admin).get(document.get_absolute_url()).content.decode()
    assert GeneratedDocument.objects.get(pk=document.pk).status == "running" and "every 2s" in html


def test_it_judges_a_worker_on_another_host_by_its_heartbeat(world):
    now = timezone.now()
    fresh = made(world, "running", worker="worker-2:4242", heartbeat_at=now - timedelta(seconds=30))
    stale = made(world, "running", worker="worker-2:4243", heartbeat_at=now - timedelta(minutes=5))
    silent = made(world, "running", worker="worker-2:4244", heartbeat_at=None)
    assert [d.fail_if_worker_lost() for d in (fresh, stale, silent)] == [False, True, True]
    assert list(GeneratedDocument.objects.order_by("pk").values_list("status", flat=True)) == ["running", "failed", "failed"]
    # A pending document has no worker yet, and a finished one none any more.
    assert not made(world, "pending", worker="worker-2:1").fail_if_worker_lost()
    assert not made(world, "done", worker=f"{socket.gethostname()}:{dead_pid()}").fail_if_worker_lost()


# --- Editing a list ----------------------------------------------------------------------------------------------------


def test_it_takes_a_list_one_item_a_line_and_counts_each_as_typed(world, client_for):
    document = made(world, "done")
    response = client_for(world.org_admin).post(
        document.get_absolute_url(), {"b-0-1": "协议一\r\n\r\n  协议二（续签） \r\n协议三\r\n协议四\r\n"}
    )
    assert messages_of(response) == ["已保存，修改了 1 处，正在重新生成文件。"]
    document.refresh_from_db()
    edited = document.content["sections"][0]["blocks"][1]
    assert (edited["items"], edited["source"], edited["facts"]) == (["协议一", "协议二（续签）", "协议三", "协议四"], "typed", 4)
    # The untouched paragraph and table still count as from the records.
    assert (document.facts_from_records, document.facts_typed, document.share_from_records) == (5, 4, 55.6)
    assert document.status == "pending"


def test_it_leaves_a_list_sent_back_unchanged_from_the_records(world, client_for):
    document = made(world, "done")
    response = client_for(world.org_admin).post(document.get_absolute_url(), {"b-0-1": "协议一\n协议二\n协议三", "b-0-2": "表格不可编辑"})
    assert messages_of(response) == ["已保存，修改了 0 处，正在重新生成文件。"]
    document.refresh_from_db()
    blocks = document.content["sections"][0]["blocks"]
    assert [b["source"] for b in blocks] == ["records", "records", "records"] and blocks[2]["rows"] == [["条线", "活动"], ["理论联学", 2]]
    assert (document.facts_from_records, document.facts_typed, document.share_from_records) == (8, 0, 100.0)


def test_it_counts_an_emptied_list_as_no_fact(world, client_for):
    document = made(world, "done")
    client_for(world.org_admin).post(document.get_absolute_url(), {"b-0-1": " \r\n \r\n"})
    document.refresh_from_db()
    emptied = document.content["sections"][0]["blocks"][1]
    assert (emptied["items"], emptied["source"], emptied["facts"]) == ([], "typed", 0)
    assert (document.facts_from_records, document.facts_typed) == (5, 0)


def test_it_has_no_share_before_any_fact_is_counted(world):
    document = made(world, "pending", content={})
    document.count_facts()
    assert (document.facts_from_records, document.facts_typed, document.share_from_records) == (0, 0, None)


def test_it_keeps_the_progress_between_0_and_100(world):
    document = made(world, "running")
    for asked, kept in ((-5, 0), (42.7, 42), (250, 100)):
        document.set_progress(asked)
        assert (document.progress, GeneratedDocument.objects.get(pk=document.pk).progress) == (kept, kept)


# --- Publicity drafts ------------------------------------------------------------------------------------------------------


def test_it_drafts_and_renders_a_publicity_article_of_the_scope_asked_for(world, client_for, word_only):
    lecture = activity(world.own_branch, "study", at(2023, 4, 12, 14), title="支部联学报告会")
    registrations(lecture, "attended", "attended", "attended", "no_show")
    activity(world.foreign_org, "study", at(2023, 4, 13, 14), title="街道宣讲会")
    response = client_for(world.org_admin).post(CREATE, {"kind": "publicity", "period": H1, "org": str(world.own_branch.uuid)})
    document = GeneratedDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    label = Period.parse(H1).label
    assert (document.kind, document.organization, document.title) == (
        "publicity",
        world.own_branch,
        f"宣传稿：{world.own_branch.name}{label}工作",
    )
    document.run()
    document.refresh_from_db()
    assert (document.status, document.pdf.name) == ("done", "")
    lead = document.content["sections"][0]["blocks"][0]
    assert (lead["source"], lead["facts"]) == ("records", 4)
    # One activity and three check-ins of the branch; the street's lecture is not the branch's.
    assert [int(n) for n in re.findall(r"\d+", lead["text"])] == [2023, 1, 3, 0, 0] and "街道" not in lead["text"]
    paragraphs, _tables = word(document.docx.path)
    assert paragraphs[0] == document.content["title"] and lead["text"] in paragraphs
    assert document.facts_from_records == sum(b["facts"] for s in document.content["sections"] for b in s["blocks"])


def test_it_refuses_a_publicity_draft_outside_the_admins_reach(world, client_for):
    assert (
        client_for(world.org_admin).post(CREATE, {"kind": "publicity", "period": H1, "org": str(world.foreign_org.uuid)}).status_code == 404
    )
    assert client_for(world.member).post(CREATE, {"kind": "publicity", "period": H1}).status_code == 403
    assert not GeneratedDocument.objects.exists()


@pytest.mark.parametrize(
    "referer, back",
    [
        ("http://testserver/insights/?org=1", "http://testserver/insights/?org=1"),
        ("https://evil.example/phish", "/insights/"),
        ("//evil.example/phish", "/insights/"),
        ("", "/insights/"),
    ],
)
def test_a_bad_period_sends_the_user_back_only_to_a_page_of_this_site(world, client_for, referer, back):
    response = client_for(world.org_admin).post(CREATE, {"kind": "report", "period": "2023-H9"}, HTTP_REFERER=referer)
    assert response.status_code == 302 and response["Location"] == back
    assert not GeneratedDocument.objects.exists()
