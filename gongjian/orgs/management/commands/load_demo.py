"""Load the demo alliance: organizations first, then each app's own demo data, in one transaction.

Idempotent: every demo module looks things up by natural key, so running it
again creates nothing new.
"""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_APPS = ("activities", "agreements", "exchange", "projects", "news")


def demo_module(app: str):
    name = f"gongjian.{app}.demo"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as e:
        if e.name is None or not (name == e.name or name.startswith(e.name + ".")):
            raise  # the module exists but imports something missing: a real error
        return None


class Command(BaseCommand):
    help = "Load the demo alliance (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        from gongjian.orgs import demo

        loaded = ["orgs"]
        logins = list(demo.DEMO_LOGINS)
        with transaction.atomic():
            demo.load()
            for app in DEMO_APPS:
                module = demo_module(app)
                if module is not None:
                    module.load()
                    loaded.append(app)
                    # An app may add logins of its own (the news app's newsroom).
                    logins += getattr(module, "DEMO_LOGINS", [])
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {', '.join(loaded)}."))
        self.stdout.write(f"Demo logins (password {demo.DEMO_PASSWORD}):")
        for username, purpose in logins:
            self.stdout.write(f"  {username:<15} {purpose}")
