"""The periodic commands at their edges: what expire_listings leaves alone, a race with a claim, and an empty feedback export."""

import io
import json

import pytest
from django.core.management import call_command

from gongjian.audit.models import Action, Record
from gongjian.exchange.models import Need, Resource

from .conftest import days

pytestmark = pytest.mark.django_db


def expire(*args):
    out = io.StringIO()
    call_command("expire_listings", *args, stdout=out)
    return out.getvalue().strip()


def status(obj):
    return type(obj).objects.values_list("status", flat=True).get(pk=obj.pk)


def test_it_leaves_needs_due_today_or_already_taken(world, make_need):
    today = make_need("今天截止", publish=True, deadline=days(0))
    taken = make_need("已被认领", publish=True, deadline=days(3))
    taken.claim(world.own_org, by=world.org_admin).accept(world.outsider)
    shared = make_need("多家认领中", publish=True, deadline=days(3), claim_mode="multiple")
    shared.claim(world.own_org, by=world.org_admin).accept(world.outsider)
    Need.objects.filter(pk__in=[taken.pk, shared.pk]).update(deadline=days(-1))
    assert expire() == "Expired 0 needs, closed 0 resources."
    assert (status(today), status(taken), status(shared)) == ("published", "claimed", "claimed")


def test_it_leaves_resources_available_today_drafts_and_archived_items(world, make_resource, make_need):
    today = make_resource("今天最后一天", publish=True, available_until=days(0))
    draft = make_resource("草稿", available_until=days(-3))
    gone = make_need("已归档", publish=True, deadline=days(5))
    gone.close(by=world.outsider)
    gone.archive()
    Need.objects.filter(pk=gone.pk).update(status="published", deadline=days(-1))  # as an old import might have left it
    assert expire() == "Expired 0 needs, closed 0 resources."
    assert (status(today), status(draft), status(gone)) == ("published", "draft", "published")


def test_it_closes_a_resource_with_the_reason_and_declines_its_requests(world, make_resource, enterprise):
    company, company_admin = enterprise
    resource = make_resource(publish=True, available_until=days(2))
    request = resource.request(company, by=company_admin, quantity=4)
    Resource.objects.filter(pk=resource.pk).update(available_until=days(-1))
    assert expire() == "Expired 0 needs, closed 1 resources."
    event = resource.events.get(to_status="closed")
    assert (event.note, event.actor) == ("已过可提供期限，自动关闭。", None)
    request.refresh_from_db()
    assert (request.status, request.reject_reason) == ("rejected", "该资源已撤回。")
    assert Resource.objects.get(pk=resource.pk).capacity == 20


def test_a_dry_run_counts_resources_too_and_changes_nothing(make_need, make_resource):
    make_need(publish=True, deadline=days(-1))
    late = make_resource(publish=True, available_until=days(-1))
    make_resource("还可以用", publish=True, available_until=days(1))
    assert expire("--dry-run") == "Expired 1 needs, closed 1 resources."
    assert status(late) == "published" and not late.events.filter(to_status="closed").exists()


def test_a_need_claimed_while_the_command_runs_is_skipped_not_an_error(world, make_need, monkeypatch):
    raced = make_need("刚被认领", publish=True, deadline=days(3))
    waiting = raced.claim(world.own_org, by=world.org_admin)
    late = make_need("确实过期", publish=True, deadline=days(3))
    Need.objects.update(deadline=days(-1))
    original = Need.expire

    def accepted_first(self, by=None):
        if self.pk == raced.pk:
            # Another request accepts the waiting claim between the command's listing and its write.
            waiting.accept(world.outsider)
        return original(self, by=by)

    monkeypatch.setattr(Need, "expire", accepted_first)
    assert expire() == "Expired 1 needs, closed 0 resources."
    assert (status(raced), status(late)) == ("claimed", "expired")


def test_it_exports_an_empty_evaluation_set_into_a_new_folder(world, make_resource, tmp_path):
    make_resource(publish=True)
    out = tmp_path / "var" / "feedback" / "set.json"
    stdout = io.StringIO()
    call_command("export_match_feedback", "--out", str(out), stdout=stdout)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (data["needs"], data["judgements"], len(data["resources"])) == ([], {}, 1)
    assert stdout.getvalue().strip() == f"{out}: 0 needs, 1 resources, 0 graded pairs."
    record = Record.objects.get(action=Action.EXPORT, actor_name="manage.py export_match_feedback")
    assert record.changes == {"what": "match feedback", "needs": 0, "judgements": 0}
