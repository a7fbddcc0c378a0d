from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongjian.lib.navigation import MenuItem


class ActivitiesConfig(AppConfig):
    name = "gongjian.activities"
    label = "activities"
    verbose_name = _("Activities")

    menu = [
        MenuItem("study", _("Joint study activities"), "activities:study", order=10),
        MenuItem("study", _("Activity calendar"), "activities:calendar", order=20),
        MenuItem("study", _("Lecture series"), "activities:series_list", order=30),
        MenuItem("study", _("My activities"), "activities:mine", visible=lambda user: bool(user.person_id), order=40),
        MenuItem("build", _("Joint building activities"), "activities:build", order=10),
        MenuItem("create", _("Joint project activities"), "activities:create_track", order=40),
    ]

    def ready(self):
        from . import signals  # noqa: F401

    def org_timeline(self, organization, user, limit=200):
        """Activities the organization hosted, co-hosted or took part in (its members registered), newest first.

        One query whatever the number of activities: the role is computed by the database.
        """
        from django.db import models

        from .choices import COUNTED_STATUSES
        from .models import Activity, Registration

        cohosted = Activity.co_hosts.through.objects.filter(organization=organization)
        attended = Registration.objects.filter(organization=organization, status__in=COUNTED_STATUSES)
        queryset = (
            Activity.objects.active()
            .visible_to(user)
            .filter(
                models.Q(host=organization)
                | models.Q(pk__in=cohosted.values("activity_id"))
                | models.Q(pk__in=attended.values("activity_id"))
            )
            .annotate(is_cohost=models.Exists(cohosted.filter(activity=models.OuterRef("pk"))))
            .only("uuid", "title", "track", "kind", "starts_at", "host_id", "cancelled_at")
            .order_by("-starts_at", "-pk")[:limit]
        )
        labels = {"hosted": _("Hosted"), "co_hosted": _("Co-hosted"), "attended": _("Took part")}
        entries = []
        for activity in queryset:
            role = "hosted" if activity.host_id == organization.pk else "co_hosted" if activity.is_cohost else "attended"
            entries.append(
                {
                    "date": activity.starts_at,
                    "kind": "activity",
                    "title": activity.title,
                    "url": activity.get_absolute_url(),
                    "track": activity.track,
                    "role": role,
                    "role_label": labels[role],
                    "activity_kind": activity.get_kind_display(),
                    "cancelled": activity.is_cancelled,
                }
            )
        return entries
