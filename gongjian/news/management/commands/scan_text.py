"""Scan texts from standard input, one per line, with the content-safety lists as they are now.

    manage.py scan_text < legacy_titles.txt > verdicts.tsv

Prints one line per input line, in order: ``ok``, ``review`` or ``block``, a tab, and the
reasons (separated by "；"). A line with markup is scanned as HTML unless --plain or --html
says otherwise. Operators use it to check a batch of legacy site content before an import.
"""

import io
import sys

from django.core.management.base import BaseCommand, CommandError

from gongjian.news.safety.detect import Scanner
from gongjian.news.safety.markup import looks_like_html
from gongjian.news.safety.verdicts import BLOCK, REVIEW


class Command(BaseCommand):
    help = "Scan each line of standard input for spam, hidden content and foreign links; print the verdict and reasons per line."
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        kind = parser.add_mutually_exclusive_group()
        kind.add_argument("--html", action="store_true", help="scan every line as HTML")
        kind.add_argument("--plain", action="store_true", help="scan every line as plain text")
        parser.add_argument("--fail-on", choices=[BLOCK, REVIEW], help="exit with status 1 if any line gets this verdict or a stronger one")

    def handle(self, *args, html=False, plain=False, fail_on=None, **options):
        stdin = options.get("stdin") or io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        scanner = Scanner.from_db()  # the lists are read once for the whole batch
        counts = {"ok": 0, REVIEW: 0, BLOCK: 0}
        for line in stdin:
            text = line.rstrip("\r\n")
            verdict = scanner.scan(text, html=html or (not plain and looks_like_html(text)))
            counts[verdict.verdict] += 1
            reasons = "；".join(reason.replace("\t", " ").replace("\n", " ") for reason in verdict.reasons())
            self.stdout.write(f"{verdict.verdict}\t{reasons}")
        failed = counts[BLOCK] + (counts[REVIEW] if fail_on == REVIEW else 0)
        if fail_on and failed:
            raise CommandError(f"{failed} line(s) at or above {fail_on}", returncode=1)
