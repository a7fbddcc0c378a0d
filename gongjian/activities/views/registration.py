"""Registration, group registration, cancelling, check-in (QR page and short codes) and the attendance export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from gongjian.audit.models import Action
from gongjian.audit.recording import record
from gongjian.lib.access import get_object_for
from gongjian.lib.effective import posted
from gongjian.lib.excel import xlsx_response
from gongjian.lib.middleware import mark_no_store
from gongjian.orgs.models import Organization

from ..access import can_cancel, can_manage, can_register_group, check_registration
from ..choices import RegistrationStatus
from ..filters import RegistrationFilterSet
from ..forms import CheckInCodeForm, GroupRegistrationForm
from ..models import Activity, Registration
from ..qr import qr_svg


def _error(request, error):
    messages.error(request, " ".join(error.messages) if isinstance(error, ValidationError) else str(error))


def _status_message(registration):
    if registration.status == RegistrationStatus.WAITLISTED:
        return _("The activity is full: %(name)s is on the waitlist and will move up automatically when a place frees up.")
    return _("%(name)s is registered. Check-in code: %(code)s.")


@require_POST
@login_required
def register(request, uuid):
    """A member registers themselves."""
    activity = get_object_for(request.user, Activity, "view", uuid=uuid)
    person = request.user.person
    if person is None:
        raise PermissionDenied
    try:
        check_registration(request.user, activity, [person])
        registration = activity.register(person, by=request.user)
    except ValidationError as e:
        _error(request, e)
    else:
        messages.success(request, _status_message(registration) % {"name": person.name, "code": registration.code})
    return HttpResponseRedirect(activity.get_absolute_url())


@login_required
def group_register(request, uuid):
    """An org admin registers several members of one organization."""
    activity = get_object_for(request.user, Activity, "view", uuid=uuid)
    if not can_register_group(request.user):
        raise PermissionDenied
    organization = None
    org_uuid = request.POST.get("organization") or request.GET.get("organization")
    if org_uuid:
        try:
            organization = Organization.objects.active().editable_by(request.user).get(uuid=org_uuid)
        except (Organization.DoesNotExist, ValueError, ValidationError):
            raise Http404
    if request.method == "POST":
        form = GroupRegistrationForm(request.POST, user=request.user, organization=organization)
        if form.is_valid():
            people = list(form.cleaned_data["people"])
            try:
                check_registration(request.user, activity, people, organization)
                created = Registration.objects.register_many(activity, people, by=request.user, organization=organization)
            except ValidationError as e:
                form.add_error(None, e)
            else:
                waiting = sum(1 for r in created if r.status == RegistrationStatus.WAITLISTED)
                messages.success(
                    request, _("%(n)s people registered, %(w)s of them on the waitlist.") % {"n": len(created), "w": waiting}
                )
                return HttpResponseRedirect(activity.get_absolute_url())
    else:
        initial = {"organization": organization.uuid} if organization else {}
        form = GroupRegistrationForm(initial=initial, user=request.user, organization=organization)
    already = set()
    if organization is not None:
        already = set(activity.registrations.exclude(status=RegistrationStatus.CANCELLED).values_list("person__uuid", flat=True))
    mark_no_store(request)
    context = {"title": _("Register members"), "activity": activity, "form": form, "organization": organization, "already": already}
    return render(request, "activities/group_register.html", context)


@require_POST
@login_required
def registration_cancel(request, uuid):
    registration = get_object_or_404(Registration.objects.visible_to(request.user).select_related("activity", "person"), uuid=uuid)
    if not can_cancel(request.user, registration):
        raise PermissionDenied
    try:
        promoted = registration.cancel(by=request.user)
    except ValidationError as e:
        _error(request, e)
    else:
        text = _("The registration of %(name)s is cancelled.") % {"name": registration.person.name}
        if promoted:
            text += " " + _("%(name)s moved up from the waitlist.") % {"name": "、".join(r.person.name for r in promoted)}
        messages.success(request, text)
    return HttpResponseRedirect(request.POST.get("next") if _safe_next(request) else registration.activity.get_absolute_url())


def _safe_next(request):
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next")
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())


# --- organizers: registration list, export, no-shows ---------------------------


def _managed(request, uuid):
    activity = get_object_for(request.user, Activity, "change", uuid=uuid)
    mark_no_store(request)
    return activity


@login_required
def registrations(request, uuid):
    activity = _managed(request, uuid)
    queryset = activity.registrations.select_related("person", "organization").order_by("created_at", "pk")
    filterset = RegistrationFilterSet(request.GET or None, queryset=queryset, request=request)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    opens, closes = activity.checkin_window()
    context = {
        "title": _("Registrations"),
        "activity": activity,
        "filterset": filterset,
        "page_obj": page,
        "object_list": page.object_list,
        "querystring": query.urlencode(),
        "statuses": RegistrationStatus,
        "checkin_open": activity.is_checkin_open(),
        # Once check-in has closed, organizers record from a sign-in sheet (补录).
        "checkin_opens": opens,
        "checkin_closed": not activity.is_cancelled and timezone.now() > closes,
    }
    partial = getattr(request, "htmx", False) and request.htmx.target == "object-table"
    return render(request, "activities/partials/registration_table.html" if partial else "activities/registrations.html", context)


@login_required
def attendance_export(request, uuid):
    """Who came: name, organization, status and times, as Excel. Exports of personal data are audited."""
    activity = _managed(request, uuid)
    rows = (
        [
            r.person.name,
            r.organization.name if r.organization else "",
            r.get_status_display(),
            r.created_at,
            r.checked_in_at,
            r.code,
        ]
        for r in activity.registrations.select_related("person", "organization").order_by("person__name", "pk")
    )
    headers = [pgettext("person", "Name"), _("Organization"), _("Status"), _("Registered at"), _("Checked in at"), _("Check-in code")]
    record(Action.EXPORT, activity, changes={"export": "attendance"})
    notes = [activity.title, f"{timezone.localtime(activity.starts_at):%Y-%m-%d %H:%M}", _("Attendance: %(n)s") % {"n": activity.attendance()}]
    filename = f"{activity.title}-{_('Attendance')}-{timezone.localtime(activity.starts_at):%Y%m%d}.xlsx"
    return xlsx_response(filename, headers, rows, title=_("Attendance"), notes=notes)


@require_POST
@login_required
def mark_no_shows(request, uuid):
    activity = _managed(request, uuid)
    try:
        count = activity.mark_no_shows(by=request.user)
    except ValidationError as e:
        _error(request, e)
    else:
        messages.success(request, _("%(n)s registrations marked as no-show.") % {"n": count})
    return HttpResponseRedirect(reverse("activities:registrations", kwargs={"uuid": activity.uuid}))


# --- check-in -------------------------------------------------------------------


def checkin_url(request, activity):
    return request.build_absolute_uri(reverse("activities:checkin", kwargs={"uuid": activity.uuid, "token": activity.checkin_token}))


@login_required
def qr_page(request, uuid):
    """The printable QR code; only organizers see it, because it carries the check-in secret."""
    activity = _managed(request, uuid)
    url = checkin_url(request, activity)
    opens, closes = activity.checkin_window()
    context = {"title": _("Check-in QR code"), "activity": activity, "url": url, "svg": qr_svg(url), "opens": opens, "closes": closes}
    return render(request, "activities/qr.html", context)


@login_required
def check_in_page(request, uuid, token):
    """Where the QR code leads: members check themselves in; organizers check people in by code or name."""
    activity = get_object_or_404(Activity.objects.select_related("host"), uuid=uuid)
    from django.utils.crypto import constant_time_compare

    if not constant_time_compare(activity.checkin_token, token):
        raise Http404
    mark_no_store(request)
    user = request.user
    mine = Registration.objects.filter(activity=activity, person_id=user.person_id).select_related("person").first() if user.person_id else None
    if request.method == "POST":
        if mine is None:
            messages.error(request, _("You are not registered for this activity."))
        else:
            mine.activity = activity
            try:
                changed = mine.check_in(by=user)
            except ValidationError as e:
                _error(request, e)
            else:
                messages.success(request, _("Checked in. Welcome!") if changed else _("You were already checked in."))
        return HttpResponseRedirect(request.path)
    managing = can_manage(user, activity)
    context = {
        "title": _("Check-in"),
        "activity": activity,
        "mine": mine,
        "managing": managing,
        "checkin_open": activity.is_checkin_open(),
        "window": activity.checkin_window(),
        "statuses": RegistrationStatus,
    }
    if managing:
        context["code_form"] = CheckInCodeForm()
        context["pending"] = activity.registrations.filter(status=RegistrationStatus.REGISTERED).select_related("person", "organization")[:200]
        context["checked_in"] = activity.registrations.filter(status=RegistrationStatus.ATTENDED).count()
        context["taken"] = activity.places_taken()
    return render(request, "activities/checkin.html", context)


def _back_to_checkin(request, activity):
    if _safe_next(request):
        return HttpResponseRedirect(request.POST["next"])
    return HttpResponseRedirect(reverse("activities:checkin", kwargs={"uuid": activity.uuid, "token": activity.checkin_token}))


@require_POST
@login_required
def check_in_code(request, uuid):
    activity = _managed(request, uuid)
    form = CheckInCodeForm(request.POST)
    if form.is_valid():
        try:
            effective_at = posted(request.POST, with_time=True)
            registration, changed = activity.check_in_code(form.cleaned_data["code"], by=request.user, effective_at=effective_at)
        except ValidationError as e:
            _error(request, e)
        else:
            text = _("%(name)s checked in.") if changed else _("%(name)s was already checked in.")
            messages.success(request, text % {"name": registration.person.name})
    return _back_to_checkin(request, activity)


@require_POST
@login_required
def check_in_registration(request, uuid):
    registration = get_object_or_404(Registration.objects.select_related("activity", "person"), uuid=uuid)
    activity = _managed(request, registration.activity.uuid)
    registration.activity = activity
    try:
        # Organizers only (see _managed): the time a check-in happened, when recorded after the fact.
        changed = registration.check_in(by=request.user, effective_at=posted(request.POST, with_time=True))
    except ValidationError as e:
        _error(request, e)
    else:
        text = _("%(name)s checked in.") if changed else _("%(name)s was already checked in.")
        messages.success(request, text % {"name": registration.person.name})
    return _back_to_checkin(request, activity)
