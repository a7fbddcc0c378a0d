"""An export's audit record keeps its filters, but never a phone or ID number searched for (SECURITY.md item 16)."""

from django.urls import reverse

from gongjian.audit.models import Action, Record
from gongjian.lib.views import masked_filters


def test_it_masks_long_numbers_in_the_recorded_filters(world, client_for):
    response = client_for(world.alliance_admin).get(reverse("orgs:person_list"), {"q": "13800138000", "export": "xlsx"})
    assert response.status_code == 200
    record = Record.objects.filter(action=Action.EXPORT).order_by("-pk").first()
    assert record.changes["filters"] == {"q": "138******00"}
    assert "13800138000" not in str(record.changes)


def test_it_keeps_ordinary_filters_as_they_are():
    assert masked_filters({"q": "张三 2023", "sector": "school", "export": "xlsx"}) == {"q": "张三 2023", "sector": "school"}
    assert masked_filters({"q": "310101199001011234"}) == {"q": "310*************34"}
