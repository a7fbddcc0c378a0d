from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongjian.lib.access import scope_for
from gongjian.lib.effective import PastDateInput
from gongjian.lib.forms import ScopedModelForm
from gongjian.orgs.models import Organization
from gongjian.orgs.pickers import picker, use_picker

from .choices import ListKind
from .models import Category, Need, Resource, SynonymGroup


def editable_organizations(user):
    """Organizations the user may act for: post needs, claim, request."""
    return Organization.objects.editable_by(user).active().order_by("path")


class ListingForm(ScopedModelForm):
    """Shared by needs and resources: the owner must be an organization the user administers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self, "organization", "organizations-editable", editable_organizations(self.user))
        categories = Category.objects.filter(is_active=True)
        if self.instance.pk and self.instance.category_id:
            categories = Category.objects.filter(is_active=True) | Category.objects.filter(pk=self.instance.category_id)
        self.fields["category"].queryset = categories
        self.fields["description"].widget.attrs["rows"] = 5
        for name in ("deadline", "priority_until", "available_from", "available_until"):
            if name in self.fields:
                self.fields[name].widget = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
        if "region" in self.fields:
            use_picker(self, "region", "regions")
        if not self.instance.pk and not self.initial.get("organization"):
            # model_to_dict put organization=None in initial; one choice is the obvious one.
            orgs = list(self.fields["organization"].queryset[:2])
            if len(orgs) == 1:
                self.initial["organization"] = orgs[0]


class NeedForm(ListingForm):
    class Meta:
        model = Need
        fields = [
            "organization",
            "title",
            "category",
            "seeks",
            "offers",
            "region",
            "scale",
            "deadline",
            "claim_mode",
            "priority_until",
            "description",
            "contact_name",
            "contact_phone",
        ]
        labels = {"seeks": _("Looking for"), "offers": _("Can give in return")}
        help_texts = {"seeks": _("Suggestions pair the need with offers of this kind, never with others looking for the same.")}


class ResourceForm(ListingForm):
    class Meta:
        model = Resource
        fields = [
            "organization",
            "title",
            "category",
            "offers",
            "seeks",
            "region",
            "service_area",
            "capacity",
            "capacity_unit",
            "available_from",
            "available_until",
            "description",
            "contact_name",
            "contact_phone",
        ]
        labels = {"offers": _("Offering"), "seeks": _("Looking for in return")}
        help_texts = {"seeks": _("Only if the offer itself looks for something, e.g. a job post looks for people.")}


class ClaimForm(forms.Form):
    """Claim a need (alone or jointly) or request a resource, for one of the user's organizations."""

    organization = picker("organizations-editable", label=_("Claim as"))
    partners = picker(
        "organizations-directory",
        multiple=True,
        label=_("Joint partners"),
        required=False,
        help_text=_("Leave empty to claim alone; choose partners for a joint claim (联合领办)."),
    )
    message = forms.CharField(label=_("Message to the owner"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)
    quantity = forms.IntegerField(label=_("Units requested"), min_value=1, required=False)
    effective_at = forms.DateField(
        label=_("Effective date (fill in when recording after the fact; defaults to today)"), required=False, widget=PastDateInput
    )
    # Set when the page was opened from a match tab: the claim is then evidence for evaluating matching.
    from_suggestion = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, target=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.target = user, target
        owner_id = target.organization_id if target is not None else None
        self.fields["organization"].queryset = editable_organizations(user).exclude(pk=owner_id)
        self.fields["partners"].queryset = Organization.objects.directory().exclude(pk=owner_id)
        if isinstance(target, Need):
            del self.fields["quantity"]
        else:
            self.fields["organization"].label = _("Request as")
            del self.fields["partners"]
        orgs = list(self.fields["organization"].queryset[:2])
        if len(orgs) == 1:
            self.initial.setdefault("organization", orgs[0])
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select | forms.SelectMultiple) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        org = data.get("organization")
        if org is not None and org in (data.get("partners") or []):
            raise ValidationError({"partners": _("The claimant cannot also be its own partner.")})
        return data

    def save(self):
        data = self.cleaned_data
        return self.target.make_claim(
            data["organization"],
            by=self.user,
            partners=data.get("partners") or (),
            quantity=data.get("quantity"),
            message=data["message"],
            effective_at=data.get("effective_at"),
            from_suggestion=data["from_suggestion"],
        )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}), max_length=2000, required=True
    )


class ReleaseForm(forms.Form):
    """The alliance admin publishes the year's list as a frozen snapshot."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("List"), choices=ListKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False, help_text=_("e.g. 2023 年度需求清单 (联席会议)"))
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    featured = forms.MultipleChoiceField(
        label=_("Featured items"), required=False, help_text=_("Core needs or projects highlighted in the list.")
    )

    def __init__(self, *args, featured_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("year", timezone.localdate().year)
        self.fields["featured"].choices = featured_choices
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select | forms.SelectMultiple) else "form-control"
            field.widget.attrs.setdefault("class", css)


class CategoryForm(ScopedModelForm):
    class Meta:
        model = Category
        fields = ["name", "order", "is_active", "related"]
        widgets = {"related": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A category is not related to itself.
        self.fields["related"].queryset = Category.objects.exclude(pk=self.instance.pk).order_by("order", "name")


class SynonymGroupForm(ScopedModelForm):
    class Meta:
        model = SynonymGroup
        fields = ["words", "note", "is_active"]


def user_can_release(user) -> bool:
    return scope_for(user).everything
