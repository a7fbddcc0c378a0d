"""News benchmark: the content-safety scan's throughput (more parts follow: public page, verify_published).

    nice .venv/bin/python benchmarks/news.py [--mb 20] [--seed 1]

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

Each part is a function that returns its figures; the last line is machine-readable:

    RESULT scan_mb_per_s=…

Target: scan_mb_per_s ≥ 5.
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
    from gongjian.news import safety

    rng = random.Random(args.seed)
    articles = make_articles(int(args.mb * 1_000_000), rng)
    size = sum(len(text.encode()) for text, _ in articles)
    html_size = sum(len(text.encode()) for text, is_html in articles if is_html)

    started = time.perf_counter()
    safety.normalise("繁體")  # builds the per-process character tables
    table_s = time.perf_counter() - started
    terms, phrases, domains = default_scanner_lists()
    started = time.perf_counter()
    scanner = safety.Scanner(terms, phrases, domains)
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


def main():
    args = parse_args()
    setup_django()
    results = {}
    results.update(bench_scan(args))
    print("RESULT " + " ".join(f"{key}={value}" for key, value in results.items()))


if __name__ == "__main__":
    main()
