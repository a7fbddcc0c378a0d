"""Match scores are shown as plain levels (高度匹配 / 较为匹配 / 可供参考), and the bounds mean what they say."""

import pytest

from gongjian.exchange.matching import evaluation
from gongjian.exchange.matching.ranking import LEVELS, Suggestion, level_of


@pytest.mark.parametrize(("score", "level"), [(2.71, "high"), (2.0, "high"), (1.99, "good"), (1.5, "good"), (1.49, "fair"), (0.1, "fair")])
def test_it_puts_each_score_in_one_level(score, level):
    assert level_of(score)[0] == level
    assert Suggestion(score=score, target=None, reasons=[], matched_terms=[]).level == level


def test_it_names_the_levels_in_chinese(settings):
    from django.utils import translation

    with translation.override("zh-hans"):
        assert [str(label) for _bound, _key, label in LEVELS] == ["高度匹配", "较为匹配", "可供参考"]


@pytest.fixture(scope="module")
def graded():
    """(score, grade) of each need's top ten on the graded real set."""
    real = evaluation.load(evaluation.REAL_SET)
    return [
        (row.score, real.judgements[nid].get(row.pk, 0))
        for nid, probe in real.probes.items()
        for row in real.index.rank(probe, "resources", 10)
    ]


def test_it_calls_strong_only_what_was_mostly_graded_useful(graded):
    strong = [grade for score, grade in graded if level_of(score)[0] == "high"]
    assert len(strong) >= 50
    assert sum(grade >= 2 for grade in strong) / len(strong) >= 0.7
    assert sum(grade == 0 for grade in strong) / len(strong) <= 0.1


def test_it_orders_the_levels_by_how_useful_their_suggestions_were(graded):
    def useful_share(key):
        grades = [grade for score, grade in graded if level_of(score)[0] == key]
        return sum(grade >= 2 for grade in grades) / len(grades)

    assert useful_share("high") > useful_share("good") > useful_share("fair")


def test_it_shows_the_level_on_the_match_tab_and_in_the_api(world, client_for, make_need, make_resource):
    from gongjian.exchange.matching import store

    store.forget()
    need = make_need(title="采样亭个性化改造设计", description="街道 25 个采样亭闲置，需要分别出设计方案。", publish=True)
    make_resource(title="学生设计团队承接采样亭改造设计", description="一亭一方案。", publish=True)
    body = client_for(world.outsider).get(need.get_absolute_url() + "?tab=matches").content.decode()
    (suggestion,) = client_for(world.outsider).get(f"/api/v1/exchange/needs/{need.uuid}/suggestions/").json()
    assert suggestion["level"] == level_of(suggestion["score"])[0]
    assert suggestion["level_display"] in ("高度匹配", "较为匹配", "可供参考")
    # The badge says the level; the raw score is left to its tooltip.
    assert f'{suggestion["score"]:.2f}">{suggestion["level_display"]}</span>' in body
    store.forget()
