"""Load benchmark: the production server under a mixed load, then 2,000 members registering at once.

    nice .venv/bin/python benchmarks/load.py [--scale 0.25] [--users 20] [--duration 60] [--burst 2000]
                                             [--burst-seconds 30] [--capacity 500] [--reuse]

The server is the production one: gunicorn with deploy/gunicorn.conf.py (its default workers, two per core
plus one) and the settings docs/deployment.md gives (DEBUG off, real keys, secure cookies, the TLS-proxy
setting, the HTTPS redirect and HSTS), set up by deploy/host.py as tests/e2e/test_production.py does. It runs on
its own PostgreSQL database (``gj_load`` beside DATABASE_URL's, or on 127.0.0.1 as postgres), created afresh
unless --reuse finds an earlier load of the same scale. benchmarks/load_data.py loads the demo alliance and
--scale of benchmarks/insights.py's volume (0.25: 25,000 organizations, 12,500 people, 5,000 activities with
250,000 registrations, 25,000 needs and resources, 62,500 tasks, 750 agreements; about three minutes on two
busy cores), and the accounts and activities of the run.

Locust (as a library, headless) drives it on loopback, every request carrying ``X-Forwarded-Proto: https`` as
nginx would send it, with no think time, so requests per second measure what the server can serve:

* trivial: GET /health/ (one ``SELECT 1`` through the whole middleware stack), before and after the mixed run;
* mixed, --users users for --duration seconds:
  - members (6 in 10) log in through the form, browse the workbench, activity lists and pages, the needs hall
    and their activities, register for activities (form POST with CSRF) and check in with the QR link;
  - admins (2 in 10; district org admins, and alliance admins with TOTP) filter the directory, activity,
    registration and needs lists, and export activities, needs and attendance to Excel;
  - API clients (2 in 10; token auth) page through organizations, activities and needs;
* burst: --burst members, each already signed in and with the activity's page open (loaded just before),
  press 报名 for one activity of --capacity places, spread evenly over --burst-seconds; each browser then
  loads the page the POST redirects to.

Afterwards the database must show every member registered once, no more places taken than the capacity
(``burst_overbooked``), the places going to the first arrivals and the waitlist in arrival order: when
member A's response came back before member B's request was sent, A must be ahead of B. Every request must
succeed (``errors`` counts failed requests in all phases, plus sign-ups the database did not record). The
last line is:

    RESULT mixed_rps_vs_trivial=… mixed_p95_ms=… errors=… burst_overbooked=… burst_p95_ms=…

Targets: errors = 0, burst_overbooked = 0, waitlist order = arrival order.
"""

import argparse
import itertools
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from http.cookiejar import Cookie, DefaultCookiePolicy
from pathlib import Path

import gevent
from gevent.event import Event
from gevent.lock import BoundedSemaphore
from locust import FastHttpUser, constant, task
from locust.env import Environment
from locust.exception import StopUser

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
WORDS = "科技 党委 学院 街道 服务 智能 文化 志愿 社区 建设".split()
# Pages open in the burst's browsers at once before it starts (the rest wait their turn).
OPENING = 16
# nginx answers 504 when gunicorn takes longer than this (deploy/nginx/gongjian.conf).
NGINX_READ_TIMEOUT = int(re.search(r"proxy_read_timeout (\d+)s;", (ROOT / "deploy" / "nginx" / "gongjian.conf").read_text())[1])


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.25, help="fraction of the benchmark volume (benchmarks/insights.py's sizes)")
    parser.add_argument("--users", type=int, default=20, help="concurrent users of the mixed and trivial runs")
    parser.add_argument("--duration", type=int, default=60, help="seconds of the mixed run")
    parser.add_argument("--trivial", type=int, default=15, help="seconds of each trivial run (one before, one after)")
    parser.add_argument("--burst", type=int, default=2000, help="members registering in the burst")
    parser.add_argument("--burst-seconds", type=float, default=30)
    parser.add_argument("--capacity", type=int, default=500, help="places of the burst's activity")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: the config's)")
    parser.add_argument("--reuse", action="store_true", help="keep the gj_load database when it holds a load of this scale")
    parser.add_argument("--database", default="gj_load")
    return parser.parse_args()


def log(message):
    print(message, file=sys.stderr, flush=True)


# --- What the clients saw ------------------------------------------------------------------------


class Samples:
    """Every request's name, duration in ms, error (None when it succeeded) and completion time, per phase."""

    def __init__(self):
        self.phase = None
        self.rows = {}

    def listener(self, request_type, name, response_time, exception, **_kwargs):
        error = None if exception is None else str(exception)[:120]
        self.rows.setdefault(self.phase, []).append((name, response_time, error, time.monotonic()))

    def window(self, phase, start=None, end=None):
        return [r for r in self.rows.get(phase, []) if (start is None or r[3] >= start) and (end is None or r[3] <= end)]


def figures(rows, seconds=None) -> dict:
    times = sorted(r[1] for r in rows)
    if len(times) < 2:
        times = times * 2 or [0.0, 0.0]
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return {
        "n": len(rows),
        "errors": sum(1 for r in rows if r[2]),
        "rps": len(rows) / seconds if seconds else None,
        "p50": cuts[49],
        "p95": cuts[94],
        "p99": cuts[98],
    }


def line(label, f):
    rps = f"{f['rps']:8.1f}" if f["rps"] is not None else f"{'':>8}"
    return f"{label:44} {f['n']:7d} {rps} {f['p50']:9.1f} {f['p95']:9.1f} {f['p99']:9.1f} {f['errors']:7d}"


HEADER = f"{'':44} {'requests':>7} {'req/s':>8} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9} {'errors':>7}"


# --- Browsers and API clients --------------------------------------------------------------------


class Browser(FastHttpUser):
    """A browser behind nginx: the TLS proxy's header on every request, the page's origin on every POST."""

    abstract = True
    wait_time = constant(0)
    network_timeout = connection_timeout = 120.0
    plan: dict = {}

    def __init__(self, environment):
        super().__init__(environment)
        # Browsers count loopback as a secure origin and send it Secure cookies, as they do to nginx over TLS.
        self.client.cookiejar.set_policy(DefaultCookiePolicy(secure_protocols=("https", "wss", "http")))

    def send(self, method, path, name, expect=(200,), data=None, headers=None):
        """One request; anything but an expected status (a login page instead of the page, say) is a failure."""
        headers = {"X-Forwarded-Proto": "https", **(headers or {})}
        if method == "POST":
            headers["Origin"] = "https://" + self.host.split("://", 1)[1]
            headers["Referer"] = headers["Origin"] + path
        with self.client.request(method, path, name=name, data=data, headers=headers, allow_redirects=False, catch_response=True) as r:
            location = (r.headers or {}).get("Location", "")
            if r.status_code not in expect:
                r.failure(f"HTTP {r.status_code} {location}")
            elif "/accounts/" in location and not path.startswith("/accounts/"):
                r.failure(f"sent to {location}")
            return r

    def page(self, path, name):
        return self.send("GET", path, name)

    def form(self, path, name, page_path=None, data=None, page_name=None, follow=True):
        """Load the page holding the form, post it with the page's CSRF token, load the page it redirects to."""
        page = self.page(page_path or path, page_name or "page: " + name)
        token = CSRF.search(page.text or "")
        if token is None:
            return None
        posted = self.send("POST", path, name, expect=(302,), data={"csrfmiddlewaretoken": token[1], **(data or {})})
        if posted.status_code == 302 and follow:
            self.page(posted.headers["Location"], "page after " + name)
        return posted

    def log_in(self, username, totp_key=None):
        """The login form, and the second factor's form when the account has one (codes from its key)."""
        data = {"username": username, "password": self.plan["password"]}
        posted = self.form("/accounts/login/", "login", data=data, follow=totp_key is None)
        if posted is None or posted.status_code != 302:
            return False
        if totp_key:
            from django_otp.oath import totp

            posted = self.form("/accounts/two-factor/verify/", "second factor", data={"token": f"{totp(bytes.fromhex(totp_key)):06d}"})
        return posted is not None and posted.status_code == 302


ACCOUNTS = {}


class Counter:
    def __init__(self):
        self.n = 0

    def add(self):
        self.n += 1


# Users of the current run that have signed in.
SIGNED_IN = Counter()


def next_account(kind):
    return next(ACCOUNTS[kind])


class Member(Browser):
    fixed_count = 0

    def on_start(self):
        self.username = next_account("members")
        self.registered = set()
        if not self.log_in(self.username):
            raise StopUser()
        SIGNED_IN.add()

    @task(5)
    def browse(self):
        self.page("/", "workbench")
        self.page(random.choice(["/activities/", "/activities/?track=study", "/activities/?when=upcoming"]), "activity list")
        self.page(f"/activities/{random.choice(self.plan['pool'])}/", "activity page")

    @task(2)
    def register(self):
        choices = [u for u in self.plan["pool"] if u not in self.registered]
        if choices:
            uuid = random.choice(choices)
            self.registered.add(uuid)
            self.form(f"/activities/{uuid}/register/", "register", page_path=f"/activities/{uuid}/", page_name="activity page")

    @task(1)
    def check_in(self):
        today = random.choice(self.plan["today"])
        if today["uuid"] not in self.registered:
            self.registered.add(today["uuid"])
            self.form(
                f"/activities/{today['uuid']}/register/", "register", page_path=f"/activities/{today['uuid']}/", page_name="activity page"
            )
        link = f"/activities/{today['uuid']}/checkin/{today['token']}/"
        self.form(link, "check in", page_name="check-in page")

    @task(1)
    def elsewhere(self):
        self.page("/activities/mine/", "my activities")
        self.page("/exchange/hall/", "needs hall")


class Admin(Browser):
    fixed_count = 0

    def on_start(self):
        account = next_account("admins")
        if not self.log_in(account["username"], account.get("totp_key")):
            raise StopUser()
        SIGNED_IN.add()

    @task(4)
    def filter_lists(self):
        self.page(f"/orgs/?sector={random.choice(['enterprise', 'school', 'government'])}&q={random.choice(WORDS)}", "directory filtered")
        self.page(f"/activities/?track={random.choice(['study', 'build', 'create'])}&when=past", "activity list filtered")
        self.page(f"/exchange/needs/?status=published&q={random.choice(WORDS)}", "needs filtered")
        uuid = random.choice(self.plan["today"])["uuid"]
        self.page(f"/activities/{uuid}/registrations/?status=registered", "registrations filtered")

    @task(1)
    def export(self):
        self.page(f"/activities/?track={random.choice(['study', 'build', 'create'])}&when=past&export=xlsx", "export activities")
        self.page(f"/exchange/needs/?status=published&sector={random.choice(['enterprise', 'school'])}&export=xlsx", "export needs")
        self.page(f"/activities/{random.choice(self.plan['today'])['uuid']}/attendance.xlsx", "export attendance")


class ApiClient(Browser):
    fixed_count = 0

    def on_start(self):
        self.token = next_account("tokens")
        SIGNED_IN.add()

    @task
    def page_through(self):
        path = random.choice(
            ["/api/v1/orgs/organizations/?sector=enterprise", "/api/v1/activities/?track=study", "/api/v1/exchange/needs/?status=published"]
        )
        name = "API " + path.split("?")[0]
        for _page in range(5):
            r = self.send("GET", path, name, headers={"Authorization": f"Token {self.token}"})
            if r.status_code != 200:
                return
            following = r.json().get("next")
            if not following:
                return
            path = "/" + following.split("/", 3)[3]


class Trivial(Browser):
    fixed_count = 0

    def on_start(self):
        SIGNED_IN.add()

    @task
    def health(self):
        self.page("/health/", "health check")


# --- The burst -----------------------------------------------------------------------------------


class Burst:
    """The members' turns: all pages open first, then one press of 报名 every burst-seconds / n."""

    def __init__(self, members, seconds):
        self.members = list(members.items())
        random.shuffle(self.members)
        self.turns = iter(range(len(self.members)))
        self.interval = seconds / len(self.members)
        self.opening = BoundedSemaphore(OPENING)
        self.opened = 0
        self.ready = Event()
        self.finished = 0
        self.done = Event()
        self.start = None
        self.times = {}  # username -> (sent, answered, status)

    def page_open(self):
        self.opened += 1
        if self.opened == len(self.members):
            self.start = time.monotonic() + 1.0
            self.ready.set()

    def answered(self, username, sent, answered, status):
        self.times[username] = (sent, answered, status)

    def finish(self):
        self.finished += 1
        if self.finished == len(self.members):
            self.done.set()


class BurstMember(Browser):
    fixed_count = 0
    burst: Burst = None
    # Queued sign-ups wait in gunicorn's backlog; a browser waits that long, nginx would not (reported apart).
    network_timeout = connection_timeout = 600.0

    def on_start(self):
        self.turn = next(self.burst.turns)
        self.username, session = self.burst.members[self.turn]
        self.client.cookiejar.set_cookie(
            Cookie(0, "sessionid", session, None, False, "127.0.0.1", False, False, "/", True, True, None, True, None, None, {}, False)
        )

    @task
    def register(self):
        burst, uuid = self.burst, self.plan["popular"]["uuid"]
        with burst.opening:
            page = self.page(f"/activities/{uuid}/", "burst: activity page")
        token = CSRF.search(page.text or "")
        burst.page_open()
        burst.ready.wait()
        gevent.sleep(max(0.0, burst.start + self.turn * burst.interval - time.monotonic()))
        sent = time.monotonic()
        r = self.send(
            "POST",
            f"/activities/{uuid}/register/",
            "burst: register",
            expect=(302,),
            data={"csrfmiddlewaretoken": token[1] if token else ""},
        )
        burst.answered(self.username, sent, time.monotonic(), r.status_code)
        if r.status_code == 302:
            self.page(r.headers["Location"], "burst: page after register")
        burst.finish()
        burst.done.wait()
        gevent.sleep(3600)  # until the run is stopped; a finished browser is not replaced


# --- Running -------------------------------------------------------------------------------------


def run(url, users, samples, phase, seconds=None, until=None, spawn_rate=None):
    """Start the users, let them run for seconds (or until the event is set), stop them; the measuring window."""
    env = Environment(user_classes=list(users), host=url)
    env.events.request.add_listener(samples.listener)
    runner = env.create_local_runner()
    count = sum(u.fixed_count for u in users)
    samples.phase = phase
    SIGNED_IN.n = 0
    runner.start(count, spawn_rate=spawn_rate or count)
    deadline = time.monotonic() + 300
    # The window opens once every user has signed in (the burst's members already have).
    while (runner.user_count < count or (until is None and SIGNED_IN.n < count)) and time.monotonic() < deadline:
        gevent.sleep(0.1)
    start = time.monotonic()
    if until is not None:
        until.wait(timeout=seconds)
    else:
        gevent.sleep(seconds)
    end = time.monotonic()
    runner.quit()
    return start, end


def site_command(env, *args):
    """benchmarks/load_data.py with the host's environment; its progress goes to stderr, its answer is returned."""
    command = [sys.executable, str(ROOT / "benchmarks" / "load_data.py"), *args]
    output = subprocess.PIPE if args[0] == "check" else sys.stderr
    result = subprocess.run(command, cwd=ROOT, env=env, stdout=output, text=True, timeout=3600)
    if result.returncode != 0:
        raise SystemExit(f"load_data.py {args[0]} failed")
    return result.stdout


def order_violations(times, order, waitlist, capacity):
    """Pairs where A's answer came before B was sent but B is ahead of A; places that went to later arrivals."""
    rank = {name: i for i, (name, _status) in enumerate(order)}
    requests = sorted((t[0], t[1], rank[name]) for name, t in times.items() if name in rank)
    # Sweep by send time: the highest rank among requests answered before this one was sent.
    answered = sorted((answer, r) for _sent, answer, r in requests)
    violations, highest, i = 0, -1, 0
    for sent, _answer, r in requests:
        while i < len(answered) and answered[i][0] < sent:
            highest = max(highest, answered[i][1])
            i += 1
        violations += highest > r
    places = [rank[name] for name, status in order if status in ("registered", "attended")]
    queued = [rank[name] for name in waitlist]
    misplaced = sum(1 for p in places if queued and p > min(queued))
    return violations, misplaced


def main():
    args = parse_args()
    from deploy.host import Gunicorn, PostgresDatabase, free_port, new_keys, production_env

    var = ROOT / "var" / "bench" / "load"
    var.mkdir(parents=True, exist_ok=True)
    keys_file, plan_file = var / f"{args.database}-keys.json", var / f"{args.database}-plan.json"
    database = PostgresDatabase(os.environ.get("DATABASE_URL") or DEFAULT_SERVER, args.database)
    previous = json.loads(plan_file.read_text()) if plan_file.exists() else {}
    if not (args.reuse and database.exists() and keys_file.exists() and previous.get("scale") == args.scale):
        database.create()
        # Phone numbers are encrypted with these keys: a kept database keeps its keys.
        keys_file.write_text(json.dumps(new_keys()))
        os.chmod(keys_file, 0o600)
    port = free_port()
    env = production_env(var, port, database.database_url, json.loads(keys_file.read_text()), workers=args.workers)
    env["LOG_LEVEL"] = "WARNING"
    started = time.perf_counter()
    site_command(env, "prepare", str(plan_file), f"--scale={args.scale}", f"--burst={args.burst}", f"--capacity={args.capacity}")
    log(f"site prepared in {time.perf_counter() - started:.0f} s")
    plan = json.loads(plan_file.read_text())
    Browser.plan = plan

    samples = Samples()
    members = max(1, args.users * 6 // 10)
    admins = max(1, args.users * 2 // 10)
    api = max(1, args.users - members - admins)
    ACCOUNTS["members"] = itertools.cycle(plan["members"])
    ACCOUNTS["admins"] = itertools.cycle([{"username": u} for u in plan["district_admins"]] + plan["alliance_admins"])
    ACCOUNTS["tokens"] = itertools.cycle(plan["api_tokens"])
    Member.fixed_count, Admin.fixed_count, ApiClient.fixed_count, Trivial.fixed_count = members, admins, api, args.users

    with Gunicorn(env, var / "gunicorn.log") as server:
        cpu = os.times()
        load_before = os.getloadavg()
        windows = {
            "trivial": [run(server.url, [Trivial], samples, "trivial", args.trivial)],
            "mixed": [run(server.url, [Member, Admin, ApiClient], samples, "mixed", args.duration)],
        }
        windows["trivial"].append(run(server.url, [Trivial], samples, "trivial", args.trivial))
        load_before_burst = os.getloadavg()
        burst = Burst(plan["burst"], args.burst_seconds)
        BurstMember.burst, BurstMember.fixed_count = burst, len(plan["burst"])
        run(server.url, [BurstMember], samples, "burst", args.burst_seconds + 900, until=burst.done, spawn_rate=100)
        load_after = os.getloadavg()
        client_cpu = sum(os.times()[:2]) - sum(cpu[:2])
    check = json.loads(site_command(env, "check", str(plan_file)))

    # --- figures
    trivial_rows = [r for start, end in windows["trivial"] for r in samples.window("trivial", start, end)]
    trivial = figures(trivial_rows, sum(end - start for start, end in windows["trivial"]))
    ((mixed_start, mixed_end),) = windows["mixed"]
    mixed_rows = samples.window("mixed", mixed_start, mixed_end)
    mixed = figures(mixed_rows, mixed_end - mixed_start)
    burst_rows = samples.window("burst")
    registered = figures([r for r in burst_rows if r[0] == "burst: register"])
    sent = [t[0] for t in burst.times.values()] or [0.0]
    waited = [t[1] - t[0] for t in burst.times.values()]
    span = max(t[1] for t in burst.times.values()) - min(sent) if burst.times else 0.0

    capacity = check["capacity"]
    recorded = {name for name, _status in check["order"]}
    unrecorded = sum(1 for name in burst.times if name not in recorded)
    overbooked = max(0, check["counted"] - capacity)
    violations, misplaced = order_violations(burst.times, check["order"], check["waitlist"], capacity)
    failed = {phase: [r for r in rows if r[2]] for phase, rows in samples.rows.items()}
    errors = sum(len(rows) for rows in failed.values()) + unrecorded

    print()
    print(
        f"gunicorn with deploy/gunicorn.conf.py, {env['GUNICORN_WORKERS'] or 'its default'} workers, on {os.cpu_count()} cores; "
        f"scale {args.scale}; load average (1 min) {load_before[0]:.1f} at the start, {load_before_burst[0]:.1f} before the burst, "
        f"{load_after[0]:.1f} after it; load generator CPU {client_cpu:.0f} s"
    )
    print(HEADER)
    print(line(f"trivial: /health/, {args.users} users", trivial))
    print(line(f"mixed: {members} members, {admins} admins, {api} API clients", mixed))
    for name in sorted({r[0] for r in mixed_rows}):
        print(line("  " + name, figures([r for r in mixed_rows if r[0] == name], mixed_end - mixed_start)))
    for name in ("burst: activity page", "burst: register", "burst: page after register"):
        print(line(name, figures([r for r in burst_rows if r[0] == name])))
    print(
        f"burst: {len(burst.times)} sign-ups sent over {max(sent) - min(sent):.1f} s, the last answered {span:.1f} s after the first was sent "
        f"({len(burst.times) / span if span else 0:.1f}/s); {sum(w > NGINX_READ_TIMEOUT for w in waited)} waited longer than nginx's "
        f"{NGINX_READ_TIMEOUT} s proxy_read_timeout (behind nginx: 504)"
    )
    print(
        f"burst: {check['counted']} places of {capacity}, {len(check['waitlist'])} waitlisted, {unrecorded} not recorded; "
        f"out of arrival order (answered before another was sent, yet behind it): {violations}; places given to later arrivals: {misplaced}"
    )
    for phase, rows in failed.items():
        if rows:
            print(f"errors in {phase}: {len(rows)}, e.g. " + "; ".join(sorted({f"{r[0]}: {r[2]}" for r in rows})[:5]))
    print(
        f"RESULT mixed_rps_vs_trivial={mixed['rps'] / trivial['rps']:.3f} mixed_p95_ms={mixed['p95']:.0f} errors={errors} "
        f"burst_overbooked={overbooked} burst_p95_ms={registered['p95']:.0f}"
    )


if __name__ == "__main__":
    main()
