"""The dashboard's figures as workbook sheets: the same numbers, definitions beside them."""

from django.utils.translation import gettext as _

from gongjian.activities.choices import Track

from .figures import FIGURES, TRACKS, Figures


def _value(value):
    return "" if value is None else value


def figure_sheets(figures: Figures, previous: Figures) -> list[tuple[str, list[str], list[list], list[str]]]:
    """(title, headers, rows, notes) per sheet: overview, tracks, sector matrix, monthly trend."""
    now, before = figures.totals(), previous.totals()
    header_note = [
        _("Scope: %(scope)s") % {"scope": figures.scope.label},
        _("Period: %(period)s (%(first)s – %(last)s)") % {"period": figures.period.label, "first": figures.period.first, "last": figures.period.last},
        _("Compared with: %(period)s") % {"period": previous.period.label},
    ]
    overview = [
        [str(d.label), _value(now[key]), _value(before[key]), str(d.unit), str(d.definition)]
        for key, d in FIGURES.items()
        if key in now
    ]
    network = figures.network()
    overview.append(
        [str(FIGURES["isolated"].label), network["isolated"], "", str(FIGURES["isolated"].unit), str(FIGURES["isolated"].definition)]
    )
    per_track = figures.activity_figures()
    agreements, projects = figures.agreements_by_track(), figures.projects_by_track()
    labels = dict(Track.choices)
    track_rows = [
        [
            str(labels[t]),
            per_track[t]["activities"],
            per_track[t]["participants"],
            per_track[t]["registrations"],
            _value(per_track[t]["checkin_rate"]),
            agreements[t],
            projects[t],
        ]
        for t in TRACKS
    ]
    matrix = figures.matrix()
    matrix_rows = [[str(row["label"]), *row["cells"]] for row in matrix["rows"]]
    trends = figures.trends()
    trend_rows = [[month, *(series["values"][i] for series in trends["series"])] for i, month in enumerate(trends["months"])]
    return [
        (_("Overview"), [_("Figure"), _("This period"), _("Previous period"), _("Unit"), _("Definition")], overview, header_note),
        (
            _("By track"),
            [
                _("Track"),
                str(FIGURES["activities"].label),
                str(FIGURES["participants"].label),
                str(FIGURES["registrations"].label),
                str(FIGURES["checkin_rate"].label),
                str(FIGURES["agreements_signed"].label),
                str(FIGURES["projects_active"].label),
            ],
            track_rows,
            header_note,
        ),
        (_("Sector matrix"), [_("Sector"), *(str(s["label"]) for s in matrix["sectors"])], matrix_rows, header_note),
        (_("Monthly trend"), [_("Month"), *(s["label"] for s in trends["series"])], trend_rows, header_note),
    ]
