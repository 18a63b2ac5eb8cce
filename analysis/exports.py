"""CSV summaries for Örat mot marken that open correctly in Swedish Excel.

Format (DOMAIN §6): ``;`` separator, decimal comma, UTF-8 with BOM (and no
``sep=`` line, which would make Excel ignore the BOM), CRLF line ends, Swedish
headers from ``analysis.vocabulary``, numbers rounded explicitly and written as
text by us (so Excel never sees ``1e-05`` or a lost decimal comma), area codes
kept as text (leading zeros survive). Each file gets a data dictionary
(``<name>_dataordlista.txt``) beside it: source, method, scoring, suppression
rules and what every column means.

Only disclosure-controlled tables are exported; respondent rows and free text
never reach these functions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.codebook import Codebook, load_codebook
from analysis.formatting import csv_decimal, csv_int, csv_yes_no
from analysis.settings import Settings
from analysis.vocabulary import COLUMNS, INDICATORS, PROPORTION_INDICATORS

EXPORT_DIR = "csv"


def excel_text(values: pd.Series) -> pd.Series:
    """Codes that Excel would turn into numbers (digits with a leading zero) as ``="01"``.

    Excel drops leading zeros when it opens a CSV; the ``="…"`` form is shown as the text
    01 in Excel and LibreOffice. Other codes are written as they are.
    """
    text = values.astype("string").fillna("")
    return text.mask(text.str.fullmatch(r"0\d+"), '="' + text + '"')


def _csv_field(value: str) -> str:
    if value.startswith('="') and value.endswith('"') and value.count('"') == 2:
        return value  # Excel's text form, written bare so that Excel reads it as text
    if any(c in value for c in ';"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def excel_csv(frame: pd.DataFrame) -> bytes:
    """A frame of strings as Swedish-Excel CSV bytes (``;``, UTF-8 with BOM, CRLF)."""
    rows = [list(map(str, frame.columns))]
    rows += [list(r) for r in frame.astype("string").fillna("").itertuples(index=False)]
    text = "".join(";".join(_csv_field(v) for v in row) + "\r\n" for row in rows)
    return text.encode("utf-8-sig")


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


def data_dictionary(title: str, frame: pd.DataFrame, descriptions: dict[str, str], *,
                    years: list[int], settings: Settings, source: str) -> bytes:
    """A short Swedish data dictionary to lay beside an exported CSV."""
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
        "Format: semikolon mellan kolumner, decimalkomma, UTF-8 med BOM. Områdeskoder är text; "
        'koder med inledande nolla skrivs ="01" så att Excel behåller nollan.',
        "Indata och kontrollsummor: data/processed/manifest.json.",
        "", "Kolumner:",
    ]
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
                 demo: bool) -> dict[str, bytes]:
    """The CSV files and their data dictionaries, ``{"csv/<name>.csv": bytes, ...}``."""
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
        out[f"{EXPORT_DIR}/{name}.csv"] = excel_csv(frame)
        out[f"{EXPORT_DIR}/{name}_dataordlista.txt"] = data_dictionary(
            title, frame, desc, years=years, settings=settings, source=source)
    return out
