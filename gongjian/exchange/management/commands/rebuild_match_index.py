import time

from django.core.management.base import BaseCommand

from gongjian.exchange.matching.store import KINDS, location, rebuild


class Command(BaseCommand):
    help = "Rebuild the matching indexes (open needs and resources) from scratch; searches switch to the new index when it is complete."

    def add_arguments(self, parser):
        parser.add_argument("--kind", choices=KINDS, action="append", help="Only this index (repeatable); default: both.")

    def handle(self, *args, kind=None, **options):
        for name in kind or KINDS:
            started = time.perf_counter()
            slot = rebuild(name)
            seconds = time.perf_counter() - started
            where = location() or "memory"
            self.stdout.write(f"{name}: {slot.index.num_docs} items indexed in {seconds:.1f}s ({where}, generation {slot.generation}).")
