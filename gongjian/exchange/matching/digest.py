"""The weekly match digest: each organization admin gets the best suggestions for their open needs and resources.

Idempotent per ISO week: a user who has had this week's digest is skipped (unless forced). The digest
is a notice of kind "exchange_match_digest" sent through gongjian.notifications (stored in the app,
emailed as the user prefers); without that app it goes out by plain email.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation

from gongjian.exchange.models import Need, Resource
from gongjian.notifications.models import Notification
from gongjian.notifications.sending import notify
from gongjian.orgs.models import Membership

from .ranking import suggest

KIND = "exchange_match_digest"
PER_ITEM = 3  # suggestions shown for each need or resource
MAX_ITEMS = 10  # needs and resources per email, newest first


def week_start(now) -> datetime.datetime:
    """Monday 00:00 local time of now's ISO week."""
    local = timezone.localtime(now)
    return (local - datetime.timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)


def admins():
    """Active users administering at least one organization, with the paths of the subtrees they administer."""
    rows = (
        Membership.objects.current()
        .filter(role=Membership.Role.ADMIN, organization__archived_at__isnull=True, person__user__is_active=True)
        .values_list("person__user", "organization__path")
    )
    paths: dict[int, list[str]] = {}
    for user_id, path in rows:
        paths.setdefault(user_id, []).append(path)
    users = get_user_model().objects.filter(pk__in=paths).select_related("person").order_by("pk")
    return [(user, paths[user.pk]) for user in users]


def open_items(paths: list[str]) -> list:
    """Open needs and resources of the organizations under these paths, newest first."""
    under = models.Q()
    for path in paths:
        under |= models.Q(organization__path__startswith=path)
    related = ("organization", "organization__region", "region", "category")
    items = list(Need.objects.open().filter(under).select_related(*related).order_by("-published_at", "-pk")[:MAX_ITEMS])
    items += list(Resource.objects.open().filter(under).select_related(*related).order_by("-published_at", "-pk")[:MAX_ITEMS])
    items.sort(key=lambda item: item.published_at or item.created_at, reverse=True)
    return items[:MAX_ITEMS]


def sections_for(user, paths: list[str]) -> list[dict]:
    sections = []
    for item in open_items(paths):
        kind = "resources" if item._meta.model_name == "need" else "needs"
        # Open items, which every signed-in member may see; loaded through visible_to(user) anyway, as on the match tab.
        found = suggest(item, kind, PER_ITEM, user=user)
        if found:
            sections.append({"item": item, "is_need": kind == "resources", "suggestions": found})
    return sections


def already_sent(user, since) -> bool:
    return Notification.objects.filter(recipient=user, kind=KIND, created_at__gte=since).exists()


def deliver(user, context: dict, since):
    notify([user], KIND, context, url=reverse("exchange:hall"))


def send_match_digests(now=None, force=False) -> int:
    """Send this week's digest to every organization admin who has suggestions; returns how many were sent."""
    now = now or timezone.now()
    since = week_start(now)
    year, week, _ = since.isocalendar()
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for user, paths in admins():
            if not force and already_sent(user, since):
                continue
            sections = sections_for(user, paths)
            if not sections:
                continue
            context = {
                "sections": sections,
                "count": sum(len(s["suggestions"]) for s in sections),
                "year": year,
                "week": week,
                "site_url": settings.SITE_URL.rstrip("/"),
            }
            with transaction.atomic():
                # Lock the recipient so two runs at once cannot both decide to send.
                get_user_model().objects.select_for_update().filter(pk=user.pk).first()
                if not force and already_sent(user, since):
                    continue
                deliver(user, context, since)
            sent += 1
    return sent
