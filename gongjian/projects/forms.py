"""Forms for projects and tasks. Validation lives in the models; forms pick choices by scope."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjian.lib.access import scope_for
from gongjian.lib.forms import ScopedModelForm
from gongjian.orgs.models import Membership, Organization
from gongjian.orgs.pickers import use_picker

from .models import Milestone, Outcome, Project, Task


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def editable_organizations(user):
    """Organizations the user may make a project lead."""
    return Organization.objects.active().editable_by(user).only("pk", "uuid", "name", "path").order_by("path")


class ProjectForm(ScopedModelForm):
    class Meta:
        model = Project
        fields = [
            "title",
            "brand",
            "track",
            "lead",
            "partners",
            "goals",
            "period_start",
            "period_end",
            "needs",
            "resources",
            "agreement",
            "is_featured",
            "is_public",
        ]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 4}),
            "period_start": DateInput(),
            "period_end": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self, "lead", "organizations-editable", editable_organizations(self.user))
        use_picker(self, "partners", "organizations-directory")
        for name, source in (("needs", "needs"), ("resources", "resources"), ("agreement", "agreements")):
            use_picker(self, name, source)
            self.fields[name].widget.attrs["data-placeholder"] = _("Type words of the title")
        if not scope_for(self.user).everything:
            # Only the alliance features core projects.
            self.fields.pop("is_featured")

    def clean(self):
        cleaned = super().clean()
        lead = cleaned.get("lead")
        if lead is not None and cleaned.get("partners") is not None:
            cleaned["partners"] = [org for org in cleaned["partners"] if org.pk != lead.pk]
        return cleaned


class MilestoneForm(ScopedModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due", "order"]
        widgets = {"due": DateInput()}


class OutcomeForm(ScopedModelForm):
    class Meta:
        model = Outcome
        fields = ["kind", "title", "text", "file"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "text": _("Basic formatting (paragraphs, bold, lists, links) is kept; anything else is removed."),
            "file": _("Photos: JPEG or PNG. Files: PDF, DOCX, XLSX, JPEG or PNG."),
        }


class TaskForm(ScopedModelForm):
    class Meta:
        model = Task
        fields = ["title", "location", "weight", "order"]


class BulkTaskForm(forms.Form):
    """Paste a list or upload a spreadsheet; one of the two."""

    text = forms.CharField(
        label=_("Pasted list"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 10, "class": "form-control font-monospace", "placeholder": "采样亭01改造设计\t广富林路1号\t1"}
        ),
        help_text=_("One task per line: the task name, then optionally a tab and the location, and a tab and the weight."),
    )
    file = forms.FileField(
        label=_("Spreadsheet"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
        help_text=_("An .xlsx file with the columns 任务名称, 位置 and 权重."),
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("file") and not (cleaned.get("text") or "").strip():
            raise forms.ValidationError(_("Paste a list or choose a spreadsheet."))
        return cleaned


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def team_choices(user, memberships=None):
    """Teams the user may claim for: their organizations, or themselves by name."""
    if memberships is None:
        memberships = (
            Membership.objects.current()
            .filter(person_id=user.person_id, organization__archived_at__isnull=True)
            .select_related("organization")
            .order_by("organization__path")
            if user.person_id
            else []
        )
    choices = [(f"org:{m.organization.uuid}", m.organization.name) for m in memberships]
    if user.person_id:
        choices.append(("me", _("Myself (named person)")))
    return choices


class ClaimForm(forms.Form):
    team = forms.ChoiceField(label=_("Team"), widget=forms.Select(attrs={"class": "form-select form-select-sm"}))

    def __init__(self, *args, user=None, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["team"].choices = choices if choices is not None else team_choices(user)

    def chosen_team(self):
        """(team_org, team_people) for Task.claim()."""
        value = self.cleaned_data["team"]
        if value == "me":
            return None, [self.user.person]
        return Organization.objects.get(uuid=value.removeprefix("org:")), []


class SubmitForm(forms.Form):
    evidence = forms.CharField(
        label=pgettext_lazy("task", "Evidence"), widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}), required=False
    )
    files = MultipleFileField(label=_("Photos and files"), required=False)


class ReviewForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}), required=False)
