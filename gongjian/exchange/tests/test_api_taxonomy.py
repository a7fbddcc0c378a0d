"""The alliance's taxonomy and thesaurus through the API, and the verdicts on suggestions each user reads back."""

import pytest

from gongjian.exchange.models import Category, SuggestionFeedback, SynonymGroup

pytestmark = pytest.mark.django_db

API = "/api/v1/exchange"


class TestCategories:
    def test_it_says_why_a_category_cannot_be_related_to_itself(self, world, api_for, design):
        response = api_for(world.alliance_admin).patch(f"{API}/categories/{design.uuid}/", {"related": [str(design.uuid)]}, format="json")
        assert response.status_code == 400
        assert response.json() == {"related": ["类别不能与自身关联。"]}

    def test_it_relates_both_ways_and_reads_the_link_back_on_the_other(self, world, api_for):
        first, second = Category.objects.create(name="产业对接", order=110), Category.objects.create(name="人才培养", order=120)
        client = api_for(world.alliance_admin)
        assert client.patch(f"{API}/categories/{first.uuid}/", {"related": [str(second.uuid)]}, format="json").status_code == 200
        assert client.get(f"{API}/categories/{second.uuid}/").json()["related"] == [str(first.uuid)]
        # An empty list unlinks both sides.
        assert client.patch(f"{API}/categories/{second.uuid}/", {"related": []}, format="json").json()["related"] == []
        assert list(first.related.all()) == []

    def test_it_refuses_a_second_category_of_the_same_name(self, world, api_for, design):
        response = api_for(world.alliance_admin).post(f"{API}/categories/", {"name": design.name}, format="json")
        assert response.status_code == 400 and list(response.json()) == ["name"]
        assert Category.objects.filter(name=design.name).count() == 1

    def test_it_keeps_a_category_in_use_and_deletes_an_unused_one(self, world, api_for, make_need, volunteering):
        need = make_need()
        client = api_for(world.alliance_admin)
        response = client.delete(f"{API}/categories/{need.category.uuid}/")
        assert response.status_code == 409 and response.json() == {"detail": "该条目仍在使用中，不能删除。"}
        assert client.delete(f"{API}/categories/{volunteering.uuid}/").status_code == 204
        assert not Category.objects.filter(pk=volunteering.pk).exists()
        assert Category.objects.filter(pk=need.category_id).exists()

    def test_only_alliance_admins_change_or_delete(self, world, api_for, volunteering):
        url = f"{API}/categories/{volunteering.uuid}/"
        assert api_for(world.org_admin).patch(url, {"order": 1}, format="json").status_code == 403
        assert api_for(world.member).delete(url).status_code == 403
        assert Category.objects.get(pk=volunteering.pk).order == 50

    def test_it_lists_only_active_categories_when_asked(self, world, api_for, design, volunteering):
        Category.objects.filter(pk=volunteering.pk).update(is_active=False)
        names = {c["name"] for c in api_for(world.member).get(f"{API}/categories/", {"is_active": "false"}).json()["results"]}
        assert names == {volunteering.name}
        active = {c["name"] for c in api_for(world.member).get(f"{API}/categories/", {"is_active": "true"}).json()["results"]}
        assert design.name in active and volunteering.name not in active

    def test_a_retired_category_refuses_new_needs_but_keeps_the_old_editable(self, world, api_for, make_need, design):
        need = make_need()
        api_for(world.alliance_admin).patch(f"{API}/categories/{design.uuid}/", {"is_active": False}, format="json")
        client = api_for(world.outsider)
        body = {"organization": str(world.foreign_org.uuid), "title": "新需求", "category": str(design.uuid)}
        response = client.post(f"{API}/needs/", body, format="json")
        assert response.status_code == 400 and response.json() == {"category": ["该分类已停用，请选择其他分类。"]}
        response = client.patch(f"{API}/needs/{need.uuid}/", {"title": "改个标题"}, format="json")
        assert response.status_code == 200 and response.json()["category_name"] == design.name


class TestSynonyms:
    def test_it_says_a_group_needs_two_words(self, world, api_for):
        response = api_for(world.alliance_admin).post(f"{API}/synonyms/", {"words": "驿站、驿站"}, format="json")
        assert response.status_code == 400 and response.json() == {"words": ["同义词组至少需要两个不同的词。"]}

    def test_it_says_how_long_a_word_may_be(self, world, api_for):
        twenty, twenty_one = "长" * 20, "长" * 21
        response = api_for(world.alliance_admin).post(f"{API}/synonyms/", {"words": f"驿站 {twenty_one}"}, format="json")
        assert response.status_code == 400 and response.json() == {"words": ["每个词最多 20 个字。"]}
        assert api_for(world.alliance_admin).post(f"{API}/synonyms/", {"words": f"驿站 {twenty}"}, format="json").status_code == 201

    def test_it_catches_the_same_group_typed_another_way(self, world, api_for):
        client = api_for(world.alliance_admin)
        assert client.post(f"{API}/synonyms/", {"words": "歇脚点 驿站"}, format="json").status_code == 201
        response = client.post(f"{API}/synonyms/", {"words": " 歇脚点，，驿站 "}, format="json")
        assert response.status_code == 400 and "words" in response.json()
        assert SynonymGroup.objects.count() == 1

    def test_it_retires_and_deletes_groups_for_alliance_admins_only(self, world, api_for):
        group = SynonymGroup.objects.create(words="歇脚点 驿站")
        url = f"{API}/synonyms/{group.uuid}/"
        assert api_for(world.org_admin).patch(url, {"is_active": False}, format="json").status_code == 403
        assert api_for(world.alliance_admin).patch(url, {"is_active": False}, format="json").json()["is_active"] is False
        assert api_for(world.member).get(f"{API}/synonyms/", {"is_active": "true"}).json()["results"] == []
        assert api_for(world.org_admin).delete(url).status_code == 403
        assert api_for(world.alliance_admin).delete(url).status_code == 204
        assert not SynonymGroup.objects.exists()


class TestVerdicts:
    @pytest.fixture
    def verdicts(self, world, make_need, make_resource):
        need = make_need(title="采样亭改造设计", publish=True)
        resource = make_resource(title="学生设计团队", publish=True)
        mine = SuggestionFeedback.mark(world.member, need, resource, "useful", 1.8)
        theirs = SuggestionFeedback.mark(world.outsider, resource, need, "not_useful")
        return need, resource, mine, theirs

    def test_a_user_does_not_find_anothers_verdict(self, world, api_for, verdicts):
        _need, _resource, mine, theirs = verdicts
        assert api_for(world.member).get(f"{API}/feedback/{theirs.uuid}/").status_code == 404
        assert api_for(world.member).get(f"{API}/feedback/{mine.uuid}/").json()["score"] == 1.8
        assert api_for(world.alliance_admin).get(f"{API}/feedback/{theirs.uuid}/").json()["shown_on"] == "resource"

    def test_it_filters_verdicts_by_verdict_and_tab(self, world, api_for, verdicts):
        _need, _resource, mine, theirs = verdicts
        client = api_for(world.alliance_admin)
        assert [f["uuid"] for f in client.get(f"{API}/feedback/", {"verdict": "useful"}).json()["results"]] == [str(mine.uuid)]
        assert [f["uuid"] for f in client.get(f"{API}/feedback/", {"shown_on": "resource"}).json()["results"]] == [str(theirs.uuid)]
        assert client.get(f"{API}/feedback/", {"verdict": "maybe"}).status_code == 400

    def test_verdicts_are_read_only_in_the_api(self, world, api_for, verdicts):
        _need, _resource, mine, _theirs = verdicts
        client = api_for(world.member)
        assert client.delete(f"{API}/feedback/{mine.uuid}/").status_code == 405
        assert client.patch(f"{API}/feedback/{mine.uuid}/", {"verdict": "not_useful"}, format="json").status_code == 405
        assert SuggestionFeedback.objects.get(pk=mine.pk).verdict == "useful"

    def test_marking_again_replaces_the_verdict_and_forgets_an_old_score(self, world, api_for, verdicts):
        need, resource, mine, _theirs = verdicts
        body = {"target": str(resource.uuid), "verdict": "not_useful"}
        response = api_for(world.member).post(f"{API}/needs/{need.uuid}/feedback/", body, format="json")
        assert response.status_code == 200 and response.json()["uuid"] == str(mine.uuid)
        mine.refresh_from_db()
        assert (mine.verdict, mine.score) == ("not_useful", None)
        assert SuggestionFeedback.objects.filter(user=world.member).count() == 1

    def test_it_refuses_a_verdict_it_does_not_know(self, world, api_for, verdicts):
        need, resource, _mine, _theirs = verdicts
        body = {"target": str(resource.uuid), "verdict": "maybe"}
        response = api_for(world.org_admin).post(f"{API}/needs/{need.uuid}/feedback/", body, format="json")
        assert response.status_code == 400 and list(response.json()) == ["verdict"]
        assert not SuggestionFeedback.objects.filter(user=world.org_admin).exists()

    def test_it_does_not_find_a_draft_to_give_a_verdict_on(self, world, api_for, make_need, verdicts):
        _need, resource, _mine, _theirs = verdicts
        draft = make_need(title="未发布的需求")
        body = {"target": str(resource.uuid), "verdict": "useful"}
        assert api_for(world.member).post(f"{API}/needs/{draft.uuid}/feedback/", body, format="json").status_code == 404
        assert not SuggestionFeedback.objects.filter(need=draft).exists()
