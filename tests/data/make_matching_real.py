"""Write tests/data/matching_real.json, the evaluation set built from real published lists.

    .venv/bin/python tests/data/make_matching_real.py

The items and the grades are hand-written in matching_real_items.py (see its docstring for the
sources, the provenance of each item and how the grades were given). This script only checks
them and lays them out like matching_eval.json, plus what the generated set lacks: each
resource's service area, what each item seeks and offers, related categories, provenance.

The needs are split in two halves by a hash of their key, fixed before any engine ran: "dev" for
choosing weights and options, "test" for reporting. Nothing here reads the engine.
"""

import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from matching_real_items import CATEGORIES, EXTRA_GRADES, NEEDS, ORGS, REGIONS, RESOURCES, SOURCES

OUT = Path(__file__).with_name("matching_real.json")
AREAS = ("community", "street", "district", "city")
KINDS = ("people", "space", "expertise", "funds", "services")


def region_paths():
    parents = {rid: parent for rid, _name, _level, parent in REGIONS}

    def path(rid):
        chain = []
        while rid is not None:
            chain.append(rid)
            rid = parents[rid]
        return "/" + "/".join(str(r) for r in reversed(chain)) + "/"

    return {rid: path(rid) for rid in parents}


def check():
    regions = {r[0] for r in REGIONS}
    resource_keys = [r[0] for r in RESOURCES]
    assert len(set(resource_keys)) == len(resource_keys), "duplicate resource key"
    assert len({n[0] for n in NEEDS}) == len(NEEDS), "duplicate need key"
    for key, org, _t, _d, category, region, area, offers, seeks, _cap, _unit, source in RESOURCES:
        assert org in ORGS and category in CATEGORIES and region in regions, key
        assert area in AREAS and offers in KINDS and seeks in ("", *KINDS), key
        assert source == "W" or source in SOURCES, key
    for key, org, _t, _d, category, region, seeks, _scale, source, grades in NEEDS:
        assert org in ORGS and category in CATEGORIES and region in regions and seeks in KINDS, key
        assert source == "W" or source in SOURCES, key
        owners = {r[0]: r[1] for r in RESOURCES}
        for rkey, grade in {**grades, **EXTRA_GRADES.get(key, {})}.items():
            assert rkey in resource_keys and grade in (0, 1, 2, 3), (key, rkey)
            # The engine never suggests an organization's own offers; a grade there could not be earned.
            assert not grade or owners[rkey] != org, (key, rkey)
        assert any(g > 0 for g in grades.values()), key
    assert set(EXTRA_GRADES) <= {n[0] for n in NEEDS}
    for name, related in CATEGORIES.items():
        assert all(other in CATEGORIES and other != name for other in related), name


def build() -> dict:
    check()
    paths = region_paths()
    org_ids = {key: i for i, key in enumerate(ORGS, start=1)}
    res_ids = {r[0]: i for i, r in enumerate(RESOURCES, start=1)}

    def provenance(source):
        return {"source": SOURCES[source]} if source != "W" else {"source": None, "written": True}

    resource_fields = ("key", "org", "title", "description", "category", "region", "area", "offers", "seeks", "capacity", "capacity_unit")
    resources = []
    for rid, row in enumerate(RESOURCES, start=1):
        item = {"id": rid, **dict(zip(resource_fields, row[:-1], strict=True)), **provenance(row[-1])}
        item["org"] = org_ids[item["org"]]
        resources.append(item)
    needs, judgements, zeros, split = [], {}, {}, {"dev": [], "test": []}
    for nid, (key, org, title, description, category, region, seeks, scale, source, grades) in enumerate(NEEDS, start=1):
        needs.append(
            {"id": nid, "key": key, "org": org_ids[org], "title": title, "description": description, "category": category}
            | {"region": region, "seeks": seeks, "scale": scale, **provenance(source)}
        )
        merged = {**grades, **EXTRA_GRADES.get(key, {})}
        judgements[str(nid)] = {str(res_ids[r]): g for r, g in merged.items() if g > 0}
        zeros[str(nid)] = sorted(res_ids[r] for r, g in merged.items() if g == 0)
        half = "dev" if int(hashlib.sha1(key.encode()).hexdigest(), 16) % 2 == 0 else "test"
        split[half].append(nid)
    written = sum(1 for item in resources + needs if item.get("written"))
    return {
        "about": (
            "Needs and resources paraphrased from published 三张清单 and 党建联建 lists of Shanghai streets and "
            f"districts (sources below; {written} of {len(resources) + len(needs)} items written by us in the same "
            "style, marked written=true). Graded 0-3 by hand; see tests/data/matching_real_items.py."
        ),
        "sources": SOURCES,
        "categories": list(CATEGORIES),
        "related_categories": CATEGORIES,
        "regions": [
            {"id": rid, "name": name, "level": level, "parent": parent, "path": paths[rid]} for rid, name, level, parent in REGIONS
        ],
        "orgs": [
            {"id": org_ids[key], "key": key, "name": name, "sector": sector, "region": region, "parent": None}
            for key, (name, sector, region) in ORGS.items()
        ],
        "cooperation": [],
        "needs": needs,
        "resources": resources,
        "judgements": judgements,
        "judged_irrelevant": zeros,
        "split": split,
    }


def main():
    data = build()
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    graded = sum(len(j) for j in data["judgements"].values())
    print(
        f"{OUT.name}: {len(data['needs'])} needs, {len(data['resources'])} resources, {graded} graded pairs, split {len(data['split']['dev'])}/{len(data['split']['test'])}"
    )


if __name__ == "__main__":
    main()
