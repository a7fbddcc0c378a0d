from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from gongjian.lib.backup import create_backup


class Command(BaseCommand):
    help = "Write a consistent backup of the database and uploaded files to a .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(Path(settings.VAR_DIR) / "backups"), help="directory for the archive")

    def handle(self, *args, **options):
        archive = create_backup(Path(options["output"]))
        self.stdout.write(str(archive))
