"""What people read about reported crime: figures, Swedish tables, sentences, the sources and
their limits, the HTML section's pieces and the CSV for Örat mot marken.

Every function takes the processed crime tables (``crime_rates.parquet``,
``crime_comparisons.parquet``, ``crime_trends.parquet``) and returns a figure
(``matplotlib.figure.Figure`` with a source line, house style), a frame with Swedish headers or
Swedish sentences. A count below ``CrimeConfig.min_count_rate`` is never shown as a bare rate:
tables show the count with its interval instead, and a figure of a kommun with small counts
draws counts.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from analysis import figures as F
from analysis.crime.categories import CrimeConfig, crime_config, load_categories
from analysis.crime.stats import ALL_AGES, PER
from analysis.formatting import (
    csv_decimal,
    csv_int,
    csv_yes_no,
    sv_count,
    sv_list,
    sv_number,
    sv_p,
    sv_percent,
)
from analysis.style import COLOURS, SERIES, apply_style, new_figure, number_formatter

# The categories the lägesbild shows, in Brå's order (others stay in the tables and the CSV).
SHOWN = ("samtliga", "brott_mot_person", "misshandel", "olaga_hot", "ran", "personran",
         "bostadsinbrott", "cykelstold", "skadegorelse", "klotter", "narkotika")
PER_TEXT = f"per {sv_count(PER)} invånare"
WORDS = {
    "source": "Brås statistik över anmälda brott och SCB:s folkmängd",
    "source_demo": "syntetiska demodata i formen av Brås statistik över anmälda brott och SCB:s "
                   "folkmängd",
    "preliminary": "Ofyllda punkter och * = preliminär statistik (kan ändras när den blir slutlig).",
    "counts": ("Antalen är små (under {n} brott något år), så diagrammet visar antal anmälda "
               "brott med 95 % konfidensintervall i stället för brott per 100 000 invånare."),
    "band": "Bandet visar 95 % konfidensintervall (exakt, Poissonfördelning).",
    "trend": "Streckad linje: trend (Poissonregression) {years}.",
    "ratio_note": ("Kvot 1 = samma nivå som jämförelsen; strecken visar 95 % konfidensintervall "
                   "(exakta). Kommunen jämförs med resten av länet respektive landet, så att "
                   "den inte jämförs med sig själv."),
}
REFERENCE_NAMES = {"lan": "länet", "riket": "riket", "jamforelsegrupp": "jämförelsekommunerna"}

# Sources and limits: what reported crime can and cannot say (Brå's guidance for a lägesbild).
LIMITS = [
    "Anmälda brott är de brott som polisen fått kännedom om, inte all brottslighet: hur "
    "benägna de drabbade är att anmäla varierar mellan brottstyper, grupper och över tid (få "
    "cykelstölder och nästan alla bilstölder anmäls; våld mellan unga anmäls oftare när skolan "
    "gör det), så en ökning kan vara fler anmälningar snarare än fler brott.",
    "Brotten räknas i den kommun där de begicks, inte där de drabbade eller gärningspersonerna "
    "bor: en kommun med ett stort köpcentrum, en station eller ett nöjesliv får fler brott per "
    "invånare än de boende utsätts för.",
    "Registreringen ändras: nya brottsrubriceringar, ändrade räkneregler och polisens "
    "arbetssätt (t.ex. riktade insatser mot narkotika, som ger fler anmälda brott) kan flytta "
    "siffrorna utan att brottsligheten ändrats. Jämför helst inom samma kategori och period.",
    "Preliminär statistik ändras när den blir slutlig; båda versionerna sparas och den "
    "slutliga används när den finns.",
    "Brott per 100 000 invånare räknas på folkmängden den 31 december samma år; för "
    "brott mot barn i vissa åldrar på antalet invånare i de åldrarna när folkmängden per ålder "
    "finns. Små antal ger breda intervall och visas därför som antal.",
]


def _config(config: CrimeConfig | None, data: pd.DataFrame | None = None) -> CrimeConfig:
    return config or crime_config(None, data)


def _names() -> dict[str, str]:
    return load_categories().names()


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _num(x: float) -> str:
    """A rate or count for people: whole numbers from 100, else one decimal."""
    if x is None or pd.isna(x):
        return "–"
    return sv_number(x, 0) if abs(x) >= 100 else sv_number(x, 1)


def source_line(demo: bool, years: list[int], credit: F.Credit | None = None) -> str:
    """``"Källa: Brås statistik över anmälda brott och SCB:s folkmängd 2015–2024. Bearbetning: …"``."""
    credit = credit or F.Credit(demo=demo)
    what = WORDS["source_demo" if demo or credit.demo else "source"]
    return credit.line(_upper(f"{what} {F.year_span(years)}".strip()))


def _year_label(year: int, preliminary: bool) -> str:
    return f"{year}*" if preliminary else str(year)


def latest_crime_year(rates: pd.DataFrame, config: CrimeConfig | None = None,
                      year: int | None = None) -> int | None:
    """The year to show: ``year`` if the kommun has counts then, else its latest year."""
    cfg = _config(config, rates)
    own = rates[(rates["region"] == cfg.kommun) & rates["count"].notna()]
    years = sorted(int(y) for y in own["year"].unique())
    if not years:
        return None
    if year is not None and int(year) in years:
        return int(year)
    earlier = [y for y in years if year is None or y <= int(year)]
    return earlier[-1] if earlier else years[-1]


# --- figures --------------------------------------------------------------------------------


def trend_figure(rates: pd.DataFrame, category: str, *, config: CrimeConfig | None = None,
                 trends: pd.DataFrame | None = None, demo: bool = False,
                 credit: F.Credit | None = None) -> Figure:
    """Reported crimes of ``category`` over the years: the kommun with its exact 95 % interval
    as a band, its county and riket as lines (per 100 000 inhabitants, or of the victims' ages),
    the kommun's Poisson trend dashed (``trends``); preliminary years as open points.

    When the kommun has fewer than ``config.min_count_rate`` crimes in some year, the figure
    shows the kommun's counts with their intervals instead of rates (never a bare rate).
    """
    cfg = _config(config, rates)
    rows = rates[(rates["category"] == category) & rates["count"].notna()]
    own = rows[rows["region"] == cfg.kommun].sort_values("year")
    small = bool(own["small"].any()) or own["rate"].isna().all()
    name = _names().get(category, category)
    years = sorted(int(y) for y in rows["year"].unique())
    with apply_style():
        fig = new_figure((F.WIDTH, 3.6))
        ax = fig.add_axes((0.1, 0.2, 0.86, 0.72))
        value, low, high = ("count", "count_low", "count_high") if small else (
            "rate", "rate_low", "rate_high")
        lines = [(own, COLOURS["bar"], str(own["region_name"].iloc[0]) if len(own) else "")]
        if not small:
            for k, code in enumerate((cfg.county, "00")):
                ref = rows[rows["region"] == code].sort_values("year")
                if len(ref):
                    lines.append((ref, SERIES[1 + k], str(ref["region_name"].iloc[0])))
        handles = []
        for k, (part, colour, label) in enumerate(lines):
            if part.empty:
                continue
            x = part["year"].to_numpy()
            if k == 0:
                ax.fill_between(x, part[low], part[high], color=colour, alpha=0.16, linewidth=0)
                handles.append(Patch(facecolor=colour, alpha=0.16, label="95 % konfidensintervall"))
            ax.plot(x, part[value], color=colour, linewidth=2.2 if k == 0 else 1.4,
                    zorder=3 if k == 0 else 2, gid="kommun" if k == 0 else "reference")
            prelim = part["preliminary"].astype(bool).to_numpy()
            ax.scatter(x[~prelim], part[value].to_numpy()[~prelim], color=colour, s=20, zorder=4)
            ax.scatter(x[prelim], part[value].to_numpy()[prelim], facecolor="white",
                       edgecolor=colour, s=26, zorder=4)
            handles.insert(len(handles) - (1 if k == 0 else 0),
                           Line2D([], [], color=colour, marker="o", markersize=4, label=label))
        notes = [WORDS["band"]]
        if trends is not None and len(own) and not small:
            t = trends[(trends["region"] == cfg.kommun) & (trends["category"] == category)]
            if len(t):
                t = t.iloc[0]
                xs = np.array([t["year_from"], t["year_to"]], dtype=float)
                ys = t["fitted_from"] * (1 + t["annual_change"]) ** (xs - xs[0])
                ax.plot(xs, ys, color=COLOURS["bar"], linestyle="--", linewidth=1.2, gid="trend")
                notes.append(WORDS["trend"].format(years=F.year_span([int(xs[0]), int(xs[1])])))
        if small:
            notes.insert(0, WORDS["counts"].format(n=cfg.min_count_rate))
        if rows["preliminary"].astype(bool).any():
            notes.append(WORDS["preliminary"])
        ages = str(own["population_ages"].iloc[0]) if len(own) else ALL_AGES
        unit = "Antal anmälda brott" if small else (
            PER_TEXT if ages == ALL_AGES else f"{PER_TEXT} {ages}")
        ax.set_ylabel(_upper(unit))
        ax.yaxis.set_major_formatter(number_formatter(0))
        ax.set_ylim(bottom=0)
        if years:
            prelim_years = set(int(y) for y in rows.loc[rows["preliminary"].astype(bool), "year"])
            ax.set_xticks(years, [_year_label(y, y in prelim_years) for y in years])
            ax.set_xlim(years[0] - 0.4, years[-1] + 0.4)
        ax.grid(True, axis="y", color="#EEEEEE", linewidth=0.6)
        ax.set_axisbelow(True)
        if handles:
            fig.legend(handles=handles, loc="upper left", ncol=2, frameon=False,
                       bbox_to_anchor=(0.02, 0.02), fontsize=9)
        title = f"Anmälda brott: {_lower(name)}" + ("" if small else f", {PER_TEXT}"
                                                    + ("" if ages == ALL_AGES else f" {ages}"))
        F._finish(fig, title, notes, source=source_line(demo, years, credit),
                  demo=demo or (credit is not None and credit.demo))
    return fig


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def comparison_figure(comparisons: pd.DataFrame, year: int, *,
                      categories: tuple[str, ...] | None = None,
                      config: CrimeConfig | None = None, demo: bool = False,
                      credit: F.Credit | None = None) -> Figure:
    """The kommun's rate against the county, riket (and the comparison kommuner) in ``year``:
    one row per category, the rate ratio and its exact 95 % interval on a log scale."""
    cfg = _config(config)
    cats = list(categories or [*SHOWN, cfg.youth.code])
    rows = comparisons[(comparisons["year"] == year) & comparisons["category"].isin(cats)]
    present = [c for c in cats if c in set(rows["category"])]
    refs = [r for r in ("lan", "riket", "jamforelsegrupp") if r in set(rows["reference"])]
    names = _names()
    with apply_style():
        fig = new_figure((F.WIDTH, 0.9 + 0.42 * max(len(present), 2)))
        ax = fig.add_axes((0.36, 0.12, 0.6, 0.82))
        y = np.arange(len(present))
        offsets = {r: (k - (len(refs) - 1) / 2) * 0.22 for k, r in enumerate(refs)}
        handles = []
        for k, ref in enumerate(refs):
            part = rows[rows["reference"] == ref].set_index("category").reindex(present)
            ok = part["rr"].notna().to_numpy()
            yy = y[ok] + offsets[ref]
            colour = SERIES[1 + k]
            lo = np.clip(part["rr_low"].to_numpy()[ok], 1e-3, None)
            hi = np.clip(part["rr_high"].to_numpy()[ok], None, 1e3)
            ax.hlines(yy, lo, hi, color=colour, linewidth=1.6)
            ax.scatter(part["rr"].to_numpy()[ok], yy, color=colour, s=24, zorder=3, gid=ref)
            label = part["reference_name"].dropna()
            handles.append(Line2D([], [], color=colour, marker="o", markersize=4,
                                  label=f"mot {label.iloc[0] if len(label) else REFERENCE_NAMES[ref]}"))
        ax.axvline(1, color="#333333", linewidth=0.9)
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(number_formatter(1))
        ax.xaxis.set_minor_formatter(number_formatter(1))
        ax.set_yticks(y, ["\n".join(textwrap.wrap(names.get(c, c), 34)) for c in present])
        ax.invert_yaxis()
        ax.set_xlabel("Kvot (kommunens brott per invånare / jämförelsens)")
        if handles:
            ax.legend(handles=handles, loc="lower right", fontsize=8.5)
        own = rows["region_name"].dropna()
        title = (f"Anmälda brott {year} i {own.iloc[0] if len(own) else 'kommunen'} jämfört "
                 "med länet och riket")
        notes = [WORDS["ratio_note"]]
        if rows["preliminary"].astype(bool).any():
            notes.append(f"{year} är preliminär statistik.")
        F._finish(fig, title, notes, source=source_line(demo, [year], credit),
                  demo=demo or (credit is not None and credit.demo))
    return fig


# --- tables ---------------------------------------------------------------------------------


def _count_ci(r) -> str:
    return f"{sv_count(r['count'])} ({_num(r['count_low'])}–{_num(r['count_high'])})"


def _rate_ci(r) -> str:
    if pd.isna(r["rate"]):
        return "folkmängd saknas"
    if bool(r["small"]):
        return "litet antal: se antalet"
    return f"{_num(r['rate'])} ({_num(r['rate_low'])}–{_num(r['rate_high'])})"


def _ratio(x, lo, hi) -> str:
    if pd.isna(x):
        return "–"
    return f"{sv_number(x, 2)} ({sv_number(lo, 2)}–{sv_number(hi, 2)})"


def overview_table(rates: pd.DataFrame, comparisons: pd.DataFrame, year: int, *,
                   config: CrimeConfig | None = None,
                   categories: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One row per category in ``year`` for the kommun: the count and the rate with their
    95 % intervals (small counts as counts only), the county's and riket's rates and the rate
    ratios against them (and the comparison kommuner) with intervals. Swedish headers."""
    cfg = _config(config, rates)
    cats = list(categories or [*SHOWN, cfg.youth.code])
    r = rates[(rates["year"] == year) & rates["category"].isin(cats)]
    own = r[r["region"] == cfg.kommun].set_index("category")
    refs = {code: r[r["region"] == code].set_index("category") for code in (cfg.county, "00")}
    comp = comparisons[comparisons["year"] == year]
    names = _names()
    out = []
    for c in cats:
        if c not in own.index:
            continue
        o = own.loc[c]
        row = {"Brottskategori": names.get(c, c),
               f"Antal {year} (95 % KI)": _count_ci(o),
               f"{_upper(PER_TEXT)} (95 % KI)": _rate_ci(o),
               "Åldrar": str(o["population_ages"])}
        for code, ref in refs.items():
            label = str(ref["region_name"].iloc[0]) if len(ref) else code
            row[f"{label}, {PER_TEXT}"] = _num(ref.loc[c, "rate"]) if c in ref.index else "–"
        for ref, word in REFERENCE_NAMES.items():
            hit = comp[(comp["category"] == c) & (comp["reference"] == ref)]
            if ref == "jamforelsegrupp" and not cfg.comparison:
                continue
            row[f"Kvot mot {word} (95 % KI)"] = (_ratio(*hit[["rr", "rr_low", "rr_high"]]
                                                        .iloc[0]) if len(hit) else "–")
        out.append(row)
    return pd.DataFrame(out)


def trend_table(trends: pd.DataFrame, *, config: CrimeConfig | None = None,
                categories: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The kommun's Poisson trends: one row per category, the yearly change with its 95 %
    interval, the p-value and the dispersion. Swedish headers."""
    cfg = _config(config, trends)
    cats = list(categories or [*SHOWN, cfg.youth.code])
    t = trends[(trends["region"] == cfg.kommun) & trends["category"].isin(cats)]
    t = t.set_index("category")
    names = _names()
    rows = []
    for c in cats:
        if c not in t.index:
            continue
        r = t.loc[c]
        rows.append({"Brottskategori": names.get(c, c),
                     "År": f"{int(r['year_from'])}–{int(r['year_to'])}",
                     "Anmälda brott totalt": sv_count(r["count_total"]),
                     "Förändring per år (95 % KI)": (
                         f"{_signed(r['annual_change'])} ({_signed(r['annual_low'])} till "
                         f"{_signed(r['annual_high'])})"),
                     "p-värde": sv_p(r["p"]),
                     "Dispersion": sv_number(r["dispersion"], 1)})
    return pd.DataFrame(rows)


def _signed(x: float) -> str:
    text = sv_percent(x, 1)
    return ("+" + text) if x > 0 and not text.startswith("0") else text


def yearly_table(rates: pd.DataFrame, category: str, *,
                 config: CrimeConfig | None = None) -> pd.DataFrame:
    """The kommun's count of ``category`` per year with its exact 95 % interval, and the rate
    with its interval when the count is not small (else "litet antal"). Swedish headers."""
    cfg = _config(config, rates)
    own = rates[(rates["region"] == cfg.kommun) & (rates["category"] == category)]
    rows = []
    for _, r in own.sort_values("year").iterrows():
        rows.append({"År": _year_label(int(r["year"]), bool(r["preliminary"])),
                     "Antal (95 % KI)": "uppgift saknas" if pd.isna(r["count"]) else _count_ci(r),
                     f"{_upper(PER_TEXT)} (95 % KI)": "–" if pd.isna(r["count"]) else _rate_ci(r),
                     "Åldrar": str(r["population_ages"])})
    return pd.DataFrame(rows)


def changes_table(changes: pd.DataFrame, year: int, *, config: CrimeConfig | None = None,
                  categories: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The kommun's change from the year before ``year`` per category: both counts, the rate
    ratio with its exact 95 % interval, the p-value and the Benjamini–Hochberg-adjusted one."""
    cfg = _config(config, changes)
    cats = list(categories or [*SHOWN, cfg.youth.code])
    c = changes[(changes["region"] == cfg.kommun) & (changes["year_to"] == year)
                & changes["category"].isin(cats)].set_index("category")
    names = _names()
    rows = []
    for k in cats:
        if k not in c.index:
            continue
        r = c.loc[k]
        rows.append({"Brottskategori": names.get(k, k),
                     f"Antal {year - 1}": sv_count(r["count_from"]),
                     f"Antal {year}": sv_count(r["count_to"]),
                     "Förändring (95 % KI)": (f"{_signed(r['rr'] - 1)} ({_signed(r['rr_low'] - 1)}"
                                              f" till {_signed(r['rr_high'] - 1)})"),
                     "p-värde": sv_p(r["p"]), "p-värde (BH)": sv_p(r["p_bh"]),
                     "Säkerställd": "ja" if bool(r["significant"]) else "nej"})
    return pd.DataFrame(rows)


def config_from_manifest(manifest: dict, data: pd.DataFrame | None = None) -> CrimeConfig:
    """The crime settings the build used (``manifest["parametrar"]``), for a notebook."""
    params = dict(manifest.get("parametrar") or {})
    return crime_config(SimpleNamespace(**params), data)


# --- sentences ------------------------------------------------------------------------------


def findings(rates: pd.DataFrame, comparisons: pd.DataFrame, trends: pd.DataFrame, year: int,
             *, config: CrimeConfig | None = None) -> list[str]:
    """The main findings in plain Swedish: all crimes against the county and riket, youth
    violence's level and trend, and the categories clearly above or below the county."""
    cfg = _config(config, rates)
    names = _names()
    out = []
    own = rates[(rates["region"] == cfg.kommun) & (rates["year"] == year)].set_index("category")
    comp = comparisons[comparisons["year"] == year]
    prelim = " (preliminär statistik)" if own["preliminary"].astype(bool).any() else ""
    if "samtliga" in own.index and not pd.isna(own.loc["samtliga", "rate"]):
        o = own.loc["samtliga"]
        text = (f"{year}{prelim} anmäldes {sv_count(o['count'])} brott i {o['region_name']}, "
                f"{_num(o['rate'])} {PER_TEXT}")
        parts = []
        for ref in ("lan", "riket"):
            hit = comp[(comp["category"] == "samtliga") & (comp["reference"] == ref)]
            if len(hit):
                h = hit.iloc[0]
                parts.append(f"{h['reference_name']} {_num(h['reference_rate'])}"
                             f" ({_relation(h)})")
        out.append(text + (": " + sv_list(parts) if parts else "") + ".")
    youth = cfg.youth.code
    if youth in own.index:
        o = own.loc[youth]
        level = (f"{sv_count(o['count'])} anmälda brott ({_num(o['count_low'])}–"
                 f"{_num(o['count_high'])})" if bool(o["small"]) or pd.isna(o["rate"]) else
                 f"{_num(o['rate'])} {PER_TEXT} {o['population_ages']} "
                 f"(95 % KI {_num(o['rate_low'])}–{_num(o['rate_high'])}, "
                 f"{sv_count(o['count'])} brott)")
        text = f"Ungdomsvåld (misshandel mot barn och personrån mot barn) {year}: {level}."
        t = trends[(trends["region"] == cfg.kommun) & (trends["category"] == youth)]
        if len(t):
            r = t.iloc[0]
            text += (f" Trenden {int(r['year_from'])}–{int(r['year_to'])}: "
                     f"{_signed(r['annual_change'])} per år (95 % KI "
                     f"{_signed(r['annual_low'])} till {_signed(r['annual_high'])}), "
                     + ("en säkerställd förändring." if r["annual_low"] > 0 or r["annual_high"] < 0
                        else "ingen säkerställd förändring över hela perioden."))
        out.append(text)
    lan = comp[(comp["reference"] == "lan") & comp["category"].isin(SHOWN)
               & (comp["category"] != "samtliga")]
    above = [names[c] for c, lo in zip(lan["category"], lan["rr_low"], strict=True) if lo > 1]
    below = [names[c] for c, hi in zip(lan["category"], lan["rr_high"], strict=True) if hi < 1]
    if above or below:
        text = f"Jämfört med länet {year}: "
        bits = []
        if above:
            bits.append("säkert fler " + sv_list(_lower(a) for a in above))
        if below:
            bits.append("säkert färre " + sv_list(_lower(b) for b in below))
        out.append(text + " och ".join(bits) + " per invånare (hela intervallet för kvoten "
                   "på ena sidan om 1).")
    return out


def _relation(h) -> str:
    if h["rr_low"] > 1:
        return f"säkert högre i kommunen, kvot {sv_number(h['rr'], 2)}"
    if h["rr_high"] < 1:
        return f"säkert lägre i kommunen, kvot {sv_number(h['rr'], 2)}"
    return f"ingen säker skillnad, kvot {sv_number(h['rr'], 2)}"


def limits() -> list[str]:
    """What reported crime can and cannot say (the sources-and-limits sentences)."""
    return list(LIMITS)


def sources_row(rates: pd.DataFrame | None, *, config: CrimeConfig | None = None,
                demo: bool = False) -> dict[str, str]:
    """The reported-crime row of the lägesbild's sources table (``narrative.sources_overview``'s
    columns: Källa, Används, Vad och varför, Begränsningar)."""
    cfg = _config(config, rates)
    limit = ("Anmälningsbenägenheten varierar, brott räknas där de begicks och inte där de "
             "drabbade bor, och registreringen ändras ibland.")
    if rates is None or rates.empty:
        return {"Källa": "Anmälda brott (Brås statistik)", "Används": "nej",
                "Vad och varför": "Ingen export från Brås statistikdatabas levererades "
                                  "(mappen anmalda_brott/).", "Begränsningar": limit}
    years = sorted(int(y) for y in rates["year"].unique())
    regions = rates.drop_duplicates("region")
    where = sv_list(str(n) for n in regions.sort_values("region_level")["region_name"].head(4))
    text = (f"Anmälda brott {F.year_span(years)} för {where}, per {sv_count(PER)} invånare med "
            "SCB:s folkmängd; jämförelse med länet och riket"
            + (" och jämförelsekommunerna" if cfg.comparison else "") + ".")
    if demo:
        text += " Syntetiska demodata, inte verkliga uppgifter."
    return {"Källa": "Anmälda brott (Brås statistik)", "Används": "ja", "Vad och varför": text,
            "Begränsningar": limit}


def trend_alt(rates: pd.DataFrame, category: str, *, config: CrimeConfig | None = None) -> str:
    """The finding of ``trend_figure`` in one sentence (the image's alt text)."""
    cfg = _config(config, rates)
    own = rates[(rates["region"] == cfg.kommun) & (rates["category"] == category)
                & rates["count"].notna()].sort_values("year")
    name = _names().get(category, category)
    if own.empty:
        return f"Diagram: inga anmälda brott för {_lower(name)} i kommunen."
    a, b = own.iloc[0], own.iloc[-1]
    if bool(own["small"].any()) or own["rate"].isna().any():
        what = (f"{sv_count(a['count'])} anmälda brott år {int(a['year'])} och "
                f"{sv_count(b['count'])} år {int(b['year'])}")
    else:
        what = (f"{_num(a['rate'])} {PER_TEXT} år {int(a['year'])} och {_num(b['rate'])} år "
                f"{int(b['year'])}")
    return f"Linjediagram: {_lower(name)} i {a['region_name']}, {what}."


def comparison_alt(comparisons: pd.DataFrame, year: int, *,
                   categories: tuple[str, ...] | None = None,
                   config: CrimeConfig | None = None) -> str:
    """The finding of ``comparison_figure`` in one sentence (the image's alt text)."""
    cats = list(categories or [*SHOWN, _config(config).youth.code])
    lan = comparisons[(comparisons["year"] == year) & (comparisons["reference"] == "lan")
                      & comparisons["category"].isin(cats)]
    above = int((lan["rr_low"] > 1).sum())
    below = int((lan["rr_high"] < 1).sum())
    return (f"Diagram: kvoten mellan kommunens och länets anmälda brott per invånare {year} för "
            f"{sv_count(len(lan))} kategorier; {sv_count(above)} säkert högre och "
            f"{sv_count(below)} säkert lägre än i länet.")


# --- the HTML section -------------------------------------------------------------------------


@dataclass(frozen=True)
class CrimeFigure:
    """One figure of the section: its file name under ``figurer/``, how to draw it, its alt text."""

    key: str
    make: Callable[[], Figure]
    alt: str


@dataclass
class CrimeSection:
    """Everything the *Anmälda brott* section of the HTML lägesbild needs."""

    year: int
    title: str
    intro: str
    findings: list[str]
    figures: list[CrimeFigure]
    tables: list[tuple[str, pd.DataFrame]]
    limits: list[str]
    notes: list[str] = field(default_factory=list)


def _get(tables: dict, name: str) -> pd.DataFrame | None:
    for key in (name, f"{name}.parquet"):
        if key in tables and tables[key] is not None:
            return tables[key]
    return None


def crime_section(tables: dict, year: int | None = None, *, demo: bool = False,
                  settings=None, credit: F.Credit | None = None) -> CrimeSection | None:
    """The section's pieces from the processed tables (``crime_rates``, ``crime_comparisons``,
    ``crime_trends``, by name with or without ``.parquet``); None without crime data.

    ``year`` is the lägesbild's year (the latest year with crime data at or before it is
    shown); ``settings`` give the kommun, the comparison kommuner and the youth indicator.
    """
    rates = _get(tables, "crime_rates")
    if rates is None or rates.empty:
        return None
    cfg = crime_config(settings, rates)
    shown = latest_crime_year(rates, cfg, year)
    if shown is None:
        return None
    comparisons = _get(tables, "crime_comparisons")
    trends = _get(tables, "crime_trends")
    comparisons = comparisons if comparisons is not None else pd.DataFrame(
        columns=["year", "category", "reference", "rr", "rr_low", "rr_high"])
    trends = trends if trends is not None else pd.DataFrame(columns=["region", "category"])
    name = str(rates.loc[rates["region"] == cfg.kommun, "region_name"].iloc[0])
    intro = (f"Brottsförebyggande rådets (Brås) statistik över anmälda brott i {name}, "
             f"jämförd med länet och riket, per {sv_count(PER)} invånare. Intervallen är "
             "exakta 95 % konfidensintervall för ett antal som varierar slumpmässigt från år till "
             "år (Poissonfördelning); två värden vars kvot har ett intervall som innehåller 1 går "
             "inte att skilja åt. Små antal visas som antal, inte per invånare.")
    youth = cfg.youth.code
    own = set(rates.loc[(rates["region"] == cfg.kommun) & rates["count"].notna(), "category"])
    main = next((c for c in SHOWN if c in own), None)  # all crimes, when delivered
    figs = []
    if main is not None:
        figs.append(CrimeFigure(f"figurer/anmalda_brott_{main}.png",
                                lambda: trend_figure(rates, main, config=cfg, trends=trends,
                                                     demo=demo, credit=credit),
                                trend_alt(rates, main, config=cfg)))
    if youth in own:
        figs.append(CrimeFigure("figurer/anmalda_brott_ungdomsvald.png",
                                lambda: trend_figure(rates, youth, config=cfg, trends=trends,
                                                     demo=demo, credit=credit),
                                trend_alt(rates, youth, config=cfg)))
    if len(comparisons) and (comparisons["year"] == shown).any():
        figs.append(CrimeFigure("figurer/anmalda_brott_jamforelse.png",
                                lambda: comparison_figure(comparisons, shown, config=cfg,
                                                          demo=demo, credit=credit),
                                comparison_alt(comparisons, shown, config=cfg)))
    tabs = [(f"Anmälda brott {shown} i {name} jämfört med länet och riket",
             overview_table(rates, comparisons, shown, config=cfg))]
    if len(trends):
        tabs.append((f"Trender i {name} (Poissonregression över alla år)",
                     trend_table(trends, config=cfg)))
    notes = []
    if rates.loc[rates["year"] == shown, "preliminary"].astype(bool).any():
        notes.append(f"Siffrorna för {shown} är preliminära.")
    return CrimeSection(shown, f"Anmälda brott {shown}", intro,
                        findings(rates, comparisons, trends, shown, config=cfg), figs, tabs,
                        limits(), notes)


# --- the CSV for Örat mot marken ----------------------------------------------------------------

CSV_NAME = "anmalda_brott"
CSV_CODE_COLUMNS = ("Regionkod",)
CSV_DESCRIPTIONS = {
    "År": "statistikår",
    "Regionkod": "kommunkod (fyra siffror), länskod (två) eller 00 för riket; text",
    "Region": "kommunens, länets eller rikets namn",
    "Nivå": "kommun, län eller riket",
    "Kategorikod": "kategorins kod (analysis/resources/crime_categories.yaml)",
    "Brottskategori": "Brås brottskategori; Ungdomsvåld = summan av de kategorier som står i "
                      "docs/anmalda_brott.md",
    "Antal": "antal anmälda brott",
    "Antal KI nedre": "nedre gräns för 95 % konfidensintervall för antalet (exakt, Garwood)",
    "Antal KI övre": "övre gräns för 95 % konfidensintervall för antalet",
    "Folkmängd": "invånare den 31 december (i åldrarna i kolumnen Åldrar)",
    "Åldrar": "vilka invånare takten räknas på",
    "Per 100 000 invånare": "anmälda brott per 100 000 invånare; tom när antalet är litet "
                            "(se Litet antal) eller folkmängden saknas",
    "KI nedre": "nedre gräns för 95 % konfidensintervall för brott per 100 000 invånare",
    "KI övre": "övre gräns för 95 % konfidensintervall för brott per 100 000 invånare",
    "Litet antal": "ja = färre brott än gränsen för att visa en takt; läs antalet",
    "Preliminär": "ja = preliminär statistik, kan ändras",
    "Reviderad": "ja = den preliminära och den slutliga siffran skiljer sig (båda finns i "
                 "data/processed/reported_crime.parquet)",
    "Kvot mot länet": "kommunens takt delad med länets (kommunen jämförd med resten av länet)",
    "Kvot mot länet KI nedre": "nedre gräns för 95 % konfidensintervall för kvoten (exakt)",
    "Kvot mot länet KI övre": "övre gräns för 95 % konfidensintervall för kvoten",
    "Kvot mot riket": "kommunens takt delad med rikets (kommunen jämförd med resten av landet)",
    "Kvot mot riket KI nedre": "nedre gräns för 95 % konfidensintervall för kvoten (exakt)",
    "Kvot mot riket KI övre": "övre gräns för 95 % konfidensintervall för kvoten",
}


def crime_for_sharing(rates: pd.DataFrame, comparisons: pd.DataFrame | None = None
                      ) -> pd.DataFrame:
    """The yearly counts and rates of every region and category with Swedish headers, rounded
    and as text (``analysis.formatting``'s CSV cells), for ``analysis.exports.excel_csv``."""
    r = rates.reset_index(drop=True)
    hide = r["small"].astype(bool) | r["rate"].isna()
    rate = r["rate"].where(~hide)
    level = r["region_level"].map({"kommun": "kommun", "lan": "län", "riket": "riket"})
    out = pd.DataFrame({
        "År": r["year"].astype(str), "Regionkod": _excel_code(r["region"]),
        "Region": r["region_name"].astype(str), "Nivå": level.astype(str),
        "Kategorikod": r["category"].astype(str), "Brottskategori": r["category_name"].astype(str),
        "Antal": csv_int(r["count"].astype("Float64")),
        "Antal KI nedre": csv_decimal(r["count_low"], 1),
        "Antal KI övre": csv_decimal(r["count_high"], 1),
        "Folkmängd": csv_int(r["population"].astype("Float64")),
        "Åldrar": r["population_ages"].astype(str),
        "Per 100 000 invånare": csv_decimal(rate, 1),
        "KI nedre": csv_decimal(r["rate_low"].where(~hide), 1),
        "KI övre": csv_decimal(r["rate_high"].where(~hide), 1),
        "Litet antal": csv_yes_no(r["small"]), "Preliminär": csv_yes_no(r["preliminary"]),
        "Reviderad": csv_yes_no(r["restated"]),
    })
    for ref, word in (("lan", "länet"), ("riket", "riket")):
        cols = [f"Kvot mot {word}", f"Kvot mot {word} KI nedre", f"Kvot mot {word} KI övre"]
        if comparisons is None or comparisons.empty:
            for c in cols:
                out[c] = ""
            continue
        c = comparisons[comparisons["reference"] == ref][["region", "category", "year", "rr",
                                                          "rr_low", "rr_high"]]
        m = r[["region", "category", "year"]].merge(c, how="left", on=["region", "category",
                                                                       "year"])
        for col, src in zip(cols, ("rr", "rr_low", "rr_high"), strict=True):
            out[col] = csv_decimal(m[src], 3).to_numpy()
    return out


def _excel_code(codes: pd.Series) -> pd.Series:
    """Codes with a leading zero ("00", "01") in Excel's text form ``="00"``."""
    text = codes.astype("string").fillna("")
    return text.mask(text.str.fullmatch(r"0\d+"), '="' + text + '"')


def crime_dictionary_lines(rates: pd.DataFrame, *, demo: bool, level: float = 0.95,
                           min_count: int | None = None) -> list[str]:
    """The head of the CSV's data dictionary: source, years, method and the rules."""
    years = sorted(int(y) for y in rates["year"].unique()) if len(rates) else []
    n = crime_config(None).min_count_rate if min_count is None else min_count
    source = ("syntetiska demodata i formen av Brås och SCB:s statistikdatabaser (inte deras "
              "siffror)" if demo else "Brås statistikdatabas (anmälda brott) och SCB:s "
              "statistikdatabas (folkmängd), kommunens exporter")
    title = "Anmälda brott per region, kategori och år"
    return [
        title, "=" * len(title), "",
        f"Källa: {source}.",
        f"År: {F.year_span(years)}.",
        f"Metod: antal anmälda brott (senaste versionen: slutlig när den finns, annars "
        f"preliminär) med exakta {int(level * 100)} % konfidensintervall (Garwood, "
        "Poissonfördelning); brott per 100 000 invånare med SCB:s folkmängd den 31 december; "
        "kvoter mot länet och riket med exakta intervall där kommunen jämförs med resten av "
        "länet respektive landet. Se docs/anmalda_brott.md.",
        f"Små antal: under {n} brott ett år visas ingen takt per invånare, bara antalet med "
        "sitt intervall.",
        "Begränsningar: " + " ".join(LIMITS[:3]),
    ]
