"""What the review flow tells people, through notifications.notify() (templates under templates/emails/news_*).

Reviewers hear when an article reaches their stage, authors when it comes back, and the security
admins when the scan holds an article or verify_published takes one offline.
"""

from gongjian.accounts.models import User
from gongjian.notifications.sending import notify
from gongjian.orgs.models import Membership


def stage_reviewers(article, stage):
    """The admins of the stage's organization (else of its nearest administered ancestor); for 终审 also the alliance admins."""
    from .choices import Stage

    ids = [*article.organization.ancestor_ids(), article.organization_id]
    index = {Stage.FIRST: len(ids) - 1, Stage.SECOND: max(len(ids) - 2, 0)}.get(stage, 0)
    chain = list(reversed(ids[: index + 1]))
    by_org = {}
    for org_id, person_id in (
        Membership.objects.current()
        .filter(organization_id__in=chain, role=Membership.Role.ADMIN)
        .values_list("organization_id", "person_id")
    ):
        by_org.setdefault(org_id, []).append(person_id)
    people = next((by_org[pk] for pk in chain if pk in by_org), [])
    users = User.objects.filter(person_id__in=people, is_active=True)
    if stage == Stage.FINAL:
        users = users | User.objects.filter(is_alliance_admin=True, is_active=True)
    return [user for user in users.distinct() if user.pk != article.author_id]


def security_admins():
    return list(User.objects.filter(admin_role="security", is_active=True))


def review_needed(article, stage):
    from .choices import Stage

    notify(
        stage_reviewers(article, stage),
        "news_review_needed",
        {"article": article, "stage": Stage(stage).label},
        url=article.get_absolute_url(),
    )


def returned(article, comment):
    notify(
        [article.author],
        "news_returned",
        {"article": article, "comment": comment, "status": article.get_status_display()},
        url=article.get_absolute_url(),
    )


def held(article):
    notify(security_admins(), "news_held", {"article": article, "findings": article.findings}, url=article.get_absolute_url())


def taken_offline(article, problems):
    notify(security_admins(), "news_offline", {"article": article, "problems": problems}, url=article.get_absolute_url())
