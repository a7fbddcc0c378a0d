"""Ranked suggestions with their reasons: what the match tab and the weekly digest show."""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongjian.lib.text import longest_terms, normalize

from .asking import probe_for
from .factors import DEFAULT_WEIGHTS, Weights, reasons
from .store import current_index, model_for

SHOWN_TERMS = 6
# Ranked rows that are gone from the database since the index saw them are skipped; ask for a few extra.
SPARE = 10

# A score means little to a reader, so it is shown as one of three levels. The bounds come from
# the graded real set (tests/data/matching_real.json, each need's top ten): at 2.0 and above
# 77% of suggestions were graded useful or better and 3% useless; from 1.5, 46% and 27%; below
# 1.5 mostly useless. exchange/tests/test_match_levels.py keeps the bounds to what they claim.
LEVELS = ((2.0, "high", _("Strong match")), (1.5, "good", _("Good match")), (float("-inf"), "fair", _("Worth a look")))


@dataclass
class Suggestion:
    """One suggested need or resource, its score, and why it was suggested."""

    score: float
    target: models.Model
    reasons: list[str]
    matched_terms: list[str]
    factors: dict[str, float] = field(default_factory=dict)
    verdict: str = ""  # the viewer's earlier verdict (SuggestionFeedback), filled in by the match tab

    @property
    def level(self) -> str:
        return level_of(self.score)[0]

    @property
    def level_display(self) -> str:
        return str(level_of(self.score)[1])


def level_of(score: float):
    """(key, label) of the level a score falls in."""
    return next((key, label) for bound, key, label in LEVELS if score >= bound)


def matched_terms(query_terms: list[str], target) -> list[str]:
    """Query terms the target's text contains, sub-words of longer matches left out (空间设计, not 设计).

    A substring test of the normalized text, not the target's segmentation: the same answer for the
    words shown, without segmenting ten texts per suggestion.
    """
    text = normalize(f"{target.title}\n{target.description}")
    return longest_terms(term for term in query_terms if term in text)[:SHOWN_TERMS]


def suggest(obj, kind: str, limit: int = 10, weights: Weights = DEFAULT_WEIGHTS, user=None) -> list[Suggestion]:
    """The best open items of ``kind`` for ``obj``, other organizations' only, targets loaded in one query (two if some went away).

    With ``user``, only items the user may see (the same query loads and checks them).
    """
    if obj.pk is None or limit <= 0:
        return []
    probe = probe_for(obj)
    index = current_index(kind)
    ranked = index.rank(probe, kind, limit + SPARE, weights)
    model = model_for(kind)
    rows = model.objects.visible_to(user) if user is not None else model.objects.all()
    # No ordering (the ranking orders them) and no contact phone, which is decrypted on load and not shown here.
    # Only the organization comes along: the match tab, the API and the digest show its name, never the region or category.
    rows = rows.open().exclude(organization_id=obj.organization_id).select_related("organization")
    rows = rows.defer("contact_phone").order_by()
    found = []
    # The top ``limit`` first; the spare ones only if some of those are gone since the index saw them
    # (loading twenty rows with their organizations was a third of a suggestion's time).
    for batch in (ranked[:limit], ranked[limit:]):
        targets = rows.in_bulk([r.pk for r in batch]) if batch else {}
        for row in batch:
            target = targets.get(row.pk)
            if target is None:
                continue
            capacity_text = target.capacity_display if kind == "resources" else target.scale
            found.append(
                Suggestion(
                    score=round(row.score, 4),
                    target=target,
                    reasons=reasons(probe, row.parts, row.sector, capacity_text, kind),
                    matched_terms=matched_terms(probe.terms, target),
                    factors={name: round(value, 4) for name, value in row.parts.items() if name not in ("level", "served")},
                )
            )
            if len(found) == limit:
                return found
    return found


def suggestions_for_need(need, limit: int = 10) -> list[Suggestion]:
    """Open resources of other organizations that could meet this need, best first."""
    return suggest(need, "resources", limit)


def suggestions_for_resource(resource, limit: int = 10) -> list[Suggestion]:
    """Open needs of other organizations this resource could meet, best first."""
    return suggest(resource, "needs", limit)
