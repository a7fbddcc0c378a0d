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

from .periods import Period
from .scope import InsightScope

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
    _memo: dict = field(default_factory=dict, repr=False)

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

    def agreements_by_track(self) -> dict:
        out = {t: 0 for t in TRACKS}
        for row in self.agreements_signed().order_by().values("track").annotate(n=Count("pk")):
            out[row["track"]] = row["n"]
        return out

    def projects_by_track(self) -> dict:
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

    def headline(self) -> dict:
        """The few figures the workbench shows: five queries, not the dashboard's thirty."""
        act = self.activity_figures()["all"]
        return {
            "activities": act["activities"],
            "participants": act["participants"],
            "agreements_signed": self.agreements_signed().count(),
            "claims_accepted": self.claims_accepted().count(),
            "tasks_accepted": self.tasks_accepted().count(),
        }

    def totals(self) -> dict:
        """Every single-number figure of the period."""
        if "totals" in self._memo:
            return self._memo["totals"]
        act = self.activity_figures()["all"]
        rating = self.ratings().aggregate(avg=Avg("score"), n=Count("pk"))
        satisfaction = self.needs_fulfilled().filter(satisfaction__isnull=False).aggregate(avg=Avg("satisfaction"), n=Count("pk"))
        values = {
            **act,
            "agreements_signed": self.agreements_signed().count(),
            "agreements_published": self.agreements_published().count(),
            "agreements_performing": self.agreements_performing().count(),
            "agreements_evaluated": self.agreements_evaluated().count(),
            "agreements_in_force": self.agreements_in_force().count(),
            "needs_published": self.needs_published().count(),
            "needs_claimed": self.needs_claimed().count(),
            "needs_fulfilled": self.needs_fulfilled().count(),
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
            "satisfaction_avg": round(satisfaction["avg"], 2) if satisfaction["avg"] is not None else None,
            "satisfaction_count": satisfaction["n"],
        }
        self._memo["totals"] = values
        return values

    def agreement_stages(self) -> list[dict]:
        t = self.totals()
        return [{"key": key, "label": FIGURES[key].label, "value": t[key]} for key in ("agreements_signed", "agreements_published", "agreements_performing", "agreements_evaluated")]

    # --- Who worked with whom -------------------------------------------------------------
    def links(self) -> list[tuple[int, int, str]]:
        """(organization, organization, kind) for every cooperation of the period, both ends known.

        Kinds: ``activity`` (host and co-host), ``agreement`` (two parties), ``claim`` (claimant
        and owner of an accepted claim), ``project`` (lead and partner).
        """
        if "links" in self._memo:
            return self._memo["links"]
        out = []
        cohosts = Activity.co_hosts.through.objects.filter(activity__in=self.activities().values("pk"))
        out += [(a, b, "activity") for a, b in cohosts.values_list("activity__host_id", "organization_id")]
        parties = defaultdict(list)
        signed_or_in_force = self.agreements_signed() | self.agreements_in_force()
        for agreement_id, org_id in AgreementParty.objects.filter(agreement__in=signed_or_in_force.values("pk")).values_list("agreement_id", "organization_id"):
            parties[agreement_id].append(org_id)
        for orgs in parties.values():
            orgs = sorted(set(orgs))
            out += [(a, b, "agreement") for i, a in enumerate(orgs) for b in orgs[i + 1 :]]
        owners = {}
        for pk, claimant, need_owner, resource_owner in self.claims_accepted().values_list("pk", "claimant_id", "need__organization_id", "resource__organization_id"):
            owners[pk] = (claimant, need_owner or resource_owner)
            out.append((claimant, need_owner or resource_owner, "claim"))
        # A joint claim (联合领办): each partner worked with the owner and with the claimant.
        partners = Claim.partners.through.objects.filter(claim_id__in=self.claims_accepted().values("pk"))
        for claim_id, partner in partners.values_list("claim_id", "organization_id"):
            claimant, owner = owners.get(claim_id, (None, None))
            out += [(partner, owner, "claim"), (claimant, partner, "claim")]
        partners = Project.partners.through.objects.filter(project__in=self.projects_active().values("pk"))
        out += [(a, b, "project") for a, b in partners.values_list("project__lead_id", "organization_id")]
        out = [(a, b, kind) for a, b, kind in out if a and b and a != b]
        self._memo["links"] = out
        return out

    def _org_rows(self, ids) -> dict:
        rows = Organization.objects.filter(pk__in=ids).values_list("pk", "name", "short_name", "sector", "path", "uuid")
        return {pk: {"name": short or name, "full_name": name, "sector": sector, "path": path, "uuid": str(uuid)} for pk, name, short, sector, path, uuid in rows}

    def matrix(self) -> dict:
        """How often each pair of sectors worked together (政校企社), symmetric, by kind of link."""
        links = self.links()
        orgs = self._org_rows({x for a, b, _ in links for x in (a, b)}) if links else {}
        sectors = [*SECTORS, Sector.OTHER]
        cells = {a: {b: 0 for b in sectors} for a in sectors}
        by_kind = Counter()
        for a, b, kind in links:
            if a not in orgs or b not in orgs:
                continue
            sa, sb = orgs[a]["sector"], orgs[b]["sector"]
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
        orgs = self._org_rows(shown)
        nodes = [
            {
                "id": str(pk),
                "name": orgs[pk]["name"],
                "sector": orgs[pk]["sector"],
                "uuid": orgs[pk]["uuid"],
                "degree": degree[pk],
                "in_scope": self.scope.contains_path(orgs[pk]["path"]),
            }
            for pk in shown
            if pk in orgs
        ]
        edges = [
            {"source": str(a), "target": str(b), "weight": w, "kinds": dict(kinds[(a, b)])}
            for (a, b), w in weights.items()
            if a in orgs and b in orgs
        ]
        involved = set(degree)
        scope_orgs = self.organizations()
        total = scope_orgs.count()
        involved_in_scope = sum(1 for row in self._paths_of(involved) if self.scope.contains_path(row))
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

    def _paths_of(self, ids):
        if not ids:
            return []
        return Organization.objects.active().filter(pk__in=ids).values_list("path", flat=True)

    def isolated(self):
        involved = {x for a, b, _ in self.links() for x in (a, b)}
        return self.organizations().exclude(pk__in=involved)

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

        activities = self.activities()
        fill("activities", activities.annotate(m=TruncMonth("starts_at", tzinfo=tz)).order_by().values("m").annotate(n=Count("pk")).values_list("m", "n"))
        fill(
            "participants",
            activities.annotate(m=TruncMonth("starts_at", tzinfo=tz)).order_by().values("m").annotate(n=Sum("attendee_count")).values_list("m", "n"),
        )
        attended = Registration.objects.filter(
            activity__in=activities.filter(attendee_count__isnull=True).values("pk"), status=RegistrationStatus.ATTENDED
        )
        fill(
            "participants",
            attended.annotate(m=TruncMonth("activity__starts_at", tzinfo=tz)).order_by().values("m").annotate(n=Count("pk")).values_list("m", "n"),
        )
        fill("agreements_signed", self.agreements_signed().annotate(m=TruncMonth("signed_on")).order_by().values("m").annotate(n=Count("pk")).values_list("m", "n"))
        fill("needs_published", self.needs_published().annotate(m=TruncMonth("published_at", tzinfo=tz)).order_by().values("m").annotate(n=Count("pk")).values_list("m", "n"))
        fill("claims_accepted", self.claims_accepted().annotate(m=TruncMonth("decided_at", tzinfo=tz)).order_by().values("m").annotate(n=Count("pk")).values_list("m", "n"))
        fill("tasks_accepted", self.tasks_accepted().annotate(m=TruncMonth("reviewed_at", tzinfo=tz)).order_by().values("m").annotate(n=Count("pk")).values_list("m", "n"))
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


