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


def test_build_for_a_year_records_it_for_the_notebooks(tmp_path, capsys):
    shutil.copytree(DEFAULT_ROOT / "data" / "raw" / "demo", tmp_path / "data" / "raw" / "demo")
    assert main(["--rot", str(tmp_path), "build", "--ar", "2023"]) == 0
    manifest = json.loads((tmp_path / "data/processed/manifest.json").read_text("utf-8"))
    assert manifest["ar"] == 2023
    page = (tmp_path / "reports" / "lagesbild.html").read_text("utf-8")
    assert "<title>Lägesbild trygghet 2023</title>" in page
