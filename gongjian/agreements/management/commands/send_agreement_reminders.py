from django.core.management.base import BaseCommand

from gongjian.agreements.reminders import REMIND_DAYS, expire_past_end, remind_ending


class Command(BaseCommand):
    help = "Remind party admins of agreements ending within 30 days (once each) and expire agreements past their end."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=REMIND_DAYS, help="Remind this many days before the end (default 30).")

    def handle(self, *args, **options):
        expired = expire_past_end()
        reminded = remind_ending(days=options["days"])
        self.stdout.write(f"expired={expired} reminded={reminded}")
