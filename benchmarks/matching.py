"""Matching benchmark: quality on the real and generated sets, index build and memory, latency, against baselines.

    nice .venv/bin/python benchmarks/matching.py                      # 10k, 100k, 1,000,000 resources
    nice .venv/bin/python benchmarks/matching.py --sizes 10000,100000 # quicker
    nice .venv/bin/python benchmarks/matching.py --engines-1m         # also bm25s vs tantivy at 1M (slow)

Corpus: synthetic resources made from the words of the evaluation set's resources (each document
keeps ~75% of one real resource's words, adds six words drawn by corpus frequency and a place name),
so document frequencies look like real lists: 社区 is in half the documents, 党员 in a third. Each
document gets a category, a region in a 4-level tree (16 districts × 10 streets × 10 communities),
a sector, a capacity (12% have none left) and an organization. Queries are the evaluation set's
160 needs, each placed in a random community with random partners.

Each size runs in its own processes: one builds the index on disk (build time, peak RSS of the
build), a fresh one opens it as a web process would and answers queries (p50/p95 of the top 10 with
all factors, RSS held once warm; "cpu p50" is the process CPU time per query and "load" the load
average while it ran: on a shared machine wall time waits for a core). rank-bm25 (BM25Okapi over the same tokens, same queries, fewer of
them) is the baseline at 10k and 100k. The engine comparison times bm25s and tantivy on the same
tokenised corpus: the reason matching uses tantivy.

End to end at demo scale: a throwaway SQLite database with the demo alliance, suggestions asked as
the match tab asks (p50 over every open need and resource), with the partner lookup, the freshness
check and the ranking timed alone beside it.

Quality (gongjian/exchange/matching/evaluation.py): NDCG@10 and recall@10 on the real set
(tests/data/matching_real.json, hand-graded from published lists) and on the generated set (a
regression test), each against plain BM25 over all terms and character-bigram Jaccard, with paired
bootstrap 95% intervals, and an ablation that takes out each part alone. The last line is

    RESULT ndcg10_real=… ndcg10_real_bm25=… ndcg10_real_bigram=… ndcg10_real_ci_low=… p50_ms_demo=… p50_ms_1m=… speedup_100k=… index_mb_1m=…

where ndcg10_real_ci_low is the lower end of the 95% interval of (full − the better baseline).

Last full run (nice -n 10 .venv/bin/python benchmarks/matching.py --sizes 10000,100000,1000000
--engines-max 0 --queries 300, load average about 2 on the 2 shared cores):

    RESULT ndcg10_real=0.8812 ndcg10_real_bm25=0.7987 ndcg10_real_bigram=0.7307 ndcg10_real_ci_low=0.0512 p50_ms_demo=2.82 p50_ms_1m=9.73 speedup_100k=226 index_mb_1m=122

Under load 10-15 (other work on the machine) the wall figures grow 2-3×; the CPU columns do not.
"""

import argparse
import gc
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjian.settings")

EVAL_SET = ROOT / "tests" / "data" / "matching_eval.json"
SEED = 20230630
DISTRICTS, STREETS, COMMUNITIES = 16, 10, 10


# --------------------------------------------------------------------------- memory


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class PeakRSS:
    """Samples this process's RSS every 20 ms: the peak of a phase, not of the whole process."""

    def __init__(self):
        self.peak = rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_mb())

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())


# --------------------------------------------------------------------------- corpus


class Corpus:
    """Deterministic synthetic resources and need queries built from the evaluation set."""

    def __init__(self, seed=SEED):
        from gongjian.lib.text import cut

        data = json.loads(EVAL_SET.read_text(encoding="utf-8"))
        self.categories = {name: code for code, name in enumerate(data["categories"], start=1)}
        words = [cut(r["title"] + "。" + r["description"]) for r in data["resources"]]
        vocab = sorted({w for doc in words for w in doc})
        index = {w: i for i, w in enumerate(vocab)}
        self.n_words = len(vocab)
        names = [f"{a}{b}" for a in "东西南北中新老金银玉华明光春秋" for b in "桥港泾塘湾浜苑园里坊"]
        self.vocab = np.array(vocab + [n + s for n in names for s in ("居民区", "村", "小区", "社区")], dtype=object)
        self.base = [np.array([index[w] for w in doc]) for doc in words]
        self.base_category = np.array([self.categories[r["category"]] for r in data["resources"]])
        counts = np.bincount(np.concatenate(self.base), minlength=self.n_words)
        self.p = counts / counts.sum()
        self.needs = data["needs"]
        self.seed = seed

    def chunks(self, n, size=50_000):
        """(texts, fields) in chunks; fields are numpy columns for the non-text factors."""
        rng = np.random.default_rng(self.seed)
        for start in range(0, n, size):
            m = min(size, n - start)
            picks = rng.integers(len(self.base), size=m)
            extras = rng.choice(self.n_words, size=(m, 6), p=self.p)
            places = self.n_words + rng.integers(len(self.vocab) - self.n_words, size=m)
            texts = []
            for i in range(m):
                words = self.base[picks[i]]
                ids = np.concatenate([words[rng.random(len(words)) < 0.75], extras[i], places[i : i + 1]])
                rng.shuffle(ids)
                texts.append("".join(self.vocab[ids]))
            district = rng.integers(DISTRICTS, size=m)
            street = district * STREETS + rng.integers(STREETS, size=m)
            community = street * COMMUNITIES + rng.integers(COMMUNITIES, size=m)
            capacity = np.where(rng.random(m) < 0.12, 0, rng.integers(1, 50, size=m))
            fields = {
                "pk": np.arange(start + 1, start + m + 1),
                "category": np.where(rng.random(m) < 0.85, self.base_category[picks], rng.integers(1, 11, size=m)),
                "regions": np.stack([np.ones(m, int), 10 + district, 1000 + street, 100_000 + community], axis=1),
                "sector": rng.integers(1, 6, size=m),
                "capacity": capacity,
                "org": rng.integers(1, max(2, n // 20), size=m),
            }
            yield texts, fields

    def texts(self, n):
        return [t for texts, _ in self.chunks(n) for t in texts]

    def probes(self, n_docs, count, seed=1):
        """Need queries: the evaluation needs' text, a random community, category and five random partners."""
        from gongjian.exchange.matching.factors import Probe

        rng = np.random.default_rng(seed)
        probes = []
        for i in range(count):
            need = self.needs[i % len(self.needs)]
            community = int(rng.integers(DISTRICTS * STREETS * COMMUNITIES))
            street = community // COMMUNITIES
            probes.append(
                (
                    need["title"],
                    need["description"],
                    Probe(
                        terms=[],
                        category=self.categories[need["category"]],
                        regions=(1, 10 + street // STREETS, 1000 + street, 100_000 + community),
                        sector=int(rng.integers(1, 6)),
                        capacity=0,
                        org=int(rng.integers(1, max(2, n_docs // 20))),
                        partners=frozenset(int(x) for x in rng.integers(1, max(2, n_docs // 20), size=5)),
                    ),
                )
            )
        return probes


# --------------------------------------------------------------------------- workers (each in its own process)


def worker_build(n, path):
    from gongjian.exchange.matching.engine import Doc, MatchIndex, document_grams, document_terms

    corpus = Corpus()
    before = rss_mb()
    tokenize_s = 0.0
    started = time.perf_counter()
    with PeakRSS() as peak:
        index = MatchIndex(Path(path), create=True)

        def docs():
            nonlocal tokenize_s
            for texts, f in corpus.chunks(n):
                t = time.perf_counter()
                terms = [document_terms("", text) for text in texts]
                grams = [document_grams("", text) for text in texts]
                tokenize_s += time.perf_counter() - t
                for i, doc_terms in enumerate(terms):
                    yield Doc(
                        pk=int(f["pk"][i]),
                        terms=doc_terms,
                        grams=grams[i],
                        category=int(f["category"][i]),
                        regions=tuple(int(x) for x in f["regions"][i]),
                        sector=int(f["sector"][i]),
                        capacity=int(f["capacity"][i]),
                        org=int(f["org"][i]),
                        unit=int(f["org"][i]),
                    )

        index.write(docs(), heap=256_000_000, threads=1)
    total = time.perf_counter() - started
    disk = sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 2**20
    # Generating the synthetic text is part of the loop; time it alone to leave it out of the build time.
    t = time.perf_counter()
    for _ in corpus.chunks(n):
        pass
    generate_s = time.perf_counter() - t
    return {
        "build_s": total - generate_s,
        "tokenize_s": tokenize_s,
        "generate_s": generate_s,
        "build_peak_mb": peak.peak,
        "build_peak_above_start_mb": peak.peak - before,
        "disk_mb": disk,
        "docs": index.num_docs,
    }


def worker_serve(n, path, queries):
    """A web process: open the index from disk, answer need queries with all factors, in each fusion of the text score."""
    from dataclasses import replace

    from gongjian.exchange.matching import synonyms
    from gongjian.exchange.matching.engine import MatchIndex, document_grams, document_terms

    corpus = Corpus()
    probes = corpus.probes(n, queries)
    gc.collect()
    before = rss_mb()
    index = MatchIndex(Path(path))
    out = {}
    for fusion in ("sum", "rrf", "words"):
        latencies, cpu = [], []
        for round_ in range(2):  # the first round warms the page cache and the mapped files
            for title, description, probe in probes:
                t, c = time.perf_counter(), time.process_time()
                terms = document_terms(title, description)
                found_synonyms = synonyms.expand(f"{title}。{description}", terms, synonyms.thesaurus())
                asked = replace(probe, terms=terms, grams=document_grams(title, description), synonyms=found_synonyms)
                found = index.rank(asked, "resources", 10, fusion=fusion)
                if round_:
                    latencies.append((time.perf_counter() - t) * 1000)
                    cpu.append((time.process_time() - c) * 1000)
                assert len(found) == 10
        out[fusion] = {
            "p50_ms": float(np.percentile(latencies, 50)),
            "p95_ms": float(np.percentile(latencies, 95)),
            "cpu_p50_ms": float(np.percentile(cpu, 50)),
        }
    gc.collect()
    return {
        **out["sum"],
        "rrf_p50_ms": out["rrf"]["p50_ms"],
        "words_p50_ms": out["words"]["p50_ms"],
        "queries": queries,
        "index_mb": rss_mb() - before,
        "load": os.getloadavg()[0],
    }


def worker_rank_bm25(n, queries):
    from rank_bm25 import BM25Okapi

    from gongjian.exchange.matching.engine import document_terms

    corpus = Corpus()
    tokens = [document_terms("", text) for text in corpus.texts(n)]
    t = time.perf_counter()
    bm25 = BM25Okapi(tokens)
    build = time.perf_counter() - t
    del tokens
    latencies = []
    for title, description, _probe in corpus.probes(n, queries):
        t = time.perf_counter()
        scores = bm25.get_scores(document_terms(title, description))
        np.argpartition(-scores, 10)[:10]
        latencies.append((time.perf_counter() - t) * 1000)
    return {
        "build_s": build,
        "p50_ms": float(np.percentile(latencies, 50)),
        "p95_ms": float(np.percentile(latencies, 95)),
        "queries": queries,
    }


def worker_engine(engine, n, queries, path):
    """Text retrieval alone (top 200 candidates), bm25s or tantivy, same tokens, same selected query terms."""
    from gongjian.exchange.matching.engine import MIN_TERMS, Doc, MatchIndex, document_terms

    MAX_TERMS, MAX_DF = 12, 0.1  # the MoreLikeThis-style selection the engine used before it kept every term

    corpus = Corpus()
    tokens = [document_terms("", text) for text in corpus.texts(n)]
    queries_terms = [document_terms(title, description) for title, description, _ in corpus.probes(n, queries)]
    gc.collect()
    before = rss_mb()
    t = time.perf_counter()
    with PeakRSS() as peak:
        if engine == "bm25s":
            import bm25s

            model = bm25s.BM25(k1=1.2, b=0.75)
            model.index(tokens, show_progress=False)
            vocab = model.vocab_dict
            size_mb = sum(array.nbytes for array in model.scores.values() if hasattr(array, "nbytes")) / 2**20
            doc_freq = np.diff(model.scores["indptr"])

            def df(term):
                return doc_freq[vocab[term]] if term in vocab else 0

            def search(terms):
                scores = model.get_scores(terms)
                return np.argpartition(-scores, 200)[:200]
        else:
            import tantivy

            index = MatchIndex(Path(path), create=True)
            index.write((Doc(pk=i + 1, terms=t) for i, t in enumerate(tokens)), heap=256_000_000)
            searcher = index.index.searcher()
            size_mb = sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 2**20  # mapped, not copied

            def df(term):
                return searcher.doc_freq("body", term)

            def search(terms):
                query = tantivy.Query.boolean_query(
                    [(tantivy.Occur.Should, tantivy.Query.term_query(index.schema, "body", term)) for term in terms]
                )
                hits = searcher.search(query, 200, count=False).hits
                return searcher.fast_field_values("pk", [a for _, a in hits])

    build = time.perf_counter() - t
    del tokens
    gc.collect()
    result = {"build_s": build, "build_peak_above_start_mb": peak.peak - before, "index_mb": size_mb}
    for label, select in (("all_terms", False), ("selected_terms", True)):
        latencies = []
        for terms in queries_terms:
            unique = [term for term in dict.fromkeys(terms) if df(term) > 0]
            if select:  # as MatchIndex.select_terms: the rarest, none in more than MAX_DF of the documents
                unique.sort(key=df)
                selective = [term for term in unique if df(term) <= MAX_DF * n]
                unique = (selective if len(selective) >= MIN_TERMS else unique[:MIN_TERMS])[:MAX_TERMS]
            t = time.perf_counter()
            search(unique)
            latencies.append((time.perf_counter() - t) * 1000)
        result[label] = {"p50_ms": float(np.percentile(latencies[5:], 50)), "p95_ms": float(np.percentile(latencies[5:], 95))}
    return result


def worker_demo(rounds):
    """End-to-end suggestions on the demo alliance, as the match tab asks for them, and what they cost.

    A throwaway SQLite database under var/bench/matching/ gets the migrations and the demo
    (manage.py load_demo); the indexes are built once, then each open need and resource of the demo
    asks for its suggestions ``rounds`` times. Beside the total we time its parts alone: the partner
    lookup (probe_for), the freshness check (db_stamp of the index) and the ranking in the index.
    """
    bench = ROOT / "var" / "bench" / "matching"
    (bench / "static").mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(bench / "gongjian.sqlite3") + suffix).unlink(missing_ok=True)
    shutil.rmtree(bench / "match_index", ignore_errors=True)
    os.environ["VAR_DIR"] = str(bench)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from gongjian.exchange.matching import asking, store
    from gongjian.exchange.models import Need, Resource
    from gongjian.exchange.suggestions import suggestions

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))
    user = get_user_model().objects.filter(is_active=True, is_superuser=False).order_by("pk").first()
    items = list(Need.objects.open()) + list(Resource.objects.open())
    for kind in store.KINDS:
        store.rebuild(kind)

    def timed(fn):
        t, c = time.perf_counter(), time.process_time()
        fn()
        return (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000

    parts = {"total": [], "partners": [], "freshness": [], "ranking": []}
    cpu = {name: [] for name in parts}
    for round_ in range(rounds + 1):  # the first round warms the caches and the mapped files
        for item in items:
            kind = "resources" if isinstance(item, Need) else "needs"
            item = type(item).objects.select_related("organization__region", "region", "category").get(pk=item.pk)
            probe = asking.probe_for(item)
            measured = (
                timed(lambda item=item: suggestions(item, user)),
                timed(lambda item=item: asking.partners_of(item.organization)),
                timed(lambda kind=kind: store.db_stamp(kind)),
                timed(lambda kind=kind, probe=probe: store.current_slot(kind).index.rank(probe, kind, 20)),
            )
            if round_:
                for name, (wall, used) in zip(parts, measured, strict=True):
                    parts[name].append(wall)
                    cpu[name].append(used)
    out = {f"{name}_p50_ms": float(np.percentile(values, 50)) for name, values in parts.items()}
    out.update({f"{name}_cpu_p50_ms": float(np.percentile(values, 50)) for name, values in cpu.items()})
    out["total_p95_ms"] = float(np.percentile(parts["total"], 95))
    out["items"] = len(items)
    out["queries"] = len(parts["total"])
    out["load"] = os.getloadavg()[0]
    return out


def worker(args):
    if args.worker == "demo":
        out = worker_demo(args.queries)
    elif args.worker == "build":
        out = worker_build(args.size, args.path)
    elif args.worker == "serve":
        out = worker_serve(args.size, args.path, args.queries)
    elif args.worker == "rank_bm25":
        out = worker_rank_bm25(args.size, args.queries)
    else:
        out = worker_engine(args.worker.split(":")[1], args.size, args.queries, args.path)
    print("WORKER " + json.dumps(out))


def spawn(*argv) -> dict:
    done = subprocess.run([sys.executable, __file__, *argv], capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("WORKER ")]
    if done.returncode or not lines:
        raise SystemExit(f"worker {argv} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(lines[-1][len("WORKER ") :])


# --------------------------------------------------------------------------- main


def main():
    parser = argparse.ArgumentParser(description="Matching benchmark")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=400, help="need queries per size for our engine")
    parser.add_argument("--baseline-queries", type=int, default=30, help="queries for rank-bm25 (slow)")
    parser.add_argument("--baseline-max", type=int, default=100_000, help="largest size rank-bm25 runs at")
    parser.add_argument("--engines-max", type=int, default=100_000, help="largest size of the bm25s/tantivy comparison")
    parser.add_argument("--engines-1m", action="store_true", help="also compare bm25s and tantivy at 1,000,000 (minutes, GBs)")
    parser.add_argument("--demo-rounds", type=int, default=5, help="rounds of suggestions for every open demo item")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)

    sizes = [int(s) for s in args.sizes.split(",")]
    engines_max = 1_000_000 if args.engines_1m else args.engines_max
    scratch = Path(tempfile.mkdtemp(prefix="gj-match-bench-"))
    print(f"# machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, python {sys.version.split()[0]}, scratch {scratch}")
    results, baseline = {}, {}
    try:
        print("\n## Engine comparison: text retrieval only (top 200 candidates), same tokens and queries")
        print("# selected: the query's 12 rarest terms, none in more than 10% of the documents (the engine's old selection)")
        print(
            f"{'size':>9} {'engine':8} {'build s':>8} {'build peak MB':>14} {'index MB':>8} {'p50 all terms':>14} {'p50 selected':>13} {'p95 selected':>13}"
        )
        for n in [s for s in sizes if s <= engines_max]:
            for engine in ("bm25s", "tantivy"):
                r = spawn("--worker", f"engine:{engine}", "--size", str(n), "--queries", "100", "--path", str(scratch / f"e{n}"))
                shutil.rmtree(scratch / f"e{n}", ignore_errors=True)
                print(
                    f"{n:>9} {engine:8} {r['build_s']:8.1f} {r['build_peak_above_start_mb']:14.0f} {r['index_mb']:8.0f} "
                    f"{r['all_terms']['p50_ms']:12.2f}ms {r['selected_terms']['p50_ms']:11.2f}ms {r['selected_terms']['p95_ms']:11.2f}ms",
                    flush=True,
                )

        print("\n## Matching engine (tantivy + factors): build, memory, top-10 latency with all factors")
        print("# p50/p95: words + synonyms + bigram field in one query (weighted sum); rrf: two searches fused by rank; words: no bigrams")
        print(
            f"{'size':>9} {'build s':>8} {'tokenize s':>10} {'build peak MB':>14} {'disk MB':>8} {'index MB':>9} {'p50 ms':>7} {'p95 ms':>7} {'cpu p50':>8} {'rrf p50':>8} {'words p50':>9} {'load':>5}"
        )
        for n in sizes:
            path = scratch / f"idx{n}"
            built = spawn("--worker", "build", "--size", str(n), "--path", str(path))
            served = spawn("--worker", "serve", "--size", str(n), "--path", str(path), "--queries", str(args.queries))
            shutil.rmtree(path, ignore_errors=True)
            results[n] = {**built, **served}
            print(
                f"{n:>9} {built['build_s']:8.1f} {built['tokenize_s']:10.1f} {built['build_peak_mb']:14.0f} {built['disk_mb']:8.0f} "
                f"{served['index_mb']:9.0f} {served['p50_ms']:7.2f} {served['p95_ms']:7.2f} {served['cpu_p50_ms']:8.2f} "
                f"{served['rrf_p50_ms']:8.2f} {served['words_p50_ms']:9.2f} {served['load']:5.1f}",
                flush=True,
            )

        print("\n## Baseline: rank-bm25 (BM25Okapi, every document scored in Python) on the same corpus and queries")
        print(f"{'size':>9} {'build s':>8} {'p50 ms':>9} {'p95 ms':>9} {'ours p50':>9} {'speedup':>8}")
        for n in [s for s in sizes if s <= args.baseline_max]:
            r = spawn("--worker", "rank_bm25", "--size", str(n), "--queries", str(args.baseline_queries))
            baseline[n] = r
            speedup = r["p50_ms"] / results[n]["p50_ms"]
            print(
                f"{n:>9} {r['build_s']:8.1f} {r['p50_ms']:9.1f} {r['p95_ms']:9.1f} {results[n]['p50_ms']:9.2f} {speedup:7.0f}x", flush=True
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    print("\n## End-to-end suggestions at demo scale (manage.py load_demo, SQLite), and their parts alone")
    demo = spawn("--worker", "demo", "--queries", str(args.demo_rounds))
    print(f"{demo['items']} open needs and resources, {demo['queries']} suggestions, load average {demo['load']:.1f}; p50 wall (CPU):")
    print(
        f"total {demo['total_p50_ms']:.2f} ms ({demo['total_cpu_p50_ms']:.2f}), p95 {demo['total_p95_ms']:.2f}; "
        f"partner lookup {demo['partners_p50_ms']:.2f} ({demo['partners_cpu_p50_ms']:.2f}), freshness check "
        f"{demo['freshness_p50_ms']:.2f} ({demo['freshness_cpu_p50_ms']:.2f}), ranking {demo['ranking_p50_ms']:.2f} ({demo['ranking_cpu_p50_ms']:.2f})",
        flush=True,
    )

    from gongjian.exchange.matching import evaluation

    print("\n## Quality on the real set, tests/data/matching_real.json (hand-graded, from published lists)")
    real = evaluation.describe(evaluation.load(evaluation.REAL_SET), "real set")
    print("\n## Quality on the generated set, tests/data/matching_eval.json (regression test)")
    evaluation.describe(evaluation.load(evaluation.EVAL_SET), "generated set")

    better = max(("bm25", "bigram"), key=lambda name: real[name]["ndcg10"])
    largest = max(sizes)
    speed_at = 100_000 if 100_000 in baseline else (max(baseline) if baseline else None)
    speedup = (baseline[speed_at]["p50_ms"] / results[speed_at]["p50_ms"]) if speed_at else float("nan")
    if largest != 1_000_000:
        print(f"# p50_ms_1m and index_mb_1m below are at the largest size measured, {largest:,}")
    print(
        f"RESULT ndcg10_real={real['full']['ndcg10']:.4f} ndcg10_real_bm25={real['bm25']['ndcg10']:.4f} "
        f"ndcg10_real_bigram={real['bigram']['ndcg10']:.4f} ndcg10_real_ci_low={real[better]['ndcg10_diff_ci'][0]:.4f} "
        f"p50_ms_demo={demo['total_p50_ms']:.2f} p50_ms_1m={results[largest]['p50_ms']:.2f} "
        f"speedup_100k={speedup:.0f} index_mb_1m={results[largest]['index_mb']:.0f}"
    )


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
