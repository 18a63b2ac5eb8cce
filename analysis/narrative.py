"""Swedish sentences and small tables the notebooks show, computed from processed tables.

Pure functions: processed frames in, strings or frames with Swedish headers out; the
inputs are never changed. Suppressed values are never printed (only "för få svar"),
uncertain ones carry "osäker skattning". Proportions are shown in percent without
decimals ("52 %"), means and indices with two decimals and a decimal comma ("1,55").
"""

from __future__ import annotations

import pandas as pd

from analysis.areas import TOTAL_AREA, sort_areas
from analysis.codebook import Codebook, load_codebook
from analysis.formatting import sv_interval, sv_number, sv_p, sv_percent, sv_percent_range, sv_pp, sv_value
from analysis.official import compare_official
from analysis.settings import Settings
from analysis.vocabulary import (
    COLUMNS,
    INDICATORS,
    NARRATIVE,
    PROPORTION_INDICATORS,
    WALK_COLUMNS,
)

PROBLEM_SHARE = "andel_stort_problem"
DONT_KNOW = "andel_vet_ej"
UNSAFE = "andel_otrygga"
INDEX = "problemindex"
POLICE_GROUP = "polisens_agerande"


# --- formatting (numbers from analysis.formatting) ----------------------------------------


def format_value(value: float, indicator: str) -> str:
    """Percent for proportions, two decimals for means and indices."""
    return sv_value(value, indicator in PROPORTION_INDICATORS)


def format_interval(low: float, high: float, indicator: str) -> str:
    """``"95 % KI 44–60 %"`` (proportions) or ``"95 % KI 1,20–1,45"``."""
    return f"95 % KI {sv_interval(low, high, indicator in PROPORTION_INDICATORS)}"


def format_estimate(row, indicator: str | None = None) -> str:
    """One estimate with its interval: ``"52 %, 95 % KI 44–60 %"``; suppressed -> "för få svar"."""
    indicator = indicator or row["indicator"]
    if bool(row["suppressed"]) or pd.isna(row["estimate"]):
        return NARRATIVE["suppressed"]
    text = (f"{format_value(row['estimate'], indicator)}, "
            f"{format_interval(row['ci_low'], row['ci_high'], indicator)}")
    if bool(row["uncertain"]):
        text += f"; {NARRATIVE['uncertain']}"
    return text


def item_labels(codebook: Codebook | None = None) -> dict[str, str]:
    """Item code -> Swedish label, including the index groups and "alla"."""
    return (codebook or load_codebook()).item_labels()


def label(item: str, indicator: str, labels: dict[str, str] | None = None,
          codebook: Codebook | None = None) -> str:
    """The label of ``item`` for ``indicator``: problemindex items are groups ("missbruk")."""
    return (codebook or load_codebook()).label(item, indicator)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text and not text[:2].isupper() else text


# --- the survey -----------------------------------------------------------------------------


def _select(estimates: pd.DataFrame, year: int, indicator: str) -> pd.DataFrame:
    return estimates[(estimates["year"] == year) & (estimates["indicator"] == indicator)]


def largest_problems(estimates: pd.DataFrame, year: int, area: str, n: int = 8,
                     codebook: Codebook | None = None) -> pd.DataFrame:
    """The ``n`` items with the largest published share "stort problem" in ``area``, ``year``.

    Swedish headers; suppressed items are left out (they are counted in the last row's
    note, never shown). Sorted by the estimate, largest first, ties by item code.
    """
    labels = item_labels(codebook)
    rows = _select(estimates, year, PROBLEM_SHARE)
    rows = rows[rows["area"] == area]
    shown = rows[~rows["suppressed"] & rows["estimate"].notna()]
    shown = shown.sort_values(["estimate", "item"], ascending=[False, True], kind="stable").head(n)
    return pd.DataFrame({
        COLUMNS["item_label"]: [labels.get(i, i) for i in shown["item"]],
        INDICATORS[PROBLEM_SHARE]: [sv_percent(v) for v in shown["estimate"]],
        "95 % KI": [sv_percent_range(lo, hi)
                    for lo, hi in zip(shown["ci_low"], shown["ci_high"], strict=True)],
        COLUMNS["n"]: shown["n"].astype("Int64").to_numpy(),
        COLUMNS["flag_reason"]: [NARRATIVE["uncertain"] if u else ""
                                 for u in shown["uncertain"]],
    })


def largest_problem_sentences(estimates: pd.DataFrame, year: int,
                              codebook: Codebook | None = None) -> list[str]:
    """Per area (codes in order, kommun total last), the largest problem with its interval.

    ``"Störst problem i Berga 2024: ungdomsgäng (52 %, 95 % KI 44–60 %)."`` When the
    runner-up's interval overlaps the largest one's, the sentence says the two cannot be
    told apart. Areas where every item is suppressed say so.
    """
    labels = item_labels(codebook)
    rows = _select(estimates, year, PROBLEM_SHARE)
    out = []
    for area in sort_areas(rows.drop_duplicates("area"))["area"]:
        part = rows[rows["area"] == area]
        name = str(part["area_name"].iloc[0])
        if area == TOTAL_AREA:
            name = name.lower()  # "i hela kommunen"
        shown = part[~part["suppressed"] & part["estimate"].notna()]
        shown = shown.sort_values(["estimate", "item"], ascending=[False, True], kind="stable")
        if shown.empty:
            out.append(f"{name} {year}: {NARRATIVE['all_suppressed']}.")
            continue
        top = shown.iloc[0]
        text = (f"Störst problem i {name} {year}: {_lower_first(labels.get(top['item'], top['item']))}"
                f" ({format_estimate(top, PROBLEM_SHARE)})")
        if len(shown) > 1:
            second = shown.iloc[1]
            if second["ci_high"] >= top["ci_low"]:
                text += (f"; näst störst, {_lower_first(labels.get(second['item'], second['item']))}"
                         f" ({sv_percent(second['estimate'])}), går inte att skilja från det"
                         " – intervallen överlappar")
        out.append(text + ".")
    return out


def indicator_table(estimates: pd.DataFrame, year: int, indicator: str, item: str,
                    previous: int | None = None) -> pd.DataFrame:
    """One indicator per area for ``year`` (and ``previous`` if given), formatted, Swedish headers."""
    def pick(y: int) -> pd.DataFrame:
        sel = _select(estimates, y, indicator)
        return sel[sel["item"] == item]

    now = sort_areas(pick(year))
    table = pd.DataFrame({
        COLUMNS["area_name"]: now["area_name"].to_numpy(),
        f"{year}": [format_estimate(r, indicator) for _, r in now.iterrows()],
        f"{COLUMNS['n']} {year}": now["n"].astype("Int64").to_numpy(),
    })
    if previous is not None:
        before = pick(previous).set_index("area")
        table[f"{previous}"] = [format_estimate(before.loc[a], indicator) if a in before.index
                                else NARRATIVE["missing"] for a in now["area"]]
    return table


def total_sentence(estimates: pd.DataFrame, year: int, indicator: str, item: str,
                   codebook: Codebook | None = None) -> str:
    """``"Andel otrygga ute sent på kvällen, hela kommunen 2024: 23 %, 95 % KI 20–26 %."``"""
    sel = _select(estimates, year, indicator)
    sel = sel[(sel["item"] == item) & (sel["area"] == TOTAL_AREA)]
    if sel.empty:
        return f"{INDICATORS.get(indicator, indicator)}: {NARRATIVE['missing']} {year}."
    row = sel.iloc[0]
    what = INDICATORS.get(indicator, indicator)
    if indicator not in (UNSAFE,):
        what += f" ({_lower_first(item_labels(codebook).get(item, item))})"
    return f"{what}, {str(row['area_name']).lower()} {year}: {format_estimate(row, indicator)}."


def dont_know_table(estimates: pd.DataFrame, year: int, codebook: Codebook | None = None
                    ) -> pd.DataFrame:
    """The share answering "Vet ej" on the police items, per area (rows) and item (columns)."""
    codebook = codebook or load_codebook()
    labels = item_labels(codebook)
    items = [i.code for i in codebook.items if i.group == POLICE_GROUP]
    sel = _select(estimates, year, DONT_KNOW)
    sel = sort_areas(sel[sel["item"].isin(items)])
    areas = sel.drop_duplicates("area")
    table = pd.DataFrame({COLUMNS["area_name"]: areas["area_name"].to_numpy()})
    for item in items:
        part = sel[sel["item"] == item].set_index("area")
        table[labels.get(item, item)] = [format_estimate(part.loc[a], DONT_KNOW)
                                         if a in part.index else NARRATIVE["missing"]
                                         for a in areas["area"]]
    return table


# --- changes --------------------------------------------------------------------------------


def _delta_text(delta: float, indicator: str) -> str:
    if indicator in PROPORTION_INDICATORS:
        return sv_pp(delta, signed=True)
    return ("+" if delta > 0 else "−") + sv_number(abs(delta), 2)


def change_sentence(row, labels: dict[str, str]) -> str:
    """One change in words, honest about significance and comparability."""
    ind = row["indicator"]
    what = f"{row['area_name']}: {_lower_first(label(row['item'], ind, labels))}"
    if ind != PROBLEM_SHARE:
        what += f" ({INDICATORS.get(ind, ind).lower()})"
    span = f"{row['year_from']}–{row['year_to']}"
    if bool(row["suppressed"]):
        return f"{what}, {span}: {NARRATIVE['change_suppressed']}."
    if not bool(row["comparable"]):
        return f"{what}, {span}: {NARRATIVE['change_not_comparable']}."
    moved = (f"från {format_value(row['estimate_from'], ind)} till "
             f"{format_value(row['estimate_to'], ind)} ({_delta_text(row['delta'], ind)}")
    if bool(row["significant"]):
        verb = "ökade" if row["delta"] > 0 else "minskade"
        return f"{what} {verb} {moved}, p efter Benjamini–Hochberg {sv_p(row['p_bh'])}), {span}."
    return f"{what}: {moved}), {span} – {NARRATIVE['change_not_significant']}."


def changes_summary(changes: pd.DataFrame, year_to: int, indicators: list[str] | None = None,
                    codebook: Codebook | None = None) -> dict:
    """What changed up to ``year_to``: the significant changes in words, and counts of the rest.

    Returns ``{"year_from", "year_to", "tested", "significant", "not_significant",
    "not_comparable", "suppressed", "sentences" (significant, largest first),
    "not_comparable_areas", "text"}``; sentences by indicator, then largest change first.
    Significance is after Benjamini–Hochberg over all
    tested changes of the pair of years (``changes.parquet``'s ``significant``).
    """
    labels = item_labels(codebook)
    sel = changes[changes["year_to"] == year_to]
    if indicators is not None:
        sel = sel[sel["indicator"].isin(indicators)]
    if sel.empty:
        return {"year_from": None, "year_to": year_to, "tested": 0, "significant": 0,
                "not_significant": 0, "not_comparable": 0, "suppressed": 0, "sentences": [],
                "not_comparable_areas": [], "text": f"Det finns ingen tidigare mätning att jämföra "
                                                    f"{year_to} med."}
    year_from = int(sel["year_from"].iloc[0])
    suppressed = sel["suppressed"].astype(bool)
    not_comp = ~sel["comparable"].astype(bool) & ~suppressed
    tested = ~suppressed & ~not_comp
    sig = tested & sel["significant"].astype(bool)
    sig_rows = sel[sig].assign(_abs=sel.loc[sig, "delta"].abs())
    sig_rows = sig_rows.sort_values(["indicator", "_abs", "area", "item"],
                                    ascending=[True, False, True, True], kind="stable")
    sentences = [change_sentence(r, labels) for _, r in sig_rows.iterrows()]
    nc_areas = sorted(sel.loc[not_comp, "area_name"].astype(str).unique())
    n_tested, n_sig = int(tested.sum()), int(sig.sum())
    parts = [f"Från {year_from} till {year_to} jämfördes {n_tested} skattningar. "
             f"{n_sig} av dem förändrades statistiskt säkerställt efter korrigering för många "
             f"jämförelser (Benjamini–Hochberg, 5 %)."]
    if n_tested - n_sig:
        parts.append(f"Övriga {n_tested - n_sig} skillnader kan vara slumpvariation och ska inte "
                     "läsas som förändringar.")
    if nc_areas:
        parts.append(f"{int(not_comp.sum())} jämförelser görs inte eftersom gränserna ändrades "
                     f"för: {', '.join(nc_areas)}.")
    if int(suppressed.sum()):
        parts.append(f"{int(suppressed.sum())} jämförelser saknas för att ett av åren har för "
                     "få svar.")
    return {"year_from": year_from, "year_to": year_to, "tested": n_tested, "significant": n_sig,
            "not_significant": n_tested - n_sig, "not_comparable": int(not_comp.sum()),
            "suppressed": int(suppressed.sum()), "sentences": sentences,
            "not_comparable_areas": nc_areas, "text": " ".join(parts)}


# --- safety walks ---------------------------------------------------------------------------


def _walk_row(walk_followup: pd.DataFrame, dimension: str = "alla") -> pd.Series | None:
    rows = walk_followup[walk_followup["dimension"] == dimension]
    return None if rows.empty else rows.iloc[0]


def walk_summary(walk_followup: pd.DataFrame) -> str:
    """The follow-up of all walk observations in a few Swedish sentences."""
    row = _walk_row(walk_followup)
    if row is None or int(row["counted"]) == 0:
        return "Det finns inga problem från trygghetsvandringar att följa upp."
    as_of = pd.Timestamp(row["as_of"]).date().isoformat()
    parts = [f"Läge per {as_of}: av {int(row['counted'])} problem från trygghetsvandringarna "
             f"(dubbletter borträknade) är {int(row['fixed'])} åtgärdade "
             f"({sv_percent(row['share_fixed'])})."]
    if int(row["due"]):
        parts.append(f"Av de {int(row['due'])} problem vars måltid ({int(row['target_days'])} "
                     f"dagar) har gått ut åtgärdades {int(row['fixed_within_target'])} inom "
                     f"måltiden ({sv_percent(row['share_fixed_within_target'])}).")
    if int(row["open"]):
        oldest = row["oldest_open_days"]
        parts.append(f"{int(row['open'])} är fortfarande öppna"
                     + (f"; det äldsta har varit öppet i {int(oldest)} dagar." if pd.notna(oldest)
                        else "."))
    if int(row["declined"]):
        parts.append(f"{int(row['declined'])} har avböjts (ej åtgärdbara eller annans ansvar).")
    parts.append(f"{int(row['repeated'])} problem ({sv_percent(row['share_repeated'])}) "
                 f"observerades igen på samma plats vid en senare vandring, "
                 f"{int(row['repeated_after_fix'])} av dem efter att de markerats som åtgärdade.")
    return " ".join(parts)


def walk_table(walk_followup: pd.DataFrame, dimension: str, labels: dict[str, str] | None = None
               ) -> pd.DataFrame:
    """The follow-up for one dimension ("ar", "omrade", "ansvarig" ...), Swedish headers.

    ``labels`` maps the dimension's codes (e.g. responsible codes) to Swedish names.
    Years in order; other dimensions by open problems (most first), then by value.
    """
    key = {"ar": "year", "omrade": "area", "plats": "place", "kategori": "category",
           "ansvarig": "responsible"}[dimension]
    rows = walk_followup[walk_followup["dimension"] == dimension]
    if dimension == "ar":
        rows = rows.sort_values("year", kind="stable")
    else:
        rows = rows.sort_values(["open", key], ascending=[False, True], kind="stable")
    names = [str(v) if labels is None else labels.get(v, str(v)) for v in rows[key]]
    return pd.DataFrame({
        WALK_COLUMNS[key] if key in WALK_COLUMNS else COLUMNS[key]: names,
        WALK_COLUMNS["counted"]: rows["counted"].to_numpy(),
        WALK_COLUMNS["fixed"]: rows["fixed"].to_numpy(),
        WALK_COLUMNS["share_fixed"]: [sv_percent(v) for v in rows["share_fixed"]],
        WALK_COLUMNS["share_fixed_within_target"]: [sv_percent(v)
                                                    for v in rows["share_fixed_within_target"]],
        WALK_COLUMNS["open"]: rows["open"].to_numpy(),
        WALK_COLUMNS["oldest_open_days"]: rows["oldest_open_days"].to_numpy(),
        WALK_COLUMNS["repeated"]: rows["repeated"].to_numpy(),
    })


# --- the police's published index -----------------------------------------------------------


def official_changes(official: pd.DataFrame, indicator: str, year: int,
                     min_difference: float = Settings.official_min_difference) -> pd.DataFrame:
    """The police index per area, ``year`` against the police's previous year with a value.

    Uses ``analysis.official.compare_official`` (latest published vintage): no interval is
    known for the police's index, so a change counts only when it is at least
    ``min_difference``. One row per area with Swedish headers and the full sentence.
    """
    rows = official[(official["indicator"] == indicator)]
    out = []
    areas = sort_areas(rows[rows["year"] == year].drop_duplicates("area"))
    for area in areas["area"]:
        earlier = sorted(int(y) for y in rows.loc[(rows["area"] == area) & (rows["year"] < year),
                                                   "year"].unique())
        if not earlier:
            continue
        ch = compare_official(official, indicator, area, earlier[-1], year,
                              min_difference=min_difference)
        out.append({COLUMNS["area_name"]: ch.area_name, COLUMNS["year_from"]: ch.year1,
                    COLUMNS["year_to"]: ch.year2, "Före": sv_number(ch.value1, 2),
                    "Efter": sv_number(ch.value2, 2), COLUMNS["delta"]: sv_number(ch.change, 2),
                    COLUMNS["verdict"]: ch.verdict, "Förklaring": ch.text})
    return pd.DataFrame(out, columns=[COLUMNS["area_name"], COLUMNS["year_from"],
                                      COLUMNS["year_to"], "Före", "Efter", COLUMNS["delta"],
                                      COLUMNS["verdict"], "Förklaring"])


def restated_table(official: pd.DataFrame) -> pd.DataFrame:
    """Values the police published more than once with different numbers (one row each)."""
    rows = official[official["restated"].astype(bool) & official["is_latest"].astype(bool)]
    rows = rows.sort_values(["year", "area", "indicator"], kind="stable")
    return pd.DataFrame({
        COLUMNS["year"]: rows["year"].to_numpy(),
        COLUMNS["area_name"]: rows["area_name"].to_numpy(),
        "Index": rows["indicator_name"].to_numpy(),
        COLUMNS["first_value"]: [sv_number(v, 2) for v in rows["first_value"]],
        COLUMNS["latest_value"]: [sv_number(v, 2) for v in rows["latest_value"]],
        COLUMNS["n_vintages"]: rows["n_vintages"].to_numpy(),
    })


def official_side_by_side(official_vs_survey: pd.DataFrame, year: int, indicator: str
                          ) -> pd.DataFrame:
    """The police index beside our estimate for one police indicator, per area, Swedish headers."""
    rows = official_vs_survey[(official_vs_survey["year"] == year)
                              & (official_vs_survey["indicator"] == indicator)]
    rows = sort_areas(rows)
    return pd.DataFrame({
        COLUMNS["area_name"]: rows["area_name"].to_numpy(),
        COLUMNS["official_value"]: [sv_number(v, 2) for v in rows["official_value"]],
        COLUMNS["at_action_level"]: ["ja" if a else "nej" for a in rows["at_action_level"]],
        "Egen skattning": [format_estimate(r, r["survey_indicator"]) for _, r in rows.iterrows()],
        COLUMNS["rank_official"]: rows["rank_official"].to_numpy(),
        COLUMNS["rank_survey"]: rows["rank_survey"].to_numpy(),
    })


def agreement_text(official_vs_survey: pd.DataFrame, year: int, indicator: str) -> str:
    """How well the police index and our estimate rank the areas alike, in words."""
    rows = official_vs_survey[(official_vs_survey["year"] == year)
                              & (official_vs_survey["indicator"] == indicator)]
    if rows.empty:
        return f"Polisens index för {indicator} saknas {year}."
    rows = rows.sort_values("area", kind="stable")
    rho = rows["spearman_rho"].dropna()
    name = str(rows["indicator_name"].iloc[0])
    head = (f"{name} {year}: rangkorrelation mellan polisens index och vår skattning "
            f"{sv_number(rho.iloc[0], 2)}" if not rho.empty else f"{name} {year}")
    notes = rows["agreement_note"].dropna().astype(str)
    note = notes.iloc[0].rstrip(". ") if not notes.empty else ""
    return head + (f" – {note}" if note else "") + "."


def walks_beside_survey(walks_vs_survey: pd.DataFrame, year: int, labels: dict[str, str]
                        | None = None, codebook: Codebook | None = None) -> pd.DataFrame:
    """Walk observations per area and category beside the survey's share "stort problem".

    ``labels`` maps walk category codes to Swedish names. Suppressed survey values read
    "för få svar". Sorted by category, then area code.
    """
    items = item_labels(codebook)
    rows = walks_vs_survey[walks_vs_survey["year"] == year]
    rows = rows.sort_values(["category", "area"], kind="stable")
    survey = [NARRATIVE["suppressed"] if s or pd.isna(e)
              else f"{sv_percent(e)} ({sv_percent_range(lo, hi)})"
              for s, e, lo, hi in zip(rows["survey_suppressed"], rows["survey_estimate"],
                                      rows["survey_ci_low"], rows["survey_ci_high"], strict=True)]
    return pd.DataFrame({
        WALK_COLUMNS["category"]: [v if labels is None else labels.get(v, v)
                                   for v in rows["category"]],
        COLUMNS["item_label"]: [items.get(i, i) for i in rows["item"]],
        COLUMNS["area_name"]: rows["area_name"].to_numpy(),
        WALK_COLUMNS["observations"]: rows["observations"].to_numpy(),
        WALK_COLUMNS["survey_estimate"]: survey,
        WALK_COLUMNS["caveat"]: rows["caveat"].to_numpy(),
    })
