"""Matching quality on the evaluation set tests/data/matching_eval.json: NDCG@10 and recall@10.

    .venv/bin/python -m gongjian.exchange.matching.evaluation          # report
    .venv/bin/python -m gongjian.exchange.matching.evaluation --tune   # search weights on the tune half

The set (made by tests/data/make_matching_eval.py) has needs, resources and graded judgements
(0–3) per need. We index its resources with the production engine, ask for each need's top 10
and compare:
  - "bm25": BM25 alone, over all the need's terms, as a plain search engine would rank;
  - "full": the production score (selected terms, candidates, all factors, DEFAULT_WEIGHTS).
NDCG@10 uses gains 2^grade - 1. Recall@10 is the share of a need's resources judged 2 or 3 found
in its top 10, out of at most 10. Weights are tuned on the "tune" half; "test" is held out.
"""

import argparse
import itertools
import json
import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .engine import Doc, MatchIndex, document_terms, leading_number
from .factors import DEFAULT_WEIGHTS, SECTOR_CODE, Probe, Weights

EVAL_SET = Path(__file__).resolve().parents[3] / "tests" / "data" / "matching_eval.json"
K = 10
BM25_ONLY = Weights(text=1.0, category=0.0, region=0.0, sector=0.0, capacity=0.0, cooperation=0.0)


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


def load(path: Path = EVAL_SET) -> EvalSet:
    data = json.loads(path.read_text(encoding="utf-8"))
    categories = {name: code for code, name in enumerate(data["categories"], start=1)}
    regions = {r["id"]: r for r in data["regions"]}
    orgs = {o["id"]: o for o in data["orgs"]}

    def region_slots(region_id):
        slots = [0, 0, 0, 0]
        for part in regions[region_id]["path"].strip("/").split("/"):
            slots[regions[int(part)]["level"] - 1] = int(part)
        return tuple(slots)

    def unit(org_id):
        while orgs[org_id].get("parent"):
            org_id = orgs[org_id]["parent"]
        return org_id

    partners: dict[int, set[int]] = {}
    for pair in data["cooperation"]:
        partners.setdefault(pair["a"], set()).add(pair["b"])
        partners.setdefault(pair["b"], set()).add(pair["a"])

    index = MatchIndex()
    index.write(
        Doc(
            pk=r["id"],
            terms=document_terms(r["title"], r["description"]),
            category=categories[r["category"]],
            regions=region_slots(r["region"]),
            sector=SECTOR_CODE[orgs[r["org"]]["sector"]],
            capacity=r["capacity"],
            org=r["org"],
            unit=unit(r["org"]),
        )
        for r in data["resources"]
    )
    probes = {}
    for n in data["needs"]:
        asker = {n["org"], unit(n["org"])}
        probes[n["id"]] = Probe(
            terms=document_terms(n["title"], n["description"]),
            category=categories[n["category"]],
            regions=region_slots(n["region"]),
            sector=SECTOR_CODE[orgs[n["org"]]["sector"]],
            capacity=leading_number(n["scale"]),
            org=n["org"],
            partners=frozenset(set().union(*(partners.get(o, set()) for o in asker))),
        )
    judgements = {int(nid): {int(rid): g for rid, g in grades.items()} for nid, grades in data["judgements"].items()}
    return EvalSet(index, probes, judgements, data["split"])


def run(es: EvalSet, weights: Weights = DEFAULT_WEIGHTS, need_ids=None, **options) -> dict[str, float]:
    need_ids = need_ids if need_ids is not None else list(es.probes)
    ndcgs, recalls = [], []
    for nid in need_ids:
        ranked = [r.pk for r in es.index.rank(es.probes[nid], "resources", K, weights, **options)]
        ndcgs.append(ndcg_at(ranked, es.judgements[nid]))
        recalls.append(recall_at(ranked, es.judgements[nid]))
    return {"ndcg10": float(np.mean(ndcgs)), "recall10": float(np.nanmean(recalls)), "needs": len(need_ids)}


def bm25_alone(es: EvalSet, need_ids=None) -> dict[str, float]:
    """Plain BM25 over every term of the need: no term selection, no structural candidates, no factors."""
    bare = {nid: replace(p, category=0, regions=(0, 0, 0, 0), partners=frozenset()) for nid, p in es.probes.items()}
    return run(EvalSet(es.index, bare, es.judgements, es.split), BM25_ONLY, need_ids, max_terms=10_000, max_df=1.0, text_k=1000)


def report(es: EvalSet | None = None, weights: Weights = DEFAULT_WEIGHTS) -> dict[str, dict[str, float]]:
    es = es or load()
    rows = {}
    for half in ("tune", "test", "all"):
        ids = es.split[half] if half != "all" else None
        rows[f"bm25/{half}"] = bm25_alone(es, ids)
        rows[f"full/{half}"] = run(es, weights, ids)
    return rows


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
    parser.add_argument("--tune", action="store_true", help="search weights on the tune half first")
    args = parser.parse_args(argv)
    es = load()
    weights = tune(es) if args.tune else DEFAULT_WEIGHTS
    print("weights", weights.as_dict())
    for name, row in report(es, weights).items():
        print(f"{name:12s} NDCG@10={row['ndcg10']:.4f} recall@10={row['recall10']:.4f} ({row['needs']} needs)")


if __name__ == "__main__":
    main()
