"""Activities benchmark: list, timeline and registration server time against minimal views, and concurrent sign-ups.

    nice .venv/bin/python benchmarks/activities.py [--activities 20000 --registrations 1000000] [--requests 25] [--reuse]

Uses DATABASE_URL when set, else a throwaway PostgreSQL database ``gj_bench_activities`` on
127.0.0.1 (created if missing), because concurrent sign-ups need real row locks. Loads synthetic
organizations (30 committees with 9 branches each), 20,000 people, 20,000 activities (co-hosts,
invitations, speakers) and 1,000,000 registrations in bulk, then measures the median server time
(the whole Django stack, in process) of

* the activity list /activities/ as a branch member (visibility, places taken, my status, filters),
* the organization timeline /activities/orgs/<uuid>/timeline/ as the committee's admin,
* the registration endpoint POST /activities/<uuid>/register/ (lock, count, insert, history, notice),

each against a minimal view defined here that reads or writes the same tables with the plainest
query (the list and timeline without scoping, the sign-up with the same row lock and count). Then
16 threads, each with its own database connection, sign up distinct members for 32 activities of
20 places as fast as they can; afterwards every activity is checked for more people registered
than places. The last line is machine-readable:

    RESULT list_ratio=… timeline_ratio=… register_ratio=… register_per_s=… overbooked=… errors=…

Targets: ratios ≤ 3, overbooked = 0, errors = 0.
"""

import argparse
import io
import os
import random
import statistics
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/gj_bench_activities"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红玲兰飞鑫波斌宇浩凯健俊帆帅旭宁龙林欣晨瑞佳雪琳晶婷颖倩文博思雨"
TOPICS = "党的二十大精神 全国两会精神 长三角一体化 乡村振兴 产教融合 智能制造 就业创业 社区治理 红色文化 志愿服务 劳模精神 科技创新".split()
KINDS = ["lecture", "paired_study", "topical_study", "roundtable", "research_visit", "group_service", "signing", "party_day", "volunteering", "other"]
TRACKS = ["study", "study", "build", "create"]
COMMITTEES, BRANCHES = 30, 9
THREADS, RACE_ACTIVITIES, RACE_CAPACITY, RACE_PER_THREAD = 16, 32, 20, 60


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=20_000)
    parser.add_argument("--registrations", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=25, help="timed requests per URL (after warm-ups)")
    parser.add_argument("--reuse", action="store_true", help="keep an already loaded database of the same size")
    return parser.parse_args()


def log(message):
    print(message, file=sys.stderr, flush=True)


def configure():
    url = os.environ.get("DATABASE_URL") or DEFAULT_DB
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjian.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')
    import django

    django.setup()
    from django.conf import settings

    # Notices are queued for the task worker, as in production; nothing is mailed here.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["*"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def name(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")


# --- loading -------------------------------------------------------------------------------------


def loaded(args) -> bool:
    from gongjian.activities.models import Activity, Registration

    return Activity.objects.filter(title__startswith="基准").count() >= args.activities and Registration.objects.count() >= args.registrations


def wipe():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE activities_registrationevent, activities_registration, activities_activityphoto, activities_activity_co_hosts, "
            "activities_activity_invited_orgs, activities_activity_speakers, activities_activity, activities_series, "
            "notifications_notification, notifications_notificationpreference, django_tasks_database_dbtaskresult, "
            "authtoken_token, django_session, orgs_membership, audit_record, accounts_user, orgs_person, orgs_organization CASCADE"
        )


def load(args, rng):
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from gongjian.accounts.models import User
    from gongjian.activities.models import Activity, Series
    from gongjian.activities.models.registration import new_code
    from gongjian.orgs.models import Membership, Organization, Person

    if args.reuse and loaded(args):
        log("reusing the loaded database")
        return
    wipe()
    started = time.perf_counter()
    with transaction.atomic():
        committees, branches = [], []
        for c in range(COMMITTEES):
            committee = Organization.objects.create(name=f"基准第{c + 1}党委", sector=rng.choice(["school", "government", "enterprise"]), kind="committee")
            committees.append(committee)
            for b in range(BRANCHES):
                branches.append(Organization.objects.create(name=f"基准第{c + 1}党委第{b + 1}支部", sector=committee.sector, kind="branch", parent=committee))
        orgs = committees + branches
        people = Person.objects.bulk_create(
            [Person(name=name(rng), is_speaker=i < 40, speaker_topics=[rng.choice(TOPICS)] if i < 40 else []) for i in range(args.people)],
            batch_size=5000,
        )
        branch_of = {}
        memberships = []
        for i, person in enumerate(people):
            branch = branches[i % len(branches)]
            branch_of[person.pk] = branch.pk
            memberships.append(Membership(person=person, organization=branch))
        for committee in committees:
            memberships.append(Membership(person=people[-1 - committee.pk % 500], organization=committee, role="admin"))
        Membership.objects.bulk_create(memberships, batch_size=5000, ignore_conflicts=True)
        password = make_password(None)
        User.objects.bulk_create(
            [User(username=f"bench{p.pk}", person=p, password=password, must_change_password=False) for p in people], batch_size=5000
        )
        series = [Series.objects.create(name=f"基准系列{n}", track="study", organization=committees[n % COMMITTEES]) for n in range(40)]
    log(f"organizations, {len(people):,} people and users in {time.perf_counter() - started:.0f} s")

    started = time.perf_counter()
    now = timezone.now()
    activities = []
    for n in range(args.activities):
        # 2022 to the end of next year: most are past, some upcoming.
        starts = now - timedelta(days=700) + timedelta(minutes=rng.randrange(0, 1000 * 24 * 60 // 15) * 15)
        host = rng.choice(orgs)
        track = rng.choice(TRACKS)
        activities.append(
            Activity(
                title=f"基准{rng.choice(TOPICS)}活动{n}",
                kind=rng.choice(KINDS),
                track=track,
                series=series[n % 40] if track == "study" and n % 5 == 0 else None,
                host=host,
                invite_alliance=rng.random() < 0.1,
                starts_at=starts,
                ends_at=starts + timedelta(hours=rng.choice([1, 2, 3])),
                venue=f"{host.name}会议室",
                capacity=rng.choice([None, 60, 80, 100, 150]),
            )
        )
    activities = Activity.objects.bulk_create(activities, batch_size=2000)
    CoHost, Invited, Speaker = Activity.co_hosts.through, Activity.invited_orgs.through, Activity.speakers.through
    co_hosts, invited, speakers = [], [], []
    for activity in activities:
        for org in rng.sample(orgs, rng.choice([0, 1, 1, 2])):
            if org.pk != activity.host_id:
                co_hosts.append(CoHost(activity_id=activity.pk, organization_id=org.pk))
        for org in rng.sample(orgs, rng.choice([0, 0, 1, 2])):
            invited.append(Invited(activity_id=activity.pk, organization_id=org.pk))
        if activity.kind == "lecture":
            speakers.append(Speaker(activity_id=activity.pk, person_id=people[rng.randrange(40)].pk))
    CoHost.objects.bulk_create(co_hosts, batch_size=5000)
    Invited.objects.bulk_create(invited, batch_size=5000)
    Speaker.objects.bulk_create(speakers, batch_size=5000)
    log(f"{len(activities):,} activities in {time.perf_counter() - started:.0f} s")

    started = time.perf_counter()
    per_activity = args.registrations // len(activities)
    extra = args.registrations - per_activity * len(activities)
    person_ids = [p.pk for p in people]
    buffer = io.StringIO()
    count = 0
    with connection.cursor() as cursor:
        columns = "uuid, created_at, updated_at, activity_id, person_id, organization_id, status, code, status_changed_at, checked_in_at"
        for index, activity in enumerate(activities):
            size = per_activity + (1 if index < extra else 0)
            past = activity.ends_at < now
            codes = set()
            for person_id in rng.sample(person_ids, size):
                code = new_code()
                while code in codes:
                    code = new_code()
                codes.add(code)
                if past:
                    status = "attended" if rng.random() < 0.8 else rng.choice(["no_show", "cancelled"])
                else:
                    status = rng.choice(["registered"] * 8 + ["waitlisted", "cancelled"])
                created = activity.starts_at - timedelta(days=3)
                checked = (activity.starts_at - timedelta(minutes=5)).isoformat() if status == "attended" else "\\N"
                buffer.write(
                    f"{uuid.uuid4()}\t{created.isoformat()}\t{created.isoformat()}\t{activity.pk}\t{person_id}\t{branch_of[person_id]}\t"
                    f"{status}\t{code}\t{created.isoformat()}\t{checked}\n"
                )
                count += 1
            if count >= 100_000 or index == len(activities) - 1:
                buffer.seek(0)
                with cursor.cursor.copy(f"COPY activities_registration ({columns}) FROM STDIN") as copy:
                    copy.write(buffer.read())
                buffer = io.StringIO()
                count = 0
    with connection.cursor() as cursor:
        # Set the visibility map as autovacuum would, so index-only scans work as in production.
        cursor.execute("VACUUM ANALYZE")
    log(f"{args.registrations:,} registrations in {time.perf_counter() - started:.0f} s")


# --- minimal views: the same tables, the plainest query --------------------------------------


def minimal_list(request):
    from django.http import JsonResponse

    from gongjian.activities.models import Activity

    rows = Activity.objects.filter(archived_at__isnull=True).select_related("host").order_by("-starts_at", "-pk")[:20]
    return JsonResponse({"results": [{"uuid": str(a.uuid), "title": a.title, "starts_at": a.starts_at.isoformat(), "host": a.host.name} for a in rows]})


def minimal_timeline(request, uuid):
    from django.http import JsonResponse

    from gongjian.activities.models import Activity

    rows = Activity.objects.filter(host__uuid=uuid, archived_at__isnull=True).order_by("-starts_at", "-pk")[:100]
    return JsonResponse({"results": [{"title": a.title, "date": a.starts_at.isoformat(), "track": a.track} for a in rows]})


def minimal_register(request, uuid):
    from django.db import transaction
    from django.http import HttpResponseRedirect

    from gongjian.activities.models import Activity, Registration
    from gongjian.activities.models.registration import new_code

    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(uuid=uuid)
        taken = Registration.objects.filter(activity=activity, status__in=["registered", "attended"]).count()
        status = "registered" if activity.capacity is None or taken < activity.capacity else "waitlisted"
        Registration.objects.create(activity=activity, person_id=request.user.person_id, status=status, code=new_code())
    return HttpResponseRedirect(f"/activities/{uuid}/")


def install_urlconf():
    import types

    from django.conf import settings
    from django.urls import clear_url_caches, include, path

    module = types.ModuleType("bench_activity_urls")
    module.urlpatterns = [
        path("bench/list/", minimal_list),
        path("bench/timeline/<uuid:uuid>/", minimal_timeline),
        path("bench/register/<uuid:uuid>/", minimal_register),
        path("", include("gongjian.urls")),
    ]
    module.handler404 = "gongjian.lib.errors.page_not_found"
    sys.modules["bench_activity_urls"] = module
    settings.ROOT_URLCONF = "bench_activity_urls"
    clear_url_caches()


# --- measuring -----------------------------------------------------------------------------------


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def timed_pair(client, url, baseline, n):
    """Median ms of the page and of its minimal view, requested alternately so load drift hits both alike."""
    for _ in range(3):
        for target in (url, baseline):
            response = client.get(target)
            assert response.status_code == 200, (target, response.status_code)
    times = {url: [], baseline: []}
    for _ in range(n):
        for target in (url, baseline):
            started = time.perf_counter()
            response = client.get(target)
            times[target].append(time.perf_counter() - started)
            assert response.status_code == 200, (target, response.status_code)
    return statistics.median(times[url]) * 1000, statistics.median(times[baseline]) * 1000


def upcoming_activity(host, capacity, title):
    from django.utils import timezone

    from gongjian.activities.models import Activity

    starts = timezone.now() + timedelta(days=10)
    return Activity.objects.create(
        title=title, kind="lecture", track="study", host=host, invite_alliance=True, starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=capacity
    )


def fresh_members(count, offset):
    """Members who registered for nothing in the timed runs (taken from the end of the people list)."""
    from gongjian.accounts.models import User

    return list(User.objects.filter(person__memberships__role="member").select_related("person").order_by("-pk")[offset : offset + count])


def measure_register(n, host):
    """Alternate the real endpoint and the minimal view, each signing up a different member."""
    real_activity = upcoming_activity(host, 100_000, "基准计时报名（平台）")
    base_activity = upcoming_activity(host, 100_000, "基准计时报名（最简）")
    users = fresh_members(2 * (n + 3), 0)
    clients = [client_for(user) for user in users]
    real, base = [], []
    for i in range(n + 3):
        for activity, url_for, times, client in (
            (real_activity, lambda a: f"/activities/{a.uuid}/register/", real, clients[2 * i]),
            (base_activity, lambda a: f"/bench/register/{a.uuid}/", base, clients[2 * i + 1]),
        ):
            started = time.perf_counter()
            response = client.post(url_for(activity))
            elapsed = time.perf_counter() - started
            assert response.status_code == 302, response.status_code
            if i >= 3:
                times.append(elapsed)
    assert real_activity.registrations.count() == n + 3 and base_activity.registrations.count() == n + 3
    return statistics.median(real) * 1000, statistics.median(base) * 1000


def race(host):
    """16 threads sign up distinct members for 32 small activities at once."""
    from django.db import connections

    from gongjian.activities.models import Registration

    activities = [upcoming_activity(host, RACE_CAPACITY, f"基准并发报名{n}") for n in range(RACE_ACTIVITIES)]
    users = fresh_members(THREADS * RACE_PER_THREAD, 1000)
    clients = [client_for(user) for user in users]
    errors = []
    barrier = threading.Barrier(THREADS)

    def worker(t):
        try:
            barrier.wait()
            for j in range(RACE_PER_THREAD):
                client = clients[t * RACE_PER_THREAD + j]
                activity = activities[(t * 7 + j) % RACE_ACTIVITIES]
                try:
                    response = client.post(f"/activities/{activity.uuid}/register/")
                    if response.status_code != 302:
                        errors.append(f"HTTP {response.status_code}")
                except Exception as e:  # counted, reported, never hidden
                    errors.append(repr(e))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    attempts = THREADS * RACE_PER_THREAD
    made = Registration.objects.filter(activity__in=activities).count()
    # A sign-up the view answered with an error message but did not record is an error too.
    errors.extend(["not recorded"] * (attempts - made))
    overbooked = 0
    for activity in activities:
        taken = activity.registrations.filter(status__in=["registered", "attended"]).count()
        overbooked += max(0, taken - activity.capacity)
    waitlisted = Registration.objects.filter(activity__in=activities, status="waitlisted").count()
    return made / elapsed, overbooked, errors, attempts, waitlisted, elapsed


def main():
    args = parse_args()
    configure()
    rng = random.Random(20230308)
    load(args, rng)
    install_urlconf()

    from gongjian.accounts.models import User
    from gongjian.activities.models import Activity, Registration
    from gongjian.orgs.models import Organization

    log(f"database: {Activity.objects.count():,} activities, {Registration.objects.count():,} registrations")
    committee = Organization.objects.filter(kind="committee", name__startswith="基准").order_by("pk").first()
    member = User.objects.filter(person__memberships__organization__parent=committee, person__memberships__role="member").order_by("pk").first()
    admin = User.objects.filter(person__memberships__organization=committee, person__memberships__role="admin").first()

    member_client, admin_client = client_for(member), client_for(admin)
    list_ms, list_base = timed_pair(member_client, "/activities/", "/bench/list/", args.requests)
    timeline_ms, timeline_base = timed_pair(admin_client, f"/activities/orgs/{committee.uuid}/timeline/", f"/bench/timeline/{committee.uuid}/", args.requests)
    register_ms, register_base = measure_register(args.requests, committee)
    per_s, overbooked, errors, attempts, waitlisted, elapsed = race(committee)

    print()
    print(f"{'case':34} {'platform ms':>12} {'minimal ms':>11} {'ratio':>6}")
    for label, real, base in (
        ("activity list (member)", list_ms, list_base),
        ("organization timeline (admin)", timeline_ms, timeline_base),
        ("registration POST", register_ms, register_base),
    ):
        print(f"{label:34} {real:12.1f} {base:11.1f} {real / base:6.2f}")
    print(
        f"concurrent sign-ups: {THREADS} clients, {attempts} attempts on {RACE_ACTIVITIES} activities of {RACE_CAPACITY} places "
        f"in {elapsed:.1f} s; {waitlisted} waitlisted; overbooked {overbooked}; errors {len(errors)} {sorted(set(errors))[:3]}"
    )
    print(
        f"RESULT list_ratio={list_ms / list_base:.2f} timeline_ratio={timeline_ms / timeline_base:.2f} "
        f"register_ratio={register_ms / register_base:.2f} register_per_s={per_s:.1f} overbooked={overbooked} errors={len(errors)}"
    )


if __name__ == "__main__":
    main()
