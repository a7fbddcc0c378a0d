"""The daily digest: one email carrying a user's unread notices instead of one email each."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .models import Notification, NotificationPreference
from .sending import absolute_url, email_address, render_notice


def start_of_day(now) -> datetime.datetime:
    return timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)


def send_digests(now=None, force=False) -> int:
    """Send each waiting user one digest; returns the number of emails sent.

    Idempotent: notices leave the queue in the same transaction that sends
    them, and a user gets at most one digest per local day unless ``force``.
    """
    now = now or timezone.now()
    today = start_of_day(now)
    waiting = Notification.objects.awaiting_digest().values_list("recipient_id", flat=True).distinct()
    sent = 0
    for user in get_user_model().objects.filter(pk__in=waiting).select_related("person").order_by("pk"):
        with transaction.atomic():
            preference, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
            if not force and preference.last_digest_at and preference.last_digest_at >= today:
                continue
            notices = list(Notification.objects.select_for_update().filter(recipient=user, digest_pending=True).order_by("created_at", "pk"))
            if not notices:
                continue
            Notification.objects.filter(pk__in=[n.pk for n in notices]).update(digest_pending=False)
            unread = [n for n in notices if n.read_at is None]
            address = email_address(user)
            if not unread or not address or not user.is_active:
                # Read in the app already (or nowhere to send): nothing to mail.
                continue
            context = {
                "recipient": user,
                "notices": unread,
                "count": len(unread),
                "site_url": settings.SITE_URL.rstrip("/"),
                "link": absolute_url(reverse("notifications:list")),
            }
            subject, text, html = render_notice("notifications_digest", context)
            message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [address])
            message.attach_alternative(html, "text/html")
            # Sent inside the transaction: if sending fails, the notices stay queued for the next run.
            message.send()
            Notification.objects.filter(pk__in=[n.pk for n in unread]).update(emailed_at=now)
            preference.last_digest_at = now
            preference.save(update_fields=["last_digest_at"])
            sent += 1
    return sent
