"""Background work for generated documents (django-tasks; the database backend's worker runs them)."""

from django_tasks import task

from .models import GeneratedDocument


@task()
def render_document(document_id: int):
    document = GeneratedDocument.objects.filter(pk=document_id).select_related("organization", "activity").first()
    if document is not None:
        document.run()


@task()
def refresh_summary():
    """Rebuild the dashboard's monthly summary (queued by a page that found it stale, and by the timer)."""
    from .summary import build

    build()
