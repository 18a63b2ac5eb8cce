"""Benchmark: design-based estimates with SEs for a national-scale survey table.

1 M respondents x 20 problem items over 6,000 areas x 10 years (strata = area x
year, weights varying). Measures, in one process:

* baseline: DuckDB's plain weighted-mean GROUP BY (year, area) for the 20 items
  (point estimates only) on the same pandas frame;
* ours: ``analysis.estimate.DomainDesign`` + ``estimate`` for the 20 items
  (estimate, SE, CI, n, df, deff, n_eff, cv per domain).

Prints wall time (best of ``--repeat`` runs), the ratio ours/baseline, and peak
memory: the process's peak RSS after each phase (``resource.getrusage``) and the
peak Python allocations during our estimates (``tracemalloc``).

    .venv/bin/python benchmarks/bench_estimates.py [--rows 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import platform
import resource
import time
import tracemalloc

import numpy as np
import pandas as pd

ITEMS = [f"q{i:02d}" for i in range(20)]


def make_data(rows: int, areas: int, years: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "year": rng.integers(2015, 2015 + years, rows).astype("int64"),
        "area": pd.array(rng.integers(0, areas, rows).astype(str), dtype="string"),
        "weight": rng.uniform(5, 50, rows),
    })
    frame["stratum"] = frame["area"]
    for item in ITEMS:
        values = rng.integers(0, 4, rows).astype("float64")
        values[rng.random(rows) < 0.08] = np.nan  # Vet ej and no answer
        frame[item] = values
    return frame


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_duckdb(frame: pd.DataFrame) -> pd.DataFrame:
    import duckdb

    cols = ", ".join(f"sum(weight * {c}) / sum(CASE WHEN {c} IS NOT NULL THEN weight END) AS {c}"
                     for c in ITEMS)
    con = duckdb.connect()
    con.register("t", frame)
    out = con.execute(f"SELECT year, area, {cols} FROM t GROUP BY year, area").df()
    con.close()
    return out


def run_ours(frame: pd.DataFrame) -> list[pd.DataFrame]:
    from analysis.estimate import DomainDesign

    design = DomainDesign(frame, ["year", "area"], weight="weight", strata=["year", "stratum"])
    return [design.estimate(frame[item].to_numpy(), kind="mean") for item in ITEMS]


def best_time(fn, frame, repeat):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn(frame)
        times.append(time.perf_counter() - t0)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--areas", type=int, default=6000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, {platform.machine()}, "
          f"pandas {pd.__version__}, numpy {np.__version__}")
    frame = make_data(args.rows, args.areas, args.years)
    rss_data = peak_rss_mb()
    print(f"data: {args.rows:,} rows x {len(ITEMS)} items, {args.areas * args.years:,} "
          f"area x year cells; peak RSS after generating: {rss_data:,.0f} MB")

    t_duck, duck = best_time(run_duckdb, frame, args.repeat)
    rss_duck = peak_rss_mb()
    t_ours, ours = best_time(run_ours, frame, args.repeat)
    rss_ours = peak_rss_mb()
    tracemalloc.start()
    run_ours(frame)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    # sanity: the point estimates agree with DuckDB's
    first = ours[0].merge(duck[["year", "area", ITEMS[0]]], on=["year", "area"])
    assert np.allclose(first["estimate"], first[ITEMS[0]], equal_nan=True)

    print(f"DuckDB weighted mean GROUP BY (baseline): {t_duck:.3f} s")
    print(f"estimates with SE/CI/n/df/deff/cv:        {t_ours:.3f} s")
    print(f"ratio ours / DuckDB:                      {t_ours / t_duck:.2f}x (goal <= 3x)")
    print(f"peak RSS: after data {rss_data:,.0f} MB, after DuckDB {rss_duck:,.0f} MB, "
          f"after ours {rss_ours:,.0f} MB (goal < 4096 MB)")
    print(f"peak Python allocations during our estimates (tracemalloc): "
          f"{traced_peak / 2**20:,.0f} MB")


if __name__ == "__main__":
    main()
