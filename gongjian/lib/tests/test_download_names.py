"""Downloads carry Chinese names, sent as RFC 5987 ``filename*`` so every browser keeps them."""

from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from gongjian.audit.models import Action, Record


def disposition_name(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''"), disposition
    return disposition.split("''", 1)[1]


@pytest.mark.parametrize(
    ("url_name", "title"),
    [("orgs:person_list", "人员"), ("orgs:organization_list", "组织"), ("exchange:need_list", "需求")],
)
def test_it_names_a_list_export_by_its_chinese_title_and_the_day(world, client_for, url_name, title):
    response = client_for(world.alliance_admin).get(reverse(url_name), {"export": "xlsx"})
    assert response.status_code == 200
    name = disposition_name(response)
    today = f"{timezone.localdate():%Y%m%d}"
    assert name.endswith(quote(f"-{today}.xlsx")) and quote(title) in name
    record = Record.objects.filter(action=Action.EXPORT).order_by("-pk").first()
    assert record.changes["list"].endswith(f"-{today}.xlsx") and title in record.changes["list"]


def test_it_names_the_task_import_template_in_chinese(world, client_for):
    response = client_for(world.alliance_admin).get(reverse("projects:task_import_template"))
    assert disposition_name(response) == quote("任务导入模板.xlsx")
