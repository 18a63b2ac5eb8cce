"""Hardening of the domain deliveries (issue 8, items 3, 4 and 6).

Walks, promises, the police's index tables and geodata: symbolic links in a delivery folder
are refused, every file that is not read is named, implausible values (counts, years, dates)
are rejected with file, row, column, value and the allowed range, and a promise registry
cannot be a YAML bomb. Every refusal writes nothing.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from analysis.pipeline import build
from analysis.problems import DataError
from analysis.promises import read_registry
from analysis.settings import Settings
from tests.conftest import processed_files
from tests.test_official import GOOD as OFFICIAL_GOOD
from tests.test_official import _row as official_row
from tests.test_official import _write_official
from tests.test_promises import GOOD as PROMISES_GOOD
from tests.test_promises import LOG, promise, write_promises, yaml_text
from tests.test_walks import HEADER, areas_gdf, places_gdf, v1_rows, walk_project

STAGES = {"official": ["areas", "official"], "walks": ["areas", "places", "walks"],
          "promises": ["areas", "promises"], "places": ["areas", "places"]}
WINDOW = "1990–2100"
MAX = "100\u202f000"  # sv_count(100 000): a narrow no-break space between thousands


def built(project: Path, domain: str, **kw) -> dict:
    return build(project, demo=False, stages=STAGES[domain], progress=lambda s: None, **kw)


def refused(project: Path, domain: str, **kw) -> str:
    """The Swedish message of a build that stops; nothing may have been written."""
    with pytest.raises(DataError) as err:
        built(project, domain, **kw)
    assert processed_files(project) == {}
    assert "Traceback" not in str(err.value)
    return str(err.value)


# --- one good delivery per folder ------------------------------------------------------------


def official_delivery(project: Path) -> Path:
    (project / "data" / "raw" / "polisens_index").mkdir(exist_ok=True)
    _write_official(project, OFFICIAL_GOOD)
    return project / "data" / "raw" / "polisens_index"


def walks_delivery(project: Path) -> Path:
    walk_project(project, v1_rows())
    return project / "data" / "raw" / "trygghetsvandringar"


def promises_delivery(project: Path) -> Path:
    return write_promises(project, PROMISES_GOOD, LOG)


def places_delivery(project: Path) -> Path:
    geo = project / "data" / "raw" / "geodata"
    geo.mkdir(parents=True)
    areas_gdf().to_file(geo / "omraden.gpkg", driver="GPKG")
    places_gdf().to_file(geo / "platser.gpkg", driver="GPKG")
    return geo


DELIVERIES = {"official": official_delivery, "walks": walks_delivery,
              "promises": promises_delivery, "places": places_delivery}


# --- 3: symbolic links are refused, unread files are named -----------------------------------

# A link named like a delivery in each folder (and a Shapefile sidecar).
LINK_NAMES = {"official": "polisens_index_2023.csv", "walks": "protokoll_9.csv",
              "promises": "medborgarloften_2023.yaml", "places": "kommun.geojson"}


@pytest.mark.parametrize("domain", list(LINK_NAMES))
@pytest.mark.parametrize("dangling", [True, False], ids=["dangling", "to_a_real_file"])
def test_a_symbolic_link_in_a_delivery_folder_stops_the_build(project, tmp_path_factory,
                                                              domain, dangling):
    folder = DELIVERIES[domain](project)
    outside = tmp_path_factory.mktemp("utanfor") / "leverans.csv"
    if not dangling:
        outside.write_text("ar;omrade\n2022;01\n", encoding="utf-8")
    name = LINK_NAMES[domain]
    (folder / name).symlink_to(outside)
    msg = refused(project, domain)
    target = "en fil som inte finns" if dangling else "en annan plats"
    assert "Leveransen innehåller länkar" in msg
    assert f"{name}: är en länk (symbolisk länk) till {target}; länkar läses inte." in msg
    assert f"Kopiera själva filen till {folder.name}/" in msg


@pytest.mark.filterwarnings("ignore::UserWarning", "ignore::RuntimeWarning")  # .shp field names
def test_a_linked_shapefile_sidecar_stops_the_build(project, tmp_path_factory):
    geo = places_delivery(project)
    (geo / "omraden.gpkg").unlink()
    areas_gdf().to_file(geo / "omraden.shp")
    elsewhere = tmp_path_factory.mktemp("utanfor") / "omraden.dbf"
    (geo / "omraden.dbf").rename(elsewhere)
    (geo / "omraden.dbf").symlink_to(elsewhere)
    msg = refused(project, "places")
    assert "omraden.dbf: är en länk (symbolisk länk) till en annan plats" in msg


@pytest.mark.parametrize("domain", list(LINK_NAMES))
def test_a_linked_delivery_folder_stops_the_build(project, tmp_path_factory, domain):
    folder = DELIVERIES[domain](project)
    moved = tmp_path_factory.mktemp("utanfor") / folder.name
    folder.rename(moved)
    folder.symlink_to(moved, target_is_directory=True)
    msg = refused(project, domain)
    assert f"{folder.name}: är en länk (symbolisk länk)" in msg


UNREAD = {
    "official": [("rapport_2022.pdf", "polisens_index/rapport_2022.pdf (okänt filformat)"),
                 ("gammal.xls", "polisens_index/gammal.xls (gammalt kalkylformat; spara som "
                                ".xlsx eller CSV)")],
    "walks": [("anteckningar.docx", "trygghetsvandringar/anteckningar.docx (okänt filformat)"),
              ("~$protokoll.xlsx", "trygghetsvandringar/~$protokoll.xlsx (en tillfällig fil "
                                   "som Office skapar när filen är öppen)")],
    "promises": [("anteckningar.docx", "medborgarloften/anteckningar.docx (okänt filformat)"),
                 ("medborgarloften2023.yaml", "medborgarloften/medborgarloften2023.yaml (namnet "
                                              "ska vara medborgarloften_<år>.yaml)"),
                 ("aktivitetslogg.pdf", "medborgarloften/aktivitetslogg.pdf (okänt filformat; "
                                        "aktivitetsloggen läses som CSV eller Excel (.xlsx))")],
    "places": [("omraden_2019.gpkg", "geodata/omraden_2019.gpkg (bara omraden.*, platser.* "
                                     "(.gpkg, .geojson eller .shp) och kommun.geojson läses)"),
               (".dold.geojson", "geodata/.dold.geojson (en dold fil)")],
}


@pytest.mark.parametrize("domain", list(UNREAD))
def test_every_file_that_is_not_read_is_named_in_the_manifest_and_the_progress(project, domain):
    folder = DELIVERIES[domain](project)
    for name, _ in UNREAD[domain]:
        (folder / name).write_bytes(b"inte en leverans")
    (folder / "gamla").mkdir()
    (folder / "README.md").write_text("# Läs mig\n", encoding="utf-8")
    messages: list[str] = []
    manifest = build(project, demo=False, stages=STAGES[domain], progress=messages.append)
    notes = manifest["anteckningar"]
    prefix = {"official": "polisens_index", "walks": "trygghetsvandringar",
              "promises": "medborgarloften", "places": "geodata"}[domain]
    expected = [f"Läses inte: {text}" for _, text in UNREAD[domain]]
    expected.append(f"Läses inte: {prefix}/gamla (en mapp; undermappar läses inte)")
    for note in expected:
        assert note in notes, notes
        assert any(note in m for m in messages)
    unread = [n for n in notes if n.startswith("Läses inte:")]
    assert sorted(unread) == sorted(expected)  # nothing read is named, nor the README


def test_two_activity_logs_are_ambiguous(project):
    folder = promises_delivery(project)
    (folder / "aktivitetslogg.txt").write_text(LOG, encoding="utf-8")
    msg = refused(project, "promises")
    assert "Aktivitetsloggen är tvetydig" in msg
    assert "aktivitetslogg.csv: det finns flera aktivitetsloggar." in msg
    assert "aktivitetslogg.txt: det finns flera aktivitetsloggar." in msg


# --- 4: plausibility limits ----------------------------------------------------------------

WALKS_TABLE = ("Vandring;Datum;Ort;Slinga;Ljus;Form;Deltagare;Arrangör;Koordinatsystem\r\n"
               "V1;{date};Eslöv;Centrum;Mörker;fysisk;{n};Kommunen;SWEREF 99 13 30\r\n"
               "V2;2023-03-01;Eslöv;Centrum;skymning;Digital;8;Polisen;\r\n"
               "M1;2022-04-05;Marieholm;Torget;dagsljus;fysisk;5;Kommunen;\r\n")
PARTICIPANTS = f"är inte ett antal deltagare (tillåtet: ett heltal från 0 till {MAX})."


def walks_with(project: Path, date: str = "2022-03-01", n: str = "12",
               rows: list[list[str]] | None = None, header: list[str] | None = None) -> Path:
    walk_project(project, rows or v1_rows(), header)
    folder = project / "data" / "raw" / "trygghetsvandringar"
    (folder / "vandringar.csv").write_text(WALKS_TABLE.format(date=date, n=n), encoding="utf-8")
    return project


@pytest.mark.parametrize("n", ["1e308", "1e309", "100001", "-1", "2,5", "tolv"])
def test_participants_must_be_a_whole_number_up_to_max_count(project, n):
    msg = refused(walks_with(project, n=n), "walks")
    assert "Trygghetsvandringarna har fel – inget har skrivits" in msg
    assert f'vandringar.csv, rad 2, kolumn "Deltagare": "{n}" – {PARTICIPANTS}' in msg
    assert "Skriv antalet deltagare som ett heltal, eller lämna cellen tom." in msg


@pytest.mark.parametrize("n", ["0", "100000", ""])
def test_participants_at_the_limits_are_accepted(project, n):
    built(walks_with(project, n=n), "walks")
    assert "walks.parquet" in processed_files(project)


def test_the_limit_on_participants_comes_from_the_settings(project):
    msg = refused(walks_with(project, n="12"), "walks", settings=Settings(max_count=10))
    assert 'kolumn "Deltagare": "12" – är inte ett antal deltagare (tillåtet: ett heltal från 0 ' \
        "till 10)." in msg


@pytest.mark.parametrize("date", ["1899-05-01", "2101-01-01", "1989-12-31"])
def test_a_walk_dated_outside_the_window_is_rejected_with_its_observations(project, date):
    msg = refused(walks_with(project, date=date), "walks")
    assert (f'vandringar.csv, rad 2, kolumn "Datum": "{date}" – vandringens datum ligger '
            f"utanför åren {WINDOW}. Tillåtna år: {WINDOW}.") in msg
    assert "earliest_year och latest_year i installningar.yaml" in msg
    # its observations are rejected with a pointer to the walk, not placed "outside every area"
    assert 'v1.csv, rad 2, kolumn "Vandring": "V1" – vandringens rad i vandringar.csv har fel.' in msg


def test_a_walk_dated_1899_is_kept_out_in_quarantine(project):
    manifest = built(walks_with(project, date="1899-05-01"), "walks", quarantine=True)
    acc = manifest["radredovisning"]
    assert acc["trygghetsvandringar/vandringar.csv"]["orsaker"] == {"orimligt_datum": 1}
    assert acc["trygghetsvandringar (utanför alla områden)"]["antal"] == 0
    assert acc["trygghetsvandringar/v1.csv"]["avvisade"] == 4


@pytest.mark.parametrize("column, label, value", [
    ("Statusdatum", "statusdatum", "2999-04-26"),
    ("Statusdatum", "statusdatum", "1899-04-26"),
    ("Måldatum", "måldatum", "2999-12-31"),
    ("Datum", "vandringens datum", "1899-03-01"),
])
def test_status_target_and_protocol_dates_outside_the_window(project, column, label, value):
    header = HEADER + (["Måldatum"] if column == "Måldatum" else []) + (
        ["Datum"] if column == "Datum" else [])
    rows = v1_rows()
    if column == "Statusdatum":
        rows[0][13] = value
    else:
        rows = [r + [value if i == 0 else ""] for i, r in enumerate(rows)]
    msg = refused(walks_with(project, rows=rows, header=header), "walks")
    assert (f'v1.csv, rad 2, kolumn "{column}": "{value}" – {label} ligger utanför åren '
            f"{WINDOW}.") in msg


def test_a_status_date_after_the_follow_up_date_is_fine(project):
    rows = v1_rows()
    rows[1][13] = "2022-09-01"  # after as_of, within the window: simply not known yet
    built(walks_with(project, rows=rows), "walks", settings=Settings(walk_as_of="2022-05-01"))
    assert "walk_followup.parquet" in processed_files(project)


def test_the_window_comes_from_the_settings(project):
    msg = refused(walks_with(project), "walks", settings=Settings(earliest_year=2023))
    assert '"Datum": "2022-03-01" – vandringens datum ligger utanför åren 2023–2100.' in msg


# The activity log (medborgarloften/aktivitetslogg.csv): a bad row is the fifth (row 5).
COUNT = f"antal ska vara ett heltal från 1 till {MAX}. Lämna tomt för 1."


@pytest.mark.parametrize("antal", ["1e308", "1e309", "100001", "0", "-3", "2,5", "många"])
def test_activity_count_must_be_a_whole_number_up_to_max_count(project, antal):
    write_promises(project, PROMISES_GOOD, LOG + f"2022-03-01;trafikinsats;;;;{antal};\r\n")
    msg = refused(project, "promises")
    assert "Aktivitetsloggen har fel – inget har skrivits" in msg
    assert f'aktivitetslogg.csv, rad 5, kolumn "antal": "{antal}" – {COUNT}' in msg


def test_activity_count_of_1e308_never_reaches_the_tables_in_quarantine(project):
    write_promises(project, PROMISES_GOOD, LOG + "2022-03-01;trafikinsats;;;;1e308;\r\n")
    built(project, "promises", quarantine=True)
    import pandas as pd

    out = project / "data" / "processed"
    counts = pd.read_parquet(out / "activities.parquet")["count"]
    assert counts.tolist() == [1, 3, 1] and counts.min() > 0
    assert pd.read_parquet(out / "promise_evaluation.parquet")["value"].tolist() == [4.0]


@pytest.mark.parametrize("datum", ["1899-12-31", "2101-01-01"])
def test_activity_dates_outside_the_window(project, datum):
    write_promises(project, PROMISES_GOOD, LOG + f"{datum};trafikinsats;;;;;\r\n")
    msg = refused(project, "promises")
    assert (f'aktivitetslogg.csv, rad 5, kolumn "datum": "{datum}" – datumet ligger utanför '
            f"åren {WINDOW}. Tillåtna år: {WINDOW}.") in msg


# The promise registry: one file, medborgarloften_2022.yaml; the line as in an editor.
ACTIVITY = "      - typ: aktivitet\n        aktivitet: trafikinsats\n        mal: 2\n"
MILESTONE = "      - typ: milstolpe\n        beskrivning: Kamera\n        klart: {done}\n"
SURVEY_YEARS = ("      - typ: enkat\n        indikator: andel_otrygga\n        fraga: otrygg_kvall\n"
                "        omrade: kommunen\n        riktning: minska\n"
                "        fran_ar: {y1}\n        till_ar: {y2}\n")
OUTSIDE = f"ligger utanför åren {WINDOW}. Tillåtna år: {WINDOW}."

REGISTRY_CASES = {
    "ar 1899": ("ar: 1899\nloften:\n" + promise(ACTIVITY),
                f'rad 1, kolumn "ar": "1899" – året {OUTSIDE}'),
    "ar 3000": ("ar: 3000\nloften:\n" + promise(ACTIVITY),
                f'rad 1, kolumn "ar": "3000" – året {OUTSIDE}'),
    "undertecknat 1899": (yaml_text(promise(ACTIVITY)).replace("2022-03-15", "1899-03-15"),
                          f'rad 2, kolumn "undertecknat": "1899-03-15" – datumet {OUTSIDE}'),
    "senast 2999": (yaml_text(promise(MILESTONE.format(done="nej")
                                      + "        senast: 2999-12-31\n")),
                    'rad 11, kolumn "loften[0].indikatorer[0].senast": "2999-12-31" – datumet '
                    + OUTSIDE),
    "klart 1899": (yaml_text(promise(MILESTONE.format(done="1899-06-01"))),
                   'rad 10, kolumn "loften[0].indikatorer[0].klart": "1899-06-01" – datumet '
                   + OUTSIDE),
    "fran_ar 1899": (yaml_text(promise(SURVEY_YEARS.format(y1=1899, y2=2022))),
                     'rad 13, kolumn "loften[0].indikatorer[0].fran_ar": "1899" – året ' + OUTSIDE),
    "till_ar 2999": (yaml_text(promise(SURVEY_YEARS.format(y1=2021, y2=2999))),
                     'rad 14, kolumn "loften[0].indikatorer[0].till_ar": "2999" – året ' + OUTSIDE),
    "2022-02-30 unquoted": (yaml_text(promise(ACTIVITY)).replace("2022-03-15", "2022-02-30"),
                            'rad 2, kolumn "undertecknat": "2022-02-30" – är inte ett datum som '
                            "finns i kalendern. Skriv datum som ÅÅÅÅ-MM-DD"),
    "2022-02-30 quoted": (yaml_text(promise(ACTIVITY)).replace("2022-03-15", "'2022-02-30'"),
                          'rad 2, kolumn "undertecknat": "2022-02-30" – är inte ett datum. '
                          "Skriv datum som ÅÅÅÅ-MM-DD."),
    "klart 2022-13-01 unquoted": (yaml_text(promise(MILESTONE.format(done="2022-13-01"))),
                                  'rad 10, kolumn "loften[0].indikatorer[0].klart": "2022-13-01" '
                                  "– är inte ett datum som finns i kalendern."),
    "senast 2022-02-30 quoted": (yaml_text(promise(MILESTONE.format(done="nej")
                                                   + "        senast: '2022-02-30'\n")),
                                 'rad 11, kolumn "loften[0].indikatorer[0].senast": "2022-02-30" '
                                 "– är inte ett datum."),
    "minsta_skillnad .inf": (yaml_text(promise(
        "      - typ: polisindex\n        indikator: totalindex\n        omrade: kommunen\n"
        "        riktning: minska\n        minsta_skillnad: .inf\n")),
        'rad 12, kolumn "loften[0].indikatorer[0].minsta_skillnad": "inf" – ska vara ett '
        "positivt tal, högst 6 (indexskalan går 0–6)."),
}


@pytest.mark.parametrize("case", list(REGISTRY_CASES))
def test_registry_years_and_dates_are_plausible_with_the_line(project, case):
    body, expected = REGISTRY_CASES[case]
    write_promises(project, body, LOG)
    msg = refused(project, "promises")
    assert "Medborgarlöftena" in msg and "Traceback" not in msg
    assert f"medborgarloften_2022.yaml, {expected}" in msg, msg


# The police's index tables: polisens_index/polisens_index.csv, the bad row is row 3.
OFFICIAL_CASES = {
    "ar 1899": (official_row(year="1899", published="2021-12-02"),
                f'kolumn "ar": "1899" – mätåret {OUTSIDE}'),
    "ar 2101": (official_row(year="2101", published="2021-12-02"),
                f'kolumn "ar": "2101" – mätåret {OUTSIDE}'),
    "ar 1e308": (official_row(year="1e308"), f'kolumn "ar": "1e308" – mätåret {OUTSIDE}'),
    "ar inf": (official_row(year="inf"), 'kolumn "ar": "inf" – är inte ett mätår.'),
    "ar 2021,5": (official_row(year="2021,5"), 'kolumn "ar": "2021,5" – är inte ett mätår.'),
    "publicerad 2999": (official_row(published="2999-12-01"),
                        f'kolumn "publicerad": "2999-12-01" – publiceringsdatumet {OUTSIDE}'),
    "publicerad 1899": (official_row(year="2021", published="1899-12-01"),
                        f'kolumn "publicerad": "1899-12-01" – publiceringsdatumet {OUTSIDE}'),
}


@pytest.mark.parametrize("case", list(OFFICIAL_CASES))
def test_official_year_and_publication_date_are_plausible(official_project, case):
    row, expected = OFFICIAL_CASES[case]
    _write_official(official_project, [OFFICIAL_GOOD[0], row])
    msg = refused(official_project, "official")
    assert "Polisens indextabeller har fel – inget har skrivits" in msg
    assert f"polisens_index.csv, rad 3, {expected}" in msg, msg


@pytest.fixture
def official_project(project: Path) -> Path:
    (project / "data" / "raw" / "polisens_index").mkdir()
    return project


def test_the_official_window_comes_from_the_settings(official_project):
    _write_official(official_project, [OFFICIAL_GOOD[0]])
    msg = refused(official_project, "official", settings=Settings(latest_year=2021))
    assert 'kolumn "ar": "2022" – mätåret ligger utanför åren 1990–2021.' in msg


# --- 6: YAML bombs in a promise registry ------------------------------------------------------

BILLION_LAUGHS = ("ar: 2022\n"
                  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
                  + "".join(f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n"
                            for p, n in zip("abcdefgh", "bcdefghi", strict=True))
                  + "loften: [*i]\n")
RECURSIVE = "ar: 2022\nloften: &x\n  - *x\n"
ANCHOR_ONLY = yaml_text(promise(ACTIVITY)).replace("parter: [", "parter: &p [")


@pytest.mark.parametrize("body, line", [(BILLION_LAUGHS, 2), (RECURSIVE, 2), (ANCHOR_ONLY, 3)],
                         ids=["billion_laughs", "recursive_alias", "anchor"])
def test_a_yaml_bomb_in_a_registry_is_refused_within_a_second(project, body, line):
    folder = write_promises(project, body, LOG)
    start = time.perf_counter()
    with pytest.raises(DataError) as err:
        read_registry(folder / "medborgarloften_2022.yaml")
    assert time.perf_counter() - start < 1.0
    assert (f"medborgarloften_2022.yaml, rad {line}: filen använder YAML-ankare eller alias "
            "(& eller *), som inte tillåts.") in str(err.value)
    start = time.perf_counter()
    msg = refused(project, "promises")
    assert time.perf_counter() - start < 1.0  # the whole build (area register + promises)
    assert "Medborgarlöftena har fel – inget har skrivits" in msg
    assert "YAML-ankare eller alias" in msg


def test_a_huge_registry_is_refused_before_it_is_parsed(project):
    folder = write_promises(project, None, LOG)
    (folder / "medborgarloften_2022.yaml").write_text("ar: 2022\n" + "# x\n" * 400_000,
                                                      encoding="utf-8")
    start = time.perf_counter()
    msg = refused(project, "promises")
    assert time.perf_counter() - start < 1.0
    assert "medborgarloften_2022.yaml: filen är större än 1 MB." in msg


def test_a_deeply_nested_registry_gives_a_message_not_a_recursion_error(project):
    folder = write_promises(project, "ar: 2022\nloften: " + "[" * 5000 + "]" * 5000 + "\n", LOG)
    start = time.perf_counter()
    with pytest.raises(DataError, match=r"medborgarloften_2022\.yaml: filen är nästlad i för "
                                        r"många nivåer\."):
        read_registry(folder / "medborgarloften_2022.yaml")
    assert time.perf_counter() - start < 5.0  # about 0.4 s alone; generous on a loaded machine
