"""The demo promises: reproducible, labelled, and evaluated by a whole demo build."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
import yaml

from analysis.demo import promises as demo
from analysis.paths import DEFAULT_ROOT, project_paths
from analysis.promises import match_activity

COMMITTED = project_paths(DEFAULT_ROOT).demo_raw / "medborgarloften"


def test_generated_twice_gives_the_same_bytes_as_committed(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    files_a, files_b = demo.write(a), demo.write(b)
    assert [p.name for p in files_a] == ["medborgarloften_2022.yaml", "medborgarloften_2023.yaml",
                                         "medborgarloften_2024.yaml", "aktivitetslogg.csv",
                                         "README.md"]
    for pa, pb in zip(files_a, files_b, strict=True):
        assert pa.read_bytes() == pb.read_bytes() == (COMMITTED / pa.name).read_bytes()


def test_the_2022_registry_transcribes_the_eight_promises_and_says_what_is_demo():
    text = (COMMITTED / "medborgarloften_2022.yaml").read_text(encoding="utf-8")
    assert "texterna från kommunens pressmeddelande 2022; indikatorer och mål är demoexempel" in text
    data = yaml.safe_load(text)
    assert data["ar"] == 2022 and len(data["loften"]) == 8
    assert any("minst 40 insatser per år" in p["text"] for p in data["loften"])
    kinds = {i["typ"] for p in data["loften"] for i in p["indikatorer"]}
    assert kinds == {"aktivitet", "enkat", "vandring", "milstolpe", "polisindex"}
    log = (COMMITTED / "aktivitetslogg.csv").read_bytes()
    assert log.startswith(b"\xef\xbb\xbf")
    assert "SYNTETISKA" in (COMMITTED / "README.md").read_text(encoding="utf-8")


def log_count(activity: str, year: int) -> int:
    text = (COMMITTED / "aktivitetslogg.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    return sum(int(r["antal"] or 1) for r in rows
               if r["datum"].startswith(str(year)) and match_activity(r["typ"]) == activity)


@pytest.fixture
def demo_build(demo_built):
    return demo_built.processed, demo_built.manifest


def test_demo_build_evaluates_every_indicator_of_every_promise(demo_build):
    out, manifest = demo_build
    reg = pd.read_parquet(out / "promise_registry.parquet")
    ev = pd.read_parquet(out / "promise_evaluation.parquet")
    expected = 0
    for year in (2022, 2023, 2024):
        data = yaml.safe_load((COMMITTED / f"medborgarloften_{year}.yaml").read_text("utf-8"))
        expected += sum(len(p["indikatorer"]) for p in data["loften"])
    assert len(reg) == len(ev) == expected
    assert ev[["year", "promise_id", "indicator_no"]].values.tolist() == \
        reg[["year", "promise_id", "indicator_no"]].values.tolist()
    assert set(ev["status"]) == {"uppfyllt", "delvis uppfyllt", "ej uppfyllt", "kan inte bedömas"}
    acc = manifest["radredovisning"]["medborgarloften/aktivitetslogg.csv"]
    assert acc["lasta"] == acc["godkanda"] and acc["avvisade"] == 0


def test_traffic_count_equals_the_demo_activity_log(demo_build):
    out, _ = demo_build
    ev = pd.read_parquet(out / "promise_evaluation.parquet")
    for year, status in [(2022, "uppfyllt"), (2023, "delvis uppfyllt"), (2024, "uppfyllt")]:
        row = ev[(ev["year"] == year) & (ev["promise_id"] == "trafik") & (ev["kind"] == "aktivitet")]
        assert row["value"].tolist() == [float(log_count("trafikinsats", year))]
        assert row["status"].tolist() == [status]
    assert log_count("trafikinsats", 2022) == 43


def test_centre_survey_indicator_follows_the_versioned_areas(demo_build):
    out, _ = demo_build
    ev = pd.read_parquet(out / "promise_evaluation.parquet")
    s = ev[(ev["promise_id"] == "uniformerad_polis") & (ev["kind"] == "enkat")].set_index("year")
    assert s.loc[2022, "status"] != "kan inte bedömas" and s.loc[2022, "mdc"] > 0
    assert s.loc[2023, "status"] == "kan inte bedömas" and "ritades om" in s.loc[2023, "explanation"]
    assert "område 06" in s.loc[2024, "explanation"]


def test_motivation_and_no_free_text_outside_activities(demo_build):
    out, _ = demo_build
    m = pd.read_parquet(out / "promise_motivation.parquet")
    top = m[(m["survey_year"] == 2021) & m["top"]]
    assert top.groupby("area").size().eq(3).all() and top["registry_exists"].all()
    assert top["covered"].notna().all() and (~top["covered"]).any()
    notes = set(pd.read_parquet(out / "activities.parquet")["note"])
    assert "Veckomöte" in notes
    for name in ["promise_registry", "promise_evaluation", "promise_motivation",
                 "avvisade_aktiviteter"]:
        assert "Veckomöte" not in pd.read_parquet(out / f"{name}.parquet").to_string()
