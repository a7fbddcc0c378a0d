"""The building blocks of list pages: windowed paging and choice labels."""

import pytest
from django.utils import translation

from gongjian.lib.paging import Window, page_number
from gongjian.orgs.models import Organization, Region

pytestmark = pytest.mark.django_db


class TestWindow:
    def test_it_reads_one_row_more_than_it_shows(self, django_assert_num_queries):
        for n in range(5):
            Region.objects.create(name=f"第{n}区", level=2)
        queryset = Region.objects.order_by("name")
        with django_assert_num_queries(1):
            first = Window(queryset, 1, 2)
        assert len(first) == 2 and first.has_next() and not first.has_previous() and first.total_if_known is None
        last = Window(queryset, 3, 2)
        assert len(last) == 1 and not last.has_next() and last.has_previous() and last.total_if_known == 5
        assert Window(queryset, 9, 2).total_if_known is None  # past the end: unknown, not zero

    @pytest.mark.parametrize(("raw", "expected"), [("3", 3), ("0", 1), ("-2", 1), ("x", 1), (None, 1)])
    def test_it_reads_a_page_number_leniently(self, raw, expected):
        assert page_number(raw) == expected


class TestChoiceLabels:
    def test_it_translates_labels_in_the_active_language(self, world):
        org = Organization(name="甲", sector="school", kind="branch")
        with translation.override("zh-hans"):
            assert org.get_sector_display() == "学校"
        with translation.override("en"):
            assert org.get_sector_display() == "School"

    def test_it_shows_an_unknown_value_as_it_is(self, world):
        assert Organization(name="甲", sector="unknown", kind="branch").get_sector_display() == "unknown"
