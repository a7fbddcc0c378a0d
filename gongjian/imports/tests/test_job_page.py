"""The job page: the error workbook's columns, a retired kind still shown, and the start page's own jobs."""

import io

import pytest
from openpyxl import load_workbook

from gongjian.imports.models import ImportJob

from .conftest import ORG_HEADERS, org_row, upload

pytestmark = pytest.mark.django_db


def checked(user, rows, kind="organizations"):
    job = ImportJob.receive(user, kind, upload(ORG_HEADERS, rows))
    job.schedule_validation()
    job.refresh_from_db()
    return job


def test_the_error_workbook_has_one_row_per_bad_row_with_all_its_messages(world, client_for):
    job = checked(world.alliance_admin, [org_row("甲党支部", parent="示例学院党委"), org_row("", sector="火星", parent="没有")])
    response = client_for(world.alliance_admin).get(job.get_absolute_url(), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:2] == ("行号", "错误")
    assert len(rows) == 2 and rows[1][0] == 3
    assert len(rows[1][1].split("\n")) == len(job.row_errors[0]["messages"]) >= 2


def test_it_shows_a_job_of_a_retired_kind_by_its_key_without_a_link_to_a_list(world, client_for):
    job = checked(world.alliance_admin, [org_row("甲党支部")], kind="retired-kind")
    response = client_for(world.alliance_admin).get(job.get_absolute_url())
    assert response.status_code == 200 and response.context["result_url"] == ""
    assert "retired-kind · 组织.xlsx" in response.content.decode()


def test_the_start_page_lists_only_the_users_own_jobs_even_for_an_alliance_admin(world, client_for):
    from django.urls import reverse

    mine = checked(world.alliance_admin, [org_row("甲党支部", parent="示例学院党委")])
    checked(world.org_admin, [org_row("设计三组", parent="示例学院党委")])
    jobs = client_for(world.alliance_admin).get(reverse("imports:start")).context["jobs"]
    assert list(jobs) == [mine]
