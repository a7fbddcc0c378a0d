"""The parts of a match score besides text, their weights, and the words that explain them.

Everything here works on numpy arrays of candidates, so a query scores a few hundred
candidates in microseconds. Nothing here touches the database.
"""

from dataclasses import asdict, dataclass, field, fields

import numpy as np
from django.utils.translation import gettext, pgettext

SECTORS = ("government", "school", "enterprise", "social", "other")
SECTOR_CODE = {sector: code for code, sector in enumerate(SECTORS, start=1)}  # 0: unknown

# How well two sectors complement each other (优势互补), asker's sector in rows, the other side in columns.
# A college and a street office (校—政) or a college and a company (校—企) bring what the other lacks;
# two streets mostly have the same needs. Order: unknown, then SECTORS.
COMPLEMENT = np.array(
    [
        # ?    gov  sch  ent  soc  oth
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],  # unknown
        [0.0, 0.2, 1.0, 0.6, 0.8, 0.5],  # government
        [0.0, 1.0, 0.3, 1.0, 0.6, 0.5],  # school
        [0.0, 0.6, 1.0, 0.2, 0.5, 0.4],  # enterprise
        [0.0, 0.8, 0.6, 0.5, 0.2, 0.4],  # social
        [0.0, 0.5, 0.5, 0.4, 0.4, 0.2],  # other
    ],
    dtype=np.float32,
)
COMPLEMENT_SHOWN = 0.8  # pairs at least this complementary are named in the explanation

# Region proximity by the deepest level both sides share: none, city, district, street, community.
PROXIMITY = np.array([0.0, 0.25, 0.5, 0.75, 1.0], dtype=np.float32)
LEVELS = 4

# Spare capacity saturates: 1 unit is worth a third, 2 a half, 10 over 80% of "plenty".
CAPACITY_HALF = 2.0

# A related category (为老服务 ↔ 医疗健康) is worth this much of the same category.
RELATED_CATEGORY = 0.5
# Category and place only count for a candidate that shares content with the asker: its text score
# reaches this share of the best candidate's. Otherwise a same-category offer about something else
# would rise on category alone.
CONTENT_MIN = 0.15
# Outside an offer's service area, proximity by shared region counts this much.
OUTSIDE_AREA = 0.5

# What a need seeks or a resource offers (ListingKind), as stored in the index; 0: not said.
KINDS = ("people", "space", "expertise", "funds", "services")
KIND_CODE = {kind: code for code, kind in enumerate(KINDS, start=1)}
# A resource's service area (choices.ServiceArea) as the region level it covers.
AREA_LEVEL = {"city": 1, "district": 2, "street": 3, "community": 4}


@dataclass(frozen=True)
class Weights:
    """Weights of the score parts; text is BM25 divided by the best text score among the candidates.

    Tuned by coordinate ascent on the "tune" half of tests/data/matching_eval.json
    (python -m gongjian.exchange.matching.evaluation --tune). NDCG@10, tune / held-out test half:
    BM25 alone 0.555 / 0.554, these weights 0.650 / 0.651. Dropping one factor (test half):
    category 0.553, region 0.646, sector 0.649, capacity 0.652, cooperation 0.651.
    """

    text: float = 1.0
    category: float = 0.5
    region: float = 0.6
    sector: float = 0.1
    capacity: float = 0.25
    # Tuning puts cooperation at 0 because the judgements ignore it (they judge the offer, not the
    # relationship); we keep a small weight on purpose as a tie-breaker: it costs 0.0014 NDCG@10 on the tune half.
    cooperation: float = 0.05
    # +1 when one side offers what the other seeks, −1 when both seek the same thing (such pairs are then
    # dropped). Chosen on the real set's dev half among 0.1–0.8 (0.3 best); the weights above were left as
    # tuned on the generated set: changing them moved the dev half by less than 0.005.
    direction: float = 0.3

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


DEFAULT_WEIGHTS = Weights()


@dataclass
class Probe:
    """The item suggestions are made for: a need (looking for resources) or a resource (looking for needs)."""

    terms: list[str]
    category: int = 0
    regions: tuple[int, ...] = (0, 0, 0, 0)  # region id at each level: city, district, street, community (0: none)
    sector: int = 0
    capacity: int = 0  # a resource's spare capacity; for a need, the number in its scale (0: unknown)
    org: int = 0
    partners: frozenset[int] = field(default_factory=frozenset)
    grams: list[str] = field(default_factory=list)  # character bigrams of the text
    synonyms: dict[str, float] = field(default_factory=dict)  # other words asked for, with their weight
    related: frozenset[int] = field(default_factory=frozenset)  # categories related to the probe's
    area_level: int = 0  # a resource's service area: the level of regions it serves (0: not a resource, or unknown)
    seeks: int = 0  # KIND_CODE of what the asker seeks and offers (0: not said)
    offers: int = 0


@dataclass
class Candidates:
    """Candidate documents as aligned arrays (one entry per candidate)."""

    pk: np.ndarray
    text: np.ndarray
    category: np.ndarray
    regions: np.ndarray  # shape (n, LEVELS)
    sector: np.ndarray
    capacity: np.ndarray
    org: np.ndarray
    unit: np.ndarray
    area: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # region a candidate resource serves
    area_level: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    seeks: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    offers: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def __len__(self):
        return len(self.pk)

    def without(self, drop: np.ndarray) -> "Candidates":
        """The candidates where drop is False."""
        keep = ~drop
        return Candidates(
            **{f.name: getattr(self, f.name)[keep] if len(getattr(self, f.name)) else getattr(self, f.name) for f in fields(self)}
        )


def shared_level(probe_regions, regions: np.ndarray) -> np.ndarray:
    """Deepest level (1 city … 4 community) at which each candidate shares the probe's region, 0 if none."""
    level = np.zeros(len(regions), dtype=np.int8)
    for depth in range(LEVELS):
        wanted = probe_regions[depth]
        if wanted:
            # A deeper match implies the shallower ones (a region path is a chain), so later levels overwrite.
            level[regions[:, depth] == wanted] = depth + 1
    return level


def capacity_score(capacity: np.ndarray) -> np.ndarray:
    capacity = capacity.astype(np.float32)
    return np.where(capacity > 0, capacity / (capacity + CAPACITY_HALF), 0.0).astype(np.float32)


def fit_score(offered: int, scale: np.ndarray) -> np.ndarray:
    """How much of each need's scale a resource's spare capacity covers; unknown scales count as covered by any capacity."""
    scale = scale.astype(np.float32)
    if offered <= 0:
        return np.zeros(len(scale), dtype=np.float32)
    covered = np.minimum(1.0, offered / np.maximum(scale, 1.0))
    return np.where(scale > 0, covered, offered / (offered + CAPACITY_HALF)).astype(np.float32)


def served(probe: Probe, cands: Candidates, kind: str) -> np.ndarray:
    """Whether each pair's place lies in the offer's service area: the candidate's (kind "resources") or the asker's."""
    n = len(cands)
    if kind == "resources":
        if not len(cands.area_level):
            return np.zeros(n, bool)
        probe_at = np.array(tuple(probe.regions) + (0,) * LEVELS, dtype=np.int64)[np.clip(cands.area_level - 1, 0, LEVELS - 1)]
        return (cands.area_level > 0) & (cands.area != 0) & (probe_at == cands.area)
    if not probe.area_level or not probe.regions[probe.area_level - 1]:
        return np.zeros(n, bool)
    return cands.regions[:, probe.area_level - 1] == probe.regions[probe.area_level - 1]


def direction(probe: Probe, cands: Candidates) -> np.ndarray:
    """+1 where one side offers what the other seeks, −1 where both seek the same thing, else 0."""
    n = len(cands)
    if not len(cands.seeks) or not (probe.seeks or probe.offers):
        return np.zeros(n, np.float32)
    match = np.zeros(n, bool)
    if probe.seeks:
        match |= cands.offers == probe.seeks
    if probe.offers:
        match |= cands.seeks == probe.offers
    clash = (cands.seeks == probe.seeks) & (probe.seeks != 0) & ~match
    return match.astype(np.float32) - clash.astype(np.float32)


def factors(probe: Probe, cands: Candidates, kind: str) -> dict[str, np.ndarray]:
    """Each score part in [0, 1] per candidate (direction in [−1, 1]). kind is the candidates' kind: "resources" or "needs"."""
    n = len(cands)
    best = cands.text.max() if n else 0.0
    text = cands.text / best if best > 0 else np.zeros(n, dtype=np.float32)
    shares_content = text >= CONTENT_MIN
    level = shared_level(probe.regions, cands.regions)
    inside = served(probe, cands, kind)
    # Outside a known service area the shared region still helps (a neighbour may come), but less.
    has_area = (cands.area_level > 0) if kind == "resources" and len(cands.area_level) else np.full(n, bool(probe.area_level))
    region = np.where(inside, 1.0, PROXIMITY[level] * np.where(has_area, OUTSIDE_AREA, 1.0)).astype(np.float32)
    if kind == "resources":
        capacity = capacity_score(cands.capacity)
    else:
        capacity = fit_score(probe.capacity, cands.capacity)
    partners = np.fromiter(probe.partners, dtype=np.int64, count=len(probe.partners))
    cooperated = np.isin(cands.org, partners) | np.isin(cands.unit, partners) if len(partners) else np.zeros(n, bool)
    if probe.category:
        related = np.fromiter(probe.related, dtype=np.int64, count=len(probe.related))
        category = np.where(cands.category == probe.category, 1.0, np.where(np.isin(cands.category, related), RELATED_CATEGORY, 0.0))
    else:
        category = np.zeros(n)
    return {
        "text": text.astype(np.float32),
        "category": (category * shares_content).astype(np.float32),
        "region": region * shares_content,
        "sector": COMPLEMENT[probe.sector][cands.sector.clip(0, len(SECTORS))],
        "capacity": capacity,
        "cooperation": cooperated.astype(np.float32),
        "direction": direction(probe, cands),
        "level": level,
        "served": inside.astype(np.int8),
    }


def combine(parts: dict[str, np.ndarray], weights: Weights = DEFAULT_WEIGHTS) -> np.ndarray:
    total = np.zeros(len(parts["text"]), dtype=np.float32)
    for name, weight in weights.as_dict().items():
        if weight:
            total += np.float32(weight) * parts[name]
    return total


# --------------------------------------------------------------------------- explanations

LEVEL_REASONS = {
    4: lambda: gettext("Same community"),  # 同社区
    3: lambda: gettext("Same street or town"),  # 同街镇
    2: lambda: gettext("Same district"),  # 同区县
    1: lambda: gettext("Same city"),  # 同城市
}


SECTOR_ABBREVIATIONS = {
    1: lambda: pgettext("sector abbreviation", "Government"),  # 政
    2: lambda: pgettext("sector abbreviation", "School"),  # 校
    3: lambda: pgettext("sector abbreviation", "Enterprise"),  # 企
    4: lambda: pgettext("sector abbreviation", "Social"),  # 社
    5: lambda: pgettext("sector abbreviation", "Other"),  # 其他
}


def sector_abbreviation(code: int) -> str:
    name = SECTOR_ABBREVIATIONS.get(code)
    return name() if name else ""


def reasons(probe: Probe, part: dict[str, float], doc_sector: int, capacity_text: str, kind: str = "resources") -> list[str]:
    """Why one candidate was suggested, in the order people weigh them; part holds its factor values.

    capacity_text is the resource's spare capacity ("20 名") when suggesting resources, the need's
    scale ("25 个采样亭") when suggesting needs.
    """
    found = []
    if part["category"] >= 1:
        found.append(gettext("Same category"))  # 同类别
    elif part["category"]:
        found.append(gettext("Related category"))  # 相关类别
    level = int(part["level"])
    if part.get("served"):
        found.append(
            gettext("Its service area covers the need") if kind == "resources" else gettext("In your service area")
        )  # 服务范围覆盖
    elif level:
        found.append(LEVEL_REASONS[level]())
    if part.get("direction", 0) > 0:
        found.append(gettext("Offers what is sought"))  # 供需对口
    if part["sector"] >= COMPLEMENT_SHOWN:
        found.append(
            gettext("Complementary strengths (%(asker)s–%(other)s)")  # 优势互补（校—政）
            % {"asker": sector_abbreviation(probe.sector), "other": sector_abbreviation(doc_sector)}
        )
    if kind == "resources" and part["capacity"] > 0 and capacity_text:
        found.append(gettext("Spare capacity (%(capacity)s)") % {"capacity": capacity_text})  # 余量充足（20 名）
    elif kind == "needs" and part["capacity"] >= 1 and capacity_text:
        found.append(gettext("Your spare capacity covers it (%(scale)s)") % {"scale": capacity_text})  # 余量可满足（25 个采样亭）
    if part["cooperation"]:
        found.append(gettext("Worked together before"))  # 曾合作
    return found
