"""Stage: figures under ``reports/figurer/`` and ``reports/lagesbild.html``."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

from analysis import tables as T
from analysis.files import list_delivery
from analysis.outputs import REPORT_PREFIX, work_dir
from analysis.paths import (
    AREAS_DIR,
    CRIME_DIR,
    GEO_DIR,
    OFFICIAL_DIR,
    PROMISES_DIR,
    SURVEY_DIR,
    VOCABULARY_FILE,
    WALKS_DIR,
)
from analysis.processed import DEMO_SOURCE, latest_year, underlag_line
from analysis.report import (
    REPORT_FILE,
    focus_areas,
    lagesbild_html,
    report_figures,
    report_outputs,
)
from analysis.settings import SETTINGS_FILE
from analysis.stages.context import BuildContext, Stage, StageResult

USES = (T.CHANGES, T.AREAS, T.AREA_REGISTER, T.WALKS, T.WALK_FOLLOWUP, T.OFFICIAL,
        T.OFFICIAL_VS_SURVEY, T.RESPONSES, T.PROMISE_EVALUATION, T.WALK_TERMS, T.CRIME_RATES,
        T.CRIME_COMPARISONS, T.CRIME_TRENDS, T.BREAKDOWNS)
DELIVERY_DIRS = (SURVEY_DIR, AREAS_DIR, GEO_DIR, WALKS_DIR, OFFICIAL_DIR, PROMISES_DIR,
                 CRIME_DIR)


def _delivered(source: Path) -> dict[str, None]:
    """The delivery files of the raw source, keyed like the manifest's ``indata``.

    The report is written before the manifest, so its "Underlag" line counts the files in
    the delivery folders the build reads (the same files the manifest lists).
    """
    files = [source / name for name in (SETTINGS_FILE, VOCABULARY_FILE)
             if (source / name).is_file()]
    for folder in DELIVERY_DIRS:
        files += list_delivery(source / folder).files
    return {str(p.relative_to(source)).replace("\\", "/"): None for p in files}


# From this many estimate rows (a national build) the figures and the page are made in a
# separate process: drawing holds Python's GIL, and in this process the writer threads are
# still turning the big tables into Parquet and CSV. The report's own tables are small
# (at most ``report_max_areas`` areas), so handing them over is cheap.
SEPARATE_PROCESS_ROWS = 1_000_000
# The respondent table's columns the report reads (answers per year and area).
REPORT_RESPONSE_COLUMNS = ["year", "area"]
PACKAGE_HOME = Path(__file__).resolve().parents[2]  # where this ``analysis`` package lies
DRAWING_PROCESSES = 2  # processes drawing a national report's figures


def run(ctx: BuildContext) -> StageResult:
    tables = {T.ESTIMATES: ctx.need(T.ESTIMATES)}
    tables |= {name: ctx.maybe(name) for name in USES if ctx.maybe(name) is not None}
    underlag = underlag_line({"kalla": DEMO_SOURCE if ctx.demo else "kommunens filer",
                              "ar": ctx.year, "indata": _delivered(ctx.source)})
    if len(tables[T.ESTIMATES]) < SEPARATE_PROCESS_ROWS:
        reports, notes = report_outputs(tables, year=ctx.year, demo=ctx.demo,
                                        settings=ctx.settings, underlag=underlag)
    else:
        reports, notes = _in_another_process(tables, ctx, underlag)
    ctx.progress(f"  {len(reports) - 1} figurer och {REPORT_FILE}")
    for note in notes:
        ctx.progress(f"  Obs: {note}")
    return StageResult(reports=reports, notes=notes)


def _in_another_process(tables: dict, ctx: BuildContext, underlag: str
                        ) -> tuple[dict[str, bytes], list[str]]:
    """``report_outputs`` with the figures drawn by ``DRAWING_PROCESSES`` fresh Python
    processes (``python -m analysis.stages.report``: nothing of this process's threads,
    locks or main script is inherited), each every n-th figure; the page is put together
    here. The same bytes as in this process. The small tables go over as a pickle in the
    project's work folder, which only this build reads and then removes."""
    year = latest_year(tables[T.ESTIMATES]) if ctx.year is None else int(ctx.year)
    small, focus = focus_areas(tables, year, ctx.settings.report_max_areas)
    small = {name: (table[REPORT_RESPONSE_COLUMNS] if name == T.RESPONSES else table)
             for name, table in small.items()}
    folder = work_dir(ctx.paths)
    n = DRAWING_PROCESSES
    files = [(folder / f"{REPORT_PREFIX}{os.getpid()}-{k}.in",
              folder / f"{REPORT_PREFIX}{os.getpid()}-{k}.ut") for k in range(n)]
    try:
        runs = []
        for k, (task, answer) in enumerate(files):
            with open(task, "wb") as fh:
                pickle.dump((small, {"year": year, "demo": ctx.demo, "settings": ctx.settings,
                                     "part": (k, n)}), fh)
            runs.append(subprocess.Popen([sys.executable, "-m", __name__, str(task), str(answer)],
                                         cwd=PACKAGE_HOME, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, text=True))
        parts, notes = [], []
        for run, (_, answer) in zip(runs, files, strict=True):
            _, err = run.communicate()
            if run.returncode != 0:
                raise RuntimeError("lägesbilden kunde inte ritas i en egen process:\n" + err)
            with open(answer, "rb") as fh:
                part, notes = pickle.load(fh)
            parts.append(list(part.items()))
    finally:
        for task, answer in files:
            task.unlink(missing_ok=True)
            answer.unlink(missing_ok=True)
    # figure i was drawn by process i % n, as its (i // n)-th: back in the report's order
    total = sum(len(p) for p in parts)
    pngs = dict(parts[i % n][i // n] for i in range(total))
    if focus:
        notes = [focus, *notes]
    page = lagesbild_html(small, year=year, demo=ctx.demo, settings=ctx.settings, pngs=pngs,
                          notes=notes, underlag=underlag)
    return pngs | {REPORT_FILE: page}, notes


def _draw(task: str, answer: str) -> None:
    """The other process's side of ``_in_another_process``: its part of the figures."""
    with open(task, "rb") as fh:
        small, options = pickle.load(fh)
    result = report_figures(small, **options)
    with open(answer, "wb") as fh:
        pickle.dump(result, fh)


STAGE = Stage("report", "lägesbild och figurer", run, needs=(T.ESTIMATES,), uses=USES, presents=True)


if __name__ == "__main__":
    _draw(sys.argv[1], sys.argv[2])
