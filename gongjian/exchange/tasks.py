"""Background jobs of the exchange: keeping the match indexes current."""

from django_tasks import task


@task()
def refresh_match_index(kind: str, pks: list[int] | None = None, orgs: list[int] | None = None) -> int:
    """Catch the "resources" or "needs" index up with the database; pks and orgs name rows known to have changed.

    Idempotent: a refresh that finds nothing new only compares stamps. Returns the number of indexed items.
    """
    from .matching.store import sync

    return sync(kind, pks or (), orgs or ()).index.num_docs
