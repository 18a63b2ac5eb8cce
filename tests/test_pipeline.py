"""The build: outputs, reproducibility, manifest, failures that leave earlier outputs intact."""

from __future__ import annotations

import hashlib
import json
import shutil

import pandas as pd
import pytest

from analysis.cli import main
from analysis.paths import DEFAULT_ROOT
from analysis.pipeline import build, plan
from analysis.problems import DataError
from analysis.stages import STAGES, Stage, StageError, StageResult
from tests.conftest import processed_files

SURVEY_OUTPUTS = {"responses.parquet", "estimates.parquet", "changes.parquet",
                  "avvisade_rader.parquet", "manifest.json"}


@pytest.fixture
def demo_build(demo_built):
    return demo_built.root, demo_built.manifest, demo_built.messages, demo_built.files


def test_build_writes_survey_tables_and_manifest(demo_build):
    root, manifest, messages, files = demo_build
    assert SURVEY_OUTPUTS <= set(files)
    assert manifest["kalla"] == "demo"
    assert any("syntetiska demodata" in m for m in messages)
    assert any(m.startswith("[1/") for m in messages)  # progress is shown
    est = pd.read_parquet(root / "data/processed/estimates.parquet")
    assert {"year", "area", "indicator", "item", "estimate", "se", "ci_low", "ci_high", "n",
            "suppressed", "uncertain"} <= set(est.columns)
    assert sorted(est["year"].unique()) == list(range(2019, 2025))
    # two areas in 2019, five in 2020-2022, six from 2023 (+ the kommun total)
    areas = est.groupby("year")["area"].nunique()
    assert areas.tolist() == [3, 6, 6, 6, 7, 7]


def test_manifest_hashes_every_input(demo_build):
    root, manifest, _, files = demo_build
    for rel, digest in manifest["indata"].items():
        data = (root / "data" / "raw" / "demo" / rel).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest
    assert "trygghetsmatning/trygghetsmatning_2024_syntetisk.xlsx" in manifest["indata"]
    for name, digest in manifest["utdata"].items():
        assert hashlib.sha256(files[name]).hexdigest() == digest
    assert manifest["version"]["pandas"] == pd.__version__
    assert manifest["parametrar"]["min_n"] == 30
    on_disk = json.loads(files["manifest.json"])
    assert on_disk == manifest
    for name, acc in manifest["radredovisning"].items():
        if "lasta" in acc:
            assert acc["lasta"] == acc["godkanda"] + acc["avvisade"], name


def test_rebuild_gives_identical_bytes(demo_build, tmp_path):
    _, _, _, files = demo_build
    shutil.copytree(DEFAULT_ROOT / "data" / "raw" / "demo", tmp_path / "data" / "raw" / "demo")
    build(tmp_path, progress=lambda s: None)
    assert processed_files(tmp_path) == files


def test_failed_build_leaves_previous_outputs_untouched(project):
    from tests.conftest import csv_text, survey_rows, write_survey

    write_survey(project, "enkat_2022.csv", csv_text(survey_rows()), "cp1252")
    build(project, demo=False, progress=lambda s: None)
    before = processed_files(project)
    reports = {p: p.read_bytes() for p in (project / "reports").rglob("*") if p.is_file()}
    rows = survey_rows()
    rows[2][4] = "Ganska STORT problemm"
    write_survey(project, "enkat_2022.csv", csv_text(rows), "cp1252")
    with pytest.raises(DataError, match="enkat_2022.csv, rad 4"):
        build(project, demo=False, progress=lambda s: None)
    assert processed_files(project) == before
    assert {p: p.read_bytes() for p in (project / "reports").rglob("*") if p.is_file()} == reports


def test_cli_build_and_validate_exit_codes(tmp_path, capsys):
    shutil.copytree(DEFAULT_ROOT / "data" / "raw" / "demo", tmp_path / "data" / "raw")
    good = tmp_path / "data/raw/trygghetsmatning/trygghetsmatning_2022_syntetisk.csv"
    assert main(["--rot", str(tmp_path), "validate", str(good)]) == 0
    assert "Inga fel hittades" in capsys.readouterr().out
    bad = tmp_path / "data/raw/trygghetsmatning/trygghetsmatning_2023_syntetisk.csv"
    text = bad.read_bytes().decode("utf-8-sig").replace("Mycket trygg", "Jättetrygg", 1)
    bad.write_bytes(text.encode("utf-8-sig"))
    assert main(["--rot", str(tmp_path), "validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "trygghetsmatning_2023_syntetisk.csv, rad" in out and "Jättetrygg" in out
    # the build refuses, prints the same kind of message, writes nothing
    assert main(["--rot", str(tmp_path), "build", "--egna"]) == 1
    assert "inget har skrivits" in capsys.readouterr().err
    assert processed_files(tmp_path) == {}


def test_cli_unreadable_file_is_a_message_not_a_traceback(tmp_path, capsys):
    shutil.copytree(DEFAULT_ROOT / "data" / "raw" / "demo", tmp_path / "data" / "raw")
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\x00\x01\x02binary")
    assert main(["--rot", str(tmp_path), "validate", str(junk)]) == 1
    out = capsys.readouterr().out
    assert "junk.csv: filen är inte en tabell" in out and "Traceback" not in out


def test_dry_run_checks_everything_and_writes_nothing(tmp_path, capsys):
    shutil.copytree(DEFAULT_ROOT / "data" / "raw" / "demo", tmp_path / "data" / "raw")
    assert main(["--rot", str(tmp_path), "build", "--egna", "--kontroll"]) == 0
    out = capsys.readouterr().out
    assert "inget skrevs" in out
    # every delivery is read; the stages that only present results (CSV, report) are skipped
    assert "[8/8] medborgarlöften" in out and "lägesbild och figurer" not in out
    assert "[7/8] anmälda brott" in out
    assert processed_files(tmp_path) == {} and not (tmp_path / "reports").exists()
    # a bad category in a walk protocol is found by the check, with file, row and column
    protocol = tmp_path / "data/raw/trygghetsvandringar/protokoll_2021-1.csv"
    text = protocol.read_bytes().decode("utf-8")
    protocol.write_bytes(text.replace(",Passage,", ",Glasskiosk,", 1).encode("utf-8"))
    assert main(["--rot", str(tmp_path), "build", "--egna", "--kontroll"]) == 1
    err = capsys.readouterr().err
    assert 'protokoll_2021-1.csv, rad 2, kolumn "Kategori": "Glasskiosk"' in err
    assert processed_files(tmp_path) == {}


# --- the declared stages ----------------------------------------------------------------------


def _stage(key, needs=(), uses=(), writes=(), run=None):
    return Stage(key, f"steg {key}", run or (lambda ctx: StageResult()), needs=needs, uses=uses,
                 writes=writes)


def test_a_stage_with_an_unmet_need_gets_a_swedish_error_before_anything_runs(tmp_path):
    ran = []
    stages = [_stage("a", writes=("a.parquet",), run=lambda ctx: ran.append("a") or StageResult()),
              _stage("b", needs=("a.parquet", "saknas.parquet"))]
    with pytest.raises(DataError) as err:
        build(tmp_path, demo=False, stage_list=stages, progress=lambda s: None)
    text = str(err.value)
    assert "ett steg saknar underlag" in text
    assert 'steget "steg b" behöver tabellen saknas.parquet' in text
    assert "Inget steg i bygget skriver den" in text
    assert ran == [] and not (tmp_path / "data" / "processed").exists()


def test_a_need_written_by_a_later_stage_is_named():
    stages = [_stage("b", needs=("a.parquet",)), _stage("a", writes=("a.parquet",))]
    with pytest.raises(DataError, match="Steget 'a' skriver den men kommer senare"):
        plan(stages)


def test_declarations_are_enforced():
    with pytest.raises(StageError, match="skriver x.parquet"):
        plan([_stage("a", writes=("x.parquet",)), _stage("b", writes=("x.parquet",))])
    with pytest.raises(StageError, match="använder x.parquet"):
        plan([_stage("b", uses=("x.parquet",)), _stage("a", writes=("x.parquet",))])
    with pytest.raises(DataError, match="okänt steg"):
        plan(STAGES, ["estimats"])


def test_a_stage_may_read_only_declared_tables_and_write_declared_ones(tmp_path):
    def peek(ctx):
        ctx.maybe("other.parquet")
        return StageResult()

    with pytest.raises(StageError, match="utan att ha deklarerat det"):
        build(tmp_path, demo=False, stage_list=[_stage("p", run=peek)], progress=lambda s: None)
    sneaky = _stage("s", run=lambda ctx: StageResult(outputs={"x.parquet": pd.DataFrame()}))
    with pytest.raises(StageError, match="skriver x.parquet utan att ha deklarerat det"):
        build(tmp_path, demo=False, stage_list=[sneaky], progress=lambda s: None)


def test_the_declared_stages_are_in_a_valid_order():
    planned = plan(STAGES)
    assert [s.key for s in planned][:3] == ["areas", "survey", "estimates"]
    writers = {t: s.key for s in planned for t in s.writes}
    assert writers["area_register.parquet"] == "areas"
    # every stage after the area register reads it from the processed table, not from raw
    assert all("area_register.parquet" in s.needs for s in planned
               if s.key in {"survey", "estimates", "official", "places", "promises"})


def test_build_for_a_chosen_year(tmp_path):
    shutil.copytree(DEFAULT_ROOT / "data" / "raw" / "demo", tmp_path / "data" / "raw" / "demo")
    manifest = build(tmp_path, year=2023, stages=["areas", "survey", "estimates", "report"],
                     progress=lambda s: None)
    assert manifest["ar"] == 2023
    assert manifest["steg"] == ["areas", "survey", "estimates", "report"]
    page = (tmp_path / "reports" / "lagesbild.html").read_text(encoding="utf-8")
    assert "<h1>Lägesbild trygghet 2023" in page and "Lägesbild trygghet 2024" not in page


def test_what_lies_in_the_raw_folder_but_is_not_read_is_named(project):
    from tests.conftest import csv_text, survey_rows, write_survey

    write_survey(project, "enkat_2022.csv", csv_text(survey_rows()))
    wrong = project / "data" / "raw" / "trygghetsmatningar"  # misspelt folder
    wrong.mkdir()
    (wrong / "enkat_2023.csv").write_text("x", encoding="utf-8")
    (project / "data" / "raw" / "lagesbild.docx").write_bytes(b"doc")
    manifest = build(project, demo=False, stages=["areas", "survey"], dry_run=True,
                     progress=lambda s: None)
    notes = manifest["anteckningar"]
    assert ("Läses inte: data/raw/trygghetsmatningar (okänd mapp; mapparnas namn står i "
            "data/raw/README.md)") in notes
    assert "Läses inte: data/raw/lagesbild.docx (okänd fil; se data/raw/README.md)" in notes
