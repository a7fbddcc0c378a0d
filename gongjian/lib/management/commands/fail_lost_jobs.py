"""End every background job whose worker died (a periodic command; see docs/operations.md)."""

from django.apps import apps
from django.core.management.base import BaseCommand

from gongjian.lib.jobs import WorkedJob


class Command(BaseCommand):
    help = "Mark imports and generated documents whose worker process died as failed, so they can be retried."

    def handle(self, *args, **options):
        ended = 0
        for model in apps.get_models():
            if not issubclass(model, WorkedJob):
                continue
            for job in model._base_manager.filter(status__in=model.WORKING_STATUSES).exclude(worker="").iterator():
                if job.fail_if_worker_lost():
                    ended += 1
                    self.stdout.write(f"{model._meta.label} {job.pk}: worker {job.worker} lost")
        self.stdout.write(f"{ended} job(s) ended")
