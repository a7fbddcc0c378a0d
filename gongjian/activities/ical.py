"""iCalendar feeds that calendar apps subscribe to, one per organization and one per person.

Calendar apps cannot sign in, so a feed URL carries a keyed token (HMAC of the
feed's subject); the URL is shown only to users who may see that calendar.
"""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from icalendar import Calendar, Event

FEED_SALT = "gongjian.activities.ical"
# How far back a feed reaches; calendar apps re-read the whole feed each time.
FEED_PAST_DAYS = 400
FEED_LIMIT = 1000


def feed_token(kind: str, uuid) -> str:
    return salted_hmac(FEED_SALT, f"{kind}:{uuid}").hexdigest()[:32]


def check_token(kind: str, uuid, token: str) -> bool:
    return constant_time_compare(feed_token(kind, uuid), token or "")


def organization_feed_url(organization) -> str:
    return reverse("activities:ical_organization", kwargs={"uuid": organization.uuid, "token": feed_token("org", organization.uuid)})


def person_feed_url(person) -> str:
    return reverse("activities:ical_person", kwargs={"uuid": person.uuid, "token": feed_token("person", person.uuid)})


def feed_window(queryset):
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    return queryset.filter(ends_at__gte=since).order_by("starts_at", "pk")[:FEED_LIMIT]


def build_calendar(activities, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Gongjian//Activities//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    # Ask subscribers to refresh every few hours.
    calendar.add("refresh-interval", timedelta(hours=4), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT4H")
    site = settings.SITE_URL.rstrip("/")
    stamp = timezone.now()
    for activity in activities:
        event = Event()
        event.add("uid", f"{activity.uuid}@gongjian")
        event.add("dtstamp", stamp)
        event.add("dtstart", activity.starts_at)
        event.add("dtend", activity.ends_at)
        event.add("summary", activity.title)
        event.add("last-modified", activity.updated_at)
        if activity.venue or activity.online_url:
            event.add("location", activity.venue or activity.online_url)
        url = site + activity.get_absolute_url()
        event.add("url", url)
        lines = [f"{activity.get_kind_display()} · {activity.host.name}"]
        if activity.online_url:
            lines.append(activity.online_url)
        if activity.description:
            lines.append(activity.description)
        lines.append(url)
        event.add("description", "\n".join(lines))
        event.add("categories", [str(activity.get_track_display())])
        event.add("status", "CANCELLED" if activity.is_cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
