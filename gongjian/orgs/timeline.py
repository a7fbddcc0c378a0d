"""An organization's timeline, collected from every app that has something to say.

An app contributes by defining a method on its AppConfig::

    def org_timeline(self, organization, user) -> list[dict]:
        return [{"date": date_or_datetime, "kind": "activity", "title": "…", "url": "/…", "track": "study"}]

``track`` is "study", "build", "create" or "". The hook receives the viewing
user and must return only what that user may see. Entries are merged and
sorted newest first; dates and datetimes sort together (a date counts as the
start of its day in the local time zone).
"""

import datetime

from django.apps import apps
from django.utils import timezone

REQUIRED_KEYS = ("date", "kind", "title", "url")


def _sort_key(entry) -> datetime.datetime:
    value = entry["date"]
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))


def _normalised(entry: dict, source: str) -> dict:
    missing = [key for key in REQUIRED_KEYS if key not in entry]
    if missing:
        # A malformed entry is a programming error in the contributing app; name it.
        raise ValueError(f"{source}.org_timeline returned an entry without {', '.join(missing)}")
    return {"track": "", **entry, "source": source}


def contributors() -> list:
    """App configs that define ``org_timeline``."""
    return [config for config in apps.get_app_configs() if callable(getattr(config, "org_timeline", None))]


def collect(organization, user, limit: int | None = None) -> list[dict]:
    entries = []
    for config in contributors():
        entries.extend(_normalised(entry, config.label) for entry in config.org_timeline(organization, user) or ())
    entries.sort(key=_sort_key, reverse=True)
    return entries[:limit] if limit else entries
