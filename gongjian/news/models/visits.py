"""View counts (浏览次数) of public articles: one per visitor and day, and no personal data kept.

A visitor is a salted HMAC of address and browser. The salt is random, made for the day and
deleted with the day's visits by ``manage.py publish_scheduled``, after which no hash can be
linked to an address again.
"""

import hashlib
import hmac
import secrets

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongjian.lib.middleware import client_ip

from .articles import Article


class VisitSalt(models.Model):
    """The random salt of one day's visitor hashes; deleted with the day's visits, after which no
    hash can be linked to an address again."""

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("visit salt")
        verbose_name_plural = _("visit salts")

    def __str__(self):
        return str(self.day)

    @classmethod
    def for_day(cls, day) -> str:
        salt = cls.objects.filter(day=day).values_list("salt", flat=True).first()
        if salt is None:
            try:
                with transaction.atomic():
                    salt = cls.objects.create(day=day, salt=secrets.token_hex(32)).salt
            except IntegrityError:  # another request made today's salt first
                salt = cls.objects.get(day=day).salt
        return salt


class ArticleVisit(models.Model):
    """One visitor counted for one article on one day: a salted hash of address and browser, no personal data.

    Rows live only for the day; ``manage.py publish_scheduled`` deletes older ones with their salt.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    visitor = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("article visit")
        verbose_name_plural = _("article visits")
        constraints = [models.UniqueConstraint(fields=["article", "day", "visitor"], name="news_visit_once_a_day")]
        indexes = [models.Index(fields=["day"], name="news_visit_day")]

    def __str__(self):
        return f"{self.article_id} {self.day}"

    @classmethod
    def count(cls, article_id, request) -> bool:
        """Count this visitor once today; True when it was the first time."""
        day = timezone.localdate()
        key = VisitSalt.for_day(day).encode()
        agent = request.META.get("HTTP_USER_AGENT", "")
        visitor = hmac.new(key, f"{client_ip(request)}|{agent}".encode(), hashlib.sha256).hexdigest()
        try:
            with transaction.atomic():
                cls.objects.create(article_id=article_id, day=day, visitor=visitor)
        except IntegrityError:
            return False
        # Not through save(): a view is no edit, and updated_at drives the page's Last-Modified.
        Article.objects.filter(pk=article_id).update(view_count=F("view_count") + 1)
        return True

    @classmethod
    def purge(cls, today=None) -> int:
        today = today or timezone.localdate()
        deleted, _ = cls.objects.filter(day__lt=today).delete()
        VisitSalt.objects.filter(day__lt=today).delete()
        return deleted
