"""Rebuild the dashboard's monthly summary now (the systemd timer runs this; so does ``make demo``)."""

from django.core.management.base import BaseCommand

from gongjian.insights.summary import build


class Command(BaseCommand):
    help = "Rebuild the monthly figures the dashboard reads."

    def handle(self, *args, **options):
        state = build()
        self.stdout.write(f"{state.rows} monthly figures in {state.seconds} s")
