"""Activity pages: lists by track, organization and person, the month calendar, detail, edit, minutes, photos."""

import calendar as pycalendar
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from gongjian.lib.access import get_object_for, scope_for
from gongjian.lib.middleware import mark_no_store
from gongjian.lib.uploads import open_stored
from gongjian.lib.views import ObjectArchiveView, ObjectDetailView, ObjectEditView, ObjectListView
from gongjian.orgs.models import Organization, Person

from .. import ical
from ..access import can_manage, can_register_group
from ..choices import COUNTED_STATUSES, RegistrationStatus, Track
from ..filters import ActivityFilterSet, SeriesFilterSet
from ..forms import ActivityForm, CancelActivityForm, MinutesForm, PhotoForm, SeriesForm
from ..models import Activity, ActivityPhoto, Registration, Series

# The timeline page shows the latest entries; the organization's activity list has them all.
TIMELINE_PAGE = 100

TRACK_TITLES = {
    None: gettext_lazy("Activities"),
    Track.STUDY: gettext_lazy("Joint study activities"),
    Track.BUILD: gettext_lazy("Joint building activities"),
    Track.CREATE: gettext_lazy("Joint project activities"),
}


LIST_FIELDS = (
    "uuid", "title", "kind", "track", "series_id", "host_id", "starts_at", "ends_at", "venue", "online_url", "capacity", "cancelled_at", "archived_at",
)  # fmt: skip


def list_queryset(user, for_export=False):
    """What every activity list shows: visible, not archived, the host's and series' names.

    The rest of a row (co-hosts, places taken, the waitlist, the user's own status)
    comes from ``attach_row_details`` for the page's rows only. An export streams
    the whole queryset instead, so ``for_export`` annotates and prefetches it there.
    """
    queryset = (
        Activity.objects.active()
        .visible_to(user)
        .only(*LIST_FIELDS)
        .annotate(host_name=models.F("host__name"), series_name=models.F("series__name"))
    )
    if for_export:
        co_hosts = models.Prefetch("co_hosts", queryset=Organization.objects.only("pk", "uuid", "name"))
        queryset = queryset.with_counts().prefetch_related(co_hosts)
    return queryset


def attach_row_details(activities, user):
    """Set co_host_names, taken, waiting and my_status on a page of activities, in two queries for the whole page."""
    activities = list(activities)
    ids = [a.pk for a in activities]
    names = {}
    co_hosts = Activity.co_hosts.through.objects.filter(activity_id__in=ids).order_by("organization__path")
    for activity_id, name in co_hosts.values_list("activity_id", "organization__name"):
        names.setdefault(activity_id, []).append(name)
    annotations = {
        "taken": models.Count("pk", filter=models.Q(status__in=COUNTED_STATUSES)),
        "waiting": models.Count("pk", filter=models.Q(status=RegistrationStatus.WAITLISTED)),
    }
    if user.person_id:
        # A person has at most one registration per activity, so Max picks it.
        annotations["mine"] = models.Max("status", filter=models.Q(person_id=user.person_id))
    rows = Registration.objects.filter(activity_id__in=ids).order_by().values("activity_id").annotate(**annotations)
    stats = {row["activity_id"]: row for row in rows}
    for activity in activities:
        row = stats.get(activity.pk, {})
        activity.co_host_names = names.get(activity.pk, [])
        activity.taken, activity.waiting, activity.my_status = row.get("taken", 0), row.get("waiting", 0), row.get("mine")
    return activities


class ActivityListView(ObjectListView):
    queryset = Activity.objects.all()
    filterset_class = ActivityFilterSet
    template_name = "activities/activity_list.html"
    table_template_name = "activities/partials/activity_table.html"
    export_columns = (
        (gettext_lazy("Title"), "title"),
        (gettext_lazy("Track"), lambda a: a.get_track_display()),
        (gettext_lazy("Kind"), lambda a: a.get_kind_display()),
        (gettext_lazy("Starts at"), "starts_at"),
        (gettext_lazy("Ends at"), "ends_at"),
        (gettext_lazy("Host"), "host_name"),
        (gettext_lazy("Co-hosts"), lambda a: [o.name for o in a.co_hosts.all()]),  # prefetched for exports
        (gettext_lazy("Venue"), lambda a: a.venue or a.online_url),
        (gettext_lazy("Capacity"), "capacity"),
        (gettext_lazy("Places taken"), "taken"),
    )
    track = None
    count_later = True

    @property
    def title(self):
        return TRACK_TITLES[self.track]

    def get_queryset(self, request):
        # Co-hosts are prefetched only for exports; a page reads them in attach_row_details().
        queryset = list_queryset(request.user, for_export=request.GET.get("export") == "xlsx")
        return queryset.filter(track=self.track) if self.track else queryset

    def can_create(self, request):
        return can_register_group(request.user)

    def total_text(self, total):
        return ngettext("%(n)s activity", "%(n)s activities", total) % {"n": total}

    def paginate(self, request, queryset):
        page = super().paginate(request, queryset)
        page.object_list = attach_row_details(page.object_list, request.user)
        return page

    def get_extra_context(self, request):
        return {"track": self.track}


class ActivityDetailView(ObjectDetailView):
    model = Activity
    template_name = "activities/activity_detail.html"

    def get_object(self, request, **kwargs):
        queryset = Activity.objects.select_related("host", "series", "practice_base")
        return get_object_for(request.user, Activity, "view", queryset=queryset, uuid=kwargs["uuid"])

    def get_extra_context(self, request, obj):
        user = request.user
        mine = Registration.objects.filter(activity=obj, person_id=user.person_id).first() if user.person_id else None
        counts = dict(obj.registrations.values_list("status").annotate(n=models.Count("pk")).order_by())
        managing = can_manage(user, obj)
        if mine is not None or managing:
            # The page shows a check-in code or the organizer's figures: keep it out of shared caches.
            mark_no_store(request)
        taken = sum(counts.get(s, 0) for s in COUNTED_STATUSES)
        context = {
            "title": obj.title,
            "co_hosts": obj.co_hosts.all(),
            "speakers": obj.speakers.all(),
            "invited": obj.invited_orgs.all(),
            "photos": obj.photos.all(),
            "my_registration": mine,
            "registration_state": obj.registration_state(),
            "taken": taken,
            # Hard capacity: no button that would only be refused.
            "fully_booked": not obj.waitlist_enabled and obj.capacity is not None and taken >= obj.capacity,
            "waiting": counts.get(RegistrationStatus.WAITLISTED, 0),
            "checked_in": counts.get(RegistrationStatus.ATTENDED, 0),
            "can_manage": managing,
            "can_register_group": can_register_group(user),
            "checkin_open": obj.is_checkin_open(),
            "statuses": RegistrationStatus,
        }
        if managing:
            context["photo_form"] = PhotoForm(user=user)
            context["cancel_form"] = CancelActivityForm()
            context["status_counts"] = [(s.label, counts.get(s.value, 0)) for s in RegistrationStatus]
        return context


class ActivityEditView(ObjectEditView):
    model = Activity
    form_class = ActivityForm

    def check_create(self, request):
        if not can_register_group(request.user):
            raise PermissionDenied

    def get_object(self, request, **kwargs):
        obj = super().get_object(request, **kwargs)
        if not obj.pk:
            # Pre-fill the track when starting from a track's list.
            track = request.GET.get("track")
            if track in Track.values:
                obj.track = track
        return obj

    def check_save(self, request, obj):
        if not scope_for(request.user).can_edit(obj.host_id):
            raise ValidationError({"host": _("You can only host activities for organizations you administer.")})


class ActivityArchiveView(ObjectArchiveView):
    model = Activity
    success_url_name = "activities:list"


class MinutesEditView(ObjectEditView):
    """Minutes, outcomes and attendee count: organizers only, through the shared form template."""

    model = Activity
    form_class = MinutesForm

    def get_object(self, request, **kwargs):
        return get_object_for(request.user, Activity, "change", uuid=kwargs["uuid"])


@require_POST
@login_required
def activity_cancel(request, uuid):
    activity = get_object_for(request.user, Activity, "change", uuid=uuid)
    form = CancelActivityForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        cancelled = activity.cancel(by=request.user, reason=reason)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The activity is cancelled; %(n)s registrations were cancelled and notified.") % {"n": cancelled.count()})
    return HttpResponseRedirect(activity.get_absolute_url())


# --- by organization, by person ---------------------------------------------


def _paginate(request, queryset, per_page=20):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


@login_required
def organization_activities(request, uuid):
    organization = get_object_for(request.user, Organization, "view", uuid=uuid)
    queryset = list_queryset(request.user).for_organization(organization)
    page = _paginate(request, queryset)
    page.object_list = attach_row_details(page.object_list, request.user)
    context = {
        "title": _("Activities of %(org)s") % {"org": organization},
        "organization": organization,
        "page_obj": page,
        "object_list": page.object_list,
        "feed_url": request.build_absolute_uri(ical.organization_feed_url(organization)),
        "statuses": RegistrationStatus,
    }
    return render(request, "activities/organization_activities.html", context)


@login_required
def organization_timeline(request, uuid):
    from django.apps import apps

    organization = get_object_for(request.user, Organization, "view", uuid=uuid)
    entries = apps.get_app_config("activities").org_timeline(organization, request.user, limit=TIMELINE_PAGE + 1)
    context = {
        "title": _("Timeline of %(org)s") % {"org": organization},
        "organization": organization,
        "entries": entries[:TIMELINE_PAGE],
        "more": len(entries) > TIMELINE_PAGE,
        "all_url": reverse("activities:organization", kwargs={"uuid": organization.uuid}),
    }
    template = "activities/partials/timeline.html" if getattr(request, "htmx", False) else "activities/organization_timeline.html"
    return render(request, template, context)


@login_required
def my_activities(request):
    person = request.user.person
    if person is None:
        raise Http404
    return _person_page(request, person, own=True)


@login_required
def person_activities(request, uuid):
    person = get_object_for(request.user, Person, "view", uuid=uuid)
    return _person_page(request, person, own=person.pk == request.user.person_id)


def _person_page(request, person, own):
    mark_no_store(request)
    registrations = (
        Registration.objects.visible_to(request.user)
        .filter(person=person, activity__archived_at__isnull=True)
        .select_related("activity", "activity__host", "organization")
        .order_by("-activity__starts_at", "-pk")
    )
    speaking = Activity.objects.active().visible_to(request.user).filter(speakers=person).select_related("host").order_by("-starts_at")
    page = _paginate(request, registrations)
    context = {
        "title": _("My activities") if own else _("Activities of %(name)s") % {"name": person.name},
        "person": person,
        "own": own,
        "page_obj": page,
        "registrations": page.object_list,
        "speaking": speaking[:50],
        "feed_url": request.build_absolute_uri(ical.person_feed_url(person)) if own else "",
        "now": timezone.now(),
    }
    return render(request, "activities/person_activities.html", context)


# --- calendar -----------------------------------------------------------------


def _month(value: str | None) -> datetime.date:
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return datetime.date(year, month, 1)
    except (ValueError, TypeError):
        return today.replace(day=1)


@login_required
def calendar(request):
    """A month grid (Monday first) of the activities the user can see."""
    first = _month(request.GET.get("month"))
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(weeks[0][0], datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(weeks[-1][-1] + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    queryset = Activity.objects.active().visible_to(request.user).filter(starts_at__gte=start, starts_at__lt=end).select_related("host")
    track = request.GET.get("track")
    if track in Track.values:
        queryset = queryset.filter(track=track)
    by_day = {}
    for activity in queryset.order_by("starts_at", "pk")[:2000]:
        by_day.setdefault(timezone.localtime(activity.starts_at).date(), []).append(activity)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    context = {
        "title": _("Activity calendar"),
        "month": first,
        "weeks": [[(day, by_day.get(day, [])) for day in week] for week in weeks],
        "month_activities": [a for day in sorted(by_day) if day.month == first.month for a in by_day[day]],
        "previous": f"{previous:%Y-%m}",
        "following": f"{following:%Y-%m}",
        "today": timezone.localdate(),
        "track": track if track in Track.values else "",
        "tracks": Track.choices,
        "weekdays": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
    }
    return render(request, "activities/calendar.html", context)


# --- photos -------------------------------------------------------------------


@require_POST
@login_required
def photo_upload(request, uuid):
    activity = get_object_for(request.user, Activity, "change", uuid=uuid)
    form = PhotoForm(request.POST, request.FILES, user=request.user, instance=ActivityPhoto(activity=activity, uploaded_by=request.user))
    if form.is_valid():
        form.save()
        messages.success(request, _("Photo uploaded."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return HttpResponseRedirect(activity.get_absolute_url() + "#photos")


@login_required
def photo(request, uuid):
    item = get_object_or_404(ActivityPhoto.objects.select_related("activity"), uuid=uuid)
    if not Activity.objects.visible_to(request.user).filter(pk=item.activity_id).exists():
        raise Http404
    response = FileResponse(open_stored(request, item.image), content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


@require_POST
@login_required
def photo_delete(request, uuid):
    item = get_object_or_404(ActivityPhoto.objects.select_related("activity"), uuid=uuid)
    activity = get_object_for(request.user, Activity, "change", pk=item.activity_id)
    item.image.delete(save=False)
    item.delete()
    messages.success(request, _("Photo removed."))
    return HttpResponseRedirect(activity.get_absolute_url() + "#photos")


# --- series -------------------------------------------------------------------


class SeriesListView(ObjectListView):
    queryset = Series.objects.all()
    template_name = "activities/series_list.html"
    table_template_name = "activities/partials/series_table.html"
    title = gettext_lazy("Lecture series")

    filterset_class = SeriesFilterSet

    def get_queryset(self, request):
        active = models.Count("activities", filter=models.Q(activities__archived_at__isnull=True))
        return Series.objects.visible_to(request.user).select_related("organization").annotate(activity_count=active).order_by("name", "pk")

    def can_create(self, request):
        return can_register_group(request.user)


class SeriesDetailView(ObjectDetailView):
    model = Series
    template_name = "activities/series_detail.html"

    def get_extra_context(self, request, obj):
        activities = attach_row_details(list_queryset(request.user).filter(series=obj).order_by("starts_at", "pk"), request.user)
        return {"title": obj.name, "activities": activities, "statuses": RegistrationStatus}


class SeriesEditView(ObjectEditView):
    model = Series
    form_class = SeriesForm

    def check_create(self, request):
        if not can_register_group(request.user):
            raise PermissionDenied

    def check_save(self, request, obj):
        if not scope_for(request.user).can_edit(obj.organization_id):
            raise ValidationError({"organization": _("Choose an organization you administer.")})

