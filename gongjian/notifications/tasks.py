"""Background email delivery through django-tasks."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task

from .models import Notification


@task()
def send_notification_email(notification_id: int, html: str = "") -> bool:
    """Email one stored notice; a notice already emailed is not sent again."""
    from .sending import email_address

    notice = Notification.objects.select_related("recipient", "recipient__person").filter(pk=notification_id).first()
    if notice is None or notice.emailed_at is not None:
        return False
    address = email_address(notice.recipient)
    if not address:
        return False
    # Claim it first so two workers never send the same notice.
    if not Notification.objects.filter(pk=notice.pk, emailed_at__isnull=True).update(emailed_at=timezone.now()):
        return False
    message = EmailMultiAlternatives(notice.title, notice.body, settings.DEFAULT_FROM_EMAIL, [address])
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:
        # Release the claim so a retry can send it.
        Notification.objects.filter(pk=notice.pk).update(emailed_at=None)
        raise
    return True
