"""A news-style publicity draft (宣传稿) about a period's featured work, drafted from the records.

The article leads with the period's headline figures, then tells the featured work: the
lecture series, the honours, and the projects with the most accepted tasks. It is a draft
for the publicity officer to edit on the document page and take into the news module.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from gongjian.activities.choices import ActivityKind
from gongjian.projects.choices import TaskStatus

from .figures import Figures
from .report import _names, _p


def draft_publicity(figures: Figures, progress=lambda percent: None) -> dict:
    scope, period = figures.scope, figures.period
    t = figures.totals()
    progress(30)
    title = _("%(scope)s: joint study, joint building and joint projects bear fruit in %(period)s") % {"scope": scope.label, "period": period.label}
    lead = _(
        "In %(period)s, %(scope)s and its partners from government, schools, enterprises and social organizations held "
        "%(activities)s activities with %(participants)s participants, signed %(agreements)s co-building agreements and "
        "accepted %(tasks)s project tasks."
    ) % {
        "period": period.label,
        "scope": scope.label,
        "activities": t["activities"],
        "participants": t["participants"],
        "agreements": t["agreements_signed"],
        "tasks": t["tasks_accepted"],
    }
    blocks = [_p(lead, facts=4)]
    series = (
        figures.activities()
        .filter(kind=ActivityKind.LECTURE, series__isnull=False)
        .values("series__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "series__name")[:2]
    )
    for row in series:
        blocks.append(_p(_("The lecture series %(series)s held %(n)s lectures.") % {"series": row["series__name"], "n": row["n"]}, facts=2))
    projects = figures.projects_active().annotate(n=Count("tasks", filter=Q(tasks__status=TaskStatus.ACCEPTED))).select_related("lead").order_by("-is_featured", "-n", "pk")[:3]
    for p in projects:
        blocks.append(
            _p(_("In the project “%(title)s”, led by %(lead)s, %(n)s tasks have been accepted.") % {"title": p.title, "lead": p.lead.name, "n": p.n}, facts=3)
        )
    honours = list(figures.honours().order_by("awarded_on", "pk")[:3])
    if honours:
        blocks.append(_p(_("Honours: %(titles)s.") % {"titles": _names([f"“{h.title}”" for h in honours])}, facts=len(honours)))
    progress(60)
    return {"title": title, "subtitle": f"{scope.label} · {period.label}", "sections": [{"heading": _("Article"), "blocks": blocks}]}
