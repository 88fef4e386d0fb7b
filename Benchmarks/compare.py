#!/usr/bin/env python3
"""`make compare`: Strata against the tools a user would pick instead, on the same data, in the
same run.

Each workload runs Strata and each anchor alternately, several times, each run in a fresh
process (so its peak memory is its own), both sides limited to the same thread count. The table
reports median seconds, peak resident memory, the ratio Strata/anchor, and whether both gave the
same answer. Data sets are generated once from a fixed seed and cached in .cache/compare.

Results go to BENCHMARKS.md at the repository root.
"""
import argparse
import datetime
import json
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import textwrap
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
# K-Means' randomized rows, quality compared as a mean over this many seeds per side: one seed's
# final inertia varies by ±4% here, so as many seeds as the anchor's time allows (scikit-learn's
# k-means++ takes 6 s a run, its mini-batch 18 s).
PLUSPLUS_SEEDS = 24
MINIBATCH_SEEDS = 16
CACHE = ROOT / ".cache" / "compare"


def numeric_csv(rows, cols=32, seed=1):
    """id + `cols` float columns with 6 decimals (1M rows ≈ 321 MB)."""
    path = CACHE / f"numeric_{rows}x{cols + 1}.csv"
    if path.exists():
        return path
    import numpy as np
    CACHE.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w") as f:
        f.write(",".join(["id"] + [f"f{i}" for i in range(cols)]) + "\n")
        step = 50_000
        for start in range(0, rows, step):
            block = rng.normal(0, 10, (min(step, rows - start), cols))
            f.write("\n".join(f"{start + i}," + ",".join("%.6f" % v for v in row) for i, row in enumerate(block)) + "\n")
    tmp.rename(path)
    return path


def run_json(cmd, env=None):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout)


ANCHOR_DUCKDB_CSV = textwrap.dedent("""
    import duckdb, json, resource, sys, time
    con = duckdb.connect()
    con.execute(f"SET threads={int(sys.argv[2])}")
    t = time.perf_counter()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{sys.argv[1]}')")
    s = time.perf_counter() - t
    cols = [r[0] for r in con.execute("DESCRIBE t").fetchall()]
    sums = con.execute("SELECT " + ", ".join(f"sum(\\"{c}\\")::DOUBLE" for c in cols) + " FROM t").fetchone()
    rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
    print(json.dumps({"seconds": s, "rows": rows, "sums": list(sums),
                      "peakRSSBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
""")

ANCHOR_PYARROW_CSV = textwrap.dedent("""
    import json, resource, sys, time
    import pyarrow as pa, pyarrow.csv as csv, pyarrow.compute as pc
    pa.set_cpu_count(int(sys.argv[2])); pa.set_io_thread_count(int(sys.argv[2]))
    t = time.perf_counter()
    table = csv.read_csv(sys.argv[1])
    s = time.perf_counter() - t
    sums = [float(pc.sum(table[c]).as_py() or 0) for c in table.column_names]
    print(json.dumps({"seconds": s, "rows": table.num_rows, "sums": sums,
                      "peakRSSBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
""")


ANCHOR_PYARROW_PARQUET = ANCHOR_PYARROW_CSV.replace("pyarrow.csv as csv", "pyarrow.parquet as pq").replace("csv.read_csv(", "pq.read_table(")

ANCHOR_DUCKDB_PARQUET = ANCHOR_DUCKDB_CSV.replace("read_csv(", "read_parquet(")


def numeric_parquet(rows, compression="snappy"):
    """The numeric CSV's table written by pyarrow with its defaults (snappy, dictionary on)."""
    path = CACHE / f"numeric_{rows}x33_{compression}.parquet"
    if not path.exists():
        import pyarrow.csv as pc, pyarrow.parquet as pq
        pq.write_table(pc.read_csv(numeric_csv(rows)), path, compression=compression)
    return path


def parquet_read_workload(args, rows):
    results = []
    for compression in ["snappy", "zstd"]:
        path = numeric_parquet(rows, compression)
        strata = [args.strata, "bench", "read", str(path), "--threads", str(args.threads), "--quiet"]
        anchors = {"pyarrow.parquet.read_table": [sys.executable, "-c", ANCHOR_PYARROW_PARQUET, str(path), str(args.threads)]}
        if compression == "snappy":
            anchors["DuckDB read_parquet"] = [sys.executable, "-c", ANCHOR_DUCKDB_PARQUET, str(path), str(args.threads)]
        results += read_comparison(args, f"Parquet read {rows:,}×33, pyarrow-written {compression} ({path.stat().st_size / 1e6:.0f} MB)",
                                   strata, anchors, lambda runs: "Strata peak includes the mapped file's pages")
    return results


def transactions_parquet(customers, rows, seed=11):
    """`rows` purchases of `customers` customers over three years, in random order (a log, not
    grouped by customer): customer_id int64, order_time timestamp[us], amount float64."""
    path = CACHE / f"transactions_{rows}_{customers}.parquet"
    if path.exists():
        return path
    import numpy as np, pyarrow as pa, pyarrow.parquet as pq
    CACHE.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    start = np.datetime64("2023-01-01T00:00:00", "us").astype(np.int64)
    span = 3 * 365 * 86_400 * 1_000_000
    table = pa.table({
        "customer_id": rng.integers(1, customers + 1, rows, dtype=np.int64),
        "order_time": pa.array(start + rng.integers(0, span, rows), pa.timestamp("us")),
        "amount": np.round(rng.gamma(2.0, 30.0, rows), 2),
    })
    pq.write_table(table, path)
    return path


ANCHOR_DUCKDB_ANALYTICS = textwrap.dedent("""
    import duckdb, json, resource, sys, time
    con = duckdb.connect()
    con.execute(f"SET threads={int(sys.argv[2])}")
    con.execute("SET enable_progress_bar = false")
    t0 = time.perf_counter()
    con.execute(f"CREATE TABLE t AS SELECT customer_id, order_time, amount FROM read_parquet('{sys.argv[1]}')")
    # RFM with rank-based quintiles (ties share the lowest rank) and lifetimes' daily summary.
    con.execute(
        "CREATE TABLE rfm AS "
        "WITH d AS (SELECT customer_id, CAST(order_time AS DATE) AS day, amount FROM t), "
        "edge AS (SELECT max(day) AS a FROM d), "
        "per AS (SELECT customer_id, max(day) AS last, min(day) AS first, count(*) AS n, sum(amount) AS total FROM d GROUP BY customer_id), "
        "daily AS (SELECT customer_id, day, sum(amount) AS s FROM d GROUP BY customer_id, day), "
        "lt AS (SELECT daily.customer_id, count(*) - 1 AS frequency, "
        "       sum(CASE WHEN daily.day > per.first THEN s ELSE 0 END) AS repeat_sum "
        "       FROM daily JOIN per USING (customer_id) GROUP BY daily.customer_id), "
        "base AS (SELECT per.*, (SELECT a FROM edge) - last AS recency_days, lt.frequency, lt.repeat_sum, "
        "         (SELECT a FROM edge) - first AS T FROM per JOIN lt USING (customer_id)) "
        "SELECT customer_id, recency_days, n AS purchases, total AS monetary_total, "
        "  1 + floor(5 * (rank() OVER (ORDER BY -recency_days) - 1) / count(*) OVER ()) AS r_score, "
        "  1 + floor(5 * (rank() OVER (ORDER BY n) - 1) / count(*) OVER ()) AS f_score, "
        "  1 + floor(5 * (rank() OVER (ORDER BY round(total, 6)) - 1) / count(*) OVER ()) AS m_score, "
        "  frequency, last - first AS recency, T, "
        "  CASE WHEN frequency > 0 THEN repeat_sum / frequency ELSE 0 END AS monetary_value "
        "FROM base")
    con.execute(
        "CREATE TABLE coh AS "
        "WITH m AS (SELECT customer_id, year(order_time) * 12 + month(order_time) - 1 AS p, amount FROM t), "
        "f AS (SELECT customer_id, min(p) AS c FROM m GROUP BY customer_id) "
        "SELECT f.c AS cohort, m.p - f.c AS k, count(DISTINCT m.customer_id) AS customers, sum(amount) AS revenue "
        "FROM m JOIN f USING (customer_id) GROUP BY 1, 2")
    s = time.perf_counter() - t0
    r = con.execute("SELECT count(*), sum(recency_days), sum(purchases), sum(monetary_total), sum(r_score), sum(f_score), "
                    "sum(m_score), sum(frequency), sum(recency), sum(T), sum(monetary_value) FROM rfm").fetchone()
    c = con.execute("SELECT count(*), sum(customers), sum(revenue) FROM coh").fetchone()
    names = ["customers", "recency_days", "purchases", "monetary_total", "r_score", "f_score", "m_score",
             "frequency", "recency", "T", "monetary_value"]
    checks = {k: float(v) for k, v in zip(names, r)}
    checks.update({"cohort_cells": float(c[0]), "cohort_customers": float(c[1]), "cohort_revenue": float(c[2])})
    print(json.dumps({"seconds": s, "checks": checks, "peakRSSBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
""")


def analytics_workload(args, customers, rows):
    path = transactions_parquet(customers, rows)
    strata = [args.strata, "bench", "analytics", str(path), "--threads", str(args.threads), "--quiet"]
    anchor = [sys.executable, "-c", ANCHOR_DUCKDB_ANALYTICS, str(path), str(args.threads)]
    s_runs, a_runs = [], []
    for _ in range(args.reps):
        s_runs.append(run_json(strata))
        a_runs.append(run_json(anchor))
    s_med = statistics.median(r["seconds"] for r in s_runs)
    a_med = statistics.median(r["seconds"] for r in a_runs)
    sc, ac = s_runs[0]["checks"], a_runs[0]["checks"]
    differ = [k for k in ac if abs(sc[k] - ac[k]) > 1e-6 * max(1.0, abs(ac[k]))]
    result = {
        "workload": f"Analytics: RFM + lifetimes + monthly cohorts, {rows:,} transactions of {customers:,} customers (Parquet)",
        "anchor": "DuckDB SQL",
        "strata_s": s_med, "anchor_s": a_med, "ratio": s_med / a_med,
        "strata_peak": max(r["peakRSSBytes"] for r in s_runs),
        "anchor_peak": max(r["peakRSSBytes"] for r in a_runs),
        "same": not differ,
        "note": "read included; checksums (sums of scores, lifetimes columns, cohort cells) equal" if not differ else f"checksums differ: {differ}",
    }
    print(f"  {result['workload']}: {s_med:.3f}s vs {a_med:.3f}s (ratio {s_med / a_med:.2f}), same answer: {not differ}", flush=True)
    if differ:
        print("   ", {k: (sc[k], ac[k]) for k in differ}, flush=True)
    return [result]


def segments_workload(args, customers):
    """`strata segments` with Data/segments.yaml (10 rules, 7 windowed event aggregates, consent) on
    generated profiles and their events; wall time of the whole command, reads included. No tool
    does this as one step, so there is no anchor."""
    profiles, events = CACHE / f"profiles_{customers}.parquet", CACHE / f"events_{customers}.parquet"
    if not (profiles.exists() and events.exists()):
        subprocess.run([args.strata, "generate", "--rows", str(customers), "--output", str(profiles), "--events", str(events),
                        "--quiet"], check=True)
    cmd = [args.strata, "segments", str(profiles), "--rules", str(ROOT / "Data" / "segments.yaml"), "--events", str(events),
           "--threads", str(args.threads), "--json"]
    times = []
    for _ in range(args.reps):
        t = time.perf_counter()
        out = run_json(cmd)
        times.append(time.perf_counter() - t)
    med = statistics.median(times)
    import pyarrow.parquet as pq
    n_events = pq.ParquetFile(events).metadata.num_rows
    result = {
        "workload": f"Analytics: rule segments, {customers:,} profiles, {n_events:,} events, 10 rules (Parquet)",
        "anchor": "—", "strata_s": med, "anchor_s": None, "ratio": None, "strata_peak": None, "anchor_peak": None,
        "same": out["included"] + out["excludedNoConsent"] + out["excludedConsentMissing"] == customers,
        "note": "whole command: both reads, aggregates, consent filter, rules, output",
    }
    print(f"  {result['workload']}: {med:.3f}s", flush=True)
    return [result]


def not_worse(strata_values, anchor_values):
    """Randomized algorithms: Strata's mean is not worse than the anchor's by more than two
    standard errors of the difference (Welch), nor by more than 2% when both are tight.
    Returns (ok, text) with means ± standard errors for the report."""
    s_mean, a_mean = statistics.mean(strata_values), statistics.mean(anchor_values)
    s_se = statistics.stdev(strata_values) / len(strata_values) ** 0.5 if len(strata_values) > 1 else 0.0
    a_se = statistics.stdev(anchor_values) / len(anchor_values) ** 0.5 if len(anchor_values) > 1 else 0.0
    allowance = max(2 * (s_se ** 2 + a_se ** 2) ** 0.5, 0.02 * a_mean * (s_se == a_se == 0))
    ok = s_mean <= a_mean + allowance
    return ok, f"{s_mean:.6g} ± {s_se:.2g} vs {a_mean:.6g} ± {a_se:.2g} (mean ± s.e. over {len(strata_values)} seeds each)"


def same_sums(a, b, rel=1e-9):
    return len(a) == len(b) and all(abs(x - y) <= rel * max(abs(x), abs(y), 1.0) for x, y in zip(a, b))


def read_comparison(args, workload, strata_cmd, anchors, note):
    """Alternating runs of `strata bench read` and each anchor on the same file; one row per anchor."""
    results = []
    for anchor, anchor_cmd in anchors.items():
        s_runs, a_runs = [], []
        for _ in range(args.reps):
            s_runs.append(run_json(strata_cmd))
            a_runs.append(run_json(anchor_cmd))
        s_med = statistics.median(r["seconds"] for r in s_runs)
        a_med = statistics.median(r["seconds"] for r in a_runs)
        same = s_runs[0]["rows"] == a_runs[0]["rows"] and same_sums(s_runs[0]["sums"], a_runs[0]["sums"])
        results.append({
            "workload": workload, "anchor": anchor,
            "strata_s": s_med, "anchor_s": a_med, "ratio": s_med / a_med,
            "strata_peak": max(r["peakRSSBytes"] for r in s_runs),
            "anchor_peak": max(r["peakRSSBytes"] for r in a_runs),
            "same": same, "note": note(s_runs),
        })
        print(f"  {workload} vs {anchor}: {s_med:.3f}s vs {a_med:.3f}s (ratio {s_med / a_med:.2f}), same answer: {same}", flush=True)
    return results


def csv_read_workload(args, rows):
    path = numeric_csv(rows)
    strata = [args.strata, "bench", "read", str(path), "--threads", str(args.threads), "--quiet"]
    anchors = {
        "DuckDB read_csv": [sys.executable, "-c", ANCHOR_DUCKDB_CSV, str(path), str(args.threads)],
        "pyarrow.csv.read_csv": [sys.executable, "-c", ANCHOR_PYARROW_CSV, str(path), str(args.threads)],
    }
    return read_comparison(args, f"CSV read {rows:,}×33 ({path.stat().st_size / 1e6:.0f} MB)", strata, anchors,
                           lambda runs: f"Strata peak = {max(r['peakRSSBytes'] for r in runs) / runs[0]['columnBytes']:.2f}× column data")


def blobs_f32(rows, dims=32, k=64, seed=3):
    """Gaussian blobs, float32 raw (rows × dims), and k initial centers drawn from the rows."""
    path = CACHE / f"blobs_{rows}x{dims}_k{k}.f32"
    init = CACHE / f"blobs_{rows}x{dims}_k{k}.init.f32"
    if path.exists() and init.exists():
        return path, init
    import numpy as np
    CACHE.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 3, (k, dims)).astype(np.float32)
    X = (centers[rng.integers(0, k, rows)] + rng.normal(0, 1.5, (rows, dims))).astype(np.float32)
    X.tofile(path)
    X[rng.choice(rows, k, replace=False)].tofile(init)
    return path, init


ANCHOR_KMEANS = textwrap.dedent("""
    import json, resource, sys, time
    import numpy as np
    from threadpoolctl import threadpool_limits
    # out: where the labels (mode fit) or the seeds (mode plusplus) go, "-" for nowhere.
    path, init, dims, k, max_iter, tol, threads, tool, out, mode, seed = sys.argv[1:12]
    seed = int(seed)
    dims, k, max_iter, tol, threads = int(dims), int(k), int(max_iter), float(tol), int(threads)
    X = np.fromfile(path, dtype=np.float32).reshape(-1, dims)
    C = np.fromfile(init, dtype=np.float32).reshape(-1, dims)
    result = {}
    with threadpool_limits(threads):
        if tool == "sklearn":
            from sklearn.cluster import KMeans, kmeans_plusplus, MiniBatchKMeans
            if mode == "minibatch":
                t = time.perf_counter(); km = MiniBatchKMeans(k, batch_size=1024, random_state=seed, n_init=1).fit(X); s = time.perf_counter() - t
                result = {"seconds": s, "inertia": float(km.inertia_), "iterations": int(km.n_steps_)}
            elif mode == "plusplus":
                t = time.perf_counter(); seeds, _ = kmeans_plusplus(X, k, random_state=seed); s = time.perf_counter() - t
                seeds.astype(np.float32).tofile(out)
                result = {"seconds": s}
            else:
                t = time.perf_counter()
                km = KMeans(k, init=C, n_init=1, max_iter=max_iter, tol=tol, algorithm="lloyd").fit(X)
                s = time.perf_counter() - t
                result = {"seconds": s, "inertia": float(km.inertia_), "iterations": int(km.n_iter_)}
                if out != "-":
                    km.labels_.astype(np.int32).tofile(out)
        else:
            import faiss
            faiss.omp_set_num_threads(threads)
            km = faiss.Kmeans(dims, k, niter=max_iter, nredo=1, verbose=False, max_points_per_centroid=10**9)
            t = time.perf_counter(); km.train(X, init_centroids=C); s = time.perf_counter() - t
            D, _ = km.index.search(X, 1)
            result = {"seconds": s, "inertia": float(D.sum()), "iterations": max_iter}
    result["peakRSSBytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(result))
""")


POTENTIALS = textwrap.dedent("""
    # Σ over the rows of the squared distance to the nearest of k seeds (float64), per seeds file.
    import json, sys
    import numpy as np
    path, dims, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    X = np.fromfile(path, dtype=np.float32).reshape(-1, dims).astype(np.float64)
    x2 = (X * X).sum(axis=1)
    out = []
    for seeds in sys.argv[4:]:
        C = np.fromfile(seeds, dtype=np.float32).reshape(k, dims).astype(np.float64)
        c2 = (C * C).sum(axis=1)
        out.append(sum(float(np.maximum(x2[lo:lo + 65536, None] - 2 * X[lo:lo + 65536] @ C.T + c2, 0).min(axis=1).sum())
                       for lo in range(0, len(X), 65536)))
    print(json.dumps({"potentials": out}))
""")


def kmeans_workloads(args, rows, dims=32, k=64):
    import numpy as np
    path, init = blobs_f32(rows, dims, k)
    label = f"{rows:,}×{dims} f32, k={k}"
    t = str(args.threads)

    def strata(max_iter, tol, labels_out=None, extra=()):
        cmd = [args.strata, "bench", "kmeans", str(path), "--dims", str(dims), "--k", str(k), "--max-iter", str(max_iter),
               "--tol", str(tol), "--threads", t] + list(extra)
        if labels_out:
            cmd += ["--labels-out", labels_out]
        return run_json(cmd)

    def anchor(tool, max_iter, tol, labels_out="-", mode="fit", seed=0, threads=None):
        # The thread count through the environment too: threadpool_limits only reaches the
        # OpenMP runtime of libraries imported before it, and scikit-learn is imported inside it.
        env = dict(os.environ, OMP_NUM_THREADS=threads or t, OPENBLAS_NUM_THREADS=threads or t)
        return run_json([sys.executable, "-c", ANCHOR_KMEANS, str(path), str(init), str(dims), str(k), str(max_iter),
                         str(tol), threads or t, tool, labels_out, mode, str(seed)], env=env)

    results = []
    # Time per iteration: (T(10) − T(1)) / 9 on each side, from the same initial centers; Strata
    # both as plain Lloyd and with its default (auto → Hamerly, the same result).
    for algorithm in ["lloyd", "auto"]:
        for tool, name in [("sklearn", "scikit-learn KMeans lloyd"), ("faiss", "FAISS Kmeans")]:
            s_per, a_per, s_inertia, a_inertia = [], [], None, None
            extra = ["--init-centers", str(init), "--algorithm", algorithm]
            for _ in range(args.reps):
                s1 = strata(1, 0, extra=extra); s10 = strata(10, 0, extra=extra)
                a1 = anchor(tool, 1, 0); a10 = anchor(tool, 10, 0)
                s_per.append((s10["seconds"] - s1["seconds"]) / 9); a_per.append((a10["seconds"] - a1["seconds"]) / 9)
                s_inertia, a_inertia = s10["inertia"], a10["inertia"]
            s_med, a_med = statistics.median(s_per), statistics.median(a_per)
            same = abs(s_inertia - a_inertia) <= 1e-3 * a_inertia
            what = "Lloyd" if algorithm == "lloyd" else "auto (Hamerly)"
            results.append({"workload": f"K-Means {what}, time per iteration, first 10 ({label})", "anchor": name, "strata_s": s_med,
                            "limit_s": 2 * rows * k * dims / (sgemm_rate(args) * 1e9),
                            "anchor_s": a_med, "ratio": s_med / a_med, "strata_peak": s10["peakRSSBytes"], "anchor_peak": a10["peakRSSBytes"],
                            "same": same, "note": f"inertia after 10 iterations {s_inertia:.6g} vs {a_inertia:.6g}"})
            print(f"  {what} per iteration vs {name}: {s_med:.4f}s vs {a_med:.4f}s (ratio {s_med / a_med:.2f})", flush=True)

    # To convergence from the same init (scikit-learn's tol = 1e-4), labels compared.
    s_runs, a_runs = [], []
    for _ in range(args.reps):
        s_runs.append(strata(300, 1e-4, str(CACHE / "labels_strata.i32"), extra=["--init-centers", str(init)]))
        a_runs.append(anchor("sklearn", 300, 1e-4, str(CACHE / "labels_sklearn.i32")))
    ls = np.fromfile(CACHE / "labels_strata.i32", dtype=np.int32)
    la = np.fromfile(CACHE / "labels_sklearn.i32", dtype=np.int32)
    identical = float((ls == la).mean())
    # The yardstick for float32: scikit-learn's own labels on one thread against its labels on
    # args.threads (its center sums are float32, grouped by thread).
    anchor("sklearn", 300, 1e-4, str(CACHE / "labels_sklearn_1t.i32"), threads="1")
    self_identical = float((np.fromfile(CACHE / "labels_sklearn_1t.i32", dtype=np.int32) == la).mean())
    s_med = statistics.median(r["seconds"] for r in s_runs); a_med = statistics.median(r["seconds"] for r in a_runs)
    results.append({"workload": f"K-Means to convergence, same init ({label})", "anchor": "scikit-learn KMeans lloyd",
                    "strata_s": s_med, "anchor_s": a_med, "ratio": s_med / a_med,
                    "strata_peak": max(r["peakRSSBytes"] for r in s_runs), "anchor_peak": max(r["peakRSSBytes"] for r in a_runs),
                    "same": identical >= 0.995 and abs(s_runs[0]["inertia"] - a_runs[0]["inertia"]) <= 1e-4 * a_runs[0]["inertia"],
                    "note": f"{identical * 100:.4f}% labels identical (float32; scikit-learn on 1 thread vs {t}: {self_identical * 100:.4f}%); iterations {s_runs[0]['iterations']} vs {a_runs[0]['iterations']}; inertia {s_runs[0]['inertia']:.8g} vs {a_runs[0]['inertia']:.8g}"})
    print(f"  to convergence: {s_med:.3f}s vs {a_med:.3f}s, labels identical {identical * 100:.4f}% "
          f"(scikit-learn 1 vs {t} threads: {self_identical * 100:.4f}%)", flush=True)

    # k-means++ seeding time; quality of each side's seeds by their potential (Σ D² to the nearest
    # seed) and by the inertia Lloyd reaches from them, both sides' seeds run through the same
    # Lloyd (Strata's, whose labels equal scikit-learn's to 0.1%), so only the seeding differs.
    # PLUSPLUS_SEEDS seeds per side. The potentials
    # come from a child process at the end: a child forked from a parent holding the matrix would
    # report the parent's resident set as its own peak.
    s_runs, a_runs, s_fits, a_fits, s_files, a_files = [], [], [], [], [], []
    for rep in range(max(args.reps, PLUSPLUS_SEEDS)):
        s_files.append(str(CACHE / f"seeds_strata_{rep}.f32")); a_files.append(str(CACHE / f"seeds_sklearn_{rep}.f32"))
        s_runs.append(strata(300, 1e-4, extra=["--init-only", "--seed", str(rep), "--centers-out", s_files[-1]]))
        a_runs.append(anchor("sklearn", 300, 1e-4, labels_out=a_files[-1], mode="plusplus", seed=rep))
        s_fits.append(strata(300, 1e-4, extra=["--init-centers", s_files[-1]])["inertia"])
        a_fits.append(strata(300, 1e-4, extra=["--init-centers", a_files[-1]])["inertia"])
    pots = run_json([sys.executable, "-c", POTENTIALS, str(path), str(dims), str(k)] + s_files + a_files)["potentials"]
    s_pot, a_pot = pots[:len(s_files)], pots[len(s_files):]
    s_med = statistics.median(r["seconds"] for r in s_runs); a_med = statistics.median(r["seconds"] for r in a_runs)
    ok_pot, pot_text = not_worse(s_pot, a_pot)
    ok_fit, fit_text = not_worse(s_fits, a_fits)
    results.append({"workload": f"K-Means k-means++ seeding ({label})", "anchor": "sklearn.cluster.kmeans_plusplus",
                    "strata_s": s_med, "anchor_s": a_med, "ratio": s_med / a_med,
                    "strata_peak": max(r["peakRSSBytes"] for r in s_runs), "anchor_peak": max(r["peakRSSBytes"] for r in a_runs),
                    "same": ok_pot and ok_fit,
                    "note": f"potential of the seeds {pot_text}; final inertia after the same Lloyd from each side's seeds {fit_text}"})
    print(f"  k-means++: {s_med:.3f}s vs {a_med:.3f}s, potential {pot_text}, final inertia {fit_text}", flush=True)

    # Mini-batch, batch 1024, scikit-learn's defaults otherwise; quality by the mean full-data
    # inertia over MINIBATCH_SEEDS seeds per side.
    s_runs, a_runs = [], []
    for rep in range(max(args.reps, MINIBATCH_SEEDS)):
        s_runs.append(strata(100, 0, extra=["--algorithm", "minibatch", "--seed", str(rep)]))
        a_runs.append(anchor("sklearn", 100, 0, mode="minibatch", seed=rep))
    s_med = statistics.median(r["seconds"] for r in s_runs); a_med = statistics.median(r["seconds"] for r in a_runs)
    ok, quality = not_worse([r["inertia"] for r in s_runs], [r["inertia"] for r in a_runs])
    results.append({"workload": f"K-Means mini-batch, batch 1024 ({label})", "anchor": "scikit-learn MiniBatchKMeans",
                    "strata_s": s_med, "anchor_s": a_med, "ratio": s_med / a_med,
                    "strata_peak": max(r["peakRSSBytes"] for r in s_runs), "anchor_peak": max(r["peakRSSBytes"] for r in a_runs),
                    "same": ok, "note": f"final inertia {quality}; steps {s_runs[0]['iterations']} vs {a_runs[0]['iterations']}"})
    print(f"  mini-batch: {s_med:.3f}s vs {a_med:.3f}s, final inertia {quality}", flush=True)
    return results


def kmeans_scale_workload(args, rows=10_000_000, dims=32, k=256):
    """A 10M × 32, k = 256 fit to convergence (scikit-learn's defaults: tol 1e-4, at most 300
    iterations), Strata alone: its goal is peak memory ≤ 2× the feature matrix."""
    import numpy as np
    path, _ = blobs_f32(rows, dims, 64)
    init = CACHE / f"blobs_{rows}x{dims}_k{k}.init.f32"
    if not init.exists():
        X = np.memmap(path, dtype=np.float32, mode="r").reshape(-1, dims)
        rng = np.random.default_rng(k)
        np.asarray(X[np.sort(rng.choice(rows, k, replace=False))]).tofile(init)
    r = run_json([args.strata, "bench", "kmeans", str(path), "--dims", str(dims), "--k", str(k), "--init-centers", str(init),
                  "--threads", str(args.threads)])
    ratio = r["peakRSSBytes"] / r["matrixBytes"]
    print(f"  {rows:,}×{dims}, k={k}: {r['seconds']:.1f}s, {r['iterations']} iterations, peak {ratio:.2f}× the matrix", flush=True)
    return [{"workload": f"K-Means fit, {rows:,}×{dims} f32, k={k} (auto, to convergence or 300 iterations)",
             "anchor": "none (goal: peak ≤ 2× the feature matrix)", "strata_s": r["seconds"], "anchor_s": None, "ratio": None,
             "strata_peak": r["peakRSSBytes"], "anchor_peak": None, "same": ratio <= 2,
             "note": f"peak {ratio:.2f}× the {r['matrixBytes'] / 2**20:,.0f} MiB matrix; {r['iterations']} iterations; inertia {r['inertia']:.6g}"}]


ANCHOR_FASTCLUSTER = textwrap.dedent("""
    import json, resource, sys, time
    import numpy as np, fastcluster
    x = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1, dtype=np.float64)[:, 1:]
    method, vector = sys.argv[2], sys.argv[3] == "vector"
    t = time.perf_counter()
    z = fastcluster.linkage_vector(x, method=method) if vector else fastcluster.linkage(x, method=method)
    s = time.perf_counter() - t
    np.save(sys.argv[4], z)
    print(json.dumps({"seconds": s, "peakRSSBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
""")


def same_linkage(strata_z_csv, anchor_z_npy, rel=1e-6):
    """The same merges row for row (ids and sizes) and heights within `rel` (fastcluster's last
    bits differ from scipy's, which Strata matches)."""
    import numpy as np
    a = np.load(anchor_z_npy)
    s = np.loadtxt(strata_z_csv, delimiter=",", skiprows=1)
    if s.shape != a.shape:
        return False, "shapes differ"
    merges = (s[:, [0, 1, 3]] == a[:, [0, 1, 3]]).all(axis=1)
    heights = np.abs(s[:, 2] - a[:, 2]) <= rel * np.maximum(np.abs(a[:, 2]), 1e-300)
    same = merges & heights
    first = int(np.argmin(same)) if not same.all() else -1
    return bool(same.all()), (f"Z identical row for row (heights within {rel:g})" if first < 0
                              else f"Z differs from row {first} of {len(a)} ({100 * same.mean():.2f}% rows equal)")


def hierarchy_workloads(args):
    """Hierarchical clustering against fastcluster on the same rows (float64 on both sides;
    fastcluster is single-threaded), and the two-stage mode on 1M rows (no anchor can run Ward there)."""
    cases = [("ward", "vector", 20_000), ("single", "vector", 20_000), ("centroid", "vector", 20_000), ("average", "matrix", 20_000)]
    if not args.quick:
        cases += [("ward", "vector", 50_000), ("single", "vector", 50_000)]
    results = []
    for method, kind, rows in cases:
        path = numeric_csv(rows)
        reps = 1 if rows > 20_000 else min(args.reps, 3)
        z_strata, z_anchor = CACHE / "z_strata.csv", CACHE / "z_anchor.npy"
        strata = [args.strata, "hcluster", str(path), "--id", "id", "--linkage", method, "--k", "8", "--standardize", "none",
                  "--precision", "float64", "--threads", str(args.threads), "--json", "--linkage-out", str(z_strata)]
        anchor = [sys.executable, "-c", ANCHOR_FASTCLUSTER, str(path), method, kind, str(z_anchor)]
        s_runs, a_runs = [], []
        for _ in range(reps):
            s_runs.append(run_json(strata))
            a_runs.append(run_json(anchor))
        same, z_note = same_linkage(z_strata, z_anchor)
        one = run_json(strata[:strata.index("--threads")] + ["--threads", "1", "--json"])
        f32 = run_json(strata[:strata.index("--precision")] + ["--precision", "float32", "--threads", str(args.threads), "--json"])
        s_med = statistics.median(r["seconds"] for r in s_runs); a_med = statistics.median(r["seconds"] for r in a_runs)
        name = f"fastcluster.{'linkage_vector' if kind == 'vector' else 'linkage'}({method})"
        results.append({"workload": f"Hierarchical {method} linkage, {rows:,}×32 f64", "anchor": name,
                        "strata_s": s_med, "anchor_s": a_med, "ratio": s_med / a_med,
                        "strata_peak": max(r.get("peakRSSBytes", 0) for r in s_runs), "anchor_peak": max(r["peakRSSBytes"] for r in a_runs),
                        "same": same, "note": f"{z_note}; Strata on 1 thread {one['seconds']:.3f} s, float32 {f32['seconds']:.3f} s; "
                                              f"cophenetic correlation {s_runs[0]['copheneticCorrelation']:.4f}"})
        print(f"  {method} {rows}: {s_med:.3f}s vs {a_med:.3f}s (ratio {s_med / a_med:.3f}); {z_note}", flush=True)
    rows = 200_000 if args.quick else 1_000_000
    path = numeric_csv(rows)
    r = run_json([args.strata, "hcluster", str(path), "--id", "id", "--micro-clusters", "2000", "--k", "8",
                  "--threads", str(args.threads), "--json"])
    results.append({"workload": f"Hierarchical ward, two-stage (2,000 K-Means micro-clusters), {rows:,}×32 f32", "anchor": "none (O(n²) Ward is out of reach)",
                    "strata_s": r["seconds"], "anchor_s": None, "ratio": None, "strata_peak": r.get("peakRSSBytes", 0), "anchor_peak": None,
                    "same": True, "note": f"{r['clusters']} clusters; K-Means stage capped at 30 iterations; goal: within 60 s"})
    print(f"  two-stage ward {rows}: {r['seconds']:.3f}s", flush=True)
    return results


ANCHOR_IFOREST = textwrap.dedent("""
    import json, resource, sys, time
    import numpy as np
    from threadpoolctl import threadpool_limits
    from sklearn.ensemble import IsolationForest
    x = np.fromfile(sys.argv[1], dtype=np.float32).reshape(-1, int(sys.argv[2]))
    with threadpool_limits(int(sys.argv[3])):
        t = time.perf_counter()
        model = IsolationForest(n_estimators=100, random_state=int(sys.argv[5]), n_jobs=int(sys.argv[3])).fit(x)
        f = time.perf_counter()
        scores = model.score_samples(x)
        e = time.perf_counter()
    scores.astype(np.float64).tofile(sys.argv[4])
    print(json.dumps({"seconds": e - t, "fitSeconds": f - t, "scoreSeconds": e - f,
                      "peakRSSBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
""")


def anomalies_f32(rows, dims=32, share=0.005, seed=4):
    """The K-Means blobs with `share` of the rows replaced by points uniform in the data's box."""
    path, labels = CACHE / f"anomalies_{rows}x{dims}.f32", CACHE / f"anomalies_{rows}x{dims}.labels"
    if path.exists() and labels.exists():
        return path, labels
    import numpy as np
    blobs, _ = blobs_f32(rows, dims)
    x = np.fromfile(blobs, dtype=np.float32).reshape(rows, dims).copy()
    rng = np.random.default_rng(seed)
    odd = rng.choice(rows, int(share * rows), replace=False)
    lo, hi = x.min(axis=0), x.max(axis=0)
    x[odd] = rng.uniform(lo, hi, (len(odd), dims)).astype(np.float32)
    y = np.zeros(rows, dtype=np.int8)
    y[odd] = 1
    x.tofile(path)
    y.tofile(labels)
    return path, labels


def iforest_workload(args, rows, dims=32):
    import numpy as np
    from sklearn.metrics import roc_auc_score
    path, labels = anomalies_f32(rows, dims)
    y = np.fromfile(labels, dtype=np.int8)
    s_runs, a_runs, s_auc, a_auc = [], [], [], []
    for rep in range(args.reps):
        s_runs.append(run_json([args.strata, "bench", "iforest", str(path), "--dims", str(dims), "--seed", str(rep),
                                "--threads", str(args.threads), "--scores-out", str(CACHE / "scores_strata.f64")]))
        a_runs.append(run_json([sys.executable, "-c", ANCHOR_IFOREST, str(path), str(dims), str(args.threads),
                                str(CACHE / "scores_sklearn.f64"), str(rep)]))
        s_auc.append(roc_auc_score(y, -np.fromfile(CACHE / "scores_strata.f64")))
        a_auc.append(roc_auc_score(y, -np.fromfile(CACHE / "scores_sklearn.f64")))
    s_med = statistics.median(r["seconds"] for r in s_runs); a_med = statistics.median(r["seconds"] for r in a_runs)
    same = abs(statistics.mean(s_auc) - statistics.mean(a_auc)) <= 0.01
    fit = (statistics.median(r["fitSeconds"] for r in s_runs), statistics.median(r["fitSeconds"] for r in a_runs))
    score = (statistics.median(r["scoreSeconds"] for r in s_runs), statistics.median(r["scoreSeconds"] for r in a_runs))
    print(f"  iforest {rows}: {s_med:.3f}s vs {a_med:.3f}s (ratio {s_med / a_med:.3f}); AUC {statistics.mean(s_auc):.4f} vs {statistics.mean(a_auc):.4f}", flush=True)
    return [{"workload": f"Isolation Forest fit + score, 100 trees ({rows:,}×{dims} f32, 0.5% uniform anomalies)",
             "anchor": "scikit-learn IsolationForest", "strata_s": s_med, "anchor_s": a_med, "ratio": s_med / a_med,
             "strata_peak": max(r["peakRSSBytes"] for r in s_runs), "anchor_peak": max(r["peakRSSBytes"] for r in a_runs),
             "same": same, "note": f"ROC-AUC {statistics.mean(s_auc):.4f} vs {statistics.mean(a_auc):.4f} (mean over {args.reps} seeds); "
                                   f"fit {fit[0]:.3f} s vs {fit[1]:.3f} s, score {score[0]:.3f} s vs {score[1]:.3f} s"}]


def sgemm_rate(args):
    """This machine's OpenBLAS sgemm rate (GFLOP/s, 4096³, the same threads): the yardstick of the
    physical-limit column."""
    if not hasattr(args, "_sgemm"):
        args._sgemm = run_json([args.strata, "bench", "sgemm", "--size", "4096", "--threads", str(args.threads)])["gflops"]
    return args._sgemm


def scaling_workloads(args):
    """Time against n on log-log axes: K-Means (10 Lloyd iterations from the same init, k = 64)
    against scikit-learn and FAISS, and Isolation Forest fit + score against scikit-learn."""
    import numpy as np
    from sklearn.metrics import roc_auc_score
    sizes = [10_000, 100_000, 1_000_000] + ([] if args.quick else [10_000_000])
    results, curves = [], {"kmeans": {}, "iforest": {}}
    t = str(args.threads)
    for n in sizes:
        reps = 3 if n <= 100_000 else 1
        path, init = blobs_f32(n)
        flops = 2 * n * 64 * 32 * 10
        strata = [args.strata, "bench", "kmeans", str(path), "--dims", "32", "--k", "64", "--max-iter", "10", "--tol", "0",
                  "--threads", t, "--init-centers", str(init), "--algorithm", "lloyd"]
        times = {"Strata": [], "scikit-learn": [], "FAISS": []}
        inertia, peak = {}, {}
        for _ in range(reps):
            r = run_json(strata); times["Strata"].append(r["seconds"]); inertia["Strata"] = r["inertia"]; peak["Strata"] = r["peakRSSBytes"]
            for tool, name in [("sklearn", "scikit-learn"), ("faiss", "FAISS")]:
                a = run_json([sys.executable, "-c", ANCHOR_KMEANS, str(path), str(init), "32", "64", "10", "0", t, tool, "-", "fit", "0"])
                times[name].append(a["seconds"]); inertia[name] = a["inertia"]; peak[name] = a["peakRSSBytes"]
        med = {k: statistics.median(v) for k, v in times.items()}
        for name, v in med.items():
            curves["kmeans"].setdefault(name, []).append((n, v))
        limit = flops / (sgemm_rate(args) * 1e9)
        for name in ["scikit-learn", "FAISS"]:
            results.append({"workload": f"Scaling: K-Means 10 Lloyd iterations, n = {n:,} (×32 f32, k=64)", "anchor": name,
                            "strata_s": med["Strata"], "anchor_s": med[name], "ratio": med["Strata"] / med[name],
                            "strata_peak": peak["Strata"], "anchor_peak": peak[name], "limit_s": limit,
                            "same": abs(inertia["Strata"] - inertia[name]) <= 1e-3 * inertia[name],
                            "note": f"inertia {inertia['Strata']:.6g} vs {inertia[name]:.6g}"})
        print(f"  scaling kmeans {n}: " + ", ".join(f"{k} {v:.3f}s" for k, v in med.items()), flush=True)

        apath, labels = anomalies_f32(n)
        y = np.fromfile(labels, dtype=np.int8)
        s_t, a_t, s_auc, a_auc, s_peak, a_peak = [], [], [], [], [], []
        for rep in range(reps):
            r = run_json([args.strata, "bench", "iforest", str(apath), "--dims", "32", "--seed", str(rep), "--threads", t,
                          "--scores-out", str(CACHE / "scores_strata.f64")])
            a = run_json([sys.executable, "-c", ANCHOR_IFOREST, str(apath), "32", t, str(CACHE / "scores_sklearn.f64"), str(rep)])
            s_t.append(r["seconds"]); a_t.append(a["seconds"]); s_peak.append(r["peakRSSBytes"]); a_peak.append(a["peakRSSBytes"])
            s_auc.append(roc_auc_score(y, -np.fromfile(CACHE / "scores_strata.f64")))
            a_auc.append(roc_auc_score(y, -np.fromfile(CACHE / "scores_sklearn.f64")))
        sm, am = statistics.median(s_t), statistics.median(a_t)
        curves["iforest"].setdefault("Strata", []).append((n, sm))
        curves["iforest"].setdefault("scikit-learn", []).append((n, am))
        results.append({"workload": f"Scaling: Isolation Forest fit + score, n = {n:,} (×32 f32, 100 trees)", "anchor": "scikit-learn",
                        "strata_s": sm, "anchor_s": am, "ratio": sm / am, "strata_peak": max(s_peak), "anchor_peak": max(a_peak),
                        "same": abs(statistics.mean(s_auc) - statistics.mean(a_auc)) <= 0.01,
                        "note": f"ROC-AUC {statistics.mean(s_auc):.4f} vs {statistics.mean(a_auc):.4f}"})
        print(f"  scaling iforest {n}: {sm:.3f}s vs {am:.3f}s", flush=True)
    plots = ROOT / "Benchmarks" / "plots"
    plots.mkdir(exist_ok=True)
    loglog_svg("K-Means: 10 Lloyd iterations, d = 32, k = 64", curves["kmeans"], plots / "kmeans-scaling.svg",
               limit=[(n, 2 * n * 64 * 32 * 10 / (sgemm_rate(args) * 1e9)) for n in sizes])
    loglog_svg("Isolation Forest: fit + score, 100 trees, d = 32", curves["iforest"], plots / "iforest-scaling.svg")
    return results


def loglog_svg(title, series, path, limit=None):
    """Time against n on log-log axes, one line per tool (and the physical limit, dashed)."""
    import math
    colours = {"Strata": "#c0392b", "scikit-learn": "#1f5fa8", "FAISS": "#27ae60", "physical limit": "#555"}
    if limit:
        series = dict(series, **{"physical limit": limit})
    pts = [p for v in series.values() for p in v]
    x0, x1 = math.log10(min(p[0] for p in pts)), math.log10(max(p[0] for p in pts))
    y0, y1 = math.floor(math.log10(min(p[1] for p in pts))), math.ceil(math.log10(max(p[1] for p in pts)))
    W, H, L, R, T, B = 720, 440, 80, 150, 50, 56
    px = lambda n: L + (math.log10(n) - x0) / max(x1 - x0, 1e-9) * (W - L - R)
    py = lambda s: T + (y1 - math.log10(s)) / max(y1 - y0, 1e-9) * (H - T - B)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="Helvetica, Arial, sans-serif" font-size="12">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="{W / 2}" y="28" text-anchor="middle" font-size="15" font-weight="bold">{title}</text>',
           f'<rect x="{L}" y="{T}" width="{W - L - R}" height="{H - T - B}" fill="none" stroke="#888"/>']
    for e in range(int(y0), int(y1) + 1):
        y = py(10 ** e)
        out.append(f'<line x1="{L}" y1="{y}" x2="{W - R}" y2="{y}" stroke="#eee"/><text x="{L - 6}" y="{y + 4}" text-anchor="end">{10.0 ** e:g} s</text>')
    for n in sorted({p[0] for p in pts}):
        out.append(f'<text x="{px(n)}" y="{H - B + 18}" text-anchor="middle">{n:,}</text>')
    out.append(f'<text x="{(L + W - R) / 2}" y="{H - 14}" text-anchor="middle">rows n (log scale)</text>')
    for i, (name, v) in enumerate(series.items()):
        c = colours.get(name, "#333")
        dash = ' stroke-dasharray="6 4"' if name == "physical limit" else ""
        out.append(f'<polyline fill="none" stroke="{c}" stroke-width="2"{dash} points="' + " ".join(f"{px(n)},{py(s)}" for n, s in v) + '"/>')
        out += [f'<circle cx="{px(n)}" cy="{py(s)}" r="3" fill="{c}"><title>{name}: n = {n:,}, {s:.4g} s</title></circle>' for n, s in v]
        out.append(f'<line x1="{W - R + 12}" y1="{T + 14 + 20 * i}" x2="{W - R + 34}" y2="{T + 14 + 20 * i}" stroke="{c}" stroke-width="2"{dash}/>'
                   f'<text x="{W - R + 40}" y="{T + 18 + 20 * i}">{name}</text>')
    out.append("</svg>")
    path.write_text("\n".join(out) + "\n")


def machine():
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{model}, {os.cpu_count()} cores, {mem:.0f} GiB, {platform.system()} {platform.release()}"


GROUP_PREFIX = {"csv": "CSV read", "parquet": "Parquet read", "analytics": "Analytics", "kmeans": "K-Means", "hierarchy": "Hierarchical", "anomalies": "Isolation Forest", "scaling": "Scaling"}


def write_report(results, args):
    header = [
        "| workload | anchor | Strata (s) | anchor (s) | Strata / anchor | physical limit (s) | Strata peak (MiB) | anchor peak (MiB) | same answer | note |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    fmt = lambda v, f: "—" if v is None else format(v, f)
    rows = [f"| {r['workload']} | {r['anchor']} | {r['strata_s']:.3f} | {fmt(r['anchor_s'], '.3f')} | {fmt(r['ratio'], '.3f')} | "
            f"{fmt(r.get('limit_s'), '.4f')} | {fmt(r['strata_peak'] / 2**20 if r['strata_peak'] else None, '.0f')} | {fmt(r['anchor_peak'] and r['anchor_peak'] / 2**20, '.0f')} | {'yes' if r['same'] else 'NO'} | {r['note']} |"
            for r in results]
    # A QUICK run is a smoke check: it never overwrites the full table.
    report = ROOT / ("BENCHMARKS-quick.md" if args.quick else "BENCHMARKS.md")
    when = f"Date: {datetime.date.today().isoformat()}"
    if args.only and report.exists():
        # One group re-run: its rows replace that group's rows; the others stay as they were measured.
        old = [l for l in report.read_text().splitlines() if l.startswith("| ") and not l.startswith("| workload")]
        # Rows written before the physical-limit column get "—" in it.
        old = [l if l.count(" | ") >= 9 else " | ".join(l.split(" | ")[:5] + ["—"] + l.split(" | ")[5:]) for l in old]
        kept = [l for l in old if not l.startswith("| " + GROUP_PREFIX[args.only])]
        order = list(GROUP_PREFIX.values())
        group = lambda l: next((i for i, g in enumerate(order) if l.startswith("| " + g)), len(order))
        rows = sorted(kept + rows, key=group)
        when += f" (the {GROUP_PREFIX[args.only]} rows; other rows from earlier full runs)"
    lines = [
        "# Strata benchmarks",
        "",
        f"Machine: {machine()}. {when}. "
        f"Threads per side: {args.threads}. Median of {args.reps} alternating runs, each in a fresh process. "
        "Produced by `make compare`" + (" QUICK=1" if args.quick else "") + ".",
        "",
    ] + header + rows + ["", "Peak memory is the process's maximum resident set (getrusage), interpreter and libraries included for the anchors. "
                         "The physical limit of a K-Means row is the flop count of the work (2·n·k·d per Lloyd iteration) divided by "
                         "this machine's OpenBLAS sgemm rate on 4096³ (`strata bench sgemm`, same threads)"
                         + (f": {args._sgemm:.0f} GFLOP/s in this run." if hasattr(args, "_sgemm") else "."), ""]
    plots = [p for p in ["kmeans-scaling.svg", "iforest-scaling.svg"] if (ROOT / "Benchmarks" / "plots" / p).exists()]
    if plots:
        lines += ["Time against n on log-log axes: " + ", ".join(f"[{p}](Benchmarks/plots/{p})" for p in plots) + ".", ""]
    report.write_text("\n".join(lines))
    print(f"wrote {report}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strata", default=str(ROOT / ".build" / "release" / "strata"))
    parser.add_argument("--quick", action="store_true", help="reduced sizes, a few minutes")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--reps", type=int, default=None)
    parser.add_argument("--only", choices=list(GROUP_PREFIX), default=None, help="run one group of workloads")
    args = parser.parse_args()
    args.reps = args.reps or (3 if args.quick else 5)
    results = []
    if args.only in (None, "csv"):
        print("CSV read", flush=True)
        results += csv_read_workload(args, 200_000 if args.quick else 1_000_000)
    if args.only in (None, "parquet"):
        print("Parquet read", flush=True)
        results += parquet_read_workload(args, 200_000 if args.quick else 1_000_000)
    if args.only in (None, "analytics"):
        print("Analytics", flush=True)
        results += analytics_workload(args, 100_000 if args.quick else 1_000_000, 1_000_000 if args.quick else 10_000_000)
        results += segments_workload(args, 100_000 if args.quick else 1_000_000)
    if args.only in (None, "kmeans"):
        print("K-Means", flush=True)
        results += kmeans_workloads(args, 200_000 if args.quick else 1_000_000)
        if not args.quick:
            results += kmeans_scale_workload(args)
    if args.only in (None, "anomalies"):
        print("Isolation Forest", flush=True)
        results += iforest_workload(args, 200_000 if args.quick else 1_000_000)
    if args.only in (None, "scaling"):
        print("Scaling", flush=True)
        results += scaling_workloads(args)
    if args.only in (None, "hierarchy"):
        print("Hierarchical clustering", flush=True)
        results += hierarchy_workloads(args)
    write_report(results, args)
    if not all(r["same"] for r in results):
        print("some workloads gave different answers", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
