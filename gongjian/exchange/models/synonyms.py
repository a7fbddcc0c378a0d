"""Synonym groups alliance admins add to the matching thesaurus (同义词)."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongjian.lib.models import TrackedModel
from gongjian.lib.text import normalize

from .base import CategoryQuerySet

SEPARATORS = re.compile(r"[\s,，、;；/]+")
MAX_WORD = 20


def split_words(text: str) -> list[str]:
    """The distinct words of a group as typed (spaces, commas or 、 between them), normalized."""
    return list(dict.fromkeys(word for word in SEPARATORS.split(normalize(text)) if word))


class SynonymGroupQuerySet(CategoryQuerySet):
    """The thesaurus belongs to the alliance, like the taxonomy: members read it, only alliance admins change it."""


class SynonymGroup(TrackedModel):
    """Words people use for the same thing (残疾人 / 残障人士): a need using one is also matched to offers using another.

    These extend the thesaurus shipped with the code (gongjian/exchange/matching/synonyms.txt) and
    take effect at the next suggestion; a synonym counts for less than the literal word.
    """

    words = models.CharField(
        _("words"), max_length=300, help_text=_("Two or more words for the same thing, separated by spaces, e.g. 残疾人 残障人士.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = SynonymGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")
        ordering = ["words"]
        constraints = [models.UniqueConstraint(fields=["words"], name="exchange_synonym_group_words_unique")]

    def __str__(self):
        return self.words

    def clean(self):
        words = split_words(self.words)
        if len(words) < 2:
            raise ValidationError({"words": _("A group needs at least two different words.")})
        if any(len(word) > MAX_WORD for word in words):
            raise ValidationError({"words": _("Each word may have at most %(max)d characters.") % {"max": MAX_WORD}})
        # Stored one way, so the same group typed twice is caught by the unique constraint.
        self.words = " ".join(words)

    def get_absolute_url(self):
        return reverse("exchange:synonym_list")
