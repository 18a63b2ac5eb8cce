"""Why these promises: the largest problems in the survey, and whether a promise covers them."""

from __future__ import annotations

import pandas as pd

from analysis.areas import TOTAL_AREA
from analysis.codebook import load_codebook
from analysis.vocabulary import ALL_ITEMS

MOTIVATION_COLUMNS = [
    "survey_year", "promise_year", "area", "area_name", "item", "rank", "estimate", "ci_low",
    "ci_high", "n", "uncertain", "top", "registry_exists", "covered", "covering_promises",
]


def promise_motivation(estimates: pd.DataFrame, registry: pd.DataFrame, *, top_n: int = 3
                       ) -> pd.DataFrame:
    """Problems ranked by share "stort problem" per survey year and area, and whether a
    promise of the following year covers each of them.

    Only published estimates (not suppressed) of problem items are ranked (rank 1 = the
    largest share; ties by item code). ``top`` marks ranks ≤ ``top_n``. A promise covers
    (area, item) when the item is among its problem items or survey items (a group code
    covers its items, ``alla`` all problem items) and the area is among its areas (no area
    or ``kommunen`` = every area). ``covered`` is <NA> when there is no registry for the
    following year.
    """
    cb = load_codebook()
    problem_items = [i.code for i in cb.items_on_scale("problem")]
    groups: dict[str, list[str]] = {}
    for i in cb.items:
        groups.setdefault(i.group, []).append(i.code)
    out = _ranked(estimates, problem_items, top_n)
    years = set(registry["year"].dropna().astype(int)) if len(registry) else set()
    out["registry_exists"] = out["promise_year"].isin(years)
    covered = pd.array([pd.NA] * len(out), dtype="boolean")
    covering = [""] * len(out)
    cover = {y: _coverage(registry[registry["year"] == y], problem_items, groups) for y in years}
    for k, (py, area, item) in enumerate(zip(out["promise_year"], out["area"], out["item"],
                                             strict=True)):
        if py not in cover:
            continue
        ids = [pid for pid, items, areas in cover[py]
               if item in items and (areas is None or area in areas)]
        covered[k] = bool(ids)
        covering[k] = "; ".join(ids)
    out["covered"] = covered
    out["covering_promises"] = pd.array(covering, dtype="string")
    return _typed_motivation(out)


def _ranked(estimates: pd.DataFrame, problem_items: list[str], top_n: int) -> pd.DataFrame:
    """Published shares "stort problem" of the problem items, ranked per year and area."""
    e = estimates[(estimates["indicator"] == "andel_stort_problem")
                  & estimates["item"].isin(problem_items) & ~estimates["suppressed"].astype(bool)
                  & estimates["estimate"].notna()]
    e = e.sort_values(["year", "area", "estimate", "item"], ascending=[True, True, False, True])
    out = pd.DataFrame({"survey_year": e["year"].astype("int64").to_numpy(),
                        "area": e["area"].to_numpy(), "area_name": e["area_name"].to_numpy(),
                        "item": e["item"].to_numpy(), "estimate": e["estimate"].to_numpy(),
                        "ci_low": e["ci_low"].to_numpy(), "ci_high": e["ci_high"].to_numpy(),
                        "n": e["n"].to_numpy(), "uncertain": e["uncertain"].to_numpy()})
    out["promise_year"] = out["survey_year"] + 1
    out["rank"] = out.groupby(["survey_year", "area"]).cumcount() + 1
    out["top"] = out["rank"] <= top_n
    return out


def _coverage(registry: pd.DataFrame, problem_items: list[str], groups: dict[str, list[str]]
              ) -> list[tuple[str, set[str], set[str] | None]]:
    """Per promise: (id, items it answers, areas it concerns or None = the whole kommun)."""
    out = []
    for (_, pid), g in registry.groupby(["promise_no", "promise_id"], sort=True):
        items: set[str] = set()
        for text in g["problem_items"].dropna().iloc[:1]:
            items |= {x for x in str(text).split("; ") if x}
        items |= set(g.loc[g["kind"] == "enkat", "item"].dropna().astype(str))
        expanded = set()
        for item in items:
            expanded |= set(problem_items) if item == ALL_ITEMS else set(groups.get(item, [item]))
        areas: set[str] = {x for x in str(g["areas"].iloc[0] or "").split("; ") if x}
        areas |= set(g.loc[g["kind"] == "enkat", "area"].dropna().astype(str))
        whole = not areas or TOTAL_AREA in areas
        out.append((str(pid), expanded, None if whole else areas))
    return out


def _typed_motivation(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reindex(columns=MOTIVATION_COLUMNS)
    out["rank"] = out["rank"].astype("int64")
    out["n"] = pd.array(out["n"], dtype="Int64")
    for c in ["area", "area_name", "item"]:
        out[c] = out[c].astype("string")
    for c in ["uncertain", "top", "registry_exists"]:
        out[c] = out[c].astype(bool)
    return out.reset_index(drop=True)
