from django.db import models
from django.utils.translation import gettext_lazy as _


class NeedStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLAIMED = "claimed", _("Claimed")
    IN_PROGRESS = "in_progress", _("In progress")
    FULFILLED = "fulfilled", _("Fulfilled")
    CLOSED = "closed", _("Closed")
    EXPIRED = "expired", _("Expired")


class ResourceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class ClaimMode(models.TextChoices):
    SINGLE = "single", _("One claimant")  # 单独领办: one accepted claim at most
    MULTIPLE = "multiple", _("Several claimants")


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ListKind(models.TextChoices):
    NEEDS = "needs", _("Needs list")  # 需求清单
    RESOURCES = "resources", _("Resources list")  # 资源清单
    PROJECTS = "projects", _("Projects list")  # 项目清单
