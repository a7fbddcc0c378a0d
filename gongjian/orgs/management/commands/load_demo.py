"""Load the demo alliance: organizations first, then each app's own demo data, in one transaction.

Idempotent: every demo module looks things up by natural key, so running it
again creates nothing new.
"""

import importlib

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

DEMO_APPS = ("activities", "agreements", "exchange", "projects", "news")


def demo_module(app: str):
    return importlib.import_module(f"gongjian.{app}.demo")


def all_demo_logins() -> list[tuple[str, str]]:
    """(username, purpose) of every login the demo creates, the apps' own included."""
    from gongjian.orgs import demo

    logins = list(demo.DEMO_LOGINS)
    for app in DEMO_APPS:
        logins += getattr(demo_module(app), "DEMO_LOGINS", [])
    return logins


class Command(BaseCommand):
    help = "Load the demo alliance (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--into-existing",
            action="store_true",
            help="Load the demo into a database that already holds other organizations (never on production).",
        )

    def handle(self, *args, **options):
        from gongjian.orgs import demo
        from gongjian.orgs.models import Organization

        # The demo brings logins with a published password (SECURITY.md item 5): a database that
        # holds organizations but not the demo's is a real one, and gets none unless asked twice.
        first = demo.ORGANIZATIONS[0][0]
        if not options["into_existing"] and Organization.objects.exists() and not Organization.objects.filter(name=first).exists():
            raise CommandError(
                "This database holds organizations that are not the demo's. The demo adds logins with a published "
                "password; load it only into an empty or a demo database (or pass --into-existing on a test copy)."
            )

        loaded = ["orgs"]
        with transaction.atomic():
            demo.load()
            for app in DEMO_APPS:
                demo_module(app).load()
                loaded.append(app)
        # An app may add logins of its own (the news app's newsroom).
        logins = all_demo_logins()
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {', '.join(loaded)}."))
        self.stdout.write(f"Demo logins (password {demo.DEMO_PASSWORD}):")
        for username, purpose in logins:
            self.stdout.write(f"  {username:<15} {purpose}")
