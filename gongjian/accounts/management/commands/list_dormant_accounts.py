from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from gongjian.accounts import tokens
from gongjian.accounts.models import User
from gongjian.audit.models import Action
from gongjian.audit.recording import record


class Command(BaseCommand):
    help = "List active accounts unused for --days (default ACCOUNT_DORMANT_DAYS); --disable deactivates them. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.ACCOUNT_DORMANT_DAYS)
        parser.add_argument("--disable", action="store_true", help="Deactivate the listed accounts.")

    def handle(self, *args, days, disable, **options):
        dormant = list(User.objects.dormant(days).order_by("username"))
        for user in dormant:
            last = user.last_login or user.date_joined
            self.stdout.write(f"{user.username}\t{timezone.localtime(last):%Y-%m-%d}\t{user.role_label()}")
        disabled = 0
        if disable:
            for user in dormant:
                with transaction.atomic():
                    # Compare-and-set: an account someone re-enabled meanwhile is left alone.
                    if User.objects.filter(pk=user.pk, is_active=True).update(is_active=False):
                        record(Action.ROLE_CHANGE, user, changes={"is_active": [True, False], "reason": "dormant"}, actor_name="list_dormant_accounts")
                        # update() skips the signal that revokes tokens on deactivation, so revoke here.
                        tokens.revoke(user, "deactivated", actor_name="list_dormant_accounts")
                        disabled += 1
        summary = f"{len(dormant)} dormant accounts (no login for {days} days)"
        self.stdout.write(summary + (f", {disabled} disabled." if disable else "."))
