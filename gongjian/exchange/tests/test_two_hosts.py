"""More than one app host: two gunicorn hosts, one PostgreSQL database, a matching index on each host's own disk.

Host A is where needs are published and changed (over the API, as a client would); host B is asked
for suggestions. No task worker runs, so nothing pushes A's changes to B: B has to notice them
itself (each search compares its index's stamp with the table's, matching/store.py). Two drills:

* a need published through A is suggested by B within seconds;
* B is stopped, needs are published, edited, closed and an organization changes through A, and B,
  started again on its stale index, catches up with all of it.

Besides B's answers, the index files on B's disk are read, since the answers alone could hide a
stale index (a closed need is also filtered out by the database).
"""

import json
import time

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from gongjian.exchange.matching.engine import MatchIndex
from gongjian.exchange.models import Category, Need, Resource
from gongjian.lib.testing_processes import Host, needs_postgres, running

pytestmark = [pytest.mark.postgres, needs_postgres, pytest.mark.django_db(transaction=True)]

API = "/api/v1/exchange"
CATCH_UP_SECONDS = 10


@pytest.fixture
def designers(world, design):
    """What host B is asked about: the college's student designers, matched against open needs."""
    resource = Resource.objects.create(
        organization=world.own_org,
        title="学生设计团队承接采样亭改造设计",
        description="设计专业可组织 20 名学生设计师，承接小型公共设施改造设计，一亭一方案。",
        category=design,
        region=world.street,
        capacity=20,
    )
    resource.publish()
    return resource


@pytest.fixture
def hosts(tmp_path):
    return Host(tmp_path / "host-a"), Host(tmp_path / "host-b")


@pytest.fixture
def clients(world, hosts):
    """The street's admin publishes on host A; the college's admin asks host B."""
    host_a, host_b = hosts
    street = host_a.session(token=Token.objects.create(user=world.outsider).key)
    college = host_b.session(token=Token.objects.create(user=world.org_admin).key)
    return street, college


def publish(client, host, world, category, title, description="街道采样亭闲置，想改造成党群服务点，每个亭子需要分别出设计方案。"):
    body = {
        "organization": str(world.foreign_org.uuid),
        "title": title,
        "description": description,
        "category": str(category.uuid),
        "region": str(world.street.uuid),
        "scale": "25 个采样亭",
        "deadline": str(timezone.localdate() + timezone.timedelta(days=60)),
    }
    response = client.post(f"{host.url}{API}/needs/", json=body, timeout=20)
    assert response.status_code == 201, response.text
    uuid = response.json()["uuid"]
    response = client.post(f"{host.url}{API}/needs/{uuid}/publish/", json={}, timeout=20)
    assert response.status_code == 200, response.text
    return uuid


def suggested(client, host, resource) -> list[dict]:
    response = client.get(f"{host.url}{API}/resources/{resource.uuid}/suggestions/", timeout=20)
    assert response.status_code == 200, response.text
    return response.json()


def wait_until(condition, what):
    """Poll until condition() is true; the seconds it took."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < CATCH_UP_SECONDS, f"{what} not within {CATCH_UP_SECONDS} s"
        time.sleep(0.2)
    return time.monotonic() - started


def needs_index(host) -> MatchIndex:
    """The needs index on the host's own disk, as its pointer names it."""
    (folder,) = (host.var_dir / "match_index").iterdir()
    pointer = json.loads((folder / "needs" / "CURRENT.json").read_text())
    return MatchIndex(folder / "needs" / pointer["generation"])


def complementary(suggestion) -> bool:
    """Whether the reasons name the sectors' complementary strengths (优势互补（校–政）)."""
    return any(reason.startswith("优势互补") for reason in suggestion["reasons"])


def uuids(suggestions) -> list[str]:
    return [s["target"]["uuid"] for s in suggestions]


def test_a_need_published_on_one_host_is_suggested_by_the_other(world, design, designers, hosts, clients):
    host_a, host_b = hosts
    street, college = clients
    with running(host_a, host_b):
        for host in hosts:  # each builds an index of its own: no open need yet
            assert suggested(college, host, designers) == []
        uuid = publish(street, host_a, world, design, "采样亭个性化改造设计")
        seconds = wait_until(lambda: uuid in uuids(suggested(college, host_b, designers)), "B suggesting A's need")
        print(f"host B suggested host A's need after {seconds:.2f} s")

    need = Need.objects.get(uuid=uuid)
    assert needs_index(host_b).contains(need.pk)
    assert not needs_index(host_a).contains(need.pk), "A's own index, not asked since, has not caught up yet"
    assert needs_index(host_a).path != needs_index(host_b).path


def test_a_host_started_after_an_outage_catches_up(world, design, designers, hosts, clients):
    host_a, host_b = hosts
    street, college = clients
    volunteering = Category.objects.get_or_create(name="志愿服务", defaults={"order": 50})[0]
    with running(host_a):
        steady = publish(street, host_a, world, design, "采样亭内部空间改造设计")
        closing = publish(street, host_a, world, design, "采样亭外立面改造设计")
        renamed = publish(street, host_a, world, volunteering, "老年助餐志愿者招募", "每天中午需要 4 名志愿者为独居老人送餐。")
        # The steady need was last changed long before the others: a catch-up that re-reads only the
        # rows changed since the index's stamp never sees it again.
        Need.objects.filter(uuid=steady).update(updated_at=timezone.now() - timezone.timedelta(days=30))
        with running(host_b):
            before = suggested(college, host_b, designers)
            assert {steady, closing} <= set(uuids(before)) and renamed not in uuids(before)
            assert all(complementary(s) for s in before)

        # B is down. Through A: new needs, one need closed, one rewritten into a design need, and the
        # street office reclassified as a school: its needs, the steady one too, no longer complement the
        # college's offer.
        added = [publish(street, host_a, world, design, f"采样亭改造设计（第{n}批）") for n in range(1, 4)]
        assert street.post(f"{host_a.url}{API}/needs/{closing}/close/", json={"note": "已由街道自行完成"}, timeout=20).status_code == 200
        body = {"title": "采样亭改造为便民服务点的设计", "category": str(design.uuid), "description": "需要设计团队一亭一方案。"}
        assert street.patch(f"{host_a.url}{API}/needs/{renamed}/", json=body, timeout=20).status_code == 200
        world.foreign_org.sector = "school"
        world.foreign_org.save()

        with running(host_b):  # on its index as it was before the outage
            expected = {*added, renamed, steady}
            seconds = wait_until(lambda: expected <= set(uuids(suggested(college, host_b, designers))), "B catching up")
            print(f"host B caught up {seconds:.2f} s after its restart")
            after = suggested(college, host_b, designers)

    assert closing not in uuids(after)
    assert not any(complementary(s) for s in after), after
    index = needs_index(host_b)
    open_needs = Need.objects.open()
    assert index.num_docs == open_needs.count() == 5
    assert all(index.contains(pk) for pk in open_needs.values_list("pk", flat=True))
    assert not index.contains(Need.objects.get(uuid=closing).pk)
