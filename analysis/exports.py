"""CSV summaries for Örat mot marken that open correctly in Swedish Excel.

Format (DOMAIN §6): ``;`` separator, decimal comma, UTF-8 with BOM (and no
``sep=`` line, which would make Excel ignore the BOM), CRLF line ends, Swedish
headers from ``analysis.vocabulary``, numbers rounded explicitly and written as
text by us (so Excel never sees ``1e-05`` or a lost decimal comma), area codes
kept as text (leading zeros survive). Every file goes through one writer, ``excel_csv``:
a text cell that a spreadsheet would run as a formula gets a leading ``'``, and no value
can split a cell or a row (docs/rapport.md, "Säkra celler och filnamn"). Each file gets a data dictionary
(``<name>_dataordlista.txt``) beside it: source, method, scoring, suppression
rules and what every column means.

Only disclosure-controlled tables are exported; respondent rows and free text
never reach these functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.codebook import Codebook, load_codebook
from analysis.formatting import csv_decimal, csv_int, csv_yes_no
from analysis.promises.present import indicator_sentence
from analysis.settings import Settings
from analysis.vocabulary import COLUMNS, INDICATORS, PROMISES, PROPORTION_INDICATORS

EXPORT_DIR = "csv"
# Columns of the exports that hold codes to keep as text (leading zeros).
CODE_COLUMNS = (COLUMNS["area"],)


# Cells a spreadsheet would run as a formula (OWASP, "CSV injection"): text starting with
# one of these characters. Our own numbers ("-0,26", "12,5") are the only exception.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(,\d+)?")
# A code of digits with a leading zero, and Excel's text form of it (``excel_text``).
ZERO_CODE = re.compile(r"0\d+")
ZERO_CODE_TEXT = re.compile(r'="0\d+"')
_NEEDS_QUOTES = re.compile(r'[;"\r\n]')


def excel_text(values: pd.Series) -> pd.Series:
    """Codes that Excel would turn into numbers (digits with a leading zero) as ``="01"``.

    Excel drops leading zeros when it opens a CSV; the ``="…"`` form is shown as the text
    01 in Excel and LibreOffice. Other codes are written as they are (and a value already
    in the form stays as it is). ``excel_csv`` keeps the form only in code columns
    (``CODE_COLUMNS``); anywhere else ``="…"`` is user text and is neutralised.
    """
    text = values.astype("string").fillna("")
    return text.mask(text.str.fullmatch(ZERO_CODE.pattern), '="' + text + '"')


def neutralise(value: str) -> str:
    """The text of one cell as a spreadsheet must show it: never a formula.

    A value that starts with ``=``, ``+``, ``-``, ``@``, tab or CR and is not a plain number
    (``-?\\d+(,\\d+)?``, how we write numbers) gets a leading ``'`` (OWASP's advice against
    CSV injection): Excel and LibreOffice then show it as text instead of evaluating
    ``=HYPERLINK(...)`` or ``+1+1``. Everything else is returned unchanged.
    """
    if value.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def _code_columns(frame: pd.DataFrame, code_columns: Iterable[str] | None) -> set[str]:
    names = set(map(str, frame.columns))
    if code_columns is None:
        return names & set(CODE_COLUMNS)
    codes = set(code_columns)
    if codes - names:
        raise ValueError(f"okända kodkolumner: {sorted(codes - names)}")
    return codes


def csv_field(value: str, *, code: bool = False) -> str:
    """One field of an Excel CSV line: neutralised, and quoted when it must be.

    ``code=True`` (a code column): a value in Excel's text form of a code with a leading
    zero, ``="01"`` (what ``excel_text`` makes), is written bare so that Excel keeps the
    zero. Every other value, in every column, is neutralised (``neutralise``); a
    neutralised value, and any value holding ``;``, ``"``, CR or LF, is put in double
    quotes with inner quotes doubled, so no value can split a cell or a row.
    """
    if code and ZERO_CODE_TEXT.fullmatch(value):
        return value
    safe = neutralise(value)
    if safe != value or _NEEDS_QUOTES.search(safe):
        return '"' + safe.replace('"', '""') + '"'
    return safe


def excel_csv(frame: pd.DataFrame, code_columns: Iterable[str] | None = None) -> bytes:
    """A frame of strings as Swedish-Excel CSV bytes (``;``, UTF-8 with BOM, CRLF).

    The one writer of every CSV the build exports. Every cell, headers included, goes
    through ``csv_field``: user text can neither become a formula nor break the row.
    ``code_columns`` names the columns that hold codes (default: those of ``CODE_COLUMNS``
    in the frame); only there does ``="01"`` from ``excel_text`` stay Excel's text form;
    anywhere else ``="…"`` is user text and is neutralised. Missing values are written
    empty.
    """
    codes = _code_columns(frame, code_columns)
    flags = [str(c) in codes for c in frame.columns]
    lines = [";".join(csv_field(str(c)) for c in frame.columns)]
    for row in frame.astype("string").fillna("").itertuples(index=False):
        lines.append(";".join(csv_field(str(v), code=f) for v, f in zip(row, flags, strict=True)))
    return "".join(line + "\r\n" for line in lines).encode("utf-8-sig")


def neutralised_cells(frame: pd.DataFrame, code_columns: Iterable[str] | None = None) -> int:
    """How many cells (headers included) ``excel_csv`` writes with the ``'`` prefix."""
    codes = _code_columns(frame, code_columns)
    count = sum(neutralise(str(c)) != str(c) for c in frame.columns)
    for col in frame.columns:
        code = str(col) in codes
        count += sum(neutralise(v) != v and not (code and ZERO_CODE_TEXT.fullmatch(v))
                     for v in frame[col].astype("string").fillna(""))
    return count


def _item_labels(codebook: Codebook, indicators: pd.Series, items: pd.Series) -> pd.Series:
    """The Swedish label of each row's item: a question, or (for problemindex) a group of
    questions. Item and group codes can coincide ("missbruk"), so the indicator decides."""
    return pd.Series([codebook.label(i, ind) for ind, i in zip(indicators, items, strict=True)],
                     index=items.index, dtype="string")


def _scaled(table: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Proportions in percent with 1 decimal, means with 2 decimals: (factor, decimals)."""
    is_prop = table["indicator"].isin(PROPORTION_INDICATORS)
    return is_prop.map({True: 100.0, False: 1.0}), is_prop.map({True: 1, False: 2})


def _number_columns(table: pd.DataFrame, columns: list[str]) -> dict[str, pd.Series]:
    factor, decimals = _scaled(table)
    out = {}
    for col in columns:
        scaled = table[col] * factor
        one = csv_decimal(scaled, 1)
        two = csv_decimal(scaled, 2)
        out[col] = one.where(decimals == 1, two)
    return out


def estimates_for_sharing(estimates: pd.DataFrame, codebook: Codebook | None = None
                          ) -> pd.DataFrame:
    """The estimate table with Swedish headers, rounded and as text, for Örat mot marken."""
    codebook = codebook or load_codebook()
    labels = _item_labels(codebook, estimates["indicator"], estimates["item"])
    nums = _number_columns(estimates, ["estimate", "ci_low", "ci_high"])
    is_prop = estimates["indicator"].isin(PROPORTION_INDICATORS)
    out = pd.DataFrame({
        COLUMNS["year"]: estimates["year"].astype(str),
        COLUMNS["area"]: excel_text(estimates["area"]),
        COLUMNS["area_name"]: estimates["area_name"].astype(str),
        COLUMNS["indicator"]: estimates["indicator"].map(INDICATORS),
        COLUMNS["item"]: estimates["item"].astype(str),
        COLUMNS["item_label"]: labels,
        "Enhet": np.where(is_prop, "procent", "poäng"),
        COLUMNS["estimate"]: nums["estimate"],
        COLUMNS["ci_low"]: nums["ci_low"],
        COLUMNS["ci_high"]: nums["ci_high"],
        COLUMNS["n"]: csv_int(estimates["n"]),
        COLUMNS["suppressed"]: csv_yes_no(estimates["suppressed"]),
        COLUMNS["uncertain"]: csv_yes_no(estimates["uncertain"]),
        COLUMNS["flag_reason"]: estimates["flag_reason"].fillna(""),
        COLUMNS["scoring"]: estimates["scoring"].astype(str),
    })
    return out.reset_index(drop=True)


def changes_for_sharing(changes: pd.DataFrame, codebook: Codebook | None = None) -> pd.DataFrame:
    """Year-over-year changes with Swedish headers (percentage points / points)."""
    codebook = codebook or load_codebook()
    labels = _item_labels(codebook, changes["indicator"], changes["item"])
    nums = _number_columns(changes, ["estimate_from", "estimate_to", "delta"])
    is_prop = changes["indicator"].isin(PROPORTION_INDICATORS)
    out = pd.DataFrame({
        COLUMNS["year_from"]: changes["year_from"].astype(str),
        COLUMNS["year_to"]: changes["year_to"].astype(str),
        COLUMNS["area"]: excel_text(changes["area"]),
        COLUMNS["area_name"]: changes["area_name"].fillna("").astype(str),
        COLUMNS["indicator"]: changes["indicator"].map(INDICATORS),
        COLUMNS["item"]: changes["item"].astype(str),
        COLUMNS["item_label"]: labels,
        "Enhet": np.where(is_prop, "procentenheter", "poäng"),
        "Skattning första året": nums["estimate_from"],
        "Skattning andra året": nums["estimate_to"],
        COLUMNS["delta"]: nums["delta"],
        COLUMNS["p_bh"]: csv_decimal(changes["p_bh"], 4),
        COLUMNS["significant"]: csv_yes_no(changes["significant"]),
        COLUMNS["comparable"]: csv_yes_no(changes["comparable"]),
        COLUMNS["suppressed"]: csv_yes_no(changes["suppressed"]),
        COLUMNS["flag_reason"]: changes["flag_reason"].fillna(""),
    })
    return out.reset_index(drop=True)


FORMAT_LINE = ("Format: semikolon mellan kolumner, decimalkomma, UTF-8 med BOM. Områdeskoder är "
               'text; koder med inledande nolla skrivs ="01" så att Excel behåller nollan.')
MANIFEST_LINE = "Indata och kontrollsummor: data/processed/manifest.json."


def data_dictionary(title: str, frame: pd.DataFrame, descriptions: dict[str, str], *,
                    years: list[int], settings: Settings, source: str,
                    neutralised: int = 0) -> bytes:
    """A short Swedish data dictionary to lay beside an exported CSV.

    ``neutralised`` (from ``neutralised_cells``): when any cell got the ``'`` prefix, a
    line says which values and why.
    """
    s = settings
    lines = [
        title, "=" * len(title), "",
        f"Källa: {source}.",
        f"Undersökningsår: {', '.join(str(y) for y in years)}.",
        "Metod: designbaserade skattningar (stratifierat urval, vikter för bortfall) med "
        f"{int(s.level * 100)} % konfidensintervall; förändringar med z-test och "
        "Benjamini–Hochberg-justerade p-värden. Se docs/metod.md.",
        f"Poängsättning av problemfrågor: {s.scoring} (Inget problem alls = 0, mycket/ganska "
        "litet = 1, ganska stort = 2, mycket stort = 3). Problemindex är vårt eget, inte "
        "polisens 0–6-index.",
        f"Röjandekontroll: inget värde från färre än {s.min_n} svar; andelar där "
        f"1–{s.min_count - 1} personer står bakom täljaren döljs; sekundär undertryckning "
        f"skyddar dolda värden; {s.min_n}–{s.uncertain_n - 1} svar eller breda intervall "
        "markeras som osäkra. Antal svar under "
        f"{s.min_cell} visas inte.",
        FORMAT_LINE,
        MANIFEST_LINE,
    ]
    return _dictionary_bytes(lines, frame, descriptions, neutralised)


def _dictionary_bytes(lines: list[str], frame: pd.DataFrame, descriptions: dict[str, str],
                      neutralised: int) -> bytes:
    """The common tail of every data dictionary: the formula note and the columns."""
    lines = list(lines)
    if neutralised:
        lines.append(
            f"Skydd mot formler: {neutralised} textvärden börjar med =, +, -, @, tabb eller "
            "vagnretur och har fått en inledande apostrof (') så att Excel visar dem som text "
            "i stället för att räkna ut dem. Ta bort apostrofen för att få det levererade värdet.")
    lines += ["", "Kolumner:"]
    for col in frame.columns:
        lines.append(f"- {col}: {descriptions.get(col, '')}".rstrip(": "))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


ESTIMATE_DESCRIPTIONS = {
    COLUMNS["year"]: "undersökningsår",
    COLUMNS["area"]: "områdets kod (text); 'kommunen' = hela kommunen",
    COLUMNS["area_name"]: "områdets namn det året",
    COLUMNS["indicator"]: "vilket mått (se docs/metod.md)",
    COLUMNS["item"]: "frågans kod i kodboken, eller en grupp av frågor för problemindex",
    COLUMNS["item_label"]: "frågans text i korthet",
    "Enhet": "procent för andelar, poäng (0–3) för medelpoäng och problemindex",
    COLUMNS["estimate"]: "skattat värde (tom om undertryckt)",
    COLUMNS["ci_low"]: "nedre gräns för 95 % konfidensintervall",
    COLUMNS["ci_high"]: "övre gräns för 95 % konfidensintervall",
    COLUMNS["n"]: "antal svarande som besvarat frågan (ovägt)",
    COLUMNS["suppressed"]: "ja = värdet visas inte av sekretesskäl",
    COLUMNS["uncertain"]: "ja = värdet är osäkert (få svar eller brett intervall)",
    COLUMNS["flag_reason"]: "varför värdet är undertryckt eller osäkert",
    COLUMNS["scoring"]: "poängsättning av problemfrågorna",
}
CHANGE_DESCRIPTIONS = ESTIMATE_DESCRIPTIONS | {
    COLUMNS["year_from"]: "första året i jämförelsen",
    COLUMNS["year_to"]: "andra året i jämförelsen",
    "Enhet": "procentenheter för andelar, poäng för medelpoäng och problemindex",
    "Skattning första året": "skattat värde första året",
    "Skattning andra året": "skattat värde andra året",
    COLUMNS["delta"]: "andra året minus första året",
    COLUMNS["p_bh"]: "p-värde justerat för många jämförelser (Benjamini–Hochberg)",
    COLUMNS["significant"]: "ja = justerat p-värde under 0,05",
    COLUMNS["comparable"]: "nej = områdets gränser ändrades mellan åren; ingen förändring räknas",
}


def export_files(estimates: pd.DataFrame, changes: pd.DataFrame, *, settings: Settings,
                 demo: bool, evaluation: pd.DataFrame | None = None) -> dict[str, bytes]:
    """The CSV files and their data dictionaries, ``{"csv/<name>.csv": bytes, ...}``.

    ``evaluation`` (``promise_evaluation.parquet``), when given and not empty, adds
    ``csv/medborgarloften.csv`` and its data dictionary (``promise_files``).
    """
    years = sorted(int(y) for y in estimates["year"].unique())
    source = ("syntetiska demodata (inte verkliga svar)" if demo
              else "polisens trygghetsmätning, kommunens leverans")
    out = {}
    for name, frame, title, desc in [
        ("skattningar", estimates_for_sharing(estimates), "Skattningar per område och år",
         ESTIMATE_DESCRIPTIONS),
        ("forandringar", changes_for_sharing(changes), "Förändringar mellan undersökningsår",
         CHANGE_DESCRIPTIONS),
    ]:
        out[f"{EXPORT_DIR}/{name}.csv"] = excel_csv(frame, CODE_COLUMNS)
        out[f"{EXPORT_DIR}/{name}_dataordlista.txt"] = data_dictionary(
            title, frame, desc, years=years, settings=settings, source=source,
            neutralised=neutralised_cells(frame, CODE_COLUMNS))
    if evaluation is not None and len(evaluation):
        out |= promise_files(evaluation, settings=settings, demo=demo)
    return out


# --- medborgarlöften ---------------------------------------------------------------------------

PROMISE_EXPORT = "medborgarloften"
_P = PROMISES["columns"]
_UNITS = {"andel": "procent", "poäng": "poäng", "index": "index 0–6", "antal": "antal",
          "": ""}


def _promise_numbers(values: pd.Series, units: pd.Series, *, change: bool = False) -> pd.Series:
    """Shares in percent (changes in percentage points) with one decimal, scores and the
    police's index with two, counts without decimals; blank when missing."""
    share = units == "andel"
    one = csv_decimal(values * 100.0, 1)
    two = csv_decimal(values, 2)
    whole = csv_decimal(values, 0) if not change else two
    return one.where(share, two.where(units.isin(["poäng", "index"]), whole))


def promises_for_sharing(evaluation: pd.DataFrame) -> pd.DataFrame:
    """The promise evaluation for Örat mot marken: one row per indicator, the promise's two
    verdicts beside it, Swedish headers, numbers rounded and as text."""
    e = evaluation.sort_values(["year", "promise_no", "indicator_no"], kind="stable")
    units = e["unit"].fillna("").astype(str)
    method = e["method"].fillna("").map(lambda m: PROMISES["methods"].get(m, ""))
    out = pd.DataFrame({
        _P["year"]: e["year"].astype(int).astype(str),
        _P["entry"]: e["is_goal"].map(lambda g: PROMISES["entries"]["goal" if g else "promise"]),
        _P["promise"]: e["title"].astype(str),
        _P["implementation"]: e["implementation_status"].astype(str),
        _P["effect"]: e["effect_status"].astype(str),
        _P["part"]: e["part"].map(PROMISES["parts"]),
        _P["indicator"]: e["label"].astype(str),
        _P["role"]: e["role"].fillna("").astype(str),
        _P["method"]: method,
        _P["status"]: e["status"].astype(str),
        _P["target"]: e["target"].fillna("").astype(str),
        _P["unit"]: units.map(_UNITS),
        _P["year_from"]: csv_int(e["year_from"]),
        _P["year_to"]: csv_int(e["year_to"]),
        _P["estimate_from"]: _promise_numbers(e["estimate_from"], units),
        _P["value"]: _promise_numbers(e["value"], units),
        _P["ci_low_to"]: _promise_numbers(e["ci_low_to"], units),
        _P["ci_high_to"]: _promise_numbers(e["ci_high_to"], units),
        _P["delta"]: _promise_numbers(e["delta"], units, change=True),
        _P["ci_low_delta"]: _promise_numbers(e["ci_low_delta"], units, change=True),
        _P["ci_high_delta"]: _promise_numbers(e["ci_high_delta"], units, change=True),
        _P["mdc"]: _promise_numbers(e["mdc"], units, change=True),
        _P["min_change"]: _promise_numbers(e["min_change"], units, change=True),
        _P["p_holm"]: csv_decimal(e["p_holm"], 4),
        _P["sentence"]: [indicator_sentence(r) for r in e.itertuples(index=False)],
        _P["explanation"]: e["explanation"].astype(str),
    })
    return out.reset_index(drop=True)


PROMISE_DESCRIPTIONS = {
    _P["year"]: "året löftet gäller (registrets år)",
    _P["entry"]: "Löfte, eller Övergripande mål som löftena ska bidra till",
    _P["promise"]: "löftets rubrik (hela texten står i registret)",
    _P["implementation"]: "löftets bedömning för genomförande: gjordes det som lovades? "
                          "(uppfyllt, delvis uppfyllt, ej uppfyllt, kan inte bedömas, mäts inte)",
    _P["effect"]: "löftets bedömning för effekt: förändrades problemet? (samma ord)",
    _P["part"]: "vilken del indikatorn hör till: Genomförande eller Effekt",
    _P["indicator"]: "vad som mäts",
    _P["role"]: "för enkätindikatorer när ett löfte har flera: primär (avgör), sekundär "
                "(avgör inte) eller Holm-justerad",
    _P["method"]: "för enkätindikatorer: två mätår, trend över flera mätår eller två år "
                  "sammanslagna i varje ände",
    _P["status"]: "indikatorns bedömning",
    _P["target"]: "målet som det står i registret",
    _P["unit"]: "procent för andelar (förändringar i procentenheter), poäng, index 0–6 eller "
                "antal",
    _P["year_from"]: "första året i jämförelsen",
    _P["year_to"]: "sista året i jämförelsen",
    _P["estimate_from"]: "värdet första året (enkät: skattning, trendvärde eller två år "
                         "sammanslagna)",
    _P["value"]: "värdet som bedöms (sista året, eller antalet under löftesåret)",
    _P["ci_low_to"]: "nedre gräns för 95 % konfidensintervall för värdet",
    _P["ci_high_to"]: "övre gräns för 95 % konfidensintervall för värdet",
    _P["delta"]: "förändring från första till sista året",
    _P["ci_low_delta"]: "nedre gräns för 95 % konfidensintervall för förändringen (polisens "
                        "index: uppskattad slumpvariation)",
    _P["ci_high_delta"]: "övre gräns för 95 % konfidensintervall för förändringen",
    _P["mdc"]: "minsta förändring som enkäten kan upptäcka med 80 % styrka (2,80 × "
               "förändringens medelfel)",
    _P["min_change"]: "den minsta förändring som räknas enligt registret",
    _P["p_holm"]: "p-värde justerat med Holm när ett löfte har flera enkätindikatorer utan "
                  "primär indikator",
    _P["sentence"]: "bedömningen i en mening",
    _P["explanation"]: "hela förklaringen med siffror",
}


def promise_dictionary(frame: pd.DataFrame, *, years: list[int], settings: Settings,
                       demo: bool, neutralised: int = 0) -> bytes:
    """The data dictionary of ``medborgarloften.csv``: sources, the rules, the columns."""
    title = "Medborgarlöften: genomförande och effekt"
    source = ("syntetiska demodata (inte verkliga löften, aktiviteter eller svar); 2022 års "
              "löftestexter från Eslövs kommuns pressmeddelande" if demo else
              "kommunens register över medborgarlöften, aktivitetsloggen, trygghetsmätningen, "
              "trygghetsvandringarna och polisens index")
    lines = [
        title, "=" * len(title), "",
        f"Källa: {source}.",
        f"Löftesår: {', '.join(str(y) for y in years)}.",
        "Två bedömningar per löfte som aldrig slås ihop: genomförande (aktiviteter, milstolpar, "
        "hållna trygghetsvandringar) och effekt (trygghetsmätningen, polisens index, "
        "uppföljningen av trygghetsvandringarna; anmälda brott när de finns i underlaget).",
        f"Effekt i trygghetsmätningen: uppfyllt när hela {int(settings.level * 100)} % "
        "konfidensintervallet för målvärdet ligger på den lovade sidan om målet (utan "
        "sifferfäst mål: när intervallet för förändringen utesluter noll åt det lovade hållet); "
        "ej uppfyllt när det ligger på fel sida eller när intervallet för förändringen "
        "utesluter den minsta förändring som räknas; annars kan inte bedömas. Flera "
        "enkätindikatorer i ett löfte: en primär indikator avgör, annars Holm-justering inom "
        "löftet. Över tre eller fler år används en designbaserad linjär trend; två år kan slås "
        "samman (varje år väger lika).",
        "Polisens index saknar konfidensintervall: slumpvariationen uppskattas från "
        "trygghetsmätningen på samma nivå, och samma tre utfall gäller.",
        "Se docs/medborgarloften.md.",
        "Format: semikolon mellan kolumner, decimalkomma, UTF-8 med BOM.",
        MANIFEST_LINE,
    ]
    return _dictionary_bytes(lines, frame, PROMISE_DESCRIPTIONS, neutralised)


def promise_files(evaluation: pd.DataFrame, *, settings: Settings, demo: bool
                  ) -> dict[str, bytes]:
    """``csv/medborgarloften.csv`` and its data dictionary."""
    frame = promises_for_sharing(evaluation)
    years = sorted(int(y) for y in evaluation["year"].dropna().unique())
    return {f"{EXPORT_DIR}/{PROMISE_EXPORT}.csv": excel_csv(frame, ()),
            f"{EXPORT_DIR}/{PROMISE_EXPORT}_dataordlista.txt": promise_dictionary(
                frame, years=years, settings=settings, demo=demo,
                neutralised=neutralised_cells(frame, ()))}
