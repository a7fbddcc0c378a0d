"""Every list's filters come from one partial: labelled fields, folded behind 筛选 on a phone."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LISTS = [
    "orgs:organization_list",
    "orgs:person_list",
    "orgs:speaker_list",
    "projects:list",
    "projects:task_board",
    "exchange:need_list",
    "exchange:resource_list",
    "exchange:claim_list",
    "activities:list",
    "activities:series_list",
    "agreements:agreement_list",
    "agreements:pairing_list",
]


def filter_form(html):
    return re.search(r'<form method="get" id="list-filters"(.*?)</form>', html, re.S)


@pytest.mark.parametrize("url_name", LISTS)
def test_it_renders_one_labelled_filter_form_that_folds_on_a_phone(world, client_for, url_name):
    html = client_for(world.alliance_admin).get(reverse(url_name)).content.decode()
    assert html.count('id="list-filters"') == 1
    form = filter_form(html)
    assert form is not None, url_name
    assert 'class="collapse d-md-block"' in form.group(1) and 'hx-push-url="true"' in form.group(1)
    assert 'data-bs-target="#list-filters"' in html and 'aria-controls="list-filters"' in html
    assert "筛选" in html
    controls = re.findall(r'<(?:input|select)\b(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', form.group(1))
    assert controls, url_name
    for control in controls:
        assert f'for="{control}"' in form.group(1), (url_name, control)


def test_it_offers_all_instead_of_dashes(world, client_for):
    form = filter_form(client_for(world.alliance_admin).get(reverse("orgs:organization_list")).content.decode()).group(1)
    assert '<option value="" selected>全部</option>' in form and "---------" not in form


def test_it_keeps_the_chosen_filters_and_the_boxes_ticked(world, client_for):
    html = (
        client_for(world.alliance_admin)
        .get(reverse("orgs:organization_list"), {"sector": "school", "archived": "true", "q": "示例"})
        .content.decode()
    )
    form = filter_form(html).group(1)
    assert '<option value="school" selected>' in form
    assert re.search(r'<input class="form-check-input" type="checkbox" name="archived" value="true" id="id_archived" checked>', form)
    search = re.search(r'<input[^>]*name="q"[^>]*>', form).group(0)
    assert 'type="search"' in search and 'value="示例"' in search and 'placeholder="名称' in search


def test_it_carries_a_parameter_the_list_needs_along(world, client_for):
    form = filter_form(client_for(world.org_admin).get(reverse("exchange:claim_list"), {"box": "received"}).content.decode()).group(1)
    assert '<input type="hidden" name="box" value="received">' in form


def test_it_sends_false_for_an_unticked_box_whose_default_is_yes(world, client_for):
    form = filter_form(client_for(world.member).get(reverse("projects:task_board")).content.decode()).group(1)
    assert '<input type="hidden" name="mine" value="false">' in form
    assert 'hx-target="#task-board" hx-select="#task-board" hx-swap="outerHTML"' in form


def test_it_offers_the_speakers_topics(world, client_for):
    from gongjian.orgs.models import Person

    Person.objects.create(name="讲师甲", is_speaker=True, speaker_topics=["党史", "工业设计"])
    form = filter_form(client_for(world.member).get(reverse("orgs:speaker_list")).content.decode()).group(1)
    assert re.search(r'<select name="topic"[^>]*>\s*<option value="" selected>全部</option>\s*<option value="党史">党史</option>', form)
