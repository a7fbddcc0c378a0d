"""Every figure of FIGURES against the hand-counted alliance of conftest.h1, for the first half of 2023.

The comments beside each expected number name the records counted (the names of conftest's
fixture); anything not named was left out on purpose: out of the period, cancelled,
archived, a draft, or of the other tree.
"""

import datetime

import pytest
from django.utils import timezone

from gongjian.activities.choices import RegistrationStatus as R
from gongjian.agreements.choices import AgreementStatus as G
from gongjian.insights import records as record_rows
from gongjian.insights.figures import FIGURES, SECTORS, Figures, records_of
from gongjian.insights.periods import Period
from gongjian.insights.scope import InsightScope
from gongjian.orgs.choices import Sector

from .conftest import H1, activity, agreement, agreement_event, alliance, at, claim, ids, need, pks, registrations, resource

# --- The whole alliance ----------------------------------------------------------------------
ALLIANCE_TOTALS = {
    # act_study (1 Mar), act_cohosted (8 Apr), act_build (20 May), act_foreign (30 Jun 23:30);
    # not act_july (1 Jul 00:10), act_cancelled, act_archived, act_2022.
    "activities": 4,
    # act_study 2 check-ins + act_build's entered 30 (not its 2 check-ins) + act_foreign 1 + act_cohosted 1.
    "participants": 34,
    # act_study: registered, attended ×2, no-show (not cancelled, not waitlisted) = 4; act_build 3; act_foreign 1; act_cohosted 2.
    "registrations": 10,
    # 6 check-ins of those 10 places, all four activities over.
    "checkin_rate": 60.0,
    # g_cross (15 Feb), g_foreign (5 May), g_terminated (20 Jan, terminated since); not g_in_force (2022), g_july.
    "agreements_signed": 3,
    # g_cross (1 Mar), g_foreign (10 May); g_in_force was disclosed in 2022.
    "agreements_published": 2,
    # g_cross (1 Apr), g_in_force (5 Jan); g_expired's was in 2021.
    "agreements_performing": 2,
    # g_cross (20 Jun); g_expired's was in 2022.
    "agreements_evaluated": 1,
    # On 30 June: g_cross (evaluated), g_in_force (performing), g_foreign (published);
    # not g_july (signed later), g_terminated, g_expired, g_draft.
    "agreements_in_force": 3,
    # n_foreign (15 Jan), n_fulfilled (1 Feb 00:30, 31 Jan in UTC), n_pending (1 Apr);
    # not n_old (2022), n_july, n_draft, n_archived.
    "needs_published": 3,
    # First claims: n_foreign (23 Jan), n_fulfilled (11 Feb), n_pending (5 Apr, still pending);
    # n_old's first claim was in December 2022, n_july's in July.
    "needs_claimed": 3,
    # n_fulfilled (10 Jun); n_old was fulfilled in August.
    "needs_fulfilled": 1,
    # Days to the first claim: n_fulfilled 10, n_pending 4, n_foreign 8.
    "median_days_to_claim": 8.0,
    # s_own (10 Jan); s_foreign was published in 2022, s_draft never.
    "resources_published": 1,
    # q_accepted (20 Feb), q_rejected (15 Mar), q_last_minute (30 Jun 23:59, pending); q_last_year was made in 2022.
    "resources_requested": 3,
    # q_last_year (3 Jan), c_foreign (25 Jan), c_fulfilled (15 Feb), q_accepted (22 Feb), c_old_accepted (5 Mar);
    # not c_july, c_old_rejected, the pending ones.
    "claims_accepted": 5,
    # p_cross, p_completed (ended 31 Jan), p_foreign (no end), p_open_ended (no dates);
    # not p_planning, p_last_year (ended 2022), p_archived (given up while in planning).
    "projects_active": 4,
    # p_cross 4 of 5 weight accepted = 80, p_completed 2 of 4 = 50, p_foreign 1 of 1 = 100, p_open_ended no tasks = 0.
    "projects_progress": 57.5,
    # t_january, t_foreign (10 Feb), t_april; not t_august, p_last_year's task.
    "tasks_accepted": 3,
    # hon_cross (by A1 to B2), hon_person (to the branch member), hon_foreign; not hon_2022, hon_archived.
    "honours": 3,
    # base_cross, base_foreign; not base_2022.
    "bases": 2,
    # pair_cross (1 Jan), pair_foreign (30 Jun); not pair_july.
    "pairings": 2,
    # al_cross, al_foreign; not al_2022.
    "alliances": 2,
    # rating_a 4, rating_b 5 (g_cross), rating_foreign 3 (g_foreign); rating_2022 is out.
    "rating_avg": 4.0,
    "rating_count": 3,
    # n_fulfilled, rated 4, fulfilled on 10 June; n_old (rated 2) was fulfilled in August.
    "satisfaction_avg": 4.0,
    "satisfaction_count": 1,
}

# --- The college's subtree (A1…A5), as its org admin sees it --------------------------------
OWN_TOTALS = {
    # act_study (host A1), act_build (host A2), act_cohosted (co-host A3); not act_foreign.
    "activities": 3,
    "participants": 2 + 30 + 1,
    "registrations": 4 + 3 + 2,
    # 5 check-ins of 9 places.
    "checkin_rate": 55.6,
    # g_cross, g_terminated (party A2); not g_foreign.
    "agreements_signed": 2,
    "agreements_published": 1,  # g_cross
    "agreements_performing": 2,  # g_cross, g_in_force
    "agreements_evaluated": 1,  # g_cross
    "agreements_in_force": 2,  # g_cross, g_in_force
    # The college's needs: n_old (2022), n_pending, n_draft, n_archived: only n_pending counts.
    "needs_published": 1,
    "needs_claimed": 1,
    "needs_fulfilled": 0,
    "median_days_to_claim": 4.0,
    "resources_published": 1,  # s_own
    "resources_requested": 2,  # q_accepted, q_rejected; q_last_minute is for B2's resource
    # c_fulfilled (claimant A1), c_old_accepted, q_accepted (owner A1), q_last_year; not c_foreign.
    "claims_accepted": 4,
    # p_cross, p_completed (partner A2), p_open_ended.
    "projects_active": 3,
    "projects_progress": 43.3,  # (80 + 50 + 0) / 3
    "tasks_accepted": 2,  # t_april, t_january
    "honours": 2,  # hon_cross, hon_person
    "bases": 1,  # base_cross (partner A1)
    "pairings": 1,  # pair_cross
    "alliances": 1,  # al_cross (member A2)
    "rating_avg": 4.5,  # rating_a, rating_b
    "rating_count": 2,
    "satisfaction_avg": None,  # n_fulfilled is the street's need
    "satisfaction_count": 0,
}

# --- The street's subtree (B1…B3) ----------------------------------------------------------
FOREIGN_TOTALS = {
    # act_build (co-host B1), act_foreign (host B2), act_cohosted (host B1).
    "activities": 3,
    "participants": 30 + 1 + 1,
    "registrations": 3 + 1 + 2,
    "checkin_rate": 66.7,  # 4 of 6
    "agreements_signed": 3,  # g_cross, g_foreign, g_terminated
    "agreements_published": 2,  # g_cross, g_foreign
    "agreements_performing": 1,  # g_cross
    "agreements_evaluated": 1,  # g_cross
    "agreements_in_force": 2,  # g_cross, g_foreign
    "needs_published": 2,  # n_fulfilled, n_foreign
    "needs_claimed": 2,
    "needs_fulfilled": 1,
    "median_days_to_claim": 9.0,  # 10 and 8
    "resources_published": 0,
    "resources_requested": 1,  # q_last_minute
    "claims_accepted": 3,  # c_fulfilled (owner B1), q_accepted (claimant B1), c_foreign
    "projects_active": 3,  # p_cross (partner B1), p_completed (lead B2), p_foreign
    "projects_progress": 76.7,  # (80 + 50 + 100) / 3
    "tasks_accepted": 3,  # t_april, t_january, t_foreign
    "honours": 2,  # hon_cross (to B2), hon_foreign
    "bases": 2,
    "pairings": 2,
    "alliances": 2,
    "rating_avg": 4.0,
    "rating_count": 3,
    "satisfaction_avg": 4.0,  # n_fulfilled
    "satisfaction_count": 1,
}

# The records behind each figure, by the fixture's names.
ALLIANCE_RECORDS = {
    "activities": ["act_study", "act_build", "act_foreign", "act_cohosted"],
    "agreements_signed": ["g_cross", "g_foreign", "g_terminated"],
    "agreements_published": ["g_cross", "g_foreign"],
    "agreements_performing": ["g_cross", "g_in_force"],
    "agreements_evaluated": ["g_cross"],
    "agreements_in_force": ["g_cross", "g_in_force", "g_foreign"],
    "needs_published": ["n_fulfilled", "n_pending", "n_foreign"],
    "needs_claimed": ["n_fulfilled", "n_pending", "n_foreign"],
    "needs_fulfilled": ["n_fulfilled"],
    "resources_published": ["s_own"],
    "resources_requested": ["q_accepted", "q_rejected", "q_last_minute"],
    "claims_accepted": ["c_fulfilled", "c_old_accepted", "q_accepted", "q_last_year", "c_foreign"],
    "projects_active": ["p_cross", "p_completed", "p_foreign", "p_open_ended"],
    "tasks_accepted": ["t_april", "t_january", "t_foreign"],
    "honours": ["hon_cross", "hon_person", "hon_foreign"],
    "bases": ["base_cross", "base_foreign"],
    "pairings": ["pair_cross", "pair_foreign"],
    "alliances": ["al_cross", "al_foreign"],
    "rating_avg": ["rating_a", "rating_b", "rating_foreign"],
    "satisfaction_avg": ["n_fulfilled"],
    "isolated": ["A4", "B3"],
}
OWN_RECORDS = {
    "activities": ["act_study", "act_build", "act_cohosted"],
    "agreements_signed": ["g_cross", "g_terminated"],
    "agreements_published": ["g_cross"],
    "agreements_performing": ["g_cross", "g_in_force"],
    "agreements_evaluated": ["g_cross"],
    "agreements_in_force": ["g_cross", "g_in_force"],
    "needs_published": ["n_pending"],
    "needs_claimed": ["n_pending"],
    "needs_fulfilled": [],
    "resources_published": ["s_own"],
    "resources_requested": ["q_accepted", "q_rejected"],
    "claims_accepted": ["c_fulfilled", "c_old_accepted", "q_accepted", "q_last_year"],
    "projects_active": ["p_cross", "p_completed", "p_open_ended"],
    "tasks_accepted": ["t_april", "t_january"],
    "honours": ["hon_cross", "hon_person"],
    "bases": ["base_cross"],
    "pairings": ["pair_cross"],
    "alliances": ["al_cross"],
    "rating_avg": ["rating_a", "rating_b"],
    "satisfaction_avg": [],
    "isolated": ["A4"],
}
# Records of the street's tree that involve nobody of the college: the college's admin never sees them.
FOREIGN_ONLY = [
    "act_foreign", "g_foreign", "n_foreign", "c_foreign", "q_last_minute", "p_foreign", "t_foreign",
    "hon_foreign", "base_foreign", "pair_foreign", "al_foreign", "rating_foreign", "B3",
]  # fmt: skip


def held_registrations(x, *names):
    held = []
    for name in names:
        held += [r for r in getattr(x, f"{name}_regs") if r.status in (R.REGISTERED, R.ATTENDED, R.NO_SHOW)]
    return held


def expected_records(x, spec, key):
    """The pks the figure ``key`` must list, following the aliases records_of() applies."""
    if key == "participants":
        key = "activities"
    if key == "median_days_to_claim":
        key = "needs_claimed"
    return ids(*(getattr(x, name) for name in spec[key]))


@pytest.fixture
def alliance_figures(h1):
    return Figures(InsightScope(), H1)


@pytest.fixture
def own_figures(h1):
    return Figures(InsightScope(h1.A1), H1)


@pytest.fixture
def foreign_figures(h1):
    return Figures(InsightScope(h1.B1), H1)


# --- Totals --------------------------------------------------------------------------------
def test_it_counts_every_figure_of_the_whole_alliance(alliance_figures):
    assert alliance_figures.totals() == ALLIANCE_TOTALS


def test_it_counts_every_figure_of_the_college(own_figures):
    assert own_figures.totals() == OWN_TOTALS


def test_it_counts_every_figure_of_the_street(foreign_figures):
    assert foreign_figures.totals() == FOREIGN_TOTALS


def test_it_has_a_total_or_a_network_figure_for_every_definition(alliance_figures):
    totals = alliance_figures.totals()
    assert set(FIGURES) - set(totals) == {"isolated"}
    assert alliance_figures.network()["isolated"] == 2  # A4, B3; A5 is archived
    for definition in FIGURES.values():
        assert str(definition.label) and str(definition.definition)


def test_it_counts_a_cooperation_between_the_trees_for_both(h1, own_figures, foreign_figures):
    for name, key in [
        ("act_build", "activities"),
        ("act_cohosted", "activities"),
        ("g_cross", "agreements_signed"),
        ("g_terminated", "agreements_signed"),
        ("c_fulfilled", "claims_accepted"),
        ("q_accepted", "claims_accepted"),
        ("p_cross", "projects_active"),
        ("p_completed", "projects_active"),
        ("t_april", "tasks_accepted"),
        ("hon_cross", "honours"),
        ("base_cross", "bases"),
        ("pair_cross", "pairings"),
        ("al_cross", "alliances"),
        ("rating_a", "rating_avg"),
    ]:
        record = getattr(h1, name)
        assert record.pk in pks(records_of(own_figures, key)), name
        assert record.pk in pks(records_of(foreign_figures, key)), name


def test_it_compares_with_the_previous_half_year(h1):
    previous = Figures(InsightScope(), H1.previous()).totals()
    # 2022-H2: act_2022 with 12 entered attendees; g_in_force signed and disclosed in December;
    # n_old published in December and first claimed on 21 December, after 20 days; g_expired evaluated in October.
    assert (previous["activities"], previous["participants"], previous["registrations"]) == (1, 12, 0)
    assert previous["checkin_rate"] is None
    assert (previous["agreements_signed"], previous["agreements_published"], previous["agreements_evaluated"]) == (1, 1, 1)
    assert (previous["needs_published"], previous["needs_claimed"], previous["median_days_to_claim"]) == (1, 1, 20.0)
    assert (previous["resources_published"], previous["resources_requested"]) == (1, 1)  # s_foreign; q_last_year
    assert (previous["rating_avg"], previous["rating_count"]) == (1.0, 1)
    assert (previous["honours"], previous["bases"], previous["alliances"], previous["pairings"]) == (1, 0, 1, 0)


# --- Per track -----------------------------------------------------------------------------
def test_it_splits_the_activity_figures_by_track(alliance_figures):
    assert alliance_figures.activity_figures() == {
        "study": {"activities": 1, "participants": 2, "registrations": 4, "checkin_rate": 50.0},  # act_study
        "build": {"activities": 1, "participants": 30, "registrations": 3, "checkin_rate": 66.7},  # act_build
        "create": {"activities": 2, "participants": 2, "registrations": 3, "checkin_rate": 66.7},  # act_foreign, act_cohosted
        "all": {"activities": 4, "participants": 34, "registrations": 10, "checkin_rate": 60.0},
    }


def test_it_splits_the_activity_figures_of_the_college_by_track(own_figures):
    assert own_figures.activity_figures() == {
        "study": {"activities": 1, "participants": 2, "registrations": 4, "checkin_rate": 50.0},
        "build": {"activities": 1, "participants": 30, "registrations": 3, "checkin_rate": 66.7},
        "create": {"activities": 1, "participants": 1, "registrations": 2, "checkin_rate": 50.0},  # act_cohosted only
        "all": {"activities": 3, "participants": 33, "registrations": 9, "checkin_rate": 55.6},
    }


def test_it_splits_agreements_and_projects_by_track(alliance_figures, own_figures):
    # g_cross and g_terminated are 组织联建, g_foreign 项目联创.
    assert alliance_figures.agreements_by_track() == {"study": 0, "build": 2, "create": 1}
    assert own_figures.agreements_by_track() == {"study": 0, "build": 2, "create": 0}
    # p_completed 联学, p_open_ended 联建, p_cross and p_foreign 联创.
    assert alliance_figures.projects_by_track() == {"study": 1, "build": 1, "create": 2}
    assert own_figures.projects_by_track() == {"study": 1, "build": 1, "create": 1}


def test_it_leaves_activities_that_have_not_ended_out_of_the_check_in_rate(world):
    now = timezone.now()
    period = Period.custom(timezone.localdate() - datetime.timedelta(days=1), timezone.localdate() + datetime.timedelta(days=1))
    running = activity(world.own_org, "study", now - datetime.timedelta(minutes=30), hours=2)
    registrations(running, R.ATTENDED, R.REGISTERED, R.REGISTERED)
    over = activity(world.own_org, "study", now - datetime.timedelta(hours=3), hours=1)
    registrations(over, R.ATTENDED, R.NO_SHOW)
    figures = Figures(InsightScope(), period).activity_figures()["study"]
    # Both count as activities and their five places as registrations; the rate is over's 1 of 2.
    assert figures == {"activities": 2, "participants": 2, "registrations": 5, "checkin_rate": 50.0}


def test_it_has_no_rates_without_data(world):
    totals = Figures(InsightScope(), Period.half(2019, 1)).totals()
    assert [totals[k] for k in ("checkin_rate", "median_days_to_claim", "projects_progress", "rating_avg")] == [None] * 4
    assert totals["activities"] == totals["rating_count"] == 0


# --- Who worked with whom --------------------------------------------------------------------
def cells(matrix):
    """{(row sector, column sector): n} for the non-empty cells."""
    keys = [s["key"] for s in matrix["sectors"]]
    return {(row["key"], keys[i]): n for row in matrix["rows"] for i, n in enumerate(row["cells"]) if n}


def assert_symmetric(matrix):
    grid = [row["cells"] for row in matrix["rows"]]
    assert all(grid[i][j] == grid[j][i] for i in range(len(grid)) for j in range(len(grid)))


def test_it_counts_the_government_school_enterprise_social_matrix(alliance_figures):
    matrix = alliance_figures.matrix()
    assert [s["key"] for s in matrix["sectors"]] == [*SECTORS, Sector.OTHER]
    assert [r["key"] for r in matrix["rows"]] == [*SECTORS, Sector.OTHER]
    assert [s["label"] for s in matrix["sectors"]] == [Sector(s).label for s in [*SECTORS, Sector.OTHER]]
    assert_symmetric(matrix)
    # Links: act_study A1–A2, act_build A2–B1, act_cohosted B1–A3; g_cross A1–B1, g_in_force A1–A3,
    # g_foreign B1–B2, g_terminated A2–B1; claims c_fulfilled A1–B1, c_old_accepted A3–A2,
    # q_accepted B1–A1, q_last_year A2–A1, c_foreign B2–B1; projects p_cross A1–B1, p_completed B2–A2,
    # p_open_ended A1–A3.
    gov, school, firm, social = "government", "school", "enterprise", "social"
    assert cells(matrix) == {
        (school, school): 2,  # A1–A2 twice
        (gov, school): 6, (school, gov): 6,  # A2–B1 twice, A1–B1 four times
        (gov, firm): 1, (firm, gov): 1,  # B1–A3
        (school, firm): 3, (firm, school): 3,  # A1–A3 twice, A2–A3
        (gov, social): 2, (social, gov): 2,  # B1–B2 twice
        (school, social): 1, (social, school): 1,  # A2–B2
    }  # fmt: skip
    assert matrix["by_kind"] == {"activity": 3, "agreement": 4, "claim": 5, "project": 3}


def test_it_counts_the_matrix_of_the_college(own_figures):
    matrix = own_figures.matrix()
    assert_symmetric(matrix)
    gov, school, firm, social = "government", "school", "enterprise", "social"
    # As for the alliance, less g_foreign and c_foreign (B1–B2).
    assert cells(matrix) == {
        (school, school): 2,
        (gov, school): 6, (school, gov): 6,
        (gov, firm): 1, (firm, gov): 1,
        (school, firm): 3, (firm, school): 3,
        (school, social): 1, (social, school): 1,
    }  # fmt: skip
    assert matrix["by_kind"] == {"activity": 3, "agreement": 3, "claim": 4, "project": 3}


def edges_by_pair(network):
    names = {node["id"]: node for node in network["nodes"]}
    return {frozenset((names[e["source"]]["uuid"], names[e["target"]]["uuid"])): (e["weight"], e["kinds"]) for e in network["edges"]}


def pair(a, b):
    return frozenset((str(a.uuid), str(b.uuid)))


def test_it_draws_the_collaboration_network(h1, alliance_figures):
    x = h1
    network = alliance_figures.network()
    nodes = {node["uuid"]: node for node in network["nodes"]}
    assert set(nodes) == {str(o.uuid) for o in (x.A1, x.A2, x.A3, x.B1, x.B2)}
    assert {uuid: n["degree"] for uuid, n in nodes.items()} == {
        str(x.A1.uuid): 8,  # 2 with A2, 4 with B1, 2 with A3
        str(x.A2.uuid): 6,  # 2 with A1, 2 with B1, 1 with A3, 1 with B2
        str(x.A3.uuid): 4,
        str(x.B1.uuid): 9,
        str(x.B2.uuid): 3,
    }
    assert nodes[str(x.A1.uuid)]["name"] == "示例学院"  # the short name
    assert nodes[str(x.B2.uuid)]["sector"] == "social"
    assert all(n["in_scope"] for n in nodes.values())
    assert edges_by_pair(network) == {
        pair(x.A1, x.A2): (2, {"activity": 1, "claim": 1}),
        pair(x.A2, x.B1): (2, {"activity": 1, "agreement": 1}),
        pair(x.B1, x.A3): (1, {"activity": 1}),
        pair(x.A1, x.B1): (4, {"agreement": 1, "claim": 2, "project": 1}),
        pair(x.A1, x.A3): (2, {"agreement": 1, "project": 1}),
        pair(x.B1, x.B2): (2, {"agreement": 1, "claim": 1}),
        pair(x.A2, x.A3): (1, {"claim": 1}),
        pair(x.A2, x.B2): (1, {"project": 1}),
    }
    # Seven live organizations (A5 is archived), five of them linked.
    assert (network["organizations"], network["involved"], network["isolated"]) == (7, 5, 2)
    assert sorted(network["isolated_sample"]) == sorted([x.A4.name, x.B3.name])
    assert network["truncated"] is False


def test_it_draws_the_network_of_the_college_with_its_partners_only(h1, own_figures):
    x = h1
    network = own_figures.network()
    nodes = {node["uuid"]: node for node in network["nodes"]}
    # The street and B2 are named as partners of the college, never B3 nor the B1–B2 link.
    assert set(nodes) == {str(o.uuid) for o in (x.A1, x.A2, x.A3, x.B1, x.B2)}
    assert {uuid for uuid, n in nodes.items() if n["in_scope"]} == {str(o.uuid) for o in (x.A1, x.A2, x.A3)}
    assert nodes[str(x.B1.uuid)]["degree"] == 7 and nodes[str(x.B2.uuid)]["degree"] == 1
    edges = edges_by_pair(network)
    assert pair(x.B1, x.B2) not in edges and len(edges) == 7
    assert edges[pair(x.A1, x.B1)] == (4, {"agreement": 1, "claim": 2, "project": 1})
    assert (network["organizations"], network["involved"], network["isolated"]) == (4, 3, 1)
    assert network["isolated_sample"] == [x.A4.name]
    names = {n["name"] for n in network["nodes"]} | set(network["isolated_sample"])
    assert x.B3.name not in names


def test_it_shows_the_best_linked_organizations_when_there_are_too_many(h1, alliance_figures):
    network = alliance_figures.network(max_nodes=2)
    assert {n["uuid"] for n in network["nodes"]} == {str(h1.B1.uuid), str(h1.A1.uuid)}  # degrees 9 and 8
    assert [(e["weight"]) for e in network["edges"]] == [4]
    assert network["truncated"] is True
    assert network["isolated"] == 2


# --- Month by month --------------------------------------------------------------------------
def test_it_buckets_the_trends_by_local_month(alliance_figures):
    trends = alliance_figures.trends()
    assert trends["months"] == ["2023-01", "2023-02", "2023-03", "2023-04", "2023-05", "2023-06"]
    series = {s["key"]: s["values"] for s in trends["series"]}
    assert series == {
        # act_study starts at 07:00 on 1 March in Shanghai (28 February in UTC), act_foreign at 23:30 on 30 June.
        "activities": [0, 0, 1, 1, 1, 1],
        "participants": [0, 0, 2, 1, 30, 1],
        "agreements_signed": [1, 1, 0, 0, 1, 0],  # g_terminated, g_cross, g_foreign
        # n_fulfilled at 00:30 on 1 February (31 January in UTC) belongs to February.
        "needs_published": [1, 1, 0, 1, 0, 0],
        "claims_accepted": [2, 2, 1, 0, 0, 0],  # q_last_year + c_foreign, c_fulfilled + q_accepted, c_old_accepted
        "tasks_accepted": [1, 1, 0, 1, 0, 0],  # t_january, t_foreign, t_april
    }
    totals = alliance_figures.totals()
    assert all(sum(values) == totals[key] for key, values in series.items())
    assert trends["rows"][4] == {"month": "2023-05", "values": [1, 30, 1, 0, 0, 0]}
    assert [s["label"] for s in trends["series"]] == [str(FIGURES[k].label) for k in series]


def test_it_buckets_the_trends_of_a_custom_period(h1):
    trends = Figures(InsightScope(h1.A1), Period.parse("2023-02-15..2023-04-10")).trends()
    assert trends["months"] == ["2023-02", "2023-03", "2023-04"]
    series = {s["key"]: s["values"] for s in trends["series"]}
    assert series["activities"] == [0, 1, 1]  # act_study, act_cohosted
    assert series["claims_accepted"] == [2, 1, 0]  # c_fulfilled, q_accepted; c_old_accepted
    assert series["tasks_accepted"] == [0, 0, 1]  # t_april


# --- The records behind each figure ----------------------------------------------------------
COUNTED = [k for k in FIGURES if k not in ("checkin_rate", "projects_progress")]


def mismatches(figures, expected_for):
    """{key: (listed pks, expected pks, the figure's count)} for every figure whose records disagree."""
    out = {}
    for key in COUNTED:
        listed, expected = pks(records_of(figures, key)), expected_for(key)
        if listed != expected or len(expected) != count_of(figures, key):
            out[key] = (listed, expected, count_of(figures, key))
    return out


def test_it_lists_exactly_the_records_counted_for_the_alliance(h1, alliance_figures):
    def expected(key):
        if key == "registrations":
            return ids(*held_registrations(h1, "act_study", "act_build", "act_foreign", "act_cohosted"))
        return expected_records(h1, ALLIANCE_RECORDS, key)

    assert mismatches(alliance_figures, expected) == {}


def test_it_lists_exactly_the_records_counted_for_the_college(h1, own_figures):
    def expected(key):
        if key == "registrations":
            return ids(*held_registrations(h1, "act_study", "act_build", "act_cohosted"))
        return expected_records(h1, OWN_RECORDS, key)

    assert mismatches(own_figures, expected) == {}
    for key in COUNTED:
        records = records_of(own_figures, key)
        foreign_only = {getattr(h1, name).pk for name in FOREIGN_ONLY if type(getattr(h1, name)) is records.model}
        assert not pks(records) & foreign_only, key


def count_of(figures, key):
    """The count a figure's records must have: the figure itself, or the count behind an average."""
    totals = figures.totals()
    if key == "isolated":
        return figures.network()["isolated"]
    if key == "rating_avg":
        return totals["rating_count"]
    if key == "satisfaction_avg":
        return totals["satisfaction_count"]
    if key == "participants":
        return totals["activities"]
    if key == "median_days_to_claim":
        return totals["needs_claimed"]
    return totals[key]


@pytest.mark.parametrize("key", ["checkin_rate", "projects_progress", "unknown", ""])
def test_it_has_no_records_behind_rates_and_unknown_keys(alliance_figures, key):
    assert records_of(alliance_figures, key) is None


def test_it_filters_the_records_by_track(h1, alliance_figures):
    x = h1
    assert pks(records_of(alliance_figures, "activities", "create")) == ids(x.act_foreign, x.act_cohosted)
    assert pks(records_of(alliance_figures, "participants", "build")) == ids(x.act_build)
    assert pks(records_of(alliance_figures, "registrations", "study")) == ids(*held_registrations(x, "act_study"))
    assert pks(records_of(alliance_figures, "agreements_signed", "build")) == ids(x.g_cross, x.g_terminated)
    assert pks(records_of(alliance_figures, "agreements_signed", "study")) == set()
    assert pks(records_of(alliance_figures, "projects_active", "create")) == ids(x.p_cross, x.p_foreign)
    per_track = alliance_figures.activity_figures()
    for track in ("study", "build", "create"):
        assert records_of(alliance_figures, "activities", track).count() == per_track[track]["activities"]
        assert records_of(alliance_figures, "registrations", track).count() == per_track[track]["registrations"]
    # A figure without tracks, or a track that does not exist, lists everything.
    assert pks(records_of(alliance_figures, "honours", "study")) == ids(x.hon_cross, x.hon_person, x.hon_foreign)
    assert records_of(alliance_figures, "activities", "nonsense").count() == 4


def test_it_never_names_the_other_tree_to_the_college(h1, own_figures):
    names = {n["name"] for n in own_figures.network()["nodes"]}
    assert h1.B3.name not in names and h1.B3.name not in own_figures.network()["isolated_sample"]
    assert h1.B3.pk not in pks(records_of(own_figures, "isolated"))
    assert own_figures.organizations().filter(pk__in=ids(h1.B1, h1.B2, h1.B3)).count() == 0


# --- Definitions at their edges --------------------------------------------------------------
D = datetime.date


def test_it_counts_agreements_in_force_on_the_last_day_even_if_they_ended_since(world):
    """In force: "signed by the period's last day, not ended, whose term covers that day" — ended by that day.

    An agreement that expired or was terminated after 30 June 2023 was in force on that day;
    the first half of 2023 must not lose it when it ends in 2024.
    """
    A, B = world.own_org, world.foreign_org
    expired_since, *_ = agreement([A, B], status=G.EXPIRED, signed_on=D(2023, 1, 10), start=D(2023, 1, 10), end=D(2024, 1, 9))
    agreement_event(expired_since, G.EXPIRED, at(2024, 1, 10, 2), G.PERFORMING)
    terminated_since, *_ = agreement([A, B], status=G.TERMINATED, signed_on=D(2023, 2, 1), start=D(2023, 2, 1), end=D(2025, 1, 31))
    agreement_event(terminated_since, G.TERMINATED, at(2023, 9, 1, 10), G.PERFORMING)
    terminated_before, *_ = agreement([A, B], status=G.TERMINATED, signed_on=D(2023, 2, 1), start=D(2023, 2, 1), end=D(2025, 1, 31))
    agreement_event(terminated_before, G.TERMINATED, at(2023, 6, 15, 10), G.PERFORMING)
    still_running, *_ = agreement([A, B], status=G.PERFORMING, signed_on=D(2023, 3, 1), start=D(2023, 3, 1), end=D(2025, 2, 28))
    figures = Figures(InsightScope(), H1)
    assert pks(figures.agreements_in_force()) == ids(expired_since, terminated_since, still_running)
    assert figures.totals()["agreements_in_force"] == 3


def test_it_counts_the_partners_of_an_accepted_joint_claim_as_cooperating(h1):
    """Isolated: "took part in no co-hosted activity, agreement, accepted claim or project" — a joint partner took part."""
    h1.c_fulfilled.partners.add(h1.A4)  # 联合领办: A1 claimed n_fulfilled jointly with A4
    figures = Figures(InsightScope(), H1)
    network = figures.network()
    assert network["isolated"] == 1 and network["isolated_sample"] == [h1.B3.name]
    assert pks(records_of(figures, "isolated")) == ids(h1.B3)


def test_it_counts_alliances_and_micro_alliances_but_not_groups(world):
    """Alliances founded: "Alliances and micro-alliances with a member in the scope founded in the period"."""
    founded = alliance(world.own_org, D(2023, 3, 1), kind="alliance")
    micro = alliance(world.own_org, D(2023, 4, 1), kind="micro")
    alliance(world.own_org, D(2023, 5, 1), kind="group")  # 组团
    figures = Figures(InsightScope(world.own_org), H1)
    assert pks(records_of(figures, "alliances")) == ids(founded, micro)
    assert figures.totals()["alliances"] == 2


def test_it_links_every_pair_of_parties_of_an_agreement(world):
    A1, A2, B1 = world.own_org, world.own_branch, world.foreign_org
    agreement([A1, A2, B1], signed_on=D(2023, 3, 1), start=D(2023, 3, 1), end=D(2024, 2, 28))
    figures = Figures(InsightScope(), H1)
    assert sorted(kind for _a, _b, kind in figures.links()) == ["agreement"] * 3
    assert cells(figures.matrix()) == {("school", "school"): 1, ("government", "school"): 2, ("school", "government"): 2}
    assert {n["degree"] for n in figures.network()["nodes"]} == {2}


def test_it_takes_an_entered_attendee_count_of_zero_over_the_check_ins(world):
    held = activity(world.own_org, "build", at(2023, 3, 3, 9), attendee_count=0)
    registrations(held, R.ATTENDED, R.ATTENDED)
    figures = Figures(InsightScope(), H1).activity_figures()["build"]
    assert figures == {"activities": 1, "participants": 0, "registrations": 2, "checkin_rate": 100.0}


def test_it_dates_claims_by_when_they_were_made_not_when_they_were_entered(world, design):
    """Dates are effective dates: a claim entered today for March 2023 (补录) belongs to 2023-H1."""
    owned = need(world.foreign_org, design, published_at=at(2023, 3, 1, 9))
    claim(owned, world.own_org, at(2023, 3, 11, 9), recorded_at=timezone.now())
    offered = resource(world.foreign_org, design, published_at=at(2023, 1, 5, 9))
    request = claim(offered, world.own_org, at(2023, 4, 1, 9), recorded_at=timezone.now())
    figures = Figures(InsightScope(), H1)
    assert pks(figures.needs_claimed()) == ids(owned)
    assert figures.median_days_to_claim() == 10.0
    assert pks(figures.resources_requested()) == ids(request)
    this_half = Figures(InsightScope(), Period.current_half()).totals()
    assert (this_half["needs_claimed"], this_half["resources_requested"]) == (0, 0)


def test_it_lists_a_claim_at_the_time_it_was_made(world, design):
    offered = resource(world.foreign_org, design, published_at=at(2023, 1, 5, 9))
    claim(offered, world.own_org, at(2023, 4, 1, 9), status="accepted", decided_at=at(2023, 4, 2, 9), recorded_at=timezone.now())
    queryset = records_of(Figures(InsightScope(), H1), "claims_accepted")
    spec = record_rows.spec_for(queryset)
    [(_url, cells)] = list(record_rows.rows(spec, record_rows.prepared(queryset)))
    headers = [str(h) for h, _fn in spec.columns]
    assert cells[3:] == ["2023-04-01 09:00", "2023-04-02 09:00"], list(zip(headers, cells, strict=True))
