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
        from .models import Project

        projects = (
            Project.objects.visible_to(user)
            .involving(organization)
            .filter(archived_at__isnull=True)
            .only("uuid", "title", "track", "period_start", "created_at", "lead_id")
            .order_by("-created_at")
        )
        entries = []
        for project in projects:
            role = _("Lead") if project.lead_id == organization.pk else _("Partner")
            entries.append(
                {
                    "date": project.period_start or project.created_at.date(),
                    "kind": "project",
                    "title": f"{project.title}（{role}）",
                    "url": project.get_absolute_url(),
                    "track": project.track,
                }
            )
        return entries
