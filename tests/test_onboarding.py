"""Any kommun without touching the package (issue 11): `trygghet ny`, the bundled kommun
boundaries, templates, and a second kommun (Hörby, tests/fixtures/horby) built end to end."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.kommuner import find_kommun, kommun_names, kommuner
from analysis.onboarding import files_for, start_kommun
from analysis.paths import DEFAULT_ROOT, PACKAGE_DIR
from analysis.problems import DataError

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "horby"

# --- nothing kommun-specific in the package ------------------------------------------------

# The demo generator is the demo kommun's home; the bundled national boundary file lists
# every kommun (and its README cites it).
EXEMPT = ("demo/", "resources/kommuner.geojson", "resources/kommuner_README.md")
KOMMUN_SPECIFIC = re.compile(r"eslöv|eslov|hörby|horby|brinova|(?<![\d.])(1285|1266)(?!\d)",
                             re.IGNORECASE)
TEXT_SUFFIXES = {".py", ".yaml", ".yml", ".j2", ".md", ".txt", ".json", ".csv", ".toml"}


def test_no_kommun_specific_names_in_the_package():
    hits = []
    for path in sorted(PACKAGE_DIR.rglob("*")):
        relative = path.relative_to(PACKAGE_DIR).as_posix()
        if (not path.is_file() or path.suffix not in TEXT_SUFFIXES
                or relative.startswith(EXEMPT) or "__pycache__" in relative):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if KOMMUN_SPECIFIC.search(line):
                hits.append(f"analysis/{relative}:{number}: {line.strip()[:90]}")
    assert hits == [], (
        "Kommunspecifika namn eller koder i paketet (flytta dem till analysis/demo/ eller "
        "data/raw/demo/, skriv exempel med Exempelby, och slå upp kommuner med "
        "analysis.kommuner.kommun_names()):\n" + "\n".join(hits))


# --- the bundled boundaries and finding a kommun --------------------------------------------


def test_the_bundled_boundaries_have_every_kommun_once():
    every = kommuner()
    assert len(every) == 290 and len({k.code for k in every}) == 290
    assert all(re.fullmatch(r"\d{4}", k.code) for k in every)
    assert kommun_names()["1266"] == "Hörby"


@pytest.mark.parametrize("typed,code,name", [
    ("Hörby", "1266", "Hörby kommun"), ("hörby kommun", "1266", "Hörby kommun"),
    ("1266", "1266", "Hörby kommun"), ("Horby", "1266", "Hörby kommun"),
    ("114", "0114", "Upplands Väsby kommun"), ("Eslövs kommun", "1285", "Eslövs kommun"),
    ("malmö stad", "1280", "Malmö stad"), ("Region Gotland", "0980", "Region Gotland"),
    ("Håbo", "0305", "Håbo kommun"), ("Habo", "0643", "Habo kommun"),
])
def test_a_kommun_is_found_by_name_or_code(typed, code, name):
    k = find_kommun(typed)
    assert (k.code, k.official_name) == (code, name)


@pytest.mark.parametrize("typed,expected", [
    ("Hörbi", 'trygghet ny: "Hörbi" – ingen kommun heter så. Menade du: Hörby'),
    ("9999", "det finns ingen kommun med den koden"),
    ("HABO", None),  # exact name (case ignored) wins over the folded Håbo
])
def test_a_typo_gets_suggestions(typed, expected):
    if expected is None:
        assert find_kommun(typed).code == "0643"
        return
    with pytest.raises(DataError) as info:
        find_kommun(typed)
    assert expected in str(info.value)


# --- trygghet ny -----------------------------------------------------------------------------


def test_ny_writes_settings_outline_and_templates_then_the_next_steps(tmp_path, capsys):
    from analysis.places import kommun_outline
    from analysis.settings import read_settings

    assert main(["--rot", str(tmp_path), "ny", "Hörby", "--ar", "2025"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Hörby kommun (kommunkod 1266).")
    steps = out.split("Nästa steg:")[1].strip().splitlines()
    assert [s.strip()[:2] for s in steps] == ["1.", "2.", "3."]
    assert f"trygghet --rot {tmp_path} validate" in steps[1]
    raw = tmp_path / "data" / "raw"
    settings = read_settings(raw / "installningar.yaml")
    assert (settings.kommunkod, settings.kommun_namn) == ("1266", "Hörby kommun")
    outline = kommun_outline(raw / "geodata" / "kommun.geojson", settings.kommunkod)
    assert 300e6 < outline.area < 500e6  # Hörby is about 420 km²
    written = sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*") if p.is_file())
    assert written == sorted(files_for(find_kommun("1266"), 2025))
    assert {"mallar/omraden/omradesindelning.csv", "mallar/trygghetsmatning/kolumnmappning.csv",
            "mallar/trygghetsvandringar/vandringar.csv",
            "mallar/trygghetsvandringar/protokoll_2025-1.csv",
            "mallar/polisens_index/polisens_index.csv",
            "mallar/medborgarloften/medborgarloften_2025.yaml",
            "mallar/medborgarloften/aktivitetslogg.csv", "ordlista.yaml"} <= set(written)
    # one example row per CSV template, each column explained in the folder's README
    area = (raw / "mallar/omraden/omradesindelning.csv").read_text("utf-8-sig").splitlines()
    assert area == ["omrade;namn;giltig_fran;giltig_till;inbjudna", "01;Centrum;2024;;300"]
    readme = (raw / "mallar/omraden/README.md").read_text("utf-8")
    for column in area[0].split(";"):
        assert f"| `{column}` |" in readme
    registry = (raw / "mallar/medborgarloften/medborgarloften_2025.yaml").read_text("utf-8")
    assert all("#" in line for line in registry.splitlines() if line.strip())


def test_ny_never_overwrites_and_says_so(tmp_path, capsys):
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    (raw / "installningar.yaml").write_text("min_n: 40\n", encoding="utf-8")
    assert main(["--rot", str(tmp_path), "ny", "1266"]) == 0
    assert (raw / "installningar.yaml").read_text("utf-8") == "min_n: 40\n"
    assert "Fanns redan, skrevs inte över:" in capsys.readouterr().out
    before = {p: p.read_bytes() for p in raw.rglob("*") if p.is_file()}
    assert main(["--rot", str(tmp_path), "ny", "Hörby"]) == 0
    assert "Inget skrevs: alla filer fanns redan." in capsys.readouterr().out
    assert {p: p.read_bytes() for p in raw.rglob("*") if p.is_file()} == before


def test_ny_with_a_typo_is_a_message_with_suggestions(tmp_path, capsys):
    assert main(["--rot", str(tmp_path), "ny", "Hörbi"]) == 1
    err = capsys.readouterr().err
    assert "Menade du: Hörby" in err and "Traceback" not in err
    assert not (tmp_path / "data").exists()


def test_the_templates_are_valid_deliveries(tmp_path):
    """Every template, copied into place as it is, passes the build's checks."""
    from analysis.pipeline import build

    start_kommun(tmp_path, "Hörby", year=2024)
    raw = tmp_path / "data" / "raw"
    for template in (raw / "mallar").rglob("*"):
        if template.is_file() and template.name != "README.md" and template.parent != raw / "mallar":
            if template.name == "kolumnmappning.csv":
                continue  # maps a heading the survey below does not have
            target = raw / template.relative_to(raw / "mallar")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(template, target)
    rows = ["Löpnr;Område;Bilar som kör för fort"] + [
        f"{i};01;{'Ganska stort problem' if i % 3 else 'Inget problem alls'}" for i in range(60)]
    assert (raw / "trygghetsmatning").is_dir() and (raw / "omraden").is_dir()  # ready to fill
    (raw / "trygghetsmatning" / "enkat_2024.csv").write_text("\n".join(rows), encoding="utf-8")
    manifest = build(tmp_path, demo=False, stages=["areas", "survey", "estimates", "official",
                                                   "places", "walks", "promises"],
                     progress=lambda s: None)
    read = manifest["radredovisning"]
    assert read["trygghetsvandringar/protokoll_2024-1.csv"]["godkanda"] == 1
    assert read["polisens_index/polisens_index.csv"]["godkanda"] == 1
    assert read["medborgarloften/aktivitetslogg.csv"]["godkanda"] == 1
    assert "mallar" not in " ".join(manifest["indata"])  # templates are never read


# --- a second kommun, end to end ------------------------------------------------------------


# What a kommun had to edit before (issue 11): the vocabulary, the codebook, the settings'
# defaults; and the bundled boundaries `ny` reads. (Not the whole package: other work may
# change other files while the suite runs.)
KOMMUN_EDITED = ["resources/walk_vocabulary.yaml", "resources/codebook.yaml",
                 "resources/kommuner.geojson", "settings.py", "places.py", "walks/terms.py"]


def _package_digest() -> str:
    digest = hashlib.sha256()
    for name in KOMMUN_EDITED:
        digest.update(name.encode())
        digest.update((PACKAGE_DIR / name).read_bytes())
    return digest.hexdigest()


def test_horby_from_trygghet_ny_to_its_lagesbild_without_editing_the_package(tmp_path, capsys):
    before = _package_digest()
    assert main(["--rot", str(tmp_path), "ny", "Hörby"]) == 0
    raw = tmp_path / "data" / "raw"
    for path in FIXTURE.rglob("*"):
        if path.is_file() and path.name != "README.md":
            target = raw / path.relative_to(FIXTURE)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    assert main(["--rot", str(tmp_path), "build"]) == 0
    assert _package_digest() == before  # no package file was edited
    page = (tmp_path / "reports" / "lagesbild.html").read_text("utf-8")
    assert "Lägesbild trygghet 2024 – Hörby kommun" in page
    manifest = json.loads((tmp_path / "data/processed/manifest.json").read_text("utf-8"))
    assert manifest["kalla"] == "kommunens filer"
    assert manifest["parametrar"]["kommunkod"] == "1266"
    assert manifest["radredovisning"]["trygghetsmatning/enkat_2024.csv"]["godkanda"] == 220
    import pandas as pd

    obs = pd.read_parquet(tmp_path / "data/processed/observations.parquet")
    assert set(obs["responsible"]) == {"kommunen", "horbyhem", "ringen", "polisen"}
    assert obs["area"].notna().all()  # area codes only: no polygons needed
    # nothing of the demo kommun anywhere in what Hörby gets
    for path in [*(tmp_path / "reports").rglob("*"), tmp_path / "data/processed/manifest.json"]:
        if path.is_file() and path.suffix in {".html", ".csv", ".txt", ".json"}:
            text = path.read_text("utf-8-sig")
            assert not re.search(r"Eslöv|1285", text), path
    tidy = (tmp_path / "reports/csv/maskinlasbar/skattningar.csv").read_bytes()
    assert tidy.startswith("År,Områdeskod,".encode()) and b"\r\n" not in tidy
    out = capsys.readouterr().out
    assert "Klart" in out


def test_the_demo_kommun_lives_in_the_demo_files():
    demo = DEFAULT_ROOT / "data" / "raw" / "demo"
    assert 'kommunkod: "1285"' in (demo / "installningar.yaml").read_text("utf-8")
    assert "eslovs_bostads_ab:" in (demo / "ordlista.yaml").read_text("utf-8")
