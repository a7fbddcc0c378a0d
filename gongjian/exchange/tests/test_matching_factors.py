"""Each factor of the match score, the explanation strings, and the engine's ranking on hand-built documents."""

import numpy as np
import pytest
from django.utils import translation

from gongjian.exchange.matching.engine import Doc, MatchIndex, char_grams, document_grams, document_terms, leading_number, place_names
from gongjian.exchange.matching.factors import (
    COMPLEMENT,
    CONTENT_MIN,
    PROXIMITY,
    SECTOR_CODE,
    Candidates,
    Probe,
    Weights,
    capacity_score,
    combine,
    factors,
    fit_score,
    reasons,
    shared_level,
)

GOV, SCHOOL, ENTERPRISE, SOCIAL = (SECTOR_CODE[s] for s in ("government", "school", "enterprise", "social"))
# Regions (city, district, street, community) as in the demo: 上海市 1 › 松江区 2 › 广富林街道 10 › 三新居民区 101.
COMMUNITY = (1, 2, 10, 101)
SAME_STREET = (1, 2, 10, 102)
SAME_DISTRICT = (1, 2, 11, 111)
SAME_CITY = (1, 3, 30, 301)
ELSEWHERE = (5, 50, 500, 0)


def cands(n, **columns):
    base = {
        "pk": np.arange(1, n + 1),
        "text": np.ones(n, np.float32),
        "category": np.zeros(n, np.int64),
        "regions": np.zeros((n, 4), np.int64),
        "sector": np.zeros(n, np.int64),
        "capacity": np.zeros(n, np.int64),
        "org": np.arange(100, 100 + n),
        "unit": np.arange(100, 100 + n),
    }
    base.update({k: np.asarray(v) for k, v in columns.items()})
    return Candidates(**base)


@pytest.fixture
def english():
    with translation.override("en"):
        yield


# --------------------------------------------------------------------------- factors


def test_it_ranks_region_proximity_community_then_street_district_city():
    regions = np.array([COMMUNITY, SAME_STREET, SAME_DISTRICT, SAME_CITY, ELSEWHERE, (0, 0, 0, 0)])
    assert shared_level(COMMUNITY, regions).tolist() == [4, 3, 2, 1, 0, 0]
    scores = factors(Probe([], regions=COMMUNITY), cands(6, regions=regions), "resources")["region"]
    assert scores[0] > scores[1] > scores[2] > scores[3] > scores[4] == scores[5] == 0


def test_it_matches_a_street_level_asker_with_a_community_in_that_street():
    street_only = (1, 2, 10, 0)
    assert shared_level(street_only, np.array([COMMUNITY, SAME_DISTRICT])).tolist() == [3, 2]


def test_it_gives_no_proximity_without_a_region():
    assert shared_level((0, 0, 0, 0), np.array([COMMUNITY])).tolist() == [0]


def test_it_scores_same_category_only():
    parts = factors(Probe([], category=3), cands(3, category=[3, 4, 0]), "resources")
    assert parts["category"].tolist() == [1.0, 0.0, 0.0]
    # An asker without a category matches nothing, not every uncategorised document.
    assert factors(Probe([], category=0), cands(1, category=[0]), "resources")["category"].tolist() == [0.0]


def test_it_scores_complementary_sectors_above_alike_ones():
    assert COMPLEMENT[SCHOOL, GOV] == COMPLEMENT[GOV, SCHOOL] == 1.0  # 校—政
    assert COMPLEMENT[SCHOOL, ENTERPRISE] == 1.0  # 校—企
    assert COMPLEMENT[GOV, GOV] < 0.5 and COMPLEMENT[ENTERPRISE, ENTERPRISE] < 0.5
    assert np.allclose(COMPLEMENT, COMPLEMENT.T)
    parts = factors(Probe([], sector=GOV), cands(3, sector=[SCHOOL, GOV, 0]), "resources")
    assert parts["sector"][0] > parts["sector"][1] > parts["sector"][2] == 0


def test_it_scores_spare_capacity_more_is_better_but_saturating():
    scores = capacity_score(np.array([0, 1, 2, 10, 100, 1000]))
    assert scores[0] == 0
    assert all(a < b for a, b in zip(scores, scores[1:], strict=False))
    assert scores[-1] < 1.0 and scores[-1] - scores[-2] < 0.02 < scores[2] - scores[1]


def test_it_scores_how_much_of_a_needs_scale_a_resource_covers():
    scale = np.array([25, 10, 0])
    assert fit_score(20, scale).tolist() == pytest.approx([0.8, 1.0, 20 / 22])
    assert fit_score(0, scale).tolist() == [0.0, 0.0, 0.0]
    parts = factors(Probe([], capacity=20), cands(3, capacity=scale), "needs")
    assert parts["capacity"][1] == 1.0


def test_it_recognises_past_cooperation_through_the_unit_too():
    probe = Probe([], partners=frozenset({7}))
    parts = factors(probe, cands(3, org=[7, 8, 9], unit=[7, 7, 9]), "resources")
    assert parts["cooperation"].tolist() == [1.0, 1.0, 0.0]
    assert factors(Probe([]), cands(1), "resources")["cooperation"].tolist() == [0.0]


def test_it_normalises_text_by_the_best_candidate():
    parts = factors(Probe([]), cands(3, text=np.array([2.0, 1.0, 0.0], np.float32)), "resources")
    assert parts["text"].tolist() == [1.0, 0.5, 0.0]
    assert factors(Probe([]), cands(1, text=np.zeros(1, np.float32)), "resources")["text"].tolist() == [0.0]


def test_it_adds_weighted_factors():
    names = ("text", "category", "region", "sector", "capacity", "cooperation", "direction")
    parts = {name: np.array([1.0], np.float32) for name in names}
    parts["direction"] = np.array([-1.0], np.float32)
    weights = Weights(text=1, category=0.5, region=0.25, sector=0, capacity=0.125, cooperation=2, direction=0.5)
    assert combine(parts, weights).tolist() == [3.375]


def test_it_reads_the_number_of_a_scale():
    assert leading_number("25 个采样亭") == 25 and leading_number("若干") == 0 and leading_number(None) == 0


# --------------------------------------------------------------------------- explanations


def part(**values):
    return {"category": 0.0, "level": 0, "sector": 0.0, "capacity": 0.0, "cooperation": 0.0, **values}


def test_it_explains_every_factor(english):
    probe = Probe([], sector=SCHOOL)
    found = reasons(probe, part(category=1.0, level=3, sector=1.0, capacity=0.9, cooperation=1.0), GOV, "20 名")
    assert found == [
        "Same category",
        "Same street or town",
        "Complementary strengths (School–Government)",
        "Spare capacity (20 名)",
        "Worked together before",
    ]


def test_it_names_each_level_of_proximity(english):
    names = [reasons(Probe([]), part(level=level), 0, "")[0] for level in (4, 3, 2, 1)]
    assert names == ["Same community", "Same street or town", "Same district", "Same city"]


def test_it_explains_nothing_that_did_not_count(english):
    assert reasons(Probe([], sector=GOV), part(sector=0.2, capacity=0.0), GOV, "0 名") == []


def test_it_explains_capacity_for_needs_only_when_it_covers_the_scale(english):
    assert reasons(Probe([]), part(capacity=1.0), 0, "25 个采样亭", kind="needs") == ["Your spare capacity covers it (25 个采样亭)"]
    assert reasons(Probe([]), part(capacity=0.8), 0, "25 个采样亭", kind="needs") == []


# --------------------------------------------------------------------------- the engine on hand-built documents


def doc(pk, title, description="", **fields):
    return Doc(pk=pk, terms=document_terms(title, description), **fields)


def gram_doc(pk, title, **fields):
    return Doc(pk=pk, terms=document_terms(title, ""), grams=document_grams(title, ""), **fields)


@pytest.fixture
def index():
    return MatchIndex()


def probe(text="采样亭改造设计", **fields):
    return Probe(terms=document_terms(text, ""), **fields)


def ranked_pks(index, p, kind="resources", **options):
    return [r.pk for r in index.rank(p, kind, **options)]


def test_it_ranks_by_text_when_nothing_else_differs(index):
    index.write([doc(1, "采样亭改造设计"), doc(2, "社区志愿服务"), doc(3, "采样亭")])
    assert ranked_pks(index, probe()) == [1, 3]


@pytest.mark.parametrize(
    ("field", "near", "far", "asker"),
    [
        ("regions", COMMUNITY, SAME_CITY, {"regions": COMMUNITY}),
        ("category", 3, 4, {"category": 3}),
        ("sector", SCHOOL, GOV, {"sector": GOV}),
        ("capacity", 20, 0, {}),
        ("org", 7, 8, {"partners": frozenset({7})}),
    ],
)
def test_it_breaks_a_text_tie_with_each_factor(index, field, near, far, asker):
    # Same text, so only the factor can order them; pk 1 (far) would win a tie on the primary key.
    index.write([doc(1, "采样亭改造设计", **{field: far}), doc(2, "采样亭改造设计", **{field: near})])
    assert ranked_pks(index, probe(**asker)) == [2, 1]


def test_it_lets_a_strong_text_match_beat_a_nearby_weak_one(index):
    index.write([doc(1, "采样亭改造设计方案", regions=SAME_CITY), doc(2, "社区活动设计", regions=COMMUNITY)])
    assert ranked_pks(index, probe("采样亭改造设计方案", regions=COMMUNITY))[0] == 1


def test_it_considers_nearby_items_of_the_same_category_beyond_the_best_text_matches(index):
    far = [doc(pk, "长者食堂助餐送餐上门", category=3, regions=ELSEWHERE) for pk in range(1, 4)]
    index.write([*far, doc(9, "长者食堂", category=9, regions=COMMUNITY)])
    # Only the best text match comes from the text search; the bucket search brings the nearby one of the right kind.
    found = ranked_pks(index, probe("长者食堂助餐送餐上门", category=9, regions=COMMUNITY), text_k=1)
    assert 9 in found


def test_it_considers_partners_items_beyond_the_best_text_matches(index):
    index.write([doc(pk, "长者食堂助餐送餐上门", org=8) for pk in range(1, 4)] + [doc(9, "长者食堂", org=7)])
    assert 9 in ranked_pks(index, probe("长者食堂助餐送餐上门", partners=frozenset({7})), text_k=1)


def test_it_never_lifts_a_candidate_on_category_or_place_alone(index):
    index.write([doc(1, "采样亭改造设计", category=3, regions=ELSEWHERE), doc(2, "长者食堂助餐", category=9, regions=COMMUNITY)])
    rows = index.rank(probe("采样亭改造设计", category=9, regions=COMMUNITY), "resources")
    assert [row.pk for row in rows] == [1]  # the nearby same-category item shares no word and no bigram: not a candidate
    text = "采样亭改造设计方案效果图施工图纸"
    index.write([doc(3, "施工", category=9, regions=COMMUNITY), *(doc(pk, text, regions=ELSEWHERE) for pk in (4, 5))])
    weak = next(row for row in index.rank(probe(text, category=9, regions=COMMUNITY), "resources") if row.pk == 3)
    # It shares some content, but less than CONTENT_MIN of the best: category and place do not count.
    assert 0 < weak.parts["text"] < CONTENT_MIN and weak.parts["category"] == 0 and weak.parts["region"] == 0


def test_it_leaves_out_the_askers_own_items(index):
    index.write([doc(1, "采样亭改造设计", org=5), doc(2, "采样亭设计", org=6)])
    assert ranked_pks(index, probe(org=5)) == [2]


def test_it_returns_nothing_without_any_match(index):
    index.write([doc(1, "采样亭改造设计")])
    assert ranked_pks(index, probe("老年助餐")) == []
    assert ranked_pks(MatchIndex(), probe()) == []


def test_it_limits_and_orders_results(index):
    index.write([doc(pk, "采样亭改造设计", capacity=pk) for pk in range(1, 21)])
    assert ranked_pks(index, probe(), limit=3) == [20, 19, 18]


def test_it_queries_with_the_most_selective_terms(index):
    index.write([doc(pk, "社区服务", "设计") for pk in range(1, 6)] + [doc(9, "采样亭")])
    searcher = index.index.searcher()
    assert index.select_terms(searcher, ["社区", "采样亭", "没有的词", "设计"], max_terms=1) == ["采样亭"]
    assert index.select_terms(searcher, ["社区", "采样亭", "设计"], max_terms=5)[0] == "采样亭"


def test_it_leaves_out_terms_most_documents_contain(index):
    rare = [doc(20, "采样亭改造"), doc(21, "采样亭"), doc(22, "改造设计"), doc(23, "党群服务站设计")]
    index.write([doc(pk, "社区服务") for pk in range(1, 19)] + rare)
    searcher = index.index.searcher()
    # 社区 is in 18 of 22 documents: it would make the query visit most of the index for little gain.
    query = ["社区", "采样亭", "改造", "设计", "党群服务站"]
    assert "社区" in index.select_terms(searcher, query, max_df=1.0)
    assert index.select_terms(searcher, query, max_df=0.2) == ["党群服务站", "采样亭", "改造", "设计"]
    # With fewer than three selective terms left, the query keeps its rarest ones anyway.
    assert index.select_terms(searcher, ["社区", "采样亭"], max_df=0.2) == ["采样亭", "社区"]


def test_it_updates_and_deletes_documents(index):
    index.write([doc(1, "采样亭改造设计"), doc(2, "采样亭")])
    index.write([doc(1, "老年助餐")], delete=[1, 2])
    assert index.num_docs == 1 and index.contains(1) and not index.contains(2)
    assert ranked_pks(index, probe()) == []


def test_it_reports_the_value_of_each_factor(index):
    index.write([doc(1, "采样亭改造设计", category=3, regions=COMMUNITY, sector=SCHOOL, capacity=20, org=7)])
    (row,) = index.rank(probe(category=3, regions=SAME_STREET, sector=GOV, partners=frozenset({7})), "resources")
    assert row.parts["text"] == 1.0 and row.parts["category"] == 1.0 and row.parts["level"] == 3
    assert row.parts["region"] == PROXIMITY[3] and row.parts["sector"] == 1.0 and row.parts["cooperation"] == 1.0
    assert row.parts["capacity"] == pytest.approx(20 / 22)
    assert row.score == pytest.approx(sum(getattr(Weights(), k) * row.parts[k] for k in Weights().as_dict()), rel=1e-5)


def test_it_keeps_every_term_of_the_query_by_default(index):
    index.write([doc(pk, "社区服务", "设计") for pk in range(1, 6)] + [doc(9, "采样亭")])
    searcher = index.index.searcher()
    # 社区 and 设计 are in most documents, yet they may define the need: nothing is dropped, rarest first.
    assert index.select_terms(searcher, ["社区", "采样亭", "没有的词", "设计"]) == ["采样亭", "社区", "设计"]


def test_it_takes_character_bigrams_for_the_second_field():
    assert char_grams("助残服务队，ＡＢ") == ["助残", "残服", "服务", "务队", "ab"]
    assert document_grams("暑托班", "") == ["暑托", "托班"] * 2  # the title counts twice, as for words


def test_it_matches_a_word_inside_a_longer_compound_through_bigrams(index):
    # jieba keeps 暑托班 whole, so the word field alone cannot see 托班 in it.
    index.write([gram_doc(1, "暑托班志愿者"), gram_doc(2, "采样亭改造")])
    asked = Probe(terms=document_terms("托班", ""), grams=document_grams("托班", ""))
    assert ranked_pks(index, asked, fusion="words") == []
    assert ranked_pks(index, asked) == [1]
    assert ranked_pks(index, asked, fusion="rrf") == [1]


def test_it_asks_for_synonyms_at_a_lower_weight_than_the_word_itself(index):
    index.write([doc(1, "残疾人就业"), doc(2, "残障人士就业")])
    asked = probe("残障人士就业", synonyms={"残疾人": 0.5})
    assert ranked_pks(index, asked) == [2, 1]
    assert ranked_pks(index, probe("残障人士就业")) == [2, 1]  # without the synonym 1 still shares 就业
    plain, expanded = (index.rank(p, "resources")[1].text_score for p in (probe("残障人士就业"), asked))
    assert expanded > plain


def test_it_leaves_the_items_own_place_names_out_of_its_text():
    places = place_names(["上海市", "普陀区", "宜川路街道", "宜川一村居民区"])
    assert places[0] == "宜川一村居民区" and {"宜川路", "宜川一村", "上海"} <= set(places)
    # Two needs of one street shared 宜川 and 街道-like words only because of where they are.
    assert document_terms("宜川路街道残障人士就业", "", places) == document_terms("残障人士就业", "")
    assert "宜川" not in document_grams("宜川路街道助餐", "", places)
