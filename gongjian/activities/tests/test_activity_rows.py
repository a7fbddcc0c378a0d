"""The activity list's rows, built in Python, label each cell so that phones show them as cards."""

import re

from django.urls import reverse

from .helpers import make_activity


def test_it_labels_every_cell_of_an_activity_row(world, client_for):
    make_activity(world.own_org, title="理论宣讲进社区")
    page = client_for(world.org_admin).get(reverse("activities:list")).content.decode()
    row = next(row for row in re.findall(r"<tr>.*?</tr>", page, flags=re.S) if "理论宣讲进社区" in row)
    labels = re.findall(r'<td[^>]*data-label="([^"]+)"', row)
    assert labels == ["活动", "时间与地点", "主办与协办", "名额", "我的状态"]
    assert len(re.findall(r"<td", row)) == len(labels)
    assert 'class="cell-title" data-label=' in row
