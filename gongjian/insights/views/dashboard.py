"""The dashboard (驾驶舱), the records behind each figure, and the figures as xlsx."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from gongjian.activities.choices import Track
from gongjian.audit.models import Action
from gongjian.audit.recording import record
from gongjian.lib.excel import sheets_response
from gongjian.lib.paging import Window, page_number

from .. import records as record_rows
from ..exports import figure_sheets
from ..figures import FIGURES, KEY_FIGURES, RATIOS, TRACKS, Figures, records_of
from ..models import DocumentKind, GeneratedDocument
from ..periods import Period, period_choices
from ..scope import administered_roots, may_see_insights, scope_from_request
from ..summary import current_summary
from ..workbench import todo, upcoming

PAGE_SIZE = 50


def _period(request):
    """The period the request names, or a 400-style message for the page to show."""
    text = request.GET.get("period", "")
    if not text and request.GET.get("first") and request.GET.get("last"):
        text = f"{request.GET['first']}..{request.GET['last']}"
    try:
        return Period.parse(text), None
    except ValidationError as e:
        return Period.current_half(), " ".join(e.messages)


def _choices_with(period):
    """The picker's periods, with the chosen one added when the picker does not offer it (a month, an old year)."""
    choices = period_choices()
    if period.key not in {key for key, _label in choices}:
        choices.insert(0, (period.key, period.label))
    return choices


def _query(period, scope, **extra) -> str:
    params = {"period": period.key}
    if scope.root is not None:
        params["org"] = scope.key
    params.update({k: v for k, v in extra.items() if v})
    return urlencode(params)


def _card(key, value, previous, period, scope, track=""):
    definition = FIGURES[key]
    delta = None
    if key not in RATIOS and value is not None and previous is not None:
        delta = value - previous
    url = ""
    if records_of_key(key):
        url = reverse("insights:records", args=[key]) + "?" + _query(period, scope, track=track)
    return {
        "key": key,
        "label": definition.label,
        "definition": definition.definition,
        "unit": definition.unit,
        "value": value,
        "previous": previous,
        "delta": delta,
        "url": url,
    }


def records_of_key(key) -> bool:
    return key in FIGURES and key not in ("checkin_rate", "projects_progress")


def workbench(request):
    """The home page: what I have to do, what is coming, and a few figures of my scope."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = request.user
    headline = None
    if may_see_insights(user):
        scope = scope_from_request(user, None)
        period = Period.current_half()
        values = Figures(scope, period, current_summary()).values(HEADLINE)
        headline = {
            "scope": scope,
            "period": period,
            "cards": [_card(key, values[key], None, period, scope) for key in values],
            "url": reverse("insights:dashboard") + "?" + _query(period, scope),
        }
    context = {"title": _("Workbench"), "sections": todo(user), "upcoming": upcoming(user), "headline": headline}
    return render(request, "insights/workbench.html", context)


# The workbench's few figures of the user's scope.
HEADLINE = ("activities", "participants", "agreements_signed", "claims_accepted", "tasks_accepted")
# Sections below the fold, each fetched by HTMX once the page is shown (each is one request of its own).
LAZY_SECTIONS = ("matrix", "trends", "network")


def _section(request, name, figures, period, scope):
    if name == "matrix":
        context = {"matrix": figures.matrix()}
    elif name == "trends":
        context = {"trends": figures.trends()}
    else:
        network = figures.network()
        context = {"network": network, "isolated_card": _card("isolated", network["isolated"], None, period, scope)}
    return render(request, f"insights/partials/{name}.html", context)


@login_required
def dashboard(request):
    scope = scope_from_request(request.user, request.GET.get("org"))
    period, error = _period(request)
    summary = current_summary()
    figures = Figures(scope, period, summary)
    section = request.GET.get("section", "")
    if section:
        if section not in LAZY_SECTIONS:
            raise Http404
        return _section(request, section, figures, period, scope)
    now = figures.totals()
    # The previous period is compared on the key figures only: half the queries, where it matters.
    before = Figures(scope, period.previous(), summary).values(KEY_FIGURES)

    def card(key, track=""):
        return _card(key, now[key], before.get(key), period, scope, track)

    per_track = figures.activity_figures()
    agreements_by_track = figures.agreements_by_track()
    projects_by_track = figures.projects_by_track()
    labels = dict(Track.choices)
    tracks = [
        {
            "key": t,
            "label": labels[t],
            "cells": [
                _card(key, per_track[t][key], None, period, scope, t) for key in ("activities", "participants", "registrations", "checkin_rate")
            ]
            + [
                _card("agreements_signed", agreements_by_track[t], None, period, scope, t),
                _card("projects_active", projects_by_track[t], None, period, scope, t),
            ],
        }
        for t in TRACKS
    ]
    burden = GeneratedDocument.objects.filter(organization=scope.root, kind__in=(DocumentKind.REPORT, DocumentKind.PUBLICITY)).aggregate(
        documents=Count("pk"), records=Sum("facts_from_records"), typed=Sum("facts_typed")
    )
    stated = (burden["records"] or 0) + (burden["typed"] or 0)
    burden["share"] = round(100 * (burden["records"] or 0) / stated, 1) if stated else None
    query = _query(period, scope)
    context = {
        "title": _("Dashboard"),
        "period": period,
        "period_error": error,
        "previous_period": period.previous(),
        "period_choices": _choices_with(period),
        "scope": scope,
        "roots": administered_roots(request.user),
        "is_alliance_admin": request.user.is_superuser or request.user.is_alliance_admin,
        "key_cards": [card(k) for k in KEY_FIGURES],
        "tracks": tracks,
        "track_headers": [FIGURES[k] for k in ("activities", "participants", "registrations", "checkin_rate", "agreements_signed", "projects_active")],
        "agreement_cards": [card(k) for k in ("agreements_signed", "agreements_published", "agreements_performing", "agreements_evaluated", "agreements_in_force")],
        "exchange_cards": [
            card(k)
            for k in ("needs_published", "needs_claimed", "needs_fulfilled", "median_days_to_claim", "resources_published", "resources_requested", "claims_accepted")
        ],
        "project_cards": [card(k) for k in ("projects_active", "projects_progress", "tasks_accepted")],
        "building_cards": [card(k) for k in ("pairings", "alliances", "bases", "honours")],
        "outcome_cards": [card("rating_avg"), card("satisfaction_avg")],
        "rating_count": now["rating_count"],
        "satisfaction_count": now["satisfaction_count"],
        "sections": {name: reverse("insights:dashboard") + f"?{query}&section={name}" for name in LAZY_SECTIONS},
        "query": query,
        "burden": burden,
        "summarised_at": summary.built_at if figures.summarised else None,
    }
    return render(request, "insights/dashboard.html", context)


@login_required
def figure_records(request, key):
    """The records behind one figure: the same queryset the figure counts."""
    scope = scope_from_request(request.user, request.GET.get("org"))
    period, error = _period(request)
    if error:
        raise Http404(error)
    track = request.GET.get("track", "")
    if track and track not in Track.values:
        raise Http404
    figures = Figures(scope, period)
    queryset = records_of(figures, key, track)
    if queryset is None:
        raise Http404
    queryset = record_rows.prepared(queryset)
    spec = record_rows.spec_for(queryset)
    definition = FIGURES[key]
    if request.GET.get("export") == "xlsx":
        record(Action.EXPORT, object_repr=f"insights:{key} {period.key} {scope.label}", request=request)
        rows = ([cells for _url, cells in record_rows.rows(spec, queryset.iterator(chunk_size=2000))],)
        headers = [str(h) for h, _fn in spec.columns]
        return sheets_response(f"{definition.label}-{period.key}.xlsx", [(str(definition.label), headers, rows[0], [str(definition.definition)])])
    window = Window(queryset, page_number(request.GET.get("page")), PAGE_SIZE)
    context = {
        "title": definition.label,
        "figure": definition,
        "track_label": dict(Track.choices).get(track, ""),
        "period": period,
        "scope": scope,
        "headers": [h for h, _fn in spec.columns],
        "rows": list(record_rows.rows(spec, window.object_list)),
        "page": window,
        "total": queryset.count() if window.total_if_known is None else window.total_if_known,
        "query": _query(period, scope, track=track),
        "back_url": reverse("insights:dashboard") + "?" + _query(period, scope),
    }
    return render(request, "insights/records.html", context)


@login_required
def dashboard_export(request):
    scope = scope_from_request(request.user, request.GET.get("org"))
    period, error = _period(request)
    if error:
        raise Http404(error)
    record(Action.EXPORT, object_repr=f"insights {period.key} {scope.label}", request=request)
    summary = current_summary()
    sheets = figure_sheets(Figures(scope, period, summary), Figures(scope, period.previous(), summary))
    return sheets_response(_("Dashboard") + f"-{scope.label}-{period.key}.xlsx", sheets)
