"""Matching quality on tests/data/matching_eval.json: the full score must beat BM25 alone."""

import json
import math

import numpy as np
import pytest

from gongjian.exchange.matching import evaluation
from gongjian.exchange.matching.factors import DEFAULT_WEIGHTS

CATEGORIES = {"人才就业", "技术攻关", "设计规划", "文化宣传", "志愿服务", "教育培训", "场地设施", "政策咨询", "为老服务", "社区治理"}


@pytest.fixture(scope="module")
def eval_set():
    return evaluation.load()


@pytest.fixture(scope="module")
def raw():
    return json.loads(evaluation.EVAL_SET.read_text(encoding="utf-8"))


def test_it_has_enough_needs_and_resources_in_every_category(raw):
    assert len(raw["needs"]) >= 150 and len(raw["resources"]) >= 300
    assert {n["category"] for n in raw["needs"]} == CATEGORIES
    assert {r["category"] for r in raw["resources"]} == CATEGORIES


def test_it_judges_every_need_with_grades_from_one_to_three(raw):
    assert set(raw["judgements"]) == {str(n["id"]) for n in raw["needs"]}
    grades = [g for judged in raw["judgements"].values() for g in judged.values()]
    assert set(grades) == {1, 2, 3}
    assert all(judged for judged in raw["judgements"].values())
    # Every half has its own needs: weights tuned on one are reported on the other.
    assert not set(raw["split"]["tune"]) & set(raw["split"]["test"])


def test_it_computes_ndcg_and_recall():
    grades = {1: 3, 2: 2, 3: 1}
    assert evaluation.ndcg_at([1, 2, 3], grades) == pytest.approx(1.0)
    assert 0 < evaluation.ndcg_at([3, 2, 1], grades) < 1
    assert evaluation.ndcg_at([9, 8], grades) == 0.0
    assert evaluation.recall_at([1, 9], grades) == 0.5  # two resources judged 2+, one found
    assert math.isnan(evaluation.recall_at([1], {1: 1}))


@pytest.mark.parametrize("half", ["tune", "test"])
def test_it_ranks_better_than_bm25_alone(eval_set, half):
    ids = eval_set.split[half]
    full = evaluation.run(eval_set, DEFAULT_WEIGHTS, ids)
    bm25 = evaluation.bm25_alone(eval_set, ids)
    assert full["ndcg10"] > bm25["ndcg10"] + 0.03, (full, bm25)
    assert full["recall10"] > bm25["recall10"], (full, bm25)


def test_it_takes_character_bigrams_within_runs_of_text():
    assert evaluation.bigrams("残障人士，就业") == {"残障", "障人", "人士", "就业"}
    assert evaluation.bigrams("ＡＢ") == {"ab"}  # full-width folded like the index


def test_it_gives_a_bootstrap_interval_around_the_mean():
    values = np.array([0.0, 1.0] * 50)
    low, high = evaluation.bootstrap_interval(values)
    assert low < 0.5 < high and high - low < 0.25
    assert evaluation.bootstrap_interval(np.full(30, 0.2)) == pytest.approx((0.2, 0.2))


@pytest.fixture(scope="module")
def real_set():
    return evaluation.load(evaluation.REAL_SET)


def test_it_compares_the_engine_with_both_baselines_on_the_real_set(real_set):
    rows = evaluation.compare(real_set)
    assert set(rows) == {"full", "bm25", "bigram"}
    for name in ("bm25", "bigram"):
        low, high = rows[name]["ndcg10_diff_ci"]
        assert low <= rows["full"]["ndcg10"] - rows[name]["ndcg10"] <= high
    # The engine must beat the better baseline with the whole interval above zero.
    better = max(("bm25", "bigram"), key=lambda name: rows[name]["ndcg10"])
    assert rows[better]["ndcg10_diff_ci"][0] > 0, rows


def test_it_reports_an_ablation_of_every_weighted_factor(real_set):
    rows = evaluation.ablation(real_set)
    weighted = {f"-{name}" for name, value in DEFAULT_WEIGHTS.as_dict().items() if value and name != "text"}
    assert weighted <= set(rows)
