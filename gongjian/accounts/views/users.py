"""User administration under 三员分立.

The system administrator creates, edits, resets and (de)activates accounts;
the security administrator assigns roles; the audit administrator only reads.
The superuser (break-glass) may do all of it. Alliance admins run the
alliance's business, not its accounts, and get 403 here like everyone else.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from gongjian.audit.models import Action
from gongjian.audit.recording import record
from gongjian.lib.middleware import mark_no_store
from gongjian.lib.views import ObjectEditView, ObjectListView

from .. import tokens, two_factor
from ..filters import UserFilterSet
from ..forms import PasswordResetForm, RoleForm, UserCreateForm, UserEditForm
from ..models import User


def get_user_for(request, uuid, allowed) -> User:
    """The account at ``uuid`` if ``allowed(request.user, target)``; 403 otherwise, 404 if missing."""
    if not request.user.may_view_accounts:
        raise PermissionDenied
    try:
        target = User.objects.select_related("person").get(uuid=uuid)
    except User.DoesNotExist as e:
        raise Http404 from e
    if not allowed(request.user, target):
        raise PermissionDenied
    return target


def finish(request, url):
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def form_page(request, form, title, target, status=200):
    # htmx swaps only 2xx answers, so a form with errors comes back as 200.
    context = {"form": form, "object": target, "title": title}
    template = "generic/partials/form.html" if getattr(request, "htmx", False) else "accounts/user_form.html"
    return render(request, template, context, status=status)


class UserListView(ObjectListView):
    filterset_class = UserFilterSet
    template_name = "accounts/user_list.html"
    table_template_name = "accounts/partials/user_table.html"
    title = gettext_lazy("Users")
    export_columns = (
        (gettext_lazy("Login name"), "username"),
        (pgettext_lazy("person", "Name"), lambda u: u.get_full_name()),
        (gettext_lazy("Email"), "email"),
        (gettext_lazy("Role"), lambda u: u.role_label()),
        (gettext_lazy("Active"), lambda u: _("Yes") if u.is_active else _("No")),
        (gettext_lazy("Last login"), lambda u: u.last_login.replace(tzinfo=None) if u.last_login else ""),
    )

    def get_queryset(self, request):
        if not request.user.may_view_accounts:
            raise PermissionDenied
        return User.objects.select_related("person").order_by("username")

    def get(self, request, *args, **kwargs):
        mark_no_store(request)
        return super().get(request, *args, **kwargs)

    def can_create(self, request):
        return request.user.may_manage_accounts


class UserEditBase(ObjectEditView):
    model = User
    template_name = "accounts/user_form.html"

    def get_object(self, request, **kwargs):
        if "uuid" in kwargs:
            return get_user_for(request, kwargs["uuid"], User.may_manage)
        self.check_create(request)
        return User()

    def check_create(self, request):
        if not request.user.may_manage_accounts:
            raise PermissionDenied

    def render_form(self, request, obj, form):
        title = _("Edit %(name)s") % {"name": obj} if obj.pk else _("New user")
        return form_page(request, form, title, obj if obj.pk else None)


class UserCreateView(UserEditBase):
    form_class = UserCreateForm


class UserEditView(UserEditBase):
    form_class = UserEditForm


@login_required
def user_detail(request, uuid):
    target = get_user_for(request, uuid, lambda user, other: True)
    mark_no_store(request)
    context = {
        "title": str(target),
        "object": target,
        "has_authenticator": two_factor.has_authenticator(target),
        "can_manage": request.user.may_manage(target),
        "can_change_roles": request.user.may_change_roles_of(target),
    }
    return render(request, "accounts/user_detail.html", context)


@login_required
@require_POST
def user_set_active(request, uuid):
    target = get_user_for(request, uuid, User.may_manage)
    active = request.POST.get("active") == "1"
    if target.is_active != active:
        target.is_active = active
        target.save(update_fields=["is_active"])  # the role-change signal records it
    messages.success(request, _("%(name)s is active again.") % {"name": target} if active else _("%(name)s is deactivated.") % {"name": target})
    return redirect(target)


@login_required
def user_reset_password(request, uuid):
    target = get_user_for(request, uuid, User.may_manage)
    form = PasswordResetForm(target, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        record(Action.PASSWORD_CHANGE, target, changes={"reason": "reset_by_admin"}, request=request)
        # Whoever may have had the account's password may have made a token with it too.
        tokens.revoke(target, "password_reset", request=request)
        messages.success(request, _("New initial password set. %(name)s must change it at the next login.") % {"name": target})
        return finish(request, target.get_absolute_url())
    return form_page(request, form, _("Reset the password of %(name)s") % {"name": target}, target)


@login_required
@require_POST
def user_reset_two_factor(request, uuid):
    target = get_user_for(request, uuid, User.may_manage)
    two_factor.reset(target, by=request.user)
    messages.success(request, _("Two-factor authentication of %(name)s was reset; they enrol again at the next login.") % {"name": target})
    return redirect(target)


@login_required
def user_roles(request, uuid):
    target = get_user_for(request, uuid, User.may_change_roles_of)
    form = RoleForm(request.POST or None, instance=target, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.save()  # the role-change signal records the diff
        except IntegrityError:
            # A concurrent change slipped past clean(); the constraint still holds.
            form.add_error(None, _("These roles conflict: an administrator cannot also be an alliance admin."))
        else:
            messages.success(request, _("Roles of %(name)s saved.") % {"name": target})
            return finish(request, target.get_absolute_url())
    return form_page(request, form, _("Roles of %(name)s") % {"name": target}, target)
