"""The demo's reported crime: reproducible and labelled, read by the whole demo build, judged
in the promise follow-up, shown in the section pieces, the CSV (as Excel opens it) and
notebook 05; ``trygghet build --kontroll`` checks the delivery too."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from analysis.crime import present as P
from analysis.demo import crime as demo
from analysis.paths import CRIME_DIR, DEFAULT_ROOT, project_paths
from analysis.pipeline import build
from analysis.problems import DataError
from analysis.settings import Settings
from analysis.style import smallest_text

COMMITTED = project_paths(DEFAULT_ROOT).demo_raw / CRIME_DIR


def test_generated_twice_gives_the_same_bytes_as_committed(tmp_path):
    a, b = demo.write(tmp_path / "a"), demo.write(tmp_path / "b")
    assert [p.name for p in a] == [demo.OLD_FILE, demo.NEW_FILE, demo.POP_FILE, "README.md"]
    for pa, pb in zip(a, b, strict=True):
        assert pa.read_bytes() == pb.read_bytes() == (COMMITTED / pa.name).read_bytes()


def test_the_files_are_labelled_synthetic_with_title_rows_in_the_wide_layout():
    new = (COMMITTED / demo.NEW_FILE).read_bytes().decode("utf-8-sig").splitlines()
    assert new[0].startswith("Anmälda brott") and "SYNTETISKA DEMODATA" in new[1]
    assert new[4].startswith("Region;Brottskategori;2019;") and new[4].endswith(";2024*")
    assert new[-1].startswith("Källa: syntetiska demodata")
    pop = (COMMITTED / demo.POP_FILE).read_bytes().decode("cp1252").splitlines()
    assert "SYNTETISKA DEMODATA" in pop[1] and pop[3].startswith('"region","ålder","2015"')
    assert "SYNTETISKA" in (COMMITTED / "README.md").read_text("utf-8")


def test_demo_counts_are_consistent_with_brå_s_hierarchy():
    c = demo.counts()
    for region, *_ in demo.REGIONS:
        for y in demo.YEARS:
            assert c[(region, "misshandel", y)] == sum(
                c[(region, k, y)] for k in ("misshandel_0_6", "misshandel_7_14",
                                            "misshandel_15_17", "misshandel_18_"))
            assert c[(region, "klotter", y)] <= c[(region, "skadegorelse", y)]
            assert c[(region, "samtliga", y)] > c[(region, "stold_ran", y)]


@pytest.fixture
def processed(demo_built):
    return demo_built.processed


def test_demo_build_reads_both_vintages_and_every_row(processed, demo_built):
    crime = pd.read_parquet(processed / "reported_crime.parquet")
    e = crime[(crime["region"] == "1285") & (crime["category"] == "samtliga")
              & (crime["year"] == 2023)].set_index("status")
    assert sorted(e.index) == ["preliminär", "slutlig"]
    assert e.loc["slutlig", "count"] - e.loc["preliminär", "count"] == demo.RESTATED_2023[
        "samtliga"]
    assert e.loc["slutlig", "is_latest"] and e["restated"].all()
    assert crime.loc[crime["year"] == 2024, "preliminary"].all()
    klotter = crime[(crime["region"] == "1285") & (crime["category"] == "klotter")
                    & (crime["year"] == 2015)]
    assert klotter["missing"].tolist() == [True] and klotter["count"].isna().all()
    acc = demo_built.manifest["radredovisning"]
    for name in (demo.OLD_FILE, demo.NEW_FILE, demo.POP_FILE):
        a = acc[f"{CRIME_DIR}/{name}"]
        assert a["lasta"] == a["godkanda"] and a["avvisade"] == 0
    assert f"{CRIME_DIR}/{demo.POP_FILE}" in demo_built.manifest["indata"]
    assert "statsmodels" in demo_built.manifest["version"]
    rates = pd.read_parquet(processed / "crime_rates.parquet")
    assert set(rates["region"]) == {"1285", "12", "00"}
    assert (rates.loc[rates["category"] == "ungdomsvald", "population_ages"] == "7–17 år").all()
    for name in ("crime_comparisons", "crime_changes", "crime_trends", "population",
                 "avvisade_anmalda_brott"):
        assert (processed / f"{name}.parquet").is_file()


def test_the_youth_violence_goal_has_a_verdict_with_evidence(processed):
    ev = pd.read_parquet(processed / "promise_evaluation.parquet")
    youth = ev[ev["promise_id"] == "ungdomsvald"].set_index("year")
    r = youth.loc[2024]
    assert (r["kind"], r["status"], r["effect_status"], r["method"]) == (
        "anmalda_brott", "uppfyllt", "uppfyllt", "trend")
    assert r["ci_high_delta"] < 0 and r["estimate_to"] < r["estimate_from"]
    assert "Poissonregression över 4 år 2021–2024" in r["explanation"]
    assert "per 100\u202f000 invånare 7–17 år" in r["explanation"]
    assert youth.loc[2022, "status"] == "kan inte bedömas"
    assert "en minskning på ungefär" in youth.loc[2022, "explanation"]


def test_the_section_pieces_for_the_demo(processed):
    tables = {n: pd.read_parquet(processed / f"{n}.parquet")
              for n in ("crime_rates", "crime_comparisons", "crime_trends")}
    section = P.crime_section(tables, 2024, demo=True, settings=Settings(kommunkod="1285"))
    assert section.year == 2024 and section.title == "Anmälda brott 2024"
    assert [f.key for f in section.figures] == ["figurer/anmalda_brott_samtliga.png",
                                                "figurer/anmalda_brott_ungdomsvald.png",
                                                "figurer/anmalda_brott_jamforelse.png"]
    for f in section.figures:
        fig = f.make()
        texts = " ".join(t.get_text() for t in fig.texts)
        assert "Källa: Syntetiska demodata i formen av Brås statistik" in texts
        assert smallest_text(fig) >= 8 and len(f.alt) > 20
    caption, table = section.tables[0]
    assert caption == "Anmälda brott 2024 i Eslöv jämfört med länet och riket"
    assert list(table.columns[:3]) == ["Brottskategori", "Antal 2024 (95 % KI)",
                                       "Per 100\u202f000 invånare (95 % KI)"]
    assert "Kvot mot länet (95 % KI)" in table.columns
    assert len(section.findings) == 3 and section.findings[0].startswith("2024 (preliminär")
    assert any("där de begicks" in s for s in section.limits)
    assert any("benägna" in s for s in section.limits)
    assert any("Registreringen ändras" in s for s in section.limits)
    assert section.notes == ["Siffrorna för 2024 är preliminära."]
    # the sources table's row for reported crime
    row = P.sources_row(tables["crime_rates"], demo=True)
    assert row["Används"] == "ja" and "Syntetiska demodata" in row["Vad och varför"]


def test_crime_csv_and_data_dictionary(demo_built):
    folder = demo_built.reports / "csv"
    data = (folder / "anmalda_brott.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    frame = pd.read_csv(folder / "anmalda_brott.csv", sep=";", dtype=str, encoding="utf-8-sig",
                        keep_default_na=False)
    assert frame.columns[:3].tolist() == ["År", "Regionkod", "Region"]
    assert '="00"' in set(frame["Regionkod"]) and "1285" in set(frame["Regionkod"])
    small = frame[frame["Litet antal"] == "ja"]
    assert len(small) and (small["Per 100 000 invånare"] == "").all()  # never a bare rate
    assert (small["Antal KI övre"] != "").all()
    dictionary = (folder / "anmalda_brott_dataordlista.txt").read_text("utf-8-sig")
    assert "Garwood" in dictionary and "- Kvot mot länet:" in dictionary
    assert "syntetiska demodata" in dictionary


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice saknas")
def test_crime_csv_opens_in_libreoffice_with_swedish_settings(demo_built, tmp_path):
    """Open the CSV as a spreadsheet program would: numbers are numbers, codes keep their
    leading zero, å/ä/ö survive."""
    import subprocess

    import openpyxl

    path = tmp_path / "anmalda_brott.csv"
    path.write_bytes((demo_built.reports / "csv" / "anmalda_brott.csv").read_bytes())
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profil", "--headless",
                    "--infilter=CSV:59,34,76,1,,1053", "--convert-to", "xlsx", "--outdir",
                    str(tmp_path), str(path)], check=True, timeout=180, capture_output=True)
    rows = list(openpyxl.load_workbook(tmp_path / "anmalda_brott.xlsx", data_only=True)
                .active.iter_rows(values_only=True))
    header = rows[0]
    assert header[:6] == ("År", "Regionkod", "Region", "Nivå", "Kategorikod", "Brottskategori")
    col = {name: k for k, name in enumerate(header)}
    riket = [r for r in rows[1:] if r[col["Region"]] == "Riket"]
    assert riket and all(r[col["Regionkod"]] == "00" for r in riket)
    rates = pd.read_parquet(demo_built.processed / "crime_rates.parquet")
    youth = rates[(rates["region"] == "1285") & (rates["category"] == "ungdomsvald")
                  & (rates["year"] == 2024)].iloc[0]
    row = next(r for r in rows[1:] if r[col["Regionkod"]] == 1285 or r[col["Regionkod"]] == "1285"
               if r[col["Kategorikod"]] == "ungdomsvald" and r[col["År"]] == 2024)
    assert row[col["Antal"]] == youth["count"]
    assert row[col["Per 100 000 invånare"]] == pytest.approx(round(youth["rate"], 1))
    assert row[col["Brottskategori"]].startswith("Ungdomsvåld (misshandel mot barn 7–17 år")
    assert len(rows) - 1 == len(rates)


def test_notebook_05_is_thin_parameterised_and_runs_on_the_demo(demo_built, tmp_path):
    import nbformat
    import papermill

    source = DEFAULT_ROOT / "notebooks" / "05_anmalda_brott.ipynb"
    nb = nbformat.read(source, as_version=4)
    assert nb.metadata["kernelspec"] == {"name": "python3", "display_name": "Python 3",
                                         "language": "python"}
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and "year = None" in tagged[0].source and "root = None" in \
        tagged[0].source
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert all(c.outputs == [] and c.execution_count is None
               for c in nb.cells if c.cell_type == "code")
    assert not any(line.lstrip().startswith(("def ", "class ")) for line in code.splitlines())
    assert "read_parquet" not in code and "data/raw" not in code
    target = tmp_path / "05.ipynb"
    papermill.execute_notebook(str(source), str(target),
                               parameters={"year": None, "root": str(demo_built.root)},
                               kernel_name="python3", cwd=str(demo_built.root),
                               progress_bar=False, log_output=False)
    done = nbformat.read(target, as_version=4)
    outputs = [o for c in done.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 3  # all crimes, the comparison, youth violence
    assert all(len(o["metadata"]["image/png"]["alt"]) > 20 for o in images)
    text = "".join(o.get("text", "") + o.get("data", {}).get("text/markdown", "")
                   + o.get("data", {}).get("text/html", "") for o in outputs)
    assert "syntetiska demodata" in text and "Anmälda brott 2024" in text
    assert "Ungdomsvåld per år i kommunen" in text and "Förändring från 2023 till 2024" in text
    assert "där de begicks" in text


def test_kontroll_checks_the_crime_delivery(tmp_path):
    root = tmp_path
    shutil.copytree(DEFAULT_ROOT / "data" / "raw" / "demo", root / "data" / "raw" / "demo")
    bad = root / "data" / "raw" / "demo" / CRIME_DIR / demo.NEW_FILE
    bad.write_bytes(bad.read_bytes().replace(b"Klotter", b"Klotterr", 1))
    with pytest.raises(DataError, match="Klotterr") as err:
        build(root, dry_run=True, stages=["areas", "crime"], progress=lambda s: None)
    [p] = err.value.problems
    assert (p.file, p.row, p.column) == (demo.NEW_FILE, 22, "Brottskategori")
    assert 'Menade du: "Klotter"' in p.hint
    assert not (root / "data" / "processed").exists()
    manifest = build(root, dry_run=True, quarantine=True, stages=["areas", "crime"],
                     progress=lambda s: None)
    acc = manifest["radredovisning"][f"{CRIME_DIR}/{demo.NEW_FILE}"]
    assert (acc["avvisade"], acc["orsaker"]) == (1, {"okand_brottskategori": 1})
