"""The one access helper every view and API endpoint goes through.

Scope is the set of organizations a user reaches: alliance admins reach
everything, org admins reach the organizations they administer and every
organization below them, members reach the organizations they belong to.
Anything outside the scope answers 404, as if it did not exist.
"""

from dataclasses import dataclass
from functools import cached_property

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404


@dataclass(frozen=True)
class Scope:
    """What a user reaches, kept as the few paths and ids it is made of.

    ``visible`` and ``editable`` are QuerySets of organization ids: a filter such as
    ``organization__in=scope.visible`` becomes a subquery over the tree paths, so its SQL does
    not grow with the subtree. ``can_view``/``can_edit`` test one id in Python against the ids,
    read once.
    """

    everything: bool
    # The paths of the organizations the user administers; each reaches its whole subtree.
    admin_paths: tuple[str, ...] = ()
    member_ids: frozenset[int] = frozenset()
    # Organizations above the user's own (from their membership paths, no extra query):
    # an activity for a parent organization reaches the members of its branches.
    ancestors: frozenset[int] = frozenset()

    def _organization_ids(self, q):
        Organization = apps.get_model("orgs", "Organization")
        return Organization.objects.filter(q).order_by().values_list("pk", flat=True)

    def _subtrees(self):
        q = models.Q(pk__in=[])
        for path in self.admin_paths:
            q |= models.Q(path__startswith=path)
        return q

    def organizations_q(self, editable=False) -> models.Q:
        """The condition on an organization's own row (its path, its id) for being in scope:
        for filtering or annotating organizations without a subquery."""
        return self._subtrees() if editable else self._subtrees() | models.Q(pk__in=self.member_ids)

    @cached_property
    def editable(self):
        return self._organization_ids(self._subtrees())

    @cached_property
    def visible(self):
        return self._organization_ids(self._subtrees() | models.Q(pk__in=self.member_ids))

    @cached_property
    def reach(self):
        """The visible organizations and every organization above them."""
        return self._organization_ids(self._subtrees() | models.Q(pk__in=self.member_ids | self.ancestors))

    @property
    def administers(self) -> bool:
        return self.everything or bool(self.admin_paths)

    @property
    def belongs(self) -> bool:
        """Whether the user reaches any organization at all."""
        return self.everything or bool(self.admin_paths or self.member_ids)

    @cached_property
    def visible_ids(self) -> frozenset[int]:
        """The visible ids read once, for tests of one id at a time in Python."""
        return frozenset(self.visible)

    @cached_property
    def editable_ids(self) -> frozenset[int]:
        return frozenset(self.editable)

    def can_view(self, org_id) -> bool:
        return self.everything or org_id in self.visible_ids

    def can_edit(self, org_id) -> bool:
        return self.everything or org_id in self.editable_ids


NOBODY = Scope(False)


def scope_for(user) -> Scope:
    """Computed once per user object (so once per request), from one query of memberships."""
    if user is None or not user.is_authenticated:
        return NOBODY
    cached = getattr(user, "_gongjian_scope", None)
    if cached is not None:
        return cached
    if user.is_superuser or getattr(user, "is_alliance_admin", False):
        scope = Scope(True)
    elif not user.person_id:
        scope = NOBODY
    else:
        Membership = apps.get_model("orgs", "Membership")
        rows = list(
            Membership.objects.current()
            .filter(person_id=user.person_id, organization__archived_at__isnull=True)
            .values_list("organization_id", "organization__path", "role")
        )
        admin_paths = tuple(sorted({path for _, path, role in rows if role == Membership.Role.ADMIN}))
        member_ids = frozenset(org_id for org_id, _, _ in rows)
        ancestors = set()
        for _, path, _ in rows:
            parts = [part for part in path.strip("/").split("/") if part]
            for depth, part in enumerate(parts[:-1], start=1):
                # An ancestor inside an administered subtree is visible already.
                if not any(f"/{'/'.join(parts[:depth])}/".startswith(admin) for admin in admin_paths):
                    ancestors.add(int(part))
        scope = Scope(False, admin_paths, member_ids, frozenset(ancestors - member_ids))
    user._gongjian_scope = scope
    return scope


class ScopedQuerySet(models.QuerySet):
    """QuerySets of scoped models expose visible_to(user) and editable_by(user).

    ``scope_lookup`` is the path from the model to an organization id; a
    multi-valued path is filtered through a subquery so rows do not repeat.
    """

    scope_lookup = "organization"
    scope_multi = False

    def _in_scope(self, ids):
        lookup = {f"{self.scope_lookup}__in": ids}
        if self.scope_multi:
            return self.filter(pk__in=self.model._base_manager.filter(**lookup).values("pk"))
        return self.filter(**lookup)

    def visible_to(self, user):
        scope = scope_for(user)
        return self if scope.everything else self._in_scope(scope.visible)

    def editable_by(self, user):
        scope = scope_for(user)
        return self if scope.everything else self._in_scope(scope.editable)


def get_object_for(user, model, action="view", queryset=None, **lookup):
    """Fetch one object the user may act on.

    Outside the user's scope: 404. Visible but not editable for a change: 403,
    because the user already knows the object exists.
    """
    base = queryset if queryset is not None else model._default_manager.all()
    try:
        obj = base.visible_to(user).get(**lookup)
    except (model.DoesNotExist, ValueError, ValidationError) as e:
        raise Http404 from e
    if action != "view" and not base.editable_by(user).filter(pk=obj.pk).exists():
        raise PermissionDenied
    return obj
