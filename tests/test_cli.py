"""Tests for analysis/cli.py: Swedish help, exit codes, the year of the lägesbild."""

from __future__ import annotations

import json
import shutil

import pytest

from analysis.cli import main
from analysis.paths import DEFAULT_ROOT


def test_help_is_swedish(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["build", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("användning: trygghet build")
    assert "--ar ÅR" in out and "lägesbildens år" in out and "visa den här hjälpen" in out


def test_a_wrong_call_exits_with_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["bygg"])
    assert exit_.value.code == 2


def test_egna_without_own_files_is_a_message(tmp_path, capsys):
    assert main(["--rot", str(tmp_path), "build", "--egna"]) == 1
    assert "Inga egna filer i data/raw/" in capsys.readouterr().err


def test_build_for_a_year_records_it_for_the_notebooks(project, capsys):
    from tests.conftest import csv_text, survey_rows, write_survey

    rows = survey_rows() + [[str(10 + i), "2023"] + r[2:] for i, r in enumerate(survey_rows())]
    write_survey(project, "enkat.csv", csv_text(rows))
    assert main(["--rot", str(project), "build", "--ar", "2022"]) == 0
    manifest = json.loads((project / "data/processed/manifest.json").read_text("utf-8"))
    assert manifest["ar"] == 2022
    page = (project / "reports" / "lagesbild.html").read_text("utf-8")
    assert "<title>Lägesbild trygghet 2022" in page and "trygghet 2023" not in page


def test_argparse_errors_are_swedish(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["build", "--ar", "tjugo"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "fel: argumentet --ar: ogiltigt heltal: 'tjugo'" in err and "invalid" not in err


def test_an_unexpected_error_is_a_short_swedish_message_and_a_trace_file(tmp_path, capsys,
                                                                        monkeypatch):
    import analysis.cli as cli

    def boom(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(cli, "build", boom)
    (tmp_path / "data" / "raw").mkdir(parents=True)
    assert main(["--rot", str(tmp_path), "build"]) == 3
    err = capsys.readouterr().err
    assert "Ett oväntat fel inträffade (ZeroDivisionError)" in err
    assert "Traceback" not in err
    trace = next((tmp_path / ".trygghet" / "fel").glob("fel-*.txt")).read_text("utf-8")
    assert "Traceback" in trace and "ZeroDivisionError" in trace


def test_notebooks_for_a_year_without_survey_is_a_message(demo_built, capsys):
    assert main(["--rot", str(demo_built.root), "notebooks", "--ar", "1899"]) == 1
    err = capsys.readouterr().err
    assert "Året 1899 finns inte i skattningarna; tillgängliga år: 2019" in err
    assert "Traceback" not in err


def test_bad_settings_file_is_a_message_not_a_traceback(tmp_path, capsys):
    shutil.copytree(DEFAULT_ROOT / "data" / "raw" / "demo", tmp_path / "data" / "raw")
    (tmp_path / "data/raw/installningar.yaml").write_text("level: 1.5\n", encoding="utf-8")
    assert main(["--rot", str(tmp_path), "build", "--egna"]) == 1
    err = capsys.readouterr().err
    assert 'installningar.yaml, kolumn "level": "1.5"' in err and "Traceback" not in err


# --- trygghet ny and validate for a new kommun (issue 11) -----------------------------------


def test_ny_help_is_swedish(capsys):
    with pytest.raises(SystemExit):
        main(["ny", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("användning: trygghet ny") and "kommunens namn eller kommunkod" in out


def test_validate_uses_the_folders_mapping_file_and_never_reads_it_as_a_survey(project, capsys):
    from tests.conftest import HEADERS, csv_text, survey_rows, write_survey

    path = write_survey(project, "enkat_2022.csv",
                        csv_text(survey_rows(), headers=["Nr", *HEADERS[1:]]))
    (path.parent / "kolumnmappning.csv").write_text("rubrik;kolumn\nNr;respondent_id\n",
                                                    encoding="utf-8")
    (path.parent / "README.md").write_text("# Leverans\n", encoding="utf-8")
    every = sorted(str(p) for p in path.parent.iterdir())  # as the shell expands folder/*
    assert main(["--rot", str(project), "validate", *every]) == 0
    out = capsys.readouterr().out
    assert "Kolumnmappning: " in out and "kolumnmappning.csv (1 rader)" in out
    assert "enkat_2022.csv: 6 rader, 6 godkända, 0 avvisade." in out
    assert out.rstrip().endswith("Inga fel hittades.")
    assert "kolumnmappning.csv, rad" not in out  # not checked as a survey file


def test_validate_without_the_area_register_says_how_to_start_it(tmp_path, capsys):
    folder = tmp_path / "data" / "raw" / "trygghetsmatning"
    folder.mkdir(parents=True)
    (folder / "enkat_2022.csv").write_text("Löpnr;Område\n1;01\n", encoding="utf-8")
    assert main(["--rot", str(tmp_path), "validate", str(folder / "enkat_2022.csv")]) == 1
    err = capsys.readouterr().err
    assert "omraden/omradesindelning.csv: områdesregistret saknas" in err
    assert "omrade;namn;giltig_fran;giltig_till" in err
