from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gongjian.agreements.models import PracticeBase
from gongjian.lib.forms import ScopedModelForm
from gongjian.orgs.models import Person
from gongjian.orgs.pickers import picker, use_picker

from .access import group_candidates, group_organizations
from .models import Activity, ActivityPhoto, Series


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


DATETIME_FIELDS = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")


class ActivityForm(ScopedModelForm):
    online_url = forms.URLField(label=_("online link"), required=False, assume_scheme="https")

    class Meta:
        model = Activity
        fields = [
            "title", "kind", "track", "series", "host", "co_hosts", "speakers", "invited_orgs", "invite_alliance",
            "starts_at", "ends_at", "venue", "online_url", "practice_base", "capacity", "waitlist_enabled", "registration_opens_at", "registration_closes_at", "description",
        ]  # fmt: skip
        widgets = {name: DateTimeInput() for name in DATETIME_FIELDS} | {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in DATETIME_FIELDS:
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        use_picker(self, "host", "organizations-editable")
        use_picker(self, "co_hosts", "organizations-directory")
        use_picker(self, "invited_orgs", "organizations-directory")
        use_picker(self, "speakers", "speakers")
        self.fields["series"].queryset = Series.objects.all()
        self.fields["practice_base"].queryset = PracticeBase.objects.active().select_related("host")
        self._old_capacity = self.instance.capacity if self.instance.pk else None

    def clean(self):
        data = super().clean()
        if data.get("host"):
            self.instance.host = data["host"]
        try:
            self.instance.clean_relations(co_hosts=data.get("co_hosts") or (), speakers=data.get("speakers") or ())
        except ValidationError as e:
            for field, errors in e.error_dict.items():
                self.add_error(field, errors)
        return data

    def save(self, commit=True):
        activity = super().save(commit=commit)
        if commit and self._old_capacity is not None and (activity.capacity is None or activity.capacity > self._old_capacity):
            # More places: the waitlist moves up at once.
            activity.fill_from_waitlist(by=self.user)
        return activity


class MinutesForm(ScopedModelForm):
    """What happened: minutes (sanitised rich text), outcomes and the attendee count."""

    class Meta:
        model = Activity
        fields = ["minutes", "outcomes", "attendee_count"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 10}), "outcomes": forms.Textarea(attrs={"rows": 4})}


class SeriesForm(ScopedModelForm):
    class Meta:
        model = Series
        fields = ["name", "track", "organization", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self, "organization", "organizations-editable")


class PhotoForm(ScopedModelForm):
    class Meta:
        model = ActivityPhoto
        fields = ["image", "caption"]
        widgets = {"image": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"})}


class GroupRegistrationForm(forms.Form):
    """An org admin registers several members of one organization at once."""

    organization = picker("organizations-editable", label=_("Organization"))
    people = forms.ModelMultipleChoiceField(
        label=_("Members"), queryset=Person.objects.none(), to_field_name="uuid", widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user=None, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = group_organizations(user)
        self.fields["organization"].widget.attrs.update({"class": "form-select", "data-autosubmit": ""})
        if organization is not None:
            self.fields["people"].queryset = group_candidates(organization)


class CheckInCodeForm(forms.Form):
    code = forms.CharField(label=_("Check-in code"), max_length=12, widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "class": "form-control form-control-lg text-uppercase", "inputmode": "text"}))


class CancelActivityForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
