"""Benchmark: 1 M points into 6,000 area polygons, ``join_areas`` vs a bare STRtree query.

Geometry: a 100 x 60 grid of 500 m cells in SWEREF 99 TM whose corners are
jittered and whose edges are broken into 8 jittered segments shared by both
neighbours, so the 6,000 polygons are irregular (34 vertices each) but still
tile the plane; 1 M uniform random points over the grid plus a 500 m margin
(about 5 % of the points fall outside every polygon).

Measured in one process, on the same geometries:

* baseline: ``shapely.STRtree(polys).query(points, predicate="intersects")``
  (tree built inside the timing), returning (point, polygon) pairs only;
* ours: ``analysis.places.join_areas(points, areas, year)``: CRS check, the
  area versions valid in the year, the border rule (lowest code), and a string
  Series of codes with <NA> for points outside every area;
* for reference also ``join_areas`` with a year column instead of one year.

Prints wall time (best of ``--repeat`` interleaved runs), the ratio ours/baseline, and memory per
phase: peak resident memory above the level before the phase (sampled every
2 ms from /proc/self/statm after handing freed memory back with malloc_trim, so
GEOS allocations count) and peak Python/numpy allocations (``tracemalloc``).

    .venv/bin/python benchmarks/bench_spatial_join.py [--points 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import platform
import threading
import time
import tracemalloc

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.places import ANALYSIS_CRS, join_areas

NX, NY, CELL, SEGMENTS = 100, 60, 500.0, 8
X0, Y0 = 380_000.0, 6_150_000.0
MARGIN = 500.0


def make_polygons(seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    gx, gy = np.meshgrid(X0 + CELL * np.arange(NX + 1), Y0 + CELL * np.arange(NY + 1),
                         indexing="ij")
    corners = np.stack([gx, gy], axis=-1) + rng.uniform(-0.15, 0.15, (NX + 1, NY + 1, 2)) * CELL
    t = np.linspace(0, 1, SEGMENTS + 1)[1:-1, None]

    def edge(a, b, wiggle):
        pts = a + t * (b - a)
        normal = np.array([-(b - a)[1], (b - a)[0]]) / np.hypot(*(b - a))
        return pts + wiggle[:, None] * normal * CELL

    # One jittered edge per grid edge, shared by the two cells on either side.
    horizontal = {(i, j): edge(corners[i, j], corners[i + 1, j],
                               rng.uniform(-0.06, 0.06, SEGMENTS - 1))
                  for i in range(NX) for j in range(NY + 1)}
    vertical = {(i, j): edge(corners[i, j], corners[i, j + 1],
                             rng.uniform(-0.06, 0.06, SEGMENTS - 1))
                for i in range(NX + 1) for j in range(NY)}
    polys = []
    for i in range(NX):
        for j in range(NY):
            ring = np.vstack([corners[i, j], horizontal[i, j], corners[i + 1, j],
                              vertical[i + 1, j], corners[i + 1, j + 1],
                              horizontal[i, j + 1][::-1], corners[i, j + 1],
                              vertical[i, j][::-1]])
            polys.append(shapely.Polygon(ring))
    polys = np.array(polys, dtype=object)
    if not shapely.is_valid(polys).all():
        raise RuntimeError("benchmark polygons are invalid; change the seed")
    return polys


def make_points(n: int, seed: int = 2) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.uniform(X0 - MARGIN, X0 + NX * CELL + MARGIN, n)
    y = rng.uniform(Y0 - MARGIN, Y0 + NY * CELL + MARGIN, n)
    return shapely.points(x, y)


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class PeakRss:
    """Peak resident memory above the starting level while the block runs (sampled)."""

    def __enter__(self):
        self.start = self.peak = rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.002):
            self.peak = max(self.peak, rss_mb())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())
        self.delta = self.peak - self.start


def release_memory() -> None:
    """Hand freed memory back to the OS, so each phase's RSS peak starts from the same floor."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def time_interleaved(candidates: dict, repeat: int) -> dict[str, float]:
    """Best wall time of each candidate, the runs interleaved (A B C A B C ...) so that load
    from other processes on a shared machine hits every candidate alike."""
    times: dict[str, list[float]] = {label: [] for label in candidates}
    for _ in range(repeat):
        for label, fn in candidates.items():
            t0 = time.perf_counter()
            fn()
            times[label].append(time.perf_counter() - t0)
    return {label: min(ts) for label, ts in times.items()}


def memory(fn) -> tuple[float, float, object]:
    """(peak RSS above the start, peak traced allocations) in MB, and the result, of one run."""
    release_memory()
    tracemalloc.start()
    with PeakRss() as rss:
        result = fn()
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return rss.delta, traced / 2**20, result


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "okänd"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    polys = make_polygons()
    pts = make_points(args.points)
    areas = gpd.GeoDataFrame({"area": pd.array([f"{i:04d}" for i in range(len(polys))],
                                               dtype="string"),
                              "valid_from": np.full(len(polys), 2020, dtype="int64"),
                              "valid_to": pd.array([pd.NA] * len(polys), dtype="Int64")},
                             geometry=polys, crs=ANALYSIS_CRS)
    points = gpd.GeoDataFrame(geometry=pts, crs=ANALYSIS_CRS)
    print(f"{len(pts):,} punkter, {len(polys):,} polygoner "
          f"({int(shapely.get_num_coordinates(polys).mean())} hörn i snitt); "
          f"Python {platform.python_version()}, shapely {shapely.__version__} "
          f"(GEOS {shapely.geos_version_string}), geopandas {gpd.__version__}; "
          f"{os.cpu_count()} kärnor, {cpu_model()}")

    def bare():
        return shapely.STRtree(polys).query(pts, predicate="intersects")

    with_year = points.assign(year=np.full(len(pts), 2024, dtype="int64"))
    candidates = {
        "ren STRtree(polys).query(points)": bare,
        "join_areas(points, areas, 2024)": lambda: join_areas(points, areas, 2024),
        'join_areas(points, areas, "year") (referens)':
            lambda: join_areas(with_year, areas, "year"),
    }
    best = time_interleaved(candidates, args.repeat)
    mem = {}
    for label, fn in candidates.items():
        mem[label] = memory(fn)
        print(f"{label:<46} {best[label]:7.3f} s (bäst av {args.repeat})  "
              f"RSS-topp +{mem[label][0]:6.1f} MB  tracemalloc-topp {mem[label][1]:6.1f} MB")
    labels = list(candidates)
    bare_t, ours_t, col_t = (best[k] for k in labels)
    (bare_rss, bare_tr, pairs), (ours_rss, ours_tr, codes) = mem[labels[0]], mem[labels[1]]

    # Same answer: the lowest code among the polygons each point intersects.
    expected = np.full(len(pts), len(polys))
    np.minimum.at(expected, pairs[0], pairs[1])
    want = pd.array(np.where(expected < len(polys),
                             np.char.zfill(expected.astype(str), 4), None), dtype="string")
    same = bool((codes.fillna("-").to_numpy() == pd.Series(want).fillna("-").to_numpy()).all())
    print(f"träffpar {pairs.shape[1]:,}; utanför alla områden {int(codes.isna().sum()):,}; "
          f"samma svar som den rena frågan: {'ja' if same else 'NEJ'}")
    print(f"kvot tid join_areas / ren STRtree-fråga: {ours_t / bare_t:.2f} "
          f"(mål ≤ 1,5); med årskolumn i stället för ett år: {col_t / bare_t:.2f}")
    print(f"kvot minne (RSS-topp) join_areas / ren fråga: "
          f"{ours_rss / bare_rss if bare_rss > 0 else float('nan'):.2f}; "
          f"tracemalloc-topp {ours_tr:.1f} MB mot {bare_tr:.1f} MB")


if __name__ == "__main__":
    main()
