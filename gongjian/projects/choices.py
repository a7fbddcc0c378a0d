from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    PLANNING = "planning", _("Planning")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    ARCHIVED = "archived", _("Archived")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLAIMED = "claimed", _("Claimed")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


# The board shows the columns in the order work moves through them.
BOARD_COLUMNS = (TaskStatus.OPEN, TaskStatus.CLAIMED, TaskStatus.SUBMITTED, TaskStatus.RETURNED, TaskStatus.ACCEPTED)


class OutcomeKind(models.TextChoices):
    TEXT = "text", _("Text")
    PHOTO = "photo", _("Photo")
    FILE = "file", _("File")


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    FILE = "file", _("File")


class TaskAction(models.TextChoices):
    """What happened to a task; one history row per change."""

    CREATE = "create", _("Created")
    CLAIM = "claim", _("Claimed")
    SUBMIT = "submit", _("Submitted")
    ACCEPT = "accept", _("Accepted")
    RETURN = "return", _("Returned")
    RELEASE = "release", _("Released")
