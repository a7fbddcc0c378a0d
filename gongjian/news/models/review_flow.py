"""The 三审 review flow as a table: which verb moves an article from which statuses to which, and
who may take it. The verbs on Article, the pages, the API and the tests all read it."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..choices import ArticleStatus, Stage

S = ArticleStatus
REVIEW_STATUSES = (S.FIRST_REVIEW, S.SECOND_REVIEW, S.FINAL_REVIEW)
STAGE_OF = {S.FIRST_REVIEW: Stage.FIRST, S.SECOND_REVIEW: Stage.SECOND, S.FINAL_REVIEW: Stage.FINAL}
# Who takes a transition, besides the three review stages.
WRITER, EDITOR, REVIEWER, SECURITY, SYSTEM = "writer", "editor", "reviewer", "security", "system"


@dataclass(frozen=True)
class Transition:
    """One row of the flow: which verb moves which statuses where, and who may take it.

    ``actor`` is a Stage (its reviewers), REVIEWER (the reviewers of the stage the article is at),
    WRITER (the author or an admin of the organization), EDITOR (an admin of the organization),
    SECURITY (the security admin) or SYSTEM (the platform's own checks and commands).
    ``target`` None means back to the status the article was held from.
    """

    name: str
    sources: tuple[str, ...]
    target: str | None
    label: str
    actor: str
    comment_required: bool = False


TRANSITIONS = {
    t.name: t
    for t in (
        Transition("submit", (S.DRAFT,), S.FIRST_REVIEW, _("Submit for review"), WRITER),
        Transition("pass_first", (S.FIRST_REVIEW,), S.SECOND_REVIEW, _("Pass the first review"), Stage.FIRST),
        Transition("pass_second", (S.SECOND_REVIEW,), S.FINAL_REVIEW, _("Pass the second review"), Stage.SECOND),
        Transition("publish", (S.FINAL_REVIEW, S.SCHEDULED), S.PUBLISHED, _("Publish now"), Stage.FINAL),
        Transition("schedule", (S.FINAL_REVIEW,), S.SCHEDULED, _("Schedule publication"), Stage.FINAL),
        Transition("send_back", REVIEW_STATUSES, S.DRAFT, _("Return for changes"), REVIEWER, comment_required=True),
        Transition("hold", (S.DRAFT, *REVIEW_STATUSES, S.SCHEDULED), S.HELD, _("Hold for the security admin"), SYSTEM),
        Transition("release", (S.HELD,), None, pgettext_lazy("news review", "Release"), SECURITY),
        Transition("reject", (S.HELD,), S.REJECTED, pgettext_lazy("news review", "Reject"), SECURITY, comment_required=True),
        Transition("withdraw", (S.PUBLISHED, S.SCHEDULED), S.WITHDRAWN, pgettext_lazy("news", "Withdraw"), EDITOR, comment_required=True),
        Transition("correct", (S.PUBLISHED,), S.PUBLISHED, _("Publish a correction"), Stage.FINAL, comment_required=True),
        Transition("take_offline", (S.PUBLISHED,), S.OFFLINE, _("Take offline"), SECURITY, comment_required=True),
        Transition("restore", (S.OFFLINE,), S.PUBLISHED, _("Restore the sealed version"), SECURITY),
        Transition("reopen", (S.REJECTED, S.WITHDRAWN, S.OFFLINE), S.DRAFT, _("Reopen as a draft"), WRITER),
    )
}
DECISIONS = [(name, t.label) for name, t in TRANSITIONS.items()]
# What people do from the pages and the API; holding is the scan's job.
USER_TRANSITIONS = tuple(name for name, t in TRANSITIONS.items() if t.actor != SYSTEM)
# Decisions that pass a review stage: one person makes at most one of them per round.
PASSES = ("pass_first", "pass_second", "publish", "schedule")
