"""Small builders for activity tests; the four users come from the shared world."""

import itertools
from datetime import timedelta

from django.utils import timezone

from gongjian.activities.models import Activity
from gongjian.lib.testing import make_member
from gongjian.orgs.models import Person

_counter = itertools.count(1)


def make_activity(host, *, starts_in=timedelta(days=3), duration=timedelta(hours=2), **fields) -> Activity:
    """An activity starting ``starts_in`` from now (negative for the past), open for registration."""
    starts_at = fields.pop("starts_at", None) or (timezone.now() + starts_in).replace(microsecond=0)
    defaults = {
        "title": f"理论宣讲 {next(_counter)}",
        "kind": Activity.Kind.LECTURE,
        "track": Activity.Track.STUDY,
        "venue": "示例学院报告厅",
        "starts_at": starts_at,
        "ends_at": starts_at + duration,
    }
    co_hosts = fields.pop("co_hosts", ())
    speakers = fields.pop("speakers", ())
    invited = fields.pop("invited_orgs", ())
    activity = Activity.objects.create(host=host, **{**defaults, **fields})
    activity.co_hosts.set(co_hosts)
    activity.speakers.set(speakers)
    activity.invited_orgs.set(invited)
    return activity


def make_people(organization, count, prefix="党员") -> list[Person]:
    """People with user accounts and e-mail addresses, members of an organization."""
    people = []
    for _ in range(count):
        n = next(_counter)
        user = make_member(f"p{n}", f"{prefix}{n}", organization, email=f"p{n}@example.cn")
        people.append(user.person)
    return people


def make_speaker(name="沈教授", titles=("市委党校教授",)) -> Person:
    return Person.objects.create(name=name, is_speaker=True, speaker_topics=["党的二十大精神"], titles=list(titles))
