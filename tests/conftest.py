"""Shared fixtures: tiny projects built in tmp_path."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from analysis.paths import DEFAULT_ROOT

REGISTER_CSV = ("omrade;namn;giltig_fran;giltig_till\r\n"
                "01;Centrum;2020;2022\r\n01;Centrum;2023;\r\n02;Öster;2020;\r\n")

HEADERS = ["Löpnummer", "År", "Område", "Vikt", "Nedskräpning", "Bilar som kör för fort",
           "Hur trygg eller otrygg skulle du känna dig om du gick ut ensam en sen kväll i ditt "
           "bostadsområde?"]


def survey_rows() -> list[list[str]]:
    """Six respondents, two areas, Swedish labels (incl. Vet ej and an empty answer)."""
    return [
        ["1", "2022", "Centrum", "12,5", "Mycket stort problem", "Inget problem alls", "Ganska otrygg"],
        ["2", "2022", "Centrum", "10", "Ganska stort problem", "Vet ej", "Mycket trygg"],
        ["3", "2022", "01", "7,25", "Ganska litet problem", "Ganska stort problem",
         "Går aldrig ut av andra skäl"],
        ["4", "2022", "Öster", "20", "Inget problem alls", "", "Går aldrig ut av otrygghet"],
        ["5", "2022", "02", "15", "Vet ej", "Mycket stort problem", "Ganska trygg"],
        ["6", "2022", "Öster", "8", "Mycket stort problem", "Ganska litet problem", "Vet ej"],
    ]


def csv_text(rows: list[list[str]], sep: str = ";", headers: list[str] | None = None) -> str:
    lines = [headers or HEADERS, *rows]
    return "\r\n".join(sep.join(f'"{c}"' if sep in c else c for c in r) for r in lines) + "\r\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project with an area register in data/raw/omraden/."""
    (tmp_path / "data" / "raw" / "omraden").mkdir(parents=True)
    (tmp_path / "data" / "raw" / "trygghetsmatning").mkdir(parents=True)
    (tmp_path / "data" / "raw" / "omraden" / "omradesindelning.csv").write_bytes(
        REGISTER_CSV.encode("utf-8"))
    return tmp_path


@pytest.fixture
def register(project: Path) -> Path:
    return project / "data" / "raw" / "omraden" / "omradesindelning.csv"


def write_survey(project: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = project / "data" / "raw" / "trygghetsmatning" / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def demo_project(tmp_path: Path) -> Path:
    """A project whose raw source is a copy of the committed demo set."""
    shutil.copytree(DEFAULT_ROOT / "data" / "raw" / "demo", tmp_path / "data" / "raw" / "demo")
    return tmp_path


def processed_files(project: Path) -> dict[str, bytes]:
    folder = project / "data" / "processed"
    if not folder.exists():
        return {}
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def frame_without_source(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=["source_file"])


@dataclass(frozen=True)
class DemoBuild:
    """The demo built once per test session (read it; never change it)."""

    root: Path
    manifest: dict
    messages: list[str]
    files: dict[str, bytes]  # data/processed/<name> -> bytes

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def reports(self) -> Path:
        return self.root / "reports"


@pytest.fixture(scope="session")
def demo_built(tmp_path_factory) -> DemoBuild:
    """The whole demo lägesbild built once; every test that needs built outputs shares it."""
    from analysis.pipeline import build

    root = tmp_path_factory.mktemp("demo_built")
    shutil.copytree(DEFAULT_ROOT / "data" / "raw" / "demo", root / "data" / "raw" / "demo")
    messages: list[str] = []
    manifest = build(root, progress=messages.append)
    return DemoBuild(root, manifest, messages, processed_files(root))
