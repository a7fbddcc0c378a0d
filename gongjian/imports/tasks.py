"""Background work for large imports (django-tasks; the database backend's worker runs them)."""

from django_tasks import task

from .models import ImportJob


@task()
def validate_import(job_id: int):
    job = ImportJob.objects.filter(pk=job_id).select_related("created_by").first()
    if job is not None:
        job.validate()


@task()
def apply_import(job_id: int):
    job = ImportJob.objects.filter(pk=job_id).select_related("created_by").first()
    if job is not None:
        job.apply()
