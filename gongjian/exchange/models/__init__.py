"""Needs, resources and the claims between them (三张清单, 双向认领).

Status changes are verbs on the models below. Each one is a compare-and-set
on the status column inside a transaction, writes an event row beside it,
and raises a translated ValidationError when the move is not allowed.
"""

from .base import Category, CategoryQuerySet, Listing, StatusEvent, paired_partner_ids, priority_days, search_terms
from .claims import Claim, ClaimEvent, ClaimQuerySet
from .feedback import SuggestionFeedback, SuggestionFeedbackQuerySet
from .listings import Need, NeedEvent, NeedQuerySet, Resource, ResourceEvent, ResourceQuerySet
from .releases import ListRelease, ListReleaseQuerySet
from .synonyms import SynonymGroup, SynonymGroupQuerySet

__all__ = [
    "Category",
    "CategoryQuerySet",
    "Claim",
    "ClaimEvent",
    "ClaimQuerySet",
    "ListRelease",
    "ListReleaseQuerySet",
    "Listing",
    "Need",
    "NeedEvent",
    "NeedQuerySet",
    "Resource",
    "ResourceEvent",
    "ResourceQuerySet",
    "StatusEvent",
    "SuggestionFeedback",
    "SuggestionFeedbackQuerySet",
    "SynonymGroup",
    "SynonymGroupQuerySet",
    "paired_partner_ids",
    "priority_days",
    "search_terms",
]
