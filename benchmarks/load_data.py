"""The site side of benchmarks/load.py: data, accounts and sessions before the run, the registrations after it.

    python benchmarks/load_data.py prepare PLAN.json --scale 0.25 --burst 2000 --capacity 500
    python benchmarks/load_data.py check PLAN.json

benchmarks/load.py runs both with the production host's environment (deploy/host.py), so the sessions made
here are signed with the server's keys. ``prepare`` loads the demo alliance and then, at --scale of the
issue's volume, the organizations, people, activities, exchange, projects and agreements of
benchmarks/insights.py's builders (benchmarks/directory.py's generator underneath). On every run it adds
the accounts the load needs (one password hash shared by all, as hashing each with Argon2 would take
minutes), fresh activities for this run, and a signed-in session for each member of the burst. It writes
the plan (names, cookies, tokens, activity ids) that the load generator reads. A database that already holds
the data keeps it. ``check`` prints, as JSON, the burst's registrations in the order the application recorded
their arrival, with their status, and the waitlist's queue.
"""

import argparse
import json
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The one password of every account made here (the hash is computed once).
PASSWORD = "Load-bench-2026!"
MIXED_MEMBERS, ALLIANCE_ADMINS, DISTRICT_ADMINS, API_CLIENTS = 48, 4, 4, 8
POOL, TODAY = 30, 6


def log(message):
    print(message, file=sys.stderr, flush=True)


def setup():
    import django

    django.setup()


# --- Data ----------------------------------------------------------------------------------------


def build(scale):
    """The demo, then the benchmark volume from benchmarks/insights.py's builders, on an empty database."""
    from django.core.management import call_command
    from django.db import connection

    from benchmarks import insights
    from gongjian.orgs.models import Membership, Organization

    started = time.perf_counter()
    call_command("load_demo", verbosity=0)
    demo_last = Organization.objects.order_by("-pk").values_list("pk", flat=True).first()
    n = insights.sizes(scale)
    rng = random.Random(20261207)
    insights.load_organizations(n, rng)
    bench = Organization.objects.filter(pk__gt=demo_last)
    org_ids = list(bench.values_list("pk", flat=True))
    committee_ids = list(bench.filter(kind__in=["committee", "working_committee"], parent__isnull=False).values_list("pk", flat=True))
    member_of = dict(Membership.objects.filter(organization__in=bench).values_list("person_id", "organization_id"))
    insights.load_activities(n, rng, org_ids, committee_ids, member_of)
    insights.load_exchange(n, rng, org_ids)
    insights.load_projects(n, rng, org_ids)
    insights.load_agreements(n, rng, org_ids, list(member_of))
    with connection.cursor() as cursor:
        # Planner statistics and the visibility map, as autovacuum would leave them after such a load.
        cursor.execute("VACUUM ANALYZE")
    log(f"demo and benchmark data (scale {scale}) in {time.perf_counter() - started:.0f} s")


def district():
    """The district working committee with the largest subtree (benchmarks/insights.py makes eight)."""
    from django.db.models import Count

    from gongjian.orgs.models import Organization

    districts = Organization.objects.filter(kind="working_committee", name__endswith="区域党建联席会议", parent__isnull=True)
    sizes = {d.pk: Organization.objects.filter(path__startswith=d.path).aggregate(n=Count("pk"))["n"] for d in districts}
    return max(districts, key=lambda d: sizes[d.pk])


def ensure_accounts(prefix, count, password_hash, rng, organizations, role="member", **extra):
    """count accounts named prefix-0000…, each with a person and a membership; only missing ones are made."""
    from django.db import transaction
    from django.utils import timezone

    from benchmarks.directory import GIVEN, SURNAMES
    from gongjian.accounts.models import User
    from gongjian.orgs.models import Membership, Person

    names = [f"{prefix}-{i:04d}" for i in range(count)]
    have = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    missing = [name for name in names if name not in have]
    if missing:
        with transaction.atomic():
            people = Person.objects.bulk_create(
                [Person(name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))) for _ in missing], batch_size=2000
            )
            Membership.objects.bulk_create(
                [Membership(person=p, organization=rng.choice(organizations), role=role) for p in people], batch_size=2000
            )
            now = timezone.now()
            User.objects.bulk_create(
                [
                    User(username=name, person=p, password=password_hash, must_change_password=False, password_changed_at=now, **extra)
                    for name, p in zip(missing, people, strict=True)
                ],
                batch_size=2000,
            )
    return list(User.objects.filter(username__in=names).select_related("person").order_by("username"))


def accounts(args, rng):
    """Members for the mixed run and the burst, district and alliance admins, and API clients with tokens."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from rest_framework.authtoken.models import Token

    from gongjian.accounts.models import User
    from gongjian.orgs.models import Organization

    root = district()
    branches = list(Organization.objects.filter(path__startswith=root.path, kind="branch")[:500])
    password_hash = make_password(PASSWORD)
    # Passwords expire after PASSWORD_EXPIRY_DAYS: a database kept with --reuse starts each run fresh.
    User.objects.filter(username__startswith="load-").update(password_changed_at=timezone.now())
    members = ensure_accounts("load-member", MIXED_MEMBERS, password_hash, rng, branches)
    burst = ensure_accounts("load-burst", args.burst, password_hash, rng, branches)
    district_admins = ensure_accounts("load-district", DISTRICT_ADMINS, password_hash, rng, [root], role="admin")
    api_clients = ensure_accounts("load-api", API_CLIENTS, password_hash, rng, [root], role="admin")
    alliance_admins = ensure_accounts("load-alliance", ALLIANCE_ADMINS, password_hash, rng, [root], is_alliance_admin=True)
    totp = {}
    for user in alliance_admins:
        # The second factor these roles require; the load generator computes its codes from the key.
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="load", defaults={"confirmed": True})
        totp[user.username] = device.key
    tokens = [Token.objects.get_or_create(user=user)[0].key for user in api_clients]
    assert User.objects.filter(username__startswith="load-", must_change_password=True).count() == 0
    return root, members, burst, district_admins, alliance_admins, totp, tokens


def activities(args, root, run):
    """This run's activities, hosted by the district and open to the whole alliance."""
    from django.utils import timezone

    from gongjian.activities.models import Activity

    now = timezone.now()

    def make(title, starts, capacity):
        activity = Activity(
            title=title,
            kind="lecture",
            track="study",
            host=root,
            invite_alliance=True,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            venue="区委党校报告厅",
            capacity=capacity,
        )
        activity.full_clean()
        activity.save()
        return activity

    pool = [make(f"压测{run}专题学习{i}", now + timedelta(days=3 + i), 300) for i in range(POOL)]
    # Starting within the hour: check-in is already open (ACTIVITIES_CHECKIN_OPENS_BEFORE), registration still is.
    today = [make(f"压测{run}今日活动{i}", now + timedelta(minutes=60), None) for i in range(TODAY)]
    popular = make(f"压测{run}热门报告会", now + timedelta(days=14), args.capacity)
    return pool, today, popular


def sessions(users):
    """A signed-in session for each user, as the login form leaves one (with the login's audit record)."""
    from django.conf import settings
    from django.db import transaction
    from django.test import Client

    started = time.perf_counter()
    cookies = {}
    with transaction.atomic():
        for user in users:
            client = Client()
            client.force_login(user)
            cookies[user.username] = client.cookies[settings.SESSION_COOKIE_NAME].value
    log(f"{len(users):,} sessions in {time.perf_counter() - started:.0f} s")
    return cookies


def prepare(args):
    from django.core.management import call_command

    from gongjian.orgs.models import Organization

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    if not Organization.objects.filter(name__endswith="区域党建联席会议").exists():
        build(args.scale)
    rng = random.Random()
    run = time.strftime("%m%d%H%M")
    root, members, burst, district_admins, alliance_admins, totp, tokens = accounts(args, rng)
    pool, today, popular = activities(args, root, run)
    plan = {
        "run": run,
        "scale": args.scale,
        "password": PASSWORD,
        "members": [u.username for u in members],
        "district_admins": [u.username for u in district_admins],
        "alliance_admins": [{"username": u.username, "totp_key": totp[u.username]} for u in alliance_admins],
        "api_tokens": tokens,
        "district": str(root.uuid),
        "pool": [str(a.uuid) for a in pool],
        "today": [{"uuid": str(a.uuid), "token": a.checkin_token} for a in today],
        "popular": {"uuid": str(popular.uuid), "capacity": popular.capacity},
        "burst": sessions(burst),
    }
    path = Path(args.plan)
    path.write_text(json.dumps(plan, ensure_ascii=False))
    os.chmod(path, 0o600)  # session cookies


# --- After the burst ------------------------------------------------------------------------------


def check(args):
    """Each burst registration's status and its place in the queue the application keeps."""
    from gongjian.activities.choices import COUNTED_STATUSES
    from gongjian.activities.models import Activity, Registration

    plan = json.loads(Path(args.plan).read_text())
    activity = Activity.objects.get(uuid=plan["popular"]["uuid"])
    rows = (
        Registration.objects.filter(activity=activity).order_by("status_changed_at", "pk").values_list("person__user__username", "status")
    )
    waitlist = [name for name, status in rows if status == "waitlisted"]
    print(
        json.dumps(
            {
                "capacity": activity.capacity,
                "counted": activity.registrations.filter(status__in=COUNTED_STATUSES).count(),
                # Arrival order as recorded: places and waitlist alike, by status_changed_at then id.
                "order": [[name, status] for name, status in rows],
                # promote_waitlisted's queue: who moves up first when a place frees.
                "waitlist": waitlist,
            }
        )
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("phase", choices=["prepare", "check"])
    parser.add_argument("plan")
    parser.add_argument("--scale", type=float, default=0.25)
    parser.add_argument("--burst", type=int, default=2000)
    parser.add_argument("--capacity", type=int, default=500)
    args = parser.parse_args()
    setup()
    prepare(args) if args.phase == "prepare" else check(args)


if __name__ == "__main__":
    main()
