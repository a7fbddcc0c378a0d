"""Badges used on every activity row: plain tags, because an {% include %} per row is slow on long lists."""

import uuid
from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext

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


@lru_cache(maxsize=32)
def _labels(choices, language):
    """Choice labels as plain strings, once per language (each lazy label costs a lookup when shown)."""
    return {value: str(label) for value, label in choices.choices}


def label(choices, value):
    return _labels(choices, get_language()).get(value, value)


@lru_cache(maxsize=8)
def _detail_url(script_prefix):
    placeholder = uuid.UUID(int=0)
    return reverse("activities:detail", kwargs={"uuid": placeholder}).replace(str(placeholder), "{}")


def detail_url(activity):
    """activity.get_absolute_url() without a reverse() per row."""
    return _detail_url(get_script_prefix()).format(activity.uuid)


@register.simple_tag
def status_badge(status):
    if not status or status not in STATUS_CLASSES:
        return ""
    return format_html('<span class="badge {}" data-status="{}">{}</span>', STATUS_CLASSES[status], status, label(RegistrationStatus, status))


@register.simple_tag
def track_badges(activity):
    return format_html(
        '<span class="badge rounded-pill {}">{}</span> <span class="badge rounded-pill text-bg-light border">{}</span>',
        TRACK_CLASSES.get(activity.track, "text-bg-secondary"),
        label(Track, activity.track),
        label(ActivityKind, activity.kind),
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
    # Each cell names its column, so that phones show the row as a card (lib.tables does the same).
    return format_html(
        '<tr><td class="cell-title" data-label="{}"><a href="{}" class="fw-semibold">{}</a>{}<div class="small">{}{}</div></td>'
        '<td class="text-nowrap small" data-label="{}">{}<br><span class="text-muted">{}</span></td>'
        '<td class="small" data-label="{}">{}{}</td>'
        '<td class="text-nowrap small" data-label="{}">{}{}</td>'
        '<td data-label="{}">{}</td></tr>',
        gettext("Activity"),
        detail_url(activity),
        activity.title,
        cancelled,
        track_badges(activity),
        series,
        gettext("Time and place"),
        local_minute(activity.starts_at),
        Truncator(activity.venue or activity.online_url).chars(24),
        gettext("Host and co-hosts"),
        activity.host_name,
        co_hosts,
        gettext("Places"),
        places,
        waiting,
        gettext("My status"),
        status_badge(getattr(activity, "my_status", None)),
    )
