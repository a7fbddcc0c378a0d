"""The weekly match digest: manage.py send_match_digest."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from gongjian.exchange.matching import digest, store
from gongjian.notifications.models import Notification


@pytest.fixture(autouse=True)
def fresh_indexes(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    store.forget()
    yield
    store.forget()


@pytest.fixture
def matching_pair(world, make_need, make_resource):
    need = make_need(title="采样亭个性化改造设计", description="25 个采样亭改造成便民服务点，需要设计方案。", publish=True)
    resource = make_resource(title="学生设计团队承接采样亭改造设计", description="20 名学生设计师，一亭一方案。", publish=True)
    return need, resource


def digests(user=None):
    notices = Notification.objects.filter(kind=digest.KIND)
    return notices.filter(recipient=user) if user else notices


def run(**options):
    out = io.StringIO()
    call_command("send_match_digest", stdout=out, **options)
    return out.getvalue()


def test_it_sends_each_admin_the_suggestions_for_their_open_items(world, matching_pair, django_capture_on_commit_callbacks):
    need, resource = matching_pair
    world.outsider.email = "street@example.org"
    world.outsider.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert "2 match digests sent." in run()
    # The street's admin hears about the college's designers, the college's admin about the street's booths.
    outsider_notice = digests(world.outsider).get()
    assert "采样亭个性化改造设计" in outsider_notice.body and "学生设计团队承接采样亭改造设计" in outsider_notice.body
    college_notice = digests(world.org_admin).get()
    assert "学生设计团队承接采样亭改造设计" in college_notice.body and need.title in college_notice.body
    # Members who administer nothing get nothing.
    assert not digests(world.member).exists()
    # The email says why, with the matched terms.
    (message,) = [m for m in mail.outbox if m.to == ["street@example.org"]]
    assert message.subject == outsider_notice.title and "本周对接推荐" in message.subject
    assert "推荐理由：关键词 采样亭" in message.body
    assert "<html" in message.alternatives[0][0]


def test_it_sends_once_per_iso_week(world, matching_pair):
    assert "2 match digests sent." in run()
    assert "0 match digests sent." in run()
    assert digests().count() == 2


def test_it_sends_again_the_next_week(world, matching_pair):
    now = timezone.now()
    assert digest.send_match_digests(now=now) == 2
    assert digest.send_match_digests(now=now + datetime.timedelta(days=1)) in (0, 2)  # same week unless now is Sunday
    Notification.objects.filter(kind=digest.KIND).update(created_at=now - datetime.timedelta(days=7))
    assert digest.send_match_digests(now=now) == 2


def test_it_sends_again_when_forced(world, matching_pair):
    run()
    assert "2 match digests sent." in run(force=True)
    assert digests().count() == 4


def test_it_sends_nothing_without_suggestions(world, make_need):
    make_need(title="采样亭个性化改造设计", publish=True)  # no resource to suggest
    assert "0 match digests sent." in run()
    assert not digests().exists()


def test_it_leaves_out_closed_items(world, matching_pair):
    need, resource = matching_pair
    need.close()
    assert digest.send_match_digests() == 0


def test_it_starts_the_week_on_monday():
    wednesday = timezone.make_aware(datetime.datetime(2023, 6, 14, 15, 30))
    assert digest.week_start(wednesday) == timezone.make_aware(datetime.datetime(2023, 6, 12))
    assert digest.week_start(timezone.make_aware(datetime.datetime(2023, 6, 12, 0, 0))).day == 12
