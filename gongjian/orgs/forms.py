"""Forms for regions, organizations, people and memberships.

Rules live in Model.clean() and constraints; these forms only limit choices to
what the user may use and translate list fields to one-item-per-line text.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongjian.lib.access import scope_for
from gongjian.lib.forms import ScopedModelForm

from .choices import MembershipRole
from .models import CapabilityTag, Membership, Organization, Person, Region
from .pickers import choices_for, picker


class LinesField(forms.CharField):
    """A list of short texts edited one per line (titles, lecture topics)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class RegionForm(ScopedModelForm):
    parent = picker("regions", label=_("Parent region"), required=False)

    class Meta:
        model = Region
        fields = ["name", "level", "parent", "code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = choices_for("regions", self.user)
        if self.instance.pk:
            # A region cannot move under itself.
            regions = regions.exclude(path__startswith=self.instance.path)
        self.fields["parent"].queryset = regions


class OrganizationForm(ScopedModelForm):
    parent = picker("organizations-editable", label=_("Parent organization"), required=False)
    region = picker("regions", label=_("Region"), required=False)
    tags = forms.ModelMultipleChoiceField(
        label=_("Capability tags"),
        queryset=CapabilityTag.objects.all(),
        required=False,
        to_field_name="name",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "short_name",
            "sector",
            "kind",
            "parent",
            "region",
            "address",
            "credit_code",
            "tags",
            "public_contact",
            "contact_name",
            "contact_phone",
            "contact_email",
            "status",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "contact_phone": forms.TextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._original_parent_id = self.instance.parent_id
        scope = scope_for(self.user)
        parents = Organization.objects.parents_for(self.user)
        if self.instance.pk:
            parents = parents.exclude(path__startswith=self.instance.path)
            if self.instance.parent_id:
                # Keep showing the current parent even when it lies above the user's scope.
                parents = parents | Organization.objects.filter(pk=self.instance.parent_id)
        self.fields["parent"].queryset = parents
        self.fields["region"].queryset = choices_for("regions", self.user)
        if not scope.everything:
            # Only the alliance decides whether an organization is active or suspended.
            del self.fields["status"]
            if not self.instance.pk or self.instance.parent_id:
                # A missing parent is refused by Organization.check_placement, with the API's message.
                self.fields["parent"].help_text = _("Required: an organization you administer.")

    def _post_clean(self):
        super()._post_clean()
        try:
            self.instance.check_placement(self.user, self._original_parent_id)
        except ValidationError as e:
            self._update_errors(e)


class PersonForm(ScopedModelForm):
    titles = LinesField(label=_("Titles and honours"), required=False, help_text=_("One per line, e.g. 党的二十大代表."))
    speaker_topics = LinesField(label=_("Lecture topics"), required=False, help_text=_("One per line; needed for the expert pool."))
    organization = picker(
        "organizations-editable", label=_("Organization"), required=False, help_text=_("The new person joins this organization.")
    )
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices, initial=MembershipRole.MEMBER, required=False)
    position = forms.CharField(label=_("Position"), max_length=40, required=False, help_text=_("e.g. 书记, 组织委员"))

    class Meta:
        model = Person
        fields = ["name", "gender", "phone", "id_number", "email", "titles", "is_speaker", "speaker_topics", "bio"]
        widgets = {"phone": forms.TextInput(), "id_number": forms.TextInput(), "bio": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Memberships of an existing person are managed on the organization page.
            for name in ("organization", "role", "position"):
                del self.fields[name]
            return
        self.fields["organization"].queryset = Organization.objects.parents_for(self.user)
        self.fields["role"].widget.attrs["class"] = "form-select"
        if not scope_for(self.user).everything:
            # Otherwise the new person would be invisible to the admin who created them.
            self.fields["organization"].required = True

    @transaction.atomic
    def save(self, commit=True):
        person = super().save(commit=commit)
        organization = self.cleaned_data.get("organization")
        if commit and organization is not None:
            Membership.objects.create(
                person=person,
                organization=organization,
                role=self.cleaned_data.get("role") or MembershipRole.MEMBER,
                position=self.cleaned_data.get("position", ""),
                joined_on=timezone.localdate(),
            )
        return person


class MembershipForm(ScopedModelForm):
    """Add a person to an organization (the organization comes from the page)."""

    person = picker("people", label=_("Person"))

    class Meta:
        model = Membership
        fields = ["person", "role", "position", "joined_on"]
        widgets = {"joined_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organization is not None:
            self.instance.organization = organization
        self.fields["person"].queryset = choices_for("people", self.user)
        self.fields["joined_on"].initial = timezone.localdate()


class MembershipRoleForm(ScopedModelForm):
    """Change a member's role or position; TrackedModel audits the change."""

    class Meta:
        model = Membership
        fields = ["role", "position"]
