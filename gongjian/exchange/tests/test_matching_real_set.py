"""The real evaluation set (tests/data/matching_real.json): its size, provenance, grades and cases."""

import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[3] / "tests" / "data"


@pytest.fixture(scope="module")
def real():
    return json.loads((DATA / "matching_real.json").read_text(encoding="utf-8"))


def test_it_has_at_least_sixty_needs_and_two_hundred_resources(real):
    assert len(real["needs"]) >= 60
    assert len(real["resources"]) >= 200


def test_it_cites_a_source_or_says_written_for_every_item(real):
    sources = set(real["sources"].values())
    for item in real["needs"] + real["resources"]:
        assert item["source"] in sources or item.get("written") is True, item["key"]
    cited = {item["source"] for item in real["needs"] + real["resources"] if item["source"]}
    # Most items come from published lists; what we wrote ourselves is the smaller part.
    assert len(cited) >= 20
    assert sum(1 for item in real["needs"] + real["resources"] if item.get("written")) < len(real["needs"] + real["resources"]) / 2


def test_it_grades_every_need_from_one_to_three(real):
    assert set(real["judgements"]) == {str(n["id"]) for n in real["needs"]}
    assert all(real["judgements"][str(n["id"])] for n in real["needs"])
    assert {g for judged in real["judgements"].values() for g in judged.values()} == {1, 2, 3}
    assert not set(real["split"]["dev"]) & set(real["split"]["test"])
    assert sorted(real["split"]["dev"] + real["split"]["test"]) == [n["id"] for n in real["needs"]]


def test_it_holds_synonym_location_and_direction_cases(real):
    needs = " ".join(n["title"] + n["description"] for n in real["needs"])
    offers = " ".join(r["title"] + r["description"] for r in real["resources"])
    # Synonyms: the need says one word, the offers the other.
    assert "残障人士" in needs and "残障人士" not in offers and "残疾人" in offers
    assert "未成年人" in needs and "青少年" in offers
    # Polysemy: 充电 for a phone, a car, a battery swap and party study; 体检 for people, houses and trees.
    assert sum(offers.count(word) for word in ("手机充电", "充电桩", "换电", "学习“充电”")) >= 4
    assert sum(offers.count(word) for word in ("员工年度体检", "安全体检", "健康体检")) >= 3
    # Location: one offer serves a whole district, another only a community.
    assert {r["area"] for r in real["resources"]} == {"community", "street", "district", "city"}
    # Direction: some "resources" are seekers, and none of them is relevant to a need seeking the same thing.
    seekers = {r["id"]: r["seeks"] for r in real["resources"] if r["seeks"]}
    assert len(seekers) >= 10
    for need in real["needs"]:
        for rid in real["judgements"][str(need["id"])]:
            resource_seeks = seekers.get(int(rid))
            assert not resource_seeks or resource_seeks != need["seeks"], (need["key"], rid)
