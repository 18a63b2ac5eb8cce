"""Benchmark: the build on own-data deliveries of 10 k to 3 M respondents (issue 14).

For each size it generates (once, cached under ``--cache``) a delivery like a kommun's own
data: ten yearly survey files in the demo's format (``;``, decimal-comma weights, Swedish
headers and answer labels, cp1252 in even years and UTF-8 with BOM in odd years) and an
area register, with about 6 000 areas at the largest size (strata = areas, weights per
area × age group). Then, in a fresh child process per size, it

* runs the whole build, ``analysis.pipeline.build(root, demo=False)``, and times every
  stage (wall time, and the process's peak RSS after it). Tables and CSV files are written
  by writer threads while later stages run (``analysis.outputs.Staging``), so a stage's
  time is its computing; what is still being written when the last stage ends is the
  column "skrivning efter stegen";
* runs DuckDB in the same process on the same data: ``read_csv`` of the same CSV files
  (``;``, all columns as text) into a table, and the same point estimates as the
  estimates stage (the weighted mean of every indicator per year × area and per year,
  from the canonical respondent table), which are checked against ours.

It prints the table (Markdown, Swedish headings as in ``docs/metod.md``) and writes the
raw numbers to ``<cache>/results.json``.

    .venv/bin/python benchmarks/bench_build.py [--sizes 10000 100000 1000000 3000000]
                                               [--cache /tmp/trygghet_bench]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis.codebook import load_codebook  # noqa: E402

YEARS = list(range(2015, 2025))
AREAS = {10_000: 40, 100_000: 400, 1_000_000: 2_500, 3_000_000: 6_000}
STAGES = ["areas", "survey", "estimates", "official", "places", "walks", "crime", "promises", "exports",
          "report"]  # the whole build
GENERATOR_VERSION = "3"
AGE_GROUPS = ["16-24", "25-44", "45-64", "65-85"]  # hyphen: cp1252 files stay latin-1
SEXES = ["Kvinna", "Man", "Annat"]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- generating a delivery --------------------------------------------------------------


def _answer_labels(codebook) -> dict[str, list[str]]:
    labels = {}
    for item in codebook.items:
        scale = codebook.scales[item.scale]
        labels[item.code] = [*scale.categories.values(), "Vet ej", ""]
    return labels


def generate(root: Path, respondents: int, seed: int = 20240101) -> None:
    """Write ``root/data/raw/{omraden,trygghetsmatning}/`` for ``respondents`` respondents."""
    marker = root / ".generated"
    if marker.is_file() and marker.read_text() == GENERATOR_VERSION:
        return
    codebook = load_codebook()
    rng = np.random.default_rng(seed + respondents)
    n_areas = AREAS[respondents]
    raw = root / "data" / "raw"
    (raw / "omraden").mkdir(parents=True, exist_ok=True)
    survey = raw / "trygghetsmatning"
    survey.mkdir(parents=True, exist_ok=True)
    codes = [f"D{i:05d}" for i in range(n_areas)]
    register = "omrade;namn;giltig_fran;giltig_till\r\n" + "".join(
        f"{c};Område {i + 1};{YEARS[0]};\r\n" for i, c in enumerate(codes))
    (raw / "omraden" / "omradesindelning.csv").write_bytes(register.encode("utf-8-sig"))
    labels = _answer_labels(codebook)
    headers = ["Löpnummer", "År", "Område", "Kön", "Åldersgrupp", "Vikt",
               *[item.label for item in codebook.items], "Datakälla"]
    # answer probabilities per item, with an area effect so that areas differ
    item_probs = {c: rng.dirichlet(np.ones(len(v)) * 2) for c, v in labels.items()}
    for c in item_probs:  # empty answers rare, "Vet ej" moderate
        p = item_probs[c]
        p[-1] *= 0.2
        item_probs[c] = p / p.sum()
    per_year = np.full(len(YEARS), respondents // len(YEARS))
    per_year[: respondents % len(YEARS)] += 1
    for year, n in zip(YEARS, per_year, strict=True):
        area = rng.integers(0, n_areas, n)
        age = rng.choice(len(AGE_GROUPS), n, p=[0.14, 0.32, 0.31, 0.23])
        cell_weight = rng.uniform(5, 150, (n_areas, len(AGE_GROUPS)))
        weight_text = np.array([f"{w:.4f}".replace(".", ",") for w in cell_weight.ravel()])
        columns = {
            "id": pa.array(np.char.add(str(year), np.char.zfill(np.arange(1, n + 1).astype(str), 7))),
            "year": pa.array(np.full(n, str(year))),
            "area": pa.array(np.asarray(codes)[area]),
            "sex": pa.array(np.asarray(SEXES)[rng.choice(3, n, p=[0.52, 0.47, 0.01])]),
            "age": pa.array(np.asarray(AGE_GROUPS)[age]),
            "weight": pa.array(weight_text[area * len(AGE_GROUPS) + age]),
        }
        shift = rng.normal(0, 0.6, n_areas)[area]  # area effect on the answer distribution
        for code, options in labels.items():
            p = item_probs[code]
            u = np.clip(rng.random(n) + 0.15 * shift, 0, 1 - 1e-12)
            choice = np.searchsorted(np.cumsum(p), u, side="right")
            columns[code] = pa.array(np.asarray(options, dtype=object)[np.minimum(choice, len(p) - 1)],
                                     type=pa.string())
        columns["note"] = pa.array(np.full(n, "Syntetiska testdata (bench_build.py)"))
        table = pa.table(columns)
        buf = pa.BufferOutputStream()
        pa_csv.write_csv(table, buf, pa_csv.WriteOptions(include_header=False, delimiter=";",
                                                         quoting_style="needed"))
        body = buf.getvalue().to_pybytes()
        text = ";".join(headers) + "\n"
        if year % 2 == 0:  # cp1252 with CRLF, as Excel's "CSV (semikolonavgränsad)"
            data = (text.encode("cp1252") + body.decode("utf-8").encode("cp1252")
                    ).replace(b"\n", b"\r\n")
        else:  # UTF-8 with BOM, as Excel's "CSV UTF-8"
            data = b"\xef\xbb\xbf" + text.encode("utf-8") + body
        (survey / f"trygghetsmatning_{year}.csv").write_bytes(data)
    marker.write_text(GENERATOR_VERSION)


# --- DuckDB baseline ----------------------------------------------------------------------


def duckdb_read(files: list[Path]) -> tuple[float, int]:
    """Seconds for DuckDB to read the CSV files (``;``, all text) into a table; rows read."""
    import duckdb

    con = duckdb.connect()
    utf8 = [str(f) for f in files if f.read_bytes()[:3] == b"\xef\xbb\xbf"]
    latin = [str(f) for f in files if str(f) not in utf8]
    parts = [f"SELECT * FROM read_csv({files!r}, delim=';', header=true, all_varchar=true, "
             f"encoding='{enc}')" for files, enc in ((utf8, "utf-8"), (latin, "latin-1")) if files]
    t0 = time.perf_counter()
    con.execute("CREATE TABLE raw AS " + " UNION ALL BY NAME ".join(parts))
    seconds = time.perf_counter() - t0
    rows = con.execute("SELECT count(*) FROM raw").fetchone()[0]
    con.close()
    return seconds, rows


def _indicator_sql(codebook, responses: pd.DataFrame, scoring: str) -> list[tuple[str, str, str]]:
    """(indicator, item, SQL for the per-respondent value) for every indicator, as
    ``analysis.indices.indicator_values`` defines them."""
    from analysis.indices import index_min_items
    from analysis.survey import dont_know_column
    from analysis.vocabulary import ALL_ITEMS

    score_map = codebook.scoring(scoring)
    out, scored = [], {}
    for item in codebook.items:
        c, dk = item.code, dont_know_column(item.code)
        if c not in responses.columns:
            continue
        if responses[c].isna().all() and not responses[dk].fillna(False).any():
            continue
        share = codebook.shares[item.scale]
        if item.scale == "problem":
            cases = " ".join(f"WHEN {k} THEN {v!r}" for k, v in score_map.items())
            scored[c] = f"(CASE {c} {cases} END)"
            out.append(("poang", c, scored[c]))
        den = ", ".join(map(str, share.denominator))
        num = ", ".join(map(str, share.numerator))
        out.append((share.indicator, c,
                    f"(CASE WHEN {c} IN ({den}) THEN (CASE WHEN {c} IN ({num}) THEN 1.0 "
                    "ELSE 0.0 END) END)"))
        out.append(("andel_vet_ej", c, f"(CASE WHEN {c} IS NOT NULL OR {dk} THEN "
                                       f"(CASE WHEN {dk} THEN 1.0 ELSE 0.0 END) END)"))
    if scored:
        groups: dict[str, list[str]] = {}
        for c in scored:
            groups.setdefault(codebook.item(c).group, []).append(c)
        sets = [(ALL_ITEMS, list(scored)), *((g, cs) for g, cs in sorted(groups.items())
                                             if len(cs) >= 2)]
        for name, cs in sets:
            total = " + ".join(f"coalesce({scored[c]}, 0)" for c in cs)
            count = " + ".join(f"({scored[c]} IS NOT NULL)::INT" for c in cs)
            # a respondent counts when they answered at least half the set's questions
            # (every question is asked every year in these data)
            need = index_min_items(len(cs))
            out.append(("problemindex", name, f"(CASE WHEN ({count}) >= {need} THEN "
                                              f"({total}) / ({count}) END)"))
    return out


def duckdb_estimates(responses: pd.DataFrame, scoring: str) -> tuple[float, pd.DataFrame]:
    """Seconds for DuckDB to compute every indicator's weighted mean per year × area and
    per year from the respondent table (already in DuckDB), and the result (long)."""
    import duckdb

    codebook = load_codebook()
    indicators = _indicator_sql(codebook, responses, scoring)
    con = duckdb.connect()
    con.register("src", responses)
    con.execute("CREATE TABLE r AS SELECT * FROM src")
    con.unregister("src")
    values = ", ".join(f"{sql} AS v{i}" for i, (_, _, sql) in enumerate(indicators))
    aggs = ", ".join(f"sum(weight * v{i}) / sum(CASE WHEN v{i} IS NOT NULL THEN weight END) "
                     f"AS e{i}" for i in range(len(indicators)))
    query = (f"WITH v AS (SELECT year, area, weight, {values} FROM r) "
             f"SELECT year, coalesce(area, 'kommunen') AS area, {aggs} FROM v "
             "GROUP BY GROUPING SETS ((year, area), (year))")
    t0 = time.perf_counter()
    wide = con.execute(query).df()
    seconds = time.perf_counter() - t0
    con.close()
    long = wide.melt(id_vars=["year", "area"], var_name="k", value_name="duck")
    keys = pd.DataFrame([(f"e{i}", ind, item) for i, (ind, item, _) in enumerate(indicators)],
                        columns=["k", "indicator", "item"])
    return seconds, long.merge(keys, on="k").drop(columns="k")


# --- one size, in a child process ---------------------------------------------------------


def run_size(root: Path, stages: list[str]) -> dict:
    from analysis.pipeline import build
    from analysis.stages import STAGES as DECLARED

    times: dict[str, float] = {}
    rss: dict[str, float] = {}

    def timed(stage):
        def run(ctx):
            t0 = time.perf_counter()
            result = stage.run(ctx)
            times[stage.key] = time.perf_counter() - t0
            rss[stage.key] = peak_rss_mb()
            return result
        return replace(stage, run=run)

    messages: list[str] = []
    t0 = time.perf_counter()
    build(root, demo=False, stages=stages, stage_list=[timed(s) for s in DECLARED],
          progress=messages.append)
    total = time.perf_counter() - t0
    peak = peak_rss_mb()
    files = sorted((root / "data" / "raw" / "trygghetsmatning").glob("*.csv"))
    duck_read, duck_rows = duckdb_read(files)
    processed = root / "data" / "processed"
    responses = pd.read_parquet(processed / "responses.parquet")
    estimates = pd.read_parquet(processed / "estimates.parquet")
    duck_est, duck = duckdb_estimates(responses, str(estimates["scoring"].iloc[0]))
    check = estimates.merge(duck, on=["year", "area", "indicator", "item"], how="inner")
    shown = check["estimate"].notna()
    agree = bool(np.allclose(check.loc[shown, "estimate"], check.loc[shown, "duck"],
                             rtol=1e-9, atol=1e-12))
    return {"respondents": int(len(responses)), "csv_bytes": sum(f.stat().st_size for f in files),
            "areas": int(responses["area"].nunique()), "estimate_rows": int(len(estimates)),
            "stage_seconds": times, "stage_peak_rss_mb": rss, "build_seconds": total,
            "peak_rss_mb": peak, "duckdb_read_seconds": duck_read, "duckdb_rows": int(duck_rows),
            "duckdb_estimates_seconds": duck_est, "point_estimates_agree": agree,
            "compared_estimates": int(shown.sum()), "messages": messages[-3:]}


def table(results: list[dict]) -> str:
    def sec(x: float | None) -> str:
        return "–" if x is None else f"{x:.1f}".replace(".", ",") + " s"

    def ratio(a: float | None, b: float) -> str:
        return "–" if a is None else f"**{a / b:.1f}×**".replace(".", ",")

    def count(x: float) -> str:
        return f"{x:,.0f}".replace(",", "\u202f")

    lines = ["| svarande (områden) | CSV | steg 1: läsa enkäten | DuckDB read_csv | kvot "
             "| steg 2: skattningar och förändringar | DuckDB punktskattningar | kvot "
             "| lägesbilden | skrivning efter stegen | hela bygget | högsta RSS |",
             "|" + "---|" * 12]
    for r in results:
        st = r["stage_seconds"]
        gb = f"{r['peak_rss_mb'] / 1024:.1f}".replace(".", ",")
        after = r["build_seconds"] - sum(st.values())
        lines.append(
            f"| {count(r['respondents'])} ({count(r['areas'])}) | {count(r['csv_bytes'] / 1e6)} MB "
            f"| {sec(st['survey'])} | {sec(r['duckdb_read_seconds'])} "
            f"| {ratio(st['survey'], r['duckdb_read_seconds'])} | {sec(st['estimates'])} "
            f"| {sec(r['duckdb_estimates_seconds'])} "
            f"| {ratio(st['estimates'], r['duckdb_estimates_seconds'])} "
            f"| {sec(st.get('report'))} | {sec(after)} | **{sec(r['build_seconds'])}** "
            f"| **{gb} GB** |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=sorted(AREAS))
    parser.add_argument("--cache", type=Path, default=Path("/tmp/trygghet_bench"))
    parser.add_argument("--stages", nargs="+", default=STAGES,
                        help="build stages to run (default: all)")
    parser.add_argument("--docs", action="store_true",
                        help="write the table into docs/metod.md (between the bench_build marks)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(args.cache / str(args.generate), args.generate)
        return
    if args.child:
        print(json.dumps(run_size(args.child, args.stages)))
        return
    print(f"Python {platform.python_version()}, {os.cpu_count()} kärnor, pandas {pd.__version__}, "
          f"pyarrow {pa.__version__}")
    results_file = args.cache / "results.json"
    saved = json.loads(results_file.read_text()) if results_file.is_file() else {}
    for n in args.sizes:
        root = args.cache / str(n)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--cache", str(args.cache), "--generate",
                        str(n)], check=True)
        print(f"{n:,} svarande: data klara ({time.perf_counter() - t0:.0f} s)", flush=True)
        out = subprocess.run([sys.executable, __file__, "--child", str(root), "--stages",
                              *args.stages], check=True, capture_output=True, text=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        saved[str(n)] = result
        results_file.write_text(json.dumps(saved, indent=2, ensure_ascii=False))
        print(json.dumps({k: v for k, v in result.items() if k != "messages"}), flush=True)
    text = machine() + "\n\n" + table([saved[str(n)] for n in sorted(int(k) for k in saved)])
    print(text)
    if args.docs:
        write_docs(text)


def machine() -> str:
    import duckdb

    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.machine())
    return (f"Mätt på {cpu}, {os.cpu_count()} kärnor, Python {platform.python_version()}, "
            f"pandas {pd.__version__}, pyarrow {pa.__version__}, DuckDB {duckdb.__version__}.")


def write_docs(text: str) -> None:
    path = ROOT / "docs" / "metod.md"
    doc = path.read_text(encoding="utf-8")
    start = doc.index("<!-- bench_build")
    start = doc.index("\n", start) + 1
    end = doc.index("<!-- /bench_build -->")
    path.write_text(doc[:start] + text + "\n" + doc[end:], encoding="utf-8")


if __name__ == "__main__":
    main()
