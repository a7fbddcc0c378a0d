"""News benchmark: the content-safety scan's throughput (more parts follow: public page, verify_published).

    nice .venv/bin/python benchmarks/news.py [--mb 20] [--seed 1] [--articles 10000] [--fetchers 4]

``--mb 2 --articles 1000`` is a quick run (about a minute); verify is still reported per 10,000 articles.

The scan part builds a corpus of real-looking party-building articles of 2–12 KB, at least
``--mb`` MB of UTF-8 in all, by mixing the clean lines of the scan's own test corpus
(gongjian/news/tests/data/safety_corpus.tsv) with the demo scenario's text; every
fiftieth article carries one spam line. Half the articles are plain text and half are
HTML bodies (paragraphs, links, bold) as the rich-text editor stores them. It builds a
Scanner from the default lists of migration 0001 (the same rows ``Scanner.from_db()``
reads on a fresh database), so no database is needed, then times

* building the matcher (normalising and compiling the lists; the first build also builds
  the per-process character table, reported apart),
* scanning every article once, on one core (CPU time of the process; the wall-clock
  figure is printed too, and is lower when the machine is busy).

Then, in a database of its own (SQLite under var/bench/news/, made afresh, or DATABASE_URL when
set; DEBUG off, as in the other benchmarks), it loads ``--articles`` published articles (10,000;
bodies of 2–6 KB from the same clean lines) with bulk_create, seals their first versions as
publishing does, and measures

* the public article page /news/<uuid>/ and the list /news/ as an anonymous visitor: median server
  time (the whole Django stack, in process, like benchmarks/directory.py) and queries;
* ``verify_published`` over every article through the real HTTP path: gunicorn started with
  deploy/gunicorn.conf.py on a free local port, the pages fetched by ``--fetchers`` threads over
  kept-alive connections (gunicorn's sync workers close each one; nginx in front keeps them), each
  compared with its seal and rescanned with the lists read from the database. Reported as seconds
  per 10,000 articles.

Each part is a function that returns its figures; the last line is machine-readable:

    RESULT scan_mb_per_s=… verify_10k_s=…

Targets: scan_mb_per_s ≥ 5, verify_10k_s ≤ 120.
"""

import argparse
import os
import random
import re
import sys
import time
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "gongjian" / "news" / "tests" / "data" / "safety_corpus.tsv"
SCENARIO = ROOT.parent / "shared" / "scenario" / "README.md"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="size of the scan corpus in MB of UTF-8")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--articles", type=int, default=10_000, help="published articles for the page and verify parts")
    parser.add_argument("--requests", type=int, default=25, help="timed requests per page (after warm-ups)")
    parser.add_argument("--fetchers", type=int, default=4, help="pages verify_published fetches at once")
    return parser.parse_args()


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjian.settings")
    import django

    django.setup()


def corpus_lines() -> tuple[list[str], list[str]]:
    """The corpus's clean plain-text lines (plus the scenario's prose) and its spam lines."""
    clean, spam = [], []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        expected, text = line.split("\t", 1)
        if "<" in text or "\\u" in text:
            continue
        (clean if expected == "ok" else spam).append(text)
    if SCENARIO.exists():
        for line in SCENARIO.read_text(encoding="utf-8").splitlines():
            line = re.sub(r"[*#`]+", "", line).strip(" -")
            if len(line) > 20 and "永利" not in line:
                clean.append(line)
    return clean, spam


def make_articles(target_bytes: int, rng: random.Random) -> list[tuple[str, bool]]:
    """(text, is_html) articles of 2–12 KB until ``target_bytes`` of UTF-8."""
    clean, spam = corpus_lines()
    articles, total = [], 0
    while total < target_bytes:
        paragraphs, size = [], rng.randint(2_000, 12_000)
        while sum(len(p.encode()) for p in paragraphs) < size:
            paragraphs.append("".join(rng.choice(clean) for _ in range(rng.randint(2, 6))))
        if len(articles) % 50 == 49:
            paragraphs.insert(rng.randrange(len(paragraphs)), rng.choice(spam))
        is_html = len(articles) % 2 == 1
        if is_html:
            body = "".join(
                f"<p>{p}</p>"
                if i % 4
                else f'<p><strong>{p.partition("。")[0]}</strong>{p.partition("。")[2]}<a href="https://www.12371.cn/">共产党员网</a></p>'
                for i, p in enumerate(paragraphs)
            )
        else:
            body = "\n".join(paragraphs)
        articles.append((body, is_html))
        total += len(body.encode())
    return articles


def default_scanner_lists():
    """The lists migration 0001 seeds: (terms, phrases, domains)."""
    seed = import_module("gongjian.news.migrations.0001_safety_terms")
    return [row[:4] for row in seed.TERMS], [p for p, _ in seed.PHRASES], [d for d, _ in seed.DOMAINS]


def bench_scan(args) -> dict:
    from gongjian.news.safety.detect import Scanner
    from gongjian.news.safety.normalise import normalise

    rng = random.Random(args.seed)
    articles = make_articles(int(args.mb * 1_000_000), rng)
    size = sum(len(text.encode()) for text, _ in articles)
    html_size = sum(len(text.encode()) for text, is_html in articles if is_html)

    started = time.perf_counter()
    normalise("繁體")  # builds the per-process character tables
    table_s = time.perf_counter() - started
    terms, phrases, domains = default_scanner_lists()
    started = time.perf_counter()
    scanner = Scanner(terms, phrases, domains)
    build_ms = (time.perf_counter() - started) * 1000

    # CPU time of this process: "one core", and not skewed by whatever else the machine runs.
    verdicts, text_s, html_s = {"ok": 0, "review": 0, "block": 0}, 0.0, 0.0
    wall_started = time.perf_counter()
    for text, is_html in articles:
        started = time.process_time()
        verdict = scanner.scan(text, html=is_html)
        elapsed = time.process_time() - started
        if is_html:
            html_s += elapsed
        else:
            text_s += elapsed
        verdicts[verdict.verdict] += 1
    wall_s = time.perf_counter() - wall_started
    mb_per_s = size / 1_000_000 / (text_s + html_s)
    print(
        f"scan: {len(articles)} articles, {size / 1_000_000:.1f} MB ({html_size / 1_000_000:.1f} MB HTML); "
        f"character table {table_s * 1000:.0f} ms once per process, matcher build {build_ms:.1f} ms; "
        f"plain text {(size - html_size) / 1_000_000 / text_s:.1f} MB/s, HTML {html_size / 1_000_000 / html_s:.1f} MB/s; "
        f"verdicts {verdicts}; {size / 1_000_000 / wall_s:.1f} MB/s by the wall clock"
    )
    print(f"scan_mb_per_s={mb_per_s:.1f}")
    return {"scan_mb_per_s": f"{mb_per_s:.1f}"}


# --- The public page and verify_published ----------------------------------------------------


def configure_database():
    """Before setup_django(): the parts below need a database, made afresh like benchmarks/directory.py's.

    With DATABASE_URL naming a PostgreSQL database that does not exist yet, it is created (UTF-8).
    """
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        server, name = url.rsplit("/", 1)
        with psycopg.connect(server + "/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    if not url:
        bench = ROOT / "var" / "bench" / "news"
        bench.mkdir(parents=True, exist_ok=True)
        os.environ["VAR_DIR"] = str(bench)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{bench / 'gongjian.sqlite3'}{suffix}").unlink(missing_ok=True)
    os.environ.setdefault("DEBUG", "False")
    os.environ.setdefault("LOG_LEVEL", "WARNING")


def load_published(args, rng: random.Random):
    """``--articles`` published articles with their sealed first versions, in bulk (no signals, no audit, no scan)."""
    import uuid
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from gongjian.accounts.models import User
    from gongjian.lib.richtext import clean_html
    from gongjian.news.models import Article, ArticleVersion
    from gongjian.news.seal import seal_fields
    from gongjian.orgs.models import Organization

    call_command("migrate", verbosity=0, interactive=False)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE news_articleversion, news_reviewstep, news_article_activities, news_article_agreements, "
                           "news_article_projects, news_article_organizations, news_articlevisit, news_article CASCADE")  # fmt: skip
    started = time.perf_counter()
    college = Organization.objects.get_or_create(name="基准学院党委", parent=None, defaults={"sector": "school", "kind": "committee"})[0]
    branch = Organization.objects.get_or_create(name="基准教工党支部", parent=college, defaults={"sector": "school", "kind": "branch"})[0]
    author = User.objects.get_or_create(username="bench_news_writer", defaults={"must_change_password": False})[0]
    # Lines without links: a title or summary cut inside a URL would name a domain off the allowlist.
    clean = [line for line in corpus_lines()[0] if "://" not in line and "www." not in line]
    short = [line for line in clean if len(line) <= 60]
    now = timezone.now()
    categories = ["work", "study", "showcase", "media"]
    articles = []
    for n in range(args.articles):
        paragraphs, size = [], rng.randint(2_000, 6_000)
        while sum(len(p.encode()) for p in paragraphs) < size:
            paragraphs.append("".join(rng.choice(clean) for _ in range(rng.randint(2, 4))))
        # Whole lines: a line cut short can leave a real name looking like spam ("…57001234银河" of 银河街道).
        title = f"{rng.choice(short)}（第{n + 1}篇）"
        category = categories[n % 4]
        articles.append(
            Article(
                uuid=uuid.uuid4(),
                title=title,
                summary=rng.choice(short),
                body=clean_html("".join(f"<p>{p}</p>" for p in paragraphs)),
                category=category,
                source_name="《上海宣传通讯》" if category == "media" else "",
                organization=branch,
                author=author,
                status="published",
                published_at=now - timedelta(minutes=n),
                version=1,
            )
        )
    Article.objects.bulk_create(articles, batch_size=500)
    versions = [
        ArticleVersion(
            article=a,
            number=1,
            title=a.title,
            summary=a.summary,
            body=a.body,
            published_at=a.published_at,
            **seal_fields(a.uuid, 1, a.title, a.body, ""),
        )
        for a in articles
    ]
    ArticleVersion.objects.bulk_create(versions, batch_size=500)
    with connection.cursor() as cursor:
        # Planner statistics (and PostgreSQL's visibility map), which autovacuum would gather soon after a bulk load anyway.
        cursor.execute("VACUUM ANALYZE news_article, news_articleversion" if connection.vendor == "postgresql" else "ANALYZE")
    size = sum(len(a.body.encode()) for a in articles)
    print(
        f"loaded {len(articles):,} published articles ({size / 1_000_000:.1f} MB of bodies), sealed, in {time.perf_counter() - started:.1f} s"
    )
    return articles


def timed_get(client, url, n):
    import statistics

    from django.db import connection

    for _ in range(3):
        assert client.get(url).status_code == 200, url
    queries = []
    # Counted as they run: with DEBUG off and a connection per request, Django keeps no query log.
    with connection.execute_wrapper(lambda execute, sql, params, many, context: queries.append(sql) or execute(sql, params, many, context)):
        client.get(url)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times) * 1000, len(queries)


def bench_page(args, articles) -> dict:
    from django.test import Client

    client = Client()  # an anonymous visitor, as the public sees the page
    article = articles[len(articles) // 2]
    page_ms, page_queries = timed_get(client, article.get_public_url(), args.requests)
    list_ms, list_queries = timed_get(client, "/news/", args.requests)
    print(
        f"page: article /news/<uuid>/ median {page_ms:.1f} ms, {page_queries} queries; list /news/ median {list_ms:.1f} ms, {list_queries} queries"
    )
    print(f"page_ms={page_ms:.1f} page_queries={page_queries}")
    return {}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url, seconds=60):
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url} within {seconds} s")


def _children_cpu(pid) -> float:
    """CPU seconds (user + system) of gunicorn's master and its workers, live and reaped, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid, *(int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]
    total = 0
    for each in pids:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
        if each == pid:
            total += int(fields[13]) + int(fields[14])  # workers that max_requests replaced, reaped by the master
    return total / tick


def bench_verify(args, articles) -> dict:
    import subprocess

    from gongjian.news.seal import verify_published

    port = _free_port()
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "DJANGO_SETTINGS_MODULE": "gongjian.settings"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/news/")
        # Every worker imports Django and fills its caches on its first requests: not part of a verify run.
        from concurrent.futures import ThreadPoolExecutor

        from gongjian.news.seal import fetch

        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(fetch, [base + a.get_public_url() for a in articles[:200]]))
        server_cpu_before = _children_cpu(server.pid)
        cpu_started, started = time.process_time(), time.perf_counter()
        report = verify_published(base, workers=args.fetchers)
        elapsed, client_cpu = time.perf_counter() - started, time.process_time() - cpu_started
        server_cpu = _children_cpu(server.pid) - server_cpu_before
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert report.checked == len(articles), report.checked
    per_10k = elapsed * 10_000 / len(articles)
    print(
        f"verify: {report.checked:,} published articles over HTTP (gunicorn, deploy/gunicorn.conf.py; {args.fetchers} fetchers) "
        f"in {elapsed:.1f} s, {report.checked / elapsed:.0f} pages/s; taken offline {len(report.offline)}, unreachable {len(report.unreachable)}; "
        f"CPU: verify_published {client_cpu:.1f} s, gunicorn {server_cpu:.1f} s (the wall clock exceeds their sum over "
        f"{len(os.sched_getaffinity(0))} cores when other work shares the machine)"
    )
    print(f"verify_10k_s={per_10k:.1f}")
    return {"verify_10k_s": f"{per_10k:.1f}"}


def main():
    args = parse_args()
    configure_database()
    setup_django()
    results = {}
    results.update(bench_scan(args))
    articles = load_published(args, random.Random(args.seed))
    results.update(bench_page(args, articles))
    results.update(bench_verify(args, articles))
    print("RESULT " + " ".join(f"{key}={value}" for key, value in results.items()))


if __name__ == "__main__":
    main()
