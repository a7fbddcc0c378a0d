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


class HelpKind(models.TextChoices):
    """What a need seeks or a resource offers; matching pairs an offer of X with a need for X."""

    PEOPLE = "people", pgettext_lazy("help kind", "People")  # 人力（志愿者、人才）
    SPACE = "space", pgettext_lazy("help kind", "Space")  # 场地
    EXPERTISE = "expertise", pgettext_lazy("help kind", "Expertise")  # 专业知识、技术
    FUNDS = "funds", pgettext_lazy("help kind", "Funds or goods")  # 资金、物资
    SERVICES = "services", pgettext_lazy("help kind", "Services")  # 服务


class ServiceArea(models.TextChoices):
    """How far a resource reaches from its region: the region of that level containing it."""

    COMMUNITY = "community", pgettext_lazy("service area", "Its community or village")
    STREET = "street", pgettext_lazy("service area", "Its whole street or town")
    DISTRICT = "district", pgettext_lazy("service area", "Its whole district or county")
    CITY = "city", pgettext_lazy("service area", "The whole city")

    @property
    def level(self) -> int:
        """The RegionLevel of the area."""
        from .matching.factors import AREA_LEVEL

        return AREA_LEVEL[self.value]
