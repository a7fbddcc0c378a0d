from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from gongjian.lib.forms import ScopedModelForm
from gongjian.orgs.models import Person
from gongjian.orgs.pickers import use_picker

from .choices import AdminRole
from .models import User

WRONG_CREDENTIALS = _("Wrong login name or password.")


def add_bootstrap_classes(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class LoginForm(auth_forms.AuthenticationForm):
    """One message for an unknown name, a wrong password and a disabled account."""

    error_messages = {"invalid_login": WRONG_CREDENTIALS, "inactive": WRONG_CREDENTIALS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Login name")
        add_bootstrap_classes(self)

    def get_invalid_login_error(self):
        return forms.ValidationError(WRONG_CREDENTIALS, code="invalid_login")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_bootstrap_classes(self)

    def clean_new_password1(self):
        new = self.cleaned_data.get("new_password1")
        if new and self.user.check_password(new):
            raise forms.ValidationError(_("The new password must differ from the current one."), code="password_unchanged")
        return new

    def save(self, commit=True):
        self.user.must_change_password = False
        return super().save(commit=commit)


class TokenForm(forms.Form):
    """A six-digit code from the authenticator app, or (on the verify page) a recovery code."""

    token = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def __init__(self, *args, allow_recovery=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_recovery = allow_recovery
        if allow_recovery:
            self.fields["token"].help_text = _("The six-digit code from your authenticator app, or one of your recovery codes.")
            self.fields["token"].widget.attrs["inputmode"] = "text"
        add_bootstrap_classes(self)

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split()).replace("-", "").lower()
        if token.isdigit() and len(token) == 6:
            return token
        if self.allow_recovery and token.isalnum() and 6 < len(token) <= 16:
            return token
        raise forms.ValidationError(_("Enter the six-digit code."), code="invalid_token_format")


class ProfileForm(ScopedModelForm):
    class Meta:
        model = User
        fields = ["email"]


def person_choices(instance=None):
    """People in the directory without an account yet, plus the one already linked."""
    qs = Person.objects.active().filter(user__isnull=True)
    if instance is not None and instance.person_id:
        qs = qs | Person.objects.filter(pk=instance.person_id)
    return qs.order_by("name", "pk")


class UserCreateForm(auth_forms.BaseUserCreationForm):
    """A new account with an initial password the user must change on first login."""

    class Meta:
        model = User
        fields = ["username", "last_name", "first_name", "email", "person"]
        field_classes = {"username": auth_forms.UsernameField}
        labels = {"username": _("Login name")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["password1"].label = _("Initial password")
        use_picker(self, "person", "people-unlinked", person_choices())
        add_bootstrap_classes(self)

    def save(self, commit=True):
        self.instance.must_change_password = True
        return super().save(commit=commit)


class UserEditForm(ScopedModelForm):
    class Meta:
        model = User
        fields = ["username", "last_name", "first_name", "email", "person"]
        field_classes = {"username": auth_forms.UsernameField}
        labels = {"username": _("Login name")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self, "person", "people-unlinked", person_choices(self.instance))


class PasswordResetForm(auth_forms.SetPasswordForm):
    """An administrator sets a new initial password; the user must change it at the next login."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("New initial password")
        add_bootstrap_classes(self)

    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit=commit)


class RoleForm(ScopedModelForm):
    """The security administrator's form. The model's clean() enforces 三员分立."""

    class Meta:
        model = User
        fields = ["is_alliance_admin", "admin_role"]
        help_texts = {
            "is_alliance_admin": _("Runs the alliance: sees and edits every organization's business."),
            "admin_role": _("System: accounts and configuration. Security: roles and access policy. Audit: reads the audit trail."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["admin_role"].choices = AdminRole.choices
