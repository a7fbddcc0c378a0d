"""Agreement pages: list, detail with the lifecycle actions, public page, attachments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjian.lib.access import get_object_for, scope_for
from gongjian.lib.effective import posted
from gongjian.lib.uploads import open_stored
from gongjian.lib.views import ObjectArchiveView, ObjectDetailView, ObjectEditView, ObjectListView
from gongjian.news.safety.publishing import refuse_if_blocked

from .. import evidence as evidence_links
from ..choices import AgreementStatus
from ..filters import AgreementFilterSet
from ..forms import AgreementForm, AttachmentForm, ObligationForm, PartyForm, RenewForm, TerminateForm
from ..models import DATED_TRANSITIONS, TRANSITIONS, Agreement, AgreementAttachment, AgreementEvidence, AgreementParty, Obligation, Rating

# The five stages of 契约化共建 shown as the page's progress bar.
STAGES = (AgreementStatus.DRAFT, AgreementStatus.SIGNED, AgreementStatus.PUBLISHED, AgreementStatus.PERFORMING, AgreementStatus.EVALUATED)


def _error(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)


def _save_checked(request, obj):
    """Save through the model's own validation; refusals become page messages."""
    try:
        obj.full_clean()
        obj.save()
    except ValidationError as e:
        _error(request, e)


def _back(agreement):
    return HttpResponseRedirect(agreement.get_absolute_url())


def can_create_agreements(user) -> bool:
    scope = scope_for(user)
    return scope.administers


class TableListView(ObjectListView):
    """A list whose page includes its own table partial (the same one HTMX swaps in)."""

    def get_extra_context(self, request):
        return {"table_template": self.table_template_name}


class AgreementListView(TableListView):
    queryset = Agreement.objects.active().prefetch_related(
        Prefetch("parties", queryset=AgreementParty.objects.select_related("organization").only("pk", "agreement_id", "organization__uuid", "organization__name"))
    )
    filterset_class = AgreementFilterSet
    template_name = "agreements/agreement_list.html"
    table_template_name = "agreements/partials/agreement_table.html"
    title = _("Co-building agreements")
    export_columns = (
        (_("Title"), "title"),
        (_("Theme"), "theme"),
        (_("Track"), lambda a: a.get_track_display()),
        (_("Status"), lambda a: a.get_status_display()),
        (_("Parties"), lambda a: "、".join(p.organization.name for p in a.parties.all())),
        (_("Start date"), "start_date"),
        (_("End date"), "end_date"),
    )

    def can_create(self, request):
        return can_create_agreements(request.user)


class AgreementEditView(ObjectEditView):
    model = Agreement
    form_class = AgreementForm

    def check_create(self, request):
        if not can_create_agreements(request.user):
            raise PermissionDenied


class AgreementArchiveView(ObjectArchiveView):
    model = Agreement
    success_url_name = "agreements:agreement_list"


class AgreementDetailView(ObjectDetailView):
    model = Agreement
    template_name = "agreements/agreement_detail.html"

    def get_object(self, request, **kwargs):
        queryset = Agreement.objects.select_related("previous").prefetch_related(
            Prefetch("parties", queryset=AgreementParty.objects.select_related("organization").prefetch_related("obligations"))
        )
        return get_object_for(request.user, Agreement, "view", queryset=queryset, uuid=kwargs["uuid"])

    def get_extra_context(self, request, obj):
        can_edit = Agreement.objects.editable_by(request.user).filter(pk=obj.pk).exists()
        parties = list(obj.parties.all())
        summary = obj.rating_summary()
        ratings = list(Rating.objects.filter(obligation__party__agreement=obj).select_related("rater__organization"))
        for party in parties:
            for obligation in party.obligations.all():
                row = summary.get(obligation.pk)
                obligation.average = row["avg"] if row else None
                obligation.rating_count = row["n"] if row else 0
                obligation.ratings_received = [r for r in ratings if r.obligation_id == obligation.pk]
        events = list(obj.events.select_related("actor"))
        context = {
            "parties": parties,
            "events": events,
            "stages": [(status.value, status.label) for status in STAGES],
            # A draft that has moved on has passed 谈约 even though no event leads into it.
            "passed_stages": {event.to_status for event in events} | ({AgreementStatus.DRAFT} if events else set()),
            "score_range": range(1, 6),
            "attachments": obj.attachments.all(),
            "evidence": evidence_links.resolved(obj.evidence.select_related("content_type")),
            "projects_from_agreement": list(obj.projects.all()[:50]) if hasattr(obj, "projects") else [],
            "renewals": obj.renewals.all(),
            "can_edit": can_edit,
            "transitions": obj.allowed_transitions() if can_edit else [],
            "dated_transitions": DATED_TRANSITIONS,
            "sign_problems": obj.sign_problems() if can_edit and obj.status == AgreementStatus.DRAFT else [],
        }
        if can_edit:
            context.update(
                party_form=PartyForm(),
                obligation_form=ObligationForm(),
                attachment_form=AttachmentForm(),
                renew_form=RenewForm(),
                terminate_form=TerminateForm(),
                evidence_candidates=evidence_links.candidates(request.user) if obj.status in evidence_links.EVIDENCE_STATUSES else [],
            )
        if obj.status == AgreementStatus.EVALUATED:
            context["rating_forms"] = self.rating_forms(request.user, obj, parties, ratings)
        return context

    def rating_forms(self, user, agreement, parties, ratings):
        """For each party the user acts for: the other parties' obligations with this party's current rating."""
        mine = {p.pk for p in agreement.parties_for(user)}
        given = {(r.rater_id, r.obligation_id): r for r in ratings}
        forms = []
        for rater in parties:
            if rater.pk not in mine:
                continue
            rows = [(other, o, given.get((rater.pk, o.pk))) for other in parties if other.pk != rater.pk for o in other.obligations.all()]
            forms.append((rater, rows))
        return forms


@require_POST
@login_required
def agreement_transition(request, uuid, name):
    """One lifecycle step; an illegal one comes back as a message on the page, never a 500."""
    agreement = get_object_for(request.user, Agreement, "change", uuid=uuid)
    if name not in TRANSITIONS or name == "expire":
        raise Http404
    try:
        if name == "renew":
            form = RenewForm(request.POST)
            if not form.is_valid():
                raise ValidationError([f"{form.fields[f].label}: {e}" for f, errs in form.errors.items() for e in errs])
            successor = agreement.renew(request.user, form.cleaned_data["new_start"], form.cleaned_data["new_end"])
            messages.success(request, _("Renewed. The new term is a draft: review it and sign again."))
            return _back(successor)
        if name == "terminate":
            agreement.terminate(request.user, request.POST.get("reason", ""))
        elif name == "sign":
            agreement.sign(request.user, signed_on=posted(request.POST))
        elif name in DATED_TRANSITIONS:
            getattr(agreement, name)(request.user, effective_at=posted(request.POST))
        else:
            getattr(agreement, name)(request.user)
    except ValidationError as e:
        _error(request, e)
    else:
        messages.success(request, _("The agreement is now %(status)s.") % {"status": agreement.get_status_display()})
    return _back(agreement)


@require_POST
@login_required
def party_add(request, uuid):
    agreement = get_object_for(request.user, Agreement, "change", uuid=uuid)
    form = PartyForm(request.POST)
    if form.is_valid():
        party = AgreementParty(
            agreement=agreement,
            organization=form.cleaned_data["organization"],
            role=form.cleaned_data["role"],
            order=agreement.parties.count(),
        )
        _save_checked(request, party)
    else:
        messages.error(request, _("Choose an organization."))
    return _back(agreement)


@require_POST
@login_required
def party_remove(request, uuid, party):
    agreement = get_object_for(request.user, Agreement, "change", uuid=uuid)
    target = get_object_or_404(AgreementParty, agreement=agreement, uuid=party)
    try:
        agreement.remove_party(target, request.user)
    except ValidationError as e:
        _error(request, e)
    return _back(agreement)


@require_POST
@login_required
def obligation_add(request, uuid, party):
    agreement = get_object_for(request.user, Agreement, "change", uuid=uuid)
    target = get_object_or_404(AgreementParty, agreement=agreement, uuid=party)
    form = ObligationForm(request.POST)
    if form.is_valid():
        obligation = Obligation(party=target, description=form.cleaned_data["description"], order=target.obligations.count())
        _save_checked(request, obligation)
    else:
        messages.error(request, _("Describe the obligation."))
    return _back(agreement)


@require_POST
@login_required
def obligation_remove(request, uuid, obligation):
    agreement = get_object_for(request.user, Agreement, "change", uuid=uuid)
    target = get_object_or_404(Obligation, party__agreement=agreement, uuid=obligation)
    if agreement.is_editable_content:
        target.delete()
    else:
        messages.error(request, _("Obligations can only change while the agreement is being negotiated."))
    return _back(agreement)


@require_POST
@login_required
def rate(request, uuid, party):
    """Save one party's ratings: fields score_<obligation uuid> and comment_<obligation uuid>."""
    agreement = get_object_for(request.user, Agreement, "view", uuid=uuid)
    rater = get_object_or_404(AgreementParty, agreement=agreement, uuid=party)
    obligations = Obligation.objects.filter(party__agreement=agreement).exclude(party=rater).select_related("party__agreement")
    saved = 0
    try:
        with transaction.atomic():
            for obligation in obligations:
                score = request.POST.get(f"score_{obligation.uuid}", "").strip()
                if not score:
                    continue
                try:
                    score = int(score)
                except ValueError as e:
                    raise ValidationError(_("A score is between 1 and 5.")) from e
                agreement.rate(request.user, rater, obligation, score, request.POST.get(f"comment_{obligation.uuid}", ""))
                saved += 1
    except ValidationError as e:
        _error(request, e)
    else:
        if saved:
            messages.success(request, _("Saved %(count)s ratings.") % {"count": saved})
        else:
            messages.error(request, _("Give at least one score."))
    return _back(agreement)


@require_POST
@login_required
def evidence_add(request, uuid):
    agreement = get_object_for(request.user, Agreement, "change", uuid=uuid)
    kind, _sep, target = request.POST.get("target", "").partition(":")
    try:
        evidence_links.link(agreement, request.user, kind, target, request.POST.get("note", ""))
    except ValidationError as e:
        _error(request, e)
    else:
        messages.success(request, _("Evidence linked."))
    return _back(agreement)


@require_POST
@login_required
def evidence_remove(request, uuid, evidence):
    agreement = get_object_for(request.user, Agreement, "change", uuid=uuid)
    get_object_or_404(AgreementEvidence, agreement=agreement, uuid=evidence).delete()
    return _back(agreement)


@require_POST
@login_required
def attachment_upload(request, uuid):
    agreement = get_object_for(request.user, Agreement, "change", uuid=uuid)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        agreement.attach(form.cleaned_data["file"], form.kind, request.user)
        messages.success(request, _("Attachment uploaded."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return _back(agreement)


@login_required
def attachment_download(request, uuid):
    """Served through the agreement's access check; never from a public media URL."""
    attachment = get_object_or_404(AgreementAttachment.objects.select_related("agreement"), uuid=uuid)
    get_object_for(request.user, Agreement, "view", pk=attachment.agreement_id)
    response = FileResponse(
        open_stored(request, attachment.file),
        content_type=attachment.content_type or "application/octet-stream",
        as_attachment=True,
        filename=attachment.original_name or attachment.file.name.rsplit("/", 1)[-1],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
def attachment_delete(request, uuid):
    attachment = get_object_or_404(AgreementAttachment.objects.select_related("agreement"), uuid=uuid)
    agreement = get_object_for(request.user, Agreement, "change", pk=attachment.agreement_id)
    try:
        agreement.remove_attachment(attachment)
    except ValidationError as e:
        _error(request, e)
    return _back(agreement)


def agreement_public(request, uuid):
    """The 亮约 page: no login, only disclosed agreements, no personal data."""
    queryset = Agreement.objects.public().prefetch_related(
        Prefetch("parties", queryset=AgreementParty.objects.select_related("organization").prefetch_related("obligations"))
    )
    agreement = get_object_or_404(queryset, uuid=uuid)
    parties = list(agreement.parties.all())
    # No public page without the content-safety scan (SECURITY.md item 13).
    refuse_if_blocked(agreement, *agreement.public_texts())
    summary = agreement.rating_summary()
    for party in parties:
        for obligation in party.obligations.all():
            row = summary.get(obligation.pk)
            obligation.average = row["avg"] if row else None
    context = {"agreement": agreement, "parties": parties, "evidence_count": agreement.evidence.count()}
    return render(request, "agreements/agreement_public.html", context)
