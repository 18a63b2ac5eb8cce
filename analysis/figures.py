"""Figures of the lägesbild: processed frames in, a ``matplotlib.figure.Figure`` out.

Every function takes tables from ``data/processed/`` (loaded by the caller), draws
with the house style (``analysis.style``) and returns the figure; none shows or
saves it (``analysis.style.save_png`` renders deterministic PNG bytes). Titles and
labels come from ``analysis.vocabulary``. Every figure carries, under the plot:

* a **source line** ("Källa: Polisens trygghetsmätning 2024, n = 935. Bearbetning: …"),
  so a figure pasted into a slide keeps where it came from (``Credit``); synthetic
  demo data say so in the source line and in a line of their own;
* the notes a reader needs: a suppressed estimate is never drawn ("Värden med för få
  svar visas inte"); an uncertain one is drawn lighter and hatched (or as an open
  point); means and indices state their scale.

The title sits above and the notes below everything that is drawn (``_finish``), and the
PNG is cropped to the drawing, so nothing overlaps whatever the labels' lengths. No text
is smaller than ``style.MIN_FONT_PT``.

Maps use fixed class bands from ``resources/figures.yaml`` so that the same value has
the same colour every year; they carry the area names, a scale bar and a north arrow.
"""

from __future__ import annotations

import math
import os
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator
from shapely.geometry import box

from analysis.areas import TOTAL_AREA, TOTAL_AREA_NAME, area_order, area_versions, valid_in_year
from analysis.codebook import load_codebook
from analysis.formatting import sv_count, sv_interval, sv_number, sv_percent, sv_pp, sv_value
from analysis.settings import Settings
from analysis.style import (
    COLOURS,
    MAP_COLOURS,
    NOTE_FONT_PT,
    UNCERTAIN_HATCH,
    apply_style,
    new_figure,
    number_formatter,
    percent_formatter,
)
from analysis.vocabulary import (
    FIGURES,
    NARRATIVE,
    PROPORTION_INDICATORS,
    READER_INDICATORS,
    SOURCES,
    WALK_DIMENSIONS,
)
from analysis.walks.terms import load_walk_vocabulary

FIGURES_CONFIG = Path(__file__).resolve().parent / "resources" / "figures.yaml"
PROBLEM_SHARE = "andel_stort_problem"
SCORED_INDICATORS = {"poang", "problemindex"}
# walk_followup.parquet: dimension -> the column that names the group.
WALK_DIMENSION_COLUMNS = {"ar": "year", "omrade": "area", "kategori": "category",
                          "ansvarig": "responsible", "plats": "place"}
NOT_GIVEN = "ej_angiven"  # walk groups without a value (analysis.walks.followup.NOT_GIVEN)

WIDTH = 7.4  # inches: every figure is this wide before the source line (style.FIGSIZE)
TITLE_PT = 11.5
VALUE_PT = 9.0  # value labels beside bars
LABEL_PT = 8.5  # names on maps, notes on panels


# --- where the numbers come from -------------------------------------------------------------


@dataclass(frozen=True)
class Credit:
    """What the source line under a figure says.

    ``demo``: the build read the synthetic demo set; ``processor``: who processed the
    data (the kommun's name; None = only the package is named); ``respondents``: the
    number of respondents per survey year (from ``responses.parquet``). Without
    ``respondents`` a figure names the largest number of answers among its own rows.
    """

    demo: bool = False
    processor: str | None = None
    respondents: Mapping[int, int] = field(default_factory=dict)

    def _processing(self) -> str:
        by = (SOURCES["processor_kommun"].format(kommun=self.processor) if self.processor
              else SOURCES["processor"])
        return SOURCES["processing"].format(by=by)

    def line(self, what: str) -> str:
        """``"Källa: <what>. Bearbetning: …."``"""
        return SOURCES["line"].format(what=what, processing=self._processing())

    def survey(self, years: Sequence[int], fallback_n: int | None = None) -> str:
        """``"Källa: Polisens trygghetsmätning 2024, n = 935. Bearbetning: …"``."""
        years = sorted({int(y) for y in years})
        name = SOURCES["survey_demo" if self.demo else "survey"]
        if not years:
            return self.line(name)
        counts = [self.respondents[y] for y in years if y in self.respondents]
        if len(years) == 1:
            n = counts[0] if counts else fallback_n
            what = f"{name} {years[0]}" + (f", n = {sv_count(n)}" if n is not None else "")
        else:
            what = f"{name} {year_span(years)}"
            if counts:
                low, high = min(counts), max(counts)
                what += (f", {sv_count(low)}–{sv_count(high)} svar per år" if low != high
                         else f", {sv_count(low)} svar per år")
        return self.line(what)

    def walks(self, years: Sequence[int], as_of=None) -> str:
        """``"Källa: protokoll från trygghetsvandringar 2019–2024, läge per 2024-12-31. …"``."""
        what = SOURCES["walks_demo" if self.demo else "walks"]
        if len(years):
            what += f" {year_span(years)}"
        if as_of is not None and not pd.isna(as_of):
            what += f", läge per {pd.Timestamp(as_of).strftime('%Y-%m-%d')}"
        return self.line(_upper_first(what))

    def official(self, year: int, n: int | None = None) -> str:
        """Police index beside the survey: both sources in one line."""
        police = SOURCES["official_demo" if self.demo else "official"]
        survey = SOURCES["survey_demo" if self.demo else "survey"]
        n = self.respondents.get(int(year), n)
        what = (f"{_upper_first(police)} {year} och {survey.lower() if not self.demo else survey}"
                f" {year}" + (f", n = {sv_count(n)}" if n is not None else ""))
        return self.line(what)


def year_span(years: Sequence[int]) -> str:
    """``[2019, 2020, 2024]`` -> ``"2019–2024"``; one year -> ``"2024"``."""
    years = sorted({int(y) for y in years})
    if not years:
        return ""
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _credit(credit: Credit | None, demo: bool) -> Credit:
    if credit is None:
        return Credit(demo=demo)
    if demo and not credit.demo:
        return Credit(demo=True, processor=credit.processor, respondents=credit.respondents)
    return credit


# --- small helpers ---------------------------------------------------------------------------


def item_labels() -> dict[str, str]:
    """Item code -> Swedish label (items, index groups and "alla")."""
    return load_codebook().item_labels()


def _item_label(item: str, indicator: str | None = None) -> str:
    return load_codebook().label(item, indicator)


def indicator_name(indicator: str) -> str:
    """The name readers see for an indicator ("Problemindex", "Andel otrygga …")."""
    return READER_INDICATORS.get(indicator, indicator)


def is_proportion(indicator: str) -> bool:
    return indicator in PROPORTION_INDICATORS


def _fmt(value: float, indicator: str) -> str:
    return sv_value(value, is_proportion(indicator))


def _value_axis(ax, indicator: str, axis: str = "x", label: bool = True) -> None:
    fmt = percent_formatter() if is_proportion(indicator) else number_formatter(1)
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(fmt)
    if label:
        (ax.set_xlabel if axis == "x" else ax.set_ylabel)(indicator_name(indicator))


def _published(frame: pd.DataFrame) -> pd.Series:
    return ~frame["suppressed"].astype(bool) & frame["estimate"].notna()


def _survey_n(rows: pd.DataFrame) -> int | None:
    """The largest number of answers among the kommun-total rows (else all rows)."""
    if rows.empty or "n" not in rows:
        return None
    total = rows[rows["area"] == TOTAL_AREA]
    n = (total if len(total) else rows)["n"].max()
    return None if pd.isna(n) else int(n)


def scale_note(rows: pd.DataFrame) -> str:
    """``"Skala 0–3: inget problem alls = 0, …"`` for the scorings used in ``rows``."""
    codebook = load_codebook()
    names = sorted(set(rows["scoring"].dropna().astype(str))) if "scoring" in rows else []
    texts = [str(codebook.scorings.get(n, {}).get("description", n)) for n in names]
    if not texts:
        return ""
    return FIGURES["scale_note"].format(description="; ".join(t[:1].lower() + t[1:]
                                                              for t in texts))


def _standard_notes(shown: pd.DataFrame, hidden: int, indicator: str,
                    ci: str = FIGURES["ci"]) -> list[str]:
    notes = [ci]
    if hidden:
        notes.append(FIGURES["suppressed_hidden"])
    if len(shown) and shown["uncertain"].astype(bool).any():
        notes.append(FIGURES["uncertain_marked"])
    if indicator in SCORED_INDICATORS and len(shown):
        notes.append(scale_note(shown))
    return notes


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [text]


def _finish(fig: Figure, title: str, notes: list[str], *, source: str, demo: bool) -> Figure:
    """Put the title above and the notes, the source line and the demo line below
    everything drawn, left-aligned with the drawing, wrapped to its width."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    box = fig.get_tightbbox(renderer)  # inches
    width_in, height_in = fig.get_size_inches()
    left = box.x0 / width_in
    span = max(box.width, 4.5)
    title_lines = [w for line in title.split("\n")
                   for w in _wrap(line, int(span * 72 / (TITLE_PT * 0.62)))]
    fig.text(left, (box.y1 + 0.12) / height_in, "\n".join(title_lines), ha="left",
             va="bottom", fontsize=TITLE_PT, fontweight="bold", color="#111111")
    lines = [n for n in dict.fromkeys(notes) if n] + [source]
    if demo:
        lines.append(FIGURES["demo"])
    per_line = int(span * 72 / (NOTE_FONT_PT * 0.56))
    wrapped = [w for n in lines for w in _wrap(n, per_line)]
    fig.text(left, (box.y0 - 0.14) / height_in, "\n".join(wrapped), ha="left", va="top",
             fontsize=NOTE_FONT_PT, color="#333333", linespacing=1.35)
    return fig


def _empty(ax) -> None:
    ax.text(0.5, 0.5, FIGURES["no_estimates"], ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def _hbars(ax, frame: pd.DataFrame, labels: list[str], indicator: str) -> None:
    """Horizontal bars with CI whiskers and the value beside; uncertain bars lighter, hatched."""
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
    top = float(np.nanmax(frame["ci_high"].to_numpy(dtype=float))) if len(frame) else 0.0
    pad = 0.012 * (top if top > 0 else 1.0)
    for yi, high, value in zip(y, frame["ci_high"], frame["estimate"], strict=True):
        ax.text(float(high) + pad, yi, _fmt(value, indicator), va="center", ha="left",
                fontsize=VALUE_PT, color="#222222")
    ax.set_xlim(0, top * 1.14 if top > 0 else 1)
    _set_bar_labels(ax, y, labels)


def _set_bar_labels(ax, y, labels: list[str], width: int = 30) -> None:
    """Y tick labels, wrapped at ``width`` characters, with room for them on the left."""
    wrapped = ["\n".join(_wrap(str(label), width)) for label in labels]
    ax.set_yticks(y, wrapped)
    longest = max((len(line) for w in wrapped for line in w.split("\n")), default=0)
    inches = 0.3 + 0.075 * longest
    ax.figure.subplots_adjust(left=min(0.5, inches / ax.figure.get_figwidth()), right=0.97)


def _bar_figure(n_bars: int) -> Figure:
    fig = new_figure((WIDTH, 0.75 + 0.36 * max(n_bars, 2)))
    fig.subplots_adjust(top=0.97, bottom=0.6 / fig.get_figheight())
    return fig


# --- survey figures --------------------------------------------------------------------------


def area_ranking(estimates: pd.DataFrame, year: int, indicator: str, item: str, *,
                 credit: Credit | None = None, demo: bool = False) -> Figure:
    """Horizontal bars per area, sorted (largest on top), CI whiskers, kommun total as a line.

    Only published (not suppressed) estimates are drawn: one bar per published area.
    """
    credit = _credit(credit, demo)
    rows = estimates[(estimates["year"] == year) & (estimates["indicator"] == indicator)
                     & (estimates["item"] == item)]
    areas = rows[rows["area"] != TOTAL_AREA]
    shown = areas[_published(areas)].sort_values(["estimate", "area"], ascending=[True, False],
                                                 kind="stable")
    total = rows[(rows["area"] == TOTAL_AREA) & _published(rows)]
    with apply_style():
        fig = _bar_figure(len(shown))
        ax = fig.add_subplot()
        if shown.empty and total.empty:
            _empty(ax)
        else:
            _hbars(ax, shown, list(shown["area_name"].astype(str)), indicator)
            if not total.empty:
                value = float(total["estimate"].iloc[0])
                ax.axvline(value, color=COLOURS["total"], linewidth=1.6, linestyle="--",
                           label=f"{FIGURES['total']}: {_fmt(value, indicator)}")
                ax.legend(loc="lower right")
                ax.set_xlim(0, max(ax.get_xlim()[1], value * 1.1))
            _value_axis(ax, indicator)
        title = FIGURES["ranking_title"].format(indicator=indicator_name(indicator), year=year,
                                                item=_item_label(item, indicator))
        notes = _standard_notes(shown, int((~_published(areas)).sum()), indicator)
        _finish(fig, title, notes, source=credit.survey([year], _survey_n(rows)),
                demo=credit.demo)
    return fig


def top_problems(estimates: pd.DataFrame, year: int, area: str, n: int = 8, *,
                 credit: Credit | None = None, demo: bool = False) -> Figure:
    """The ``n`` items with the largest published share "stort problem" in ``area``, with CIs."""
    credit = _credit(credit, demo)
    year_rows = estimates[(estimates["year"] == year) & (estimates["indicator"] == PROBLEM_SHARE)]
    rows = year_rows[year_rows["area"] == area]
    shown = rows[_published(rows)].sort_values(["estimate", "item"], ascending=[False, True],
                                               kind="stable").head(n)
    shown = shown.iloc[::-1]  # largest on top
    name = (TOTAL_AREA_NAME if area == TOTAL_AREA
            else (str(rows["area_name"].iloc[0]) if len(rows) else str(area)))
    labels = item_labels()
    with apply_style():
        fig = _bar_figure(len(shown))
        ax = fig.add_subplot()
        if shown.empty:
            _empty(ax)
        else:
            _hbars(ax, shown, [labels.get(i, i) for i in shown["item"]], PROBLEM_SHARE)
            _value_axis(ax, PROBLEM_SHARE)
        notes = _standard_notes(shown, int((~_published(rows)).sum()), PROBLEM_SHARE)
        _finish(fig, FIGURES["top_title"].format(year=year, area=name), notes,
                source=credit.survey([year], _survey_n(year_rows)), demo=credit.demo)
    return fig


def indicator_panels(estimates: pd.DataFrame, year: int,
                     panels: Sequence[tuple[str, str]], title: str, *,
                     credit: Credit | None = None, demo: bool = False) -> Figure:
    """Small multiples: one panel per (indicator, item), the areas as rows, the kommun last.

    Each published estimate is a point with its 95 % CI; uncertain ones are open points;
    suppressed ones say "för få svar". All panels share the value axis, so panels compare.
    """
    credit = _credit(credit, demo)
    rows = estimates[(estimates["year"] == year)]
    keys = pd.Series(list(zip(rows["indicator"], rows["item"], strict=True)), index=rows.index)
    rows = rows[keys.isin(list(panels))]
    codes = area_order(rows["area"].astype(str))
    names = {c: (TOTAL_AREA_NAME if c == TOTAL_AREA else
                 str(rows.loc[rows["area"] == c, "area_name"].iloc[0])) for c in codes}
    shown = rows[_published(rows)]
    top = float(shown["ci_high"].max()) if len(shown) else 1.0
    proportion = all(is_proportion(i) for i, _ in panels)
    limit = _nice_limit(top, proportion)
    ncols = 1 if len(panels) == 1 else 2
    nrows = math.ceil(len(panels) / ncols)
    with apply_style():
        fig = new_figure((WIDTH, nrows * (0.7 + 0.3 * max(len(codes), 2))))
        axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True)
        fig.subplots_adjust(left=0.2 if ncols == 2 else 0.25, right=0.97, top=0.94,
                            bottom=0.55 / fig.get_figheight(), wspace=0.22,
                            hspace=0.9 / (0.7 + 0.3 * max(len(codes), 2)))
        y_of = {c: len(codes) - 1 - i for i, c in enumerate(codes)}  # first area on top
        for k, ax in enumerate(axes.flat):
            if k >= len(panels):
                ax.set_visible(False)
                continue
            indicator, item = panels[k]
            part = rows[(rows["indicator"] == indicator) & (rows["item"] == item)]
            ok = _published(part)
            for _, r in part[ok].iterrows():
                y = y_of[str(r["area"])]
                total = r["area"] == TOTAL_AREA
                colour = COLOURS["total"] if total else COLOURS["bar"]
                ax.plot([r["ci_low"], r["ci_high"]], [y, y], color=colour, linewidth=1.4,
                        solid_capstyle="butt", gid="ci")
                if bool(r["uncertain"]):
                    ax.scatter([r["estimate"]], [y], s=36, facecolor="white", edgecolor=colour,
                               linewidth=1.3, zorder=3, gid="estimate")
                else:
                    ax.scatter([r["estimate"]], [y], s=36, color=colour,
                               marker="D" if total else "o", zorder=3, gid="estimate")
                ax.text(r["ci_high"] + 0.02 * limit, y, _fmt(r["estimate"], indicator),
                        va="center", fontsize=LABEL_PT, color="#222222")
            for _, r in part[~ok].iterrows():
                ax.text(0.01 * limit, y_of[str(r["area"])], FIGURES["too_few"], va="center",
                        fontsize=LABEL_PT, color="#555555", style="italic")
            ax.set_ylim(-0.6, len(codes) - 0.4)
            ax.set_xlim(0, limit)
            _value_axis(ax, indicator, label=False)
            ax.grid(True, axis="x", color="#EEEEEE", linewidth=0.6)
            ax.set_axisbelow(True)
            if k % ncols == 0:
                ax.set_yticks([y_of[c] for c in codes], [names[c] for c in codes])
            else:
                ax.set_yticks([y_of[c] for c in codes], [""] * len(codes))
                ax.tick_params(axis="y", length=0)
            panel_title = _item_label(item, indicator)
            if len({i for i, _ in panels}) > 1:
                panel_title = f"{indicator_name(indicator)}: {panel_title[:1].lower()}{panel_title[1:]}"
            ax.set_title("\n".join(_wrap(panel_title, 32 if ncols == 2 else 70)), loc="left",
                         fontsize=9.5, fontweight="bold")
            ax.tick_params(axis="x", labelbottom=True)
        notes = ["Punkterna visar skattningen, strecken 95 % konfidensintervall. "
                 "Hela kommunen är markerad med en romb."]
        if (~_published(rows)).any():
            notes.append(FIGURES["suppressed_hidden"])
        if len(shown) and shown["uncertain"].astype(bool).any():
            notes.append(FIGURES["uncertain_points"])
        _finish(fig, title, notes, source=credit.survey([year], _survey_n(rows)),
                demo=credit.demo)
    return fig


def _nice_limit(top: float, proportion: bool) -> float:
    """An axis end a little above ``top``: 10 % steps for shares, 0.5 for means."""
    if not np.isfinite(top) or top <= 0:
        return 1.0 if proportion else 3.0
    step = 0.1 if proportion else 0.5
    limit = math.ceil((top * 1.12) / step) * step
    return min(limit, 1.0) if proportion else limit


def trend(estimates: pd.DataFrame, indicator: str, item: str, areas: list[str] | None = None,
          *, register: pd.DataFrame | None = None, credit: Credit | None = None,
          demo: bool = False) -> Figure:
    """Small multiples over the years: one panel per area (the kommun total last), each with
    its estimate, its 95 % CI band and the kommun total as a dashed comparison line.

    Where the area's version changes (``register``: the area register or ``areas.parquet``;
    without it the ``area_version`` column of the estimates) the line breaks and a dotted
    vertical line marks "nya gränser"; where an estimate is suppressed the line breaks too.
    Uncertain points are drawn as open markers. Lines carry ``gid`` "estimate" (one per
    unbroken run), "reference" (the kommun total) and "break" (a boundary change).
    """
    credit = _credit(credit, demo)
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
    codes = area_order(rows["area"].astype(str))
    hidden = int((~_published(rows)).sum())
    drawn = rows[_published(rows)]
    years = sorted(int(y) for y in rows["year"].unique())
    total = drawn[drawn["area"] == TOTAL_AREA].sort_values("year")
    ncols = 1 if len(codes) <= 1 else 2
    nrows = max(1, math.ceil(len(codes) / ncols))
    limit = _nice_limit(float(drawn["ci_high"].max()) if len(drawn) else 0.0,
                        is_proportion(indicator))
    breaks_shown = False
    with apply_style():
        fig = new_figure((WIDTH, 0.3 + 1.75 * nrows))
        axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True, sharey=True)
        fig.subplots_adjust(left=0.1, right=0.98, top=1 - 0.35 / fig.get_figheight(),
                            bottom=0.45 / fig.get_figheight(), wspace=0.1,
                            hspace=0.75 / 1.75)
        if drawn.empty:
            _empty(axes.flat[0])
        for k, ax in enumerate(axes.flat):
            if k >= len(codes):
                ax.set_visible(False)
                continue
            code = codes[k]
            part = rows[rows["area"] == code]
            is_total = code == TOTAL_AREA
            colour = COLOURS["total"] if is_total else COLOURS["bar"]
            name = TOTAL_AREA_NAME if is_total else str(part["area_name"].iloc[-1])
            if not is_total and len(total):
                ax.plot(total["year"], total["estimate"], color="#777777", linewidth=1.1,
                        linestyle="--", zorder=1, gid="reference")
            for segment in _segments(part):
                ax.fill_between(segment["year"], segment["ci_low"], segment["ci_high"],
                                color=colour, alpha=0.16, linewidth=0)
                ax.plot(segment["year"], segment["estimate"], color=colour,
                        linewidth=2.2 if is_total else 1.8, zorder=3, gid="estimate")
                unc = segment["uncertain"].astype(bool)
                ax.scatter(segment.loc[~unc, "year"], segment.loc[~unc, "estimate"],
                           color=colour, s=22, zorder=4)
                ax.scatter(segment.loc[unc, "year"], segment.loc[unc, "estimate"],
                           facecolor="white", edgecolor=colour, s=26, zorder=4)
            for x in _version_breaks(part):
                breaks_shown = True
                ax.axvline(x, color=COLOURS["action_level"], linestyle=":", linewidth=1.4,
                           gid="break")
                ax.text(x + 0.06, limit * 0.97, FIGURES["new_boundaries"], va="top",
                        ha="left", fontsize=LABEL_PT, color=COLOURS["action_level"])
            ax.set_title(name, loc="left", fontsize=10, fontweight="bold")
            ax.set_ylim(0, limit)
            _value_axis(ax, indicator, axis="y", label=False)
            ax.grid(True, axis="y", color="#EEEEEE", linewidth=0.6)
            ax.set_axisbelow(True)
            if years:
                ax.set_xticks(years, [str(y) for y in years])
                ax.set_xlim(years[0] - 0.4, years[-1] + 0.4)
            ax.tick_params(axis="x", labelbottom=True, labelsize=8.5)
        handles = [Line2D([], [], color=COLOURS["bar"], linewidth=1.8, marker="o",
                          markersize=4, label=FIGURES["trend_area"]),
                   Patch(facecolor=COLOURS["bar"], alpha=0.16, label="95 % konfidensintervall")]
        if len(total) and any(c != TOTAL_AREA for c in codes):
            handles.append(Line2D([], [], color="#777777", linewidth=1.1, linestyle="--",
                                  label=FIGURES["trend_total"]))
        if breaks_shown:
            handles.append(Line2D([], [], color=COLOURS["action_level"], linewidth=1.4,
                                  linestyle=":", label=FIGURES["trend_break"]))
        if not drawn.empty:
            fig.legend(handles=handles, loc="upper left", ncol=2, frameon=False,
                       bbox_to_anchor=(0.02, 0.0), fontsize=9)
        title = FIGURES["trend_title"].format(indicator=indicator_name(indicator),
                                              item=_item_label(item, indicator))
        notes = [FIGURES["trend_note"]] if breaks_shown else []
        if hidden:
            notes.append(FIGURES["suppressed_hidden"])
        if not drawn.empty and drawn["uncertain"].astype(bool).any():
            notes.append(FIGURES["uncertain_points"])
        if indicator in SCORED_INDICATORS and len(drawn):
            notes.append(scale_note(drawn))
        _finish(fig, title, notes, source=credit.survey(years, _survey_n(rows)),
                demo=credit.demo)
    return fig


def _version_breaks(part: pd.DataFrame) -> list[float]:
    """Midpoints between consecutive years whose area version differs."""
    part = part.sort_values("year")
    out = []
    for (y1, v1), (y2, v2) in zip(zip(part["year"], part["_version"], strict=True),
                                  list(zip(part["year"], part["_version"], strict=True))[1:],
                                  strict=False):
        if v1 != v2:
            out.append((float(y1) + float(y2)) / 2)
    return out


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


def _change_size(delta: float, indicator: str) -> str:
    return (sv_pp(delta, trim=True) if is_proportion(indicator)
            else sv_number(delta, 2))


def changes_overview(changes: pd.DataFrame, year_to: int, indicator: str = PROBLEM_SHARE, *,
                     alpha: float = Settings.alpha, credit: Credit | None = None,
                     demo: bool = False) -> Figure:
    """Every change since the previous measurement, area (columns) × item (rows).

    A triangle points up for an increase and down for a decrease, whether or not the
    change is statistically significant; its area grows with the size of the change (a
    size legend gives three reference sizes). Filled and coloured: significant (red
    increase, green decrease); open grey: not significant. Only comparable, not
    suppressed changes are drawn; ``alpha`` is the level the ``significant`` column used.
    """
    del alpha  # significance is read from the table (``significant``)
    credit = _credit(credit, demo)
    year_from = _previous_year(changes, year_to)
    rows = changes[(changes["year_to"] == year_to) & (changes["year_from"] == year_from)
                   & (changes["indicator"] == indicator)]
    hidden = int((~rows["comparable"].astype(bool) | rows["suppressed"].astype(bool)).sum())
    shown = rows[rows["comparable"].astype(bool) & ~rows["suppressed"].astype(bool)
                 & rows["delta"].notna()]
    labels = item_labels()
    items = sorted(set(shown["item"]), key=lambda i: labels.get(i, i), reverse=True)
    codes = area_order(shown["area"].astype(str))
    names = {c: (TOTAL_AREA_NAME if c == TOTAL_AREA else
                 str(shown.loc[shown["area"] == c, "area_name"].iloc[0])) for c in codes}
    cap, refs = ((0.20, [0.05, 0.10, 0.20]) if is_proportion(indicator)
                 else (0.6, [0.1, 0.3, 0.6]))

    def size(delta):
        return 14 + 330 * np.clip(np.abs(np.asarray(delta, dtype=float)) / cap, 0, 1)

    with apply_style():
        fig = new_figure((WIDTH - 1.8, 0.5 + 0.3 * max(len(items), 3)))
        ax = fig.add_subplot()
        fig.subplots_adjust(left=0.5, right=0.98, top=0.98, bottom=0.12)
        if shown.empty:
            _empty(ax)
        else:
            x = shown["area"].astype(str).map({c: i for i, c in enumerate(codes)}).to_numpy()
            y = shown["item"].map({c: i for i, c in enumerate(items)}).to_numpy()
            delta = shown["delta"].to_numpy(dtype=float)
            sig = shown["significant"].astype(bool).to_numpy()
            up, down = delta > 0, delta < 0
            groups = [(sig & up, "^", COLOURS["significant_up"], True, "increase_sig"),
                      (sig & down, "v", COLOURS["significant_down"], True, "decrease_sig"),
                      (~sig & up, "^", COLOURS["not_significant"], False, "increase_ns"),
                      (~sig & down, "v", COLOURS["not_significant"], False, "decrease_ns"),
                      (delta == 0, "o", COLOURS["not_significant"], False, "increase_ns")]
            for mask, marker, colour, filled, key in groups:
                if mask.any():
                    ax.scatter(x[mask], y[mask], s=size(delta[mask]), marker=marker,
                               facecolor=colour if filled else "white", edgecolor=colour,
                               linewidth=1.1, zorder=3 if filled else 2, gid=key)
            ax.set_xticks(range(len(codes)), [names[c] for c in codes], rotation=35,
                          ha="right", rotation_mode="anchor")
            ax.set_yticks(range(len(items)), [labels.get(i, i) for i in items])
            ax.set_xlim(-0.6, len(codes) - 0.4)
            ax.set_ylim(-0.6, len(items) - 0.4)
            ax.grid(True, color="#EEEEEE", linewidth=0.6)
            ax.set_axisbelow(True)
            kinds = [Line2D([], [], linestyle="none", marker=m, markersize=8,
                            markerfacecolor=c if f else "white", markeredgecolor=c,
                            label=FIGURES[k])
                     for m, c, f, k in [("^", COLOURS["significant_up"], True, "increase_sig"),
                                        ("v", COLOURS["significant_down"], True, "decrease_sig"),
                                        ("^", COLOURS["not_significant"], False, "increase_ns"),
                                        ("v", COLOURS["not_significant"], False, "decrease_ns")]]
            # a figure legend (an axes can hold one legend; both must count for the crop)
            fig.legend(handles=kinds, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                       bbox_transform=ax.transAxes, title=FIGURES["legend_change"],
                       alignment="left")
            sizes = [Line2D([], [], linestyle="none", marker="^",
                            markersize=math.sqrt(float(size(r))), markerfacecolor="white",
                            markeredgecolor="#555555", label=_change_size(r, indicator))
                     for r in refs]
            ax.legend(handles=sizes, loc="upper left", bbox_to_anchor=(1.02, 0.45),
                      title=FIGURES["legend_size"], alignment="left", labelspacing=1.2,
                      borderpad=0.6)
        title = FIGURES["changes_title"].format(
            year_from=year_from if year_from is not None else "–", year_to=year_to,
            indicator=indicator_name(indicator))
        notes = [FIGURES["changes_note"]]
        if hidden:
            notes.append(FIGURES["changes_hidden"].format(n=hidden))
        if indicator in SCORED_INDICATORS:
            notes.append(scale_note(rows.assign(scoring=Settings.scoring)))
        years = [y for y in (year_from, year_to) if y is not None]
        _finish(fig, title, notes, source=credit.survey(years), demo=credit.demo)
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
    """``n`` sequential colours, light to dark (the house palette, interpolated if needed)."""
    if n == len(MAP_COLOURS):
        return list(MAP_COLOURS)
    from matplotlib.colors import LinearSegmentedColormap, to_hex

    cmap = LinearSegmentedColormap.from_list("band", MAP_COLOURS)
    return [to_hex(cmap(i / (n - 1))) for i in range(n)] if n > 1 else [MAP_COLOURS[3]]


def _band_label(lo: float, hi: float, indicator: str) -> str:
    if is_proportion(indicator):
        return sv_interval(lo, hi, proportion=True)
    return f"{sv_number(lo, 2)}–{sv_number(hi, 2)}"


def _scale_bar(ax, projected: bool) -> None:
    """A scale bar (bottom left) in metres, a round length about a fifth of the map's width."""
    if not projected:
        return
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    target = (x1 - x0) / 5
    choices = [50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 25000, 50000]
    length = max([c for c in choices if c <= target] or [choices[0]])
    left, base = x0 + 0.04 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    height = 0.012 * (y1 - y0)
    ax.add_patch(_rect(left, base, length / 2, height, "#222222"))
    ax.add_patch(_rect(left + length / 2, base, length / 2, height, "white"))
    label = (f"{sv_number(length / 1000, 1, trim=True)} km" if length >= 1000
             else f"{length} m")
    ax.text(left + length, base + 2.2 * height, label, fontsize=LABEL_PT, ha="right",
            va="bottom", color="#222222", gid="scale_bar")
    ax.text(left, base + 2.2 * height, "0", fontsize=LABEL_PT, ha="left", va="bottom",
            color="#222222")


def _rect(x, y, w, h, colour):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, facecolor=colour, edgecolor="#222222", linewidth=0.8,
                     zorder=5)


def _north_arrow(ax) -> None:
    ax.annotate("N", xy=(0.95, 0.97), xytext=(0.95, 0.84), xycoords="axes fraction",
                textcoords="axes fraction", ha="center", va="center", fontsize=10,
                fontweight="bold", gid="north_arrow",
                arrowprops={"arrowstyle": "-|>", "color": "#222222", "linewidth": 1.4})


def _label(ax, point, text: str) -> None:
    ax.annotate(text, (point.x, point.y), ha="center", va="center", fontsize=LABEL_PT,
                fontweight="bold", gid="area_label",
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "#999999",
                      "alpha": 0.9, "linewidth": 0.5})


def area_map(estimates: pd.DataFrame, areas_gdf, year: int, indicator: str, item: str,
             bands: list[float] | None = None, *, credit: Credit | None = None,
             demo: bool = False) -> Figure:
    """Choropleth of the area versions valid in ``year`` (SWEREF 99 TM) with fixed class bands.

    Every area is labelled with its name and value. Small areas (a town inside the
    countryside) are drawn a second time, enlarged, on the right. A scale bar and a north
    arrow are on the map. ``bands`` overrides the limits from ``resources/figures.yaml``.
    Areas whose estimate is suppressed (or missing) are grey, "för få svar"; uncertain
    ones are hatched.
    """
    credit = _credit(credit, demo)
    limits = list(bands) if bands is not None else map_bands(indicator)
    colours = band_colours(len(limits) - 1)
    valid = valid_in_year(areas_gdf, year)
    shapes = areas_gdf[valid].to_crs(3006).sort_values("area")
    year_rows = estimates[(estimates["year"] == year) & (estimates["indicator"] == indicator)
                          & (estimates["item"] == item)]
    rows = year_rows[year_rows["area"] != TOTAL_AREA]
    merged = shapes.merge(rows[["area", "estimate", "suppressed", "uncertain", "scoring"]],
                          on="area", how="left")
    ok = merged["estimate"].notna() & ~merged["suppressed"].fillna(True).astype(bool)
    classes = band_index(merged["estimate"].fillna(0.0), limits)
    sizes = merged.geometry.area.to_numpy()
    small = sizes < 0.05 * sizes.sum() if len(merged) else np.zeros(0, dtype=bool)
    zoom = bool(small.any() and not small.all())
    with apply_style():
        fig = new_figure((WIDTH, 4.3))
        if zoom:
            ax = fig.add_axes([0.0, 0.0, 0.44, 0.94])
            inset = fig.add_axes([0.47, 0.0, 0.53, 0.94])
            targets = [ax, inset]
        else:
            ax = fig.add_axes([0.0, 0.0, 0.7, 0.94])
            targets = [ax]
        for i in range(len(merged)):
            if ok.iloc[i]:
                face = colours[int(classes[i])]
                hatch = UNCERTAIN_HATCH if bool(merged["uncertain"].iloc[i]) else None
            else:
                face, hatch = COLOURS["suppressed"], None
            for target in targets:
                merged.iloc[[i]].plot(ax=target, color=face, edgecolor="#444444",
                                      linewidth=0.8, hatch=hatch)
        if zoom:
            x0, y0, x1, y1 = merged[small].total_bounds
            pad = 0.08 * max(x1 - x0, y1 - y0)
            inset.set_xlim(x0 - pad, x1 + pad)
            inset.set_ylim(y0 - pad, y1 + pad)
            ax.indicate_inset([x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad],
                              edgecolor="#333333", linewidth=1.0)
            for spine in inset.spines.values():
                spine.set_visible(True)
                spine.set_color("#777777")
        for target in targets:
            target.set_aspect("equal")
            target.set_xticks([])
            target.set_yticks([])
            target.set_xlabel("")
            target.set_ylabel("")
            for side in ("top", "right", "bottom", "left"):
                target.spines[side].set_visible(target is not ax)
        keep_clear = None
        if zoom:  # labels of the large areas stay off the enlarged rectangle
            x0, y0, x1, y1 = merged[small].total_bounds
            keep_clear = box(x0, y0, x1, y1).buffer(0.6 * max(x1 - x0, y1 - y0))
        for i in range(len(merged)):
            value = (_fmt(merged["estimate"].iloc[i], indicator) if ok.iloc[i]
                     else FIGURES["too_few"])
            name = "\n".join(_wrap(str(merged["area_name"].iloc[i]), 14))
            target = inset if (zoom and small[i]) else ax
            shape = merged.geometry.iloc[i]
            if keep_clear is not None and not small[i]:
                rest = shape.difference(keep_clear)
                shape = rest if not rest.is_empty else shape
            _label(target, shape.representative_point(), f"{name}\n{value}")
        if merged.empty:
            _empty(ax)
        for target in targets:
            _scale_bar(target, projected=True)
        _north_arrow(ax)
        handles = [Patch(facecolor=c, edgecolor="#444444",
                         label=_band_label(limits[k], limits[k + 1], indicator))
                   for k, c in enumerate(colours)]
        handles.append(Patch(facecolor=COLOURS["suppressed"], edgecolor="#444444",
                             label=FIGURES["too_few"]))
        if zoom:
            fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 0.0),
                       ncol=4, title=indicator_name(indicator), alignment="left")
        else:
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                      title=indicator_name(indicator), alignment="left")
        title = FIGURES["map_title"].format(indicator=indicator_name(indicator), year=year,
                                            item=_item_label(item, indicator))
        notes = [FIGURES["map_note"]]
        if zoom:
            notes.append(FIGURES["map_zoom"])
        if (~ok).any():
            notes.append(FIGURES["suppressed_hidden"])
        if (ok & merged["uncertain"].fillna(False).astype(bool)).any():
            notes.append(FIGURES["uncertain_areas"])
        if indicator in SCORED_INDICATORS and rows["scoring"].notna().any():
            notes.append(scale_note(rows))
        _finish(fig, title, notes, source=credit.survey([year], _survey_n(year_rows)),
                demo=credit.demo)
    return fig


# --- safety walks and the police's index -------------------------------------------------------


def walk_years(walk_followup: pd.DataFrame) -> list[int]:
    """The years the walk follow-up covers (its "ar" rows)."""
    rows = walk_followup[walk_followup["dimension"] == "ar"]
    return sorted(int(y) for y in rows["year"].dropna().unique())


def walk_followup_chart(walk_followup: pd.DataFrame, dimension: str = "omrade", *,
                        names: dict | None = None, credit: Credit | None = None,
                        demo: bool = False) -> Figure:
    """Stacked bars per group: problems fixed, declined and still open (duplicates not counted).

    ``dimension`` is one of the walk_followup dimensions without a year ("omrade",
    "ansvarig", "kategori", "ar", "plats"); ``names`` maps group codes to Swedish names
    (default: the walk vocabulary's labels for "ansvarig" and "kategori", else the codes).
    Groups are ordered by open problems (most on top; years in order); groups without any
    counted problem are left out. The title names the years the walks cover.
    """
    credit = _credit(credit, demo)
    column = WALK_DIMENSION_COLUMNS[dimension]
    rows = walk_followup[walk_followup["dimension"] == dimension].copy()
    total = rows[["fixed", "declined", "open"]].fillna(0).sum(axis=1)
    rows = rows[total > 0]
    rows["_key"] = rows[column].astype("string").fillna(NOT_GIVEN)
    names = names if names is not None else _walk_names(dimension)
    rows["_label"] = [str(names.get(k, NARRATIVE["not_given"] if k == NOT_GIVEN
                                    else str(k).replace("_", " "))) for k in rows["_key"]]
    if dimension == "ar":
        rows = rows.sort_values("_key", ascending=False, kind="stable")
    else:  # fewest open at the bottom: barh draws the first row at the bottom
        rows = rows.assign(_counted=rows[["fixed", "declined", "open"]].sum(axis=1))
        rows = rows.sort_values(["open", "_counted", "_label"], ascending=[True, True, False],
                                kind="stable")
    years = walk_years(walk_followup)
    with apply_style():
        fig = _bar_figure(len(rows))
        ax = fig.add_subplot()
        if rows.empty:
            _empty(ax)
        else:
            y = np.arange(len(rows))
            left = np.zeros(len(rows))
            for col, key, colour in [("fixed", "walk_fixed", COLOURS["fixed"]),
                                     ("declined", "walk_declined", COLOURS["declined"]),
                                     ("open", "walk_open", COLOURS["open"])]:
                values = rows[col].fillna(0).to_numpy(dtype=float)
                ax.barh(y, values, left=left, color=colour, label=FIGURES[key], height=0.65)
                left += values
            for yi, total_i, share in zip(y, left, rows["share_fixed"], strict=True):
                if total_i > 0 and pd.notna(share):
                    ax.text(total_i, yi, "  " + FIGURES["walk_label"].format(
                        share=sv_percent(share)), va="center", fontsize=VALUE_PT)
            _set_bar_labels(ax, y, list(rows["_label"]))
            ax.set_xlabel(FIGURES["walk_count"])
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts: whole ticks only
            ax.xaxis.set_major_formatter(number_formatter(0))
            ax.set_xlim(0, float(left.max()) * 1.35 if left.max() > 0 else 1)
            ax.legend(loc="lower right")
        title = FIGURES["walk_title_years"].format(
            years=year_span(years) if years else "", dimension=WALK_DIMENSIONS.get(
                dimension, dimension)).replace("  ", " ").replace(" :", ":")
        notes = [FIGURES["walk_sorted"]] if dimension != "ar" else []
        notes.append("Dubbletter räknas inte.")
        as_of = rows["as_of"].iloc[0] if len(rows) and "as_of" in rows else None
        _finish(fig, title, notes, source=credit.walks(years, as_of), demo=credit.demo)
    return fig


def _walk_names(dimension: str) -> dict[str, str]:
    """Swedish labels of responsible parties and categories from the walk vocabulary."""
    field_name = {"ansvarig": "responsible", "kategori": "category"}.get(dimension)
    if field_name is None:
        return {}
    return dict(load_walk_vocabulary()[field_name].labels)


def official_vs_survey_chart(official_vs_survey: pd.DataFrame, year: int, indicator: str, *,
                             credit: Credit | None = None, demo: bool = False) -> Figure:
    """The police's index (x, its whole 0–6 scale) against our estimate with its CI (y).

    ``indicator`` is the police's indicator code (``official_vs_survey.indicator``). Points
    whose survey estimate is suppressed are not drawn; the action level 3 is a vertical line.
    """
    credit = _credit(credit, demo)
    rows = official_vs_survey[(official_vs_survey["year"] == year)
                              & (official_vs_survey["indicator"] == indicator)]
    ok = _published(rows) & rows["official_value"].notna()
    shown = rows[ok].sort_values("area", kind="stable")
    survey_indicator = (str(rows["survey_indicator"].iloc[0]) if len(rows) else PROBLEM_SHARE)
    name = str(rows["indicator_name"].iloc[0]) if len(rows) else indicator
    with apply_style():
        fig = new_figure((WIDTH, 4.2))
        ax = fig.add_subplot()
        fig.subplots_adjust(left=0.11, right=0.97, top=0.97, bottom=0.13)
        if shown.empty:
            _empty(ax)
        else:
            total = (shown["area"] == TOTAL_AREA).to_numpy()
            unc = shown["uncertain"].astype(bool).to_numpy()
            x = shown["official_value"].to_numpy(dtype=float)
            y = shown["estimate"].to_numpy(dtype=float)
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
                            xytext=(7, -3), textcoords="offset points", fontsize=LABEL_PT)
            ax.axvline(3.0, color=COLOURS["action_level"], linestyle="--", linewidth=1.2,
                       label=FIGURES["action_level"])
            ax.legend(loc="upper left")
            top = float(np.nanmax(shown["ci_high"].to_numpy(dtype=float)))
            ax.set_ylim(0, _nice_limit(top, is_proportion(survey_indicator)))
        ax.set_xlim(0, 6)
        ax.set_xticks(range(7))
        ax.xaxis.set_major_formatter(number_formatter(0))
        ax.set_xlabel(FIGURES["official_axis"])
        _value_axis(ax, survey_indicator, axis="y")
        notes = [FIGURES["official_note"], "Strecken visar 95 % konfidensintervall för "
                 "enkätens andel."]
        if int((~ok).sum()):
            notes.append(FIGURES["suppressed_hidden"])
        if len(shown) and shown["uncertain"].astype(bool).any():
            notes.append("Ofyllda punkter: osäker skattning.")
        n = int(shown.loc[shown["area"] == TOTAL_AREA, "n"].max()) if (
            "n" in shown and (shown["area"] == TOTAL_AREA).any()
            and shown.loc[shown["area"] == TOTAL_AREA, "n"].notna().any()) else None
        _finish(fig, FIGURES["official_title"].format(year=year, name=name), notes,
                source=credit.official(year, n), demo=credit.demo)
    return fig
