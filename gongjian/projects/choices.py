from django.db import models
from django.utils.translation import pgettext_lazy


class ProjectStatus(models.TextChoices):
    PLANNING = "planning", pgettext_lazy("project status", "Planning")
    ACTIVE = "active", pgettext_lazy("project status", "Active")
    COMPLETED = "completed", pgettext_lazy("project status", "Completed")
    ARCHIVED = "archived", pgettext_lazy("project status", "Archived")


class TaskStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("task status", "Open")
    CLAIMED = "claimed", pgettext_lazy("task status", "Claimed")
    SUBMITTED = "submitted", pgettext_lazy("task status", "Submitted")
    ACCEPTED = "accepted", pgettext_lazy("task status", "Accepted")
    RETURNED = "returned", pgettext_lazy("task status", "Returned")


# The board shows the columns in the order work moves through them.
BOARD_COLUMNS = (TaskStatus.OPEN, TaskStatus.CLAIMED, TaskStatus.SUBMITTED, TaskStatus.RETURNED, TaskStatus.ACCEPTED)


class OutcomeKind(models.TextChoices):
    TEXT = "text", pgettext_lazy("outcome kind", "Text")
    PHOTO = "photo", pgettext_lazy("outcome kind", "Photo")
    FILE = "file", pgettext_lazy("outcome kind", "File")


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", pgettext_lazy("evidence kind", "Photo")
    FILE = "file", pgettext_lazy("evidence kind", "File")


class TaskAction(models.TextChoices):
    """What happened to a task; one history row per change."""

    CREATE = "create", pgettext_lazy("task action", "Created")
    CLAIM = "claim", pgettext_lazy("task action", "Claimed")
    SUBMIT = "submit", pgettext_lazy("task action", "Submitted")
    ACCEPT = "accept", pgettext_lazy("task action", "Accepted")
    RETURN = "return", pgettext_lazy("task action", "Returned")
    RELEASE = "release", pgettext_lazy("task action", "Released")
