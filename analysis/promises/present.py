"""What people read about the promises: Swedish tables, one sentence per indicator, figures.

Pure functions from the processed promise tables to what the notebook
(``notebooks/04_medborgarloften.ipynb``) and the HTML lägesbild (``analysis/report.py``)
show: the status overview figure (promise × genomförande/effekt), the verdict tables with
Swedish headers and one plain sentence per indicator, the motivation and planning tables and
a chart of the survey evidence. Nothing here reads files or computes statistics; every word
comes from ``analysis.vocabulary.PROMISES`` and every number from ``analysis.formatting``.

For the HTML section, ``promise_section`` returns everything at once (see its docstring).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter

from analysis.areas import TOTAL_AREA
from analysis.codebook import load_codebook
from analysis.formatting import (
    sv_count,
    sv_interval,
    sv_list,
    sv_number,
    sv_percent,
    sv_pp,
)
from analysis.promises.evaluation import (
    EFFECT,
    IMPLEMENTATION,
    MET,
    NOT_MEASURED,
    NOT_MET,
    PARTLY,
    PARTS,
    SECONDARY,
    UNKNOWN,
)
from analysis.style import COLOURS, apply_style, new_figure
from analysis.vocabulary import FIGURES, PROMISES, PROPORTION_INDICATORS

H = PROMISES["columns"]
PART_NAMES = PROMISES["parts"]
# Colours of the verdicts (Okabe–Ito, from analysis.style); "mäts inte" is an empty cell.
STATUS_COLOURS = {MET: COLOURS["fixed"], PARTLY: COLOURS["open"], NOT_MET: COLOURS["action_level"],
                  UNKNOWN: COLOURS["suppressed"], NOT_MEASURED: "#FFFFFF"}
_DARK = {MET, NOT_MET}  # white text on these
# Why a survey indicator got its verdict, in a few words (the reason codes of
# ``analysis.promises.evaluation``); with a numeric target some read differently.
_REASONS = {
    "promised": "säkerställd förändring åt det lovade hållet",
    "wrong": "säkerställd förändring åt motsatt håll",
    "below_min": "en förändring av den storlek som räknas är utesluten",
    "unclear": "osäkerheten är för stor för att avgöra",
    "holm": "räcker inte efter Holm-justering inom löftet",
    "not_comparable": "områdets gränser ritades om mellan åren",
}
_TARGET_REASONS = {
    "promised": "hela konfidensintervallet ligger på den lovade sidan om målet",
    "wrong": "hela konfidensintervallet ligger på fel sida om målet",
}


def promise_year(evaluation: pd.DataFrame, year: int | None = None) -> int | None:
    """The promise year to show: the latest registry year at or before ``year`` (the
    lägesbild's survey year), else the latest one; None without promises."""
    if evaluation is None or evaluation.empty:
        return None
    years = sorted(int(y) for y in evaluation["year"].dropna().unique())
    if year is None:
        return years[-1]
    earlier = [y for y in years if y <= int(year)]
    return earlier[-1] if earlier else years[-1]


def _of_year(evaluation: pd.DataFrame, year: int | None) -> pd.DataFrame:
    year = promise_year(evaluation, year)
    rows = evaluation[evaluation["year"] == year]
    return rows.sort_values(["promise_no", "indicator_no"], kind="stable")


def _entry(is_goal) -> str:
    return PROMISES["entries"]["goal" if bool(is_goal) else "promise"]


# --- tables ---------------------------------------------------------------------------------


def promise_overview(evaluation: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """One row per promise (and overall goal) of ``year``: its two verdicts side by side.

    Swedish headers: Löftesår, Typ, Löfte, Genomförande, Effekt, and the two explanations.
    """
    rows = _of_year(evaluation, year).drop_duplicates(["year", "promise_no"])
    return pd.DataFrame({
        H["year"]: rows["year"].astype(int).astype(str).to_numpy(),
        H["entry"]: [_entry(g) for g in rows["is_goal"]],
        H["promise"]: rows["title"].astype(str).to_numpy(),
        H["implementation"]: rows["implementation_status"].astype(str).to_numpy(),
        H["effect"]: rows["effect_status"].astype(str).to_numpy(),
        f"{H['implementation']}, förklaring": rows["implementation_explanation"].astype(str)
        .to_numpy(),
        f"{H['effect']}, förklaring": rows["effect_explanation"].astype(str).to_numpy(),
    })


def _share(r) -> bool:
    return str(r.unit) == "andel"


_OFFICIAL_REASONS = {"promised": "förändringen är större än slumpvariationen",
                     "wrong": "förändringen åt motsatt håll är större än slumpvariationen",
                     "below_min": "en förändring av den storlek som räknas är utesluten",
                     "unclear": "förändringen ryms inom slumpvariationen",
                     "context": "polisens index på områdesnivå är bara sammanhang",
                     "not_comparable": "områdets gränser ritades om mellan åren"}


def indicator_sentence(r) -> str:
    """One plain Swedish sentence for one evaluation row (a namedtuple or Series)."""
    status = str(r.status)
    role = f" ({r.role})" if isinstance(r.role, str) and r.role == SECONDARY else ""
    if r.kind in ("aktivitet", "vandring") and pd.notna(r.value):
        value = sv_percent(r.value, 0) if _share(r) else sv_number(r.value, 1, trim=True)
        return f"{r.label} {int(r.year)}: {value} (mål {r.target}) – {status}."
    if r.kind == "enkat" and pd.notna(r.estimate_to):
        fmt = (lambda x: sv_percent(x, 0)) if _share(r) else (lambda x: sv_number(x, 2))
        y1, y2 = int(r.year_from), int(r.year_to)
        years = ((f"{y1 - 1}–{y1}", f"{y2 - 1}–{y2}") if r.method == "poolad"
                 else (str(y1), str(y2)))
        how = " enligt trenden" if r.method == "trend" else ""
        targeted = not str(r.target).startswith("ska ")
        why = (targeted and _TARGET_REASONS.get(str(r.reason))) or _REASONS.get(str(r.reason), "")
        return (f"{r.label}{role}: {fmt(r.estimate_from)} år {years[0]} och "
                f"{fmt(r.estimate_to)} år {years[1]}{how} – {status}"
                + (f": {why}." if why else "."))
    if r.kind == "polisindex" and pd.notna(r.estimate_to):
        why = _OFFICIAL_REASONS.get(str(r.reason), "")
        return (f"{r.label}: {sv_number(r.estimate_from)} år {int(r.year_from)} och "
                f"{sv_number(r.estimate_to)} år {int(r.year_to)} – {status}"
                + (f": {why}." if why else "."))
    if r.kind == "polisindex":
        why = _OFFICIAL_REASONS.get(str(r.reason), "")
        return f"{r.label} – {status}" + (f": {why}." if why else ".")
    if r.kind == "anmalda_brott" and pd.notna(r.estimate_to):
        how = " enligt trenden" if r.method == "trend" else ""
        targeted = not str(r.target).startswith("ska ")
        why = (targeted and _TARGET_REASONS.get(str(r.reason))) or _REASONS.get(str(r.reason), "")
        return (f"{r.label}: {sv_number(r.estimate_from, 0)} per {sv_count(100_000)} år "
                f"{int(r.year_from)} och {sv_number(r.estimate_to, 0)} år {int(r.year_to)}{how} "
                f"– {status}" + (f": {why}." if why else "."))
    rest = str(r.explanation)
    head = f"{r.label}. "
    rest = rest[len(head):] if rest.startswith(head) else rest
    first = rest.split(". ")[0].rstrip(".")
    if r.kind in ("enkat", "anmalda_brott"):
        why = (PROMISES["no_crime_data"] if r.kind == "anmalda_brott" and r.reason == "no_data"
               and PROMISES["no_crime_data"] in str(r.explanation)
               else _REASONS.get(str(r.reason)) or first[:1].lower() + first[1:])
        return f"{r.label}{role} – {status}: {why}."
    return f"{first} – {status}."


def indicator_table(evaluation: pd.DataFrame, year: int | None = None, *,
                    explanations: bool = False) -> pd.DataFrame:
    """One row per indicator of ``year``: Löfte, Del, Indikator, Bedömning and one plain
    sentence (``explanations``: the full explanation too)."""
    rows = _of_year(evaluation, year)
    out = pd.DataFrame({
        H["promise"]: rows["title"].astype(str).to_numpy(),
        H["part"]: rows["part"].map(PART_NAMES).astype(str).to_numpy(),
        H["indicator"]: rows["label"].astype(str).to_numpy(),
        H["status"]: [s + (f" ({r})" if r == SECONDARY else "")
                      for s, r in zip(rows["status"].astype(str), rows["role"].fillna(""),
                                      strict=True)],
        H["sentence"]: [indicator_sentence(r) for r in rows.itertuples(index=False)],
    })
    if explanations:
        out[H["explanation"]] = rows["explanation"].astype(str).to_numpy()
    return out


def verdict_counts(evaluation: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """How many promises (and goals) got each verdict, per part (all years when ``year`` is
    None): rows = verdicts, columns = Genomförande, Effekt."""
    rows = evaluation if year is None else evaluation[evaluation["year"] == int(year)]
    rows = rows.drop_duplicates(["year", "promise_no"])
    order = [MET, PARTLY, NOT_MET, UNKNOWN, NOT_MEASURED]
    out = pd.DataFrame({
        PART_NAMES[IMPLEMENTATION]: rows["implementation_status"].value_counts(),
        PART_NAMES[EFFECT]: rows["effect_status"].value_counts()}).reindex(order).fillna(0)
    out.index.name = H["status"]
    return out.astype(int)


def verdict_summary(evaluation: pd.DataFrame, n_files: int) -> list[str]:
    """Lines for the build's progress: promises, goals and the verdicts of both parts."""
    if evaluation.empty:
        return [f"Inga löften i {n_files} register."]
    first = evaluation.drop_duplicates(["year", "promise_no"])
    goals = int(first["is_goal"].sum())
    counts = verdict_counts(evaluation)
    lines = [f"{n_files} register: {len(first) - goals} löften och {goals} övergripande mål "
             f"(alla år), {len(evaluation)} indikatorer."]
    for part in PARTS:
        col = counts[PART_NAMES[part]]
        lines.append(f"{PART_NAMES[part]}: " + ", ".join(
            f"{sv_count(n)} {status}" for status, n in col.items() if n))
    return lines


def motivation_table(motivation: pd.DataFrame, survey_year: int | None = None, *,
                     top_only: bool = True) -> pd.DataFrame:
    """The largest problems per area in ``survey_year`` (default: the latest) with CIs, which
    promises of the following year cover them, and the walks and the police's index beside.
    Swedish headers; the kommun total is called "hela kommunen"."""
    m = motivation
    if m.empty:
        return pd.DataFrame()
    year = int(m["survey_year"].max()) if survey_year is None else int(survey_year)
    rows = m[(m["survey_year"] == year) & (m["top"] if top_only else True)]
    key = rows["area"].astype(str).where(rows["area"] != TOTAL_AREA, "~")
    rows = rows.assign(_k=key).sort_values(["_k", "rank"], kind="stable")
    cb = load_codebook()
    names = [PROMISES["total_area"].capitalize() if a == TOTAL_AREA else str(n)
             for a, n in zip(rows["area"], rows["area_name"], strict=True)]
    covered = ["ja" if c is True else "nej" if c is False else "inget register"
               for c in rows["covered"].astype(object).where(rows["covered"].notna(), None)]
    return pd.DataFrame({
        H["area_name"]: names,
        H["rank"]: rows["rank"].astype(int).to_numpy(),
        H["item"]: [cb.label(i) for i in rows["item"]],
        H["estimate"]: [sv_percent(x) for x in rows["estimate"]],
        H["ci"]: [sv_interval(lo, hi, True) for lo, hi in zip(rows["ci_low"], rows["ci_high"],
                                                              strict=True)],
        H["n"]: [sv_count(n) for n in rows["n"]],
        f"{H['covered']} {year + 1}": covered,
        H["covering"]: rows["covering_titles"].fillna("").astype(str).to_numpy(),
        H["walk_problems"]: [sv_count(x) if pd.notna(x) else "–" for x in rows["walk_problems"]],
        H["walk_share_fixed"]: [sv_percent(x) for x in rows["walk_share_fixed"]],
        H["official_value"]: [sv_number(x) for x in rows["official_value"]],
    })


def planning_table(planning: pd.DataFrame) -> pd.DataFrame:
    """The planning of the survey targets (``plan_targets``) with Swedish headers."""
    if planning.empty:
        return pd.DataFrame()
    share = planning["survey_indicator"].isin(PROPORTION_INDICATORS)

    def size(x, s):
        return sv_pp(x, 1) if s else sv_number(x, 2)

    judge = ["–" if pd.isna(a) else "ja, med två mätår" if a else
             "ja, med två år sammanslagna" if b else "nej"
             for a, b in zip(planning["judgeable"], planning["judgeable_pooled"], strict=True)]
    return pd.DataFrame({
        H["promise"]: planning["title"].astype(str).to_numpy(),
        H["indicator"]: planning["label"].astype(str).to_numpy(),
        H["baseline"]: [f"{sv_percent(b, 1, trim=True) if s else sv_number(b, 2)} "
                        f"({int(y)})" if pd.notna(b) else "för få svar"
                        for b, s, y in zip(planning["baseline"], share,
                                           planning["baseline_year"], strict=True)],
        H["n_planned"]: [sv_count(x) for x in planning["n_planned"]],
        H["mdc_pair"]: [size(x, s) for x, s in zip(planning["mdc"], share, strict=True)],
        H["mdc_pooled"]: [size(x, s) for x, s in zip(planning["mdc_pooled"], share,
                                                     strict=True)],
        H["needed"]: [size(x, s) if pd.notna(x) else "inget sifferfäst mål"
                      for x, s in zip(planning["needed"], share, strict=True)],
        H["judgeable"]: judge,
        H["sentence"]: planning["sentence"].astype(str).to_numpy(),
    })


# --- figures --------------------------------------------------------------------------------


def status_figure(evaluation: pd.DataFrame, year: int | None = None, *,
                  demo: bool = False, source: str | None = None) -> Figure:
    """The status overview: one row per promise (and goal) of ``year``, two cells each
    (genomförande, effekt) coloured and labelled with the verdict. ``source`` is an optional
    source line for the foot (e.g. ``figures.Credit.line(...)``); ``demo`` adds the demo
    notice."""
    rows = _of_year(evaluation, year).drop_duplicates(["year", "promise_no"])
    shown = promise_year(evaluation, year)
    n = max(len(rows), 1)
    with apply_style():
        fig = new_figure((8.0, 1.5 + 0.42 * n))
        ax = fig.add_axes((0.42, 0.16 if demo else 0.1, 0.56, 0.74 * (n / (n + 0.6))))
        ax.set_xlim(0, 2)
        ax.set_ylim(n, 0)
        for i, r in enumerate(rows.itertuples(index=False)):
            for j, status in enumerate([r.implementation_status, r.effect_status]):
                status = str(status)
                ax.add_patch(Rectangle((j + 0.03, i + 0.08), 0.94, 0.84,
                                       facecolor=STATUS_COLOURS.get(status, "#FFFFFF"),
                                       edgecolor="#9A9A9A", linewidth=0.6))
                ax.text(j + 0.5, i + 0.5, status, ha="center", va="center", fontsize=8.5,
                        color="white" if status in _DARK else "#1a1a1a")
        labels = [("Mål: " if bool(g) else "") + textwrap.shorten(str(t), 52, placeholder="…")
                  for t, g in zip(rows["title"], rows["is_goal"], strict=True)]
        ax.set_yticks(np.arange(n) + 0.5, labels if len(rows) else [""])
        ax.set_xticks([0.5, 1.5], [PART_NAMES[IMPLEMENTATION], PART_NAMES[EFFECT]])
        ax.xaxis.tick_top()
        ax.tick_params(length=0)
        for side in ("left", "bottom", "top", "right"):
            ax.spines[side].set_visible(False)
        fig.suptitle(f"Medborgarlöften {shown}: genomförande och effekt" if shown else
                     "Medborgarlöften", x=0.02, ha="left", fontweight="bold")
        notes = [f"{PART_NAMES[IMPLEMENTATION]}: {PROMISES['part_questions'][IMPLEMENTATION]} "
                 f"{PART_NAMES[EFFECT]}: {PROMISES['part_questions'][EFFECT]}"]
        notes += [x for x in (FIGURES["demo"] if demo else None, source) if x]
        fig.text(0.02, 0.02, "\n".join(notes), fontsize=8.5, color="#555555")
    return fig


def survey_evidence_figure(evaluation: pd.DataFrame, year: int | None = None, *,
                           demo: bool = False, source: str | None = None) -> Figure | None:
    """The change of every survey indicator (shares) of ``year`` with its 95 % CI in
    percentage points, the smallest change that matters marked; None without such
    indicators. ``source``/``demo`` as for ``status_figure``."""
    rows = _of_year(evaluation, year)
    rows = rows[(rows["kind"] == "enkat") & rows["delta"].notna()]
    rows = rows[[bool(_share(r)) for r in rows.itertuples(index=False)]]
    if rows.empty:
        return None
    shown = promise_year(evaluation, year)
    n = len(rows)
    with apply_style():
        fig = new_figure((8.0, 1.8 + 0.7 * n))
        ax = fig.add_axes((0.4, 0.2 if demo else 0.14, 0.56, 0.68))
        ys = np.arange(n)
        colours = [STATUS_COLOURS.get(str(s), "#9A9A9A") for s in rows["status"]]
        ax.hlines(ys, rows["ci_low_delta"], rows["ci_high_delta"], color="#555555", linewidth=1.4)
        ax.scatter(rows["delta"], ys, s=46, c=colours, edgecolors="#1a1a1a", linewidths=0.6,
                   zorder=3)
        ax.axvline(0, color="#1a1a1a", linewidth=0.8)
        for y, r in zip(ys, rows.itertuples(index=False), strict=True):
            if pd.notna(r.min_change):
                sign = -1 if r.direction == "minska" else 1
                ax.plot([sign * r.min_change] * 2, [y - 0.3, y + 0.3], color=COLOURS["open"],
                        linewidth=1.6)
        labels = [textwrap.fill(str(r.label), 44) + "\n(" + PROMISES["methods"].get(r.method, "")
                  + (f", {r.role}" if r.role else "") + ")"
                  for r in rows.itertuples(index=False)]
        ax.set_yticks(ys, labels, fontsize=8.5)
        ax.set_ylim(n - 0.5, -0.5)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: sv_number(100 * x, 0)))
        ax.set_xlabel("Förändring under perioden (procentenheter), med 95 % konfidensintervall")
        fig.suptitle(f"Medborgarlöften {shown}: förändring i trygghetsmätningen", x=0.02,
                     ha="left", fontweight="bold")
        notes = ["Punktens färg = bedömningen. Orange streck: den minsta förändring som räknas."]
        notes += [x for x in (FIGURES["demo"] if demo else None, source) if x]
        fig.text(0.02, 0.02, "\n".join(notes), fontsize=8.5, color="#555555")
    return fig


# --- the HTML section -----------------------------------------------------------------------


@dataclass(frozen=True)
class PromiseSection:
    """What the lägesbild's *Medborgarlöften* section shows.

    ``year`` the promise year; ``intro`` a paragraph; ``figure`` the status overview and
    ``alt`` its finding in words (the image's alt text); ``overview`` one row per promise
    (Typ, Löfte, Genomförande, Effekt); ``table`` one row per indicator with a plain
    sentence (Löfte, Del, Indikator, Bedömning, Bedömning i klartext); ``note`` a closing
    remark.
    """

    year: int
    intro: str
    figure: Figure
    alt: str
    overview: pd.DataFrame
    table: pd.DataFrame
    note: str


def promise_section(evaluation: pd.DataFrame | None, year: int | None = None, *,
                    demo: bool = False, source: str | None = None) -> PromiseSection | None:
    """Everything the HTML section needs for the promises of ``year`` (the latest promise
    year at or before the lägesbild's year); None without promises.

    ``source`` is passed to ``status_figure`` (a source line under the figure).
    """
    shown = promise_year(evaluation, year)
    if shown is None:
        return None
    overview = promise_overview(evaluation, shown)[[H["entry"], H["promise"],
                                                    H["implementation"], H["effect"]]]
    intro = (f"Varje medborgarlöfte för {shown} bedöms i två delar som aldrig slås ihop: "
             f"genomförande ({PROMISES['part_questions'][IMPLEMENTATION].lower()}) och effekt "
             f"({PROMISES['part_questions'][EFFECT].lower()}). Ett löfte kan vara genomfört "
             "utan att problemet har minskat. Effekten bedöms med konfidensintervall: "
             "uppfyllt när hela intervallet ligger på den lovade sidan, ej uppfyllt när det "
             "ligger på fel sida eller utesluter en förändring som spelar roll, annars kan "
             "inte bedömas.")
    note = ("Polisens index saknar konfidensintervall; dess slumpvariation uppskattas från "
            "trygghetsmätningen på samma nivå. Anmälda brott bedöms på kvoten mellan åren "
            "med exakta intervall (Poissonfördelning) eller en Poissontrend över minst tre år. "
            "Reglerna står i docs/medborgarloften.md.")
    return PromiseSection(shown, intro, status_figure(evaluation, shown, demo=demo, source=source),
                          status_alt(evaluation, shown), overview,
                          indicator_table(evaluation, shown), note)


def motivation_sentences(motivation: pd.DataFrame, survey_year: int | None = None, *,
                         top_n: int = 3) -> list[str]:
    """One sentence per area of ``survey_year`` (default: the latest): its largest problems
    (with CIs) and which of them no promise of the following year covers."""
    if motivation.empty:
        return []
    year = int(motivation["survey_year"].max()) if survey_year is None else int(survey_year)
    rows = motivation[(motivation["survey_year"] == year) & (motivation["rank"] <= top_n)]
    cb = load_codebook()
    out = []
    key = rows["area"].astype(str).where(rows["area"] != TOTAL_AREA, "~")
    for _, g in rows.assign(_k=key).sort_values(["_k", "rank"]).groupby("_k", sort=False):
        area = g["area"].iloc[0]
        name = PROMISES["total_area"] if area == TOTAL_AREA else f"{g['area_name'].iloc[0]}"
        listed = [f"{cb.label(r.item).lower()} {sv_percent(r.estimate)} "
                  f"({sv_interval(r.ci_low, r.ci_high, True)})" for r in g.itertuples()]
        text = f"I {name} {year}: " + ", ".join(listed) + "."
        if not bool(g["registry_exists"].iloc[0]):
            text += f" Det finns inget register för {year + 1}."
        else:
            open_ = [cb.label(r.item).lower() for r in g.itertuples()
                     if pd.notna(r.covered) and not bool(r.covered)]
            text += (f" Inget löfte {year + 1} täcker {sv_list(open_)}."
                     if open_ else f" Alla täcks av löften {year + 1}.")
        out.append(text)
    return out


def status_alt(evaluation: pd.DataFrame, year: int | None = None) -> str:
    """The finding of ``status_figure`` in one sentence (the image's alt text)."""
    shown = promise_year(evaluation, year)
    counts = verdict_counts(evaluation, shown)
    parts = []
    for part in PARTS:
        col = counts[PART_NAMES[part]]
        parts.append(f"{PART_NAMES[part].lower()} " + ", ".join(
            f"{sv_count(n)} {status}" for status, n in col.items() if n))
    return f"Medborgarlöften {shown}, antal löften och mål per bedömning: " + "; ".join(parts) + "."


def evidence_alt(evaluation: pd.DataFrame, year: int | None = None) -> str:
    """The finding of ``survey_evidence_figure`` in one sentence (the image's alt text)."""
    rows = _of_year(evaluation, year)
    rows = rows[(rows["kind"] == "enkat") & rows["delta"].notna() & (rows["unit"] == "andel")]
    counts = rows["status"].value_counts()
    listed = ", ".join(f"{sv_count(n)} {s}" for s, n in counts.items())
    return (f"Förändringen i trygghetsmätningen med 95 % konfidensintervall för "
            f"{sv_count(len(rows))} enkätindikatorer {promise_year(evaluation, year)}: {listed}.")
