from django.core.management.base import BaseCommand

from gongjian.exchange.matching.digest import send_match_digests


class Command(BaseCommand):
    help = "Email organization admins this week's best suggestions for their open needs and resources. Safe to rerun: one digest per user per ISO week."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Send even to users who already had this week's digest.")

    def handle(self, *args, force=False, **options):
        sent = send_match_digests(force=force)
        self.stdout.write(f"{sent} match digests sent.")
