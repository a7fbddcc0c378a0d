"""Check every public article page against its seal and rescan it; take offline what fails. Run hourly.

Reads the pages over HTTP from the running site (``--base-url``, default SITE_URL), as a visitor
does, so a changed database, template, proxy or cache shows. Then rescans the project showcase and
the 亮约 pages, and reports those the current term list withholds. Exit code 1 when an article was
taken offline, a page could not be read or a public page is withheld, so cron or the systemd timer
raises the alarm.
"""

from django.core.management.base import BaseCommand, CommandError

from gongjian.news.seal import verify_published


class Command(BaseCommand):
    help = (
        "Compare every published article's public page with its sealed version and rescan it; take offline what fails. "
        "Rescan the project showcase and the public agreements."
    )

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default=None, help="the site as visitors reach it (default: settings.SITE_URL)")
        parser.add_argument("--workers", type=int, default=4, help="pages fetched at once")

    def handle(self, *args, base_url=None, workers=4, **options):
        report = verify_published(base_url, workers=workers, log=self.stdout.write)
        self.stdout.write(
            f"checked {report.checked}, taken offline {len(report.offline)}, unreachable {len(report.unreachable)}, "
            f"other public pages withheld {len(report.withheld)}"
        )
        if not report.ok:
            raise CommandError("verify_published found problems", returncode=1)
