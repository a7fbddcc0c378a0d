from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RegionLevel(models.IntegerChoices):
    CITY = 1, _("City")  # 市 / 省
    DISTRICT = 2, _("District or county")  # 区县
    STREET = 3, _("Street or town")  # 街镇
    COMMUNITY = 4, _("Community or village")  # 居村


class Sector(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    SCHOOL = "school", _("School")
    ENTERPRISE = "enterprise", _("Enterprise")
    SOCIAL = "social", _("Social organization")
    OTHER = "other", _("Other")


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")  # 党委
    WORKING_COMMITTEE = "working_committee", _("Party working committee")  # 党工委
    LEADING_GROUP = "leading_group", _("Party leadership group")  # 党组
    GENERAL_BRANCH = "general_branch", _("General party branch")  # 党总支
    BRANCH = "branch", _("Party branch")  # 党支部
    JOINT_BRANCH = "joint_branch", _("Joint party branch")  # 联合党支部
    STUDIO = "studio", _("Studio")  # 工作室
    OTHER = "other", _("Other")


class OrgStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACTIVE = "active", pgettext_lazy("organization status", "Active")
    SUSPENDED = "suspended", _("Suspended")


class MembershipRole(models.TextChoices):
    ADMIN = "admin", _("Organization admin")
    MEMBER = "member", _("Member")
