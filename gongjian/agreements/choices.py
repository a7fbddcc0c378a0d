from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AgreementStatus(models.TextChoices):
    """契约化共建: 谈约 → 签约 → 亮约 → 履约 → 评约, then one of the three endings."""

    DRAFT = "draft", _("Negotiating")  # 谈约
    SIGNED = "signed", _("Signed")  # 签约
    PUBLISHED = "published", _("Published")  # 亮约
    PERFORMING = "performing", _("Performing")  # 履约
    EVALUATED = "evaluated", _("Evaluated")  # 评约
    EXPIRED = "expired", _("Expired")
    RENEWED = "renewed", _("Renewed")
    TERMINATED = "terminated", _("Terminated")


# Statuses whose agreement is shown on its public page (亮约 onwards, until it ends).
PUBLIC_STATUSES = (AgreementStatus.PUBLISHED, AgreementStatus.PERFORMING, AgreementStatus.EVALUATED)
# Statuses in which an agreement is in force and counts as active.
ACTIVE_STATUSES = (AgreementStatus.SIGNED, *PUBLIC_STATUSES)
# Statuses after which nothing may change any more.
FINAL_STATUSES = (AgreementStatus.EXPIRED, AgreementStatus.RENEWED, AgreementStatus.TERMINATED)


class PairingStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("agreement status", "Active")
    ENDED = "ended", _("Ended")


class AllianceKind(models.TextChoices):
    ALLIANCE = "alliance", _("Alliance")  # 联盟
    MICRO = "micro", _("Micro-alliance")  # 微联盟
    GROUP = "group", _("Group")  # 组团


class BaseKind(models.TextChoices):
    LABOUR = "labour", _("Labour education")  # 劳动教育
    PRACTICE = "practice", _("Social practice")  # 社会实践
    INTERNSHIP = "internship", _("Employment internship")  # 就业见习
    RED = "red", _("Red education")  # 红色教育
    OTHER = "other", _("Other")  # 其他


class HonorKind(models.TextChoices):
    HONOR = "honor", _("Honour")  # 荣誉
    APPOINTMENT = "appointment", _("Appointment")  # 聘任


class HonorLevel(models.TextChoices):
    NATIONAL = "national", _("National")  # 国家
    PROVINCIAL = "provincial", _("Provincial or municipal")  # 省市
    DISTRICT = "district", _("District")  # 区
    SCHOOL = "school", pgettext_lazy("level", "School")  # 校
