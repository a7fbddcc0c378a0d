"""Helpers of the article tests: the newsroom conftest.py builds on the shared test world, and articles at any status.

    own_org (college 党委, root)   <- org_admin: 复审 and 终审 of a branch article
      └─ own_branch               <- branch_admin: 初审; member: the author
    foreign_org                   <- outsider

plus the alliance admin (终审 anywhere) and the security admin (held and offline articles).
"""

from dataclasses import dataclass

from gongjian.accounts.models import User
from gongjian.lib.testing import World
from gongjian.news.choices import ArticleStatus
from gongjian.news.models.articles import Article

S = ArticleStatus
CLEAN_BODY = "<p>示例学院党委理论学习中心组与结对单位开展专题联学，交流党建工作经验。</p>"
# A term the tests add to the review tier, and the scenario's injected name, which the seeded list blocks.
REVIEW_TERM = "待核查词语"
REVIEW_TEXT = f"本文含有{REVIEW_TERM}一处"
BLOCK_TEXT = "77779193永利官网"


@dataclass
class Newsroom:
    world: World
    author: User
    first: User
    second: User
    final: User
    security: User

    @property
    def people(self):
        return {"author": self.author, "first": self.first, "second": self.second, "final": self.final, "security": self.security}


def make_article(
    newsroom, title="示例学院开展理论联学", summary="结对联学，共促发展。", body=CLEAN_BODY, organization=None, author=None, **fields
):
    article = Article(
        title=title,
        summary=summary,
        body=body,
        organization=organization or newsroom.world.own_branch,
        author=author or newsroom.author,
        **fields,
    )
    article.full_clean()
    article.save()
    return article


# How to reach each status from a fresh draft: (verb, who, extra arguments), in order.
PATHS = {
    S.DRAFT: [],
    S.FIRST_REVIEW: [("submit", "author", {})],
    S.SECOND_REVIEW: [("submit", "author", {}), ("pass_first", "first", {})],
    S.FINAL_REVIEW: [("submit", "author", {}), ("pass_first", "first", {}), ("pass_second", "second", {})],
    S.SCHEDULED: [("submit", "author", {}), ("pass_first", "first", {}), ("pass_second", "second", {}), ("schedule", "final", "future")],
    S.PUBLISHED: [("submit", "author", {}), ("pass_first", "first", {}), ("pass_second", "second", {}), ("publish", "final", {})],
    S.HELD: "held",
    S.REJECTED: "rejected",
    S.WITHDRAWN: [
        *[("submit", "author", {}), ("pass_first", "first", {}), ("pass_second", "second", {}), ("publish", "final", {})],
        ("withdraw", "first", {"comment": "信息有误"}),
    ],
    S.OFFLINE: [
        *[("submit", "author", {}), ("pass_first", "first", {}), ("pass_second", "second", {}), ("publish", "final", {})],
        ("take_offline", "security", {"comment": "核验未通过"}),
    ],
}


def future():
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() + timedelta(days=2)


def call(article, verb, user, extra=None):
    """One verb with the arguments it needs (a reason where one is required, a time for scheduling)."""
    if extra == "future":
        extra = {"publish_at": future()}
    extra = dict(extra or {})
    if verb in ("send_back", "reject", "withdraw", "take_offline", "correct"):
        extra.setdefault("comment", "理由")
    if verb == "schedule":
        extra.setdefault("publish_at", future())
    if verb == "correct":
        extra.setdefault("title", article.title)
        extra.setdefault("summary", article.summary)
        extra.setdefault("body", article.body + "<p>更正：补充一处说明。</p>")
    return getattr(article, verb)(user, **extra)


def at_status(newsroom, status, **fields):
    """An article in ``status``, reached through the real verbs."""
    if status in (S.HELD, S.REJECTED):
        article = make_article(newsroom, summary=REVIEW_TEXT, **fields)
        assert article.status == S.HELD
        if status == S.REJECTED:
            article.reject(newsroom.security, comment="内容不当")
        article.refresh_from_db()
        return article
    article = make_article(newsroom, **fields)
    for verb, who, extra in PATHS[status]:
        call(article, verb, newsroom.people[who], extra)
    article.refresh_from_db()
    assert article.status == status
    return article


def published(newsroom, **fields):
    return at_status(newsroom, S.PUBLISHED, **fields)

