from django.db import models
from django.utils.translation import gettext_lazy as _


class Track(models.TextChoices):
    """The three working methods; every activity, agreement and project carries one."""

    STUDY = "study", _("Joint study")  # 理论联学
    BUILD = "build", _("Joint building")  # 组织联建
    CREATE = "create", _("Joint projects")  # 项目联创


class ActivityKind(models.TextChoices):
    LECTURE = "lecture", _("Theory lecture")  # 理论宣讲
    PAIRED_STUDY = "paired_study", _("Paired study")  # 结对联学
    TOPICAL_STUDY = "topical_study", _("Topical joint study")  # 专题联学
    ROUNDTABLE = "roundtable", _("Roundtable")  # 圆桌交流
    RESEARCH_VISIT = "research_visit", _("Research visit")  # 调研走访
    GROUP_SERVICE = "group_service", _("Group service / special session")  # 组团服务/专场活动
    SIGNING = "signing", _("Signing ceremony")  # 签约仪式
    PARTY_DAY = "party_day", _("Themed party day")  # 主题党日
    VOLUNTEERING = "volunteering", _("Volunteer service")  # 志愿服务
    OTHER = "other", _("Other")  # 其他


class RegistrationStatus(models.TextChoices):
    """CiviCRM-style counted statuses: only registered and attended take a place."""

    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("Waitlisted")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("No-show")


# Statuses that occupy a place against the activity's capacity.
COUNTED_STATUSES = (RegistrationStatus.REGISTERED, RegistrationStatus.ATTENDED)
