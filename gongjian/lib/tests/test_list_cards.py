"""List rows carry what the phone cards show: each cell's column header, and the title cell."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def body_cells(html):
    tbody = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    rows = re.findall(r"<tr\b[^>]*>(.*?)</tr>", tbody, re.S)
    return [re.findall(r"<td\b([^>]*)>", row) for row in rows if "colspan" not in row]


@pytest.mark.parametrize(
    ("user", "url_name"),
    [
        ("org_admin", "orgs:person_list"),
        ("alliance_admin", "orgs:organization_list"),
        ("system", "accounts:user_list"),
        ("audit", "audit:record_list"),
    ],
)
def test_it_labels_every_cell_and_marks_the_title(world, admins, client_for, user, url_name):
    account = getattr(admins, user, None) or world.users[user]
    html = client_for(account).get(reverse(url_name)).content.decode()
    rows = body_cells(html)
    assert rows, url_name
    for cells in rows:
        assert all(re.search(r'data-label="[^"]*"', attrs) for attrs in cells), (url_name, cells)
        assert "cell-title" in cells[0]
