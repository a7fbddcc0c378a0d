"""A small alliance whose every figure for the first half of 2023 was counted by hand.

Two trees, four sectors::

    A1 示例学院党委 (school)              <- org_admin administers it
      ├─ A2 工业设计系教工党支部 (school)
      ├─ A3 示例学院资产经营公司党支部 (enterprise)
      ├─ A4 示例学院离退休党支部 (school)      no cooperation at all
      └─ A5 已撤销党支部 (school, archived)
    B1 广富林街道党工委 (government)       <- outsider administers it
      ├─ B2 三新居民区社会组织联合党支部 (social)
      └─ B3 广富林街道机关党支部 (government) no cooperation at all

The expected numbers live in the test modules, next to the reasoning that produced them;
every stamped date is set with a queryset update where a model verb would stamp "now".
"""

import datetime
import itertools
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from gongjian.activities.choices import RegistrationStatus as R
from gongjian.activities.models import Activity, Registration
from gongjian.activities.models.registration import new_code
from gongjian.agreements.choices import AgreementStatus as G
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
from gongjian.exchange.choices import ClaimMode, ClaimStatus, NeedStatus, ResourceStatus
from gongjian.exchange.models import Claim, Need, NeedEvent, Resource
from gongjian.insights.periods import Period
from gongjian.lib.testing import make_member
from gongjian.orgs.models import Organization, Person
from gongjian.projects.choices import ProjectStatus, TaskStatus
from gongjian.projects.models import Project, ProjectEvent, Task

SHANGHAI = ZoneInfo("Asia/Shanghai")
H1 = Period.half(2023, 1)

_n = itertools.count(1)


def at(year, month, day, hour=0, minute=0):
    """A moment on the wall clock in Shanghai."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def stamp(obj, **fields):
    """Set fields a verb would stamp with "now" (published_at, decided_at, created_at, …)."""
    type(obj)._base_manager.filter(pk=obj.pk).update(**fields)
    for key, value in fields.items():
        setattr(obj, key, value)
    return obj


def pks(queryset):
    return set(queryset.values_list("pk", flat=True))


def ids(*objects):
    return {obj.pk for obj in objects}


# --- Builders: one per kind of record, with only what the figures read ---------------------
def organization(name, sector, parent=None, **extra):
    return Organization.objects.create(name=name, sector=sector, kind=extra.pop("kind", "branch"), parent=parent, **extra)


def person(prefix="党员"):
    return Person.objects.create(name=f"{prefix}{next(_n)}")


def activity(host, track, starts_at, *, co_hosts=(), hours=2, **fields):
    fields.setdefault("title", f"联学活动{next(_n)}")
    fields.setdefault("kind", Activity.Kind.TOPICAL_STUDY)
    obj = Activity.objects.create(
        host=host, track=track, starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=hours), **fields
    )
    obj.co_hosts.set(co_hosts)
    return obj


def registrations(activity, *statuses):
    """One registration per status, each for a new person."""
    out = []
    for status in statuses:
        checked_in = activity.starts_at if status == R.ATTENDED else None
        out.append(
            Registration.objects.create(activity=activity, person=person(), status=status, code=new_code(), checked_in_at=checked_in)
        )
    return out


def agreement(parties, *, track="build", status=G.SIGNED, signed_on=None, published_at=None, start=None, end=None, **fields):
    """An agreement in ``status`` with one obligation per party; returns (agreement, [party, …], [obligation, …])."""
    fields.setdefault("title", f"共建协议{next(_n)}")
    fields.setdefault("drafted_on", signed_on or start or datetime.date(2023, 1, 1))
    obj = Agreement.objects.create(track=track, start_date=start, end_date=end, **fields)
    stamp(obj, status=status, signed_on=signed_on, published_at=published_at)
    party_rows, obligations = [], []
    for order, org in enumerate(parties):
        party = AgreementParty.objects.create(agreement=obj, organization=org, order=order)
        party_rows.append(party)
        obligations.append(Obligation.objects.create(party=party, description=f"{org.name}的承诺"))
    return obj, party_rows, obligations


def agreement_event(agreement, to_status, when, from_status=""):
    return stamp(AgreementEvent.objects.create(agreement=agreement, from_status=from_status, to_status=to_status), created_at=when)


def rating(rater_party, obligation, score, when):
    return stamp(Rating.objects.create(rater=rater_party, obligation=obligation, score=score), created_at=when)


def need(owner, category, *, status=NeedStatus.PUBLISHED, published_at=None, **fields):
    fields.setdefault("title", f"需求{next(_n)}")
    return Need.objects.create(organization=owner, category=category, status=status, published_at=published_at, **fields)


def resource(owner, category, *, status=ResourceStatus.PUBLISHED, published_at=None, **fields):
    fields.setdefault("title", f"资源{next(_n)}")
    fields.setdefault("capacity", 10)
    return Resource.objects.create(organization=owner, category=category, status=status, published_at=published_at, **fields)


def claim(target, claimant, claimed_at, *, status=ClaimStatus.PENDING, decided_at=None, recorded_at=None):
    """A claim on a need or a request for a resource, made at ``claimed_at`` and entered at ``recorded_at`` (the same by default)."""
    kind = "need" if isinstance(target, Need) else "resource"
    obj = Claim.objects.create(**{kind: target}, claimant=claimant, status=status, decided_at=decided_at)
    return stamp(obj, claimed_at=claimed_at, created_at=recorded_at or claimed_at)


def project(lead, *, track="create", status=ProjectStatus.ACTIVE, start=None, end=None, partners=(), **fields):
    fields.setdefault("title", f"共建项目{next(_n)}")
    obj = Project.objects.create(lead=lead, track=track, period_start=start, period_end=end, **fields)
    stamp(obj, status=status)
    obj.partners.set(partners)
    return obj


def task(project, *, weight=1, status=TaskStatus.OPEN, reviewed_at=None):
    return Task.objects.create(project=project, title=f"任务{next(_n)}", weight=weight, status=status, reviewed_at=reviewed_at)


def honour(awarded_on, *, issuer=None, issuer_name="", organizations=(), people=(), **fields):
    fields.setdefault("title", f"先进基层党组织{next(_n)}")
    obj = Honor.objects.create(issuer=issuer, issuer_name=issuer_name, awarded_on=awarded_on, **fields)
    for org in organizations:
        HonorRecipient.objects.create(honor=obj, organization=org)
    for someone in people:
        HonorRecipient.objects.create(honor=obj, person=someone)
    return obj


def base(host, established_on, partners=(), **fields):
    fields.setdefault("name", f"实践基地{next(_n)}")
    obj = PracticeBase.objects.create(host=host, established_on=established_on, **fields)
    obj.partners.set(partners)
    return obj


def alliance(lead, founded_on, members=(), **fields):
    fields.setdefault("name", f"区域党建联盟{next(_n)}")
    obj = Alliance.objects.create(lead=lead, founded_on=founded_on, **fields)
    for org in members:
        AllianceMember.objects.create(alliance=obj, organization=org)
    return obj


# --- The hand-counted alliance -------------------------------------------------------------
@pytest.fixture
def h1(world, design):
    """Every record the figures of 2023-H1 read, in and out of the period; see the module docstring."""
    x = SimpleNamespace(world=world)
    A1, A2, B1 = world.own_org, world.own_branch, world.foreign_org
    A3 = organization("示例学院资产经营公司党支部", "enterprise", A1)
    A4 = organization("示例学院离退休党支部", "school", A1)
    A5 = organization("已撤销党支部", "school", A1)
    stamp(A5, archived_at=at(2022, 1, 1))
    B2 = organization("三新居民区社会组织联合党支部", "social", B1)
    B3 = organization("广富林街道机关党支部", "government", B1)
    x.A1, x.A2, x.A3, x.A4, x.A5, x.B1, x.B2, x.B3 = A1, A2, A3, A4, A5, B1, B2, B3

    # Activities. 07:00 on 1 March in Shanghai is still 28 February in UTC.
    x.act_study = activity(A1, "study", at(2023, 3, 1, 7), co_hosts=[A2])
    x.act_study_regs = registrations(x.act_study, R.REGISTERED, R.ATTENDED, R.ATTENDED, R.NO_SHOW, R.CANCELLED, R.WAITLISTED)
    x.act_build = activity(A2, "build", at(2023, 5, 20, 9), co_hosts=[B1], attendee_count=30)
    x.act_build_regs = registrations(x.act_build, R.ATTENDED, R.ATTENDED, R.REGISTERED)
    x.act_foreign = activity(B2, "create", at(2023, 6, 30, 23, 30))
    x.act_foreign_regs = registrations(x.act_foreign, R.ATTENDED)
    x.act_cohosted = activity(B1, "create", at(2023, 4, 8, 10), co_hosts=[A3])
    x.act_cohosted_regs = registrations(x.act_cohosted, R.ATTENDED, R.NO_SHOW)
    # Out: ten past midnight on 1 July is H2 (16:10 UTC on 30 June), cancelled, archived, last year.
    x.act_july = activity(A1, "study", at(2023, 7, 1, 0, 10))
    registrations(x.act_july, R.ATTENDED)
    x.act_cancelled = activity(A1, "study", at(2023, 4, 15, 14), cancelled_at=at(2023, 4, 10))
    registrations(x.act_cancelled, R.CANCELLED, R.CANCELLED)
    x.act_archived = activity(A3, "create", at(2023, 2, 10, 10), archived_at=at(2023, 3, 1))
    registrations(x.act_archived, R.ATTENDED)
    x.act_2022 = activity(A1, "build", at(2022, 11, 15, 10), attendee_count=12, co_hosts=[B2])

    # Agreements.
    x.g_cross, parties, obligations = agreement(
        [A1, B1], track="build", status=G.EVALUATED, signed_on=datetime.date(2023, 2, 15), published_at=at(2023, 3, 1, 10),
        start=datetime.date(2023, 2, 15), end=datetime.date(2024, 2, 14),
    )  # fmt: skip
    agreement_event(x.g_cross, G.SIGNED, at(2023, 2, 15, 9), G.DRAFT)
    agreement_event(x.g_cross, G.PERFORMING, at(2023, 4, 1, 9), G.PUBLISHED)
    agreement_event(x.g_cross, G.EVALUATED, at(2023, 6, 20, 9), G.PERFORMING)
    x.rating_a = rating(parties[0], obligations[1], 4, at(2023, 6, 25, 10))  # A1 rates B1's obligation
    x.rating_b = rating(parties[1], obligations[0], 5, at(2023, 6, 25, 11))  # B1 rates A1's
    x.g_in_force, *_ = agreement(
        [A1, A3], track="study", status=G.PERFORMING, signed_on=datetime.date(2022, 12, 10), published_at=at(2022, 12, 20),
        start=datetime.date(2023, 1, 1), end=datetime.date(2025, 12, 31),
    )  # fmt: skip
    agreement_event(x.g_in_force, G.PERFORMING, at(2023, 1, 5, 9), G.PUBLISHED)
    x.g_foreign, parties, obligations = agreement(
        [B1, B2], track="create", status=G.PUBLISHED, signed_on=datetime.date(2023, 5, 5), published_at=at(2023, 5, 10, 15),
        start=datetime.date(2023, 5, 5), end=datetime.date(2024, 5, 4),
    )  # fmt: skip
    x.rating_foreign = rating(parties[0], obligations[1], 3, at(2023, 6, 1, 10))
    x.g_july, *_ = agreement(
        [A2, B2], status=G.SIGNED, signed_on=datetime.date(2023, 7, 15), start=datetime.date(2023, 7, 15), end=datetime.date(2024, 7, 14)
    )
    x.g_expired, parties, obligations = agreement(
        [A1, B1], status=G.EXPIRED, signed_on=datetime.date(2021, 1, 1), start=datetime.date(2021, 1, 1), end=datetime.date(2022, 12, 31)
    )
    agreement_event(x.g_expired, G.PERFORMING, at(2021, 6, 1), G.PUBLISHED)
    agreement_event(x.g_expired, G.EVALUATED, at(2022, 10, 1), G.PERFORMING)
    agreement_event(x.g_expired, G.EXPIRED, at(2023, 1, 1, 2), G.EVALUATED)
    x.rating_2022 = rating(parties[0], obligations[1], 1, at(2022, 10, 5))
    x.g_draft, *_ = agreement([A1, B2], status=G.DRAFT)
    x.g_terminated, *_ = agreement(
        [A2, B1], track="build", status=G.TERMINATED, signed_on=datetime.date(2023, 1, 20),
        start=datetime.date(2023, 1, 20), end=datetime.date(2024, 1, 19),
    )  # fmt: skip
    agreement_event(x.g_terminated, G.TERMINATED, at(2023, 3, 1, 10), G.SIGNED)

    # Needs, resources and claims.
    x.n_fulfilled = need(B1, design, status=NeedStatus.FULFILLED, published_at=at(2023, 2, 1, 0, 30), satisfaction=4)  # 16:30 UTC on 31 January
    x.c_fulfilled = claim(x.n_fulfilled, A1, at(2023, 2, 11, 0, 30), status=ClaimStatus.ACCEPTED, decided_at=at(2023, 2, 15, 10))
    NeedEvent.objects.create(
        need=x.n_fulfilled, from_status=NeedStatus.IN_PROGRESS, to_status=NeedStatus.FULFILLED, created_at=at(2023, 6, 10)
    )
    x.n_old = need(A2, design, status=NeedStatus.FULFILLED, published_at=at(2022, 12, 1, 9), claim_mode=ClaimMode.MULTIPLE, satisfaction=2)
    x.c_old_rejected = claim(x.n_old, B2, at(2022, 12, 21, 9), status=ClaimStatus.REJECTED, decided_at=at(2022, 12, 25))
    x.c_old_accepted = claim(x.n_old, A3, at(2023, 3, 1, 9), status=ClaimStatus.ACCEPTED, decided_at=at(2023, 3, 5, 9))
    NeedEvent.objects.create(need=x.n_old, from_status=NeedStatus.IN_PROGRESS, to_status=NeedStatus.FULFILLED, created_at=at(2023, 8, 1))
    x.n_pending = need(A1, design, published_at=at(2023, 4, 1, 8))
    x.c_pending = claim(x.n_pending, B1, at(2023, 4, 5, 8))
    x.n_july = need(B2, design, status=NeedStatus.CLAIMED, published_at=at(2023, 7, 2, 9))
    x.c_july = claim(x.n_july, A2, at(2023, 7, 5, 9), status=ClaimStatus.ACCEPTED, decided_at=at(2023, 7, 6, 9))
    x.n_draft = need(A1, design, status=NeedStatus.DRAFT)
    x.n_archived = need(A3, design, published_at=at(2023, 5, 5, 9), archived_at=at(2023, 5, 6))
    x.n_foreign = need(B1, design, status=NeedStatus.CLAIMED, published_at=at(2023, 1, 15, 10))
    x.c_foreign = claim(x.n_foreign, B2, at(2023, 1, 23, 10), status=ClaimStatus.ACCEPTED, decided_at=at(2023, 1, 25, 10))

    x.s_own = resource(A1, design, published_at=at(2023, 1, 10, 9))
    x.q_accepted = claim(x.s_own, B1, at(2023, 2, 20, 9), status=ClaimStatus.ACCEPTED, decided_at=at(2023, 2, 22, 9))
    x.q_rejected = claim(x.s_own, B2, at(2023, 3, 15, 9), status=ClaimStatus.REJECTED, decided_at=at(2023, 3, 16, 9))
    x.q_last_year = claim(x.s_own, A2, at(2022, 11, 1, 9), status=ClaimStatus.ACCEPTED, decided_at=at(2023, 1, 3, 9))
    x.s_foreign = resource(B2, design, published_at=at(2022, 10, 10, 9))
    x.q_last_minute = claim(x.s_foreign, A3, at(2023, 6, 30, 23, 59))
    x.s_draft = resource(B1, design, status=ResourceStatus.DRAFT)

    # Projects and tasks.
    x.p_cross = project(A1, track="create", start=datetime.date(2023, 3, 1), end=datetime.date(2023, 12, 31), partners=[B1])
    x.t_april = task(x.p_cross, weight=1, status=TaskStatus.ACCEPTED, reviewed_at=at(2023, 4, 10, 9))
    x.t_august = task(x.p_cross, weight=3, status=TaskStatus.ACCEPTED, reviewed_at=at(2023, 8, 1, 9))
    task(x.p_cross, weight=1)
    x.p_completed = project(
        B2, track="study", status=ProjectStatus.COMPLETED, start=datetime.date(2022, 9, 1), end=datetime.date(2023, 1, 31), partners=[A2]
    )
    x.t_january = task(x.p_completed, weight=2, status=TaskStatus.ACCEPTED, reviewed_at=at(2023, 1, 15, 9))
    task(x.p_completed, weight=2, status=TaskStatus.SUBMITTED)
    x.p_foreign = project(B1, track="create", start=datetime.date(2023, 2, 1))
    x.t_foreign = task(x.p_foreign, weight=1, status=TaskStatus.ACCEPTED, reviewed_at=at(2023, 2, 10, 9))
    x.p_planning = project(A1, status=ProjectStatus.PLANNING, start=datetime.date(2023, 1, 1), end=datetime.date(2023, 12, 31))
    x.p_last_year = project(A3, status=ProjectStatus.COMPLETED, start=datetime.date(2022, 3, 1), end=datetime.date(2022, 12, 31))
    task(x.p_last_year, status=TaskStatus.ACCEPTED, reviewed_at=at(2022, 12, 20, 9))
    # Given up while still in planning: never under way.
    x.p_archived = project(A2, status=ProjectStatus.ARCHIVED, start=datetime.date(2023, 1, 1), end=datetime.date(2023, 6, 30))
    stamp(x.p_archived, archived_at=at(2023, 1, 5))
    ProjectEvent.objects.create(
        project=x.p_archived, from_status=ProjectStatus.PLANNING, to_status=ProjectStatus.ARCHIVED, created_at=at(2023, 1, 5)
    )
    x.p_open_ended = project(A1, track="build", partners=[A3])

    # Honours, practice bases, pairings, alliances.
    x.hon_cross = honour(datetime.date(2023, 5, 4), issuer=A1, organizations=[B2])
    x.hon_person = honour(datetime.date(2023, 6, 1), issuer_name="中共上海市委组织部", people=[world.member.person])
    x.hon_foreign = honour(datetime.date(2023, 3, 8), issuer=B1, organizations=[B2])
    x.hon_2022 = honour(datetime.date(2022, 12, 31), issuer=A1, organizations=[A2])
    x.hon_archived = honour(datetime.date(2023, 2, 2), issuer=A1, organizations=[A2], archived_at=at(2023, 3, 1))
    x.base_cross = base(B1, datetime.date(2023, 4, 20), partners=[A1])
    x.base_foreign = base(B2, datetime.date(2023, 2, 1))
    x.base_2022 = base(A3, datetime.date(2022, 6, 1))
    x.pair_cross = Pairing.objects.create(org_a=A1, org_b=B1, start_date=datetime.date(2023, 1, 1))
    x.pair_foreign = Pairing.objects.create(org_a=B1, org_b=B2, start_date=datetime.date(2023, 6, 30))
    x.pair_july = Pairing.objects.create(org_a=A2, org_b=A3, start_date=datetime.date(2023, 7, 1))
    x.al_cross = alliance(B1, datetime.date(2023, 3, 15), members=[A2])
    x.al_2022 = alliance(A1, datetime.date(2022, 8, 1))
    x.al_foreign = alliance(B2, datetime.date(2023, 5, 1), kind="micro")
    return x


@pytest.fixture
def plain_member(world):
    """A member of the foreign organization who administers nothing."""
    return make_member("plainmember", "街道党员", world.foreign_org)


# --- More of the same, for query counts ---------------------------------------------------
def grow(world, category, start, stop):
    """Add one of every kind of record of 2023-H1 per i, each between the college and a new partner."""
    for i in range(start, stop):
        partner = organization(f"共建伙伴党支部{i}", "enterprise", kind="branch")
        organization(f"未合作党支部{i}", "social", world.own_org)
        day = datetime.date(2023, 1 + i % 6, 1 + i % 28)
        when = at(day.year, day.month, day.day, 10)
        act = activity(world.own_org, ("study", "build", "create")[i % 3], when, co_hosts=[partner, world.own_branch])
        registrations(act, R.ATTENDED, R.REGISTERED, R.NO_SHOW)
        obj, parties, obligations = agreement(
            [world.own_org, partner],
            status=G.EVALUATED,
            signed_on=day,
            published_at=when,
            start=day,
            end=day + datetime.timedelta(days=365),
        )
        agreement_event(obj, G.PERFORMING, when, G.PUBLISHED)
        agreement_event(obj, G.EVALUATED, when, G.PERFORMING)
        rating(parties[1], obligations[0], 1 + i % 5, when)
        owned = need(world.own_org, category, status=NeedStatus.FULFILLED, published_at=when)
        claim(owned, partner, when + datetime.timedelta(days=1), status=ClaimStatus.ACCEPTED, decided_at=when + datetime.timedelta(days=2))
        NeedEvent.objects.create(need=owned, from_status=NeedStatus.IN_PROGRESS, to_status=NeedStatus.FULFILLED, created_at=when)
        offered = resource(world.own_org, category, published_at=when)
        claim(offered, partner, when, status=ClaimStatus.ACCEPTED, decided_at=when)
        joint = project(world.own_org, start=day, partners=[partner])
        task(joint, status=TaskStatus.ACCEPTED, reviewed_at=when)
        honour(day, issuer=partner, organizations=[world.own_org], people=[world.member.person])
        base(world.own_org, day, partners=[partner])
        Pairing.objects.create(org_a=world.own_org, org_b=partner, start_date=day)
        alliance(partner, day, members=[world.own_org])


@pytest.fixture
def word_only(monkeypatch, settings, tmp_path):
    """Render without LibreOffice (as on a server without it): these tests are not about the PDF, and it takes seconds."""
    from gongjian.insights import rendering

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"

    def unavailable(data):
        raise rendering.PdfUnavailable("no LibreOffice in this test")

    monkeypatch.setattr(rendering, "to_pdf", unavailable)
