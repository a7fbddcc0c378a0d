"""Badges used on every activity row: plain tags, because an {% include %} per row is slow on long lists."""

from django import template
from django.utils import timezone
from django.utils.html import format_html

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
