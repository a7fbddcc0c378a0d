"""The match tab: ranked suggestions from the matching engine, limited to what the user may see.

The engine (``exchange/matching``) ranks and loads the targets through ``visible_to(user)``, so
the page and the API show the same list and nothing the user may not see.
"""

from .matching import suggest
from .models import Need

LIMIT = 10


def suggestions(obj, user, limit=LIMIT) -> list:
    """Suggestions for a need (resources) or a resource (needs)."""
    return suggest(obj, "resources" if isinstance(obj, Need) else "needs", limit, user=user)
