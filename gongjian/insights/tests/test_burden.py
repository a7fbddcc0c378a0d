"""The dashboard states how much of the scope's generated reports came from the records."""

from django.urls import reverse

from gongjian.insights.models import GeneratedDocument


def test_it_shows_the_share_of_report_facts_from_records(world, client_for):
    for records, typed in ((30, 10), (50, 10)):
        GeneratedDocument.objects.create(kind="report", title="报告", organization=world.own_org, period_key="2023-H1",
                                         facts_from_records=records, facts_typed=typed, status="done")
    # Another tree's report and a ledger say nothing about this scope's reports.
    GeneratedDocument.objects.create(kind="report", title="他人", organization=world.foreign_org, facts_from_records=0, facts_typed=99)
    GeneratedDocument.objects.create(kind="ledger", title="台账", organization=world.own_org, facts_from_records=0, facts_typed=99)
    page = client_for(world.org_admin).get(reverse("insights:dashboard") + "?period=2023-H1").content.decode()
    assert "本范围已生成 2 份报告：80.0% 的事实取自平台记录（80 项），20 项为手工填写。" in page


def test_it_says_so_when_no_report_was_generated(world, client_for):
    page = client_for(world.org_admin).get(reverse("insights:dashboard")).content.decode()
    assert "本范围尚未生成工作总结。" in page
