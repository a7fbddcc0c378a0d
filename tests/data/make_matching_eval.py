"""Generate tests/data/matching_eval.json, the matching evaluation set (fixed seed, reproducible).

    .venv/bin/python tests/data/make_matching_eval.py

The needs and resources come from the hand-written topics in matching_eval_topics.py, posted by
organizations modelled on the demo scenario (Songjiang, Fengxian, Yanjin). Relevance (0-3) is
judged like a 党务 worker would, from what is asked and offered plus whether it can work:

  3  the resource does what the need asks (same topic)
  1-2 it partly serves the need (a related topic, graded in the topic table)
  then, for work that happens on site, distance lowers the grade: topics with reach "community"
  lose 1 outside the street, 2 outside the district, 3 outside the city; reach "district" loses 1
  outside the district and 2 outside the city; reach "any" (expertise, online) loses nothing.
  A resource with no spare capacity left is worth at most 1 (it cannot take the need now).

Judgements never look at words, categories as filed, sectors or past cooperation: the engine must
earn its score from what it can observe.
"""

import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from matching_eval_topics import FULL, NEED_CLOSE, NEED_EXTRA, NEED_OPEN, RES_CLOSE, RES_EXTRA, RES_OPEN, TOPICS, WHEN

SEED = 20230630
OUT = Path(__file__).with_name("matching_eval.json")
N_NEEDS = 160
N_RESOURCES = 320

CATEGORIES = ["人才就业", "技术攻关", "设计规划", "文化宣传", "志愿服务", "教育培训", "场地设施", "政策咨询", "为老服务", "社区治理"]

# (id, name, level, parent)
REGIONS = [
    (1, "上海市", 1, None),
    (2, "松江区", 2, 1),
    (10, "广富林街道", 3, 2),
    (101, "三新居民区", 4, 10),
    (102, "广轩居民区", 4, 10),
    (103, "龙源居民区", 4, 10),
    (11, "泗泾镇", 3, 2),
    (111, "古楼居民区", 4, 11),
    (112, "江川居民区", 4, 11),
    (12, "新桥镇", 3, 2),
    (121, "场中居民区", 4, 12),
    (122, "春九居民区", 4, 12),
    (13, "石湖荡镇", 3, 2),
    (131, "泖新村", 4, 13),
    (14, "方松街道", 3, 2),
    (141, "辰花居民区", 4, 14),
    (15, "岳阳街道", 3, 2),
    (151, "通乐居民区", 4, 15),
    (16, "九亭镇", 3, 2),
    (162, "涞寅居民区", 4, 16),
    (17, "车墩镇", 3, 2),
    (3, "奉贤区", 2, 1),
    (30, "奉城镇", 3, 3),
    (301, "渔墩村", 4, 30),
    (302, "奉城居民区", 4, 30),
    (4, "闵行区", 2, 1),
    (40, "莘庄镇", 3, 4),
    (5, "昭通市", 1, None),
    (50, "盐津县", 2, 5),
    (500, "盐井镇", 3, 50),
]

# key: (name, sector, region)
ORGS = {
    "s1": ("示例学院党委", "school", 10),
    "s2": ("机械制造系教工党支部", "school", 10),
    "s3": ("工业设计系教工党支部", "school", 10),
    "s4": ("筑梦创设学生党支部", "school", 10),
    "s5": ("众创空间学生党支部", "school", 10),
    "s6": ("学院智库团", "school", 10),
    "s7": ("某大学国际合作处党支部", "school", 14),
    "s8": ("某大学管理学院办公室党支部", "school", 14),
    "s9": ("松江区第二中学党支部", "school", 15),
    "s10": ("泗泾镇中心小学党支部", "school", 11),
    "s11": ("新桥职业技术学校党支部", "school", 12),
    "s12": ("松江区老年大学党支部", "school", 14),
    "s13": ("奉城高级中学党支部", "school", 30),
    "s14": ("某大学艺术设计学院党委", "school", 14),
    "s15": ("某大学计算机学院学生党支部", "school", 14),
    "g1": ("广富林街道党工委", "government", 10),
    "g2": ("泗泾镇党委", "government", 11),
    "g3": ("新桥镇党委", "government", 12),
    "g4": ("场中居民区党总支", "government", 121),
    "g5": ("石湖荡镇党委", "government", 13),
    "g6": ("奉城镇党委", "government", 30),
    "g7": ("渔墩村党总支", "government", 301),
    "g8": ("中共盐津县委", "government", 50),
    "g9": ("松江区科创发展办党组", "government", 2),
    "g10": ("松江区发展和改革委员会党组", "government", 2),
    "g11": ("松江区党建服务中心党支部", "government", 2),
    "g12": ("松江经济技术开发区党工委", "government", 17),
    "g13": ("松江区税务局第一税务所党支部", "government", 2),
    "g14": ("松江区就业促进中心党支部", "government", 2),
    "g15": ("三新居民区党总支", "government", 101),
    "g16": ("广轩居民区党支部", "government", 102),
    "g17": ("古楼居民区党总支", "government", 111),
    "g18": ("江川居民区党支部", "government", 112),
    "g19": ("春九居民区党支部", "government", 122),
    "g20": ("泖新村党总支", "government", 131),
    "g21": ("方松街道党工委", "government", 14),
    "g22": ("辰花居民区党总支", "government", 141),
    "g23": ("岳阳街道党工委", "government", 15),
    "g24": ("通乐居民区党支部", "government", 151),
    "g25": ("九亭镇党委", "government", 16),
    "g26": ("涞寅居民区党总支", "government", 162),
    "g27": ("松江区司法局党组", "government", 2),
    "g28": ("松江区卫健委党委", "government", 2),
    "g29": ("奉城居民区党总支", "government", 302),
    "g30": ("盐井镇党委", "government", 500),
    "e1": ("正泰电气股份有限公司党委", "enterprise", 17),
    "e2": ("上海松江智能装备有限公司党支部", "enterprise", 12),
    "e3": ("上海新材料科技有限公司党支部", "enterprise", 17),
    "e4": ("上海精密机械有限公司党支部", "enterprise", 17),
    "e5": ("上海比亚迪有限公司党委", "enterprise", 12),
    "e6": ("上海云创信息科技有限公司党支部", "enterprise", 16),
    "e7": ("上海松江物流有限公司党支部", "enterprise", 11),
    "e8": ("上海华茸食品有限公司党支部", "enterprise", 13),
    "e9": ("上海九科绿洲生物科技有限公司党支部", "enterprise", 16),
    "e10": ("上海泖港新能源有限公司党支部", "enterprise", 13),
    "e11": ("上海佘山文旅发展有限公司党支部", "enterprise", 2),
    "e12": ("上海洞泾电子有限公司党支部", "enterprise", 11),
    "e13": ("上海茸城建筑设计院有限公司党支部", "enterprise", 14),
    "e14": ("上海松江国有资产投资经营管理集团党委", "enterprise", 2),
    "e15": ("上海泗泾古镇文化传播有限公司党支部", "enterprise", 11),
    "e16": ("上海广富林文化遗址公园管理有限公司党支部", "enterprise", 10),
    "e17": ("上海松江物业管理有限公司党支部", "enterprise", 14),
    "e18": ("奉城农业专业合作社党支部", "enterprise", 30),
    "e19": ("上海莘庄工业设计有限公司党支部", "enterprise", 40),
    "so1": ("奉城镇科学技术协会", "social", 30),
    "so2": ("松江区G60两新组织联合党支部", "social", 2),
    "so3": ("松江区社会工作者协会党支部", "social", 2),
    "so4": ("广富林街道志愿者协会", "social", 10),
    "so5": ("泗泾镇社区基金会", "social", 11),
    "so6": ("松江区律师协会党总支", "social", 2),
    "so7": ("松江区心理咨询师协会", "social", 2),
    "so8": ("阳光助老服务社党支部", "social", 12),
    "so9": ("松江区青年志愿者协会", "social", 2),
    "so10": ("新桥镇乐龄家园服务中心", "social", 12),
    "so11": ("九亭镇睦邻文化社", "social", 16),
    "so12": ("闵行区莘庄镇志愿者协会", "social", 40),
    "o1": ("松江区中心医院党委", "other", 14),
    "o2": ("松江区图书馆党支部", "other", 14),
    "o3": ("松江区文化馆党支部", "other", 15),
    "o4": ("松江区消防救援支队党委", "other", 2),
}

# Branches and teams under a unit (示例学院党委): cooperation of the unit counts for them.
PARENTS = {"s2": "s1", "s3": "s1", "s4": "s1", "s5": "s1", "s6": "s1", "g4": "g3"}

# Organizations outside Songjiang offer the same generic help, as in a city-wide alliance: distance decides.
EXTRA_PROVIDERS = {
    "E_meal": ["so12"],
    "V_event": ["so12"],
    "V_general": ["so12"],
    "V_env": ["so12"],
    "D_space": ["e19"],
    "D_booth": ["e19"],
}

# Who has worked together (projects, agreements, pairings): the demo scenario's partnerships plus a few more.
COOPERATION = [
    ("s1", "g1", "project"),
    ("s1", "g2", "project"),
    ("s6", "g2", "project"),
    ("s3", "g4", "agreement"),
    ("s5", "so1", "agreement"),
    ("s1", "g13", "agreement"),
    ("s1", "g14", "agreement"),
    ("g13", "g14", "agreement"),
    ("s1", "g8", "agreement"),
    ("s1", "g5", "agreement"),
    ("s1", "g7", "agreement"),
    ("s1", "s7", "pairing"),
    ("s1", "s8", "pairing"),
    ("s2", "s4", "pairing"),
    ("s1", "g9", "project"),
    ("s1", "g12", "project"),
    ("s2", "e1", "project"),
    ("s1", "e5", "project"),
    ("g12", "e1", "agreement"),
    ("g12", "e2", "agreement"),
    ("g15", "e17", "agreement"),
    ("g17", "e15", "project"),
    ("g22", "o1", "agreement"),
    ("g4", "so8", "agreement"),
    ("g19", "so10", "pairing"),
    ("s11", "e2", "agreement"),
    ("g2", "so5", "project"),
    ("g7", "e18", "project"),
]


def region_paths():
    parents = {rid: parent for rid, _, _, parent in REGIONS}
    paths = {}
    for rid in parents:
        chain, node = [], rid
        while node is not None:
            chain.append(node)
            node = parents[node]
        paths[rid] = "/" + "/".join(str(x) for x in reversed(chain)) + "/"
    return paths


def common_level(a: str, b: str) -> int:
    """Deepest shared level of two region paths: 4 community ... 1 city, 0 nothing shared."""
    shared = 0
    for x, y in zip(a.strip("/").split("/"), b.strip("/").split("/"), strict=False):
        if x != y:
            break
        shared += 1
    return shared


PENALTY = {
    "community": {4: 0, 3: 0, 2: 1, 1: 2, 0: 3},
    "district": {4: 0, 3: 0, 2: 0, 1: 1, 0: 2},
    "any": {4: 0, 3: 0, 2: 0, 1: 0, 0: 0},
}


def judge(need, resource, paths) -> int:
    topic = TOPICS[need["topic"]]
    if need["topic"] == resource["topic"]:
        grade = 3
    else:
        grade = topic["related"].get(resource["topic"], 0)
    if not grade:
        return 0
    level = common_level(paths[need["region"]], paths[resource["region"]])
    grade -= PENALTY[topic["reach"]][level]
    if resource["capacity"] == 0:
        grade = min(grade, 1)
    return max(grade, 0)


def fill(rng, text, place, n):
    return text.replace("{place}", place).replace("{n}", str(n)).replace("{when}", rng.choice(WHEN))


def pinned(body):
    match = re.match(r"@(\w+) ", body)
    return (match.group(1), body[match.end() :]) if match else (None, body)


def filed_category(rng, topic):
    return rng.choice(topic["alt"]) if topic["alt"] and rng.random() < 0.15 else topic["category"]


def allocate(rng, total, weights):
    """Split ``total`` items over topics in proportion to how many templates each has, at least 2 each."""
    keys = list(weights)
    counts = {key: 2 for key in keys}
    spare = total - sum(counts.values())
    mass = sum(weights.values())
    for key in keys:
        counts[key] += int(spare * weights[key] / mass)
    while sum(counts.values()) < total:
        counts[rng.choice(keys)] += 1
    return counts


def make_needs(rng, names):
    needs = []
    counts = allocate(rng, N_NEEDS, {key: len(t["needs"]) for key, t in TOPICS.items()})
    for key, topic in TOPICS.items():
        templates = list(topic["needs"])
        rng.shuffle(templates)
        for i in range(counts[key]):
            titles, body = templates[i % len(templates)]
            owner, body = pinned(body)
            org = owner or rng.choice(topic["needers"])
            region = ORGS[org][2]
            communities = [rid for rid, _, level, parent in REGIONS if parent == region and level == 4]
            if communities and rng.random() < 0.5:
                region = rng.choice(communities)  # a street posts on behalf of one of its communities
            n = rng.randint(*topic["n"])
            sector = ORGS[org][1]
            text = rng.choice(NEED_OPEN["any"] + NEED_OPEN[sector]) + fill(rng, body, names[region], n)
            if rng.random() < 0.4:
                text += fill(rng, rng.choice(NEED_EXTRA[topic["category"]]), names[region], rng.randint(5, 30))
            text += rng.choice(NEED_CLOSE["any"] + NEED_CLOSE[sector])
            needs.append(
                {
                    "topic": key,
                    "org": org,
                    "title": rng.choice(titles),
                    "description": text,
                    "category": filed_category(rng, topic),
                    "region": region,
                    "scale": f"{n} {topic['unit']}",
                }
            )
    return needs


def make_resources(rng, names):
    resources = []
    counts = allocate(rng, N_RESOURCES, {key: len(t["resources"]) + 1 for key, t in TOPICS.items()})
    for key, topic in TOPICS.items():
        templates = list(topic["resources"])
        rng.shuffle(templates)
        providers = topic["providers"] + EXTRA_PROVIDERS.get(key, [])
        for i in range(counts[key]):
            titles, body = templates[i % len(templates)]
            owner, body = pinned(body)
            org = owner or rng.choice(providers)
            region = ORGS[org][2]
            published = rng.randint(*topic["n"])
            roll = rng.random()
            capacity = 0 if roll < 0.12 else (rng.randint(1, published) if roll < 0.3 else published)
            text = rng.choice(RES_OPEN) + fill(rng, body, names[region], published)
            if rng.random() < 0.4:
                text += rng.choice(RES_EXTRA[topic["category"]])
            text += rng.choice(RES_CLOSE)
            if capacity == 0 and rng.random() < 0.5:
                text += rng.choice(FULL)
            resources.append(
                {
                    "topic": key,
                    "org": org,
                    "title": rng.choice(titles),
                    "description": text,
                    "category": filed_category(rng, topic),
                    "region": region,
                    "capacity": capacity,
                    "capacity_unit": topic["unit"],
                }
            )
    return resources


def main():
    rng = random.Random(SEED)
    names = {rid: name for rid, name, _, _ in REGIONS}
    paths = region_paths()
    org_ids = {key: index for index, key in enumerate(ORGS, start=1)}
    needs = make_needs(rng, names)
    resources = make_resources(rng, names)
    rng.shuffle(needs)
    rng.shuffle(resources)
    for index, need in enumerate(needs, start=1):
        need["id"] = index
    for index, resource in enumerate(resources, start=1):
        resource["id"] = index

    judgements = {}
    for need in needs:
        grades = {r["id"]: judge(need, r, paths) for r in resources if r["org"] != need["org"]}
        judgements[str(need["id"])] = {str(rid): g for rid, g in grades.items() if g > 0}
    unjudged = [n["id"] for n in needs if not judgements[str(n["id"])]]
    if unjudged:
        raise SystemExit(f"needs without any relevant resource: {unjudged}")

    for item in needs + resources:
        item["org"] = org_ids[item["org"]]
    data = {
        "about": f"Matching evaluation set: generated by tests/data/make_matching_eval.py (seed {SEED}); do not edit by hand.",
        "categories": CATEGORIES,
        "regions": [
            {"id": rid, "name": name, "level": level, "parent": parent, "path": paths[rid]} for rid, name, level, parent in REGIONS
        ],
        "orgs": [
            {"id": org_ids[key], "key": key, "name": name, "sector": sector, "region": region, "parent": org_ids.get(PARENTS.get(key))}
            for key, (name, sector, region) in ORGS.items()
        ],
        "cooperation": [{"a": org_ids[a], "b": org_ids[b], "kind": kind} for a, b, kind in COOPERATION],
        "needs": [{k: n[k] for k in ("id", "org", "title", "description", "category", "region", "scale", "topic")} for n in needs],
        "resources": [
            {k: r[k] for k in ("id", "org", "title", "description", "category", "region", "capacity", "capacity_unit", "topic")}
            for r in resources
        ],
        "judgements": judgements,
        # Weights are tuned on "tune" and reported on both halves.
        "split": {"tune": [n["id"] for n in needs if n["id"] % 2 == 1], "test": [n["id"] for n in needs if n["id"] % 2 == 0]},
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    graded = [g for j in judgements.values() for g in j.values()]
    print(
        f"{OUT.name}: {len(needs)} needs, {len(resources)} resources, {len(graded)} judgements "
        f"(grade 3: {graded.count(3)}, 2: {graded.count(2)}, 1: {graded.count(1)}), {len(data['categories'])} categories"
    )


if __name__ == "__main__":
    main()
