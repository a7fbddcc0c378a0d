"""The monthly summary the dashboard reads: every additive figure per scope, month and track.

Measured on the benchmark database (100k organizations, 1M registrations), the dashboard's
grouped aggregates took 0.6 s for the alliance and 1.3 s for a district's subtree, 40–77
times one COUNT(*) of the period's registrations; the issue allows 10. So the additive
figures are summed here, by a task, into ``MonthlyFigure`` rows, and the dashboard adds up a
period's months for one scope with one indexed query.

A figure for a subtree counts each record once, however many of its organizations lie in
the subtree (an activity co-hosted by two branches of one school is one activity of the
school). So each record adds one to every scope that holds at least one of its
organizations: the union of its organizations' ancestor paths, plus the whole alliance
(scope ""). Scope keys are organization paths, so the dashboard needs no join.

Two figures are not sums over months. The projects under way overlap a period rather than
fall in a month: ``ScopedProject`` keeps each once per scope, with its dates and progress. The
median days to a claim needs every delay: ``ClaimDelay`` keeps one per claimed need. Agreements
in force (a state on the period's last day, over a few thousand rows) stay live. Each record is
counted by the same
querysets ``Figures`` counts (the whole alliance over all time), so the definitions are
written once.
"""

import datetime
import time
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, Min
from django.utils import timezone

from gongjian.activities.choices import RegistrationStatus
from gongjian.activities.models import Activity
from gongjian.agreements.choices import AgreementStatus
from gongjian.agreements.models import AgreementEvent, AgreementParty, Alliance, HonorRecipient, PracticeBase, Rating
from gongjian.audit.models import Record
from gongjian.exchange.choices import NeedStatus
from gongjian.exchange.models import Claim, NeedEvent
from gongjian.orgs.models import Organization
from gongjian.projects.choices import ProjectStatus
from gongjian.projects.models import Project

from .models import ClaimDelay, FigureSummary, MonthlyFigure, ScopedProject
from .periods import Period
from .scope import InsightScope

# The activity figures a summary holds, per track; the check-in rate is kept as its two counts.
ACTIVITY_KEYS = ("activities", "participants", "registrations", "held_ended", "attended_ended")
# The counts a summary holds as they are: the dashboard's figure is their sum over months.
SUMMED = (
    "agreements_signed",
    "agreements_published",
    "agreements_performing",
    "agreements_evaluated",
    "needs_published",
    "needs_claimed",
    "needs_fulfilled",
    "resources_published",
    "resources_requested",
    "claims_accepted",
    "tasks_accepted",
    "honours",
    "bases",
    "pairings",
    "alliances",
)
# Besides these, the two averages are kept as their sums and counts (rating_*, satisfaction_*).
# Keys kept per track only (their total is the sum over tracks); the others with track "".
BY_TRACK = (*ACTIVITY_KEYS, "agreements_signed")
# Rows go to the database in batches of this many.
BATCH = 5000


def _month(value) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return value.replace(day=1)


class _Tally:
    """Sums per (scope, month, track, key), each record given to every scope that holds one of its organizations."""

    def __init__(self):
        self.paths = dict(Organization._base_manager.values_list("pk", "path"))
        self.sums = defaultdict(int)
        self.projects = []
        self.delays = []
        self._scopes = {}

    def scopes_of(self, org_ids) -> set[str]:
        key = frozenset(org_ids)
        if key not in self._scopes:
            scopes = {""}
            for pk in key:
                path = self.paths.get(pk)
                if not path:
                    continue
                parts = path.strip("/").split("/")
                scopes.update("/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts)))
            self._scopes[key] = scopes
        return self._scopes[key]

    def add(self, org_ids, month, values: dict, track=""):
        if month is None:
            return
        for scope in self.scopes_of(org_ids):
            for key, value in values.items():
                if value:
                    self.sums[scope, month, track if key in BY_TRACK else "", key] += value


def _orgs_of(pairs) -> dict[int, set[int]]:
    """{record id: its organizations} from (record id, organization id) rows."""
    out = defaultdict(set)
    for record_id, org_id in pairs:
        if org_id:
            out[record_id].add(org_id)
    return out


def _count_activities(tally, figures):
    now = timezone.now()
    activities = figures.activities()
    orgs = _orgs_of(activities.values_list("pk", "host_id"))
    for activity_id, org_id in Activity.co_hosts.through.objects.filter(activity__in=activities.values("pk")).values_list("activity_id", "organization_id"):
        orgs[activity_id].add(org_id)
    held = defaultdict(lambda: defaultdict(int))
    rows = figures.registrations().order_by().values_list("activity_id", "status").annotate(n=Count("pk"))
    for activity_id, status, n in rows:
        held[activity_id][status] += n
    for pk, track, starts_at, ends_at, entered in activities.values_list("pk", "track", "starts_at", "ends_at", "attendee_count"):
        statuses = held.get(pk, {})
        registrations = sum(statuses.values())
        attended = statuses.get(RegistrationStatus.ATTENDED, 0)
        ended = ends_at is not None and ends_at < now
        values = {
            "activities": 1,
            "participants": entered if entered is not None else attended,
            "registrations": registrations,
            "held_ended": registrations if ended else 0,
            "attended_ended": attended if ended else 0,
        }
        tally.add(orgs[pk], _month(starts_at), values, track)


def _count_agreements(tally, figures):
    agreements = figures._agreements()
    orgs = _orgs_of(AgreementParty.objects.filter(agreement__in=agreements.values("pk")).values_list("agreement_id", "organization_id"))
    for pk, track, signed_on, published_at in agreements.values_list("pk", "track", "signed_on", "published_at"):
        tally.add(orgs[pk], _month(signed_on), {"agreements_signed": 1}, track)
        tally.add(orgs[pk], _month(published_at), {"agreements_published": 1})
    # An agreement counts once per month it entered a stage in (the live figure: once per period).
    entered = set()
    events = AgreementEvent.objects.filter(agreement__in=agreements.values("pk"), to_status__in=(AgreementStatus.PERFORMING, AgreementStatus.EVALUATED))
    for agreement_id, status, created_at in events.values_list("agreement_id", "to_status", "created_at"):
        key = "agreements_performing" if status == AgreementStatus.PERFORMING else "agreements_evaluated"
        month = _month(created_at)
        if (agreement_id, key, month) not in entered:
            entered.add((agreement_id, key, month))
            tally.add(orgs[agreement_id], month, {key: 1})
    ratings = Rating.objects.filter(obligation__party__agreement__in=agreements.values("pk"))
    for agreement_id, score, created_at in ratings.values_list("obligation__party__agreement_id", "score", "created_at"):
        tally.add(orgs[agreement_id], _month(created_at), {"rating_sum": score, "rating_count": 1})


def _count_exchange(tally, figures):
    needs = figures._needs()
    owner = dict(needs.values_list("pk", "organization_id"))
    for pk, published_at in needs.values_list("pk", "published_at"):
        tally.add({owner[pk]}, _month(published_at), {"needs_published": 1})
    firsts = Claim.objects.filter(need__in=needs.values("pk")).order_by().values("need_id").annotate(first=Min("claimed_at")).values_list("need_id", "first")
    published = dict(needs.filter(published_at__isnull=False).values_list("pk", "published_at"))
    for need_id, first in firsts:
        tally.add({owner[need_id]}, _month(first), {"needs_claimed": 1})
        if need_id in published and first >= published[need_id]:
            days = (first - published[need_id]).total_seconds() / 86400
            tally.delays.append(ClaimDelay(need_id=need_id, path=tally.paths[owner[need_id]], first_claimed_at=first, days=days))
    fulfilled = set()
    satisfaction = dict(needs.filter(satisfaction__isnull=False).values_list("pk", "satisfaction"))
    events = NeedEvent.objects.filter(need__in=needs.values("pk"), to_status=NeedStatus.FULFILLED)
    for need_id, created_at in events.values_list("need_id", "created_at"):
        month = _month(created_at)
        if (need_id, month) in fulfilled:
            continue
        fulfilled.add((need_id, month))
        values = {"needs_fulfilled": 1}
        if need_id in satisfaction:
            values.update(satisfaction_sum=satisfaction[need_id], satisfaction_count=1)
        tally.add({owner[need_id]}, month, values)
    for org_id, published_at in figures.resources_published().values_list("organization_id", "published_at"):
        tally.add({org_id}, _month(published_at), {"resources_published": 1})
    for org_id, claimed_at in figures.resources_requested().values_list("resource__organization_id", "claimed_at"):
        tally.add({org_id}, _month(claimed_at), {"resources_requested": 1})
    accepted = figures.claims_accepted().values_list("claimant_id", "need__organization_id", "resource__organization_id", "decided_at")
    for claimant, need_owner, resource_owner, decided_at in accepted:
        tally.add({pk for pk in (claimant, need_owner, resource_owner) if pk}, _month(decided_at), {"claims_accepted": 1})


def _count_projects(tally, figures):
    projects = figures._projects()
    orgs = _orgs_of(projects.values_list("pk", "lead_id"))
    for project_id, org_id in Project.partners.through.objects.filter(project__in=projects.values("pk")).values_list("project_id", "organization_id"):
        orgs[project_id].add(org_id)
    # Under way or done, with today's progress: what projects_active and projects_progress count.
    under_way = projects.filter(status__in=(ProjectStatus.ACTIVE, ProjectStatus.COMPLETED)).with_progress()
    for pk, track, start, end, progress in under_way.values_list("pk", "track", "period_start", "period_end", "progress_percent"):
        for scope in tally.scopes_of(orgs[pk]):
            tally.projects.append(ScopedProject(scope=scope, project_id=pk, track=track, period_start=start, period_end=end, progress=progress or 0))
    per_month = defaultdict(int)
    for project_id, reviewed_at in figures.tasks_accepted().values_list("project_id", "reviewed_at").iterator(chunk_size=5000):
        per_month[project_id, _month(reviewed_at)] += 1
    for (project_id, month), n in per_month.items():
        tally.add(orgs[project_id], month, {"tasks_accepted": n})


def _count_network(tally, figures):
    honours = figures.honours()
    orgs = _orgs_of(honours.values_list("pk", "issuer_id"))
    recipients = HonorRecipient.objects.filter(honor__in=honours.values("pk"))
    for pairs in (recipients.values_list("honor_id", "organization_id"), recipients.values_list("honor_id", "person__memberships__organization_id")):
        for honor_id, org_id in pairs:
            if org_id:
                orgs[honor_id].add(org_id)
    for pk, awarded_on in honours.values_list("pk", "awarded_on"):
        tally.add(orgs[pk], _month(awarded_on), {"honours": 1})
    bases = figures.bases()
    orgs = _orgs_of(bases.values_list("pk", "host_id"))
    for base_id, org_id in PracticeBase.partners.through.objects.filter(practicebase__in=bases.values("pk")).values_list("practicebase_id", "organization_id"):
        orgs[base_id].add(org_id)
    for pk, established_on in bases.values_list("pk", "established_on"):
        tally.add(orgs[pk], _month(established_on), {"bases": 1})
    for org_a, org_b, start_date in figures.pairings().values_list("org_a_id", "org_b_id", "start_date"):
        tally.add({org_a, org_b}, _month(start_date), {"pairings": 1})
    alliances = figures.alliances()
    orgs = _orgs_of(alliances.values_list("pk", "lead_id"))
    for alliance_id, org_id in Alliance.members.through.objects.filter(alliance__in=alliances.values("pk")).values_list("alliance_id", "organization_id"):
        orgs[alliance_id].add(org_id)
    for pk, founded_on in alliances.values_list("pk", "founded_on"):
        tally.add(orgs[pk], _month(founded_on), {"alliances": 1})


def _insert(model, fields, rows):
    """Plain INSERTs of tuples: a district's summary is a million rows or more, and building a model
    instance for each took longer than the counting (bulk_create's per-object work)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 - names from the model's own meta, values bound as parameters
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


def newest_audit_mark() -> int:
    return Record.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def current_summary() -> FigureSummary | None:
    """The summary pages read, having asked for a rebuild if a write came after it (see ``ask_for_refresh``)."""
    summary = FigureSummary.current()
    if summary is not None:
        summary.ask_for_refresh(newest_audit_mark())
    return summary


def build() -> FigureSummary:
    """Count every record again and replace the summary in one transaction; returns the new state."""
    from .figures import Figures

    started = time.perf_counter()
    # Writes audited after this point are newer than the summary: read the mark first.
    mark = newest_audit_mark()
    built_at = timezone.now()
    figures = Figures(InsightScope(None), Period.everything())
    tally = _Tally()
    for count in (_count_activities, _count_agreements, _count_exchange, _count_projects, _count_network):
        count(tally, figures)
    adapt = connection.ops.adapt_datefield_value
    rows = [(s, adapt(m), t, k, v) for (s, m, t, k), v in tally.sums.items()]
    FigureSummary.objects.get_or_create(pk=1)
    with transaction.atomic():
        # One writer at a time: a second build waits here and then replaces the first one's rows.
        state = FigureSummary.objects.select_for_update().get(pk=1)
        if state.built_at is not None and state.built_at > built_at:
            # A build that started later finished first: its figures are the newer ones.
            return state
        MonthlyFigure.objects.all().delete()
        _insert(MonthlyFigure, ("scope", "month", "track", "key", "value"), rows)
        for model, objects in ((ScopedProject, tally.projects), (ClaimDelay, tally.delays)):
            model.objects.all().delete()
            model.objects.bulk_create(objects, batch_size=BATCH)
        state.built_at = built_at
        state.audit_mark = mark
        state.rows = len(rows)
        state.seconds = round(time.perf_counter() - started, 2)
        state.requested_at = None
        state.save()
    return state


def monthly(scope: InsightScope, period: Period) -> dict[tuple[datetime.date, str, str], int]:
    """{(month, track, key): value} of one scope over the period's months (track "" for keys not kept per track)."""
    first, last = period.first.replace(day=1), period.last.replace(day=1)
    rows = MonthlyFigure.objects.filter(scope=scope.root.path if scope.root else "", month__gte=first, month__lte=last)
    return {(month, track, key): value for month, track, key, value in rows.values_list("month", "track", "key", "value")}
