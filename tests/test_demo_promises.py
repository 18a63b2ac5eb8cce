"""The demo promises: reproducible, labelled, and evaluated by a whole demo build; the two
verdicts, the CSV for Örat mot marken, the HTML section's pieces and notebook 04."""

from __future__ import annotations

import csv
import io
import shutil

import pandas as pd
import pytest
import yaml

from analysis.demo import promises as demo
from analysis.paths import DEFAULT_ROOT, project_paths
from analysis.promises import (
    indicator_table,
    match_activity,
    promise_section,
    survey_evidence_figure,
)

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
    kinds = {i["typ"] for p in data["loften"] + data["overgripande_mal"] for i in p["indikatorer"]}
    assert kinds == {"aktivitet", "enkat", "vandring", "milstolpe", "polisindex",
                     "anmalda_brott"}
    # the two overall goals of the 2022 promises, as tracked goals
    assert [g["id"] for g in data["overgripande_mal"]] == ["trygg_kvall", "ungdomsvald"]
    assert "trygga ute på kvällen" in data["overgripande_mal"][0]["text"]
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
        expected += sum(len(p["indikatorer"])
                        for p in data["loften"] + data.get("overgripande_mal", []))
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
    assert "Eslövs centrum" in s.loc[2024, "explanation"]


def test_motivation_and_no_free_text_outside_activities(demo_build):
    out, _ = demo_build
    m = pd.read_parquet(out / "promise_motivation.parquet")
    top = m[(m["survey_year"] == 2021) & m["top"]]
    assert top.groupby("area").size().eq(3).all() and top["registry_exists"].all()
    assert top["covered"].notna().all() and (~top["covered"]).any()
    assert top["walk_problems"].notna().any() and top["official_value"].notna().any()
    notes = set(pd.read_parquet(out / "activities.parquet")["note"])
    assert "Veckomöte" in notes
    for name in ["promise_registry", "promise_evaluation", "promise_motivation",
                 "avvisade_aktiviteter"]:
        assert "Veckomöte" not in pd.read_parquet(out / f"{name}.parquet").to_string()


# --- the two verdicts in the demo (issue 9) ---------------------------------------------------


def test_synlig_uniformerad_polis_2024_is_no_longer_a_plain_uppfyllt(demo_build):
    out, _ = demo_build
    ev = pd.read_parquet(out / "promise_evaluation.parquet")
    rows = ev[(ev["year"] == 2024) & (ev["promise_id"] == "uniformerad_polis")]
    assert rows["title"].iloc[0] == "Synlig uniformerad polis i stadskärnan"
    assert set(rows["implementation_status"]) == {"uppfyllt"}
    assert set(rows["effect_status"]) == {"ej uppfyllt"}
    survey = rows[rows["kind"] == "enkat"].iloc[0]
    assert round(survey["estimate_from"], 3) == 0.483 and round(survey["estimate_to"], 3) == 0.584
    assert survey["min_change"] == pytest.approx(0.05)
    assert "48,3\u00a0% år 2023" in survey["explanation"]
    assert "58,4\u00a0% år 2024" in survey["explanation"]
    assert "utesluter en minskning på 5,0 procentenheter" in survey["explanation"]
    assert "promise_status" not in ev.columns


def test_every_promise_has_both_verdicts_and_parts_follow_the_kind(demo_build):
    out, _ = demo_build
    ev = pd.read_parquet(out / "promise_evaluation.parquet")
    words = {"uppfyllt", "delvis uppfyllt", "ej uppfyllt", "kan inte bedömas", "mäts inte"}
    assert set(ev["implementation_status"]) <= words and set(ev["effect_status"]) <= words
    part = dict(zip(ev["kind"] + ":" + ev["label"].str[:6], ev["part"], strict=True))
    assert all(v == "genomforande" for k, v in part.items() if k.startswith(("aktivitet",
                                                                           "milstolpe")))
    assert all(v == "effekt" for k, v in part.items()
               if k.startswith(("enkat", "polisindex", "anmalda_brott")))


def test_the_overall_goals_are_tracked_with_the_same_rules(demo_build):
    out, _ = demo_build
    ev = pd.read_parquet(out / "promise_evaluation.parquet")
    goals = ev[ev["is_goal"]]
    assert set(goals["year"]) == {2022, 2023, 2024}
    youth = goals[goals["promise_id"] == "ungdomsvald"].set_index("year")
    assert (youth.loc[2022, "status"], youth.loc[2022, "method"]) == ("kan inte bedömas", "par")
    assert youth.loc[2023, "status"] == youth.loc[2024, "status"] == "uppfyllt"
    assert youth.loc[2024, "method"] == "trend"
    assert "Poissonregression över 4 år 2021–2024" in youth.loc[2024, "explanation"]
    night = goals[goals["promise_id"] == "trygg_kvall"].set_index("year")
    assert night.loc[2022, "method"] == "par"
    assert night.loc[2023, "method"] == night.loc[2024, "method"] == "trend"
    assert set(goals["implementation_status"]) == {"mäts inte"}


def test_several_survey_indicators_primary_and_holm_in_the_demo(demo_build):
    out, _ = demo_build
    ev = pd.read_parquet(out / "promise_evaluation.parquet")
    y = ev[(ev["year"] == 2024) & (ev["kind"] == "enkat")]
    youth = y[y["promise_id"] == "ungdomar"]
    assert youth["role"].tolist() == ["primär", "sekundär"]
    assert youth["method"].tolist() == ["par", "trend"]
    watch = y[y["promise_id"] == "grannsamverkan"]
    assert watch["role"].tolist() == ["Holm-justerad"] * 2
    assert watch["method"].tolist() == ["trend", "poolad"] and watch["p_holm"].notna().all()


def test_labels_are_swedish_words_from_the_vocabulary(demo_build):
    out, _ = demo_build
    ev = pd.read_parquet(out / "promise_evaluation.parquet")
    text = " ".join(ev["label"]) + " ".join(ev["explanation"]) + " ".join(ev["title"])
    text += indicator_table(ev, 2024).to_string()
    for bad in ("->", "område kommunen", "walks", "share_fixed", "otrygg_kvall",
                "andel_stort_problem", "ungdomsgang", "(kommunen)", "område 0"):
        assert bad not in text, bad


def test_the_html_section_pieces_for_the_demo(demo_build):
    out, _ = demo_build
    ev = pd.read_parquet(out / "promise_evaluation.parquet")
    section = promise_section(ev, 2024, demo=True)
    assert section.year == 2024
    overview = section.overview.set_index("Löfte")
    assert overview.loc["Synlig uniformerad polis i stadskärnan", "Genomförande"] == "uppfyllt"
    assert overview.loc["Synlig uniformerad polis i stadskärnan", "Effekt"] == "ej uppfyllt"
    assert len(section.table) == len(ev[ev["year"] == 2024])
    assert section.table["Bedömning i klartext"].str.endswith(".").all()
    assert survey_evidence_figure(ev, 2024, demo=True) is not None


# --- the CSV for Örat mot marken ---------------------------------------------------------------


def test_promise_csv_and_data_dictionary_are_written(demo_built):
    folder = demo_built.reports / "csv"
    data = (folder / "medborgarloften.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and not data.startswith(b"sep=")
    frame = pd.read_csv(folder / "medborgarloften.csv", sep=";", dtype=str, encoding="utf-8-sig",
                        keep_default_na=False)
    assert list(frame.columns[:6]) == ["Löftesår", "Typ", "Löfte", "Genomförande", "Effekt", "Del"]
    row = frame[(frame["Löftesår"] == "2024") & (frame["Löfte"].str.startswith("Synlig"))
                & (frame["Del"] == "Effekt")].iloc[0]
    assert (row["Genomförande"], row["Effekt"], row["Bedömning"]) == (
        "uppfyllt", "ej uppfyllt", "ej uppfyllt")
    assert (row["Värde första året"], row["Värde"], row["Enhet"]) == ("48,3", "58,4", "procent")
    dictionary = (folder / "medborgarloften_dataordlista.txt").read_text("utf-8-sig")
    assert "genomförande" in dictionary and "- Effekt:" in dictionary


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice saknas")
def test_promise_csv_opens_in_libreoffice_with_swedish_settings(demo_built, tmp_path):
    """Open the CSV as a spreadsheet program would: numbers are numbers, å/ä/ö survive."""
    import subprocess

    import openpyxl

    path = tmp_path / "medborgarloften.csv"
    path.write_bytes((demo_built.reports / "csv" / "medborgarloften.csv").read_bytes())
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profil", "--headless",
                    "--infilter=CSV:59,34,76,1,,1053", "--convert-to", "xlsx", "--outdir",
                    str(tmp_path), str(path)], check=True, timeout=180, capture_output=True)
    rows = list(openpyxl.load_workbook(tmp_path / "medborgarloften.xlsx", data_only=True)
                .active.iter_rows(values_only=True))
    header = rows[0]
    assert header[:5] == ("Löftesår", "Typ", "Löfte", "Genomförande", "Effekt")
    col = {name: k for k, name in enumerate(header)}
    body = [r for r in rows[1:] if r[col["Löfte"]] == "Synlig uniformerad polis i stadskärnan"
            and r[col["Löftesår"]] == 2024 and r[col["Del"]] == "Effekt"]
    assert len(body) == 1
    r = body[0]
    assert r[col["Värde"]] == pytest.approx(58.4) and r[col["Förändring"]] == pytest.approx(10.2)
    assert r[col["Minsta förändring som räknas"]] == pytest.approx(5.0)
    assert isinstance(r[col["Bedömning i klartext"]], str)
    assert len(rows) - 1 == len(pd.read_parquet(demo_built.processed
                                                / "promise_evaluation.parquet"))


# --- notebook 04 ----------------------------------------------------------------------------


def test_notebook_04_is_thin_parameterised_and_runs_on_the_demo(demo_built, tmp_path):
    import nbformat
    import papermill

    source = project_paths(DEFAULT_ROOT).root / "notebooks" / "04_medborgarloften.ipynb"
    nb = nbformat.read(source, as_version=4)
    assert nb.metadata["kernelspec"] == {"name": "python3", "display_name": "Python 3",
                                         "language": "python"}
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and "year = None" in tagged[0].source and "root = None" in \
        tagged[0].source
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert all(c.outputs == [] for c in nb.cells if c.cell_type == "code")
    assert not any(line.lstrip().startswith(("def ", "class ")) for line in code.splitlines())
    assert "read_parquet" not in code and "data/raw" not in code
    target = tmp_path / "04.ipynb"
    papermill.execute_notebook(str(source), str(target),
                               parameters={"year": None, "root": str(demo_built.root)},
                               kernel_name="python3", cwd=str(demo_built.root),
                               progress_bar=False, log_output=False)
    done = nbformat.read(target, as_version=4)
    outputs = [o for c in done.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 2  # the survey evidence and the status overview
    text = "".join(o.get("text", "") + o.get("data", {}).get("text/markdown", "")
                   + o.get("data", {}).get("text/html", "") for o in outputs)
    assert "Medborgarlöften 2024" in text and "syntetiska demodata" in text
    assert "**Synlig uniformerad polis i stadskärnan** – ej uppfyllt" in text
    assert "**Ungdomsvåldet ska minska**: uppfyllt. Anmälda brott: ungdomsvåld" in text
    assert "kan enkäten upptäcka en förändring på" in text  # the planning section
