"""Insights benchmark: dashboard server time against one COUNT(*) of the period, and the half-year report.

    nice -n 10 .venv/bin/python benchmarks/insights.py [--scale 1.0] [--requests 5] [--reuse] [--no-report]

Builds a throwaway SQLite database under var/bench/insights/ (or uses DATABASE_URL when set; a
PostgreSQL database given there should be empty, or hold an earlier load to --reuse) at the issue's
scale, times --scale:

* 100,000 organizations from benchmarks/directory.py's generator, regrouped under 8 district
  working committees so one org admin's subtree holds about 12,500 organizations (≥ 10,000),
* 20,000 activities over 2022–2024 with co-hosts, 1,000,000 registrations (about 70 % attended),
* 50,000 needs and 50,000 resources with claims (some accepted, with decided_at) and fulfilments,
* 10,000 projects with partners and 250,000 tasks (some accepted, with reviewed_at),
* 3,000 agreements with parties, events and ratings; pairings, alliances, practice bases, honours.

Rows go in with bulk_create in large batches, so no model signals and no audit trail. Then it builds
the monthly summary the dashboard reads (gongjian/insights/summary.py, what the refresh task does),
timed, and checks its half-year figures against live counting. Then, for an
alliance admin (the whole alliance) and for the admin of the largest district (its subtree), it
measures the median server time (the whole Django stack, in process) of GET /insights/?period=2023-H1
and, in the same rounds, of one ``SELECT COUNT(*)`` over the period's registrations (registrations
joined to activities starting in the period), with the dashboard's query count and its five
slowest statements. Last, it generates the half-year Word report of the whole alliance (PDF
included when LibreOffice is installed) and times the PDF conversion alone. The last line is:

    RESULT dashboard_vs_count=… dashboard_ms=… report_s=…

Targets (from the issue): dashboard_vs_count ≤ 10, report_s ≤ 30.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PERIOD = "2023-H1"
TZ = ZoneInfo("Asia/Shanghai")
FIRST_DAY, LAST_DAY = date(2022, 1, 1), date(2024, 12, 31)
DISTRICTS = "松江 奉贤 青浦 闵行 嘉定 金山 浦东 徐汇".split()
TOPICS = "党的二十大精神 全国两会精神 长三角一体化 乡村振兴 产教融合 智能制造 就业创业 社区治理 红色文化 志愿服务 劳模精神 科技创新".split()
KINDS = [
    "lecture",
    "paired_study",
    "topical_study",
    "roundtable",
    "research_visit",
    "group_service",
    "signing",
    "party_day",
    "volunteering",
    "other",
]
TRACKS = ["study", "study", "build", "create"]
CATEGORIES = "人才就业 技术攻关 设计规划 文化宣传 志愿服务 教育培训 场地设施 政策咨询 为老服务 社区治理".split()
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# The totals printed as a sanity check of the synthetic data.
SHOWN = (
    "activities participants registrations checkin_rate agreements_signed needs_published needs_claimed claims_accepted "
    "projects_active tasks_accepted honours pairings"
).split()
# Past registrations: about 70 % checked in, the rest split over the other outcomes.
PAST_STATUSES = (["attended"] * 70) + (["no_show"] * 10) + (["cancelled"] * 8) + (["registered"] * 7) + (["waitlisted"] * 5)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the issue's data volume (0.1 for a quick run)")
    parser.add_argument("--requests", type=int, default=5, help="timed dashboard requests per role (after a warm-up)")
    parser.add_argument("--reuse", action="store_true", help="keep an already loaded database of the same scale")
    parser.add_argument("--no-report", action="store_true", help="skip the report generation")
    return parser.parse_args()


def log(message):
    print(message, file=sys.stderr, flush=True)


def configure(args):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjian.settings")
    if not os.environ.get("DATABASE_URL"):
        bench = ROOT / "var" / "bench" / "insights"
        (bench / "static").mkdir(parents=True, exist_ok=True)  # STATIC_ROOT, which WhiteNoise looks for
        os.environ["VAR_DIR"] = str(bench)
        db = bench / "gongjian.sqlite3"
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(str(db) + suffix).unlink(missing_ok=True)
    os.environ.setdefault("DEBUG", "False")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]


def sizes(scale) -> dict:
    base = {
        "orgs": 100_000,
        "people": 50_000,
        "activities": 20_000,
        "registrations": 1_000_000,
        "needs": 50_000,
        "resources": 50_000,
        "projects": 10_000,
        "tasks": 250_000,
        "agreements": 3_000,
        "pairings": 2_000,
        "alliances": 300,
        "bases": 600,
        "honours": 2_000,
    }
    return {key: max(20, int(value * scale)) for key, value in base.items()}


# --- Synthetic data -------------------------------------------------------------------------


def local(day: date, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=TZ) + timedelta(minutes=minute)


def random_day(rng, first=FIRST_DAY, last=LAST_DAY) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def random_moment(rng, first=FIRST_DAY, last=LAST_DAY) -> datetime:
    return local(random_day(rng, first, last), rng.randrange(8 * 60, 21 * 60))


def loaded(n) -> bool:
    from gongjian.activities.models import Activity, Registration
    from gongjian.projects.models import Task

    return (
        Activity.objects.filter(title__startswith="基准").count() >= n["activities"]
        and Registration.objects.count() >= n["registrations"] * 0.99
        and Task.objects.count() >= n["tasks"]
    )


def backdate(model, moments):
    """Set created_at, which auto_now_add fills with the time of the insert, to when things happened."""
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    rows = [(connection.ops.adapt_datetimefield_value(moment), pk) for pk, moment in moments]
    sql = f"UPDATE {table} SET created_at = %s WHERE id = %s"  # the table name comes from the model
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 20_000):
            cursor.executemany(sql, rows[i : i + 20_000])


def load_organizations(n, rng):
    """directory.py's organizations and people, then 8 district working committees above the committees."""
    from argparse import Namespace

    from django.core.management.color import no_style
    from django.db import connection, transaction

    from benchmarks import directory
    from gongjian.orgs.models import Organization

    # Only the organizations loaded here are regrouped: benchmarks/load.py loads the demo alliance first.
    before = Organization.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    directory.load(Namespace(orgs=n["orgs"], people=n["people"], reuse=False), rng)
    started = time.perf_counter()
    first = Organization.objects.filter(pk__gt=before).order_by("pk").values_list("pk", flat=True).first()
    last = Organization.objects.order_by("-pk").values_list("pk", flat=True).first()
    roots = list(Organization.objects.filter(parent__isnull=True, pk__gt=before).order_by("pk").values_list("pk", flat=True))
    # Committees and their branches have consecutive ids, so a district is an id range that starts at a committee.
    cuts = [first]
    for d in range(1, len(DISTRICTS)):
        target = first + (last - first + 1) * d // len(DISTRICTS)
        cuts.append(next(pk for pk in roots if pk >= target))
    cuts.append(last + 1)
    district_ids = []
    with transaction.atomic():
        for d, name in enumerate(DISTRICTS):
            pk = last + 1 + d
            district_ids.append(pk)
            Organization.objects.bulk_create(
                [
                    Organization(
                        pk=pk,
                        name=f"{name}区域党建联席会议",
                        sector="government",
                        kind="working_committee",
                        path=f"/{pk}/",
                        status="active",
                    )
                ]
            )
            lo, hi = cuts[d], cuts[d + 1]
            with connection.cursor() as cursor:
                cursor.execute("UPDATE orgs_organization SET path = %s || path WHERE id >= %s AND id < %s", [f"/{pk}", lo, hi])
                cursor.execute("UPDATE orgs_organization SET parent_id = %s WHERE parent_id IS NULL AND id >= %s AND id < %s", [pk, lo, hi])
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Organization]):
            cursor.execute(sql)
    log(f"8 districts above the committees in {time.perf_counter() - started:.0f} s")
    return district_ids


def load_activities(n, rng, org_ids, committee_ids, member_of):
    from django.db import transaction

    from gongjian.activities.models import Activity, Registration

    started = time.perf_counter()
    activities = []
    for i in range(n["activities"]):
        starts = random_moment(rng)
        host = rng.choice(committee_ids) if rng.random() < 0.5 else rng.choice(org_ids)
        activities.append(
            Activity(
                title=f"基准{rng.choice(TOPICS)}活动{i}",
                kind=rng.choice(KINDS),
                track=rng.choice(TRACKS),
                host_id=host,
                starts_at=starts,
                ends_at=starts + timedelta(hours=rng.choice([1, 2, 3])),
                venue="会议室",
                capacity=rng.choice([None, 60, 80, 100]),
                attendee_count=rng.randint(20, 200) if rng.random() < 0.2 else None,
                cancelled_at=starts - timedelta(days=2) if rng.random() < 0.02 else None,
                archived_at=starts + timedelta(days=30) if rng.random() < 0.01 else None,
            )
        )
    with transaction.atomic():
        activities = Activity.objects.bulk_create(activities, batch_size=2000)
        CoHost = Activity.co_hosts.through
        co_hosts = []
        for a in activities:
            for org in {rng.choice(org_ids) for _ in range(rng.choice([0, 1, 1, 2, 3]))} - {a.host_id}:
                co_hosts.append(CoHost(activity_id=a.pk, organization_id=org))
        CoHost.objects.bulk_create(co_hosts, batch_size=5000)
    log(f"{len(activities):,} activities, {len(co_hosts):,} co-hosts in {time.perf_counter() - started:.0f} s")

    started = time.perf_counter()
    person_ids = list(member_of)
    per_activity, extra = divmod(n["registrations"], len(activities))
    batch, total = [], 0
    for index, a in enumerate(activities):
        codes = set()
        while len(codes) < per_activity + 1:
            codes.add("".join(rng.choices(CODE_ALPHABET, k=6)))
        size = min(per_activity + (1 if index < extra else 0), len(person_ids))
        changed = a.starts_at - timedelta(days=3)
        for person_id, code in zip(rng.sample(person_ids, size), codes, strict=False):
            status = rng.choice(PAST_STATUSES)
            batch.append(
                Registration(
                    activity_id=a.pk,
                    person_id=person_id,
                    organization_id=member_of[person_id],
                    status=status,
                    code=code,
                    status_changed_at=changed,
                    checked_in_at=a.starts_at - timedelta(minutes=5) if status == "attended" else None,
                )
            )
        if len(batch) >= 50_000 or index == len(activities) - 1:
            with transaction.atomic():
                Registration.objects.bulk_create(batch, batch_size=5000)
            total += len(batch)
            batch = []
            if total % 200_000 < 50_000:
                log(f"  {total:,} registrations")
    log(f"{total:,} registrations in {time.perf_counter() - started:.0f} s")


def load_exchange(n, rng, org_ids):
    from django.db import transaction

    from gongjian.exchange.models import Category, Claim, Need, NeedEvent, Resource

    started = time.perf_counter()
    with transaction.atomic():
        # The migrations seed the categories; a flushed database gets them back here.
        categories = [Category.objects.get_or_create(name=name, defaults={"order": i})[0] for i, name in enumerate(CATEGORIES)]
        needs, resources = [], []
        for i in range(n["needs"]):
            status = rng.choice(["published"] * 4 + ["claimed", "in_progress", "fulfilled", "fulfilled", "closed", "expired", "draft"])
            needs.append(
                Need(
                    title=f"基准需求{i}",
                    organization_id=rng.choice(org_ids),
                    category=rng.choice(categories),
                    status=status,
                    published_at=None if status == "draft" else random_moment(rng, FIRST_DAY, LAST_DAY - timedelta(days=60)),
                    claim_mode=rng.choice(["single", "multiple"]),
                    satisfaction=rng.choice([None, 3, 4, 4, 5, 5]) if status == "fulfilled" else None,
                )
            )
        for i in range(n["resources"]):
            status = rng.choice(["published"] * 8 + ["closed", "draft"])
            resources.append(
                Resource(
                    title=f"基准资源{i}",
                    organization_id=rng.choice(org_ids),
                    category=rng.choice(categories),
                    status=status,
                    published_at=None if status == "draft" else random_moment(rng, date(2022, 1, 1), LAST_DAY - timedelta(days=60)),
                    capacity=rng.randint(0, 50),
                )
            )
        needs = Need.objects.bulk_create(needs, batch_size=2000)
        resources = Resource.objects.bulk_create(resources, batch_size=2000)
        claims, moments, events = [], [], []
        for need in needs:
            if need.published_at is None or need.status == "published" and rng.random() < 0.7:
                continue
            for claimant in {rng.choice(org_ids) for _ in range(rng.choice([1, 1, 2]))} - {need.organization_id}:
                created = need.published_at + timedelta(days=rng.uniform(0.5, 45))
                status = (
                    "accepted"
                    if need.status in ("claimed", "in_progress", "fulfilled")
                    else rng.choice(["pending", "rejected", "withdrawn"])
                )
                claims.append(
                    Claim(
                        need=need,
                        claimant_id=claimant,
                        status=status,
                        claimed_at=created,
                        decided_at=created + timedelta(days=rng.uniform(0.2, 10)) if status in ("accepted", "rejected") else None,
                    )
                )
                moments.append(created)
            if need.status == "fulfilled":
                events.append(
                    NeedEvent(
                        need=need,
                        from_status="in_progress",
                        to_status="fulfilled",
                        created_at=need.published_at + timedelta(days=rng.uniform(50, 120)),
                    )
                )
        for resource in resources:
            if resource.published_at is None or rng.random() < 0.75:
                continue
            created = resource.published_at + timedelta(days=rng.uniform(0.5, 60))
            status = rng.choice(["accepted", "accepted", "rejected", "withdrawn"])
            claims.append(
                Claim(
                    resource=resource,
                    claimant_id=rng.choice(org_ids),
                    status=status,
                    claimed_at=created,
                    decided_at=created + timedelta(days=rng.uniform(0.2, 10)) if status != "withdrawn" else None,
                )
            )
            moments.append(created)
        claims = Claim.objects.bulk_create(claims, batch_size=2000)
        # Figures read created_at; claimed_at (the effective date) says the same.
        backdate(Claim, [(c.pk, moment) for c, moment in zip(claims, moments, strict=True)])
        NeedEvent.objects.bulk_create(events, batch_size=5000)
    log(f"{len(needs):,} needs, {len(resources):,} resources, {len(claims):,} claims in {time.perf_counter() - started:.0f} s")


def load_projects(n, rng, org_ids):
    from django.db import transaction

    from gongjian.projects.models import Project, Task

    started = time.perf_counter()
    with transaction.atomic():
        projects = []
        for i in range(n["projects"]):
            first = random_day(rng, date(2021, 9, 1), date(2024, 10, 1))
            projects.append(
                Project(
                    title=f"基准项目{i}",
                    track=rng.choice(TRACKS),
                    lead_id=rng.choice(org_ids),
                    period_start=first,
                    period_end=first + timedelta(days=rng.randint(60, 540)),
                    status=rng.choice(["active"] * 4 + ["completed"] * 3 + ["planning", "archived"]),
                    is_featured=rng.random() < 0.02,
                )
            )
        projects = Project.objects.bulk_create(projects, batch_size=2000)
        Partner = Project.partners.through
        Partner.objects.bulk_create(
            [
                Partner(project_id=p.pk, organization_id=o)
                for p in projects
                for o in {rng.choice(org_ids) for _ in range(rng.randint(0, 3))} - {p.lead_id}
            ],
            batch_size=5000,
        )
    per_project = n["tasks"] // len(projects)
    batch, total = [], 0
    for index, p in enumerate(projects):
        span = max(1, (p.period_end - p.period_start).days)
        for t in range(per_project):
            status = rng.choice(["open", "claimed", "submitted", "accepted", "accepted", "accepted", "returned"])
            done = local(p.period_start, rng.randrange(span * 24 * 60))
            batch.append(
                Task(
                    project_id=p.pk,
                    title=f"任务{t + 1}",
                    weight=rng.choice([1, 1, 2, 3, 5]),
                    order=t,
                    status=status,
                    team_org_id=None if status == "open" else rng.choice(org_ids),
                    claimed_at=None if status == "open" else done - timedelta(days=10),
                    submitted_at=done - timedelta(days=1) if status in ("submitted", "accepted") else None,
                    reviewed_at=done if status in ("accepted", "returned") else None,
                )
            )
        if len(batch) >= 50_000 or index == len(projects) - 1:
            with transaction.atomic():
                Task.objects.bulk_create(batch, batch_size=5000)
            total += len(batch)
            batch = []
    log(f"{len(projects):,} projects, {total:,} tasks in {time.perf_counter() - started:.0f} s")


def load_agreements(n, rng, org_ids, person_ids):
    from django.db import transaction

    from gongjian.agreements.models import (
        Agreement,
        AgreementEvent,
        AgreementParty,
        Alliance,
        AllianceMember,
        Honor,
        HonorRecipient,
        Obligation,
        Pairing,
        PracticeBase,
        Rating,
    )

    started = time.perf_counter()
    with transaction.atomic():
        agreements = []
        for i in range(n["agreements"]):
            signed = random_day(rng, date(2021, 7, 1), date(2024, 10, 1))
            status = rng.choice(["signed", "published", "performing", "performing", "evaluated", "expired", "terminated", "draft"])
            agreements.append(
                Agreement(
                    title=f"基准共建协议{i}",
                    track=rng.choice(TRACKS),
                    status=status,
                    drafted_on=signed - timedelta(days=20),
                    signed_on=None if status == "draft" else signed,
                    published_at=None if status in ("draft", "signed") else local(signed + timedelta(days=7), 600),
                    start_date=signed,
                    end_date=signed + timedelta(days=rng.choice([365, 730, 1095])),
                )
            )
        agreements = Agreement.objects.bulk_create(agreements, batch_size=2000)
        parties = []
        for a in agreements:
            for order, org in enumerate({rng.choice(org_ids) for _ in range(rng.choice([2, 2, 2, 3, 4]))}):
                parties.append(AgreementParty(agreement=a, organization_id=org, role="甲方" if order == 0 else "乙方", order=order))
        parties = AgreementParty.objects.bulk_create(parties, batch_size=5000)
        events, moments = [], []
        for a in agreements:
            if a.status in ("performing", "evaluated"):
                events.append(AgreementEvent(agreement=a, from_status="published", to_status="performing"))
                moments.append(local(a.signed_on + timedelta(days=30), 600))
            if a.status == "evaluated":
                events.append(AgreementEvent(agreement=a, from_status="performing", to_status="evaluated"))
                moments.append(local(a.signed_on + timedelta(days=rng.randint(200, 400)), 600))
            if a.status in ("expired", "terminated"):
                # The in-force figure reads the end from the history.
                ended = a.end_date if a.status == "expired" else a.signed_on + timedelta(days=rng.randint(60, 300))
                events.append(AgreementEvent(agreement=a, from_status="performing", to_status=a.status))
                moments.append(local(ended, 600))
        events = AgreementEvent.objects.bulk_create(events, batch_size=5000)
        backdate(AgreementEvent, [(e.pk, m) for e, m in zip(events, moments, strict=True)])
        obligations = Obligation.objects.bulk_create(
            [Obligation(party=p, description="党建互学、资源共享", order=0) for p in parties], batch_size=5000
        )
        by_agreement = {}
        for p in parties:
            by_agreement.setdefault(p.agreement_id, []).append(p)
        status_of = {a.pk: a for a in agreements}
        ratings, moments = [], []
        for o in obligations:
            a = status_of[o.party.agreement_id]
            if a.status != "evaluated":
                continue
            for rater in by_agreement[a.pk]:
                if rater.pk != o.party_id:
                    ratings.append(Rating(obligation=o, rater=rater, score=rng.choice([3, 4, 4, 5, 5])))
                    moments.append(local(a.signed_on + timedelta(days=rng.randint(200, 400)), 700))
        ratings = Rating.objects.bulk_create(ratings, batch_size=5000)
        backdate(Rating, [(r.pk, m) for r, m in zip(ratings, moments, strict=True)])

        pairs = set()
        while len(pairs) < n["pairings"]:
            a, b = rng.sample(org_ids, 2)
            pairs.add((min(a, b), max(a, b)))
        Pairing.objects.bulk_create(
            [Pairing(org_a_id=a, org_b_id=b, theme="结对共建", track=rng.choice(TRACKS), start_date=random_day(rng)) for a, b in pairs],
            batch_size=5000,
        )
        alliances = Alliance.objects.bulk_create(
            [
                Alliance(
                    name=f"基准联盟{i}",
                    kind=rng.choice(["alliance", "micro", "group"]),
                    lead_id=rng.choice(org_ids),
                    founded_on=random_day(rng),
                )
                for i in range(n["alliances"])
            ]
        )
        AllianceMember.objects.bulk_create(
            [
                AllianceMember(alliance=a, organization_id=o, joined_on=a.founded_on)
                for a in alliances
                for o in {a.lead_id} | {rng.choice(org_ids) for _ in range(rng.randint(3, 20))}
            ],
            batch_size=5000,
        )
        bases = PracticeBase.objects.bulk_create(
            [
                PracticeBase(
                    name=f"基准实践基地{i}",
                    kind=rng.choice(["labour", "practice", "internship", "red"]),
                    host_id=rng.choice(org_ids),
                    established_on=random_day(rng),
                )
                for i in range(n["bases"])
            ]
        )
        PracticeBase.partners.through.objects.bulk_create(
            [
                PracticeBase.partners.through(practicebase_id=b.pk, organization_id=o)
                for b in bases
                for o in {rng.choice(org_ids) for _ in range(rng.randint(0, 3))}
            ]
        )
        honours = Honor.objects.bulk_create(
            [
                Honor(
                    title=rng.choice(["先进基层党组织", "优秀共建单位", "推介官", "志愿服务先进集体"]),
                    kind=rng.choice(["honor", "honor", "appointment"]),
                    issuer_id=rng.choice(org_ids),
                    level=rng.choice(["district", "provincial", "school"]),
                    awarded_on=random_day(rng),
                )
                for _ in range(n["honours"])
            ],
            batch_size=2000,
        )
        recipients = []
        for h in honours:
            if rng.random() < 0.7:
                recipients += [HonorRecipient(honor=h, organization_id=o) for o in {rng.choice(org_ids) for _ in range(rng.randint(1, 3))}]
            else:
                recipients += [HonorRecipient(honor=h, person_id=p) for p in {rng.choice(person_ids) for _ in range(rng.randint(1, 3))}]
        HonorRecipient.objects.bulk_create(recipients, batch_size=5000)
    log(
        f"{len(agreements):,} agreements ({len(parties):,} parties, {len(ratings):,} ratings), {len(pairs):,} pairings, "
        f"{len(alliances):,} alliances, {len(bases):,} bases, {len(honours):,} honours in {time.perf_counter() - started:.0f} s"
    )


def load(args, n, rng):
    from django.core.management import call_command
    from django.db import connection

    from gongjian.orgs.models import Membership, Organization

    call_command("migrate", verbosity=0, interactive=False)
    if args.reuse and loaded(n):
        log(f"reusing the loaded database: {Organization.objects.count():,} organizations")
        return 0.0
    if Organization.objects.exists():
        # A PostgreSQL database from an earlier, different load: start again from empty tables.
        call_command("flush", verbosity=0, interactive=False)
    started = time.perf_counter()
    load_organizations(n, rng)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1000000")
            cursor.execute("PRAGMA synchronous = OFF")
    org_ids = list(Organization.objects.values_list("pk", flat=True))
    committee_ids = list(
        Organization.objects.filter(kind__in=["committee", "working_committee"], parent__isnull=False).values_list("pk", flat=True)
    )
    member_of = dict(Membership.objects.values_list("person_id", "organization_id"))
    load_activities(n, rng, org_ids, committee_ids, member_of)
    load_exchange(n, rng, org_ids)
    load_projects(n, rng, org_ids)
    load_agreements(n, rng, org_ids, list(member_of))
    with connection.cursor() as cursor:
        # Planner statistics, as autovacuum or a nightly ANALYZE would gather after such a load.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    elapsed = time.perf_counter() - started
    log(f"generated in {elapsed:.0f} s")
    return elapsed


def users():
    """An alliance admin, and the admin of the district with the largest subtree."""
    from django.db.models import Count

    from gongjian.accounts.models import User
    from gongjian.orgs.models import Membership, Organization, Person

    alliance_admin, _ = User.objects.get_or_create(
        username="bench-alliance", defaults={"is_alliance_admin": True, "must_change_password": False}
    )
    districts = Organization.objects.filter(kind="working_committee", name__endswith="区域党建联席会议", parent__isnull=True)
    root = max(districts, key=lambda d: Organization.objects.filter(path__startswith=d.path).count())
    person = Person.objects.filter(name="基准区管理员").first() or Person.objects.create(name="基准区管理员")
    Membership.objects.get_or_create(person=person, organization=root, defaults={"role": "admin"})
    org_admin, _ = User.objects.get_or_create(username="bench-district-admin", defaults={"person": person, "must_change_password": False})
    subtree = Organization.objects.filter(path__startswith=root.path).aggregate(n=Count("pk"))["n"]
    return alliance_admin, org_admin, root, subtree


# --- Measuring ------------------------------------------------------------------------------


def count_period(root=None) -> int:
    """The baseline: one COUNT(*) of the period's registrations (joined to activities starting in it)."""
    from gongjian.activities.models import Registration
    from gongjian.insights.periods import Period

    start, end = Period.parse(PERIOD).bounds()
    qs = Registration.objects.filter(activity__starts_at__gte=start, activity__starts_at__lt=end)
    if root is not None:
        qs = qs.filter(activity__host__path__startswith=root.path)
    return qs.count()


def timed_ms(fn):
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


def measure_role(client, n, root=None):
    """Median dashboard and count times, taken in alternation so load drift hits both alike."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/insights/?period={PERIOD}"
    response = client.get(url)  # warm-up
    assert response.status_code == 200, response.status_code
    count_period()
    dashboard, count, scoped = [], [], []
    for _ in range(n):
        ms, response = timed_ms(lambda: client.get(url))
        assert response.status_code == 200, response.status_code
        dashboard.append(ms)
        ms, registrations = timed_ms(count_period)
        count.append(ms)
        if root is not None:
            scoped.append(timed_ms(lambda: count_period(root))[0])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    queries = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
    # The sections the page then loads by HTMX (matrix, trends, network), each its own request.
    sections = {}
    for name in ("matrix", "trends", "network"):
        section_url = f"{url}&section={name}"
        client.get(section_url, HTTP_HX_REQUEST="true")  # warm-up
        times = [timed_ms(lambda u=section_url: client.get(u, HTTP_HX_REQUEST="true"))[0] for _ in range(n)]
        sections[name] = statistics.median(times)
    return {
        "sections": sections,
        "dashboard_ms": statistics.median(dashboard),
        "count_ms": statistics.median(count),
        "scoped_count_ms": statistics.median(scoped) if scoped else None,
        "registrations": registrations,
        "queries": queries,
        "bytes": len(response.content),
    }


def explain(sql) -> str:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        rows = cursor.fetchall()
    # A plan line can quote an IN list of thousands of ids: the start of it says enough.
    lines = [row[-1] if connection.vendor == "sqlite" else row[0] for row in rows]
    return "\n".join(f"    {line[:240]}{' …' if len(line) > 240 else ''}" for line in lines)


def measure_report(admin):
    """The whole alliance's half-year report, as the worker runs it; then the PDF conversion alone."""
    import shutil

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongjian.insights.figures import Figures
    from gongjian.insights.models import GeneratedDocument
    from gongjian.insights.periods import Period
    from gongjian.insights.rendering import to_pdf
    from gongjian.insights.report import draft
    from gongjian.insights.scope import InsightScope

    document = GeneratedDocument.objects.create(kind="report", title=f"基准工作总结 {PERIOD}", period_key=PERIOD, created_by=admin)
    with CaptureQueriesContext(connection) as captured:
        run_ms, _ = timed_ms(document.run)
    draft_s, _content = timed_ms(lambda: draft(Figures(InsightScope(None), Period.parse(PERIOD))))
    document.refresh_from_db()
    assert document.status == "done", (document.status, document.error)
    pdf_ms = None
    if document.pdf and (shutil.which("soffice") or shutil.which("libreoffice")):
        with document.docx.open("rb") as handle:
            data = handle.read()
        pdf_ms, _ = timed_ms(lambda: to_pdf(data))
    return {
        "report_s": run_ms / 1000,
        "pdf_s": pdf_ms / 1000 if pdf_ms is not None else None,
        "draft_s": draft_s / 1000,
        "queries": [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries],
    }


def print_role(label, figures, top=5):
    queries = figures["queries"]
    total_sql = sum(ms for ms, _ in queries)
    print(
        f"{label}: dashboard {figures['dashboard_ms']:.0f} ms ({len(queries)} queries, {total_sql:.0f} ms in SQL, {figures['bytes'] / 1024:.0f} KiB), "
        f"COUNT(*) of {figures['registrations']:,} registrations {figures['count_ms']:.1f} ms, ratio {figures['dashboard_ms'] / figures['count_ms']:.1f}"
        + (
            f"; the same COUNT(*) limited to the subtree's hosts {figures['scoped_count_ms']:.1f} ms"
            if figures["scoped_count_ms"] is not None
            else ""
        )
    )
    sections = figures["sections"]
    whole = figures["dashboard_ms"] + sum(sections.values())
    print(
        "  then by HTMX: " + ", ".join(f"{name} {ms:.0f} ms" for name, ms in sections.items())
        + f"; page and sections together {whole:.0f} ms, {whole / figures['count_ms']:.1f}× the COUNT(*)"
    )
    print(f"  slowest {top} statements (captured on one more request):")
    for ms, sql in sorted(queries, key=lambda q: -q[0])[:top]:
        print(f"  {ms:8.1f} ms  {sql[:600]}{' …' if len(sql) > 600 else ''}")
    return sorted(queries, key=lambda q: -q[0])[:top]


def main():
    sys.stdout.reconfigure(line_buffering=True)
    args = parse_args()
    configure(args)
    n = sizes(args.scale)
    rng = random.Random(20230630)
    generation_s = load(args, n, rng)

    from django.db import connection
    from django.test import Client

    from gongjian.insights.figures import Figures
    from gongjian.insights.periods import Period
    from gongjian.insights.scope import InsightScope
    from gongjian.insights.summary import build
    from gongjian.lib.testing import sign_in

    summary = build()
    alliance_admin, org_admin, root, subtree = users()
    alliance = measure_role(sign_in(Client(), alliance_admin), args.requests)
    district = measure_role(sign_in(Client(), org_admin), args.requests, root)
    report = None if args.no_report else measure_report(alliance_admin)
    totals = Figures(InsightScope(None), Period.parse(PERIOD)).totals()
    summed = Figures(InsightScope(None), Period.parse(PERIOD), summary).totals()
    scoped_live = Figures(InsightScope(root), Period.parse(PERIOD)).totals()
    scoped_summed = Figures(InsightScope(root), Period.parse(PERIOD), summary).totals()

    print()
    print(
        f"{connection.vendor}, scale {args.scale}: "
        + ", ".join(f"{value:,} {key}" for key, value in n.items())
        + (f"; generated in {generation_s:.0f} s" if generation_s else "; reused")
    )
    print(
        f"period {PERIOD}; median of {args.requests} requests after a warm-up; org admin's subtree: {subtree:,} organizations under {root.name}"
    )
    print("what the alliance's dashboard counts: " + ", ".join(f"{key} {value}" for key, value in totals.items() if key in SHOWN))
    print(
        f"monthly summary (the task the timer runs): {summary.rows:,} rows built in {summary.seconds:.1f} s; "
        f"its half-year figures equal live counting: alliance {summed == totals}, district {scoped_summed == scoped_live}"
    )
    slow = print_role("alliance admin", alliance)
    print(f"  plan of the slowest ({slow[0][0]:.0f} ms):")
    print(explain(slow[0][1]))
    slow = print_role("org admin", district)
    print(f"  plan of the slowest ({slow[0][0]:.0f} ms):")
    print(explain(slow[0][1]))
    if report:
        pdf = (
            f"PDF conversion alone {report['pdf_s']:.1f} s, so about {report['report_s'] - report['pdf_s']:.1f} s without PDF"
            if report["pdf_s"]
            else "no PDF (LibreOffice missing)"
        )
        queries = report["queries"]
        print(
            f"half-year report of the whole alliance: {report['report_s']:.1f} s ({pdf}); the draft alone {report['draft_s']:.1f} s; "
            f"{len(queries)} queries, {sum(ms for ms, _ in queries) / 1000:.1f} s in SQL; slowest 5:"
        )
        for ms, sql in sorted(queries, key=lambda q: -q[0])[:5]:
            print(f"  {ms:8.1f} ms  {sql[:300]}{' …' if len(sql) > 300 else ''}")
    print(
        f"org admin: dashboard_vs_count={district['dashboard_ms'] / district['count_ms']:.1f} dashboard_ms={district['dashboard_ms']:.0f} "
        f"count_ms={district['count_ms']:.1f} queries={len(district['queries'])}"
    )
    report_s = f"{report['report_s']:.1f}" if report else "n/a"
    print(
        f"RESULT dashboard_vs_count={alliance['dashboard_ms'] / alliance['count_ms']:.1f} dashboard_ms={alliance['dashboard_ms']:.0f} report_s={report_s}"
    )


if __name__ == "__main__":
    main()
