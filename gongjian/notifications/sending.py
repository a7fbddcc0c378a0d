"""notify(): the one way any app tells users something.

Each kind has a template triplet under templates/emails/: ``<kind>_subject.txt``,
``<kind>_body.txt`` and ``<kind>_body.html`` (Chinese). A notice is always
stored for the in-app list; its email goes out at once (through a django-tasks
task after the transaction commits), waits for the daily digest, or is skipped,
as each recipient prefers.
"""

import re
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from .models import EmailMode, Notification, NotificationPreference


def absolute_url(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


def email_address(user) -> str:
    if user.email:
        return user.email
    person = getattr(user, "person", None) if user.person_id else None
    return getattr(person, "email", "") or ""


def render_notice(kind: str, context: dict) -> tuple[str, str, str]:
    """(subject, text, html) for one recipient, always in the platform's language."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{kind}_subject.txt", context)
        text = render_to_string(f"emails/{kind}_body.txt", context)
        html = render_to_string(f"emails/{kind}_body.html", context)
    # A subject is one line whatever the template's whitespace.
    return re.sub(r"\s+", " ", subject).strip()[:200], text.strip(), html


def notify(users: Iterable, kind: str, context: dict | None = None, *, url: str = "") -> list[Notification]:
    """Store a notice for each user and send or queue its email.

    ``kind`` names the templates (e.g. "activities_registration_confirmed");
    ``context`` is shared, and each rendering also gets ``recipient`` and ``link``.
    Call it inside the transaction that caused the notice: if that rolls back,
    nothing is stored or sent.
    """
    recipients, seen = [], set()
    for user in users:
        if user is not None and user.is_active and user.pk not in seen:
            seen.add(user.pk)
            recipients.append(user)
    if not recipients:
        return []
    modes = dict(NotificationPreference.objects.filter(user__in=recipients).values_list("user_id", "email_mode"))
    notices, html_by_user = [], {}
    for user in recipients:
        subject, text, html = render_notice(kind, {**(context or {}), "recipient": user, "link": absolute_url(url)})
        mode = modes.get(user.pk, EmailMode.IMMEDIATE)
        has_address = bool(email_address(user))
        notices.append(
            Notification(recipient=user, kind=kind, title=subject, body=text, url=url, digest_pending=has_address and mode == EmailMode.DIGEST)
        )
        if has_address and mode == EmailMode.IMMEDIATE:
            html_by_user[user.pk] = html
    notices = Notification.objects.bulk_create(notices)
    to_send = [(n.pk, html_by_user[n.recipient_id]) for n in notices if n.recipient_id in html_by_user]
    if to_send:
        from .tasks import send_notification_email

        def enqueue():
            for pk, html in to_send:
                send_notification_email.enqueue(pk, html)

        transaction.on_commit(enqueue)
    return notices
