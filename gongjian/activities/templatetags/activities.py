"""Badges used on every activity row: plain tags, because an {% include %} per row is slow on long lists."""

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext

from ..choices import ActivityKind, RegistrationStatus, Track

register = template.Library()

STATUS_CLASSES = {
    RegistrationStatus.REGISTERED: "text-bg-success",
    RegistrationStatus.WAITLISTED: "text-bg-warning",
    RegistrationStatus.ATTENDED: "text-bg-primary",
    RegistrationStatus.NO_SHOW: "text-bg-dark",
    RegistrationStatus.CANCELLED: "text-bg-secondary",
}
TRACK_CLASSES = {Track.STUDY: "text-bg-danger", Track.BUILD: "text-bg-primary", Track.CREATE: "text-bg-success"}


@register.simple_tag
def status_badge(status):
    if not status:
        return ""
    try:
        label = RegistrationStatus(status).label
    except ValueError:
        return ""
    return format_html('<span class="badge {}" data-status="{}">{}</span>', STATUS_CLASSES[status], status, label)


@register.simple_tag
def track_badges(activity):
    return format_html(
        '<span class="badge rounded-pill {}">{}</span> <span class="badge rounded-pill text-bg-light border">{}</span>',
        TRACK_CLASSES.get(activity.track, "text-bg-secondary"),
        Track(activity.track).label if activity.track in Track.values else activity.track,
        ActivityKind(activity.kind).label if activity.kind in ActivityKind.values else activity.kind,
    )


# Django's |date filter re-parses its format on every call; these are used on every row of long lists.
@register.filter
def local_minute(value):
    """2023-05-12 14:00 in the current time zone."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@register.filter
def local_day(value):
    """2023-05-12 in the current time zone."""
    return timezone.localtime(value).strftime("%Y-%m-%d") if value else ""


@register.simple_tag
def activity_row(activity):
    """One row of an activity list, built in Python.

    Lists render twenty to a hundred rows on every request, and the template
    engine spends about ten times longer per row than this; the row needs the
    annotations of ``views.activities.list_queryset`` and ``attach_co_hosts``.
    """
    cancelled = format_html(' <span class="badge text-bg-secondary">{}</span>', gettext("Cancelled")) if activity.cancelled_at else ""
    series = format_html(' <span class="text-muted">{}</span>', activity.series_name) if activity.series_name else ""
    co_hosts = format_html_join("", '<br><span class="text-muted">{}</span>', ((name,) for name in activity.co_host_names))
    places = f"{activity.taken} / {activity.capacity}" if activity.capacity else str(activity.taken)
    waiting = format_html('<br><span class="text-muted">{}</span>', gettext("%(n)s waiting") % {"n": activity.waiting}) if activity.waiting else ""
    return format_html(
        '<tr><td><a href="{}" class="fw-semibold">{}</a>{}<div class="small">{}{}</div></td>'
        '<td class="text-nowrap small">{}<br><span class="text-muted">{}</span></td>'
        '<td class="small">{}{}</td>'
        '<td class="text-nowrap small">{}{}</td>'
        "<td>{}</td></tr>",
        activity.get_absolute_url(),
        activity.title,
        cancelled,
        track_badges(activity),
        series,
        local_minute(activity.starts_at),
        Truncator(activity.venue or activity.online_url).chars(24),
        activity.host_name,
        co_hosts,
        places,
        waiting,
        status_badge(getattr(activity, "my_status", None)),
    )
