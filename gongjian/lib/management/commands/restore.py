from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from gongjian.audit import anchor
from gongjian.lib.backup import restore_backup


class Command(BaseCommand):
    help = "Restore the database and every stored file from an archive written by `manage.py backup`, after checking its hashes."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="confirm that the current data will be replaced")

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError("Restoring replaces the current database. Run again with --yes to confirm.")
        try:
            manifest = restore_backup(Path(options["archive"]))
        except (OSError, RuntimeError, KeyError, ImproperlyConfigured) as e:
            raise CommandError(str(e)) from e
        # The database went back in time on purpose: the audit head stamp follows it.
        anchor.reset()
        self.stdout.write(f"restored {manifest['engine']} backup taken {manifest['created']}; the audit head stamp now names its newest record")
