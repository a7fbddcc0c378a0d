from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongjian.lib.navigation import MenuItem


class ProjectsConfig(AppConfig):
    name = "gongjian.projects"
    label = "projects"
    verbose_name = _("Projects")

    menu = [
        MenuItem("create", _("Project list"), "projects:list", order=30),
        MenuItem("create", _("Task board"), "projects:task_board", order=31),
    ]

    def ready(self):
        from . import signals  # noqa: F401  (importing connects the handlers)

    def org_timeline(self, organization, user):
        """Projects the organization leads or partners, as timeline entries; two queries whatever the count."""
        from django.db.models import OuterRef, Subquery

        from .choices import ProjectStatus
        from .models import Project, ProjectEvent

        # When work started (its effective date): a project entered after the fact was created today.
        started = ProjectEvent.objects.filter(project=OuterRef("pk"), to_status=ProjectStatus.ACTIVE).order_by("created_at").values("created_at")
        projects = (
            Project.objects.visible_to(user)
            .involving(organization)
            .filter(archived_at__isnull=True)
            .only("uuid", "title", "track", "period_start", "created_at", "lead_id")
            .annotate(started=Subquery(started[:1]))
            .order_by("-created_at")
        )
        entries = []
        for project in projects:
            role = _("Lead") if project.lead_id == organization.pk else _("Partner")
            entries.append(
                {
                    "date": project.period_start or project.started or project.created_at,
                    "kind": "project",
                    "title": f"{project.title}（{role}）",
                    "url": project.get_absolute_url(),
                    "track": project.track,
                }
            )
        return entries
