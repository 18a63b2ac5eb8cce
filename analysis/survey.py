"""Survey deliveries: read the police survey files into the canonical respondent table.

The canonical table has one row per respondent and survey year (DOMAIN §2):
``respondent_id, year, area, stratum, weight, sex, age_group``, one nullable
integer column per item holding the answer code of the codebook's scale
("Vet ej" and no answer are missing), one boolean ``<item>_vet_ej`` column per
item (so the share "Vet ej" can be estimated), and ``source_file, source_row``
(the row as the analyst sees it in Excel) for traceability.

Reading follows fixed rules:

* encoding BOM -> UTF-8 -> cp1252 and separator/decimal comma: see ``analysis.files``;
* headers and answer labels are matched case- and whitespace-insensitively
  against the codebook, or through ``kolumnmappning.csv`` (columns
  ``rubrik;kolumn``) for a vendor's own headings; unknown headers are ignored
  with a notice (so free-text columns never enter the table);
* the year comes from a year column, else the ``year`` argument, else a single
  four-digit year in the file name;
* the area (code or name) must be in the area register for that year.

Every row is accepted or rejected with a reason; accepted + rejected = read,
per file, checked here (and ``analysis.files.read_table`` accounts for every physical line:
a quote that swallows a respondent stops the reading with the lines named).

Weights must be finite and ``0 < w <= max_weight`` (``Settings.max_weight``, default
100 000); a weight outside is reported per row with the allowed range, so weight sums
cannot overflow.

In memory the table is compact: ``area``, ``stratum``, ``sex``, ``age_group`` and
``source_file`` are categoricals, answers ``Int8`` and the "Vet ej" columns ``boolean``.
``stored_responses`` gives the stored form (text columns as strings), which is what
``responses.parquet`` holds. Labels are mapped once per distinct label, never per cell.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis import problems as P
from analysis.areas import areas_in_year, read_area_register
from analysis.codebook import Codebook, load_codebook
from analysis.compact import stored
from analysis.files import MAX_ROWS, RawTable, list_delivery, map_headers, parse_numbers, read_table
from analysis.formatting import sv_number
from analysis.paths import (
    AREA_REGISTER_FILE,
    AREAS_DIR,
    COLUMN_MAPPING_FILE,
    SURVEY_DIR,
    TEMPLATES_DIR,
)
from analysis.problems import DataError, Problem
from analysis.settings import Settings
from analysis.text import did_you_mean, match_key, normalise_label, suggest

BASE_COLUMNS = ["respondent_id", "year", "area", "stratum", "weight", "sex", "age_group"]
SOURCE_COLUMNS = ["source_file", "source_row"]
CATEGORY_COLUMNS = ["area", "stratum", "sex", "age_group", "source_file"]
SURVEY_THREADS = max(1, min(2, os.cpu_count() or 1))  # survey files read at once
REJECTED_FILE = "avvisade_rader.parquet"
MAX_SUGGESTED_LABELS = 20  # distinct unknown area labels that get their own suggestion
RESPONSES_FILE = "responses.parquet"


def dont_know_column(item: str) -> str:
    return f"{item}_vet_ej"


@dataclass
class SurveyDelivery:
    """The result of reading one or more survey files.

    ``responses``: accepted rows (canonical table); ``rejected``: one row per
    rejected respondent row (no free text); ``problems``: every row problem;
    ``notices``: things worth knowing that did not reject rows (ignored
    columns); ``accounting``: per file, rows read / accepted / rejected by reason.
    """

    responses: pd.DataFrame
    rejected: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    accounting: dict[str, dict] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)


def survey_files(folder: str | os.PathLike) -> list[Path]:
    """The survey files in a folder (sorted; the mapping file and READMEs excluded).

    Every regular file is read (an unsupported format is an error, never silently
    skipped), except the mapping file, READMEs and hidden or Office lock files; a
    symbolic link is refused (``analysis.files.list_delivery``).
    """
    return list_delivery(folder, lambda p: p.name != COLUMN_MAPPING_FILE).files


def ignored_files(folder: str | os.PathLike) -> list[Path]:
    """What is in the survey folder but not read (besides the mapping file and READMEs)."""
    return [p for p in list_delivery(folder, lambda p: p.name != COLUMN_MAPPING_FILE).ignored
            if p.name != COLUMN_MAPPING_FILE]


def read_column_mapping(path: str | os.PathLike, codebook: Codebook) -> dict[str, str]:
    """Read ``kolumnmappning.csv`` (``rubrik;kolumn``): a vendor's heading -> our column."""
    table = read_table(path)
    cols = {normalise_label(c): c for c in table.frame.columns}
    if "rubrik" not in cols or "kolumn" not in cols:
        raise DataError([Problem(table.file, table.header_row, None, None, P.MISSING_COLUMN,
                                 "kolumnmappningen ska ha rubrikerna rubrik;kolumn.",
                                 'Första raden ska vara "rubrik;kolumn" och varje rad sedan '
                                 'leverantörens rubrik och vår kolumn, t.ex. '
                                 '"Löpnr;respondent_id".')])
    known = set(codebook.columns) | set(codebook.item_codes)
    out, problems = {}, []
    for i, (heading, target) in enumerate(zip(table.frame[cols["rubrik"]],
                                              table.frame[cols["kolumn"]], strict=True)):
        target = str(target).strip()
        if target not in known:
            problems.append(Problem(table.file, int(table.excel_rows.iloc[i]), "kolumn", target,
                                    P.UNKNOWN_COLUMN, "okänd kolumn i kodboken.",
                                    did_you_mean(target, sorted(known))
                                    + "Giltiga kolumnnamn: " + mapping_targets(codebook) + "."))
        out[normalise_label(heading)] = target
    if problems:
        raise DataError(problems, title="Kolumnmappningen kan inte användas")
    return out


def mapping_targets(codebook: Codebook) -> str:
    """The column names a mapping line may point to, for messages."""
    columns = [c for c, spec in codebook.columns.items() if not spec.get("ignored")]
    return (", ".join(columns) + " eller en frågekod ur kodboken (t.ex. "
            + ", ".join(codebook.item_codes[:2]) + "; alla i analysis/resources/codebook.yaml)")


def _likely_header(table: RawTable, column: str, unknown: list[str], codebook: Codebook,
                   register: pd.DataFrame | None) -> str | None:
    """The file's unrecognised heading that most likely holds ``column`` (for the example
    mapping line): the one spelled most like a known heading; for the respondent id the
    first whose values are all filled in and unique; for the area the first whose values
    are area codes or names; else the first unrecognised heading."""
    if not unknown:
        return None
    spec = codebook.columns.get(column, {})
    near = [h for h in unknown
            if suggest(h, [spec.get("label", column), *spec.get("headers", [])], n=1,
                       cutoff=0.6, key=normalise_label)]
    if near:
        return near[0]
    for header in unknown:
        values = table.frame[header].fillna("").astype("string").str.strip()
        if column == "respondent_id" and (values != "").all() and values.is_unique:
            return header
        if column == "area" and register is not None and len(values):
            known = {normalise_label(v) for v in [*register["area"], *register["area_name"]]}
            if values.map(normalise_label).isin(known).mean() > 0.9:
                return header
    return unknown[0]


def missing_column_problem(table: RawTable, column: str, codebook: Codebook,
                           unknown: list[str] | None = None,
                           register: pd.DataFrame | None = None) -> Problem:
    """The teaching message for a required column the file does not have.

    Names the column, the headings that are recognised, and the exact line to add to
    ``kolumnmappning.csv`` for the file's own heading (``Löpnr;respondent_id``), with the
    valid target names.
    """
    spec = codebook.columns.get(column, {})
    label = spec.get("label", column)
    shown: dict[str, str] = {}  # one spelling per heading (Löpnr, not also Lopnr, Löpnr.)
    for h in spec.get("headers", [column]):
        shown.setdefault(match_key(h).replace(" ", "").replace(".", ""), h)
    known = ", ".join(list(shown.values())[:10])
    heading = _likely_header(table, column, list(unknown or []), codebook, register)
    example = f"{heading};{column}" if heading else f"RUBRIKEN I FILEN;{column}"
    hint = (f"Rubriker som känns igen: {known}. Har filen en egen rubrik för {label.lower()}"
            + (f' (kanske "{heading}")' if heading else "")
            + f': lägg raden "{example}" i data/raw/{SURVEY_DIR}/{COLUMN_MAPPING_FILE} '
            f'(första raden i den filen är "rubrik;kolumn"; en mall finns i '
            f"data/raw/{TEMPLATES_DIR}/{SURVEY_DIR}/ efter trygghet ny). Giltiga kolumnnamn: "
            + mapping_targets(codebook) + ".")
    if column == "year":
        hint += " Året kan också stå i filnamnet (enkat_2024.csv)."
    return Problem(table.file, table.header_row, None, None, P.MISSING_COLUMN,
                   f'kolumnen "{label}" saknas (vår kolumn {column}).', hint)


def _year_from_name(name: str) -> int | None:
    years = set(re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", name))
    return int(years.pop()) if len(years) == 1 else None


def _map_headers(table: RawTable, codebook: Codebook, mapping: dict[str, str]
                 ) -> tuple[dict[str, str], list[Problem]]:
    """canonical column -> header in the file; notices for ignored headers."""
    lookup = codebook.header_lookup()

    def resolve(header: str) -> str | None:
        norm = normalise_label(header)
        return mapping.get(norm) or lookup.get(norm)

    return map_headers(table, resolve, f"Är det en fråga? Lägg till den i {COLUMN_MAPPING_FILE}.")


def _strip(values: pd.Series) -> pd.Series:
    return values.fillna("").astype("string").str.strip()


class _RowProblems:
    """Collects row problems for one file (row index -> problems)."""

    def __init__(self, table: RawTable):
        self.table = table
        self.items: list[tuple[int, Problem]] = []

    def add(self, mask: np.ndarray, column: str, values: pd.Series, reason: str, message: str,
            hint: str = "") -> None:
        for i in np.flatnonzero(mask):
            self.items.append((int(i), Problem(self.table.file, int(self.table.excel_rows.iloc[i]),
                                               column, str(values.iloc[i]), reason, message, hint)))

    def rows(self) -> np.ndarray:
        return np.array(sorted({i for i, _ in self.items}), dtype=np.int64)


def _map_answers(values: pd.Series, scale) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(codes with -1 for missing, vet-ej mask, unknown-label mask), via unique values."""
    codes, uniques = pd.factorize(values.fillna(""), sort=False)
    u_code = np.full(len(uniques) + 1, -1, dtype=np.int16)
    u_dk = np.zeros(len(uniques) + 1, dtype=bool)
    u_bad = np.zeros(len(uniques) + 1, dtype=bool)
    for j, raw in enumerate(uniques):
        norm = normalise_label(raw)
        if norm == "":
            continue
        if norm in scale.lookup:
            u_code[j] = scale.lookup[norm]
        elif norm in scale.dont_know:
            u_dk[j] = True
        else:
            u_bad[j] = True
    return u_code[codes], u_dk[codes], u_bad[codes]


def _factorize(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """(codes, distinct values) of a text column; missing values become ""."""
    codes, uniques = pd.factorize(values.fillna(""), sort=False)
    return codes, [str(u) for u in uniques]


def _numbers(values: pd.Series) -> pd.Series:
    """``parse_numbers`` once per distinct text (years and weights repeat a lot)."""
    codes, uniques = pd.factorize(values, sort=False)
    parsed = parse_numbers(pd.Series(uniques, dtype="string")).to_numpy(dtype="float64")
    out = np.where(codes >= 0, parsed[np.maximum(codes, 0)] if len(parsed) else np.nan, np.nan)
    return pd.Series(out, index=values.index, dtype="float64")


def _category(values: pd.Series, empty_is_missing: bool = False) -> pd.Categorical:
    """A stripped text column as a categorical (categories sorted)."""
    codes, uniques = _factorize(values)
    stripped = [u.strip() for u in uniques]
    categories = sorted({s for s in stripped if not (empty_is_missing and s == "")})
    position = {c: i for i, c in enumerate(categories)}
    lut = np.array([position.get(s, -1) for s in stripped] or [-1], dtype=np.int64)
    return pd.Categorical.from_codes(lut[codes] if len(stripped) else np.full(len(codes), -1),
                                     categories=pd.Index(categories, dtype="string"))


def _canonicalise(table: RawTable, register: pd.DataFrame, codebook: Codebook,
                  mapping: dict[str, str], year: int | None, *,
                  max_weight: float = Settings.max_weight,
                  earliest_year: int = Settings.earliest_year,
                  latest_year: int = Settings.latest_year,
                  ) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem], list[Problem]]:
    """One raw table -> (accepted canonical rows, rejected rows, row problems, notices).

    Vectorised: every label (area, answer, year, weight text) is looked up once per
    distinct value; rows are only visited one by one to write a problem.
    """
    found, notices = _map_headers(table, codebook, mapping)
    n = len(table.frame)
    file_year = year if year is not None else _year_from_name(table.file)
    missing = [c for c in codebook.required_columns() if c not in found]
    if "year" not in found and file_year is None:
        missing.append("year")
    item_cols = [c for c in codebook.item_codes if c in found]
    unknown = [p.column for p in notices if p.reason == P.UNKNOWN_COLUMN and p.column]
    file_problems = [missing_column_problem(table, c, codebook, unknown, register)
                     for c in missing]
    if not item_cols:
        file_problems.append(Problem(table.file, table.header_row, None, None, P.MISSING_COLUMN,
                                     "filen har ingen kolumn som motsvarar en fråga i kodboken.",
                                     f"Kontrollera rubrikerna eller lägg till {COLUMN_MAPPING_FILE}."))
    if file_problems:
        raise DataError(file_problems, title="Filen kan inte läsas")

    rp = _RowProblems(table)
    raw = {c: table.frame[h] for c, h in found.items()}
    columns: dict[str, object] = {}

    rid = _strip(raw["respondent_id"])
    rp.add((rid == "").to_numpy(), found["respondent_id"], rid, P.MISSING_VALUE,
           "löpnummer saknas.", "Varje svar behöver ett löpnummer.")
    columns["respondent_id"] = rid

    if "year" in found:
        ytext = _strip(raw["year"])
        ynum = _numbers(ytext)
        bad = (ynum.isna() | (ynum % 1 != 0) | (ynum < earliest_year)
               | (ynum > latest_year)).to_numpy()
        rp.add(bad, found["year"], ytext, P.BAD_YEAR, "är inte ett årtal.",
               "Skriv året med fyra siffror.")
        years = ynum.where(~bad).astype("Int64")
    else:
        years = pd.Series(pd.array(np.full(n, file_year), dtype="Int64"))
    columns["year"] = years

    # area: code or name, valid in that year; one lookup per distinct label and year
    atext = _strip(raw["area"])
    label_codes, label_uniques = _factorize(atext)
    normalised = [normalise_label(u) for u in label_uniques]
    area_names = sorted(register["area"].astype(str).unique())
    area_position = {c: i for i, c in enumerate(area_names)}
    area_code = np.full(n, -1, dtype=np.int64)
    year_values = years.to_numpy(dtype="float64", na_value=np.nan)
    for y in sorted(years.dropna().unique()):
        valid = areas_in_year(register, int(y))
        known = {normalise_label(c): c for c in valid["area"]}
        known |= {normalise_label(nm): c for c, nm in zip(valid["area"], valid["area_name"],
                                                           strict=True)}
        lut = np.array([area_position[known[u]] if u in known else -1 for u in normalised]
                       or [-1], dtype=np.int64)
        in_year = year_values == y
        area_code[in_year] = lut[label_codes[in_year]]
        bad = in_year & (area_code < 0)
        hint = ("Giltiga områden " + str(int(y)) + ": "
                + ", ".join(f"{c} {nm}" for c, nm in zip(valid["area"], valid["area_name"],
                                                         strict=True))
                + "." if len(valid) else f"Områdesregistret har inga områden för {int(y)}.")
        hint += (f" Är det ett av era områden: lägg till det (eller rätta namnet) i "
                 f"{AREAS_DIR}/{AREA_REGISTER_FILE}.")
        names = [*valid["area"].astype(str), *valid["area_name"].astype(str)]
        unknown = np.unique(label_codes[bad])
        if len(unknown) > MAX_SUGGESTED_LABELS:  # e.g. a wrong column mapped as the area
            rp.add(bad, found["area"], atext, P.UNKNOWN_AREA, f"okänt område för {int(y)}.", hint)
            continue
        for j in unknown:  # one "Menade du" per distinct unknown label
            rp.add(bad & (label_codes == j), found["area"], atext, P.UNKNOWN_AREA,
                   f"okänt område för {int(y)}.",
                   did_you_mean(label_uniques[j], names, quote=True) + hint)
    area = pd.Categorical.from_codes(area_code, categories=pd.Index(area_names, dtype="string"))
    columns["area"] = area

    if "stratum" in found:
        stext = _strip(raw["stratum"])
        rp.add((stext == "").to_numpy(), found["stratum"], stext, P.MISSING_VALUE,
               "stratum saknas.", "Ange urvalsstratum (oftast området).")
        columns["stratum"] = _category(stext)
    else:
        columns["stratum"] = area

    if "weight" in found:
        wtext = _strip(raw["weight"])
        w = _numbers(wtext).to_numpy()
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(w) | ~(w > 0) | ~(w <= max_weight)
        top = sv_number(max_weight, 0, trim=True)
        rp.add(bad, found["weight"], wtext, P.BAD_WEIGHT,
               f"vikten måste vara ett positivt tal, högst {top} (tillåtet: större än 0 och "
               f"högst {top}).",
               "Noll, negativa, tomma, icke-numeriska och orimligt stora vikter kan inte "
               f"användas. Är vikterna verkligen större än {top}: höj max_weight i "
               "installningar.yaml.")
        columns["weight"] = np.where(bad, np.nan, w)
    else:  # DOMAIN §2: weight 1 when none is delivered; said, since it changes estimates
        columns["weight"] = np.ones(n)
        notices.append(Problem(
            table.file, table.header_row, None, None, P.MISSING_COLUMN,
            "filen har ingen kolumn för vikt: alla svar i filen väger lika (vikt 1).",
            "Har urvalet vikter (för strata eller bortfall): lägg till kolumnen Vikt."))

    for col in ["sex", "age_group"]:
        columns[col] = (_category(raw[col], empty_is_missing=True) if col in found
                        else pd.Categorical.from_codes(np.full(n, -1),
                                                       categories=pd.Index([], dtype="string")))

    no_answer = np.ones(n, dtype=bool)
    for item in codebook.item_codes:
        if item not in found:
            columns[item] = pd.arrays.IntegerArray(np.zeros(n, dtype=np.int8), no_answer)
            columns[dont_know_column(item)] = pd.arrays.BooleanArray(np.zeros(n, dtype=bool),
                                                                     no_answer)
            continue
        scale = codebook.scales[codebook.item(item).scale]
        values = raw[item]
        code, dk, bad = _map_answers(values, scale)
        rp.add(bad, found[item], values, P.UNKNOWN_LABEL, "okänt svarsalternativ.",
               "Förväntat ett av: " + ", ".join(scale.labels() + ["Vet ej"]) + ".")
        columns[item] = pd.arrays.IntegerArray(np.where(code < 0, 0, code).astype(np.int8),
                                               code < 0)
        columns[dont_know_column(item)] = pd.arrays.BooleanArray(dk, np.zeros(n, dtype=bool))
    columns["source_file"] = pd.Categorical.from_codes(
        np.zeros(n, dtype=np.int64), categories=pd.Index([table.file], dtype="string"))
    columns["source_row"] = table.excel_rows.to_numpy()
    out = pd.DataFrame(columns, index=pd.RangeIndex(n))

    bad_rows = rp.rows()
    problems = [p for _, p in sorted(rp.items, key=lambda t: (t[0], t[1].column or ""))]
    rejected = _rejected_rows(table, found, bad_rows, rp.items)
    if len(bad_rows):
        keep = np.ones(n, dtype=bool)
        keep[bad_rows] = False
        out = out[keep].reset_index(drop=True)
    return out, rejected, problems, notices


def _rejected_rows(table: RawTable, found: dict[str, str], rows: np.ndarray,
                   items: list[tuple[int, Problem]]) -> pd.DataFrame:
    """Rejected rows as delivered (only columns the codebook knows: no free text)."""
    if not len(rows):
        return _empty_rejected()
    by_row: dict[int, list[Problem]] = {}
    for i, p in items:
        by_row.setdefault(i, []).append(p)
    frame = pd.DataFrame({
        "fil": pd.array([table.file] * len(rows), dtype="string"),
        "rad": table.excel_rows.iloc[rows].to_numpy(),
        "orsak": pd.array([";".join(sorted({p.reason for p in by_row[i]})) for i in rows],
                          dtype="string"),
        "meddelande": pd.array([" | ".join(p.format() for p in by_row[i]) for i in rows],
                               dtype="string"),
    })
    for canonical, header in found.items():
        frame[canonical] = table.frame[header].iloc[rows].to_numpy()
        frame[canonical] = frame[canonical].astype("string")
    return frame


def _empty_rejected() -> pd.DataFrame:
    return pd.DataFrame({c: pd.array([], dtype="string") for c in ["fil", "orsak", "meddelande"]}
                        | {"rad": pd.array([], dtype="int64")})[["fil", "rad", "orsak", "meddelande"]]


def load_survey(paths: str | os.PathLike | Iterable[str | os.PathLike], *,
                register: pd.DataFrame, codebook: Codebook | None = None,
                mapping: dict[str, str] | None = None, year: int | None = None,
                max_weight: float = Settings.max_weight, max_rows: int = MAX_ROWS,
                earliest_year: int = Settings.earliest_year,
                latest_year: int = Settings.latest_year) -> SurveyDelivery:
    """Read survey files into a ``SurveyDelivery`` (accepted and rejected rows, problems).

    File-level problems (unreadable, empty, missing required column, a row whose shape is
    wrong, more than ``max_rows`` rows) raise ``DataError`` at once; row-level problems
    (e.g. a weight outside ``0 < w <= max_weight``) are collected for every row. The
    responses are in the compact in-memory dtypes (see the module docstring).
    """
    codebook = codebook or load_codebook()
    mapping = mapping or {}
    files = [Path(paths)] if isinstance(paths, str | os.PathLike) else [Path(p) for p in paths]
    if not files:
        raise DataError([Problem("(inga filer)", None, None, None, P.UNREADABLE,
                                 "inga enkätfiler hittades.",
                                 f"Lägg leveransen i data/raw/{SURVEY_DIR}/.")],
                        title="Trygghetsmätningen saknas")
    accepted, rejected, problems, notices, file_errors = [], [], [], [], []
    accounting: dict[str, list[str]] = {}
    read: dict[str, int] = {}

    def load(path: Path):
        try:
            table = read_table(path, max_rows=max_rows)
            found = _canonicalise(table, register, codebook, mapping, year,
                                  max_weight=max_weight, earliest_year=earliest_year,
                                  latest_year=latest_year)
        except DataError as exc:  # report every file's problems, not only the first file's
            return None, 0, exc.problems
        if table.lines is not None and int(table.lines.sum()) != table.data_lines:
            raise RuntimeError(f"radräkningen går inte ihop för {path.name}")
        return found, len(table.frame), []

    # A few files at a time (parsing and decoding release the GIL); taken in file order.
    with ThreadPoolExecutor(min(SURVEY_THREADS, len(files))) as pool:
        for path, (found, n_read, errors) in zip(files, pool.map(load, files), strict=True):
            if errors:
                file_errors.extend(errors)
                continue
            ok, bad, probs, notes = found
            accepted.append(ok)
            rejected.append(bad)
            problems.extend(probs)
            notices.extend(notes)
            accounting[path.name] = list(bad["orsak"])  # one entry per rejected row
            read[path.name] = n_read
    if file_errors:
        raise DataError(file_errors, title="Trygghetsmätningen kan inte läsas")
    responses = _concat(accepted)
    del accepted
    rejected_frame = pd.concat([r for r in rejected if len(r)] or [_empty_rejected()],
                               ignore_index=True)
    id_rank = _id_rank(responses)
    responses, dup_rejected, dup_problems, kept = _reject_duplicates(responses, codebook,
                                                                     id_rank)
    if len(dup_rejected):
        problems.extend(dup_problems)
        rejected_frame = pd.concat([rejected_frame, dup_rejected], ignore_index=True)
        for fname in dup_rejected["fil"]:
            accounting[fname].append(P.DUPLICATE_ID)
    accounting = {f: P.row_accounting(read[f], reasons, f) for f, reasons in accounting.items()}
    responses = _sorted(responses, id_rank[kept])
    responses["year"] = responses["year"].astype("int64")
    rejected_frame = rejected_frame.sort_values(["fil", "rad"], ignore_index=True)
    return SurveyDelivery(responses, rejected_frame, problems, notices, accounting, files)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate per-file tables, keeping categoricals (categories united and sorted)."""
    if len(frames) > 1:
        for col in CATEGORY_COLUMNS:
            union = sorted(set().union(*(f[col].cat.categories for f in frames)))
            categories = pd.Index(union, dtype="string")
            for f in frames:
                if not f[col].cat.categories.equals(categories):
                    f[col] = f[col].cat.set_categories(categories)
    return pd.concat(frames, ignore_index=True)


def _id_rank(responses: pd.DataFrame) -> np.ndarray:
    """Each respondent id's rank among the distinct ids (pyarrow sorts text by UTF-8 bytes,
    i.e. by code point, as Python does): equal ids, equal ranks."""
    ids = pa.array(responses["respondent_id"].array)
    if isinstance(ids, pa.ChunkedArray):
        ids = ids.combine_chunks()
    return pc.rank(ids, sort_keys="ascending", tiebreaker="dense").to_numpy().astype(np.int64)


def _sorted(responses: pd.DataFrame, id_rank: np.ndarray) -> pd.DataFrame:
    """Rows by year, area, respondent id (unique after the duplicate check; ``id_rank``
    from ``_id_rank``).

    Area categories are sorted, so their codes order as the codes' text does.
    """
    order = np.lexsort((id_rank, responses["area"].cat.codes.to_numpy(),
                        responses["year"].to_numpy(dtype="int64")))
    return responses.take(order).reset_index(drop=True)


def _duplicated(year: np.ndarray, id_rank: np.ndarray) -> np.ndarray:
    """The rows whose (year, respondent id) occurs more than once (every occurrence)."""
    if not len(year):
        return np.zeros(0, dtype=bool)
    year = year - year.min()
    key = year * (int(id_rank.max()) + 1) + id_rank
    order = np.argsort(key, kind="stable")
    same = key[order][1:] == key[order][:-1]
    dup = np.empty(len(key), dtype=bool)
    dup[order] = np.r_[same, False] | np.r_[False, same]
    return dup


def _reject_duplicates(responses: pd.DataFrame, codebook: Codebook, id_rank: np.ndarray
                       ) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem], np.ndarray]:
    """The rows without a duplicated (year, id), the rejected rows, their problems, and
    which rows were kept."""
    dup = _duplicated(responses["year"].to_numpy(dtype="int64"), id_rank)
    if not dup.any():
        return responses, pd.DataFrame(), [], ~dup
    d = responses[dup]
    years, ids = d["year"].tolist(), d["respondent_id"].tolist()
    files, rows = d["source_file"].astype("string").tolist(), d["source_row"].tolist()
    where: dict[tuple, list[str]] = {}
    for y, i, f, r in zip(years, ids, files, rows, strict=True):
        where.setdefault((y, i), []).append(f"{f} rad {r}")
    problems = [Problem(f, int(r), "Löpnummer", i, P.DUPLICATE_ID,
                        f"löpnumret förekommer flera gånger {y} ({', '.join(where[(y, i)])}).",
                        "Alla förekomster avvisas; rätta leveransen.")
                for y, i, f, r in zip(years, ids, files, rows, strict=True)]
    rejected = pd.DataFrame({
        "fil": d["source_file"].astype("string").to_numpy(),
        "rad": d["source_row"].to_numpy(),
        "orsak": pd.array([P.DUPLICATE_ID] * len(d), dtype="string"),
        "meddelande": pd.array([p.format() for p in problems], dtype="string"),
        "respondent_id": d["respondent_id"].to_numpy(),
        "year": d["year"].astype("string").to_numpy(),
        "area": d["area"].astype("string").to_numpy(),
    })
    return responses[~dup].reset_index(drop=True), rejected, problems, ~dup


def stored_responses(responses: pd.DataFrame) -> pd.DataFrame:
    """The respondent table as stored in ``responses.parquet``: the categoricals as strings.

    The stored schema is the canonical one of DOMAIN §2 (text columns as strings); the
    compact categoricals are an in-memory form only (``analysis.compact``).
    """
    return stored(responses)


def read_responses(path_or_paths, *, register: pd.DataFrame | str | os.PathLike,
                   codebook: Codebook | None = None,
                   mapping: dict[str, str] | str | os.PathLike | None = None,
                   year: int | None = None, quarantine: bool = False,
                   max_weight: float = Settings.max_weight) -> pd.DataFrame:
    """Read one or more survey files into the canonical respondent table.

    Strict by default: any problem raises ``DataError`` listing every problem
    (file, Excel row, column, value, hint). With ``quarantine=True`` the bad
    rows are left out and the accepted ones returned (use ``load_survey`` to
    get the rejected rows too).
    """
    codebook = codebook or load_codebook()
    if not isinstance(register, pd.DataFrame):
        register = read_area_register(register)
    if mapping is not None and not isinstance(mapping, dict):
        mapping = read_column_mapping(mapping, codebook)
    delivery = load_survey(path_or_paths, register=register, codebook=codebook,
                           mapping=mapping, year=year, max_weight=max_weight)
    if delivery.problems and not quarantine:
        raise DataError(delivery.problems, title="Trygghetsmätningen har fel")
    return delivery.responses
