"""Pages that offer a choice of organization, person or region, on a large database.

    DATABASE_URL=postgres://… python benchmarks/pickers.py [--orgs 100000 --people 500000] [--reuse] [--requests 3]

Loads the directory benchmark's synthetic data (benchmarks/directory.py: organizations in
committees with branches, people with one membership each), adds an org admin of one committee,
and requests each page as an alliance admin and as that org admin. Each line gives the page's
size, its number of <option> elements and the median server time; the last line names the worst
page:

    RESULT worst_page=… worst_kb=… worst_ms=… max_options=…
"""

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import directory  # noqa: E402  (the loader lives beside this script)

OPTION = re.compile(rb"<option\b")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=500_000)
    parser.add_argument("--requests", type=int, default=3, help="timed requests per page and role (after one warm-up)")
    parser.add_argument("--reuse", action="store_true", help="keep an already loaded database of the same size")
    parser.add_argument("--pages", nargs="*", help="default: the pages the scale test walks (gongjian/orgs/tests/test_picker_pages.py)")
    return parser.parse_args()


def org_admin():
    from gongjian.accounts.models import User
    from gongjian.orgs.models import Membership, Organization, Person

    user = User.objects.filter(username="bench-orgadmin").first()
    if user is None:
        top = Organization.objects.filter(parent__isnull=True, sector="enterprise").order_by("pk")[10]
        person = Person.objects.create(name="基准管理员")
        Membership.objects.create(person=person, organization=top, role=Membership.Role.ADMIN)
        user = User.objects.create(username="bench-orgadmin", person=person, must_change_password=False)
    return user


def measure(client, url, n):
    response = client.get(url)
    status = response.status_code
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return status, len(response.content), len(OPTION.findall(response.content)), statistics.median(times)


def main():
    sys.stdout.reconfigure(line_buffering=True)
    args = parse_args()
    admin = directory.ready(args)

    from django.test import Client

    from gongjian.lib.testing import sign_in
    from gongjian.orgs.tests.test_picker_pages import PAGES

    roles = {"alliance admin": admin, "org admin": org_admin()}
    rows = []
    print(f"{'page':34} {'role':15} {'status':>6} {'KB':>9} {'options':>8} {'ms':>9}")
    for url in args.pages or PAGES:
        for role, user in roles.items():
            status, size, options, ms = measure(sign_in(Client(), user), url, args.requests)
            rows.append((url, role, status, size, options, ms))
            print(f"{url:34} {role:15} {status:6} {size / 1024:9.1f} {options:8} {ms:9.0f}")
    # What a picker asks as the user types: a page of matches by pinyin initials or by name.
    from gongjian.orgs.models import Organization, pinyin_keys

    sample = Organization.objects.filter(parent__isnull=True, sector="enterprise").order_by("pk").values_list("name", flat=True)[100]
    initials = pinyin_keys(sample)[0]
    searches = [
        f"/orgs/pick/organizations-directory/?q={initials[:6]}",
        f"/orgs/pick/organizations-directory/?q={initials[:2]}",
        "/orgs/pick/organizations-directory/?q=智能装备",
        "/orgs/pick/organizations-directory/?q=zzz",
        "/orgs/pick/organizations-editable/?q=",
        "/orgs/pick/people/?q=wj",
        "/orgs/pick/people/?q=zzz",
        "/orgs/pick/regions/?q=gfl",
    ]
    for url in searches:
        for role, user in roles.items():
            status, size, options, ms = measure(sign_in(Client(), user), url, args.requests)
            rows.append((url, role, status, size, options, ms))
            print(f"{url:34} {role:15} {status:6} {size / 1024:9.1f} {options:8} {ms:9.0f}")
    worst = max(rows, key=lambda row: (row[3], row[5]))
    print(
        f"RESULT worst_page={worst[0]}({worst[1].replace(' ', '_')}) worst_kb={worst[3] / 1024:.0f} "
        f"worst_ms={max(row[5] for row in rows):.0f} max_options={max(row[4] for row in rows)}"
    )


if __name__ == "__main__":
    main()
