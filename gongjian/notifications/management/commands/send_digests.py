from django.core.management.base import BaseCommand

from gongjian.notifications.digest import send_digests


class Command(BaseCommand):
    help = "Email the daily digest of unread notices to users who chose it. Safe to run repeatedly: at most one digest per user per day."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Send even if a user already had a digest today.")

    def handle(self, *args, force=False, **options):
        sent = send_digests(force=force)
        self.stdout.write(f"{sent} digests sent.")
