"""The choices of the newsroom: article statuses, categories and review stages."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("article status", "Draft")
    FIRST_REVIEW = "first_review", pgettext_lazy("article status", "Awaiting first review")
    SECOND_REVIEW = "second_review", pgettext_lazy("article status", "Awaiting second review")
    FINAL_REVIEW = "final_review", pgettext_lazy("article status", "Awaiting final review")
    SCHEDULED = "scheduled", pgettext_lazy("article status", "Scheduled")
    PUBLISHED = "published", pgettext_lazy("article status", "Published")
    HELD = "held", pgettext_lazy("article status", "Held for security review")
    REJECTED = "rejected", pgettext_lazy("article status", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("article status", "Withdrawn")
    OFFLINE = "offline", pgettext_lazy("article status", "Taken offline")


class Category(models.TextChoices):
    WORK = "work", _("Work news (工作动态)")
    STUDY = "study", _("Theory study (理论学习)")
    SHOWCASE = "showcase", _("Co-building highlights (共建风采)")
    MEDIA = "media", _("Media coverage (媒体报道)")


class Stage(models.TextChoices):
    FIRST = "first", _("First review (初审)")
    SECOND = "second", _("Second review (复审)")
    FINAL = "final", _("Final review (终审)")
    SECURITY = "security", _("Security review")
