"""Suggestions from real needs and resources, and how the index stays current (signals, task, stamp, rebuild)."""

import io
import json
import types

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone, translation

from gongjian.exchange.matching import asking, store, suggestions_for_need, suggestions_for_resource
from gongjian.exchange.models import Need, Resource
from gongjian.exchange.tasks import refresh_match_index
from gongjian.orgs.models import Organization, Region

pytestmark = pytest.mark.usefixtures("fresh_indexes")


@pytest.fixture
def on_disk(settings, tmp_path):
    settings.MATCH_INDEX_DIR = str(tmp_path / "match_index")
    return tmp_path / "match_index"


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def booths(make_need):
    """广富林街道's need from the demo scenario: 25 sampling booths to redesign."""
    return make_need(
        title="采样亭个性化改造设计",
        description="街道 25 个采样亭闲置，想改造成党群服务、便民服务点，每个亭子位置不同，需要分别出设计方案。",
        scale="25 个采样亭",
        publish=True,
    )


@pytest.fixture
def designers(make_resource):
    return make_resource(
        title="学生设计团队承接采样亭改造设计",
        description="设计专业可组织 20 名学生设计师，在教师指导下承接小型公共设施改造设计，一亭一方案。",
        publish=True,
    )


def targets(found):
    return [s.target for s in found]


# --------------------------------------------------------------------------- suggestions


def test_it_suggests_resources_for_a_need_with_terms_and_reasons(world, booths, designers, english):
    (suggestion,) = suggestions_for_need(booths)
    assert suggestion.target == designers
    assert {"采样亭", "改造"} <= set(suggestion.matched_terms) and "亭" not in suggestion.matched_terms
    # The street (government) asks, the college (school) offers, in the same district and category.
    assert suggestion.reasons == [
        "Same category",
        "Same district",
        "Complementary strengths (Government–School)",
        "Spare capacity (20 名学生设计师)",
    ]
    assert 0 < suggestion.score and suggestion.factors["text"] == 1.0


def test_it_suggests_needs_for_a_resource(world, booths, designers, english):
    (suggestion,) = suggestions_for_resource(designers)
    assert suggestion.target == booths
    assert "采样亭" in suggestion.matched_terms
    assert "Complementary strengths (School–Government)" in suggestion.reasons
    # 20 designers for 25 booths: capacity counts, but does not cover the whole scale.
    assert not any("covers" in reason for reason in suggestion.reasons)
    assert suggestion.factors["capacity"] == pytest.approx(0.8)


def test_it_leaves_out_the_owners_own_and_unavailable_items(world, booths, designers, make_resource):
    own = make_resource(title="采样亭改造设计", organization=world.foreign_org, publish=True)
    draft = make_resource(title="采样亭改造设计方案")
    closed = make_resource(title="采样亭改造设计服务", publish=True)
    closed.close()
    archived = make_resource(title="采样亭改造设计咨询", publish=True)
    archived.close()
    archived.archive()
    found = targets(suggestions_for_need(booths))
    assert found == [designers]
    assert not {own, draft, closed, archived} & set(found)


def test_it_ranks_the_nearer_of_two_equal_offers_first(world, booths, make_resource, english):
    far_city = Region.objects.create(name="昭通市", level=1)
    far = make_resource(title="采样亭改造设计", region=far_city, publish=True)
    near = make_resource(title="采样亭改造设计", region=world.community, publish=True)
    found = suggestions_for_need(booths)
    assert targets(found) == [near, far]
    assert "Same street or town" in found[0].reasons  # the need is in the street, the offer in one of its communities
    assert not any(r.startswith("Same") and "category" not in r for r in found[1].reasons)


def test_it_prefers_offers_with_spare_capacity(world, booths, make_resource, english):
    full = make_resource(title="采样亭改造设计", capacity=0, publish=True)
    free = make_resource(title="采样亭改造设计", capacity=5, publish=True)
    found = suggestions_for_need(booths)
    assert targets(found) == [free, full]
    assert not any(r.startswith("Spare capacity") for r in found[1].reasons)


def test_it_prefers_the_right_category(world, booths, make_resource, volunteering):
    other = make_resource(title="采样亭改造设计", category=volunteering, publish=True)
    right = make_resource(title="采样亭改造设计", publish=True)
    assert targets(suggestions_for_need(booths)) == [right, other]


def test_it_says_when_organizations_worked_together(world, booths, make_resource, pair, english):
    partner = Organization.objects.create(name="松江区党建服务中心党支部", sector="school", kind="branch", region=world.district)
    stranger = Organization.objects.create(name="某大学党支部", sector="school", kind="branch", region=world.district)
    theirs = make_resource(title="采样亭改造设计", organization=stranger, publish=True)
    ours = make_resource(title="采样亭改造设计", organization=partner, publish=True)
    pair(world.foreign_org, partner)
    found = suggestions_for_need(booths)
    assert targets(found) == [ours, theirs]
    assert "Worked together before" in found[0].reasons and "Worked together before" not in found[1].reasons


def test_it_counts_agreements_projects_and_accepted_claims_as_cooperation(world, enterprise, make_need, make_resource):
    company, company_admin = enterprise
    Agreement = apps.get_model("agreements", "Agreement")
    AgreementParty = apps.get_model("agreements", "AgreementParty")
    Project = apps.get_model("projects", "Project")
    signed = Agreement.objects.create(title="共建协议")
    Agreement.objects.filter(pk=signed.pk).update(status="signed")
    AgreementParty.objects.create(agreement=signed, organization=world.own_org)
    AgreementParty.objects.create(agreement=signed, organization=world.foreign_org)
    draft = Agreement.objects.create(title="谈约中")
    AgreementParty.objects.create(agreement=draft, organization=world.own_org)
    AgreementParty.objects.create(agreement=draft, organization=company)
    assert asking.partners_of(world.own_org) == {world.foreign_org.pk}
    # A branch inherits its unit's cooperation.
    assert asking.partners_of(world.own_branch) == {world.foreign_org.pk}

    project = Project.objects.create(title="采样亭改造", lead=company)
    project.partners.add(world.foreign_org)
    assert asking.partners_of(world.foreign_org) == {world.own_org.pk, company.pk}

    need = make_need(title="实习岗位", organization=company, publish=True)
    claim = need.claim(world.own_org, by=world.org_admin)
    claim.accept(company_admin)
    assert company.pk in asking.partners_of(world.own_org)


def test_it_loads_the_suggested_items_in_one_query(world, booths, make_resource):
    for n in range(6):
        make_resource(title=f"采样亭改造设计 {n}", publish=True)
    suggestions_for_need(booths)  # build the index first

    def queries(limit):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        need = Need.objects.get(pk=booths.pk)
        with CaptureQueriesContext(connection) as captured:
            found = suggestions_for_need(need, limit=limit)
            for s in found:
                # What the match tab, the API and the digest show of a target: its title and organization.
                str(s.target.title), str(s.target.organization)
        return len(captured), len(found)

    few, many = queries(2), queries(6)
    assert few[1] == 2 and many[1] == 6
    assert few[0] == many[0]  # the targets and what the page shows of them come in one query, however many


def test_it_suggests_nothing_for_an_unsaved_item(world, design):
    assert suggestions_for_need(Need(title="采样亭", organization=world.foreign_org, category=design)) == []


# --------------------------------------------------------------------------- freshness


def commit():
    """What the end of the request's transaction does: run the on-commit callbacks (the test's transaction never commits)."""
    from django.db import connection

    pending, connection.run_on_commit[:] = list(connection.run_on_commit), []
    for _sids, callback, _robust in pending:
        callback()


def test_it_indexes_a_newly_published_resource_when_the_task_runs(world, booths, make_resource, on_disk, immediate_tasks, monkeypatch):
    assert suggestions_for_need(booths) == []
    resource = make_resource(title="采样亭改造设计", publish=True)
    assert not store.current_slot("resources").index.contains(resource.pk)

    commit()  # the refresh task runs (immediate backend)
    assert store.current_slot("resources").index.contains(resource.pk)

    # The task did the work: the next search finds the index current and does not catch up itself.
    monkeypatch.setattr(store, "sync", lambda *a, **k: pytest.fail("search had to catch up"))
    assert targets(suggestions_for_need(booths)) == [resource]


def test_it_drops_a_closed_resource_when_the_task_runs(world, booths, designers, immediate_tasks):
    assert targets(suggestions_for_need(booths)) == [designers]
    commit()
    assert store.current_slot("resources").index.contains(designers.pk)
    designers.close()
    commit()
    assert not store.current_slot("resources").index.contains(designers.pk)


def test_it_catches_up_with_rows_written_without_signals(world, booths, designers, design):
    assert targets(suggestions_for_need(booths)) == [designers]
    # bulk_create sends no post_save: only the table's stamp (count, newest updated_at) tells.
    (quiet,) = Resource.objects.bulk_create(
        [
            Resource(
                organization=world.own_branch,
                title="采样亭个性化改造设计",
                category=design,
                status="published",
                published_at=timezone.now(),
                capacity=3,
            )
        ]
    )
    assert quiet in targets(suggestions_for_need(booths))


def test_it_heals_an_index_holding_items_the_database_does_not_have(world, booths, designers, on_disk):
    from gongjian.exchange.matching.engine import Doc, document_terms

    suggestions_for_need(booths)
    # A row indexed inside a transaction that rolled back, or deleted behind the ORM's back.
    ghost = Doc(pk=designers.pk + 1000, terms=document_terms(booths.title, booths.description) * 3, category=booths.category_id)
    store.current_slot("resources").index.write([ghost])
    (suggestion,) = suggestions_for_need(booths)
    assert suggestion.target == designers and suggestion.factors["text"] == 1.0  # not scaled against the ghost
    assert not store.current_slot("resources").index.contains(ghost.pk)


def test_it_shares_an_index_on_disk_between_processes(world, booths, designers, on_disk, monkeypatch):
    assert targets(suggestions_for_need(booths)) == [designers]
    root = store.location()
    pointer = json.loads((root / "resources" / "CURRENT.json").read_text())
    assert (root / "resources" / pointer["generation"]).is_dir()

    store.forget()  # another process: it opens the same files and builds nothing
    monkeypatch.setattr(store, "sync", lambda *a, **k: pytest.fail("a reader rebuilt the index"))
    assert targets(suggestions_for_need(booths)) == [designers]


def test_it_notices_another_processs_writes(world, booths, designers, make_resource, on_disk, monkeypatch):
    assert targets(suggestions_for_need(booths)) == [designers]
    reader = store.current_slot("resources")
    # "The worker": after forget() this process writes as a stranger would, through the pointer file.
    store.forget()
    newer = make_resource(title="采样亭改造设计", publish=True)
    refresh_match_index.call("resources", [newer.pk])
    store._slots[store._key("resources", store.location())] = reader  # back to the reader's view
    monkeypatch.setattr(store, "sync", lambda *a, **k: pytest.fail("the reader caught up itself"))
    assert newer in targets(suggestions_for_need(booths))


def test_it_rebuilds_instead_of_catching_up_with_a_bulk_change(world, booths, designers, make_resource, on_disk, monkeypatch):
    suggestions_for_need(booths)
    before = store.current_slot("resources").generation
    monkeypatch.setattr(store, "REBUILD_ABOVE", 1)
    added = [make_resource(title=f"采样亭改造设计 {n}", publish=True) for n in range(2)]
    found = targets(suggestions_for_need(booths))
    assert store.current_slot("resources").generation != before
    assert set(added) <= set(found)


def test_it_rebuilds_from_scratch_with_a_command(world, booths, designers, on_disk):
    suggestions_for_need(booths)
    before = json.loads((store.location() / "resources" / "CURRENT.json").read_text())["generation"]
    out = io.StringIO()
    call_command("rebuild_match_index", stdout=out)
    assert "resources: 1 items indexed" in out.getvalue() and "needs: 1 items indexed" in out.getvalue()
    after = json.loads((store.location() / "resources" / "CURRENT.json").read_text())["generation"]
    assert after != before
    assert [p.name for p in (store.location() / "resources").iterdir() if p.is_dir()] == [after]
    assert targets(suggestions_for_need(booths)) == [designers]


def test_it_rebuilds_one_kind_with_a_command(world, booths, designers):
    out = io.StringIO()
    call_command("rebuild_match_index", "--kind", "needs", stdout=out)
    assert "needs: 1 items indexed" in out.getvalue() and "resources" not in out.getvalue()


def test_it_keeps_the_index_of_an_in_memory_database_in_memory(settings, db):
    from django.db import connection

    if not getattr(connection, "is_in_memory_db", lambda: False)():
        pytest.skip("the test database is not in memory")
    settings.MATCH_INDEX_DIR = None
    assert store.location() is None


def test_it_keeps_each_databases_index_in_its_own_directory(settings, tmp_path, db):
    settings.MATCH_INDEX_DIR = str(tmp_path)
    assert store.location() == tmp_path / store.database_slug()


# --------------------------------------------------------------------------- signals


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr("gongjian.exchange.tasks.refresh_match_index", types.SimpleNamespace(enqueue=lambda *args: calls.append(args)))
    return calls


def test_it_schedules_a_refresh_when_a_need_or_resource_changes(world, make_need, make_resource, enqueued):
    commit()
    need = make_need()
    resource = make_resource()
    commit()
    assert enqueued == [("needs", [need.pk], []), ("resources", [resource.pk], [])]

    enqueued.clear()
    need.publish()  # an UPDATE plus an event row: one refresh per need and transaction
    need.save()
    resource.publish()
    commit()
    assert enqueued == [("needs", [need.pk], []), ("resources", [resource.pk], [])]

    enqueued.clear()
    resource.close()
    resource.archive()
    commit()
    assert enqueued == [("resources", [resource.pk], [])]


def test_it_schedules_nothing_until_the_transaction_commits(world, make_need, enqueued):
    make_need()
    assert enqueued == []


def test_it_schedules_a_refresh_when_a_request_takes_capacity(world, enterprise, make_resource, enqueued):
    company, company_admin = enterprise
    resource = make_resource(publish=True)
    claim = resource.request(company, by=company_admin, quantity=5)
    commit()
    enqueued.clear()
    claim.accept(world.org_admin)
    commit()
    assert enqueued == [("resources", [resource.pk], [])]


def test_it_schedules_a_refresh_of_an_organizations_items_when_it_changes(world, enqueued):
    commit()
    world.own_org.region = world.street
    world.own_org.save()
    commit()
    assert enqueued == [("needs", [], [world.own_org.pk]), ("resources", [], [world.own_org.pk])]


def test_it_refreshes_an_organizations_items_in_the_task(world, booths, designers, immediate_tasks):
    suggestions_for_need(booths)
    Organization.objects.filter(pk=world.own_org.pk).update(sector="enterprise")  # no signal, no stamp change
    refresh_match_index.call("resources", [], [world.own_org.pk])
    (suggestion,) = suggestions_for_need(booths)
    assert suggestion.factors["sector"] == pytest.approx(0.6)  # government–enterprise now
