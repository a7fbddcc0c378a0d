"""Whose work a dashboard or report covers: the whole alliance, or one organization's subtree.

Alliance admins may look at the whole alliance or at any organization's subtree. An org admin
looks at the subtree of an organization they administer (or any organization inside it).
Everyone else has no dashboard: their home is the workbench. A subtree is one path prefix,
so every figure filters with ``path LIKE '/1/7/%'`` instead of a list of ten thousand ids.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from gongjian.lib.access import scope_for
from gongjian.orgs.models import Membership, Organization


@dataclass(frozen=True)
class InsightScope:
    """``root`` None means the whole alliance."""

    root: Organization | None = None

    @property
    def key(self) -> str:
        return str(self.root.uuid) if self.root else ""

    @property
    def label(self) -> str:
        return self.root.name if self.root else _("Whole alliance")

    def orgs(self, field: str = "") -> Q:
        """A Q that keeps rows whose organization (reached through ``field``) lies in the scope."""
        if self.root is None:
            return Q()
        prefix = f"{field}__path__startswith" if field else "path__startswith"
        return Q(**{prefix: self.root.path})

    def contains_path(self, path: str) -> bool:
        return self.root is None or path.startswith(self.root.path)


def may_see_insights(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or getattr(user, "is_alliance_admin", False):
        return True
    return scope_for(user).administers


def administered_roots(user) -> list[Organization]:
    """The organizations a user administers directly (not their descendants): the picker's choices."""
    if not user.is_authenticated or not user.person_id:
        return []
    ids = Membership.objects.current().filter(person_id=user.person_id, role=Membership.Role.ADMIN).values("organization_id")
    return list(Organization.objects.active().filter(pk__in=ids).only("pk", "uuid", "name", "path").order_by("path")[:50])


def scope_from_request(user, org_uuid: str | None) -> InsightScope:
    """The scope a request names (``?org=<uuid>``), checked against the user's rights.

    No dashboard for a user who administers nothing (403); an organization outside the
    user's reach answers 404 like every other foreign object.
    """
    if not may_see_insights(user):
        raise PermissionDenied(_("The dashboard is for alliance and organization administrators."))
    everything = user.is_superuser or getattr(user, "is_alliance_admin", False)
    if not org_uuid:
        if everything:
            return InsightScope(None)
        roots = administered_roots(user)
        if not roots:
            raise PermissionDenied(_("The dashboard is for alliance and organization administrators."))
        return InsightScope(roots[0])
    try:
        root = Organization.objects.active().only("pk", "uuid", "name", "path", "sector").get(uuid=org_uuid)
    except (Organization.DoesNotExist, ValueError, ValidationError) as e:
        raise Http404 from e
    if not everything and not scope_for(user).can_edit(root.pk):
        raise Http404
    return InsightScope(root)
