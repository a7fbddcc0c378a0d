from .projects import Milestone, Outcome, Project, ProjectEvent, involved_org_ids
from .tasks import MAX_WEIGHT, Task, TaskEvent, TaskEvidence

__all__ = [
    "MAX_WEIGHT",
    "Milestone",
    "Outcome",
    "Project",
    "ProjectEvent",
    "Task",
    "TaskEvent",
    "TaskEvidence",
    "involved_org_ids",
]
