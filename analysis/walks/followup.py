"""Follow-up of safety-walk observations: what was fixed, declined, still open, seen again.

Pure functions on the canonical observations table (``analysis.walks.load``); none
of them mutates its input. Every figure is "as of" a date ``as_of``: observations
from walks after it are left out, and a status whose date is after it is not yet
known (the observation counts as open). The default ``as_of`` is the last date in
the data (walk or status date), never today's date, so a build is reproducible.

Definitions (among observations of valence ``problem`` from walks on or before ``as_of``):

* ``problems`` – problem observations; ``duplicates`` – status ``dubblett``;
  ``counted = problems − duplicates`` is the denominator of every share;
* ``fixed`` – status ``atgardad`` dated on or before ``as_of``;
  ``share_fixed = fixed / counted``;
* ``due`` – counted observations whose target time has run out
  (``walk_date + target_days ≤ as_of``); ``fixed_within_target`` – those of them fixed
  at most ``target_days`` days after the walk;
  ``share_fixed_within_target = fixed_within_target / due`` (recent observations are
  not counted until their time is up, fixed or not, so the share is not flattered);
* ``median_days_to_fix`` – median of ``status_date − walk_date`` in days over ``fixed``;
* ``declined`` – status ``ej_atgardbar`` or ``ej_vart_ansvar`` (dated on or before ``as_of``);
* ``open`` – the rest (``ny``, ``planerad``, ``pagar``, or a status dated after ``as_of``),
  so ``counted = fixed + declined + open`` (checked); ``oldest_open_days`` – the age
  in days at ``as_of`` of the oldest open observation;
* ``repeated`` – counted observations with a problem observation of the same category
  (or any category, ``same_category=False``) within ``distance_m`` metres in a later
  walk on or before ``as_of``; ``share_repeated = repeated / counted``;
  ``repeated_after_fix`` – of those, the ones fixed before the later walk.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from analysis.settings import Settings

OPEN_STATUSES = ("ny", "planerad", "pagar")
DECLINED_STATUSES = ("ej_atgardbar", "ej_vart_ansvar")
FIXED_STATUS = "atgardad"
DUPLICATE_STATUS = "dubblett"
PLACE_SEPARATOR = "; "

GROUP_COLUMNS = ["year", "area", "place", "category", "responsible"]
# The grouping sets of the build's follow-up table ("dimension" -> group columns).
DIMENSIONS = {
    "alla": [],
    "ar": ["year"],
    "omrade": ["area"],
    "omrade_ar": ["area", "year"],
    "plats": ["place"],
    "kategori": ["category"],
    "ansvarig": ["responsible"],
    "ansvarig_ar": ["responsible", "year"],
}
MEASURES = ["observations", "problems", "duplicates", "counted", "fixed", "share_fixed", "due",
            "fixed_within_target", "share_fixed_within_target", "median_days_to_fix",
            "declined", "open", "oldest_open_days", "repeated", "share_repeated",
            "repeated_after_fix"]
# measure -> the flag it counts (``one``: every observation)
_COUNTS = {"observations": "one", "problems": "is_problem", "duplicates": "duplicate",
           "counted": "counted", "fixed": "fixed", "due": "due",
           "fixed_within_target": "fixed_within_target", "declined": "declined",
           "open": "open", "repeated": "repeated", "repeated_after_fix": "repeated_after_fix"}
# Groups for observations without a value: outside every area, no responsible party given.
OUTSIDE_AREA = "utanfor"
NOT_GIVEN = "ej_angiven"
GROUP_FILL = {"area": OUTSIDE_AREA, "responsible": NOT_GIVEN, "category": NOT_GIVEN}
REPEAT_COLUMNS = ["observation_id", "later_id", "distance_m", "walk_date", "later_walk_date"]


def default_as_of(observations: pd.DataFrame) -> pd.Timestamp:
    """The last date in the data: the latest walk or status date (deterministic)."""
    dates = pd.concat([observations["walk_date"], observations["status_date"]]).dropna()
    if dates.empty:
        raise ValueError("inga datum i observationerna; ange as_of")
    return pd.Timestamp(dates.max())


def status_as_of(observations: pd.DataFrame, as_of) -> pd.Series:
    """The status known at ``as_of``: a status dated after ``as_of`` is replaced by ``ny``."""
    later = (observations["status_date"] > pd.Timestamp(as_of)).fillna(False)
    return observations["status"].astype("string").mask(later, "ny")


def repeat_pairs(observations: pd.DataFrame,
                 distance_m: float = Settings.walk_repeat_distance_m,
                 same_category: bool = Settings.walk_repeat_same_category) -> pd.DataFrame:
    """Pairs (earlier observation, later observation) of problem observations at the
    same spot: within ``distance_m`` metres (inclusive) in a strictly later walk, and of
    the same category unless ``same_category=False``. Observations without a
    geometry take no part. Geometries must be in a metric CRS (EPSG:3006).

    Returns ``observation_id, later_id, distance_m, walk_date, later_walk_date``,
    sorted by ids.
    """
    obs = observations[(observations["valence"] == "problem").to_numpy()]
    geoms = np.asarray(obs.geometry.to_numpy() if hasattr(obs, "geometry")
                       else obs["geometry"].to_numpy(), dtype=object)
    has = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    obs, geoms = obs[has], geoms[has]
    if len(obs) == 0:
        return _empty_pairs()
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=distance_m)
    dates = obs["walk_date"].to_numpy()
    keep = dates[right] > dates[left]
    if same_category:
        cats = obs["category"].astype("string").to_numpy()
        keep &= cats[right] == cats[left]
    left, right = left[keep], right[keep]
    ids = obs["observation_id"].astype("string").to_numpy()
    out = pd.DataFrame({
        "observation_id": pd.array(ids[left], dtype="string"),
        "later_id": pd.array(ids[right], dtype="string"),
        "distance_m": shapely.distance(geoms[left], geoms[right]).astype("float64"),
        "walk_date": dates[left],
        "later_walk_date": dates[right],
    })
    return out.sort_values(["observation_id", "later_id"], ignore_index=True)


def _empty_pairs() -> pd.DataFrame:
    return pd.DataFrame({"observation_id": pd.array([], dtype="string"),
                         "later_id": pd.array([], dtype="string"),
                         "distance_m": pd.array([], dtype="float64"),
                         "walk_date": pd.Series([], dtype="datetime64[s]"),
                         "later_walk_date": pd.Series([], dtype="datetime64[s]")})


def observation_flags(observations: pd.DataFrame, as_of=None, *,
                      target_days: int = Settings.walk_target_days,
                      pairs: pd.DataFrame | None = None,
                      distance_m: float = Settings.walk_repeat_distance_m,
                      same_category: bool = Settings.walk_repeat_same_category) -> pd.DataFrame:
    """Per observation (walks on or before ``as_of``): the follow-up flags that the
    figures count – ``status_as_of``, ``is_problem``, ``duplicate``, ``counted``,
    ``fixed``, ``days_to_fix``, ``due``, ``fixed_within_target``, ``declined``, ``open``,
    ``open_days``, ``repeated``, ``repeated_after_fix``. ``pairs`` from
    :func:`repeat_pairs` (computed here when not given)."""
    as_of = default_as_of(observations) if as_of is None else pd.Timestamp(as_of)
    obs = observations[(observations["walk_date"] <= as_of).fillna(False).to_numpy()]
    if pairs is None:
        pairs = repeat_pairs(obs, distance_m, same_category)
    status = status_as_of(obs, as_of)
    walk = obs["walk_date"]
    is_problem = _mask(obs["valence"] == "problem")
    duplicate = is_problem & _mask(status == DUPLICATE_STATUS)
    counted = is_problem & ~duplicate
    fixed = counted & _mask(status == FIXED_STATUS)
    days = (obs["status_date"] - walk).dt.days.to_numpy(dtype="float64", na_value=np.nan)
    due = counted & _mask((walk + pd.Timedelta(days=target_days)) <= as_of)
    declined = counted & _mask(status.isin(DECLINED_STATUSES))
    open_ = counted & ~fixed & ~declined
    age = (as_of - walk).dt.days.to_numpy(dtype="float64", na_value=np.nan)
    if not (counted.astype(int) == fixed.astype(int) + declined.astype(int)
            + open_.astype(int)).all():
        raise RuntimeError("uppföljningen går inte ihop: åtgärdade + avböjda + öppna ≠ räknade")
    flags = pd.DataFrame({
        "observation_id": obs["observation_id"].astype("string"),
        "status_as_of": status,
        "is_problem": is_problem, "duplicate": duplicate, "counted": counted, "fixed": fixed,
        "days_to_fix": np.where(fixed, days, np.nan),
        "due": due, "fixed_within_target": due & fixed & (days <= target_days),
        "declined": declined, "open": open_,
        "open_days": np.where(open_, age, np.nan),
    }, index=obs.index)
    return _add_repeats(flags, obs, pairs, as_of)


def _mask(values) -> np.ndarray:
    """A boolean array from a (nullable) boolean series; <NA> is False."""
    return pd.Series(values).to_numpy(dtype=bool, na_value=False)


def _add_repeats(flags: pd.DataFrame, obs: pd.DataFrame, pairs: pd.DataFrame,
                 as_of: pd.Timestamp) -> pd.DataFrame:
    """``repeated`` and ``repeated_after_fix`` of the counted observations (later walks on
    or before ``as_of`` only); ``flags`` is extended and returned."""
    p = pairs[(pairs["later_walk_date"] <= as_of).to_numpy()
              & pairs["observation_id"].isin(flags.loc[flags["counted"], "observation_id"])
              .to_numpy()]
    fix_date = obs["status_date"].where(flags["fixed"])
    fix_by_id = pd.Series(fix_date.to_numpy(), index=flags["observation_id"].to_numpy())
    after_fix = (fix_by_id.reindex(p["observation_id"]).to_numpy()
                 < p["later_walk_date"].to_numpy())
    flags["repeated"] = _mask(flags["observation_id"].isin(p["observation_id"]))
    flags["repeated_after_fix"] = _mask(flags["observation_id"].isin(
        p.loc[after_fix, "observation_id"]))
    return flags


def followup(observations: pd.DataFrame, by: list[str] | tuple[str, ...] = (), as_of=None, *,
             target_days: int = Settings.walk_target_days, pairs: pd.DataFrame | None = None,
             distance_m: float = Settings.walk_repeat_distance_m,
             same_category: bool = Settings.walk_repeat_same_category) -> pd.DataFrame:
    """The follow-up figures (module docstring) per group of ``by`` (columns of
    ``observations``: year, area, place, category, responsible; ``place`` counts an
    observation under every named place it lies within). One row per group, sorted;
    ``by=()`` gives one row for everything."""
    as_of = default_as_of(observations) if as_of is None else pd.Timestamp(as_of)
    flags = observation_flags(observations, as_of, target_days=target_days, pairs=pairs,
                              distance_m=distance_m, same_category=same_category)
    by = list(by)
    frame = _by_group(flags, observations.loc[flags.index], by)
    for col in set(_COUNTS.values()) - {"one"}:
        frame[col] = frame[col].astype("int64")
    if by:
        grouped = frame.groupby(by, sort=True, dropna=False)
        out = grouped[list(_COUNTS.values())].sum()
        out.columns = list(_COUNTS)
        out["median_days_to_fix"] = grouped["days_to_fix"].median()
        out["oldest_open_days"] = grouped["open_days"].max()
        out = out.reset_index()
    else:
        out = pd.DataFrame({name: [int(frame[col].sum())] for name, col in _COUNTS.items()})
        out["median_days_to_fix"] = [frame["days_to_fix"].median()]
        out["oldest_open_days"] = [frame["open_days"].max()]
    out["median_days_to_fix"] = out["median_days_to_fix"].astype("float64")
    out["oldest_open_days"] = out["oldest_open_days"].astype("Int64")
    for share, num, den in [("share_fixed", "fixed", "counted"),
                            ("share_fixed_within_target", "fixed_within_target", "due"),
                            ("share_repeated", "repeated", "counted")]:
        out[share] = (out[num] / out[den].where(out[den] > 0)).astype("float64")
    for name in _COUNTS:
        out[name] = out[name].astype("int64")
    return out[by + MEASURES].reset_index(drop=True)


def _by_group(flags: pd.DataFrame, obs: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """The flags with the group columns ``by`` beside them (``place``: one row per named
    place an observation lies within; missing areas, categories and parties filled)."""
    frame = flags.copy()
    for col in by:
        frame[col] = (obs["walk_date"].dt.year.astype("Int64") if col == "year"
                      else obs["places"] if col == "place" else obs[col])
        if col in GROUP_FILL:
            frame[col] = frame[col].astype("string").fillna(GROUP_FILL[col])
    if "place" in by:
        frame["place"] = frame["place"].astype("string").str.split(PLACE_SEPARATOR)
        frame = frame.explode("place")
        frame = frame[frame["place"].notna() & (frame["place"] != "")]
    for col in by:
        if col != "year":
            frame[col] = frame[col].astype("string")
    frame["one"] = 1
    return frame


def followup_table(observations: pd.DataFrame, as_of=None, *,
                   target_days: int = Settings.walk_target_days,
                   distance_m: float = Settings.walk_repeat_distance_m,
                   same_category: bool = Settings.walk_repeat_same_category,
                   dimensions: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """The long follow-up table of the build: :func:`followup` for every grouping set in
    ``dimensions`` (default :data:`DIMENSIONS`), stacked with a ``dimension`` column;
    group columns that a set does not use are empty. ``as_of`` and ``target_days`` are
    columns too, so the table says what it was computed for."""
    as_of = default_as_of(observations) if as_of is None else pd.Timestamp(as_of)
    dimensions = DIMENSIONS if dimensions is None else dimensions
    past = observations[(observations["walk_date"] <= as_of).fillna(False).to_numpy()]
    pairs = repeat_pairs(past, distance_m, same_category)
    out = _stack({name: followup(observations, by, as_of, target_days=target_days, pairs=pairs)
                  for name, by in dimensions.items()}, as_of)
    out["target_days"] = int(target_days)
    out["repeat_distance_m"] = float(distance_m)
    return out[["dimension", *GROUP_COLUMNS, *MEASURES, "as_of", "target_days",
                "repeat_distance_m"]]


def _stack(parts: dict[str, pd.DataFrame], as_of) -> pd.DataFrame:
    """Tables for several grouping sets stacked with a ``dimension`` column; group columns a
    set does not use are empty; ``as_of`` says what date the figures are for."""
    out = pd.concat([part.assign(dimension=name) for name, part in parts.items()],
                    ignore_index=True)
    for col in GROUP_COLUMNS:
        if col not in out.columns:
            out[col] = pd.NA
        out[col] = out[col].astype("Int64" if col == "year" else "string")
    out["dimension"] = out["dimension"].astype("string")
    out["as_of"] = pd.Timestamp(as_of).as_unit("s")
    return out


def declined_reasons(observations: pd.DataFrame, by: list[str] | tuple[str, ...] = ("year",),
                     as_of=None) -> pd.DataFrame:
    """Declined observations (status ``ej_atgardbar``/``ej_vart_ansvar`` at ``as_of``)
    counted per group, status and reason category (``reason_category``: the keyword
    category of the free-text reason). No free text leaves this function."""
    as_of = default_as_of(observations) if as_of is None else pd.Timestamp(as_of)
    flags = observation_flags(observations, as_of,
                              pairs=_empty_pairs())  # repeats are not needed here
    obs = observations.loc[flags.index][flags["declined"].to_numpy()]
    frame = pd.DataFrame({"status": flags.loc[obs.index, "status_as_of"],
                          "reason_category": obs["reason_category"].astype("string")})
    by = list(by)
    for col in by:
        frame[col] = (obs["walk_date"].dt.year.astype("Int64") if col == "year"
                      else obs[col].astype("string").fillna(GROUP_FILL.get(col, NOT_GIVEN)))
    keys = by + ["status", "reason_category"]
    out = frame.groupby(keys, sort=True, dropna=False).size().rename("declined").reset_index()
    out["declined"] = out["declined"].astype("int64")
    return out[keys + ["declined"]]


def declined_table(observations: pd.DataFrame, as_of=None,
                   dimensions: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """:func:`declined_reasons` for every grouping set (default :data:`DIMENSIONS` except
    ``plats``), stacked with a ``dimension`` column like :func:`followup_table`."""
    as_of = default_as_of(observations) if as_of is None else pd.Timestamp(as_of)
    if dimensions is None:
        dimensions = {k: v for k, v in DIMENSIONS.items() if "place" not in v}
    out = _stack({name: declined_reasons(observations, by, as_of)
                  for name, by in dimensions.items()}, as_of)
    return out[["dimension", *GROUP_COLUMNS, "status", "reason_category", "declined", "as_of"]]
