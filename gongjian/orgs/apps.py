from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongjian.lib.navigation import MenuItem


class OrgsConfig(AppConfig):
    name = "gongjian.orgs"
    label = "orgs"
    verbose_name = _("Organizations and people")

    menu = [
        MenuItem("orgs", _("Organization directory"), "orgs:organization_list", order=10),
        MenuItem("orgs", _("Organization tree"), "orgs:organization_tree", order=20),
        MenuItem("orgs", _("People"), "orgs:person_list", order=30),
        MenuItem("orgs", _("Expert pool"), "orgs:speaker_list", order=40),
        MenuItem("orgs", _("Regions"), "orgs:region_tree", order=50),
    ]

    def org_timeline(self, organization, user):
        """The organization's own milestones: founded here, sub-organizations, people joining."""
        from django.utils.translation import gettext

        from .models import Membership

        entries = [
            {
                "date": organization.created_at,
                "kind": "organization",
                "title": gettext("%(name)s joined the platform") % {"name": organization.name},
                "url": organization.get_absolute_url(),
                "track": "",
            }
        ]
        for child in organization.children.active().only("uuid", "name", "created_at"):
            entries.append(
                {
                    "date": child.created_at,
                    "kind": "organization",
                    "title": gettext("Sub-organization %(name)s added") % {"name": child.name},
                    "url": child.get_absolute_url(),
                    "track": "build",
                }
            )
        memberships = Membership.objects.filter(organization=organization, joined_on__isnull=False).select_related("person")
        for membership in memberships:
            entries.append(
                {
                    "date": membership.joined_on,
                    "kind": "membership",
                    "title": gettext("%(person)s joined as %(role)s")
                    % {"person": membership.person.name, "role": membership.get_role_display()},
                    "url": organization.get_absolute_url() + "?tab=members",
                    "track": "",
                }
            )
        return entries
