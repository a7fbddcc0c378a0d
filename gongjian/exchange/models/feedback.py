"""What users say about suggestions: useful or not, kept as evidence to evaluate matching."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjian.lib.access import scope_for
from gongjian.lib.models import TrackedModel


class Verdict(models.TextChoices):
    USEFUL = "useful", pgettext_lazy("suggestion verdict", "Useful")  # 有用
    NOT_USEFUL = "not_useful", pgettext_lazy("suggestion verdict", "Not useful")  # 没用


class ShownOn(models.TextChoices):
    NEED = "need", pgettext_lazy("match tab of", "A need")
    RESOURCE = "resource", pgettext_lazy("match tab of", "A resource")


class SuggestionFeedbackQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Alliance admins read every verdict (to export them); others their own."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self if scope_for(user).everything else self.filter(user=user)

    def editable_by(self, user):
        return self.filter(user=user) if user is not None and user.is_authenticated else self.none()


class SuggestionFeedback(TrackedModel):
    """One user's verdict on one suggested pair (有用 / 没用), on the match tab of the need or of the resource.

    Verdicts never change the ranking by themselves: they are exported as an evaluation set
    (manage.py export_match_feedback) on which a change to matching is measured first.
    """

    Verdict = Verdict
    ShownOn = ShownOn

    need = models.ForeignKey("exchange.Need", verbose_name=_("need"), on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey("exchange.Resource", verbose_name=_("resource"), on_delete=models.CASCADE, related_name="+")
    shown_on = models.CharField(_("shown on"), max_length=16, choices=ShownOn.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+")
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices)
    score = models.FloatField(_("score shown"), null=True, blank=True)

    objects = SuggestionFeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("suggestion feedback")
        verbose_name_plural = _("suggestion feedback")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            # One verdict per user and suggestion: marking again changes it.
            models.UniqueConstraint(fields=["user", "need", "resource", "shown_on"], name="exchange_feedback_one_per_user"),
            models.CheckConstraint(condition=models.Q(verdict__in=Verdict.values), name="exchange_feedback_verdict_valid"),
            models.CheckConstraint(condition=models.Q(shown_on__in=ShownOn.values), name="exchange_feedback_shown_on_valid"),
        ]

    def __str__(self):
        return f"{self.need_id}–{self.resource_id}: {self.verdict}"

    @classmethod
    def mark(cls, user, shown, target, verdict: str, score: float | None = None) -> "SuggestionFeedback":
        """Record ``user``'s verdict on ``target`` suggested on ``shown``'s match tab; again, it replaces the old one."""
        need, resource = (shown, target) if shown._meta.model_name == "need" else (target, shown)
        feedback, _created = cls.objects.update_or_create(
            user=user,
            need=need,
            resource=resource,
            shown_on=shown._meta.model_name,
            defaults={"verdict": verdict, "score": score},
        )
        return feedback
