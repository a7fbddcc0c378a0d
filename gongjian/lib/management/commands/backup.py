from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from gongjian.lib.backup import create_backup


class Command(BaseCommand):
    help = "Write a consistent backup of the database and every stored file (public and private uploads) to a .tar.gz archive, mode 0600."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(Path(settings.VAR_DIR) / "backups"), help="directory for the archive")

    def handle(self, *args, **options):
        try:
            archive = create_backup(Path(options["output"]))
        except ImproperlyConfigured as e:
            raise CommandError(str(e)) from e
        self.stdout.write(str(archive))
