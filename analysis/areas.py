"""The survey's reporting areas and the years each definition is valid for.

Area definitions are versioned by year: the same code can mean a different
territory after a redrawing (a town area that lost its centre to a new area). A change
between two years is comparable only when one version covers both years.

The register is delivered as ``omraden/omradesindelning.csv`` with the columns
``omrade`` (code, kept as text), ``namn``, ``giltig_fran`` (first year) and
``giltig_till`` (last year, empty while still valid), and optionally ``inbjudna``: the
number of people invited to the survey in the area each year of the version (the
police invite about 300 per area). With it the lägesbild shows the response rate.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from analysis.files import read_table
from analysis.problems import (
    BAD_NUMBER,
    BAD_YEAR,
    MISSING_COLUMN,
    MISSING_VALUE,
    OVERLAP,
    DataError,
    Problem,
)
from analysis.text import normalise_label

# The kommun as a whole, as an "area" in estimate tables.
TOTAL_AREA = "kommunen"
TOTAL_AREA_NAME = "Hela kommunen"

AREA_COLUMNS = ["area", "area_name", "valid_from", "valid_to", "version"]
_HEADERS = {"omrade": "area", "område": "area", "namn": "area_name", "omradesnamn": "area_name",
            "giltig_fran": "valid_from", "giltig_från": "valid_from",
            "giltig_till": "valid_to", "inbjudna": "invited", "antal_inbjudna": "invited",
            "antal inbjudna": "invited"}
INVITED = "invited"  # optional column: people invited per survey year (Int64)


def read_area_register(path: str | os.PathLike) -> pd.DataFrame:
    """Read and validate an area register; return ``area, area_name, valid_from, valid_to, version``."""
    table = read_table(path)
    rename = {h: _HEADERS[normalise_label(h)] for h in table.frame.columns
              if normalise_label(h) in _HEADERS}
    frame = table.frame.rename(columns=rename)
    missing = [c for c in ["area", "area_name", "valid_from"] if c not in frame.columns]
    if missing:
        raise DataError([Problem(table.file, table.header_row, None, None, MISSING_COLUMN,
                                 "områdesregistret saknar kolumnerna "
                                 + ", ".join({"area": "omrade", "area_name": "namn",
                                              "valid_from": "giltig_fran"}[m] for m in missing)
                                 + ".", "Rubrikerna ska vara omrade;namn;giltig_fran;giltig_till.")])
    if "valid_to" not in frame.columns:
        frame["valid_to"] = ""
    problems = []
    out = pd.DataFrame({"area": frame["area"].str.strip(), "area_name": frame["area_name"].str.strip()})
    for col in ["valid_from", "valid_to"]:
        text = frame[col].fillna("").str.strip()
        num = pd.to_numeric(text.replace("", pd.NA), errors="coerce")
        bad = (text != "") & (num.isna() | (num % 1 != 0))
        header = next((h for h, c in rename.items() if c == col), col)
        for i in np.flatnonzero(bad.to_numpy()):
            problems.append(Problem(table.file, int(table.excel_rows.iloc[i]), header, text.iloc[i],
                                    BAD_YEAR, "är inte ett årtal.", "Skriv året med fyra siffror."))
        out[col] = num.astype("Int64")
    if INVITED in frame.columns:
        text = frame[INVITED].fillna("").str.strip().str.replace(" ", "").str.replace(
            "\u202f", "").str.replace("\u00a0", "")
        num = pd.to_numeric(text.replace("", pd.NA), errors="coerce")
        bad = (text != "") & (num.isna() | (num % 1 != 0) | (num <= 0))
        header = next((h for h, c in rename.items() if c == INVITED), INVITED)
        for i in np.flatnonzero(bad.to_numpy()):
            problems.append(Problem(table.file, int(table.excel_rows.iloc[i]), header,
                                    frame[INVITED].iloc[i], BAD_NUMBER,
                                    "är inte ett positivt heltal.",
                                    "Skriv antalet inbjudna som ett heltal, eller lämna tomt "
                                    "om det inte är känt."))
        out[INVITED] = num.where(~bad).astype("Int64")
    for i in np.flatnonzero(out["valid_from"].isna().to_numpy()):
        if not any(p.row == int(table.excel_rows.iloc[i]) for p in problems):
            problems.append(Problem(table.file, int(table.excel_rows.iloc[i]), "giltig_fran", "",
                                    MISSING_VALUE, "första giltiga år saknas.", ""))
    if problems:
        raise DataError(problems, title="Områdesregistret kan inte användas")
    out["version"] = out["area"] + "@" + out["valid_from"].astype("string")
    check_overlaps(out, table.file)
    columns = AREA_COLUMNS + ([INVITED] if INVITED in out.columns else [])
    return out.sort_values(["area", "valid_from"], ignore_index=True)[columns]


def check_overlaps(register: pd.DataFrame, file: str) -> None:
    """Refuse two definitions of one area code that are valid in the same year."""
    problems = []
    for area, group in register.groupby("area", sort=True):
        g = group.sort_values("valid_from")
        ends = g["valid_to"].fillna(9999).to_numpy()
        starts = g["valid_from"].to_numpy()
        if (starts[1:] <= ends[:-1]).any():
            problems.append(Problem(file, None, "giltig_fran", str(area), OVERLAP,
                                    f"området {area} har överlappande giltighetsperioder.",
                                    "Varje år får bara ha en definition av ett område."))
    if problems:
        raise DataError(problems, title="Områdesregistret kan inte användas")


def valid_in_year(frame: pd.DataFrame, year) -> np.ndarray:
    """True for the rows of a register (or area polygons) valid in ``year``.

    ``year`` is one year, or one year per row (array-like). A row is valid from
    ``valid_from`` to ``valid_to`` inclusive; an empty ``valid_to`` means still valid.
    This is the one definition of "area valid in year Y".
    """
    years = np.asarray(year, dtype="float64") if np.ndim(year) else float(year)
    start = pd.to_numeric(frame["valid_from"], errors="coerce").to_numpy(dtype="float64",
                                                                        na_value=np.nan)
    end = pd.to_numeric(frame["valid_to"], errors="coerce").to_numpy(dtype="float64",
                                                                    na_value=np.nan)
    end = np.where(np.isnan(end), np.inf, end)
    with np.errstate(invalid="ignore"):
        return (start <= years) & (end >= years)


def areas_in_year(register: pd.DataFrame, year: int) -> pd.DataFrame:
    """The area versions valid in ``year``."""
    return register[valid_in_year(register, year)].reset_index(drop=True)


def area_codes_in_year(register: pd.DataFrame, year: int) -> list[str]:
    """The codes of the areas valid in ``year``, sorted."""
    return sorted(register.loc[valid_in_year(register, year), "area"].astype(str).unique())


def area_versions(register: pd.DataFrame, areas: pd.Series, years: pd.Series) -> pd.Series:
    """The version id valid for each (area, year) pair, or <NA> where the area is not defined."""
    frame = pd.DataFrame({"area": areas.astype("string").to_numpy(),
                          "year": pd.array(years, dtype="Int64")})
    merged = frame.reset_index().merge(register[["area", "valid_from", "valid_to", "version"]],
                                       on="area", how="left")
    merged = merged[valid_in_year(merged, merged["year"].to_numpy(dtype="float64",
                                                                 na_value=np.nan))]
    out = pd.Series(pd.NA, index=range(len(frame)), dtype="string")
    out.iloc[merged["index"].to_numpy()] = merged["version"].to_numpy()
    out.index = areas.index
    return out


def comparable(register: pd.DataFrame, area: pd.Series, year1: pd.Series,
               year2: pd.Series) -> pd.Series:
    """True where one version of ``area`` covers both years (the kommun total always is)."""
    v1 = area_versions(register, area, year1)
    v2 = area_versions(register, area, year2)
    same = (v1 == v2).fillna(False)
    return (same | (area.astype("string") == TOTAL_AREA)).astype(bool)


def area_order(codes) -> list[str]:
    """Area codes sorted, the kommun total last (the order of every table and figure)."""
    codes = {str(c) for c in codes}
    return sorted(codes - {TOTAL_AREA}) + ([TOTAL_AREA] if TOTAL_AREA in codes else [])


def sort_areas(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` ordered by area code (stable), the kommun total last."""
    key = frame["area"].astype("string").where(frame["area"] != TOTAL_AREA, "~")
    return frame.assign(_key=key).sort_values(["_key"], kind="stable").drop(columns="_key")
