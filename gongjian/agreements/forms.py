from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from gongjian.lib.access import scope_for
from gongjian.lib.effective import PastDateInput
from gongjian.lib.forms import ScopedModelForm
from gongjian.orgs.models import Organization
from gongjian.orgs.pickers import choices_for, picker, use_picker

from .models import Agreement, AgreementParty, Alliance, AllianceMember, Honor, HonorRecipient, Obligation, Pairing, PracticeBase
from .uploads import check_upload

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def own_organizations(user):
    """Organizations the user may act for: the ones they administer, all for alliance admins."""
    return Organization.objects.active().editable_by(user).only("pk", "uuid", "name")


def _acting_for(user):
    """The source and queryset of a field naming the organization a user acts for: any
    organization for alliance admins, those they administer for everyone else."""
    if scope_for(user).everything:
        return "organizations-directory", Organization.objects.directory()
    return "organizations-editable", own_organizations(user)


class AgreementForm(ScopedModelForm):
    """Create or edit a draft; on creation the user's own party and the partner parties are set too."""

    own_party = picker("organizations-editable", label=_("Your organization"), help_text=_("The party you sign for."))
    partners = picker("organizations-directory", multiple=True, label=_("Other parties"), required=False)

    class Meta:
        model = Agreement
        fields = ["title", "theme", "track", "drafted_on", "start_date", "end_date", "summary"]
        widgets = {"drafted_on": PastDateInput, "start_date": DATE, "end_date": DATE, "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty, negotiation began today (or on the day already recorded).
        self.fields["drafted_on"].required = False
        if self.instance.pk:
            del self.fields["own_party"]
            del self.fields["partners"]
        else:
            self.fields["own_party"].queryset = own_organizations(self.user)
            self.fields["partners"].queryset = Organization.objects.directory()

    def clean_drafted_on(self):
        # A new agreement's instance already holds today.
        return self.cleaned_data.get("drafted_on") or self.instance.drafted_on

    def clean(self):
        data = super().clean()
        if self.instance.pk and not self.instance.is_editable_content:
            raise ValidationError(_("Only an agreement under negotiation can be edited."))
        own = data.get("own_party")
        if own is not None and own in (data.get("partners") or []):
            self.add_error("partners", _("Your own organization is already a party."))
        return data

    def save(self, commit=True):
        creating = self.instance.pk is None
        if creating:
            self.instance.created_by = self.user
        with transaction.atomic():
            agreement = super().save(commit=commit)
            if creating:
                orgs = [self.cleaned_data["own_party"], *self.cleaned_data.get("partners", [])]
                for order, org in enumerate(orgs):
                    AgreementParty.objects.create(agreement=agreement, organization=org, order=order)
        return agreement


class PartyForm(forms.Form):
    organization = picker("organizations-directory", label=_("Organization"))
    role = forms.CharField(label=_("Role"), max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.directory()
        # Shown without a label beside the role: the placeholder names it, and so does aria-label for screen readers.
        choose = _("Choose an organization to add")
        self.fields["organization"].widget.attrs.update({"class": "form-select form-select-sm", "data-placeholder": choose, "aria-label": choose})
        self.fields["role"].widget.attrs.update({"class": "form-control form-control-sm", "placeholder": _("e.g. 甲方, 乙方")})


class ObligationForm(forms.Form):
    description = forms.CharField(label=_("Obligation"), max_length=2000, widget=forms.TextInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].widget.attrs.update(
            {"class": "form-control form-control-sm", "placeholder": _("What this party undertakes")}
        )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, JPEG or PNG."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.kind = check_upload(upload)
        return upload


class RenewForm(forms.Form):
    new_start = forms.DateField(
        label=_("New term starts"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"})
    )
    new_end = forms.DateField(
        label=_("New term ends"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"})
    )


class TerminateForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class PairingForm(ScopedModelForm):
    class Meta:
        model = Pairing
        fields = ["org_a", "org_b", "theme", "track", "start_date", "end_date", "status", "agreement", "description"]
        widgets = {"start_date": DATE, "end_date": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self, "org_a", *_acting_for(self.user))
        use_picker(self, "org_b", "organizations-directory")
        self.fields["agreement"].queryset = Agreement.objects.active().visible_to(self.user)
        if self.instance.pk:
            # Re-pairing different organizations is a new pairing, not an edit.
            self.fields["org_a"].disabled = self.fields["org_b"].disabled = True


class AllianceForm(ScopedModelForm):
    member_orgs = picker("organizations-directory", multiple=True, label=_("Members"), required=False)

    class Meta:
        model = Alliance
        fields = ["name", "kind", "track", "lead", "founded_on", "purpose"]
        widgets = {"founded_on": DATE, "purpose": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = scope_for(self.user).everything
        use_picker(self, "lead", *_acting_for(self.user))
        self.fields["member_orgs"].queryset = Organization.objects.directory()
        if self.instance.pk:
            self.fields["member_orgs"].initial = list(self.instance.members.values_list("uuid", flat=True))
            if not everything:
                self.fields["lead"].disabled = True

    def save(self, commit=True):
        with transaction.atomic():
            alliance = super().save(commit=commit)
            wanted = {org.pk for org in self.cleaned_data.get("member_orgs", [])} | {alliance.lead_id}
            current = set(alliance.memberships.values_list("organization_id", flat=True))
            for membership in alliance.memberships.filter(organization_id__in=current - wanted):
                membership.delete()
            for org_id in wanted - current:
                AllianceMember.objects.create(alliance=alliance, organization_id=org_id, joined_on=alliance.founded_on)
        return alliance


class PracticeBaseForm(ScopedModelForm):
    class Meta:
        model = PracticeBase
        fields = [
            "name",
            "kind",
            "host",
            "partners",
            "address",
            "region",
            "capacity",
            "agreement",
            "alliance",
            "established_on",
            "description",
        ]
        widgets = {"established_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self, "host", *_acting_for(self.user))
        use_picker(self, "partners", "organizations-directory")
        use_picker(self, "region", "regions")
        self.fields["agreement"].queryset = Agreement.objects.active().visible_to(self.user)
        self.fields["alliance"].queryset = Alliance.objects.active().visible_to(self.user)


class HonorForm(ScopedModelForm):
    recipient_orgs = picker("organizations-directory", multiple=True, label=_("Recipient organizations"), required=False)
    recipient_people = picker("people", multiple=True, label=_("Recipient people"), required=False)

    class Meta:
        model = Honor
        fields = ["title", "kind", "issuer", "issuer_name", "level", "awarded_on", "description", "evidence"]
        # A plain file input: the stored file has no public URL to show (it is served through an access check).
        widgets = {"awarded_on": PastDateInput, "description": forms.Textarea(attrs={"rows": 3}), "evidence": forms.FileInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self, "issuer", "organizations-directory")
        self.fields["recipient_orgs"].queryset = Organization.objects.directory()
        self.fields["recipient_people"].queryset = choices_for("people", self.user)
        if self.instance.pk:
            recipients = list(self.instance.recipients.select_related("organization", "person"))
            self.fields["recipient_orgs"].initial = [r.organization.uuid for r in recipients if r.organization_id]
            self.fields["recipient_people"].initial = [r.person.uuid for r in recipients if r.person_id]

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            check_upload(upload)
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("recipient_orgs") and not data.get("recipient_people"):
            raise ValidationError(_("Name at least one recipient."))
        scope = scope_for(self.user)
        orgs = [data["issuer"]] if data.get("issuer") else []
        orgs += list(data.get("recipient_orgs") or [])
        if not scope.everything and not any(scope.can_edit(org.pk) for org in orgs):
            raise ValidationError(_("You can record honours issued by or given to organizations you administer."))
        return data

    def save(self, commit=True):
        with transaction.atomic():
            honor = super().save(commit=commit)
            set_recipients(honor, self.cleaned_data.get("recipient_orgs", []), self.cleaned_data.get("recipient_people", []))
        return honor


def set_recipients(honor, organizations, people):
    """Make the honour's recipients exactly these organizations and people."""
    wanted_orgs = {o.pk for o in organizations}
    wanted_people = {p.pk for p in people}
    for recipient in list(honor.recipients.all()):
        if (recipient.organization_id and recipient.organization_id not in wanted_orgs) or (
            recipient.person_id and recipient.person_id not in wanted_people
        ):
            recipient.delete()
    have = honor.recipients.all()
    have_orgs = {r.organization_id for r in have if r.organization_id}
    have_people = {r.person_id for r in have if r.person_id}
    for org_id in wanted_orgs - have_orgs:
        HonorRecipient.objects.create(honor=honor, organization_id=org_id)
    for person_id in wanted_people - have_people:
        HonorRecipient.objects.create(honor=honor, person_id=person_id)


__all__ = ["AgreementForm", "AllianceForm", "HonorForm", "Obligation", "PairingForm", "PracticeBaseForm"]
