"""The public pages outside the news that verify_published rescans: the project showcase and 亮约.

Their text was scanned when it was saved, and each page withholds itself when its text now scans as
block (``refuse_if_blocked``). The term list grows, though, and a database can be edited behind the
application: such a page then disappears without anyone knowing why. The hourly check rescans every
one with the current lists, so the security admins hear of it, and the audit trail keeps it.
"""

from django.db.models import Prefetch
from django.urls import reverse

from gongjian.agreements.models import Agreement, AgreementParty
from gongjian.audit.models import Action, Outcome
from gongjian.audit.recording import record
from gongjian.notifications.sending import notify
from gongjian.projects.models import Project

from .article_notices import security_admins
from .safety.publishing import is_publishable
from .safety.verdicts import BLOCK


def public_objects():
    """Every showcase project and disclosed agreement, with what their pages show read in a few queries."""
    yield from Project.objects.showcase().select_related("lead").prefetch_related("partners", "milestones", "outcomes").order_by("pk")
    parties = AgreementParty.objects.select_related("organization").prefetch_related("obligations")
    yield from Agreement.objects.public().prefetch_related(Prefetch("parties", queryset=parties)).order_by("pk")


def public_url(obj) -> str:
    return obj.get_showcase_url() if isinstance(obj, Project) else obj.get_public_url()


def withheld(scanner) -> list[tuple[object, list[str]]]:
    """(object, the block findings' messages) for each public page the current lists withhold."""
    found = []
    for obj in public_objects():
        verdict = is_publishable(*obj.public_texts(), scanner=scanner)
        if verdict.blocked:
            found.append((obj, [f.message() for f in verdict.findings if f.tier == BLOCK]))
    return found


def report_withheld(pages) -> None:
    """Audit each withheld page and tell the security admins, in one notice for the run."""
    if not pages:
        return
    for obj, problems in pages:
        changes = {"check": "verify_published", "public_url": public_url(obj), "problems": problems}
        record(Action.PUBLISH, obj, changes=changes, outcome=Outcome.FAILURE, actor_name="gongjian")
    listed = [
        {"title": str(obj), "project": isinstance(obj, Project), "url": public_url(obj), "problems": problems} for obj, problems in pages
    ]
    # The notice leads to the term lists: a real name the lists now catch is fixed there.
    notify(security_admins(), "news_pages_withheld", {"pages": listed}, url=reverse("news:safety_term_list"))
