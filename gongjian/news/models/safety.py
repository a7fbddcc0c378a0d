"""The content-safety scan's lists, maintained by the security admin and alliance admins.

The scanner itself (``gongjian/news/safety/``) reads the active rows once per batch of
scans; nothing here is cached between requests.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjian.lib.models import TrackedModel


def may_manage_safety(user) -> bool:
    """The lists are access policy (SECURITY.md item 13): the security admin runs them, and
    alliance admins may too because they answer for what the alliance publishes."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or user.is_alliance_admin or user.is_security_admin


class SafetyListQuerySet(models.QuerySet):
    # Not scoped by organization: whoever may manage the lists sees all of them and nobody
    # else sees any (a readable term list teaches spammers what to avoid).
    def visible_to(self, user):
        return self if may_manage_safety(user) else self.none()

    def editable_by(self, user):
        return self.visible_to(user)


class SafetyTermQuerySet(SafetyListQuerySet):
    def active(self):
        return self.filter(is_active=True)


def _check_normalised(value, field, minimum=2):
    from gongjian.news.safety.normalise import normalise_term

    if len(normalise_term(value)) < minimum:
        raise ValidationError(
            {field: _("Needs at least %(count)d letters or characters besides spaces and punctuation.") % {"count": minimum}}
        )


class SafetyTerm(TrackedModel):
    """A word or phrase the content-safety scan looks for in everything the public can see.

    A *term* is flagged wherever it appears (after normalisation). A *brand* such as 永利 or
    金沙 is a real word in many place names, so it is flagged only inside an SEO-injection
    pattern: after a run of digits ("77779193永利") or before 官网, 娱乐, 平台 and the like.
    """

    class Kind(models.TextChoices):
        TERM = "term", pgettext_lazy("safety term kind", "Term")  # not 期限, the term of an agreement
        BRAND = "brand", _("Brand")

    class Tier(models.TextChoices):
        BLOCK = "block", _("Block")
        REVIEW = "review", _("Hold for review")

    class Category(models.TextChoices):
        GAMBLING = "gambling", _("Gambling")
        PORN = "porn", _("Pornography")
        FRAUD = "fraud", _("Fraud")
        OTHER = "other", _("Other")

    term = models.CharField(pgettext_lazy("safety", "term"), max_length=64)
    kind = models.CharField(
        _("kind"),
        max_length=8,
        choices=Kind.choices,
        default=Kind.TERM,
        help_text=_("A brand is flagged only after a number or before 官网, 娱乐, 平台 and similar words."),
    )
    tier = models.CharField(_("tier"), max_length=8, choices=Tier.choices, default=Tier.BLOCK)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, default=Category.GAMBLING)
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = SafetyTermQuerySet.as_manager()

    class Meta:
        verbose_name = _("safety term")
        verbose_name_plural = _("safety terms")
        ordering = ["category", "term"]
        constraints = [
            models.UniqueConstraint(
                Lower("term"), name="news_safetyterm_unique_term", violation_error_message=_("This term is already on the list.")
            ),
            models.CheckConstraint(condition=models.Q(kind__in=["term", "brand"]), name="news_safetyterm_kind_valid"),
            models.CheckConstraint(condition=models.Q(tier__in=["block", "review"]), name="news_safetyterm_tier_valid"),
        ]

    def __str__(self):
        return self.term

    def get_absolute_url(self):
        return reverse("news:safety_term_list")

    def clean(self):
        from gongjian.news.safety.normalise import normalise_term

        self.term = self.term.strip()
        _check_normalised(self.term, "term")
        # 永利官網 and 永利官网 are one term to the scan: refuse the second spelling.
        key = normalise_term(self.term)
        for other in SafetyTerm.objects.exclude(pk=self.pk).values_list("term", flat=True):
            if normalise_term(other) == key:
                raise ValidationError({"term": _("The list already has this term as “%(term)s”.") % {"term": other}})


class AllowedPhrase(TrackedModel):
    """A real name that looks like spam (金沙滩社区, 永利路, 澳门大学): findings inside it are dropped."""

    phrase = models.CharField(_("phrase"), max_length=64)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = SafetyListQuerySet.as_manager()

    class Meta:
        verbose_name = _("allowed phrase")
        verbose_name_plural = _("allowed phrases")
        ordering = ["phrase"]
        constraints = [
            models.UniqueConstraint(
                Lower("phrase"), name="news_allowedphrase_unique_phrase", violation_error_message=_("This phrase is already on the list.")
            )
        ]

    def __str__(self):
        return self.phrase

    def get_absolute_url(self):
        return reverse("news:safety_phrase_list")

    def clean(self):
        self.phrase = self.phrase.strip()
        _check_normalised(self.phrase, "phrase")


DOMAIN_RE = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


def clean_domain(value: str) -> str:
    """``https://WWW.Example.cn/path`` → ``www.example.cn``; internationalised names in their xn-- form."""
    value = value.strip().lower()
    value = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value)
    value = re.split(r"[/?#:]", value, maxsplit=1)[0].strip(".")
    try:
        value = value.encode("idna").decode("ascii")
    except UnicodeError:
        return ""
    return value if DOMAIN_RE.match(value) else ""


class AllowedDomain(TrackedModel):
    """A domain the alliance links to (its own sites, government and news sites); its subdomains are allowed too."""

    domain = models.CharField(_("domain"), max_length=253, unique=True, error_messages={"unique": _("This domain is already on the list.")})
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = SafetyListQuerySet.as_manager()

    class Meta:
        verbose_name = _("allowed domain")
        verbose_name_plural = _("allowed domains")
        ordering = ["domain"]

    def __str__(self):
        return self.domain

    def get_absolute_url(self):
        return reverse("news:safety_domain_list")

    def clean(self):
        domain = clean_domain(self.domain)
        if not domain:
            raise ValidationError({"domain": _("Enter a domain such as www.gov.cn.")})
        self.domain = domain
