"""Swedish sentences and small tables the notebooks show, computed from processed tables.

Pure functions: processed frames in, strings or frames with Swedish headers out; the
inputs are never changed. Suppressed values are never printed (only "för få svar"),
uncertain ones carry "osäker skattning". Proportions are shown in percent without
decimals ("52 %"), means and indices with two decimals and a decimal comma ("1,55").
"""

from __future__ import annotations

import pandas as pd

from analysis.areas import TOTAL_AREA, TOTAL_AREA_NAME, area_order, sort_areas, valid_in_year
from analysis.codebook import INDEX_INDICATOR, Codebook, load_codebook
from analysis.formatting import (
    sv_count,
    sv_interval,
    sv_list,
    sv_number,
    sv_p,
    sv_percent,
    sv_percent_range,
    sv_pp,
    sv_value,
)
from analysis.official import compare_official
from analysis.settings import Settings
from analysis.vocabulary import (
    COLUMNS,
    INDICATORS,
    NARRATIVE,
    PROPORTION_INDICATORS,
    READER_INDICATORS,
    WALK_COLUMNS,
)
from analysis.walks.terms import load_walk_vocabulary

PROBLEM_SHARE = "andel_stort_problem"
DONT_KNOW = "andel_vet_ej"
UNSAFE = "andel_otrygga"
INDEX = "problemindex"
POLICE_GROUP = "polisens_agerande"
NOT_GIVEN = "ej_angiven"  # walk groups without a value (analysis.walks.followup.NOT_GIVEN)
# The share of each question (one per question), without the "Vet ej" share.
SHARE_INDICATORS = frozenset(PROPORTION_INDICATORS - {DONT_KNOW})


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
        COLUMNS["n"]: [sv_count(v) for v in shown["n"]],
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
        f"{COLUMNS['n']} {year}": [sv_count(v) for v in now["n"]],
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
        what += f" ({READER_INDICATORS.get(ind, ind).lower()})"
    span = f"{row['year_from']}–{row['year_to']}"
    if bool(row["suppressed"]):
        return f"{what}, {span}: {NARRATIVE['change_suppressed']}."
    if not bool(row["comparable"]):
        return f"{what}, {span}: {NARRATIVE['change_not_comparable']}."
    moved = (f"från {format_value(row['estimate_from'], ind)} till "
             f"{format_value(row['estimate_to'], ind)} ({_delta_text(row['delta'], ind)}")
    if bool(row["significant"]):
        verb = "ökade" if row["delta"] > 0 else "minskade"
        return (f"{what} {verb} {moved}, statistiskt säkerställd, justerat p-värde "
                f"{sv_p(row['p_bh'])}), {span}.")
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
             f"{n_sig} av dem förändrades statistiskt säkerställt, även med hänsyn till att "
             f"många jämförelser görs samtidigt."]
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
    rows = rows[rows["counted"].fillna(0) > 0]  # a group without problems says nothing
    names = [_group_name(v, labels) for v in rows[key]]
    return pd.DataFrame({
        WALK_COLUMNS[key] if key in WALK_COLUMNS else COLUMNS[key]: names,
        WALK_COLUMNS["counted"]: [sv_count(v) for v in rows["counted"]],
        WALK_COLUMNS["fixed"]: [sv_count(v) for v in rows["fixed"]],
        WALK_COLUMNS["share_fixed"]: [sv_percent(v) for v in rows["share_fixed"]],
        WALK_COLUMNS["share_fixed_within_target"]: [sv_percent(v)
                                                    for v in rows["share_fixed_within_target"]],
        WALK_COLUMNS["open"]: [sv_count(v) for v in rows["open"]],
        WALK_COLUMNS["oldest_open_days"]: [sv_count(v) for v in rows["oldest_open_days"]],
        WALK_COLUMNS["repeated"]: [sv_count(v) for v in rows["repeated"]],
    })


def _group_name(value, labels: dict[str, str] | None) -> str:
    """A walk group's name: the Swedish label, "Ej angiven" for the code of a missing value."""
    if value is None or pd.isna(value) or value == NOT_GIVEN:
        return NARRATIVE["not_given"]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(labels.get(value, value)) if labels is not None else str(value)


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
        out.append({COLUMNS["area_name"]: ch.area_name, COLUMNS["year_from"]: str(ch.year1),
                    COLUMNS["year_to"]: str(ch.year2), "Före": sv_number(ch.value1, 2),
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
        COLUMNS["year"]: [str(int(y)) for y in rows["year"]],
        COLUMNS["area_name"]: rows["area_name"].to_numpy(),
        "Index": rows["indicator_name"].to_numpy(),
        COLUMNS["first_value"]: [sv_number(v, 2) for v in rows["first_value"]],
        COLUMNS["latest_value"]: [sv_number(v, 2) for v in rows["latest_value"]],
        COLUMNS["n_vintages"]: [sv_count(v) for v in rows["n_vintages"]],
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
        COLUMNS["rank_official"]: [sv_count(v) for v in _column(rows, "rank_official")],
        COLUMNS["rank_survey"]: [sv_count(v) for v in _column(rows, "rank_survey")],
    })


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """``frame[name]``, or missing values when the table has no such column."""
    return frame[name] if name in frame else pd.Series([pd.NA] * len(frame), index=frame.index)


def agreement_text(official_vs_survey: pd.DataFrame, year: int, indicator: str) -> str:
    """How well the police index and our estimate rank the areas alike, in words."""
    rows = official_vs_survey[(official_vs_survey["year"] == year)
                              & (official_vs_survey["indicator"] == indicator)]
    if rows.empty:
        return f"Polisens index för {indicator} saknas {year}."
    rows = rows.sort_values("area", kind="stable")
    rho = _column(rows, "spearman_rho").dropna()
    name = str(rows["indicator_name"].iloc[0])
    head = (f"{name} {year}: rangkorrelation mellan polisens index och vår skattning "
            f"{sv_number(rho.iloc[0], 2)}" if not rho.empty else f"{name} {year}")
    notes = _column(rows, "agreement_note").dropna().astype(str)
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
        WALK_COLUMNS["observations"]: [sv_count(v) for v in rows["observations"]],
        WALK_COLUMNS["survey_estimate"]: survey,
        WALK_COLUMNS["caveat"]: rows["caveat"].astype("string").fillna("").to_numpy(),
    })


# --- the lägesbild: findings, the most important sentences, response rates, sources -----------


def _name(row) -> str:
    return TOTAL_AREA_NAME if row["area"] == TOTAL_AREA else str(row["area_name"])


def _published(frame: pd.DataFrame) -> pd.Series:
    return ~frame["suppressed"].astype(bool) & frame["estimate"].notna()


def _overlap(a, b) -> bool:
    """True when the 95 % intervals of two estimates overlap (they cannot be told apart)."""
    return bool(a["ci_low"] <= b["ci_high"] and b["ci_low"] <= a["ci_high"])


def _indicator_word(indicator: str) -> str:
    return READER_INDICATORS.get(indicator, indicator).lower()


def _in_text(row) -> str:
    """The area's name inside a sentence ("i hela kommunen", "i Berga")."""
    return TOTAL_AREA_NAME.lower() if row["area"] == TOTAL_AREA else str(row["area_name"])


def _measure_in_prose(indicator: str, item: str, codebook: Codebook) -> str:
    """"medelpoängen", "problemindex för utomhusstörningar", "andel oroliga"."""
    if indicator == "poang":
        return "medelpoängen"
    if indicator == INDEX_INDICATOR:
        group = ("alla problemfrågor" if item == "alla"
                 else codebook.groups.get(item, item).lower())
        return f"problemindex för {group}"
    return _indicator_word(indicator)


KEY_FINDINGS = 8  # changes written out among the most important points


def change_findings(changes: pd.DataFrame, year_to: int, codebook: Codebook | None = None
                    ) -> pd.DataFrame:
    """The statistically significant changes up to ``year_to``, one row per finding.

    The share, the mean score and the problemindex of one question are one finding, not
    three: the rows of one area and question are merged (the share leads, the other
    measures are listed in ``also``), and a problemindex of a group of questions joins the
    finding of the one question of that group that changed in the same direction in the
    area (when several did, or none, the index is a finding of its own). Only comparable,
    published changes from the previous measurement count.

    Columns: ``area, area_name, item, indicator, year_from, year_to, estimate_from,
    estimate_to, delta, p_bh, also`` (a list of Swedish measure names); ordered by area
    (kommun last), then by the size of the change.
    """
    codebook = codebook or load_codebook()
    cols = ["area", "area_name", "item", "indicator", "year_from", "year_to", "estimate_from",
            "estimate_to", "delta", "p_bh", "also"]
    sel = changes[(changes["year_to"] == year_to)]
    if sel.empty:
        return pd.DataFrame(columns=cols)
    year_from = int(sel["year_from"].max())
    sel = sel[(sel["year_from"] == year_from) & sel["significant"].astype(bool)
              & sel["comparable"].astype(bool) & ~sel["suppressed"].astype(bool)
              & sel["delta"].notna()]
    groups = {i.code: i.group for i in codebook.items}
    findings: list[dict] = []
    items = sel[sel["indicator"] != INDEX_INDICATOR]
    for (_area, item), part in items.groupby(["area", "item"], sort=True):
        part = part.assign(_order=[0 if i in PROPORTION_INDICATORS else 1
                                   for i in part["indicator"]]).sort_values(
            ["_order", "indicator"], kind="stable")
        head = part.iloc[0]
        findings.append({**{c: head[c] for c in cols if c not in ("also",)},
                         "also": [_measure_in_prose(i, item, codebook)
                                  for i in part["indicator"].iloc[1:]],
                         "_sign": np_sign(head["delta"]), "_group": groups.get(item)})
    for _, row in sel[sel["indicator"] == INDEX_INDICATOR].iterrows():
        members = [f for f in findings
                   if f["area"] == row["area"] and f["_sign"] == np_sign(row["delta"])
                   and (row["item"] == "alla" or f["_group"] == row["item"])]
        index_name = _measure_in_prose(INDEX_INDICATOR, row["item"], codebook)
        if len(members) == 1:
            members[0]["also"].append(index_name)
        else:
            findings.append({**{c: row[c] for c in cols if c != "also"}, "also": [],
                             "_sign": np_sign(row["delta"]), "_group": None})
    if not findings:
        return pd.DataFrame(columns=cols)
    out = pd.DataFrame(findings)
    order = {a: k for k, a in enumerate(area_order(out["area"].astype(str)))}
    kind = [0 if i in PROPORTION_INDICATORS else 2 if i == INDEX_INDICATOR else 1
            for i in out["indicator"]]
    out = out.assign(_a=out["area"].astype(str).map(order), _k=kind, _abs=-out["delta"].abs())
    out = out.sort_values(["_a", "_k", "_abs", "item"], kind="stable")
    return out[cols].reset_index(drop=True)


def np_sign(value) -> int:
    return 0 if pd.isna(value) or value == 0 else (1 if value > 0 else -1)


def finding_sentence(row, codebook: Codebook | None = None) -> str:
    """One finding in words: ``"Berga: ungdomsgäng som stör ordningen minskade från 52 %
    till 24 % (−28 procentenheter); även medelpoängen minskade."``"""
    ind = row["indicator"]
    what = label(row["item"], ind, codebook=codebook)
    what = _lower_first(what)
    if ind not in (PROBLEM_SHARE,) and ind in PROPORTION_INDICATORS:
        what = f"{_indicator_word(ind)} ({what})"
    elif ind not in PROPORTION_INDICATORS:
        what = f"{what} ({_indicator_word(ind)})"
    verb = "ökade" if row["delta"] > 0 else "minskade"
    text = (f"{_name(row)}: {what} {verb} från {format_value(row['estimate_from'], ind)} till "
            f"{format_value(row['estimate_to'], ind)} ({_delta_text(row['delta'], ind)})")
    if len(row["also"]):
        text += f"; även {sv_list(row['also'])} {verb}"
    return text + "."


def findings_table(findings: pd.DataFrame, codebook: Codebook | None = None) -> pd.DataFrame:
    """The findings with Swedish headers (one row per finding) for the report and notebook."""
    if findings.empty:
        return pd.DataFrame(columns=[COLUMNS["area_name"], "Fråga", "Förändring", "Före → efter",
                                     "Justerat p-värde", "Också säkerställt för"])
    rows = []
    for _, r in findings.iterrows():
        ind = r["indicator"]
        question = label(r["item"], ind, codebook=codebook)
        if ind != PROBLEM_SHARE:
            question += f", {_indicator_word(ind)}"
        size = _delta_text(r["delta"], ind).lstrip("+−")
        if ind not in PROPORTION_INDICATORS:
            size += " poäng"
        rows.append({COLUMNS["area_name"]: _name(r), "Fråga": question,
                     "Förändring": ("ökning med " if r["delta"] > 0 else "minskning med ") + size,
                     "Före → efter": f"{format_value(r['estimate_from'], ind)} → "
                                     f"{format_value(r['estimate_to'], ind)}",
                     "Justerat p-värde": sv_p(r["p_bh"]),
                     "Också säkerställt för": sv_list(r["also"]) if len(r["also"]) else "–"})
    return pd.DataFrame(rows)


def _previous_pair(changes: pd.DataFrame, year_to: int) -> pd.DataFrame:
    """The changes from the previous measurement to ``year_to`` (the latest ``year_from``)."""
    sel = changes[changes["year_to"] == year_to]
    return sel[sel["year_from"] == sel["year_from"].max()] if len(sel) else sel


def findings_summary(changes: pd.DataFrame, year_to: int, codebook: Codebook | None = None
                     ) -> str:
    """The changes up to ``year_to`` counted as findings (one per question and area).

    ``"Från 2023 till 2024 jämfördes 186 frågor och områden. 2 förändringar är statistiskt
    säkerställda …"`` – the same count as ``change_findings`` and *Det viktigaste i år*.
    """
    changes = _previous_pair(changes, year_to)
    questions = changes_summary(changes, year_to, indicators=sorted(SHARE_INDICATORS),
                                codebook=codebook)
    if questions["year_from"] is None:
        return questions["text"]
    n = len(change_findings(changes, year_to, codebook))
    year_from = questions["year_from"]
    parts = [f"Från {year_from} till {year_to} jämfördes {questions['tested']} frågor och "
             f"områden. {n} "
             + ("förändring är statistiskt säkerställd" if n == 1
                else "förändringar är statistiskt säkerställda")
             + " (en rad per fråga och område i tabellen); övriga skillnader kan vara "
             "slump och beskrivs inte som ökningar eller minskningar."]
    if questions["not_comparable_areas"]:
        parts.append(f"{sv_list(questions['not_comparable_areas'])} jämförs inte eftersom "
                     "gränserna ändrades.")
    if questions["suppressed"]:
        parts.append(f"{questions['suppressed']} jämförelser saknas för att ett av åren har för "
                     "få svar.")
    return " ".join(parts)


def _top_rows(estimates: pd.DataFrame, year: int, indicator: str, item: str | None = None,
              area: str | None = None) -> pd.DataFrame:
    rows = _select(estimates, year, indicator)
    if item is not None:
        rows = rows[rows["item"] == item]
    if area is not None:
        rows = rows[rows["area"] == area]
    rows = rows[_published(rows)]
    return rows.sort_values(["estimate", "area", "item"], ascending=[False, True, True],
                            kind="stable")


def key_findings(estimates: pd.DataFrame, changes: pd.DataFrame | None, year: int,
                 codebook: Codebook | None = None) -> list[str]:
    """*Det viktigaste i år*: a few honest sentences generated from the tables.

    The largest problems in the kommun, the area where problems are largest and where most
    feel unsafe, the changes since the previous measurement that hold after adjusting for
    many comparisons (one finding once), and what cannot be told apart (overlapping
    intervals, changes that may be chance, areas whose boundaries changed, no earlier
    measurement). Suppressed values are never used.
    """
    codebook = codebook or load_codebook()
    labels = item_labels(codebook)
    out: list[str] = []
    top = _top_rows(estimates, year, PROBLEM_SHARE, area=TOTAL_AREA)
    if len(top):
        first = top.iloc[0]
        text = (f"Störst problem i hela kommunen {year}: "
                f"{_lower_first(labels.get(first['item'], first['item']))} – "
                f"{sv_percent(first['estimate'])} ser det som ett stort problem "
                f"(95 % KI {sv_percent_range(first['ci_low'], first['ci_high'])})")
        rest = [r for _, r in top.iloc[1:3].iterrows()]
        if rest:
            text += ", följt av " + sv_list(
                f"{_lower_first(labels.get(r['item'], r['item']))} ({sv_percent(r['estimate'])})"
                for r in rest)
            if _overlap(first, rest[0]):
                text += ". De två största går inte att skilja åt"
        out.append(text + ".")
    for indicator, item, what in [
            (INDEX, "alla", "Problemen upplevs störst i {area} (problemindex {value}, 95 % KI "
                            "{ci})"),
            (UNSAFE, "otrygg_kvall", "Flest känner sig otrygga ute sent på kvällen i {area} "
                                     "({value}, 95 % KI {ci}; hela kommunen {total})")]:
        rows = _top_rows(estimates, year, indicator, item)
        areas = rows[rows["area"] != TOTAL_AREA]
        if areas.empty:
            continue
        first = areas.iloc[0]
        second = areas.iloc[1] if len(areas) > 1 else None
        total = rows[rows["area"] == TOTAL_AREA]
        text = what.format(area=_in_text(first), value=format_value(first["estimate"], indicator),
                           ci=sv_interval(first["ci_low"], first["ci_high"],
                                          indicator in PROPORTION_INDICATORS),
                           total=format_value(total["estimate"].iloc[0], indicator)
                           if len(total) else NARRATIVE["missing"])
        if second is not None:
            text += (f". Näst högst är {_in_text(second)} "
                     f"({format_value(second['estimate'], indicator)})")
            text += (" – de två går inte att skilja åt" if _overlap(first, second)
                     else " – skillnaden är tydlig")
        out.append(text + ".")
    if changes is None or not (changes["year_to"] == year).any():
        out.append(f"Det finns ingen tidigare mätning att jämföra {year} med, så ingen "
                   "förändring kan bedömas ännu.")
        return out
    changes = _previous_pair(changes, year)
    findings = change_findings(changes, year, codebook)
    summary = changes_summary(changes, year, codebook=codebook)
    year_from = summary["year_from"]
    if findings.empty:
        out.append(f"Ingen förändring sedan {year_from} är statistiskt säkerställd.")
    else:
        n = len(findings)
        head = (f"{n} förändring sedan {year_from} håller" if n == 1
                else f"{n} förändringar sedan {year_from} håller")
        # a regional or national delivery can have hundreds: the kommun's first, then the
        # areas', at most KEY_FINDINGS in this list of the most important
        shown = findings if n <= KEY_FINDINGS else pd.concat(
            [findings[findings["area"] == TOTAL_AREA],
             findings[findings["area"] != TOTAL_AREA]]).head(KEY_FINDINGS)
        text = (head + " även med hänsyn till att många jämförelser görs samtidigt: "
                + " ".join(finding_sentence(r, codebook) for _, r in shown.iterrows()))
        if n > len(shown):
            text += (f" Ytterligare {n - len(shown)} säkerställda förändringar står i "
                     "csv/forandringar.csv (kolumnen Statistiskt säkerställd).")
        out.append(text)
    questions = changes_summary(changes, year, indicators=sorted(SHARE_INDICATORS),
                                codebook=codebook)
    rest = questions["tested"] - len(findings)
    if rest > 0:
        out.append(f"Övriga skillnader mellan {year_from} och {year} ({rest} jämförelser av "
                   "frågor och områden) går inte att skilja från slump och beskrivs därför inte "
                   "som ökningar eller minskningar.")
    if summary["not_comparable_areas"]:
        out.append(f"{sv_list(summary['not_comparable_areas'])} jämförs inte med {year_from} "
                   "eftersom gränserna ändrades.")
    return out


def response_rates(responses: pd.DataFrame, register: pd.DataFrame | None, year: int
                   ) -> pd.DataFrame:
    """Answers, invited and the response rate per area in ``year`` (kommun total last).

    The number invited comes from the area register's optional ``invited`` column
    (``inbjudna`` in omradesindelning.csv); without it, or for an area without a number,
    the rate is missing (shown as "okänt"). Rate = answers / invited.
    Columns: ``area, area_name, answered, invited, rate``.
    """
    rows = responses[responses["year"] == year]
    answered = rows.groupby(rows["area"].astype(str)).size()
    names, invited = {}, {}
    if register is not None and len(register):
        valid = register[valid_in_year(register, year)]
        names = dict(zip(valid["area"].astype(str), valid["area_name"].astype(str), strict=True))
        if "invited" in valid:
            invited = {str(a): (None if pd.isna(v) else int(v))
                       for a, v in zip(valid["area"], valid["invited"], strict=True)}
    codes = [c for c in area_order(set(answered.index) | set(names)) if c != TOTAL_AREA]
    out = [{"area": c, "area_name": names.get(c, c), "answered": int(answered.get(c, 0)),
            "invited": invited.get(c)} for c in codes]
    known = [r["invited"] for r in out]
    out.append({"area": TOTAL_AREA, "area_name": TOTAL_AREA_NAME,
                "answered": int(answered.sum()),
                "invited": sum(known) if known and all(v is not None for v in known) else None})
    frame = pd.DataFrame(out)
    frame["invited"] = pd.array(frame["invited"], dtype="Int64")
    frame["rate"] = [a / i if pd.notna(i) and i > 0 else float("nan")
                     for a, i in zip(frame["answered"], frame["invited"], strict=True)]
    return frame


def response_rate_table(rates: pd.DataFrame) -> pd.DataFrame:
    """``response_rates`` with Swedish headers; an unknown number invited reads "okänt"."""
    return pd.DataFrame({
        COLUMNS["area_name"]: rates["area_name"].to_numpy(),
        "Inbjudna": [sv_count(v) if pd.notna(v) else "okänt" for v in rates["invited"]],
        "Svar": [sv_count(v) for v in rates["answered"]],
        "Svarsfrekvens": [sv_percent(v) if pd.notna(v) else "okänt" for v in rates["rate"]],
    })


def indicator_matrix(estimates: pd.DataFrame, year: int, panels: list[tuple[str, str]],
                     codebook: Codebook | None = None) -> pd.DataFrame:
    """Areas (rows, kommun last) × measures (columns): ``"12 % (9–15 %)"``, "för få svar".

    An uncertain estimate carries ``*`` (the caption explains it).
    """
    rows = estimates[estimates["year"] == year]
    keys = list(zip(rows["indicator"], rows["item"], strict=True))
    rows = rows[[k in set(panels) for k in keys]]
    codes = area_order(rows["area"].astype(str))
    table = {COLUMNS["area_name"]: [
        TOTAL_AREA_NAME if c == TOTAL_AREA else str(rows.loc[rows["area"] == c, "area_name"].iloc[0])
        for c in codes]}
    multi = len({i for i, _ in panels}) > 1
    for indicator, item in panels:
        part = rows[(rows["indicator"] == indicator) & (rows["item"] == item)].set_index("area")
        head = label(item, indicator, codebook=codebook)
        if multi:
            head = f"{READER_INDICATORS.get(indicator, indicator)}: {_lower_first(head)}"
        cells = []
        for c in codes:
            if c not in part.index:
                cells.append(NARRATIVE["missing"])
                continue
            r = part.loc[c]
            if bool(r["suppressed"]) or pd.isna(r["estimate"]):
                cells.append(NARRATIVE["suppressed"])
                continue
            cell = (f"{format_value(r['estimate'], indicator)} "
                    f"({sv_interval(r['ci_low'], r['ci_high'], indicator in PROPORTION_INDICATORS)})")
            cells.append(cell + (" *" if bool(r["uncertain"]) else ""))
        table[head] = cells
    return pd.DataFrame(table)


def walk_period(walk_followup: pd.DataFrame) -> str:
    """The years the walks cover, ``"2019–2024"`` ("" when unknown)."""
    years = sorted(int(y) for y in walk_followup.loc[walk_followup["dimension"] == "ar", "year"]
                   .dropna().unique())
    if not years:
        return ""
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


# The sources of a lägesbild (Brå: which were used, which were not and why, their limits).
SOURCE_LIMITS = {
    "survey": ("Trygghetsmätningen",
               "Svaren är upplevelser, inte uppmätta brott. De som svarar kan skilja sig från dem "
               "som inte svarar; vikterna rättar bara delvis för det. Få svar per område ger "
               "breda intervall."),
    "walks": ("Trygghetsvandringar",
              "Visar var någon valde att gå, vid en viss tid och med de deltagare som kom. Antalet "
              "noteringar mäter därför också var man letade, inte bara hur stort problemet är."),
    "official": ("Polisens publicerade index",
                 "Polisens beräkning är inte offentlig och har inga konfidensintervall; värden "
                 "har publicerats om med andra siffror. Indexet räknas inte om här."),
    "areas": ("Områdesgränser (kartor)",
              "Gränserna har ändrats mellan åren; förändringar jämförs bara inom samma "
              "indelning. Kartornas gränser är förenklade."),
    "crime": ("Anmälda brott (Brås statistik)",
              "Anmälningsbenägenheten varierar, brott räknas där de begicks och inte där de "
              "drabbade bor, och registreringen ändras ibland."),
    "reference": ("Jämförelse med län, riket och liknande kommuner",
                  "Jämförelser kräver att samma frågor och metod använts."),
    "orat": ("Örat mot marken (samverkansgruppens kunskap)",
             "Kunskap från möten och verksamheter är viktig men inte systematiskt insamlad."),
}


def sources_overview(*, years: list[int], respondents: int | None = None,
                     walks: int | None = None, walk_years: str = "",
                     official_years: list[int] | None = None, areas: bool = False,
                     crime: dict[str, str] | None = None, demo: bool = False) -> pd.DataFrame:
    """Which sources the lägesbild used, which it did not and why, and their limits.

    Brå's advice for a lägesbild: name the sources, the ones not used and their limits.
    Columns: Källa, Används, Vad och varför, Begränsningar.
    """
    span = (f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])) if years else ""
    demo_note = " Syntetiska demodata, inte verkliga uppgifter." if demo else ""
    rows = [("survey", "ja",
             f"Enkätsvar {span}" + (f", {sv_count(respondents)} svar det senaste året"
                                    if respondents is not None else "") + "." + demo_note)]
    if walks:
        rows.append(("walks", "ja", f"{sv_count(walks)} vandringar {walk_years} med noteringar "
                     "och hur de följts upp." + demo_note))
    else:
        rows.append(("walks", "nej", "Inga protokoll från trygghetsvandringar levererades."))
    if official_years:
        o = sorted(official_years)
        rows.append(("official", "ja", f"Index per område {o[0]}–{o[-1]}, bredvid enkätens "
                     "egna siffror." + demo_note))
    else:
        rows.append(("official", "nej", "Polisens indextabeller levererades inte."))
    rows.append(("areas", "ja" if areas else "nej",
                 "Områdespolygoner för kartorna." if areas
                 else "Inga områdespolygoner levererades; kartorna ritas inte."))
    if crime is not None:  # the row from analysis.crime.present.sources_row
        rows.append(("crime", crime["Används"], crime["Vad och varför"]))
    else:
        rows.append(("crime", "nej", "Ingen export från Brås statistikdatabas levererades "
                     "(mappen anmalda_brott/)."))
    crime_refs = crime is not None and crime["Används"] == "ja"
    rows.append(("reference", "delvis" if crime_refs else "nej",
                 ("Anmälda brott jämförs med länet och riket. " if crime_refs else "")
                 + "Referensvärden för enkäten (polisområde, region, liknande kommuner) läses "
                 "inte in ännu; polisens index för lokalpolisområdet visas där det finns."))
    rows.append(("orat", "nej", "Ingår inte i siffrorna; diskuteras när lägesbilden tas fram."))
    return pd.DataFrame({
        "Källa": [SOURCE_LIMITS[k][0] for k, _, _ in rows],
        "Används": [u for _, u, _ in rows],
        "Vad och varför": [t for _, _, t in rows],
        "Begränsningar": [SOURCE_LIMITS[k][1] for k, _, _ in rows],
    })


# --- figure findings in words (alt texts) -------------------------------------------------------


def _values(rows: pd.DataFrame, indicator: str, labels: dict[str, str], n: int = 3) -> str:
    return sv_list(f"{_lower_first(labels.get(r['item'], r['item']))} "
                   f"{format_value(r['estimate'], indicator)}" for _, r in rows.head(n).iterrows())


def alt_top_problems(estimates: pd.DataFrame, year: int, area: str, area_name: str,
                     codebook: Codebook | None = None) -> str:
    """``"Störst problem i Berga 2024: skadegörelse 55 %, … (stapeldiagram)."``"""
    labels = item_labels(codebook)
    rows = _top_rows(estimates, year, PROBLEM_SHARE, area=area)
    if rows.empty:
        return f"Diagram: för {area_name} {year} visas inga problem (röjandekontroll)."
    where = TOTAL_AREA_NAME.lower() if area == TOTAL_AREA else area_name
    text = (f"Stapeldiagram: störst problem i {where} {year} är "
            f"{_values(rows, PROBLEM_SHARE, labels)}")
    if len(rows) > 1 and _overlap(rows.iloc[0], rows.iloc[1]):
        text += "; de största går inte att skilja åt"
    return text + "."


def alt_ranking(estimates: pd.DataFrame, year: int, indicator: str, item: str,
                kind: str = "Stapeldiagram") -> str:
    """``"Stapeldiagram: problemindex 2024 är högst i Centrum (1,35) och lägst i …"``"""
    rows = _top_rows(estimates, year, indicator, item)
    areas = rows[rows["area"] != TOTAL_AREA]
    total = rows[rows["area"] == TOTAL_AREA]
    what = READER_INDICATORS.get(indicator, indicator)
    if areas.empty:
        return f"{kind}: inga publicerade värden för {what.lower()} {year}."
    hi, lo = areas.iloc[0], areas.iloc[-1]
    text = (f"{kind}: {what.lower()} {year} är högst i {_in_text(hi)} "
            f"({format_value(hi['estimate'], indicator)}) och lägst i {_in_text(lo)} "
            f"({format_value(lo['estimate'], indicator)})")
    if len(total):
        text += f"; hela kommunen {format_value(total['estimate'].iloc[0], indicator)}"
    return text + "."


def alt_trend(estimates: pd.DataFrame, indicator: str, item: str) -> str:
    """The kommun's first and last value over the years, and where lines break."""
    rows = estimates[(estimates["indicator"] == indicator) & (estimates["item"] == item)
                     & (estimates["area"] == TOTAL_AREA)]
    rows = rows[_published(rows)].sort_values("year")
    what = READER_INDICATORS.get(indicator, indicator)
    if rows.empty:
        return f"Linjediagram per område: {what.lower()} över tid."
    first, last = rows.iloc[0], rows.iloc[-1]
    return (f"Linjediagram per område: {what.lower()} i hela kommunen var "
            f"{format_value(first['estimate'], indicator)} {int(first['year'])} och "
            f"{format_value(last['estimate'], indicator)} {int(last['year'])}; linjerna bryts "
            "där ett område fick nya gränser.")


def alt_changes(changes: pd.DataFrame, year: int, codebook: Codebook | None = None) -> str:
    """How many changes hold, which, and that the rest may be chance."""
    changes = _previous_pair(changes, year)
    summary = changes_summary(changes, year, indicators=[PROBLEM_SHARE], codebook=codebook)
    findings = change_findings(changes[changes["indicator"] == PROBLEM_SHARE], year, codebook)
    if summary["year_from"] is None:
        return f"Punktdiagram: ingen tidigare mätning att jämföra {year} med."
    head = (f"Punktdiagram över förändringar {summary['year_from']}–{year}: "
            f"{summary['significant']} av {summary['tested']} är statistiskt säkerställda")
    if len(findings):
        head += " (" + sv_list(
            f"{'ökning' if r['delta'] > 0 else 'minskning'} av "
            f"{_lower_first(label(r['item'], r['indicator'], codebook=codebook))} i {_in_text(r)}"
            for _, r in findings.iterrows()) + ")"
    return head + "; övriga kan vara slump."


def alt_panels(estimates: pd.DataFrame, year: int, panels: list[tuple[str, str]], title: str,
               codebook: Codebook | None = None) -> str:
    """The kommun's values for each measure and the highest area."""
    parts = []
    for indicator, item in panels:
        rows = _top_rows(estimates, year, indicator, item)
        total = rows[rows["area"] == TOTAL_AREA]
        name = _lower_first(label(item, indicator, codebook=codebook))
        if len({i for i, _ in panels}) > 1:
            name = f"{READER_INDICATORS.get(indicator, indicator).lower()} ({name})"
        if len(total):
            parts.append(f"{name} {format_value(total['estimate'].iloc[0], indicator)}")
    if not parts:
        return f"Diagram: {title}: inga publicerade värden."
    return f"Punktdiagram per område, {title[:1].lower()}{title[1:]}: i hela kommunen {sv_list(parts)}."


def alt_walks(walk_followup: pd.DataFrame, dimension: str, names: dict | None = None) -> str:
    """Share fixed over all walks and who has the most open problems."""
    if names is None and dimension in ("ansvarig", "kategori"):
        field = {"ansvarig": "responsible", "kategori": "category"}[dimension]
        names = dict(load_walk_vocabulary()[field].labels)
    row = _walk_row(walk_followup)
    period = walk_period(walk_followup)
    if row is None or not int(row["counted"]):
        return "Stapeldiagram: inga problem från trygghetsvandringar att följa upp."
    rows = walk_followup[(walk_followup["dimension"] == dimension)
                         & (walk_followup["counted"].fillna(0) > 0)]
    key = {"omrade": "area", "ansvarig": "responsible", "kategori": "category",
           "plats": "place", "ar": "year"}[dimension]
    text = (f"Stapeldiagram: av {sv_count(row['counted'])} problem från trygghetsvandringarna "
            f"{period} är {sv_percent(row['share_fixed'])} åtgärdade")
    if len(rows) and int(rows["open"].max()) > 0:
        top = rows.sort_values(["open", key], ascending=[False, True], kind="stable").iloc[0]
        text += (f"; flest öppna problem har {_group_name(top[key], names)} "
                 f"({sv_count(top['open'])})")
    return text + "."


def alt_official(official_vs_survey: pd.DataFrame, year: int, indicator: str) -> str:
    """Which areas are at the police's action level, and whether the rankings agree."""
    rows = official_vs_survey[(official_vs_survey["year"] == year)
                              & (official_vs_survey["indicator"] == indicator)]
    if rows.empty:
        return f"Punktdiagram: polisens index saknas {year}."
    name = _lower_first(str(rows["indicator_name"].iloc[0]))
    high = [_in_text(r) for _, r in sort_areas(rows).iterrows()
            if bool(r["at_action_level"])]
    text = (f"Punktdiagram: polisens index för {name} {year} är på eller över åtgärdsnivån 3 i "
            f"{sv_list(high)}" if high else
            f"Punktdiagram: polisens index för {name} {year} är under åtgärdsnivån 3 i alla områden")
    rho = _column(rows, "spearman_rho").dropna()
    if len(rho):
        value = float(rho.iloc[0])
        how = ("likartat" if value >= 0.7 else "delvis likartat" if value >= 0.3
               else "inte likartat")
        text += (f"; polisens index och enkätens andel rangordnar områdena {how} "
                 f"(rangkorrelation {sv_number(value, 2)}, osäker med få områden)")
    return text + "."


def area_names(estimates: pd.DataFrame) -> dict[str, str]:
    """Area code -> the latest name in the estimates; the kommun total is "Hela kommunen"."""
    latest = estimates.sort_values("year", kind="stable").drop_duplicates("area", keep="last")
    names = dict(zip(latest["area"].astype(str), latest["area_name"].astype(str), strict=True))
    names[TOTAL_AREA] = TOTAL_AREA_NAME
    return names
