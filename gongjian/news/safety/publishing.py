"""What the rest of the platform calls: scan public text, refuse or withhold what the scan blocks."""

import logging
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from .detect import Scanner
from .markup import looks_like_html
from .verdicts import BLOCK, Verdict

logger = logging.getLogger(__name__)


def scan(text: str, *, html: bool = False) -> Verdict:
    """Scan one text with the lists as they are now. For many texts build a Scanner once."""
    return Scanner.from_db().scan(text, html=html)


def scan_many(texts: Iterable[str], *, html: bool | None = False) -> list[Verdict]:
    return Scanner.from_db().scan_many(texts, html=html)


def is_publishable(*texts: str, scanner: Scanner | None = None) -> Verdict:
    """One verdict for texts shown together on a public page; markup is recognised per text.

    Finding offsets are those of the text they were found in.
    """
    scanner = scanner or Scanner.from_db()
    findings = [f for verdict in scanner.scan_many(texts, html=None) for f in verdict.findings]
    return Verdict.of(findings)


def validate_publishable(obj, field_names: Iterable[str], scanner: Scanner | None = None) -> None:
    """Refuse what the scan blocks, with a message on each field that points at the span."""
    scanner = scanner or Scanner.from_db()
    errors = {}
    for name in field_names:
        value = getattr(obj, name, "") or ""
        verdict = scanner.scan(value, html=looks_like_html(value))
        if verdict.blocked:
            messages = [
                _("The content-safety scan refused this text: %(finding)s") % {"finding": f.message()}
                for f in verdict.findings
                if f.tier == BLOCK
            ]
            errors[name] = ValidationError(messages, code="content_safety")
    if errors:
        raise ValidationError(errors)


def refuse_if_blocked(obj, *texts: str, scanner: Scanner | None = None) -> None:
    """For public views: a stored text that now scans as ``block`` (changed behind the
    application, or the list grew) is not served. 404 for the visitor, a line for operators."""
    verdict = is_publishable(*texts, scanner=scanner)
    if verdict.blocked:
        rules = sorted({f.rule for f in verdict.findings if f.tier == BLOCK})
        logger.warning("content safety: %s %s withheld from the public (%s)", obj._meta.label_lower, obj.pk, ", ".join(rules))
        raise Http404
