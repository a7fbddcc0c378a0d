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
        from . import signals  # noqa: F401  (importing connects the handlers)

    def org_timeline(self, organization, user, limit=200):
        """Activities the organization hosted, co-hosted or took part in (its members registered), newest first.

        Two queries whatever the number of activities: the organization's activity ids
        (a UNION over three indexed look-ups, so the database need not scan every
        activity), then those the user may see, as plain values.
        """
        import uuid

        from django.db import models
        from django.urls import reverse

        from .choices import COUNTED_STATUSES, ActivityKind
        from .models import Activity, Registration

        cohosted = Activity.co_hosts.through.objects.filter(organization=organization)
        attended = Registration.objects.filter(organization=organization, status__in=COUNTED_STATUSES)
        # No ORDER BY inside a compound statement (SQLite refuses it), hence the empty order_by()s.
        ids = list(
            Activity.objects.filter(host=organization)
            .order_by()
            .values_list("pk", flat=True)
            .union(cohosted.order_by().values_list("activity_id", flat=True), attended.order_by().values_list("activity_id", flat=True))
        )
        rows = (
            Activity.objects.active()
            .visible_to(user)
            .filter(pk__in=ids)
            .annotate(is_cohost=models.Exists(cohosted.filter(activity=models.OuterRef("pk"))))
            .order_by("-starts_at", "-pk")
            .values("uuid", "title", "track", "kind", "starts_at", "host_id", "cancelled_at", "is_cohost")[:limit]
        )
        # One reverse() for all rows: the URL differs only by the UUID.
        placeholder = uuid.UUID(int=0)
        url = reverse("activities:detail", kwargs={"uuid": placeholder})
        kinds = {value: str(label) for value, label in ActivityKind.choices}
        labels = {"hosted": str(_("Hosted")), "co_hosted": str(_("Co-hosted")), "attended": str(_("Took part"))}
        entries = []
        for row in rows:
            role = "hosted" if row["host_id"] == organization.pk else "co_hosted" if row["is_cohost"] else "attended"
            entries.append(
                {
                    "date": row["starts_at"],
                    "kind": "activity",
                    "title": row["title"],
                    "url": url.replace(str(placeholder), str(row["uuid"])),
                    "track": row["track"],
                    "role": role,
                    "role_label": labels[role],
                    "activity_kind": kinds.get(row["kind"], row["kind"]),
                    "cancelled": row["cancelled_at"] is not None,
                }
            )
        return entries
