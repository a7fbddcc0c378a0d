"""What an article leaves behind: its sealed published versions and every step of its review."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..choices import ArticleStatus, Stage
from .review_flow import DECISIONS


class ArticleVersion(models.Model):
    """One published version of an article, kept for good and sealed (gongjian/news/seal.py).

    ``seal`` is an HMAC over the previous version's seal, the article, the number and the sha256
    of the title and sanitised body, so the versions of an article form a chain.
    """

    article = models.ForeignKey("news.Article", verbose_name=_("article"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body"), blank=True)
    correction_note = models.TextField(_("correction note"), blank=True)
    published_at = models.DateTimeField(pgettext_lazy("news", "published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    digest = models.CharField(max_length=64, editable=False)
    prev_seal = models.CharField(max_length=64, blank=True, editable=False)
    seal = models.CharField(_("seal"), max_length=64, editable=False)

    class Meta:
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        ordering = ["article", "number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="news_version_unique_number")]

    def __str__(self):
        return f"{self.title} v{self.number}"


class ReviewStep(models.Model):
    """One step of an article's way to the public: who decided what at which stage, when and why.

    Every transition writes one (the 三审 decisions, holds, releases, withdrawals, corrections);
    ``reviewer`` is empty for the platform's own steps.
    """

    article = models.ForeignKey("news.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="steps")
    round = models.PositiveIntegerField(_("review round"), default=0)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, blank=True)
    decision = models.CharField(_("decision"), max_length=16, choices=DECISIONS)
    from_status = models.CharField(_("from"), max_length=16, choices=ArticleStatus.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=ArticleStatus.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["article", "round"], name="news_step_article_round")]

    def __str__(self):
        return f"{self.article}: {self.decision}"
