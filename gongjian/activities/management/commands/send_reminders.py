from django.core.management.base import BaseCommand

from gongjian.activities.reminders import send_reminders


class Command(BaseCommand):
    help = "Remind registered people of activities starting within 24 hours. Safe to run repeatedly: each person is reminded once."

    def handle(self, *args, **options):
        count = send_reminders()
        self.stdout.write(f"{count} reminders sent.")
