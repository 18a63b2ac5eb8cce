"""One build at a time, all or nothing: the lock, the staged swap, recovery after a kill."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from analysis.outputs import WORK_DIR, build_lock, recover, verify
from analysis.paths import DEFAULT_ROOT, project_paths
from analysis.pipeline import build
from analysis.problems import DataError
from tests.conftest import csv_text, survey_rows, write_survey

TINY_STAGES = ["areas", "survey", "estimates", "exports"]


def tiny_build(root: Path, min_n: int = 30) -> dict:
    (root / "data" / "raw" / "installningar.yaml").write_text(f"min_n: {min_n}\n", "utf-8")
    return build(root, demo=False, stages=TINY_STAGES, progress=lambda s: None)


@pytest.fixture
def tiny(project):
    write_survey(project, "enkat_2022.csv", csv_text(survey_rows()))
    return project


def test_a_build_replaces_every_output_and_the_manifest_describes_them(tiny):
    tiny_build(tiny)
    stale = tiny / "reports" / "figurer" / "fran_ett_gammalt_bygge.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    (tiny / "data" / "processed" / "gammal.parquet").write_bytes(b"old")
    (tiny / "reports" / "README.md").write_text("committed", "utf-8")
    tiny_build(tiny)
    assert not stale.exists() and not (tiny / "data/processed/gammal.parquet").exists()
    assert (tiny / "reports" / "README.md").read_text("utf-8") == "committed"
    assert verify(project_paths(tiny)) == []
    assert sorted(p.name for p in (tiny / WORK_DIR).iterdir()) == []  # no leftovers, no lock


def test_verify_names_files_that_do_not_belong(tiny):
    tiny_build(tiny)
    paths = project_paths(tiny)
    (paths.reports / "csv" / "skattningar.csv").write_bytes(b"changed")
    (paths.processed / "extra.parquet").write_bytes(b"x")
    assert verify(paths) == ["reports/csv/skattningar.csv hör inte till bygget i manifestet",
                             "processed/extra.parquet finns men står inte i manifestet"]


def test_a_second_build_is_refused_while_one_holds_the_lock(tiny):
    script = textwrap.dedent(f"""
        import time
        from analysis.outputs import build_lock
        from analysis.paths import project_paths
        with build_lock(project_paths({str(tiny)!r})):
            print("held", flush=True)
            time.sleep(60)
    """)
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                              text=True, cwd=DEFAULT_ROOT)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(DataError, match=f"ett annat bygge pågår redan .*process {holder.pid}"):
            tiny_build(tiny)
        assert not (tiny / "data" / "processed").exists()
    finally:
        holder.kill()
        holder.wait()
    # the holder was killed: its lock is stale and the next build takes it over
    messages = []
    (tiny / "data" / "raw" / "installningar.yaml").write_text("min_n: 30\n", "utf-8")
    build(tiny, demo=False, stages=TINY_STAGES, progress=messages.append)
    assert any(f"process {holder.pid}) avbröts" in m for m in messages)


def test_build_lock_is_released_after_an_error(tiny):
    paths = project_paths(tiny)
    with pytest.raises(RuntimeError), build_lock(paths):
        raise RuntimeError("boom")
    with build_lock(paths):
        pass


KILL_SCRIPT = textwrap.dedent("""
    import os, signal, sys
    import analysis.outputs as o
    from analysis.pipeline import build
    root, point = sys.argv[1], sys.argv[2]

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    if point == "staging":  # in the middle of writing the staged files
        write, count = o._write_chunks, [0]
        def w(path, chunks, digest=None):
            write(path, chunks, digest)
            count[0] += 1
            if count[0] == 3:
                die()
        o._write_chunks = w
    elif point == "journal":  # the journal is written, nothing swapped yet
        o._finish_swap = die
    elif point == "between":  # data/processed swapped in, reports/ not yet
        replace, count = os.replace, [0]
        def r(a, b):
            replace(a, b)
            count[0] += 1
            if count[0] == 3:  # journal, old processed away, new processed in
                die()
        o.os.replace = r
    elif point == "cleanup":  # swapped, leftovers not removed (the 1st call is the recovery)
        remove, count = o._remove_leftovers, [0]
        def c(paths):
            count[0] += 1
            if count[0] == 2:
                die()
            return remove(paths)
        o._remove_leftovers = c
    open(os.path.join(root, "data", "raw", "installningar.yaml"), "w").write("min_n: 40\\n")
    build(root, demo=False, stages=["areas", "survey", "estimates", "exports"],
          progress=lambda s: None)
""")


@pytest.mark.parametrize("point, expected_min_n", [
    ("staging", 30), ("journal", 40), ("between", 40), ("cleanup", 40)])
def test_a_killed_build_leaves_the_previous_or_the_new_complete_build(tmp_path, point,
                                                                      expected_min_n):
    root = tmp_path / point
    (root / "data" / "raw" / "omraden").mkdir(parents=True)
    (root / "data" / "raw" / "trygghetsmatning").mkdir()
    from tests.conftest import REGISTER_CSV

    (root / "data/raw/omraden/omradesindelning.csv").write_text(REGISTER_CSV, "utf-8")
    write_survey(root, "enkat_2022.csv", csv_text(survey_rows()))
    tiny_build(root, min_n=30)  # the previous complete build
    run = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(root), point],
                         cwd=DEFAULT_ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == -signal.SIGKILL, run.stderr
    paths = project_paths(root)
    recover(paths)  # what the next build does first
    assert verify(paths) == []
    manifest = json.loads((paths.processed / "manifest.json").read_text("utf-8"))
    assert manifest["parametrar"]["min_n"] == expected_min_n
    leftovers = sorted(p.name for p in (root / WORK_DIR).iterdir())
    assert leftovers in ([], ["lås"])  # only the killed build's stale lock may remain
    tiny_build(root)  # and the next build runs (it takes the stale lock over)


def test_an_output_folder_that_is_a_file_is_a_message_before_anything_changes(tiny):
    tiny_build(tiny)
    before = (tiny / "data/processed/manifest.json").read_bytes()
    import shutil

    shutil.rmtree(tiny / "reports")
    (tiny / "reports").write_text("en fil", "utf-8")
    with pytest.raises(DataError, match="reports: mappen finns men är en fil"):
        tiny_build(tiny, min_n=40)
    assert (tiny / "data/processed/manifest.json").read_bytes() == before


def test_killing_during_compute_changes_nothing(tiny):
    tiny_build(tiny)
    before = {p: p.read_bytes() for p in (tiny / "data").rglob("*") if p.is_file()}
    script = textwrap.dedent(f"""
        import os, signal
        import analysis.pipeline as p
        import analysis.stages.estimates as e
        # killed inside a stage, after the earlier stages' files were staged
        e.year_changes = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
        p.build({str(tiny)!r}, demo=False, stages={TINY_STAGES!r}, progress=lambda s: None)
    """)
    run = subprocess.run([sys.executable, "-c", script], cwd=DEFAULT_ROOT, timeout=120)
    assert run.returncode == -signal.SIGKILL
    after = {p: p.read_bytes() for p in (tiny / "data").rglob("*") if p.is_file()}
    assert after == before and os.path.exists(tiny / WORK_DIR / "lås")


def test_after_the_demo_a_survey_only_own_build_leaves_nothing_from_the_demo(demo_built, project):
    import shutil

    # the demo's outputs as they lie after `make lagesbild`
    shutil.copytree(demo_built.processed, project / "data" / "processed")
    shutil.copytree(demo_built.reports, project / "reports")
    demo_files = {p.relative_to(project) for p in (project / "data").rglob("*") if p.is_file()}
    demo_files |= {p.relative_to(project) for p in (project / "reports").rglob("*")
                   if p.is_file()}
    write_survey(project, "enkat_2022.csv", csv_text(survey_rows()))
    manifest = build(project, demo=False, progress=lambda s: None)
    assert manifest["kalla"] == "kommunens filer"
    paths = project_paths(project)
    assert verify(paths) == []  # every output is this build's, as the manifest says
    left = {p.relative_to(project) for p in (project / "reports").rglob("*") if p.is_file()}
    left |= {p.relative_to(project) for p in paths.processed.rglob("*") if p.is_file()}
    listed = {Path("data/processed") / k for k in manifest["utdata"]}
    listed |= {Path("reports") / k for k in manifest["rapporter"]}
    listed |= {Path("data/processed/manifest.json")}
    assert left == listed
    # the demo's walks, police index, promises, maps and notebooks are gone
    for gone in ["data/processed/observations.parquet", "data/processed/promise_evaluation.parquet",
                 "data/processed/areas.parquet", "reports/figurer/karta_andel_otrygga.png"]:
        assert Path(gone) in demo_files and not (project / gone).exists()
    import pandas as pd

    assert pd.read_parquet(paths.processed / "official_indices.parquet").empty  # this build's
    assert not list((project / "reports").rglob("*.ipynb"))
    page = (project / "reports" / "lagesbild.html").read_text("utf-8")
    hits = [page[max(0, m.start() - 120):m.start() + 40] for m in re.finditer("yntetisk", page)]
    assert hits == [] and "Eslöv" not in page
