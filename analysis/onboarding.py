"""Starting a new kommun: ``trygghet ny KOMMUN`` writes its settings, outline and templates.

``start_kommun(root, "Lund")`` finds the kommun (name or kommunkod, ``analysis.kommuner``)
and writes, under the project's ``data/raw/``:

* ``installningar.yaml`` – the kommun's code and name (``analysis.settings``);
* ``ordlista.yaml`` – the kommun's own walk vocabulary, started with its own name for
  the responsible party ``kommunen`` and commented examples (``analysis.walks.terms``);
* ``geodata/kommun.geojson`` – the kommun's outline from the bundled boundaries;
* ``mallar/`` – one template per delivery (area register, column mapping, walks table,
  protocol, police index, promise registry, activity log), each with one example row.

Templates are never read by the build (they live in ``mallar/``, which the build skips):
the analyst copies one into its folder and replaces the example. CSV templates cannot
carry a comment line per column (a comment line would be read as a data row), so every
template folder has a ``README.md`` with one line per column; the YAML templates have a
comment on every field. Nothing is ever overwritten: a file that exists is kept and
reported. Everything the analyst reads is Swedish.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path

from analysis.files import write_bytes
from analysis.kommuner import Kommun, find_kommun, kommun_geojson
from analysis.paths import (
    ACTIVITY_LOG_STEM,
    AREA_REGISTER_FILE,
    AREAS_DIR,
    COLUMN_MAPPING_FILE,
    GEO_DIR,
    KOMMUN_GEO_FILE,
    OFFICIAL_DIR,
    PROMISES_DIR,
    SURVEY_DIR,
    TEMPLATES_DIR,
    VOCABULARY_FILE,
    WALKS_DIR,
    ProjectPaths,
    project_paths,
)
from analysis.problems import MISSING_FILE, DataError, Problem
from analysis.settings import SETTINGS_FILE


@dataclass
class Started:
    """What ``start_kommun`` did: the kommun, the files written and the files kept."""

    kommun: Kommun
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def start_kommun(root: str | os.PathLike | None, kommun: str, *, year: int | None = None
                 ) -> Started:
    """Write settings, vocabulary, outline and templates for ``kommun`` (name or code), and
    create the (empty) folders of the two required deliveries.

    ``year`` dates the examples in the templates (default: this year). Existing files are
    never overwritten. Raises ``DataError`` (Swedish, with the closest names) when no
    kommun matches.
    """
    found = find_kommun(kommun)
    paths = project_paths(root)
    year = int(year) if year is not None else datetime.date.today().year
    result = Started(found)
    for folder in (AREAS_DIR, SURVEY_DIR):  # the two required deliveries: ready to copy into
        (paths.raw / folder).mkdir(parents=True, exist_ok=True)
    for relative, content in files_for(found, year).items():
        target = paths.raw / relative
        if target.exists():
            result.kept.append(target)
            continue
        write_bytes(target, content)
        result.written.append(target)
    return result


def files_for(kommun: Kommun, year: int) -> dict[str, bytes]:
    """Every file ``trygghet ny`` writes, by path under ``data/raw/``."""
    t = TEMPLATES_DIR
    return {
        SETTINGS_FILE: _settings(kommun).encode("utf-8"),
        VOCABULARY_FILE: _vocabulary(kommun).encode("utf-8"),
        f"{GEO_DIR}/{KOMMUN_GEO_FILE}": kommun_geojson(kommun),
        f"{t}/README.md": _templates_readme(kommun, year).encode("utf-8"),
        f"{t}/{AREAS_DIR}/{AREA_REGISTER_FILE}": _csv(AREA_TEMPLATE, year, kommun),
        f"{t}/{AREAS_DIR}/README.md": _readme(AREAS_DIR, AREA_COLUMNS, AREA_INTRO),
        f"{t}/{SURVEY_DIR}/{COLUMN_MAPPING_FILE}": _csv(MAPPING_TEMPLATE, year, kommun),
        f"{t}/{SURVEY_DIR}/README.md": _readme(SURVEY_DIR, MAPPING_COLUMNS, SURVEY_INTRO),
        f"{t}/{WALKS_DIR}/vandringar.csv": _csv(WALKS_TEMPLATE, year, kommun),
        f"{t}/{WALKS_DIR}/protokoll_{year}-1.csv": _csv(PROTOCOL_TEMPLATE, year, kommun),
        f"{t}/{WALKS_DIR}/README.md": _readme(WALKS_DIR, WALK_COLUMNS + PROTOCOL_COLUMNS,
                                              WALKS_INTRO),
        f"{t}/{OFFICIAL_DIR}/polisens_index.csv": _csv(OFFICIAL_TEMPLATE, year, kommun),
        f"{t}/{OFFICIAL_DIR}/README.md": _readme(OFFICIAL_DIR, OFFICIAL_COLUMNS,
                                                 OFFICIAL_INTRO),
        f"{t}/{PROMISES_DIR}/medborgarloften_{year}.yaml":
            _promises(kommun, year).encode("utf-8"),
        f"{t}/{PROMISES_DIR}/{ACTIVITY_LOG_STEM}.csv": _csv(ACTIVITY_TEMPLATE, year, kommun),
        f"{t}/{PROMISES_DIR}/README.md": _readme(PROMISES_DIR, ACTIVITY_COLUMNS,
                                                 PROMISES_INTRO),
    }


def next_steps(paths: ProjectPaths, command: str = "trygghet") -> list[str]:
    """The three things to do after ``trygghet ny``, as Swedish lines with exact commands."""
    raw = shown_path(paths.raw)
    return [
        f"1. Områdena: kopiera {raw}/{TEMPLATES_DIR}/{AREAS_DIR}/{AREA_REGISTER_FILE} till "
        f"{raw}/{AREAS_DIR}/ och skriv in era redovisningsområden, en rad per område "
        "(samma koder eller namn som i enkätfilen).",
        f"2. Enkäten: lägg enkätfilen som den kom i {raw}/{SURVEY_DIR}/ och kontrollera den: "
        f"{command} validate {raw}/{SURVEY_DIR}/*  – meddelandena säger exakt vad som ska "
        f"rättas (t.ex. en rad i {COLUMN_MAPPING_FILE}).",
        f"3. Bygg: {command} build  – lägesbilden hamnar i "
        f"{shown_path(paths.reports)}/lagesbild.html. Vandringar, polisens index och "
        f"medborgarlöften läggs till när ni har dem: mallarna finns i {raw}/{TEMPLATES_DIR}/.",
    ]


def missing_register_problem(path: Path) -> Problem:
    """The teaching message when the area register is missing (validate and build)."""
    template = path.parent.parent / TEMPLATES_DIR / AREAS_DIR / AREA_REGISTER_FILE
    how = (f"Kopiera mallen {TEMPLATES_DIR}/{AREAS_DIR}/{AREA_REGISTER_FILE} hit"
           if template.is_file() else
           f"Skapa filen (mallen skrivs av trygghet ny KOMMUN till {TEMPLATES_DIR}/{AREAS_DIR}/)")
    return Problem(f"{AREAS_DIR}/{AREA_REGISTER_FILE}", None, None, None, MISSING_FILE,
                   "områdesregistret saknas; det behövs för att känna igen enkätens områden.",
                   f"{how} och skriv in era områden, en rad per område: "
                   "omrade;namn;giltig_fran;giltig_till (t.ex. 01;Centrum;2020;). Se "
                   "data/raw/README.md.")


def check_register_exists(path: Path) -> None:
    """``DataError`` with ``missing_register_problem`` when ``path`` is not a file."""
    if not Path(path).is_file():
        raise DataError([missing_register_problem(Path(path))],
                        title="Områdesregistret saknas")


def shown_path(path: Path) -> str:
    """A path as the analyst types it: relative to the working folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --- the files -----------------------------------------------------------------------------


def _settings(kommun: Kommun) -> str:
    return (f"# Inställningar för {kommun.official_name}, skrivna av `trygghet ny`. Ändra fritt.\n"
            "# Alla inställningar, standardvärden och tillåtna värden: docs/installningar.md\n"
            "# kommunkod väljer kommungränsen i geodata/kommun.geojson (fyra siffror, inom "
            "citattecken).\n"
            f'kommunkod: "{kommun.code}"\n'
            "# kommunens namn i rapporterna\n"
            f"kommun_namn: {kommun.official_name}\n")


def _vocabulary(kommun: Kommun) -> str:
    return f"""# {kommun.official_name}s egen ordlista för trygghetsvandringarna, skriven av `trygghet ny`.
# Den läggs ovanpå paketets neutrala standard (analysis/resources/walk_vocabulary.yaml):
# lägg till era organisationer, kategorier och skrivsätt här – ändra aldrig paketets fil.
# Okända värden i ett protokoll stoppar bygget med den exakta raden att lägga till här.
# Format och regler: docs/ny_kommun.md.
responsible:                       # ansvariga parter
  kommunen:                        # koden för kommunen (finns i standarden)
    label: {kommun.official_name}                  # namnet i rapporterna
    variants: [{kommun.official_name.lower()}, {kommun.name.lower()}]   # fler skrivsätt
#  bostadsbolaget:                 # kommunens bostadsbolag (finns i standarden)
#    label: Bostadsbolagets namn
#    variants: [förkortning]
#  ny_part:                        # en ny part: koden med a–z, 0–9 och _
#    label: Partens namn
# category:                        # egna kategorier (nya koder går bra)
#   parkering:
#     label: parkering
#     variants: [felparkering]
# status:                          # fler skrivsätt för en status (koderna är fasta)
#   atgardad:
#     variants: [avslutad]
"""


def _csv(template: list[list[str]], year: int, kommun: Kommun) -> bytes:
    """A template as Excel-friendly CSV: ``;``, UTF-8 with BOM, CRLF; placeholders filled."""
    values = {"year": year, "last_year": year - 1, "town": kommun.name,
              "kommun": kommun.official_name,
              "lat": f"{kommun.lat:.5f}" if kommun.lat is not None else "",
              "lon": f"{kommun.lon:.5f}" if kommun.lon is not None else ""}
    lines = [";".join(cell.format(**values) for cell in row) for row in template]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def _readme(folder: str, columns: list[tuple[str, str]], intro: str) -> bytes:
    lines = [f"# Mall: {folder}/", "", intro, "",
             "Mallarna läses aldrig av bygget. Kopiera filen till "
             f"`data/raw/{folder}/`, byt exempelraden mot era egna rader och behåll "
             "rubrikraden. CSV-filerna har en förklaring per kolumn här i stället för en "
             "kommentarsrad i filen (en kommentarsrad skulle läsas som en rad med data).", "",
             "| kolumn | innehåll |", "|---|---|"]
    lines += [f"| `{name}` | {text} |" for name, text in columns]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _templates_readme(kommun: Kommun, year: int) -> str:
    return f"""# Mallar för {kommun.official_name}

Skrivna av `trygghet ny`. En mall per leverans, med en exempelrad och en förklaring per
kolumn i mappens README.md. Bygget läser aldrig den här mappen: kopiera en mall till sin
mapp i `data/raw/` och byt exempelraden mot era egna uppgifter.

| mall | kopiera till | krävs |
|---|---|---|
| `{AREAS_DIR}/{AREA_REGISTER_FILE}` | `data/raw/{AREAS_DIR}/` | ja |
| `{SURVEY_DIR}/{COLUMN_MAPPING_FILE}` | `data/raw/{SURVEY_DIR}/` | om rubrikerna inte känns igen |
| `{WALKS_DIR}/vandringar.csv`, `protokoll_{year}-1.csv` | `data/raw/{WALKS_DIR}/` | nej |
| `{OFFICIAL_DIR}/polisens_index.csv` | `data/raw/{OFFICIAL_DIR}/` | nej |
| `{PROMISES_DIR}/medborgarloften_{year}.yaml`, `{ACTIVITY_LOG_STEM}.csv` | `data/raw/{PROMISES_DIR}/` | nej |

Enkätfilen själv läggs i `data/raw/{SURVEY_DIR}/` precis som den kom från leverantören.
Gången från tom klon till lägesbild: docs/ny_kommun.md.
"""


AREA_TEMPLATE = [["omrade", "namn", "giltig_fran", "giltig_till", "inbjudna"],
                 ["01", "Centrum", "{last_year}", "", "300"]]
AREA_COLUMNS = [
    ("omrade", "områdets kod, som text (inledande nollor behålls: 01)"),
    ("namn", "områdets namn (enkätfilen får ange koden eller namnet)"),
    ("giltig_fran", "första året definitionen gäller (fyra siffror)"),
    ("giltig_till", "sista året den gäller; tomt = gäller fortfarande. Ritas ett område om "
                    "får det en ny rad med nytt giltig_fran"),
    ("inbjudna", "valfri: antal som fick enkäten i området (ger svarsfrekvensen)"),
]
AREA_INTRO = ("`omradesindelning.csv`: trygghetsmätningens redovisningsområden och åren varje "
              "definition gäller. Krävs.")

MAPPING_TEMPLATE = [["rubrik", "kolumn"], ["Nr", "respondent_id"]]
MAPPING_COLUMNS = [
    ("rubrik", "rubriken som den står i leverantörens fil (versaler och blanksteg spelar "
               "ingen roll)"),
    ("kolumn", "paketets kolumn: respondent_id, year, area, stratum, weight, sex, age_group "
               "eller en frågekod ur analysis/resources/codebook.yaml (t.ex. nedskrapning)"),
]
SURVEY_INTRO = ("Enkätfilen läggs i `data/raw/trygghetsmatning/` som den kom (CSV eller "
                "Excel). Vanliga rubriker känns igen av sig själva (Löpnr, Löpnummer, ID, "
                "Id-nr, Respondentnr, RespID, Område, År, Vikt och frågornas texter). Bara "
                "för rubriker som inte känns igen behövs `kolumnmappning.csv`, en rad per "
                "rubrik; `trygghet validate` visar den exakta raden att lägga till.")

WALKS_TEMPLATE = [
    ["Vandring", "Datum", "Ort", "Slinga", "Ljus", "Form", "Deltagare", "Arrangör",
     "Protokoll"],
    ["{year}-1", "{year}-03-18", "{town}", "Centrum – stationen – parken", "skymning",
     "fysisk", "15", "{kommun} och polisen", "protokoll_{year}-1.csv"]]
WALK_COLUMNS = [
    ("Vandring", "vandringar.csv: vandringens id, unikt (t.ex. 2025-1)"),
    ("Datum", "vandringar.csv: datum ÅÅÅÅ-MM-DD"),
    ("Ort", "vandringar.csv: orten; platsnamn slås upp i den"),
    ("Slinga", "vandringar.csv: valfri, rutten"),
    ("Ljus", "vandringar.csv: valfri: dagsljus, skymning eller mörker"),
    ("Form", "vandringar.csv: valfri: fysisk eller digital"),
    ("Deltagare", "vandringar.csv: valfri, antal deltagare"),
    ("Arrangör", "vandringar.csv: valfri"),
    ("Protokoll", "vandringar.csv: valfri, protokollfilens namn"),
]
PROTOCOL_TEMPLATE = [
    ["Vandring", "Observation", "Område", "Lat", "Lon", "Plats", "Typ", "Kategori",
     "Allvarlighet", "Beskrivning", "Föreslagen åtgärd", "Ansvarig", "Beslut", "Motivering",
     "Måldatum", "Status", "Statusdatum"],
    ["{year}-1", "1", "01", "{lat}", "{lon}", "", "problem", "belysning", "2",
     "Trasig gatlampa vid gångvägen", "Byta armatur", "kommunen", "åtgärdas", "",
     "{year}-09-30", "planerad", ""]]
PROTOCOL_COLUMNS = [
    ("Vandring", "protokoll: vandringens id som i vandringar.csv"),
    ("Observation", "protokoll: observationens nummer i vandringen (1, 2, 3 …)"),
    ("Område", "protokoll: områdets kod; räcker utan koordinater och utan områdespolygoner"),
    ("Lat, Lon", "protokoll: valfria WGS 84-koordinater från en mobil (eller X, Y med "
                 "kolumnen Koordinatsystem)"),
    ("Plats", "protokoll: valfritt platsnamn (slås upp i geodata/platser.geojson om den finns)"),
    ("Typ", "protokoll: problem eller värna"),
    ("Kategori", "protokoll: t.ex. belysning, skymd sikt/vegetation, nedskräpning, trafik "
                 "(alla i docs/vandringar.md; egna i data/raw/ordlista.yaml)"),
    ("Allvarlighet", "protokoll: 1 (mindre), 2 (betydande) eller 3 (allvarlig)"),
    ("Beskrivning, Föreslagen åtgärd, Motivering", "protokoll: fritext; stannar i "
                                                   "data/processed/ och visas aldrig"),
    ("Ansvarig", "protokoll: vem som ska åtgärda; era egna parter i data/raw/ordlista.yaml"),
    ("Beslut", "protokoll: åtgärdas, åtgärdas ej eller utreds"),
    ("Måldatum", "protokoll: valfritt, ÅÅÅÅ-MM-DD"),
    ("Status", "protokoll: ny, planerad, pågår, åtgärdad, ej åtgärdbar, ej vårt ansvar eller "
               "dubblett"),
    ("Statusdatum", "protokoll: datum för statusen; krävs för åtgärdad"),
]
WALKS_INTRO = ("`vandringar.csv` (en rad per vandring) och ett protokoll per vandring (en rad "
               "per observation). Områdespolygoner och platser behövs inte: en områdeskod i "
               "protokollet räcker. Se docs/vandringar.md.")

OFFICIAL_TEMPLATE = [
    ["ar", "omrade", "indikator", "varde", "skala", "kalla", "publicerad", "sida",
     "anmarkning"],
    ["{last_year}", "kommunen", "Totalindex", "2,10", "0-6",
     "Polisen, Trygghetsmätning {last_year}", "{last_year}-12-01", "s. 3",
     "exempelrad: ersätt med rapportens värden"]]
OFFICIAL_COLUMNS = [
    ("ar", "mätåret, fyra siffror"),
    ("omrade", "områdets kod eller namn, kommunen eller lpo"),
    ("indikator", "indikatorn som i rapporten, t.ex. Nedskräpning eller Totalindex"),
    ("varde", "värdet som det står i rapporten (decimalkomma går bra)"),
    ("skala", "valfri: 0-6, eller 0-600 när rapporten trycker index ×100"),
    ("kalla", "rapportens titel"),
    ("publicerad", "publiceringsdatum ÅÅÅÅ-MM-DD"),
    ("sida", "valfri: sida eller tabell i rapporten"),
    ("anmarkning", "valfri kommentar"),
]
OFFICIAL_INTRO = ("Polisens publicerade index 0–6, inskrivna från rapporterna: en rad per år, "
                  "område och indikator. Se docs/polisens_index.md.")

ACTIVITY_TEMPLATE = [["datum", "typ", "plats", "omrade", "ansvarig", "antal", "anteckning"],
                     ["{year}-01-15", "trafikinsats", "Storgatan", "01", "Polisen", "1",
                      "Hastighetskontroll"]]
ACTIVITY_COLUMNS = [
    ("datum", "aktivitetslogg: datum ÅÅÅÅ-MM-DD"),
    ("typ", "aktivitetslogg: t.ex. trafikinsats, trygghetsvandring, grannsamverkan, "
            "uniformerad_narvaro (alla i docs/medborgarloften.md)"),
    ("plats", "aktivitetslogg: valfri"),
    ("omrade", "aktivitetslogg: valfri områdeskod eller kommunen"),
    ("ansvarig", "aktivitetslogg: valfri"),
    ("antal", "aktivitetslogg: antal (tomt = 1)"),
    ("anteckning", "aktivitetslogg: valfri fritext"),
]
PROMISES_INTRO = ("`medborgarloften_ÅR.yaml`: löftesregistret för ett år (varje fält har en "
                  "kommentar i filen) och `aktivitetslogg.csv`: vad som gjorts, en rad per "
                  "aktivitet. Se docs/medborgarloften.md.")


def _promises(kommun: Kommun, year: int) -> str:
    return f"""# Medborgarlöften {year} – mall från `trygghet ny`. Kopiera till
# data/raw/medborgarloften/ och skriv in era löften. Fält och regler: docs/medborgarloften.md
ar: {year}                                # löftesåret
undertecknat: {year}-03-15                # datum då löftena undertecknades (ÅÅÅÅ-MM-DD)
parter: [Polisen, {kommun.official_name}]  # vilka som undertecknade
kalla: "{kommun.official_name}s pressmeddelande {year}"   # var texterna kommer ifrån
loften:                                   # ett löfte per punkt (-)
  - id: trafik                            # kort och unikt inom året
    rubrik: "Minst 40 trafikinsatser per år"   # kort rubrik för tabeller
    text: "Genomföra minst 40 riktade trafikinsatser under året."   # löftet som undertecknat
    problem:                              # problemet löftet svarar på
      beskrivning: "Bilar som kör för fort"   # med ord
      fragor: [fortkorning]               # frågekoder i trygghetsmätningen (valfritt)
    omraden: [kommunen]                   # områdeskoder eller kommunen
    ansvariga: [Polisen]                  # vem som ska göra det
    indikatorer:                          # hur löftet följs upp
      - typ: aktivitet                    # genomförande: räknas i aktivitetsloggen
        aktivitet: trafikinsats           # typen i aktivitetsloggen
        mal: ">= 40"                      # målet
      - typ: enkat                        # effekt: mäts i trygghetsmätningen
        indikator: andel_stort_problem    # andelen som svarar stort problem
        fraga: fortkorning                # frågekoden
        omrade: kommunen                  # hela kommunen (eller en områdeskod)
        riktning: minska                  # minska eller oka
"""
