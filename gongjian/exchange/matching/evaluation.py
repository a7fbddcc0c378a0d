"""Matching quality on the evaluation sets: NDCG@10 and recall@10, against two baselines, with intervals.

    .venv/bin/python -m gongjian.exchange.matching.evaluation          # report both sets
    .venv/bin/python -m gongjian.exchange.matching.evaluation --tune   # search weights on the generated set's tune half

Two sets, each with needs, resources and graded judgements (0–3) per need:
  - tests/data/matching_real.json (REAL_SET): paraphrased from published 三张清单 and graded by
    hand (tests/data/make_matching_real.py); halves "dev" and "test";
  - tests/data/matching_eval.json (EVAL_SET): generated from templates (make_matching_eval.py),
    kept as a regression test; halves "tune" and "test".
We index a set's resources with the production engine, ask for each need's top 10 and compare:
  - "full": the production score (candidates, all factors, DEFAULT_WEIGHTS);
  - "bm25": BM25 alone, over all the need's terms, as a plain search engine would rank;
  - "bigram": Jaccard overlap of the character bigrams of the need's and the resource's text.
NDCG@10 uses gains 2^grade - 1. Recall@10 is the share of a need's resources judged 2 or 3 found
in its top 10, out of at most 10. Intervals are paired bootstrap 95% intervals over needs.
"""

import argparse
import itertools
import json
import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from gongjian.lib.text import normalize

from . import synonyms
from .engine import Doc, MatchIndex, document_grams, document_terms, leading_number, place_names
from .factors import AREA_LEVEL, DEFAULT_WEIGHTS, KIND_CODE, SECTOR_CODE, Probe, Weights

DATA = Path(__file__).resolve().parents[3] / "tests" / "data"
EVAL_SET = DATA / "matching_eval.json"
REAL_SET = DATA / "matching_real.json"
BOOTSTRAP_ROUNDS = 10_000
K = 10
BM25_ONLY = Weights(text=1.0, category=0.0, region=0.0, sector=0.0, capacity=0.0, cooperation=0.0, direction=0.0)


def ndcg_at(ranked: list[int], grades: dict[int, int], k: int = K) -> float:
    dcg = sum((2 ** grades.get(pk, 0) - 1) / math.log2(i + 2) for i, pk in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at(ranked: list[int], grades: dict[int, int], k: int = K, threshold: int = 2) -> float:
    relevant = {pk for pk, g in grades.items() if g >= threshold}
    if not relevant:
        return float("nan")
    return len(relevant.intersection(ranked[:k])) / min(k, len(relevant))


@dataclass
class EvalSet:
    index: MatchIndex
    probes: dict[int, Probe]
    judgements: dict[int, dict[int, int]]
    split: dict[str, list[int]]
    # Raw (title, description) of each resource and need, and each resource's organization, for the baselines.
    resource_raw: dict[int, tuple[str, str]] = field(default_factory=dict)
    need_raw: dict[int, tuple[str, str]] = field(default_factory=dict)
    resource_orgs: dict[int, int] = field(default_factory=dict)
    source: Path | None = None


def load(path: Path = EVAL_SET, areas: bool = True) -> EvalSet:
    """Index a set's resources and make each need's probe; areas=False leaves out the resources' service areas."""
    data = json.loads(path.read_text(encoding="utf-8"))
    categories = {name: code for code, name in enumerate(data["categories"], start=1)}
    regions = {r["id"]: r for r in data["regions"]}
    orgs = {o["id"]: o for o in data["orgs"]}

    def region_slots(region_id):
        slots = [0, 0, 0, 0]
        for part in regions[region_id]["path"].strip("/").split("/"):
            slots[regions[int(part)]["level"] - 1] = int(part)
        return tuple(slots)

    def places(region_id):
        return place_names(regions[int(part)]["name"] for part in regions[region_id]["path"].strip("/").split("/"))

    def unit(org_id):
        while orgs[org_id].get("parent"):
            org_id = orgs[org_id]["parent"]
        return org_id

    related = {
        categories[name]: frozenset(categories[other] for other in others if other in categories)
        for name, others in data.get("related_categories", {}).items()
    }
    kind = KIND_CODE.get
    groups = synonyms.thesaurus()
    partners: dict[int, set[int]] = {}
    for pair in data["cooperation"]:
        partners.setdefault(pair["a"], set()).add(pair["b"])
        partners.setdefault(pair["b"], set()).add(pair["a"])

    index = MatchIndex()
    index.write(
        Doc(
            pk=r["id"],
            terms=document_terms(r["title"], r["description"], places(r["region"])),
            category=categories[r["category"]],
            regions=region_slots(r["region"]),
            sector=SECTOR_CODE[orgs[r["org"]]["sector"]],
            capacity=r["capacity"],
            org=r["org"],
            unit=unit(r["org"]),
            grams=document_grams(r["title"], r["description"], places(r["region"])),
            area_level=AREA_LEVEL.get(r.get("area", ""), 0) if areas else 0,
            seeks=kind(r.get("seeks", ""), 0),
            offers=kind(r.get("offers", ""), 0),
        )
        for r in data["resources"]
    )
    probes = {}
    for n in data["needs"]:
        asker = {n["org"], unit(n["org"])}
        terms = document_terms(n["title"], n["description"], places(n["region"]))
        probes[n["id"]] = Probe(
            terms=terms,
            category=categories[n["category"]],
            regions=region_slots(n["region"]),
            sector=SECTOR_CODE[orgs[n["org"]]["sector"]],
            capacity=leading_number(n["scale"]),
            org=n["org"],
            partners=frozenset(set().union(*(partners.get(o, set()) for o in asker))),
            grams=document_grams(n["title"], n["description"], places(n["region"])),
            synonyms=synonyms.expand(n["title"] + "。" + n["description"], terms, groups),
            related=related.get(categories[n["category"]], frozenset()),
            seeks=kind(n.get("seeks", ""), 0),
            offers=kind(n.get("offers", ""), 0),
        )
    judgements = {int(nid): {int(rid): g for rid, g in grades.items()} for nid, grades in data["judgements"].items()}
    resource_raw = {r["id"]: (r["title"], r["description"]) for r in data["resources"]}
    need_raw = {n["id"]: (n["title"], n["description"]) for n in data["needs"]}
    resource_orgs = {r["id"]: r["org"] for r in data["resources"]}
    return EvalSet(index, probes, judgements, data["split"], resource_raw, need_raw, resource_orgs, path)


def scores(es: EvalSet, ranked_for, need_ids=None) -> tuple[np.ndarray, np.ndarray]:
    """NDCG@10 and recall@10 of each need (in need_ids order); ranked_for(nid) gives the top resource ids."""
    need_ids = need_ids if need_ids is not None else list(es.probes)
    ndcgs, recalls = [], []
    for nid in need_ids:
        ranked = ranked_for(nid)
        ndcgs.append(ndcg_at(ranked, es.judgements[nid]))
        recalls.append(recall_at(ranked, es.judgements[nid]))
    return np.array(ndcgs), np.array(recalls)


def summary(ndcgs: np.ndarray, recalls: np.ndarray) -> dict[str, float]:
    return {"ndcg10": float(np.mean(ndcgs)), "recall10": float(np.nanmean(recalls)), "needs": len(ndcgs)}


def engine_ranker(es: EvalSet, weights: Weights = DEFAULT_WEIGHTS, **options):
    return lambda nid: [r.pk for r in es.index.rank(es.probes[nid], "resources", K, weights, **options)]


def bm25_ranker(es: EvalSet):
    """Plain BM25 over every term of the need, in an index of its own: the segmenter's words and nothing else.

    No place names left out, no synonyms, no bigrams, no structural candidates, no factors; only the
    asker's own items are left out, as the engine never suggests them either.
    """
    plain = MatchIndex()
    plain.write(Doc(pk=rid, terms=document_terms(*raw), org=es.resource_orgs.get(rid, 0)) for rid, raw in es.resource_raw.items())
    bare = {nid: Probe(terms=document_terms(*es.need_raw[nid]), org=p.org) for nid, p in es.probes.items()}
    options = {"max_terms": 10_000, "max_df": 1.0, "text_k": 1000, "fusion": "words"}
    return lambda nid: [r.pk for r in plain.rank(bare[nid], "resources", K, BM25_ONLY, **options)]


_NOT_TEXT = re.compile(r"[\W_]+")


def bigrams(text: str) -> set[str]:
    """Character bigrams of each run of letters, digits and Han characters (punctuation breaks a run)."""
    found = set()
    for run in _NOT_TEXT.split(normalize(text)):
        found.update(run[i : i + 2] for i in range(len(run) - 1))
    return found


def bigram_ranker(es: EvalSet):
    """Jaccard overlap of character bigrams, the naive baseline that needs no segmenter at all."""
    ids = np.array(list(es.resource_raw))
    grams = [bigrams("。".join(es.resource_raw[rid])) for rid in ids]

    def ranked(nid):
        asked = bigrams("。".join(es.need_raw[nid]))
        jaccard = np.array([len(asked & g) / (len(asked | g) or 1) for g in grams])
        order = np.lexsort((ids, -jaccard))[:K]
        return [int(ids[i]) for i in order if jaccard[i] > 0]

    return ranked


def run(es: EvalSet, weights: Weights = DEFAULT_WEIGHTS, need_ids=None, **options) -> dict[str, float]:
    return summary(*scores(es, engine_ranker(es, weights, **options), need_ids))


def bm25_alone(es: EvalSet, need_ids=None) -> dict[str, float]:
    return summary(*scores(es, bm25_ranker(es), need_ids))


def bootstrap_interval(values: np.ndarray, rounds: int = BOOTSTRAP_ROUNDS, seed: int = 0) -> tuple[float, float]:
    """95% percentile interval of the mean of values, resampling needs with replacement.

    For a paired comparison pass the per-need differences (full − baseline): each resample keeps
    both systems' scores of the same needs together.
    """
    values = values[~np.isnan(values)]
    rng = np.random.default_rng(seed)
    means = values[rng.integers(len(values), size=(rounds, len(values)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def compare(es: EvalSet, need_ids=None, weights: Weights = DEFAULT_WEIGHTS) -> dict[str, dict]:
    """Full engine and both baselines on the same needs, with 95% intervals and the paired difference to each baseline."""
    systems = {"full": engine_ranker(es, weights), "bm25": bm25_ranker(es), "bigram": bigram_ranker(es)}
    per_need = {name: scores(es, ranker, need_ids) for name, ranker in systems.items()}
    rows = {}
    for name, (ndcgs, recalls) in per_need.items():
        row = summary(ndcgs, recalls)
        row["ndcg10_ci"] = bootstrap_interval(ndcgs)
        row["recall10_ci"] = bootstrap_interval(recalls)
        if name != "full":
            row["ndcg10_diff_ci"] = bootstrap_interval(per_need["full"][0] - ndcgs)
            row["recall10_diff_ci"] = bootstrap_interval(per_need["full"][1] - recalls)
        rows[name] = row
    return rows


def ablation(es: EvalSet, need_ids=None, weights: Weights = DEFAULT_WEIGHTS) -> dict[str, dict[str, float]]:
    """The full score with one part taken out at a time: each factor's weight, and each retrieval option."""
    rows = {"full": run(es, weights, need_ids)}
    for name, value in weights.as_dict().items():
        if value and name != "text":
            rows[f"-{name}"] = run(es, replace(weights, **{name: 0.0}), need_ids)
    for label, options in ABLATED_OPTIONS.items():
        rows[label] = run(es, weights, need_ids, **options)
    for label, fields in ABLATED_PROBE_FIELDS.items():
        rows[label] = run(without(es, **fields), weights, need_ids)
    if es.source is not None:
        rows["-service areas"] = run(load(es.source, areas=False), weights, need_ids)
    return rows


# Retrieval options of MatchIndex.rank, each switched to its plain setting.
ABLATED_OPTIONS = {
    "-every term (rarest 12 only)": {"max_terms": 12, "max_df": 0.1},
    "-bigram field": {"fusion": "words"},
    "bigrams fused by RRF": {"fusion": "rrf"},
}


def without(es: EvalSet, **fields) -> EvalSet:
    """The same set with these probe fields set to their plain value for every need."""
    return replace(es, probes={nid: replace(p, **fields) for nid, p in es.probes.items()})


# Parts the asker brings, each taken away from every probe.
ABLATED_PROBE_FIELDS = {"-synonyms": {"synonyms": {}}, "-related categories": {"related": frozenset()}}


def report(es: EvalSet | None = None, weights: Weights = DEFAULT_WEIGHTS) -> dict[str, dict[str, float]]:
    """Full engine and BM25 on each half of the set and on all of it."""
    es = es or load()
    rows = {}
    for half in (*es.split, "all"):
        ids = es.split[half] if half != "all" else None
        rows[f"bm25/{half}"] = bm25_alone(es, ids)
        rows[f"full/{half}"] = run(es, weights, ids)
    return rows


def describe(es: EvalSet, name: str, weights: Weights = DEFAULT_WEIGHTS, out=print) -> dict[str, dict]:
    """Print the comparison with intervals on each half and on all needs, then the ablation; returns the comparison of all needs."""
    result = {}
    for half in (*es.split, "all"):
        ids = es.split[half] if half != "all" else None
        rows = compare(es, ids, weights)
        result[half] = rows
        out(f"# {name}, {half} ({rows['full']['needs']} needs): mean [95% bootstrap interval]")
        for system, row in rows.items():
            line = (
                f"{system:7s} NDCG@10 {row['ndcg10']:.4f} [{row['ndcg10_ci'][0]:.3f}, {row['ndcg10_ci'][1]:.3f}]"
                f"  recall@10 {row['recall10']:.4f} [{row['recall10_ci'][0]:.3f}, {row['recall10_ci'][1]:.3f}]"
            )
            if "ndcg10_diff_ci" in row:
                low, high = row["ndcg10_diff_ci"]
                line += f"  full−{system}: NDCG@10 {rows['full']['ndcg10'] - row['ndcg10']:+.4f} [{low:+.3f}, {high:+.3f}]"
            out(line)
    out(f"# {name}, ablation (all needs): each part taken out alone")
    for label, row in ablation(es, None, weights).items():
        out(f"{label:32s} NDCG@10 {row['ndcg10']:.4f}  recall@10 {row['recall10']:.4f}")
    return result["all"]


GRID = {
    "category": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8],
    "region": [0.0, 0.2, 0.4, 0.6, 0.8, 1.0],
    "sector": [0.0, 0.05, 0.1, 0.2],
    "capacity": [0.0, 0.25, 0.5, 0.75],
    "cooperation": [0.0, 0.05, 0.1, 0.2],
}


def tune(es: EvalSet | None = None, rounds: int = 3) -> Weights:
    """Coordinate ascent over GRID on the tune half (text weight fixed at 1)."""
    es = es or load()
    best = DEFAULT_WEIGHTS
    best_score = run(es, best, es.split["tune"])["ndcg10"]
    for _round, name in itertools.product(range(rounds), GRID):
        for value in GRID[name]:
            trial = replace(best, **{name: value})
            score = run(es, trial, es.split["tune"])["ndcg10"]
            if score > best_score + 1e-6:
                best, best_score = trial, score
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", action="store_true", help="search weights on the generated set's tune half first")
    args = parser.parse_args(argv)
    generated = load(EVAL_SET)
    weights = tune(generated) if args.tune else DEFAULT_WEIGHTS
    print("weights", weights.as_dict())
    describe(load(REAL_SET), "real set", weights)
    describe(generated, "generated set", weights)


if __name__ == "__main__":
    main()
