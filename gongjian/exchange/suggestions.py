"""The match tab: ranked suggestions from the matching engine, limited to what the user may see.

The engine (``exchange/matching.py``) ranks; this module only asks it and
filters the answer, so the page and the API show the same list.
"""

import importlib
import logging

from .models import Need, Resource

logger = logging.getLogger(__name__)

LIMIT = 10


def engine():
    try:
        return importlib.import_module("gongjian.exchange.matching")
    except ImportError:
        return None


def suggestions(obj, user, limit=LIMIT) -> list:
    """Suggestions for a need (resources) or a resource (needs); [] while the engine is missing."""
    matching = engine()
    if matching is None:
        return []
    if isinstance(obj, Need):
        found = list(matching.suggestions_for_need(obj, limit=limit))
        model = Resource
    else:
        found = list(matching.suggestions_for_resource(obj, limit=limit))
        model = Need
    if not found:
        return []
    visible = set(model.objects.visible_to(user).filter(pk__in=[s.target.pk for s in found]).values_list("pk", flat=True))
    return [s for s in found if s.target.pk in visible]
