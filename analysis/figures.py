"""Figures of the lägesbild: processed frames in, a ``matplotlib.figure.Figure`` out.

Every function takes tables from ``data/processed/`` (loaded by the caller), draws
with the house style (``analysis.style``) and returns the figure; none shows or
saves it (``analysis.style.save_png`` renders deterministic PNG bytes). Titles and
labels come from ``analysis.vocabulary``. Disclosure rules are kept in the drawing:

* a suppressed estimate is never drawn; a footnote says "Värden med för få svar visas
  inte" when one was hidden;
* an uncertain estimate is drawn lighter and hatched, and a footnote explains it;
* the scoring is named for means and indices; "Syntetiska demodata" when ``demo``.

Maps use fixed class bands from ``resources/figures.yaml`` so that the same value has
the same colour every year.
"""

from __future__ import annotations

import os
import textwrap
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from analysis.areas import TOTAL_AREA, TOTAL_AREA_NAME, area_versions, valid_in_year
from analysis.codebook import load_codebook
from analysis.formatting import sv_interval, sv_number, sv_percent, sv_value
from analysis.settings import Settings
from analysis.style import (
    COLOURS,
    MAP_COLOURS,
    SERIES,
    UNCERTAIN_HATCH,
    apply_style,
    new_figure,
    number_formatter,
    percent_formatter,
)
from analysis.vocabulary import FIGURES, INDICATORS, PROPORTION_INDICATORS, WALK_DIMENSIONS
from analysis.walks.terms import load_walk_vocabulary

FIGURES_CONFIG = Path(__file__).resolve().parent / "resources" / "figures.yaml"
PROBLEM_SHARE = "andel_stort_problem"
SCORED_INDICATORS = {"poang", "problemindex"}
# walk_followup.parquet: dimension -> the column that names the group.
WALK_DIMENSION_COLUMNS = {"ar": "year", "omrade": "area", "kategori": "category",
                          "ansvarig": "responsible", "plats": "place"}


# --- small helpers ---------------------------------------------------------------------------


def item_labels() -> dict[str, str]:
    """Item code -> Swedish label (items, index groups and "alla")."""
    return load_codebook().item_labels()


def _item_label(item: str, indicator: str | None = None) -> str:
    return load_codebook().label(item, indicator)


def is_proportion(indicator: str) -> bool:
    return indicator in PROPORTION_INDICATORS


def _fmt(value: float, indicator: str) -> str:
    return sv_value(value, is_proportion(indicator))


def _value_axis(ax, indicator: str, axis: str = "x") -> None:
    fmt = percent_formatter() if is_proportion(indicator) else number_formatter(1)
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(fmt)
    label = INDICATORS.get(indicator, indicator)
    (ax.set_xlabel if axis == "x" else ax.set_ylabel)(label)


def _published(frame: pd.DataFrame) -> pd.Series:
    return ~frame["suppressed"].astype(bool) & frame["estimate"].notna()


def _footnotes(fig: Figure, notes: list[str], *, demo: bool) -> None:
    """Write the notes (and the demo line) under the axes, left-aligned."""
    lines = [n for n in dict.fromkeys(notes) if n]
    if demo:
        lines.append(FIGURES["demo"])
    width = int(fig.get_figwidth() * 15)
    lines = [w for n in lines for w in textwrap.wrap(n, width)]
    if lines:
        fig.text(0.01, 0.01, "\n".join(lines), ha="left", va="bottom", fontsize=7.5,
                 color="#333333")
    bottom = 0.11 + 0.035 * len(lines)
    fig.subplots_adjust(bottom=min(bottom, 0.45))


def _standard_notes(shown: pd.DataFrame, hidden: int, indicator: str) -> list[str]:
    notes = [FIGURES["ci"]]
    if hidden:
        notes.append(FIGURES["suppressed_hidden"])
    if len(shown) and shown["uncertain"].astype(bool).any():
        notes.append(FIGURES["uncertain_marked"])
    if indicator in SCORED_INDICATORS and "scoring" in shown and len(shown):
        notes.append(FIGURES["scoring"].format(scoring=", ".join(sorted(set(shown["scoring"].dropna())))))
    return notes


def _title(ax, text: str, width: int = 62) -> None:
    lines = textwrap.wrap(text, width) or [""]
    ax.set_title("\n".join(lines), loc="left")
    fig = ax.figure
    fig.subplots_adjust(top=1 - (0.3 + 0.22 * len(lines)) / fig.get_figheight())


def _empty(ax) -> None:
    ax.text(0.5, 0.5, FIGURES["no_estimates"], ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def _hbars(ax, frame: pd.DataFrame, labels: list[str]) -> None:
    """Horizontal bars with CI whiskers; uncertain bars lighter and hatched."""
    y = np.arange(len(frame))
    uncertain = frame["uncertain"].astype(bool).to_numpy()
    colours = [COLOURS["uncertain"] if u else COLOURS["bar"] for u in uncertain]
    bars = ax.barh(y, frame["estimate"].to_numpy(), color=colours, height=0.65,
                   edgecolor="white")
    for bar, u in zip(bars, uncertain, strict=True):
        if u:
            bar.set_hatch(UNCERTAIN_HATCH)
            bar.set_edgecolor(COLOURS["bar"])
    err = np.vstack([frame["estimate"] - frame["ci_low"], frame["ci_high"] - frame["estimate"]])
    ax.errorbar(frame["estimate"], y, xerr=np.clip(err, 0, None), fmt="none", ecolor="#333333",
                elinewidth=1, capsize=3)
    _set_bar_labels(ax, y, labels)


def _set_bar_labels(ax, y, labels: list[str], width: int = 30) -> None:
    """Y tick labels, wrapped at ``width`` characters, with room for them on the left."""
    wrapped = ["\n".join(textwrap.wrap(str(label), width)) or str(label) for label in labels]
    ax.set_yticks(y, wrapped)
    longest = max((len(line) for w in wrapped for line in w.split("\n")), default=0)
    inches = 0.3 + 0.075 * longest
    ax.figure.subplots_adjust(left=min(0.5, inches / ax.figure.get_figwidth()))


# --- survey figures --------------------------------------------------------------------------


def area_ranking(estimates: pd.DataFrame, year: int, indicator: str, item: str, *,
                 demo: bool = False) -> Figure:
    """Horizontal bars per area, sorted (largest on top), CI whiskers, kommun total as a line.

    Only published (not suppressed) estimates are drawn: one bar per published area.
    """
    rows = estimates[(estimates["year"] == year) & (estimates["indicator"] == indicator)
                     & (estimates["item"] == item)]
    areas = rows[rows["area"] != TOTAL_AREA]
    shown = areas[_published(areas)].sort_values(["estimate", "area"], ascending=[True, False],
                                                 kind="stable")
    total = rows[(rows["area"] == TOTAL_AREA) & _published(rows)]
    with apply_style():
        fig = new_figure((8.0, 1.9 + 0.42 * max(len(shown), 2)))
        ax = fig.add_subplot()
        if shown.empty and total.empty:
            _empty(ax)
        else:
            _hbars(ax, shown, list(shown["area_name"].astype(str)))
            if not total.empty:
                value = float(total["estimate"].iloc[0])
                ax.axvline(value, color=COLOURS["total"], linewidth=1.6, linestyle="--",
                           label=f"{FIGURES['total']}: {_fmt(value, indicator)}")
                ax.legend(loc="lower right")
            _value_axis(ax, indicator)
            ax.set_xlim(left=0)
        _title(ax, FIGURES["ranking_title"].format(
            indicator=INDICATORS.get(indicator, indicator), year=year,
            item=_item_label(item, indicator)))
        _footnotes(fig, _standard_notes(shown, int((~_published(areas)).sum()), indicator),
                   demo=demo)
    return fig


def top_problems(estimates: pd.DataFrame, year: int, area: str, n: int = 8, *,
                 demo: bool = False) -> Figure:
    """The ``n`` items with the largest published share "stort problem" in ``area``, with CIs."""
    rows = estimates[(estimates["year"] == year) & (estimates["indicator"] == PROBLEM_SHARE)
                     & (estimates["area"] == area)]
    shown = rows[_published(rows)].sort_values(["estimate", "item"], ascending=[False, True],
                                               kind="stable").head(n)
    shown = shown.iloc[::-1]  # largest on top
    name = (TOTAL_AREA_NAME if area == TOTAL_AREA
            else (str(rows["area_name"].iloc[0]) if len(rows) else str(area)))
    labels = item_labels()
    with apply_style():
        fig = new_figure((8.0, 1.9 + 0.42 * max(len(shown), 2)))
        ax = fig.add_subplot()
        if shown.empty:
            _empty(ax)
        else:
            _hbars(ax, shown, [labels.get(i, i) for i in shown["item"]])
            _value_axis(ax, PROBLEM_SHARE)
            ax.set_xlim(left=0)
        _title(ax, FIGURES["top_title"].format(year=year, area=name))
        _footnotes(fig, _standard_notes(shown, int((~_published(rows)).sum()), PROBLEM_SHARE),
                   demo=demo)
    return fig


def trend(estimates: pd.DataFrame, indicator: str, item: str, areas: list[str] | None = None,
          *, register: pd.DataFrame | None = None, demo: bool = False) -> Figure:
    """Estimate with a CI band per area over the years; the kommun total bold.

    The line breaks where the area's version changes (``register``: the area register or
    ``areas.parquet``; without it the ``area_version`` column of the estimates is used) and
    where an estimate is suppressed.
    Uncertain points are drawn as open markers.
    """
    rows = estimates[(estimates["indicator"] == indicator) & (estimates["item"] == item)]
    if areas is not None:
        rows = rows[rows["area"].isin(areas)]
    rows = rows.sort_values(["area", "year"], kind="stable").reset_index(drop=True)
    if register is not None and len(rows):
        version = area_versions(register, rows["area"], rows["year"]).astype("object")
        version = version.where(rows["area"] != TOTAL_AREA, TOTAL_AREA).fillna("?")
    elif "area_version" in rows:  # the estimate table says which version each row is
        version = rows["area_version"].astype("object").fillna("?")
    else:
        version = rows["area"].astype("object")
    rows = rows.assign(_version=version.to_numpy())
    codes = sorted(set(rows["area"]) - {TOTAL_AREA}) + (
        [TOTAL_AREA] if (rows["area"] == TOTAL_AREA).any() else [])
    hidden = int((~_published(rows)).sum())
    with apply_style():
        fig = new_figure((8.0, 4.8))
        ax = fig.add_subplot()
        drawn = rows[_published(rows)]
        if drawn.empty:
            _empty(ax)
        for i, code in enumerate(codes):
            part = rows[rows["area"] == code]
            total = code == TOTAL_AREA
            colour = COLOURS["total"] if total else SERIES[i % len(SERIES)]
            name = TOTAL_AREA_NAME if total else str(part["area_name"].iloc[-1])
            first = True
            for segment in _segments(part):
                ax.fill_between(segment["year"], segment["ci_low"], segment["ci_high"],
                                color=colour, alpha=0.12 if total else 0.10, linewidth=0)
                ax.plot(segment["year"], segment["estimate"], color=colour,
                        linewidth=2.6 if total else 1.4, label=name if first else None,
                        zorder=3 if total else 2)
                first = False
                unc = segment["uncertain"].astype(bool)
                ax.scatter(segment.loc[~unc, "year"], segment.loc[~unc, "estimate"], color=colour,
                           s=22, zorder=4)
                ax.scatter(segment.loc[unc, "year"], segment.loc[unc, "estimate"],
                           facecolor="white", edgecolor=colour, s=26, zorder=4, hatch="////")
        years = sorted(set(rows["year"]))
        if years:
            ax.set_xticks(years, [str(y) for y in years])
        ax.set_xlabel(FIGURES["year"])
        _value_axis(ax, indicator, axis="y")
        if not drawn.empty:
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        _title(ax, FIGURES["trend_title"].format(indicator=INDICATORS.get(indicator, indicator),
                                                   item=_item_label(item, indicator)))
        notes = [FIGURES["version_break"] if register is not None else ""]
        notes[0:0] = ["Skuggat band: 95 % konfidensintervall."]
        notes += _standard_notes(drawn, hidden, indicator)[1:]
        if not drawn.empty and drawn["uncertain"].astype(bool).any():
            notes = [n if n != FIGURES["uncertain_marked"] else
                     "Ofyllda punkter: osäker skattning (få svar eller brett intervall)."
                     for n in notes]
        _footnotes(fig, notes, demo=demo)
        fig.subplots_adjust(right=0.76)
    return fig


def _segments(part: pd.DataFrame) -> list[pd.DataFrame]:
    """Runs of consecutive published years within one area version."""
    out, current, last = [], [], None
    for _, row in part.iterrows():
        ok = (not bool(row["suppressed"])) and pd.notna(row["estimate"])
        key = row["_version"]
        if ok and current and key == last[0] and row["year"] == last[1] + 1:
            current.append(row)
        else:
            if current:
                out.append(pd.DataFrame(current))
            current = [row] if ok else []
        last = (key, row["year"])
    if current:
        out.append(pd.DataFrame(current))
    return out


def _previous_year(changes: pd.DataFrame, year_to: int) -> int | None:
    years = changes.loc[changes["year_to"] == year_to, "year_from"]
    return int(years.max()) if len(years) else None


def changes_overview(changes: pd.DataFrame, year_to: int, indicator: str = PROBLEM_SHARE, *,
                     alpha: float = Settings.alpha, demo: bool = False) -> Figure:
    """Dot plot area × item of the changes since the previous measurement.

    Only comparable, not suppressed changes are drawn. Filled coloured dots: significant
    after Benjamini–Hochberg (red increase, green decrease); open grey: not significant.
    The dot's area grows with the size of the change.
    """
    year_from = _previous_year(changes, year_to)
    rows = changes[(changes["year_to"] == year_to) & (changes["year_from"] == year_from)
                   & (changes["indicator"] == indicator)]
    hidden = int((~rows["comparable"].astype(bool) | rows["suppressed"].astype(bool)).sum())
    shown = rows[rows["comparable"].astype(bool) & ~rows["suppressed"].astype(bool)
                 & rows["delta"].notna()]
    labels = item_labels()
    items = sorted(set(shown["item"]), key=lambda i: labels.get(i, i), reverse=True)
    codes = sorted(set(shown["area"]) - {TOTAL_AREA}) + (
        [TOTAL_AREA] if (shown["area"] == TOTAL_AREA).any() else [])
    names = {c: (TOTAL_AREA_NAME if c == TOTAL_AREA else
                 str(shown.loc[shown["area"] == c, "area_name"].iloc[0])) for c in codes}
    scale = 0.10 if is_proportion(indicator) else 0.25
    with apply_style():
        fig = new_figure((10.0, 2.6 + 0.3 * max(len(items), 3)))
        ax = fig.add_subplot()
        if shown.empty:
            _empty(ax)
        else:
            x = shown["area"].map({c: i for i, c in enumerate(codes)}).to_numpy()
            y = shown["item"].map({c: i for i, c in enumerate(items)}).to_numpy()
            size = 12 + 160 * np.clip(np.abs(shown["delta"].to_numpy()) / scale, 0, 2)
            sig = shown["significant"].astype(bool).to_numpy()
            up = shown["delta"].to_numpy() > 0
            ax.scatter(x[~sig], y[~sig], s=size[~sig], facecolor="none",
                       edgecolor=COLOURS["not_significant"], linewidth=1,
                       label=FIGURES["not_significant"])
            for mask, key, label in [(sig & up, "significant_up", "significant_increase"),
                                     (sig & ~up, "significant_down", "significant_decrease")]:
                if mask.any():
                    ax.scatter(x[mask], y[mask], s=size[mask], color=COLOURS[key],
                               label=FIGURES[label], zorder=3)
            ax.set_xticks(range(len(codes)), [names[c] for c in codes], rotation=30, ha="right")
            ax.set_yticks(range(len(items)), [labels.get(i, i) for i in items])
            ax.set_xlim(-0.6, len(codes) - 0.4)
            ax.set_ylim(-0.6, len(items) - 0.4)
            ax.grid(True, color="#EEEEEE", linewidth=0.6)
            ax.set_axisbelow(True)
            handles = [Line2D([], [], linestyle="none", marker="o", markersize=8,
                              markerfacecolor="none", markeredgecolor=COLOURS["not_significant"],
                              label=FIGURES["not_significant"]),
                       Line2D([], [], linestyle="none", marker="o", markersize=8,
                              color=COLOURS["significant_up"],
                              label=FIGURES["significant_increase"]),
                       Line2D([], [], linestyle="none", marker="o", markersize=8,
                              color=COLOURS["significant_down"],
                              label=FIGURES["significant_decrease"])]
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        _title(ax, FIGURES["changes_title"].format(
            year_from=year_from if year_from is not None else "–", year_to=year_to,
            indicator=INDICATORS.get(indicator, indicator)))
        notes = [FIGURES["bh_note"].format(alpha=sv_number(alpha, 2)),
                 "Punktens storlek visar förändringens storlek."]
        if hidden:
            notes.append(f"{hidden} jämförelser visas inte (för få svar eller ändrade gränser).")
        _footnotes(fig, notes, demo=demo)
        lines = fig.texts[0].get_text().count("\n") + 1 if fig.texts else 0
        bottom_in = 0.25 + 0.14 * lines + 1.1  # footnotes + rotated area names
        fig.subplots_adjust(right=0.72, left=0.34,
                            bottom=min(0.6, bottom_in / fig.get_figheight()))
    return fig


# --- map -------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _load_bands(path: str) -> dict:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def map_bands(indicator: str, path: str | os.PathLike | None = None) -> list[float]:
    """The fixed class limits for ``indicator`` from ``resources/figures.yaml``."""
    spec = _load_bands(str(path or FIGURES_CONFIG))
    if indicator in (spec.get("indicators") or {}):
        return [float(v) for v in spec["indicators"][indicator]]
    kind = "proportion" if is_proportion(indicator) else "score"
    return [float(v) for v in spec["bands"][kind]]


def band_index(values, limits: list[float]) -> np.ndarray:
    """Class of each value: 0 for ``limits[0] <= v < limits[1]`` ...; the top limit is included."""
    inner = np.asarray(limits[1:-1], dtype=float)
    return np.searchsorted(inner, np.asarray(values, dtype=float), side="right")


def band_colours(n: int) -> list[str]:
    if n <= len(MAP_COLOURS):
        return MAP_COLOURS[:n] if n > 3 else [MAP_COLOURS[0], MAP_COLOURS[2], MAP_COLOURS[4]][:n]
    from matplotlib.colors import LinearSegmentedColormap, to_hex

    cmap = LinearSegmentedColormap.from_list("band", MAP_COLOURS)
    return [to_hex(cmap(i / (n - 1))) for i in range(n)]


def _band_label(lo: float, hi: float, indicator: str) -> str:
    if is_proportion(indicator):
        return sv_interval(lo, hi, proportion=True)
    return f"{sv_number(lo, 1)}–{sv_number(hi, 1)}"


def area_map(estimates: pd.DataFrame, areas_gdf, year: int, indicator: str, item: str,
             bands: list[float] | None = None, *, demo: bool = False) -> Figure:
    """Choropleth of the area versions valid in ``year`` (EPSG:3006) with fixed class bands.

    ``bands`` overrides the limits from ``resources/figures.yaml``. Areas whose estimate is
    suppressed (or missing) are grey, "för få svar"; uncertain ones are hatched.
    """
    limits = list(bands) if bands is not None else map_bands(indicator)
    colours = band_colours(len(limits) - 1)
    valid = valid_in_year(areas_gdf, year)
    shapes = areas_gdf[valid].to_crs(3006).sort_values("area")
    rows = estimates[(estimates["year"] == year) & (estimates["indicator"] == indicator)
                     & (estimates["item"] == item) & (estimates["area"] != TOTAL_AREA)]
    merged = shapes.merge(rows[["area", "estimate", "suppressed", "uncertain", "scoring"]],
                          on="area", how="left")
    ok = merged["estimate"].notna() & ~merged["suppressed"].fillna(True).astype(bool)
    classes = band_index(merged["estimate"].fillna(0.0), limits)
    with apply_style():
        fig = new_figure((7.0, 6.4))
        ax = fig.add_subplot()
        faces, hatches = [], []
        for i in range(len(merged)):
            if ok.iloc[i]:
                faces.append(colours[int(classes[i])])
                hatches.append(UNCERTAIN_HATCH if bool(merged["uncertain"].iloc[i]) else None)
            else:
                faces.append(COLOURS["suppressed"])
                hatches.append(None)
        # Small areas (a town inside the countryside) get a zoomed inset.
        sizes = merged.geometry.area.to_numpy()
        small = sizes < 0.05 * sizes.sum() if len(merged) else np.zeros(0, dtype=bool)
        targets = [ax]
        if small.any() and not small.all():
            inset = ax.inset_axes([0.62, 0.0, 0.38, 0.38])
            x0, y0, x1, y1 = merged[small].total_bounds
            pad = 0.15 * max(x1 - x0, y1 - y0)
            inset.set_xlim(x0 - pad, x1 + pad)
            inset.set_ylim(y0 - pad, y1 + pad)
            inset.set_xticks([])
            inset.set_yticks([])
            for spine in inset.spines.values():
                spine.set_visible(True)
                spine.set_color("#777777")
            ax.indicate_inset_zoom(inset, edgecolor="#777777")
            targets.append(inset)
        for target in targets:
            for i in range(len(merged)):
                merged.iloc[[i]].plot(ax=target, color=faces[i], edgecolor="#444444",
                                      linewidth=0.8, hatch=hatches[i])
            if target is not ax:
                target.set_xlabel("")
                target.set_ylabel("")
        for i in range(len(merged)):
            point = merged.geometry.iloc[i].representative_point()
            target = targets[1] if (len(targets) > 1 and small[i]) else ax
            target.annotate(str(merged["area"].iloc[i]), (point.x, point.y), ha="center",
                            va="center", fontsize=8, fontweight="bold",
                            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                                  "alpha": 0.8})
        listing = "\n".join(
            f"{merged['area'].iloc[i]} {merged['area_name'].iloc[i]}: "
            + (_fmt(merged["estimate"].iloc[i], indicator) if ok.iloc[i] else FIGURES["too_few"])
            for i in range(len(merged)))
        ax.text(1.02, 0.45, listing, transform=ax.transAxes, ha="left", va="top", fontsize=8)
        if merged.empty:
            _empty(ax)
        ax.set_aspect("equal")
        ax.set_axis_off()
        handles = [Patch(facecolor=c, edgecolor="#444444",
                         label=_band_label(limits[k], limits[k + 1], indicator))
                   for k, c in enumerate(colours)]
        handles.append(Patch(facecolor=COLOURS["suppressed"], edgecolor="#444444",
                             label=FIGURES["too_few"]))
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0),
                  title=INDICATORS.get(indicator, indicator), title_fontsize=8.5)
        _title(ax, FIGURES["map_title"].format(indicator=INDICATORS.get(indicator, indicator),
                                                 year=year, item=_item_label(item, indicator)))
        notes = [FIGURES["map_note"], FIGURES["map_crs"]]
        if (~ok).any():
            notes.append(FIGURES["suppressed_hidden"])
        if (ok & merged["uncertain"].fillna(False).astype(bool)).any():
            notes.append("Randigt område: osäker skattning.")
        if indicator in SCORED_INDICATORS and rows["scoring"].notna().any():
            notes.append(FIGURES["scoring"].format(scoring=", ".join(sorted(set(rows["scoring"].dropna())))))
        _footnotes(fig, notes, demo=demo)
        fig.subplots_adjust(left=0.02, right=0.70, top=0.86)
    return fig


# --- safety walks and the police's index -------------------------------------------------------


def walk_followup_chart(walk_followup: pd.DataFrame, dimension: str = "omrade", *,
                        names: dict | None = None, demo: bool = False) -> Figure:
    """Stacked bars per group: problems fixed, declined and still open (duplicates not counted).

    ``dimension`` is one of the walk_followup dimensions without a year ("omrade",
    "ansvarig", "kategori", "ar", "plats"); ``names`` maps group codes to Swedish names
    (default: the walk vocabulary's labels for "ansvarig" and "kategori", else the codes).
    """
    column = WALK_DIMENSION_COLUMNS[dimension]
    rows = walk_followup[walk_followup["dimension"] == dimension].copy()
    rows["_key"] = rows[column].astype("string").fillna("?")
    rows = rows.sort_values("_key", ascending=False, kind="stable")
    names = names if names is not None else _walk_names(dimension)
    labels = [str(names.get(k, str(k).replace("_", " "))) for k in rows["_key"]]
    with apply_style():
        fig = new_figure((8.0, 1.9 + 0.42 * max(len(rows), 2)))
        ax = fig.add_subplot()
        if rows.empty:
            _empty(ax)
        else:
            y = np.arange(len(rows))
            left = np.zeros(len(rows))
            for col, key, colour in [("fixed", "walk_fixed", COLOURS["fixed"]),
                                     ("declined", "walk_declined", COLOURS["declined"]),
                                     ("open", "walk_open", COLOURS["open"])]:
                values = rows[col].to_numpy(dtype=float)
                ax.barh(y, values, left=left, color=colour, label=FIGURES[key], height=0.65)
                left += values
            for yi, total, share in zip(y, left, rows["share_fixed"], strict=True):
                if total > 0 and pd.notna(share):
                    ax.text(total, yi, f"  {sv_percent(share)} åtgärdade", va="center",
                            fontsize=8)
            _set_bar_labels(ax, y, labels)
            ax.set_xlabel(FIGURES["walk_count"])
            ax.xaxis.set_major_formatter(number_formatter(0))
            ax.set_xlim(0, float(left.max()) * 1.3 if left.max() > 0 else 1)
            ax.legend(loc="lower right")
        _title(ax, FIGURES["walk_title"].format(dimension=WALK_DIMENSIONS.get(dimension,
                                                                                 dimension)))
        notes = []
        if len(rows) and "as_of" in rows:
            notes.append(FIGURES["walk_as_of"].format(
                date=pd.Timestamp(rows["as_of"].iloc[0]).strftime("%Y-%m-%d")))
        _footnotes(fig, notes, demo=demo)
    return fig


def _walk_names(dimension: str) -> dict[str, str]:
    """Swedish labels of responsible parties and categories from the walk vocabulary."""
    field = {"ansvarig": "responsible", "kategori": "category"}.get(dimension)
    if field is None:
        return {}
    return dict(load_walk_vocabulary()[field].labels)


def official_vs_survey_chart(official_vs_survey: pd.DataFrame, year: int, indicator: str, *,
                             demo: bool = False) -> Figure:
    """The police's index (x) against our estimate with its CI (y) per area, one point each.

    ``indicator`` is the police's indicator code (``official_vs_survey.indicator``). Points
    whose survey estimate is suppressed are not drawn; the action level 3 is a vertical line.
    """
    rows = official_vs_survey[(official_vs_survey["year"] == year)
                              & (official_vs_survey["indicator"] == indicator)]
    ok = _published(rows) & rows["official_value"].notna()
    shown = rows[ok].sort_values("area", kind="stable")
    survey_indicator = (str(rows["survey_indicator"].iloc[0]) if len(rows) else PROBLEM_SHARE)
    name = str(rows["indicator_name"].iloc[0]) if len(rows) else indicator
    with apply_style():
        fig = new_figure((8.0, 5.2))
        ax = fig.add_subplot()
        if shown.empty:
            _empty(ax)
        else:
            total = (shown["area"] == TOTAL_AREA).to_numpy()
            unc = shown["uncertain"].astype(bool).to_numpy()
            x = shown["official_value"].to_numpy()
            y = shown["estimate"].to_numpy()
            err = np.clip(np.vstack([y - shown["ci_low"], shown["ci_high"] - y]), 0, None)
            ax.errorbar(x, y, yerr=err, fmt="none", ecolor="#555555", elinewidth=1, capsize=3)
            for mask, kwargs in [(~unc & ~total, {"color": COLOURS["bar"]}),
                                 (unc & ~total, {"facecolor": "white",
                                                 "edgecolor": COLOURS["bar"], "hatch": "////"}),
                                 (total, {"color": COLOURS["total"], "marker": "D"})]:
                if mask.any():
                    ax.scatter(x[mask], y[mask], s=40, zorder=3, **kwargs)
            for xi, yi, area, area_name in zip(x, y, shown["area"], shown["area_name"],
                                               strict=True):
                ax.annotate(TOTAL_AREA_NAME if area == TOTAL_AREA else str(area_name), (xi, yi),
                            xytext=(6, 4), textcoords="offset points", fontsize=8)
            ax.axvline(3.0, color=COLOURS["action_level"], linestyle="--", linewidth=1.2,
                       label=FIGURES["action_level"])
            ax.set_xlim(0, max(4.0, float(np.nanmax(x)) + 0.5))
            ax.xaxis.set_major_formatter(number_formatter(1))
            ax.legend(loc="upper left")
            ax.set_ylim(bottom=0)
        ax.set_xlabel(FIGURES["official_x"])
        _value_axis(ax, survey_indicator, axis="y")
        _title(ax, FIGURES["official_title"].format(year=year, name=name))
        notes = [FIGURES["official_note"], "Strecken visar 95 % konfidensintervall för vår skattning."]
        if int((~ok).sum()):
            notes.append(FIGURES["suppressed_hidden"])
        if len(shown) and shown["uncertain"].astype(bool).any():
            notes.append("Ofyllda punkter: osäker skattning.")
        _footnotes(fig, notes, demo=demo)
    return fig
