from django.db import models
from django.utils.translation import pgettext_lazy

# Status words recur across apps ("Published" is 亮约 for an agreement); a context keeps ours apart.


class NeedStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("need status", "Draft")
    PUBLISHED = "published", pgettext_lazy("need status", "Published")
    CLAIMED = "claimed", pgettext_lazy("need status", "Claimed")
    IN_PROGRESS = "in_progress", pgettext_lazy("need status", "In progress")
    FULFILLED = "fulfilled", pgettext_lazy("need status", "Fulfilled")
    CLOSED = "closed", pgettext_lazy("need status", "Closed")
    EXPIRED = "expired", pgettext_lazy("need status", "Expired")


class ResourceStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("resource status", "Draft")
    PUBLISHED = "published", pgettext_lazy("resource status", "Published")
    CLOSED = "closed", pgettext_lazy("resource status", "Closed")


class ClaimMode(models.TextChoices):
    SINGLE = "single", pgettext_lazy("claim mode", "One claimant")  # 单独领办: one accepted claim at most
    MULTIPLE = "multiple", pgettext_lazy("claim mode", "Several claimants")


class ClaimStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("claim status", "Pending")
    ACCEPTED = "accepted", pgettext_lazy("claim status", "Accepted")
    REJECTED = "rejected", pgettext_lazy("claim status", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("claim status", "Withdrawn")


class ListKind(models.TextChoices):
    NEEDS = "needs", pgettext_lazy("list kind", "Needs list")  # 需求清单
    RESOURCES = "resources", pgettext_lazy("list kind", "Resources list")  # 资源清单
    PROJECTS = "projects", pgettext_lazy("list kind", "Projects list")  # 项目清单
