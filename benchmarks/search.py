"""The navbar's global search (gongjian.search) on a large database.

    nice python benchmarks/search.py [--orgs 100000 --people 500000] [--reuse] [--requests 5]

Loads the directory benchmark's synthetic data (benchmarks/directory.py), then asks /search/ and
GET /api/v1/search/ for a few typical texts (pinyin initials long and short, a name fragment, a
surname, a text nothing matches) as an alliance admin, as the org admin of one committee and as
a member of one branch. Each line gives the status, the page size, the number of queries and
the median server time; the last line names the slowest:

    RESULT worst_search=… worst_ms=… queries=…
"""

import argparse
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import directory  # noqa: E402  (the loader lives beside this script)
import pickers  # noqa: E402  (its org admin, shared so both scripts reuse one account)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=500_000)
    parser.add_argument("--requests", type=int, default=5, help="timed requests per search and role (after one warm-up)")
    parser.add_argument("--reuse", action="store_true", help="keep an already loaded database of the same size")
    return parser.parse_args()


def member():
    from gongjian.accounts.models import User
    from gongjian.orgs.models import Membership

    user = User.objects.filter(username="bench-member").first()
    if user is None:
        membership = Membership.objects.filter(role=Membership.Role.MEMBER, organization__kind="branch").order_by("pk")[1000]
        user = User.objects.create(username="bench-member", person=membership.person, must_change_password=False)
    return user


def measure(client, url, n):
    from django.db import connection

    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return response.status_code, len(response.content), len(executed), statistics.median(times)


def main():
    sys.stdout.reconfigure(line_buffering=True)
    args = parse_args()
    admin = directory.ready(args)

    from django.test import Client

    from gongjian.lib.testing import api_client_for, sign_in
    from gongjian.orgs.models import Organization, Person, pinyin_keys

    roles = {"alliance admin": admin, "org admin": pickers.org_admin(), "member": member()}
    sample = Organization.objects.filter(parent__isnull=True, sector="enterprise").order_by("pk").values_list("name", flat=True)[100]
    person = Person.objects.order_by("pk").values_list("name", flat=True)[12345]
    initials = pinyin_keys(sample)[0]
    texts = [initials[:6], initials[:2], "智能装备", person, "王", "zzz"]
    rows = []
    print(f"{'search':42} {'role':15} {'status':>6} {'KB':>7} {'queries':>7} {'ms':>8}")
    for text in texts:
        for role, user in roles.items():
            for kind, client, base in (("page", sign_in(Client(), user), "/search/"), ("api", api_client_for(user), "/api/v1/search/")):
                url = f"{base}?{urlencode({'q': text})}"
                status, size, queries, ms = measure(client, url, args.requests)
                label = f"{kind} {text}"
                rows.append((label, role, ms, queries))
                print(f"{label:42} {role:15} {status:6} {size / 1024:7.1f} {queries:7} {ms:8.0f}")
    worst = max(rows, key=lambda row: row[2])
    print(
        f"RESULT worst_search={worst[0].replace(' ', '_')}({worst[1].replace(' ', '_')}) worst_ms={worst[2]:.0f} "
        f"queries={min(row[3] for row in rows)}-{max(row[3] for row in rows)}"
    )


if __name__ == "__main__":
    main()
