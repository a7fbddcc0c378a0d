"""The building blocks of list pages: windowed paging, filter options and choice labels."""

import pytest
from django.utils import translation

from gongjian.lib.paging import Window, page_number
from gongjian.lib.templatetags.lists import select_options
from gongjian.orgs.filters import OrganizationFilterSet
from gongjian.orgs.models import CapabilityTag, Organization, Region

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


class TestSelectOptions:
    def test_it_marks_the_chosen_option_and_escapes_labels(self, world):
        CapabilityTag.objects.create(name='<b>"设计"</b>')
        CapabilityTag.objects.create(name="宣讲")
        form = OrganizationFilterSet({"sector": "school", "tag": "宣讲"}).form
        sectors = select_options(form["sector"], "全部")
        assert sectors.startswith('<option value="">全部</option>')
        assert '<option value="school" selected>' in sectors and sectors.count(" selected") == 1
        tags = select_options(form["tag"], "全部")
        assert '<option value="宣讲" selected>宣讲</option>' in tags
        assert "&lt;b&gt;&quot;设计&quot;&lt;/b&gt;" in tags and "<b>" not in tags

    def test_it_reads_the_options_in_one_query_and_then_only_checks_them(self, world, django_assert_num_queries):
        CapabilityTag.objects.create(name="新标签")  # whatever an earlier test kept is stale now
        form = OrganizationFilterSet({}).form
        with django_assert_num_queries(2):  # the tag table's fingerprint, then its rows
            first = select_options(form["tag"], "")
        with django_assert_num_queries(1):  # the fingerprint only (lib.refdata)
            assert select_options(OrganizationFilterSet({}).form["tag"], "") == first


class TestChoiceLabels:
    def test_it_translates_labels_in_the_active_language(self, world):
        org = Organization(name="甲", sector="school", kind="branch")
        with translation.override("zh-hans"):
            assert org.get_sector_display() == "学校"
        with translation.override("en"):
            assert org.get_sector_display() == "School"

    def test_it_shows_an_unknown_value_as_it_is(self, world):
        assert Organization(name="甲", sector="unknown", kind="branch").get_sector_display() == "unknown"
