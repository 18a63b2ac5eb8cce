"""Why these promises: the largest problems in the survey, and whether a promise covers them.

The motivation table is the first part of the story: per survey year and area the problems
ranked by the share answering "stort problem" (with CIs), whether a promise of the following
year covers each, and beside them what the safety walks found in the area that year and the
police's index for the same question.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.areas import TOTAL_AREA
from analysis.codebook import load_codebook
from analysis.vocabulary import ALL_ITEMS

MOTIVATION_COLUMNS = [
    "survey_year", "promise_year", "area", "area_name", "item", "rank", "estimate", "ci_low",
    "ci_high", "n", "uncertain", "top", "registry_exists", "covered", "covering_promises",
    "covering_titles", "walk_problems", "walk_share_fixed", "official_value", "official_at_action_level",
]


def promise_motivation(estimates: pd.DataFrame, registry: pd.DataFrame, *, top_n: int = 3,
                       walk_followup: pd.DataFrame | None = None,
                       official: pd.DataFrame | None = None) -> pd.DataFrame:
    """Problems ranked by share "stort problem" per survey year and area, and whether a
    promise of the following year covers each of them.

    Only published estimates (not suppressed) of problem items are ranked (rank 1 = the
    largest share; ties by item code). ``top`` marks ranks ≤ ``top_n``. A promise covers
    (area, item) when the item is among its problem items or survey items (a group code
    covers its items, ``alla`` all problem items) and the area is among its areas (no area
    or ``kommunen`` = every area); overall goals do not count. ``covered`` is <NA> when
    there is no registry for the following year; ``covering_promises`` lists the covering
    promises' ids and ``covering_titles`` their titles.

    Beside each row (when the tables are given): ``walk_problems`` and ``walk_share_fixed``,
    the problems noted at safety walks in the area that year and the share fixed
    (``walk_followup``, dimension ``omrade_ar``; ``ar`` for the kommun total), and
    ``official_value``/``official_at_action_level``, the police's index (latest publication)
    for the same question, area and year.
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
    titles = [""] * len(out)
    cover = {y: _coverage(registry[registry["year"] == y], problem_items, groups) for y in years}
    for k, (py, area, item) in enumerate(zip(out["promise_year"], out["area"], out["item"],
                                             strict=True)):
        if py not in cover:
            continue
        hits = [(pid, title) for pid, title, items, areas in cover[py]
                if item in items and (areas is None or area in areas)]
        covered[k] = bool(hits)
        covering[k] = "; ".join(pid for pid, _ in hits)
        titles[k] = "; ".join(title for _, title in hits)
    out["covered"] = covered
    out["covering_promises"] = pd.array(covering, dtype="string")
    out["covering_titles"] = pd.array(titles, dtype="string")
    out = _beside_walks(out, walk_followup)
    out = _beside_official(out, official)
    return _typed_motivation(out)


def _beside_walks(out: pd.DataFrame, followup: pd.DataFrame | None) -> pd.DataFrame:
    """Walk problems and share fixed per area (or the kommun) and survey year."""
    if followup is None or followup.empty:
        return out.assign(walk_problems=pd.NA, walk_share_fixed=np.nan)
    areas = followup[followup["dimension"] == "omrade_ar"][["year", "area", "counted",
                                                             "share_fixed"]]
    total = followup[followup["dimension"] == "ar"][["year", "counted", "share_fixed"]]
    total = total.assign(area=TOTAL_AREA)
    walks = pd.concat([areas, total], ignore_index=True).rename(
        columns={"year": "survey_year", "counted": "walk_problems",
                 "share_fixed": "walk_share_fixed"})
    walks["area"] = walks["area"].astype("string")
    walks["survey_year"] = walks["survey_year"].astype("int64")
    walks = walks.drop_duplicates(["survey_year", "area"])
    return out.merge(walks, on=["survey_year", "area"], how="left")


def _beside_official(out: pd.DataFrame, official: pd.DataFrame | None) -> pd.DataFrame:
    """The police's index (latest publication) for the same item, area and year."""
    if official is None or official.empty:
        return out.assign(official_value=np.nan, official_at_action_level=pd.NA)
    latest = official[official["is_latest"].astype(bool)]
    side = pd.DataFrame({"survey_year": latest["year"].astype("int64").to_numpy(),
                         "area": latest["area"].astype("string").to_numpy(),
                         "item": latest["item"].astype("string").to_numpy(),
                         "official_value": latest["value"].astype("float64").to_numpy(),
                         "official_at_action_level": latest["at_action_level"].to_numpy()})
    side = side.dropna(subset=["item"]).drop_duplicates(["survey_year", "area", "item"])
    return out.merge(side, on=["survey_year", "area", "item"], how="left")


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
              ) -> list[tuple[str, str, set[str], set[str] | None]]:
    """Per promise (goals excluded): (id, title, items it answers, areas it concerns or None
    = the whole kommun)."""
    out = []
    promises = registry[~registry["is_goal"].astype(bool)] if "is_goal" in registry else registry
    for (_, pid), g in promises.groupby(["promise_no", "promise_id"], sort=True):
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
        title = str(g["title"].iloc[0]) if "title" in g and pd.notna(g["title"].iloc[0]) \
            else str(pid)
        out.append((str(pid), title, expanded, None if whole else areas))
    return out


def _typed_motivation(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reindex(columns=MOTIVATION_COLUMNS)
    out["rank"] = out["rank"].astype("int64")
    out["n"] = pd.array(out["n"], dtype="Int64")
    out["walk_problems"] = pd.array(pd.to_numeric(out["walk_problems"]), dtype="Int64")
    out["walk_share_fixed"] = out["walk_share_fixed"].astype("float64")
    out["official_value"] = out["official_value"].astype("float64")
    out["official_at_action_level"] = pd.array(out["official_at_action_level"], dtype="boolean")
    for c in ["area", "area_name", "item"]:
        out[c] = out[c].astype("string")
    for c in ["uncertain", "top", "registry_exists"]:
        out[c] = out[c].astype(bool)
    return out.reset_index(drop=True)
