"""Every figure the dashboard, the API, the xlsx and the reports show, computed from the records.

Each figure is defined once here: its label, its written definition (shown on hover and in
docs/insights.md) and the queryset of the records behind it, which the drill-down lists. The
dashboard's numbers are grouped aggregates over those same querysets, so a figure and its
records always agree. Dates are effective dates (the day a thing happened, which a 补录 entry
sets in the past), read in Asia/Shanghai.
"""

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Min, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjian.activities.choices import RegistrationStatus, Track
from gongjian.activities.models import Activity, Registration
from gongjian.agreements.choices import ACTIVE_STATUSES, FINAL_STATUSES, AgreementStatus, AllianceKind
from gongjian.agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementParty,
    Alliance,
    Honor,
    HonorRecipient,
    Pairing,
    PracticeBase,
    Rating,
)
from gongjian.exchange.choices import ClaimStatus, NeedStatus
from gongjian.exchange.models import Claim, Need, NeedEvent, Resource
from gongjian.orgs.choices import Sector
from gongjian.orgs.models import Organization
from gongjian.projects.choices import ProjectStatus, TaskStatus
from gongjian.projects.models import Project, Task

from .models import ClaimDelay, FigureSummary, ScopedProject
from .periods import Period
from .scope import InsightScope
from .summary import ACTIVITY_KEYS, SUMMED, monthly

TRACKS = [Track.STUDY, Track.BUILD, Track.CREATE]
SECTORS = [Sector.GOVERNMENT, Sector.SCHOOL, Sector.ENTERPRISE, Sector.SOCIAL]
# Places that count as having taken part: checked in, or held a place and did not come.
HELD_PLACE = (RegistrationStatus.REGISTERED, RegistrationStatus.ATTENDED, RegistrationStatus.NO_SHOW)


@dataclass(frozen=True)
class FigureDef:
    key: str
    label: str
    definition: str
    unit: str = ""
    by_track: bool = False


def _defs(*items):
    return {item.key: item for item in items}


FIGURES = _defs(
    FigureDef(
        "activities",
        pgettext_lazy("figure", "Activities"),
        _("Activities hosted or co-hosted by an organization in the scope that started in the period; cancelled and archived ones are left out."),
        pgettext_lazy("figure unit", "events"),
        by_track=True,
    ),
    FigureDef(
        "participants",
        pgettext_lazy("figure", "Participants (person-times)"),
        _("For each of those activities, the attendee count entered after it, or else its checked-in registrations; added up."),
        pgettext_lazy("figure unit", "person-times"),
        by_track=True,
    ),
    FigureDef(
        "registrations",
        pgettext_lazy("figure", "Registrations"),
        _("Registrations for those activities that held a place: registered, checked in or no-show (not cancelled, not waitlisted)."),
        pgettext_lazy("figure unit", "person-times"),
        by_track=True,
    ),
    FigureDef(
        "checkin_rate",
        pgettext_lazy("figure", "Check-in rate"),
        _("Checked-in registrations divided by registrations that held a place, over those activities that have ended."),
        "%",
        by_track=True,
    ),
    FigureDef(
        "agreements_signed",
        pgettext_lazy("figure", "Agreements signed"),
        _("Co-building agreements with a party in the scope whose signing date (签约) falls in the period."),
        pgettext_lazy("figure unit", "agreements"),
        by_track=True,
    ),
    FigureDef(
        "agreements_published",
        pgettext_lazy("figure", "Agreements disclosed"),
        _("Agreements with a party in the scope disclosed to the public (亮约) in the period."),
        pgettext_lazy("figure unit", "agreements"),
    ),
    FigureDef(
        "agreements_performing",
        pgettext_lazy("figure", "Agreements put into practice"),
        _("Agreements with a party in the scope that entered performance (履约) in the period."),
        pgettext_lazy("figure unit", "agreements"),
    ),
    FigureDef(
        "agreements_evaluated",
        pgettext_lazy("figure", "Agreements evaluated"),
        _("Agreements with a party in the scope whose evaluation (评约) was opened in the period."),
        pgettext_lazy("figure unit", "agreements"),
    ),
    FigureDef(
        "agreements_in_force",
        pgettext_lazy("figure", "Agreements in force"),
        _("Agreements with a party in the scope, signed by the period's last day, not ended, whose term covers that day."),
        pgettext_lazy("figure unit", "agreements"),
    ),
    FigureDef(
        "needs_published",
        pgettext_lazy("figure", "Needs published"),
        _("Needs of organizations in the scope published in the period."),
        pgettext_lazy("figure unit", "needs"),
    ),
    FigureDef(
        "needs_claimed",
        pgettext_lazy("figure", "Needs claimed"),
        _("Needs of organizations in the scope that received their first claim in the period."),
        pgettext_lazy("figure unit", "needs"),
    ),
    FigureDef(
        "needs_fulfilled",
        pgettext_lazy("figure", "Needs fulfilled"),
        _("Needs of organizations in the scope marked fulfilled in the period."),
        pgettext_lazy("figure unit", "needs"),
    ),
    FigureDef(
        "median_days_to_claim",
        pgettext_lazy("figure", "Median days to a claim"),
        _("For the needs claimed in the period: the median number of days from publishing to the first claim."),
        pgettext_lazy("figure unit", "days"),
    ),
    FigureDef(
        "resources_published",
        pgettext_lazy("figure", "Resources published"),
        _("Resources of organizations in the scope published in the period."),
        pgettext_lazy("figure unit", "resources"),
    ),
    FigureDef(
        "resources_requested",
        pgettext_lazy("figure", "Resource requests"),
        _("Requests for resources of organizations in the scope made in the period (any outcome)."),
        pgettext_lazy("figure unit", "requests"),
    ),
    FigureDef(
        "claims_accepted",
        pgettext_lazy("figure", "Claims accepted"),
        _("Claims and requests accepted in the period where the owner or the claimant is in the scope: the two-way claiming (双向认领) that led to work."),
        pgettext_lazy("figure unit", "claims"),
    ),
    FigureDef(
        "projects_active",
        pgettext_lazy("figure", "Projects under way"),
        _("Projects led by or partnered with an organization in the scope, not in planning, whose dates overlap the period."),
        pgettext_lazy("figure unit", "projects"),
        by_track=True,
    ),
    FigureDef(
        "projects_progress",
        pgettext_lazy("figure", "Average project progress"),
        _("The mean progress (weighted share of accepted tasks) of the projects under way."),
        "%",
    ),
    FigureDef(
        "tasks_accepted",
        pgettext_lazy("figure", "Tasks accepted"),
        _("Project tasks in the scope's projects accepted by the project in the period."),
        pgettext_lazy("figure unit", "tasks"),
    ),
    FigureDef(
        "honours",
        pgettext_lazy("figure", "Honours and appointments"),
        _("Honours and appointments awarded in the period to, or by, an organization in the scope (or a person of one)."),
        pgettext_lazy("figure unit", "items"),
    ),
    FigureDef(
        "bases",
        pgettext_lazy("figure", "Practice bases established"),
        _("Practice bases hosted by or partnered with an organization in the scope, established in the period."),
        pgettext_lazy("figure unit", "bases"),
    ),
    FigureDef(
        "pairings",
        pgettext_lazy("figure", "Pairings started"),
        _("Pairings with an organization in the scope that started in the period."),
        pgettext_lazy("figure unit", "pairings"),
    ),
    FigureDef(
        "alliances",
        pgettext_lazy("figure", "Alliances founded"),
        _("Alliances and micro-alliances with a member in the scope founded in the period."),
        pgettext_lazy("figure unit", "alliances"),
    ),
    FigureDef(
        "rating_avg",
        pgettext_lazy("figure", "Agreement evaluation score"),
        _("The mean 1–5 score the parties gave each other's obligations (评约) in the period, for agreements with a party in the scope."),
        pgettext_lazy("figure unit", "of 5"),
    ),
    FigureDef(
        "satisfaction_avg",
        pgettext_lazy("figure", "Need owners' satisfaction"),
        _("The mean 1–5 satisfaction the owners gave when marking their needs fulfilled in the period (needs of organizations in the scope; unrated ones left out)."),
        pgettext_lazy("figure unit", "of 5"),
    ),
    FigureDef(
        "isolated",
        pgettext_lazy("figure", "Organizations without cooperation"),
        _("Active organizations in the scope that took part in no co-hosted activity, agreement, accepted claim or project in the period."),
        pgettext_lazy("figure unit", "organizations"),
    ),
)

# The figures the summary row shows first, in this order.
KEY_FIGURES = ("activities", "participants", "agreements_signed", "needs_published", "claims_accepted", "projects_active", "tasks_accepted", "honours")
# Figures that are not plain counts: averages and rates are not summed over tracks.
RATIOS = ("checkin_rate", "median_days_to_claim", "projects_progress", "rating_avg", "satisfaction_avg")


def _pct(part, whole):
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Figures:
    """All figures of one scope and period. Each method is one or two grouped queries."""

    scope: InsightScope
    period: Period
    # The monthly summary to read additive figures from (the dashboard and the API), or None to
    # count everything live (reports, the drill-down's own counts, the tests of each definition).
    summary: FigureSummary | None = None
    _memo: dict = field(default_factory=dict, repr=False)

    @property
    def summarised(self) -> bool:
        return self.summary is not None and self.summary.built_at is not None and self.period.whole_months

    def _monthly(self) -> dict:
        if "monthly" not in self._memo:
            self._memo["monthly"] = monthly(self.scope, self.period)
        return self._memo["monthly"]

    def _summed(self, key, track=None) -> int:
        """A key's sum over the period's months: for one track, or (None) over every track."""
        return sum(v for (_m, t, k), v in self._monthly().items() if k == key and (track is None or t == track))

    # --- The records behind the figures ------------------------------------------------
    def activities(self):
        start, end = self.period.bounds()
        qs = Activity.objects.active().filter(cancelled_at__isnull=True, starts_at__gte=start, starts_at__lt=end)
        if self.scope.root is not None:
            co_hosted = Activity.co_hosts.through.objects.filter(self.scope.orgs("organization")).values("activity_id")
            qs = qs.filter(self.scope.orgs("host") | Q(pk__in=co_hosted))
        return qs

    def registrations(self):
        return Registration.objects.filter(activity__in=self.activities().values("pk"), status__in=HELD_PLACE)

    def _agreements(self):
        qs = Agreement.objects.active()
        if self.scope.root is not None:
            qs = qs.filter(pk__in=AgreementParty.objects.filter(self.scope.orgs("organization")).values("agreement_id"))
        return qs

    def agreements_signed(self):
        return self._agreements().filter(signed_on__gte=self.period.first, signed_on__lte=self.period.last)

    def agreements_published(self):
        start, end = self.period.bounds()
        return self._agreements().filter(published_at__gte=start, published_at__lt=end)

    def _agreements_entering(self, status):
        start, end = self.period.bounds()
        events = AgreementEvent.objects.filter(to_status=status, created_at__gte=start, created_at__lt=end)
        return self._agreements().filter(pk__in=events.values("agreement_id"))

    def agreements_performing(self):
        return self._agreements_entering(AgreementStatus.PERFORMING)

    def agreements_evaluated(self):
        return self._agreements_entering(AgreementStatus.EVALUATED)

    def agreements_in_force(self):
        """Read from the history, not today's status: one that ended after the period still counts."""
        last = self.period.last
        _start, end = self.period.bounds()
        ended = AgreementEvent.objects.filter(to_status__in=FINAL_STATUSES, created_at__lt=end).values("agreement_id")
        return (
            self._agreements()
            .filter(
                Q(status__in=(*ACTIVE_STATUSES, *FINAL_STATUSES)),
                Q(signed_on__lte=last),
                Q(start_date__isnull=True) | Q(start_date__lte=last),
                Q(end_date__isnull=True) | Q(end_date__gte=last),
            )
            .exclude(pk__in=ended)
        )

    def _needs(self):
        return Need.objects.active().filter(self.scope.orgs("organization"))

    def needs_published(self):
        start, end = self.period.bounds()
        return self._needs().filter(published_at__gte=start, published_at__lt=end)

    def _first_claims(self):
        """(need id, published_at, first claim) of the scope's needs; filtered by period by callers."""
        return (
            Claim.objects.filter(need__in=self._needs().values("pk"))
            .values("need_id")
            .annotate(first=Min("claimed_at"))
            .values("need_id", "first")
        )

    def needs_claimed(self):
        start, end = self.period.bounds()
        firsts = self._first_claims().filter(first__gte=start, first__lt=end)
        return self._needs().filter(pk__in=firsts.values("need_id"))

    def needs_fulfilled(self):
        start, end = self.period.bounds()
        events = NeedEvent.objects.filter(to_status=NeedStatus.FULFILLED, created_at__gte=start, created_at__lt=end)
        return self._needs().filter(pk__in=events.values("need_id"))

    def resources_published(self):
        start, end = self.period.bounds()
        return Resource.objects.active().filter(self.scope.orgs("organization"), published_at__gte=start, published_at__lt=end)

    def resources_requested(self):
        start, end = self.period.bounds()
        return Claim.objects.filter(resource__isnull=False, claimed_at__gte=start, claimed_at__lt=end).filter(self.scope.orgs("resource__organization"))

    def claims_accepted(self):
        start, end = self.period.bounds()
        qs = Claim.objects.filter(status=ClaimStatus.ACCEPTED, decided_at__gte=start, decided_at__lt=end)
        if self.scope.root is not None:
            qs = qs.filter(self.scope.orgs("claimant") | self.scope.orgs("need__organization") | self.scope.orgs("resource__organization"))
        return qs

    def _projects(self):
        qs = Project.objects.active()
        if self.scope.root is not None:
            partnered = Project.partners.through.objects.filter(self.scope.orgs("organization")).values("project_id")
            qs = qs.filter(self.scope.orgs("lead") | Q(pk__in=partnered))
        return qs

    def projects_active(self):
        first, last = self.period.first, self.period.last
        return self._projects().filter(
            Q(period_start__isnull=True) | Q(period_start__lte=last),
            Q(period_end__isnull=True) | Q(period_end__gte=first),
            status__in=(ProjectStatus.ACTIVE, ProjectStatus.COMPLETED),
        )

    def tasks_accepted(self):
        start, end = self.period.bounds()
        return Task.objects.filter(project__in=self._projects().values("pk"), status=TaskStatus.ACCEPTED, reviewed_at__gte=start, reviewed_at__lt=end)

    def honours(self):
        qs = Honor.objects.active().filter(awarded_on__gte=self.period.first, awarded_on__lte=self.period.last)
        if self.scope.root is not None:
            qs = qs.filter(
                self.scope.orgs("issuer")
                | Q(pk__in=HonorRecipient.objects.filter(self.scope.orgs("organization")).values("honor_id"))
                | Q(pk__in=HonorRecipient.objects.filter(self.scope.orgs("person__memberships__organization")).values("honor_id"))
            )
        return qs

    def bases(self):
        qs = PracticeBase.objects.active().filter(established_on__gte=self.period.first, established_on__lte=self.period.last)
        if self.scope.root is not None:
            partnered = PracticeBase.partners.through.objects.filter(self.scope.orgs("organization")).values("practicebase_id")
            qs = qs.filter(self.scope.orgs("host") | Q(pk__in=partnered))
        return qs

    def pairings(self):
        qs = Pairing.objects.active().filter(start_date__gte=self.period.first, start_date__lte=self.period.last)
        if self.scope.root is not None:
            qs = qs.filter(self.scope.orgs("org_a") | self.scope.orgs("org_b"))
        return qs

    def alliances(self):
        qs = Alliance.objects.active().filter(
            kind__in=(AllianceKind.ALLIANCE, AllianceKind.MICRO), founded_on__gte=self.period.first, founded_on__lte=self.period.last
        )
        if self.scope.root is not None:
            members = Alliance.members.through.objects.filter(self.scope.orgs("organization")).values("alliance_id")
            qs = qs.filter(self.scope.orgs("lead") | Q(pk__in=members))
        return qs

    def ratings(self):
        start, end = self.period.bounds()
        return Rating.objects.filter(obligation__party__agreement__in=self._agreements().values("pk"), created_at__gte=start, created_at__lt=end)

    def organizations(self):
        return Organization.objects.active().filter(self.scope.orgs())

    # --- Aggregates ------------------------------------------------------------------------
    def activity_figures(self) -> dict:
        """Activities, participants, registrations and check-in rate, per track and in all."""
        if "activity" in self._memo:
            return self._memo["activity"]
        if self.summarised:
            per_track = {t: Counter({key: self._summed(key, t) for key in ACTIVITY_KEYS}) for t in TRACKS}
        else:
            per_track = self._count_activity_figures()
        result = {}
        for track, c in per_track.items():
            result[track] = {
                "activities": c["activities"],
                "participants": c["participants"],
                "registrations": c["registrations"],
                "checkin_rate": _pct(c["attended_ended"], c["held_ended"]),
            }
        total = Counter()
        for c in per_track.values():
            total.update(c)
        result["all"] = {
            "activities": total["activities"],
            "participants": total["participants"],
            "registrations": total["registrations"],
            "checkin_rate": _pct(total["attended_ended"], total["held_ended"]),
        }
        self._memo["activity"] = result
        return result

    def _count_activity_figures(self) -> dict:
        activities = self.activities()
        per_track = {t: Counter() for t in TRACKS}
        for row in activities.order_by().values("track").annotate(n=Count("pk"), entered=Sum("attendee_count")):
            per_track[row["track"]].update(activities=row["n"], participants=row["entered"] or 0)
        # Check-ins count as participants only where no attendee count was entered.
        regs = Registration.objects.filter(activity__in=activities.values("pk"), status__in=HELD_PLACE)
        now = timezone.now()
        rows = (
            regs.order_by()
            .values("activity__track", "status")
            .annotate(
                n=Count("pk"),
                uncounted=Count("pk", filter=Q(activity__attendee_count__isnull=True)),
                ended=Count("pk", filter=Q(activity__ends_at__lt=now)),
            )
        )
        for row in rows:
            c = per_track[row["activity__track"]]
            c["registrations"] += row["n"]
            c["held_ended"] += row["ended"]
            if row["status"] == RegistrationStatus.ATTENDED:
                c["participants"] += row["uncounted"]
                c["attended_ended"] += row["ended"]
        return per_track

    def agreements_by_track(self) -> dict:
        if self.summarised:
            return {t: self._summed("agreements_signed", t) for t in TRACKS}
        out = {t: 0 for t in TRACKS}
        for row in self.agreements_signed().order_by().values("track").annotate(n=Count("pk")):
            out[row["track"]] = row["n"]
        return out

    def _scoped_projects(self):
        first, last = self.period.first, self.period.last
        return ScopedProject.objects.filter(
            Q(period_start__isnull=True) | Q(period_start__lte=last),
            Q(period_end__isnull=True) | Q(period_end__gte=first),
            scope=self.scope.root.path if self.scope.root else "",
        )

    def projects_by_track(self) -> dict:
        if self.summarised:
            if "projects_by_track" not in self._memo:
                out = {t: 0 for t in TRACKS}
                for track, n in self._scoped_projects().order_by().values_list("track").annotate(n=Count("pk")):
                    out[track] = out.get(track, 0) + n
                self._memo["projects_by_track"] = out
            return self._memo["projects_by_track"]
        out = {t: 0 for t in TRACKS}
        for row in self.projects_active().order_by().values("track").annotate(n=Count("pk")):
            out[row["track"]] = row["n"]
        return out

    def median_days_to_claim(self):
        start, end = self.period.bounds()
        rows = self._first_claims().filter(first__gte=start, first__lt=end).values_list("need__published_at", "first")
        days = [(first - published).total_seconds() / 86400 for published, first in rows if published and first >= published]
        return round(statistics.median(days), 1) if days else None

    def projects_progress(self):
        progress = self.projects_active().with_progress().aggregate(avg=Avg("progress_percent"))["avg"]
        return round(progress, 1) if progress is not None else None

    def values(self, keys) -> dict:
        """Only the named single-number figures (the comparison period, the workbench): a query or two each."""
        if "totals" in self._memo:
            return {key: self._memo["totals"][key] for key in keys}
        if self.summarised:
            summed = self._summary_totals()
            keys_left = [key for key in keys if key not in summed]
            return {**{key: summed[key] for key in keys if key in summed}, **self._live_values(keys_left)}
        return self._live_values(keys)

    def _live_values(self, keys) -> dict:
        single = {
            "agreements_signed": lambda: self.agreements_signed().count(),
            "needs_published": lambda: self.needs_published().count(),
            "claims_accepted": lambda: self.claims_accepted().count(),
            "projects_active": lambda: self.projects_active().count(),
            "tasks_accepted": lambda: self.tasks_accepted().count(),
            "honours": lambda: self.honours().count(),
        }
        out = {}
        for key in keys:
            if key in single:
                out[key] = single[key]()
            elif key in ("activities", "participants", "registrations", "checkin_rate"):
                out[key] = self.activity_figures()["all"][key]
            else:
                out[key] = self.totals()[key]
        return out

    def totals(self) -> dict:
        """Every single-number figure of the period."""
        if "totals" in self._memo:
            return self._memo["totals"]
        if self.summarised:
            progress = self._scoped_projects().aggregate(avg=Avg("progress"))["avg"]
            start, end = self.period.bounds()
            delays = ClaimDelay.objects.filter(first_claimed_at__gte=start, first_claimed_at__lt=end)
            if self.scope.root is not None:
                delays = delays.filter(path__startswith=self.scope.root.path)
            days = list(delays.values_list("days", flat=True))
            values = {
                **self._summary_totals(),
                "agreements_in_force": self.agreements_in_force().count(),
                "median_days_to_claim": round(statistics.median(days), 1) if days else None,
                "projects_progress": round(progress, 1) if progress is not None else None,
            }
            self._memo["totals"] = values
            return values
        act = self.activity_figures()["all"]
        start, end = self.period.bounds()
        # Stages of one table in one query each (signed and disclosed; performing and evaluated).
        stamped = self._agreements().aggregate(
            signed=Count("pk", filter=Q(signed_on__gte=self.period.first, signed_on__lte=self.period.last)),
            published=Count("pk", filter=Q(published_at__gte=start, published_at__lt=end)),
        )
        moved = AgreementEvent.objects.filter(agreement__in=self._agreements().values("pk"), created_at__gte=start, created_at__lt=end).aggregate(
            performing=Count("agreement", distinct=True, filter=Q(to_status=AgreementStatus.PERFORMING)),
            evaluated=Count("agreement", distinct=True, filter=Q(to_status=AgreementStatus.EVALUATED)),
        )
        rating = self.ratings().aggregate(avg=Avg("score"), n=Count("pk"))
        fulfilled = self.needs_fulfilled().aggregate(
            n=Count("pk"), rated=Count("satisfaction"), avg=Avg("satisfaction")
        )
        values = {
            **act,
            "agreements_signed": stamped["signed"],
            "agreements_published": stamped["published"],
            "agreements_performing": moved["performing"],
            "agreements_evaluated": moved["evaluated"],
            "agreements_in_force": self.agreements_in_force().count(),
            "needs_published": self.needs_published().count(),
            "needs_claimed": self.needs_claimed().count(),
            "needs_fulfilled": fulfilled["n"],
            "median_days_to_claim": self.median_days_to_claim(),
            "resources_published": self.resources_published().count(),
            "resources_requested": self.resources_requested().count(),
            "claims_accepted": self.claims_accepted().count(),
            "projects_active": self.projects_active().count(),
            "projects_progress": self.projects_progress(),
            "tasks_accepted": self.tasks_accepted().count(),
            "honours": self.honours().count(),
            "bases": self.bases().count(),
            "pairings": self.pairings().count(),
            "alliances": self.alliances().count(),
            "rating_avg": round(rating["avg"], 2) if rating["avg"] is not None else None,
            "rating_count": rating["n"],
            "satisfaction_avg": round(fulfilled["avg"], 2) if fulfilled["avg"] is not None else None,
            "satisfaction_count": fulfilled["rated"],
        }
        self._memo["totals"] = values
        return values

    def _summary_totals(self) -> dict:
        """The additive figures, summed from the monthly summary (everything but the four live ones)."""
        if "summed" in self._memo:
            return self._memo["summed"]
        summed = {key: self._summed(key) for key in SUMMED}
        summed["projects_active"] = sum(self.projects_by_track().values())
        rating_sum, rating_count = self._summed("rating_sum"), self._summed("rating_count")
        satisfaction_sum, satisfaction_count = self._summed("satisfaction_sum"), self._summed("satisfaction_count")
        values = {
            **self.activity_figures()["all"],
            **summed,
            "rating_avg": round(rating_sum / rating_count, 2) if rating_count else None,
            "rating_count": rating_count,
            "satisfaction_avg": round(satisfaction_sum / satisfaction_count, 2) if satisfaction_count else None,
            "satisfaction_count": satisfaction_count,
        }
        self._memo["summed"] = values
        return values

    def agreement_stages(self) -> list[dict]:
        t = self.totals()
        return [{"key": key, "label": FIGURES[key].label, "value": t[key]} for key in ("agreements_signed", "agreements_published", "agreements_performing", "agreements_evaluated")]

    # --- Who worked with whom -------------------------------------------------------------
    def links(self) -> list[tuple[int, int, str]]:
        """(organization, organization, kind) for every cooperation of the period, both ends known.

        Kinds: ``activity`` (host and co-host), ``agreement`` (two parties), ``claim`` (claimant
        and owner of an accepted claim, and its joint partners), ``project`` (lead and partner).
        Each end's sector and path come in the same queries (see ``ends()``), so the matrix and
        the network never send the ids back to the database in a list.
        """
        if "links" in self._memo:
            return self._memo["links"]
        ends = {}

        def end(prefix=""):
            return [f"{prefix}id", f"{prefix}sector", f"{prefix}path", f"{prefix}archived_at"]

        def keep(row):
            pk, sector, path, archived = row
            if pk:
                ends[pk] = (sector, path, archived is None)
            return pk

        out = []
        cohosts = Activity.co_hosts.through.objects.filter(activity__in=self.activities().values("pk"))
        for row in cohosts.values_list(*end("activity__host__"), *end("organization__")):
            out.append((keep(row[:4]), keep(row[4:]), "activity"))
        parties = defaultdict(set)
        signed_or_in_force = self.agreements_signed() | self.agreements_in_force()
        for row in AgreementParty.objects.filter(agreement__in=signed_or_in_force.values("pk")).values_list("agreement_id", *end("organization__")):
            parties[row[0]].add(keep(row[1:]))
        for orgs in parties.values():
            orgs = sorted(orgs)
            out += [(a, b, "agreement") for i, a in enumerate(orgs) for b in orgs[i + 1 :]]
        owners = {}
        claims = self.claims_accepted().values_list("pk", *end("claimant__"), *end("need__organization__"), *end("resource__organization__"))
        for row in claims:
            claimant, need_owner, resource_owner = keep(row[1:5]), keep(row[5:9]), keep(row[9:13])
            owners[row[0]] = (claimant, need_owner or resource_owner)
            out.append((claimant, need_owner or resource_owner, "claim"))
        # A joint claim (联合领办): each partner worked with the owner and with the claimant.
        partners = Claim.partners.through.objects.filter(claim_id__in=self.claims_accepted().values("pk"))
        for row in partners.values_list("claim_id", *end("organization__")):
            claimant, owner = owners.get(row[0], (None, None))
            partner = keep(row[1:])
            out += [(partner, owner, "claim"), (claimant, partner, "claim")]
        partners = Project.partners.through.objects.filter(project__in=self.projects_active().values("pk"))
        for row in partners.values_list(*end("project__lead__"), *end("organization__")):
            out.append((keep(row[:4]), keep(row[4:]), "project"))
        out = [(a, b, kind) for a, b, kind in out if a and b and a != b]
        self._memo["links"], self._memo["ends"] = out, ends
        return out

    def ends(self) -> dict:
        """{organization id: (sector, path, is live)} of every organization in links()."""
        self.links()
        return self._memo["ends"]

    def matrix(self) -> dict:
        """How often each pair of sectors worked together (政校企社), symmetric, by kind of link."""
        links, ends = self.links(), self.ends()
        sectors = [*SECTORS, Sector.OTHER]
        cells = {a: {b: 0 for b in sectors} for a in sectors}
        by_kind = Counter()
        for a, b, kind in links:
            sa, sb = ends[a][0], ends[b][0]
            cells[sa][sb] += 1
            if sa != sb:
                cells[sb][sa] += 1
            by_kind[kind] += 1
        labels = dict(Sector.choices)
        return {
            "sectors": [{"key": s, "label": labels[s]} for s in sectors],
            "rows": [{"key": a, "label": labels[a], "cells": [cells[a][b] for b in sectors]} for a in sectors],
            "by_kind": dict(by_kind),
        }

    def network(self, max_nodes: int = 120) -> dict:
        """The collaboration network: the best-linked organizations and their links, and who stayed alone."""
        weights = Counter()
        kinds = defaultdict(Counter)
        for a, b, kind in self.links():
            pair = (min(a, b), max(a, b))
            weights[pair] += 1
            kinds[pair][kind] += 1
        degree = Counter()
        for (a, b), w in weights.items():
            degree[a] += w
            degree[b] += w
        shown = {pk for pk, _ in degree.most_common(max_nodes)}
        names = {
            pk: {"name": short or name, "uuid": str(uuid)}
            for pk, name, short, uuid in Organization.objects.filter(pk__in=shown).values_list("pk", "name", "short_name", "uuid")
        }
        ends = self.ends()
        nodes = [
            {
                "id": str(pk),
                "name": names[pk]["name"],
                "sector": ends[pk][0],
                "uuid": names[pk]["uuid"],
                "degree": degree[pk],
                "in_scope": self.scope.contains_path(ends[pk][1]),
            }
            for pk in shown
            if pk in names
        ]
        edges = [
            {"source": str(a), "target": str(b), "weight": w, "kinds": dict(kinds[(a, b)])}
            for (a, b), w in weights.items()
            if a in names and b in names
        ]
        involved = set(degree)
        scope_orgs = self.organizations()
        total = scope_orgs.count()
        involved_in_scope = sum(1 for pk in involved if ends[pk][2] and self.scope.contains_path(ends[pk][1]))
        isolated_sample = []
        if total - involved_in_scope > 0:
            # Walk the scope in path order and keep the first few that had no link; a page of
            # names is enough, the drill-down lists them all.
            for pk, name in scope_orgs.order_by("path").values_list("pk", "name").iterator(chunk_size=500):
                if pk not in involved:
                    isolated_sample.append(name)
                    if len(isolated_sample) >= 12:
                        break
        return {
            "nodes": nodes,
            "edges": edges,
            "organizations": total,
            "involved": involved_in_scope,
            "isolated": total - involved_in_scope,
            "isolated_sample": isolated_sample,
            "truncated": len(degree) > len(shown),
        }

    def isolated(self):
        """The scope's organizations in no link, said in SQL: the ids never travel as a list."""
        accepted = self.claims_accepted().values("pk")
        involved = [
            Activity.objects.filter(pk__in=self.activities().filter(co_hosts__isnull=False).values("pk")).values("host_id"),
            Activity.co_hosts.through.objects.filter(activity__in=self.activities().values("pk")).values("organization_id"),
            AgreementParty.objects.filter(agreement__in=(self.agreements_signed() | self.agreements_in_force()).values("pk"))
            .annotate(others=Count("agreement__parties"))
            .filter(others__gt=1)
            .values("organization_id"),
            Claim.objects.filter(pk__in=accepted).values("claimant_id"),
            Claim.objects.filter(pk__in=accepted, need__isnull=False).values("need__organization_id"),
            Claim.objects.filter(pk__in=accepted, resource__isnull=False).values("resource__organization_id"),
            Claim.partners.through.objects.filter(claim_id__in=accepted).values("organization_id"),
            Project.objects.filter(pk__in=self.projects_active().filter(partners__isnull=False).values("pk")).values("lead_id"),
            Project.partners.through.objects.filter(project__in=self.projects_active().values("pk")).values("organization_id"),
        ]
        qs = self.organizations()
        for ids in involved:
            qs = qs.exclude(pk__in=ids)
        return qs

    # --- Month by month -------------------------------------------------------------------
    def trends(self) -> dict:
        months = self.period.months()
        tz = timezone.get_default_timezone()
        series = {key: {m: 0 for m in months} for key in ("activities", "participants", "agreements_signed", "needs_published", "claims_accepted", "tasks_accepted")}

        def fill(key, rows):
            for month, n in rows:
                if month is None:
                    continue
                month = month.date() if hasattr(month, "date") else month
                month = month.replace(day=1)
                if month in series[key]:
                    series[key][month] += n or 0

        if self.summarised:
            monthly_values = self._monthly()
            for (month, _track, key), value in monthly_values.items():
                if key in series and month in series[key]:
                    series[key][month] += value
            return self._trend_rows(months, series)
        activities = self.activities()
        fill("activities", activities.annotate(m=TruncMonth("starts_at", tzinfo=tz)).order_by().values("m").annotate(n=Count("pk")).values_list("m", "n"))
        fill(
            "participants",
            activities.annotate(m=TruncMonth("starts_at", tzinfo=tz)).order_by().values("m").annotate(n=Sum("attendee_count")).values_list("m", "n"),
        )
        # Check-ins are counted per activity and then given their activity's month: truncating each of
        # a half-year's hundred thousand check-ins to a month (a Python function per row on SQLite) took seconds.
        counted = activities.filter(attendee_count__isnull=True)
        month_of = dict(counted.annotate(m=TruncMonth("starts_at", tzinfo=tz)).order_by().values_list("pk", "m"))
        attended = Registration.objects.filter(activity__in=counted.values("pk"), status=RegistrationStatus.ATTENDED)
        per_activity = attended.order_by().values("activity_id").annotate(n=Count("pk")).values_list("activity_id", "n")
        fill("participants", [(month_of.get(activity_id), n) for activity_id, n in per_activity])
        fill("agreements_signed", self.agreements_signed().annotate(m=TruncMonth("signed_on")).order_by().values("m").annotate(n=Count("pk")).values_list("m", "n"))
        fill("needs_published", self.needs_published().annotate(m=TruncMonth("published_at", tzinfo=tz)).order_by().values("m").annotate(n=Count("pk")).values_list("m", "n"))
        fill("claims_accepted", self.claims_accepted().annotate(m=TruncMonth("decided_at", tzinfo=tz)).order_by().values("m").annotate(n=Count("pk")).values_list("m", "n"))
        fill("tasks_accepted", self.tasks_accepted().annotate(m=TruncMonth("reviewed_at", tzinfo=tz)).order_by().values("m").annotate(n=Count("pk")).values_list("m", "n"))
        return self._trend_rows(months, series)

    @staticmethod
    def _trend_rows(months, series) -> dict:
        labels = [m.strftime("%Y-%m") for m in months]
        return {
            "months": labels,
            "series": [{"key": key, "label": str(FIGURES[key].label), "values": [values[m] for m in months]} for key, values in series.items()],
            "rows": [{"month": label, "values": [series[key][m] for key in series]} for label, m in zip(labels, months, strict=True)],
        }


def with_previous(scope: InsightScope, period: Period) -> tuple[Figures, Figures]:
    return Figures(scope, period), Figures(scope, period.previous())


def records_of(figures: Figures, key: str, track: str = ""):
    """The queryset behind a figure (what the drill-down lists), or None for a figure with none."""
    if key not in FIGURES or key in ("checkin_rate", "projects_progress"):
        return None
    if key == "participants":
        key = "activities"
    if key == "median_days_to_claim":
        key = "needs_claimed"
    if key == "rating_avg":
        return figures.ratings()
    if key == "satisfaction_avg":
        return figures.needs_fulfilled().filter(satisfaction__isnull=False)
    qs = getattr(figures, key)()
    if track and FIGURES.get(key, FIGURES["activities"]).by_track and track in Track.values:
        field = "activity__track" if qs.model is Registration else "track"
        qs = qs.filter(**{field: track})
    return qs


