"""Users' judgements of suggestions as an evaluation set, in the format of tests/data/matching_real.json.

    .venv/bin/python manage.py export_match_feedback --out var/match_feedback.json
    .venv/bin/python -m gongjian.exchange.matching.evaluation   # reads sets in this format (evaluation.load)

Grades, per (need, resource) pair, from what people did with a suggestion:
  3  a claim or request made from the suggestion (Claim.from_suggestion), accepted or still pending,
     paired with the claimant's item that showed it (the one its users gave a verdict on; else each of
     its open items, which then never overrides a "not useful");
  2  marked useful by more users than marked it not useful;
  0  marked not useful by at least as many users (kept as judged_irrelevant).
A rejected or withdrawn claim from a suggestion counts as neither. Every open resource goes into the
set beside the judged ones, so a ranking is measured against the whole pool it chose from. Needs
are split in halves by a hash of their id, as in the hand-made set: tune on "dev", report on "test".
Nothing here changes the ranking: a change to matching is measured on this set first.
"""

import hashlib
from collections import defaultdict

from django.db.models import Q

from gongjian.exchange.models import Category, Claim, Need, Resource
from gongjian.exchange.models import SuggestionFeedback as Feedback
from gongjian.orgs.models import Organization, Region

from .factors import AREA_LEVEL

GRADE_CLAIMED, GRADE_USEFUL = 3, 2


def judgements() -> dict[tuple[int, int], int]:
    """{(need id, resource id): grade} from verdicts and claims made from suggestions."""
    votes: dict[tuple[int, int], int] = defaultdict(int)
    for need, resource, verdict in Feedback.objects.values_list("need_id", "resource_id", "verdict"):
        votes[(need, resource)] += 1 if verdict == Feedback.Verdict.USEFUL else -1
    grades = {pair: GRADE_USEFUL if balance > 0 else 0 for pair, balance in votes.items()}
    live = [Claim.Status.PENDING, Claim.Status.ACCEPTED]
    claims = Claim.objects.filter(from_suggestion=True, status__in=live)
    for claim in claims.values("need_id", "resource_id", "claimant_id"):
        # A claim names one side; the other is the claimant's own item whose match tab suggested it: the one
        # the claimant's users gave a verdict on, else any open one of theirs, which never overrides "not useful".
        pairs, marked = _pairs_of(claim)
        for pair in pairs:
            if marked or votes.get(pair, 1) > 0:
                grades[pair] = GRADE_CLAIMED
    return grades


def _pairs_of(claim: dict) -> tuple[list[tuple[int, int]], bool]:
    if claim["need_id"]:
        # The claimant's resource whose match tab showed this need (or any of its open resources if none was marked).
        shown = Feedback.objects.filter(need_id=claim["need_id"], resource__organization_id=claim["claimant_id"], shown_on="resource")
        resources = set(shown.values_list("resource_id", flat=True))
        if not resources:
            resources = set(Resource.objects.open().filter(organization_id=claim["claimant_id"]).values_list("pk", flat=True))
        return [(claim["need_id"], resource) for resource in resources], shown.exists()
    shown = Feedback.objects.filter(resource_id=claim["resource_id"], need__organization_id=claim["claimant_id"], shown_on="need")
    needs = set(shown.values_list("need_id", flat=True))
    if not needs:
        needs = set(Need.objects.open().filter(organization_id=claim["claimant_id"]).values_list("pk", flat=True))
    return [(need, claim["resource_id"]) for need in needs], shown.exists()


def evaluation_set() -> dict:
    """The judged needs, their judgements and the resources (judged and open) with their regions, organizations and categories."""
    grades = judgements()
    need_ids = {need for need, _resource in grades}
    judged_resources = {resource for _need, resource in grades}
    needs = list(Need.objects.filter(pk__in=need_ids).select_related("organization", "category").order_by("pk"))
    resources = list(
        Resource.objects.filter(Q(pk__in=judged_resources) | Q(pk__in=Resource.objects.open().values("pk")))
        .select_related("organization", "category")
        .order_by("pk")
    )

    def place(item) -> int | None:
        return item.region_id or item.organization.region_id

    needs = [n for n in needs if place(n)]
    resources = [r for r in resources if place(r)]
    org_ids = {item.organization_id for item in needs + resources}
    region_ids = set()
    for region in Region.objects.filter(pk__in={place(item) for item in needs + resources}):
        region_ids.update(int(p) for p in region.path.strip("/").split("/") if p)
    categories = list(Category.objects.order_by("order", "name").prefetch_related("related"))
    kept = {r.pk for r in resources}
    data = {
        "about": "Judgements of suggestions by users of the platform (manage.py export_match_feedback).",
        "categories": [c.name for c in categories],
        "related_categories": {c.name: [r.name for r in c.related.all()] for c in categories},
        "regions": [
            {"id": r.pk, "name": r.name, "level": r.level, "parent": r.parent_id, "path": r.path}
            for r in Region.objects.filter(pk__in=region_ids).order_by("path")
        ],
        "orgs": [
            {"id": o.pk, "name": o.name, "sector": o.sector, "region": o.region_id, "parent": o.parent_id}
            for o in Organization.objects.filter(pk__in=org_ids).order_by("pk")
        ],
        "cooperation": [],
        "needs": [
            {
                "id": n.pk,
                "org": n.organization_id,
                "title": n.title,
                "description": n.description,
                "category": n.category.name,
                "region": place(n),
                "seeks": n.seeks,
                "offers": n.offers,
                "scale": n.scale,
            }
            for n in needs
        ],
        "resources": [
            {
                "id": r.pk,
                "org": r.organization_id,
                "title": r.title,
                "description": r.description,
                "category": r.category.name,
                "region": place(r),
                "area": r.service_area if r.service_area in AREA_LEVEL else "",
                "offers": r.offers,
                "seeks": r.seeks,
                "capacity": r.capacity,
                "capacity_unit": r.capacity_unit,
            }
            for r in resources
        ],
        "judgements": {},
        "judged_irrelevant": {},
        "split": {"dev": [], "test": []},
    }
    for need in data["needs"]:
        nid = need["id"]
        mine = {resource: grade for (n, resource), grade in grades.items() if n == nid and resource in kept}
        data["judgements"][str(nid)] = {str(resource): grade for resource, grade in mine.items() if grade}
        data["judged_irrelevant"][str(nid)] = sorted(resource for resource, grade in mine.items() if not grade)
        half = "dev" if int(hashlib.sha1(str(nid).encode()).hexdigest(), 16) % 2 == 0 else "test"  # noqa: S324 - a stable split, not security
        data["split"][half].append(nid)
    # A need only judged irrelevant everywhere has nothing to find: it cannot be scored by NDCG.
    scored = {int(nid) for nid, judged in data["judgements"].items() if judged}
    data["needs"] = [n for n in data["needs"] if n["id"] in scored]
    for key in ("judgements", "judged_irrelevant"):
        data[key] = {nid: value for nid, value in data[key].items() if int(nid) in scored}
    data["split"] = {half: [nid for nid in ids if nid in scored] for half, ids in data["split"].items()}
    return data
