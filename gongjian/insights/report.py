"""The work report (工作总结) drafted from the records: capture once, generate everything.

The draft is plain data (see GeneratedDocument.content): sections of paragraphs, lists and
tables, each block saying how many facts it states and that they came from the records. A
person edits the draft afterwards; rendering.py turns it into Word and PDF. Long lists are
cut to their first items with the total given, so a district-wide report stays readable and
its size does not grow with the data.
"""


from django.db.models import Count, Min, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gongjian.activities.choices import ActivityKind, Track
from gongjian.activities.models import ActivityPhoto
from gongjian.agreements.models import AgreementParty, HonorRecipient
from gongjian.orgs.choices import Sector
from gongjian.projects.choices import TaskStatus
from gongjian.projects.models import Outcome, Task

from .figures import Figures

LISTED = 12  # items named per list before "and N more"
PHOTOS = 6


def _p(text, facts=1):
    return {"type": "p", "text": text, "source": "records", "facts": facts}


def _list(items, total, facts_each=1):
    """A bulleted list of the first items, with the rest counted."""
    items = list(items)
    block = {"type": "list", "items": items, "source": "records", "facts": len(items) * facts_each}
    if total > len(items):
        block["more"] = _("…and %(n)s more.") % {"n": total - len(items)}
        block["facts"] += 1
    return block


def _names(names, limit=6, counted="organizations") -> str:
    """The first ``limit`` names and how many more; Chinese counts people, organizations and things with different words."""
    names = [n for n in names if n]
    text = "、".join(names[:limit])
    if len(names) <= limit:
        return text
    if counted == "people":
        more = pgettext("people", " and %(n)s others")
    elif counted == "items":
        more = pgettext("items", " and %(n)s others")
    else:
        more = _(" and %(n)s others")
    return text + more % {"n": len(names) - limit}


def _date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def _speaker(person) -> str:
    titles = [t for t in (person.titles or []) if t]
    return f"{person.name}（{titles[0]}）" if titles else person.name


def draft(figures: Figures, progress=lambda percent: None) -> dict:
    """The whole report as data."""
    scope, period = figures.scope, figures.period
    t = figures.totals()
    progress(20)
    title = _("%(scope)s regional party-building work report, %(period)s") % {"scope": scope.label, "period": period.label}
    sections = [
        {"heading": _("1. Overview"), "blocks": [_overview(t, scope, period)]},
        {"heading": _("2. Joint study (理论联学)"), "blocks": _study(figures, t)},
    ]
    progress(40)
    sections.append({"heading": _("3. Joint building (组织联建)"), "blocks": _building(figures, t)})
    progress(55)
    sections.append({"heading": _("4. Joint projects (项目联创)"), "blocks": _projects(figures, t)})
    progress(65)
    sections.append({"heading": _("5. Figures"), "blocks": _tables(figures)})
    photos = _photos(figures)
    if photos:
        sections.append({"heading": _("6. Photos"), "blocks": [photos]})
    sections.append(
        {
            "heading": _("Next steps"),
            "blocks": [
                {
                    "type": "p",
                    "text": _("(Write the plans for the next period here.)"),
                    "source": "placeholder",
                    "facts": 0,
                }
            ],
        }
    )
    return {"title": title, "subtitle": f"{scope.label} · {period.label}（{period.first} – {period.last}）", "sections": sections}


def _overview(t, scope, period):
    text = _(
        "In %(period)s, %(scope)s worked along the three tracks of joint study, joint building and joint projects: "
        "%(activities)s activities with %(participants)s participants (person-times); %(agreements)s co-building agreements signed, "
        "%(pairings)s pairings, %(alliances)s alliances and %(bases)s practice bases set up; %(needs)s needs and %(resources)s resources "
        "published and %(claims)s claims accepted; %(projects)s projects under way with %(tasks)s tasks accepted; "
        "%(honours)s honours and appointments received."
    ) % {
        "period": period.label,
        "scope": scope.label,
        "activities": t["activities"],
        "participants": t["participants"],
        "agreements": t["agreements_signed"],
        "pairings": t["pairings"],
        "alliances": t["alliances"],
        "bases": t["bases"],
        "needs": t["needs_published"],
        "resources": t["resources_published"],
        "claims": t["claims_accepted"],
        "projects": t["projects_active"],
        "tasks": t["tasks_accepted"],
        "honours": t["honours"],
    }
    return _p(text, facts=12)


def _activity_line(a) -> str:
    partners = [o.name for o in a.co_hosts.all()]
    line = f"{_date(a.starts_at.date())}　{a.title}"
    if partners:
        line += _("（with %(partners)s）") % {"partners": _names(partners)}
    return line


def _study(figures, t):
    activities = figures.activities().filter(track=Track.STUDY).select_related("series", "host").prefetch_related("co_hosts", "speakers")
    per_track = figures.activity_figures()[Track.STUDY]
    blocks = [
        _p(
            _("%(n)s joint-study activities, %(participants)s participants (person-times), check-in rate %(rate)s.")
            % {"n": per_track["activities"], "participants": per_track["participants"], "rate": f"{per_track['checkin_rate']}%" if per_track["checkin_rate"] is not None else "—"},
            facts=3,
        )
    ]
    lectures = activities.filter(kind=ActivityKind.LECTURE).order_by("starts_at")
    # Every series of the period, in the order it began; each one's first 200 lectures give its
    # speakers and lines, its count is over all of them.
    totals = lectures.order_by().values("series").annotate(n=Count("pk"), first=Min("starts_at")).order_by("first")
    for row in totals:
        of_series = lectures.filter(series=row["series"]) if row["series"] else lectures.filter(series__isnull=True)
        items = list(of_series[:200])
        name = items[0].series.name if row["series"] else ""
        speakers = []
        for a in items:
            speakers += [_speaker(p) for p in a.speakers.all() if _speaker(p) not in speakers]
        total = row["n"]
        values = {"series": name, "n": total, "names": _names(speakers, 8, counted="people")}
        if name:
            head = _("Lecture series %(series)s: %(n)s lectures; speakers: %(names)s.") if speakers else _("Lecture series %(series)s: %(n)s lectures.")
        else:
            head = _("Lectures: %(n)s; speakers: %(names)s.") if speakers else _("Lectures: %(n)s.")
        blocks.append(_p(head % values, facts=1 + len(speakers)))
        blocks.append(_list([_activity_line(a) for a in items[:LISTED]], total))
    for kind, heading in (
        (ActivityKind.PAIRED_STUDY, _("Paired study exchanges")),
        (ActivityKind.TOPICAL_STUDY, _("Topical joint study")),
        (ActivityKind.ROUNDTABLE, _("Roundtables")),
        (ActivityKind.GROUP_SERVICE, _("Service events")),
    ):
        items = activities.filter(kind=kind).order_by("starts_at")
        total = items.count()
        if total:
            blocks.append(_p(_("%(heading)s: %(n)s.") % {"heading": heading, "n": total}))
            blocks.append(_list([_activity_line(a) for a in items[:LISTED]], total))
    return blocks


def _enterprises(a) -> int:
    orgs = {o.pk: o.sector for o in a.co_hosts.all()} | {o.pk: o.sector for o in a.invited_orgs.all()}
    return sum(1 for sector in orgs.values() if sector == Sector.ENTERPRISE)


def _building(figures, t):
    blocks = []
    agreements = figures.agreements_signed().order_by("signed_on").prefetch_related(
        Prefetch("parties", queryset=AgreementParty.objects.select_related("organization").order_by("order", "pk"))
    )
    if t["agreements_signed"]:
        blocks.append(_p(_("%(n)s co-building agreements signed:") % {"n": t["agreements_signed"]}))
        blocks.append(
            _list(
                [
                    _("“%(title)s” between %(parties)s, signed on %(date)s") % {"title": a.title, "parties": _names([p.organization.name for p in a.parties.all()]), "date": _date(a.signed_on)}
                    for a in agreements[:LISTED]
                ],
                t["agreements_signed"],
                facts_each=2,
            )
        )
    pairings = figures.pairings().select_related("org_a", "org_b").order_by("start_date")
    if t["pairings"]:
        blocks.append(_p(_("%(n)s pairings started:") % {"n": t["pairings"]}))
        blocks.append(_list([f"{p.org_a.name} — {p.org_b.name}" + (f"（{p.theme}）" if p.theme else "") for p in pairings[:LISTED]], t["pairings"]))
    alliances = figures.alliances().annotate(n=Count("members", distinct=True)).order_by("founded_on")
    if t["alliances"]:
        blocks.append(_p(_("%(n)s alliances and micro-alliances founded:") % {"n": t["alliances"]}))
        blocks.append(
            _list(
                [_("%(name)s (%(kind)s, %(n)s members)") % {"name": a.name, "kind": a.get_kind_display(), "n": a.n} for a in alliances[:LISTED]],
                t["alliances"],
                facts_each=2,
            )
        )
    bases = figures.bases().select_related("host").order_by("established_on")
    if t["bases"]:
        blocks.append(_p(_("%(n)s practice bases established:") % {"n": t["bases"]}))
        blocks.append(_list([f"{b.name}（{b.get_kind_display()}）" for b in bases[:LISTED]], t["bases"]))
    activities = figures.activities().filter(track=Track.BUILD).prefetch_related("co_hosts", "invited_orgs").order_by("starts_at")
    for kind, heading, counted in (
        (ActivityKind.RESEARCH_VISIT, _("Research visits"), _("%(n)s enterprises visited")),
        (ActivityKind.GROUP_SERVICE, _("Group services"), _("with %(n)s enterprises")),
    ):
        items = activities.filter(kind=kind)
        total = items.count()
        if total:
            lines = []
            for a in items[:LISTED]:
                n = _enterprises(a)
                lines.append(_activity_line(a) + ("；" + counted % {"n": n} if n else ""))
            blocks.append(_p(_("%(heading)s: %(n)s.") % {"heading": heading, "n": total}))
            blocks.append(_list(lines, total, facts_each=2))
    other = activities.exclude(kind__in=(ActivityKind.RESEARCH_VISIT, ActivityKind.GROUP_SERVICE))
    total = other.count()
    if total:
        blocks.append(_p(_("Other joint-building activities: %(n)s.") % {"n": total}))
        blocks.append(_list([_activity_line(a) for a in other[:LISTED]], total))
    if not blocks:
        blocks.append(_p(_("No joint-building records in this period."), facts=0))
    return blocks


def _projects(figures, t):
    blocks = [
        _p(
            _("%(needs)s needs and %(resources)s resources published; %(claimed)s needs claimed (median %(days)s days to the first claim), %(accepted)s claims accepted, %(fulfilled)s needs fulfilled.")
            % {
                "needs": t["needs_published"],
                "resources": t["resources_published"],
                "claimed": t["needs_claimed"],
                "days": t["median_days_to_claim"] if t["median_days_to_claim"] is not None else "—",
                "accepted": t["claims_accepted"],
                "fulfilled": t["needs_fulfilled"],
            },
            facts=6,
        )
    ]
    # Task counts as subqueries per project: a join to the tasks made the progress subqueries run
    # once per task row (4.3 s of an 11.5 s district report).
    tasks = Task.objects.filter(project=OuterRef("pk")).order_by().values("project")
    projects = (
        figures.projects_active()
        .with_progress()
        .select_related("lead")
        .annotate(
            n_tasks=Coalesce(Subquery(tasks.annotate(n=Count("pk")).values("n")), 0),
            n_accepted=Coalesce(Subquery(tasks.filter(status=TaskStatus.ACCEPTED).annotate(n=Count("pk")).values("n")), 0),
        )
        .prefetch_related(Prefetch("outcomes", queryset=Outcome.objects.order_by("pk")))
        .order_by("-is_featured", "-n_tasks", "pk")
    )
    if t["projects_active"]:
        lines = []
        for p in projects[:LISTED]:
            line = _("“%(title)s”%(brand)s, led by %(lead)s: %(tasks)s tasks, %(accepted)s accepted, progress %(progress)s%%") % {
                "title": p.title,
                "brand": f"（{p.brand}）" if p.brand else "",
                "lead": p.lead.name,
                "tasks": p.n_tasks,
                "accepted": p.n_accepted,
                "progress": p.progress_percent,
            }
            outcomes = [o.title for o in p.outcomes.all()]
            if outcomes:
                line += _("; outcomes: %(outcomes)s") % {"outcomes": _names(outcomes, 3, counted="items")}
            lines.append(line)
        blocks.append(_p(_("%(n)s projects under way, %(tasks)s tasks accepted in the period:") % {"n": t["projects_active"], "tasks": t["tasks_accepted"]}, facts=2))
        blocks.append(_list(lines, t["projects_active"], facts_each=4))
    honours = figures.honours().select_related("issuer").prefetch_related(
        Prefetch("recipients", queryset=HonorRecipient.objects.select_related("organization", "person"))
    )
    if t["honours"]:
        lines = []
        for h in honours.order_by("awarded_on")[:LISTED]:
            recipients = list(h.recipients.all())
            # Recipients are people (人), organizations (家) or both, counted then as items (项).
            kinds = {"people" if r.person_id else "organizations" for r in recipients}
            names = _names([str(r) for r in recipients], counted=kinds.pop() if len(kinds) == 1 else "items")
            template = _("%(date)s, %(issuer)s appointed %(names)s as “%(title)s”") if h.kind == "appointment" else _("%(date)s, %(names)s named “%(title)s” by %(issuer)s")
            lines.append(template % {"date": _date(h.awarded_on), "issuer": h.issuer_label, "names": names, "title": h.title})
        blocks.append(_p(_("%(n)s honours and appointments:") % {"n": t["honours"]}))
        blocks.append(_list(lines, t["honours"], facts_each=3))
    return blocks


def _tables(figures):
    per_track = figures.activity_figures()
    agreements, projects = figures.agreements_by_track(), figures.projects_by_track()
    labels = dict(Track.choices)
    rows = [[_("Track"), _("Activities"), _("Participants"), _("Agreements signed"), _("Projects under way")]]
    for track in (Track.STUDY, Track.BUILD, Track.CREATE):
        rows.append([str(labels[track]), per_track[track]["activities"], per_track[track]["participants"], agreements[track], projects[track]])
    matrix = figures.matrix()
    sector_rows = [["", *(str(s["label"]) for s in matrix["sectors"])]] + [[str(r["label"]), *r["cells"]] for r in matrix["rows"]]
    return [
        {"type": "table", "title": _("By track"), "rows": rows, "source": "records", "facts": 12},
        {"type": "table", "title": _("Cooperation between sectors (政校企社)"), "rows": sector_rows, "source": "records", "facts": 25},
        {"type": "chart", "title": _("Month by month"), "source": "records", "facts": 0},
    ]


def _photos(figures):
    """The first photo of each of the first PHOTOS activities with photos (an event with eighty photos takes one place)."""
    first = ActivityPhoto.objects.filter(activity=OuterRef("activity")).order_by("pk").values("pk")[:1]
    photos = (
        ActivityPhoto.objects.filter(activity__in=figures.activities().values("pk"), pk=Subquery(first))
        .select_related("activity")
        .order_by("activity__starts_at", "pk")
    )
    chosen = [{"id": photo.pk, "caption": photo.caption or photo.activity.title} for photo in photos[:PHOTOS]]
    return {"type": "photos", "photos": chosen, "source": "records", "facts": len(chosen)} if chosen else None


def plain_text(content) -> str:
    """All the report's text, for tests and search."""
    parts = [content.get("title", "")]
    for section in content.get("sections", []):
        parts.append(section["heading"])
        for block in section["blocks"]:
            parts.append(block.get("text", ""))
            parts += block.get("items", [])
            parts += [" ".join(str(c) for c in row) for row in block.get("rows", [])]
    return "\n".join(parts)

