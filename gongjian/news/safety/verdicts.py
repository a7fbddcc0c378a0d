"""What a scan finds: findings with their spans in the input, and the verdict over them."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

OK, REVIEW, BLOCK = "ok", "review", "block"
RANK = {OK: 0, REVIEW: 1, BLOCK: 2}


@dataclass(frozen=True)
class Finding:
    start: int  # offsets in the original input
    end: int
    excerpt: str
    reason: str
    rule: str  # term, brand, seo_number, hidden_css, external_link, script_link
    tier: str = BLOCK

    def message(self) -> str:
        """The Chinese message that points at the span."""
        return _("“%(excerpt)s” (characters %(start)d–%(end)d): %(reason)s") % {
            "excerpt": self.excerpt,
            "start": self.start + 1,
            "end": self.end,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Verdict:
    verdict: str  # ok, review or block
    findings: list[Finding] = field(default_factory=list)

    @classmethod
    def of(cls, findings: list[Finding]) -> "Verdict":
        verdict = max((f.tier for f in findings), key=RANK.__getitem__, default=OK)
        return cls(verdict, sorted(findings, key=lambda f: (f.start, f.end)))

    @property
    def ok(self) -> bool:
        return self.verdict == OK

    @property
    def blocked(self) -> bool:
        return self.verdict == BLOCK

    def reasons(self) -> list[str]:
        """Each distinct reason once, in the order of the text."""
        return list(dict.fromkeys(f.reason for f in self.findings))
