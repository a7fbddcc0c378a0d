"""Who may register whom, cancel and check in, on top of lib.access scopes."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from gongjian.lib.access import scope_for
from gongjian.orgs.models import Membership, Organization, Person


def can_manage(user, activity) -> bool:
    """Organizers: admins of the host organization (or above it) and alliance admins."""
    return activity.can_edit(user)


def can_register_group(user) -> bool:
    scope = scope_for(user)
    return scope.administers


def group_organizations(user):
    """Organizations whose members the user may register as a group."""
    return Organization.objects.active().editable_by(user)


def group_candidates(organization):
    """Current members of an organization and of the organizations below it."""
    members = Membership.objects.current().filter(organization__path__startswith=organization.path)
    return Person.objects.active().filter(pk__in=members.values("person_id")).order_by("name", "pk")


def check_registration(user, activity, people, organization=None):
    """Raise unless the user may register these people for this activity.

    A member registers themselves; an org admin registers members of an
    organization they administer (or below it). The caller has already
    checked that the activity is visible to the user.
    """
    if not people:
        raise ValidationError(_("Choose at least one person to register."))
    if organization is None:
        if len(people) == 1 and user.person_id == people[0].pk:
            return
        raise PermissionDenied(_("Only an organization admin can register other people, and only for an organization."))
    if not scope_for(user).can_edit(organization.pk):
        raise PermissionDenied(_("You do not administer %(org)s.") % {"org": organization})
    allowed = set(group_candidates(organization).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True))
    outside = [p.name for p in people if p.pk not in allowed]
    if outside:
        raise ValidationError(_("Not current members of %(org)s: %(names)s.") % {"org": organization, "names": "、".join(outside)})


def can_cancel(user, registration) -> bool:
    scope = scope_for(user)
    return (
        scope.everything
        or (user.person_id is not None and user.person_id == registration.person_id)
        or (registration.organization_id is not None and scope.can_edit(registration.organization_id))
        or scope.can_edit(registration.activity.host_id)
    )
