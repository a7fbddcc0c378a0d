"""What activities tell people, through notifications.notify().

Each function runs after the transaction that changed the registrations has
committed, so a rolled-back sign-up never sends anything.
"""

from django.contrib.auth import get_user_model
from django.utils import timezone

from gongjian.notifications.sending import notify

from .choices import RegistrationStatus


def _users_by_person(person_ids):
    User = get_user_model()
    return {u.person_id: u for u in User.objects.filter(person_id__in=set(person_ids), is_active=True).select_related("person")}


def _context(activity, registration=None, **extra):
    starts, ends = timezone.localtime(activity.starts_at), timezone.localtime(activity.ends_at)
    return {
        "activity": activity,
        "registration": registration,
        "when": f"{starts:%Y-%m-%d %H:%M}–{ends:%H:%M}" if starts.date() == ends.date() else f"{starts:%Y-%m-%d %H:%M} – {ends:%Y-%m-%d %H:%M}",
        "place": activity.venue or activity.online_url,
        "host": activity.host,
        **extra,
    }


def _send(registrations, kind, **extra):
    users = _users_by_person(r.person_id for r in registrations)
    for registration in registrations:
        user = users.get(registration.person_id)
        if user is not None:
            activity = registration.activity
            notify([user], kind, _context(activity, registration, **extra), url=activity.get_absolute_url())


def registered(registrations):
    confirmed = [r for r in registrations if r.status == RegistrationStatus.REGISTERED]
    waiting = [r for r in registrations if r.status == RegistrationStatus.WAITLISTED]
    _send(confirmed, "activities_registration_confirmed")
    _send(waiting, "activities_registration_waitlisted")


def promoted(registrations):
    _send(registrations, "activities_promoted")


def cancelled(registration, by=None):
    by_self = by is None or getattr(by, "person_id", None) == registration.person_id
    _send([registration], "activities_registration_cancelled", by_self=by_self)


def activity_cancelled(activity, registrations, reason=""):
    for registration in registrations:
        registration.activity = activity
    _send(registrations, "activities_activity_cancelled", reason=reason)


def reminder(registrations):
    _send(registrations, "activities_reminder")
