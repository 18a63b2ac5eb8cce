"""The yearly lägesbild as one self-contained, offline HTML page (and its figures as PNGs).

``lagesbild_html`` turns the processed tables into a Swedish HTML page: every figure is
embedded as a base64 ``data:`` PNG, the CSS is inline, there is no JavaScript and no
external address, so the file can be mailed or opened without a network. Only
disclosure-controlled values are shown (suppressed estimates never; uncertain ones
marked) and no free text from the walk protocols. The bytes are deterministic: no
timestamps; the page names the survey year and points to ``data/processed/manifest.json``
for the input hashes.

The build stage (``analysis/stages/report.py``) writes ``reports/lagesbild.html`` and the
figures under ``reports/figurer/``. A missing input (no polygons, no walks, no police
index) drops that section with a note instead of failing.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable

import pandas as pd

from analysis import figures
from analysis.areas import TOTAL_AREA, TOTAL_AREA_NAME, area_order
from analysis.codebook import load_codebook
from analysis.formatting import sv_count, sv_interval, sv_number, sv_p, sv_percent, sv_pp, sv_value
from analysis.processed import latest_year
from analysis.settings import Settings
from analysis.style import png_bytes
from analysis.vocabulary import COLUMNS, FIGURES, INDICATORS, NARRATIVE, WALK_COLUMNS

REPORT_FILE = "lagesbild.html"
FIGURE_DIR = "figurer"
MAP_INDICATORS = [("andel_otrygga", "otrygg_kvall"), ("problemindex", "alla")]
RANKING_INDICATORS = [("andel_otrygga", "otrygg_kvall"), ("problemindex", "alla")]
CHANGE_INDICATORS = ["andel_stort_problem", "problemindex"]

CSS = """
body{font-family:"DejaVu Sans",Arial,sans-serif;max-width:980px;margin:0 auto;padding:1em 1.5em;
color:#1a1a1a;line-height:1.45}
h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:2px solid #0072B2;padding-bottom:.2em;
margin-top:2em}h3{margin-top:1.4em}
.demo{background:#FFF3CD;border:2px solid #E69F00;padding:.6em 1em;font-weight:bold;margin:1em 0}
.note{color:#555;font-size:.9em}
table{border-collapse:collapse;margin:.6em 0 1.2em 0;font-size:.92em}
th,td{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#F0F4F8}td.num{text-align:right;white-space:nowrap}
figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
nav ul{columns:2}
"""


def _table(tables: dict, name: str):
    """``tables["estimates.parquet"]`` or ``tables["estimates"]``; None when absent."""
    for key in (f"{name}.parquet", name):
        if key in tables and tables[key] is not None:
            return tables[key]
    return None


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _html_table(headers: list[str], rows: list[list], numeric: set[int] = frozenset()) -> str:
    head = ("<thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in headers) + "</tr></thead>"
            if any(headers) else "")
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{_e(v)}</td>' if i in numeric else f"<td>{_e(v)}</td>"
                         for i, v in enumerate(row)) + "</tr>"
        for row in rows)
    return f"<table>{head}<tbody>{body}</tbody></table>"


def _img(blob: bytes, alt: str) -> str:
    data = base64.b64encode(blob).decode("ascii")
    return f'<figure><img src="data:image/png;base64,{data}" alt="{_e(alt)}"></figure>'


def _area_names(estimates: pd.DataFrame) -> dict[str, str]:
    latest = estimates.sort_values("year", kind="stable").drop_duplicates("area", keep="last")
    names = dict(zip(latest["area"].astype(str), latest["area_name"].astype(str), strict=True))
    names[TOTAL_AREA] = TOTAL_AREA_NAME
    return names


def _value(value, indicator: str) -> str:
    return sv_value(value, figures.is_proportion(indicator))


def _interval(low, high, indicator: str) -> str:
    return sv_interval(low, high, figures.is_proportion(indicator))


# --- figures -----------------------------------------------------------------------------------


def report_figures(tables: dict, *, year: int, demo: bool, settings: Settings | None = None
                   ) -> tuple[dict[str, bytes], list[str]]:
    """All figures of the report as deterministic PNG bytes (``figurer/<name>.png``) + notes.

    A figure whose input table is missing is left out and a Swedish note says so.
    """
    settings = settings or Settings()
    est = _table(tables, "estimates")
    changes = _table(tables, "changes")
    areas = _table(tables, "areas")
    walks = _table(tables, "walk_followup")
    official = _table(tables, "official_vs_survey")
    out: dict[str, bytes] = {}
    notes: list[str] = []

    def add(name: str, make: Callable) -> None:
        out[f"{FIGURE_DIR}/{name}.png"] = png_bytes(make())

    present = est[est["year"] == year]
    for area in area_order(present["area"].astype(str)):
        add(f"storsta_problem_{area}", lambda a=area: figures.top_problems(est, year, a, demo=demo))
    for indicator, item in RANKING_INDICATORS:
        add(f"omraden_{indicator}", lambda i=indicator, t=item:
            figures.area_ranking(est, year, i, t, demo=demo))
    register = areas if areas is not None and "version" in areas else None
    add("trend_andel_otrygga", lambda: figures.trend(est, "andel_otrygga", "otrygg_kvall",
                                                       register=register, demo=demo))
    if changes is not None and (changes["year_to"] == year).any():
        for indicator in CHANGE_INDICATORS:
            add(f"forandringar_{indicator}", lambda i=indicator: figures.changes_overview(
                changes, year, i, alpha=settings.alpha, demo=demo))
    else:
        notes.append("Ingen tidigare mätning att jämföra med: förändringar visas inte.")
    if areas is not None and "geometry" in areas:
        for indicator, item in MAP_INDICATORS:
            add(f"karta_{indicator}", lambda i=indicator, t=item:
                figures.area_map(est, areas, year, i, t, demo=demo))
    else:
        notes.append("Inga områdespolygoner (geodata): kartorna ritas inte.")
    if walks is not None and len(walks):
        names = _area_names(est)
        add("vandringar_omrade", lambda: figures.walk_followup_chart(
            walks, "omrade", names=names, demo=demo))
        if (walks["dimension"] == "ansvarig").any():
            add("vandringar_ansvarig", lambda: figures.walk_followup_chart(
                walks, "ansvarig", demo=demo))
    else:
        notes.append("Inga trygghetsvandringar: avsnittet om vandringar utgår.")
    indicator = _official_indicator(official, year)
    if indicator is not None:
        add(f"polisens_index_{indicator}", lambda: figures.official_vs_survey_chart(
            official, year, indicator, demo=demo))
    else:
        notes.append(f"Inget polisindex för {year}: jämförelsen med polisens index utgår.")
    return out, notes


def _official_indicator(official: pd.DataFrame | None, year: int) -> str | None:
    """The police indicator with the highest kommun value in ``year`` (ties: by code)."""
    if official is None or official.empty:
        return None
    rows = official[(official["year"] == year) & (official["area"] == TOTAL_AREA)
                    & official["official_value"].notna()]
    if rows.empty:
        rows = official[(official["year"] == year) & official["official_value"].notna()]
    if rows.empty:
        return None
    rows = rows.sort_values(["official_value", "indicator"], ascending=[False, True],
                            kind="stable")
    return str(rows["indicator"].iloc[0])


# --- sections ------------------------------------------------------------------------------------


def _top_table(est: pd.DataFrame, year: int, area: str, n: int = 8) -> str:
    rows = est[(est["year"] == year) & (est["indicator"] == figures.PROBLEM_SHARE)
               & (est["area"] == area)]
    shown = rows[~rows["suppressed"].astype(bool) & rows["estimate"].notna()]
    shown = shown.sort_values(["estimate", "item"], ascending=[False, True],
                              kind="stable").head(n)
    labels = load_codebook().item_labels()
    body = [[labels.get(r.item, r.item), sv_percent(r.estimate),
             _interval(r.ci_low, r.ci_high, figures.PROBLEM_SHARE), sv_count(r.n),
             NARRATIVE["uncertain"] if bool(r.uncertain) else ""]
            for r in shown.itertuples()]
    hidden = int(rows["suppressed"].astype(bool).sum())
    note = (f'<p class="note">{hidden} frågor har för få svar och visas inte.</p>'
            if hidden else "")
    return _html_table([COLUMNS["item_label"], INDICATORS[figures.PROBLEM_SHARE], "95 % KI",
                        COLUMNS["n"], COLUMNS["flag_reason"]], body, {1, 2, 3}) + note


def _changes_table(changes: pd.DataFrame, year: int) -> str:
    rows = changes[(changes["year_to"] == year) & changes["significant"].astype(bool)
                   & changes["comparable"].astype(bool) & ~changes["suppressed"].astype(bool)]
    if rows.empty:
        return ("<p>Inga förändringar sedan förra mätningen är statistiskt säkerställda "
                "efter Benjamini–Hochberg-korrektionen.</p>")
    key = rows["area"].astype(str).where(rows["area"] != TOTAL_AREA, "~")
    rows = rows.assign(_k=key).sort_values(["indicator", "_k", "item"], kind="stable")
    codebook = load_codebook()
    body = []
    for r in rows.itertuples():
        word = FIGURES["increase"] if r.delta > 0 else FIGURES["decrease"]
        size = (sv_pp(abs(r.delta)) if figures.is_proportion(r.indicator)
                else sv_number(abs(r.delta), 2))
        area = TOTAL_AREA_NAME if r.area == TOTAL_AREA else r.area_name
        body.append([area, INDICATORS.get(r.indicator, r.indicator),
                     codebook.label(r.item, r.indicator),
                     f"{_value(r.estimate_from, r.indicator)} → {_value(r.estimate_to, r.indicator)}",
                     f"{word} med {size}",
                     sv_p(r.p_bh)])
    return _html_table([COLUMNS["area_name"], COLUMNS["indicator"], COLUMNS["item"],
                        f"{int(rows['year_from'].iloc[0])} → {year}", COLUMNS["delta"],
                        COLUMNS["p_bh"]], body, {3, 5})


def _walk_numbers(walks: pd.DataFrame) -> str:
    rows = walks[walks["dimension"] == "alla"]
    if rows.empty:
        return ""
    r = rows.iloc[0]
    pairs = [(WALK_COLUMNS["observations"], sv_count(r["observations"])),
             (WALK_COLUMNS["problems"], sv_count(r["problems"])),
             (WALK_COLUMNS["duplicates"], sv_count(r["duplicates"])),
             (WALK_COLUMNS["counted"], sv_count(r["counted"])),
             (WALK_COLUMNS["fixed"], sv_count(r["fixed"])),
             (WALK_COLUMNS["share_fixed"], sv_percent(r["share_fixed"])),
             (WALK_COLUMNS["share_fixed_within_target"], sv_percent(r["share_fixed_within_target"])),
             (WALK_COLUMNS["median_days_to_fix"], sv_number(r["median_days_to_fix"], 0)),
             (WALK_COLUMNS["declined"], sv_count(r["declined"])),
             (WALK_COLUMNS["open"], sv_count(r["open"])),
             (WALK_COLUMNS["share_repeated"], sv_percent(r["share_repeated"])),
             (WALK_COLUMNS["as_of"], pd.Timestamp(r["as_of"]).strftime("%Y-%m-%d")),
             (WALK_COLUMNS["target_days"], sv_count(r["target_days"]))]
    return _html_table(["Nyckeltal", "Värde"], [list(p) for p in pairs], {1})


def _official_table(official: pd.DataFrame, year: int, indicator: str) -> str:
    rows = official[(official["year"] == year) & (official["indicator"] == indicator)]
    key = rows["area"].astype(str).where(rows["area"] != TOTAL_AREA, "~")
    rows = rows.assign(_k=key).sort_values("_k", kind="stable")
    body = []
    for r in rows.itertuples():
        own = (NARRATIVE["suppressed"] if bool(r.suppressed) or pd.isna(r.estimate)
               else f"{_value(r.estimate, r.survey_indicator)} "
                    f"({_interval(r.ci_low, r.ci_high, r.survey_indicator)})"
                    + (f", {NARRATIVE['uncertain']}" if bool(r.uncertain) else ""))
        body.append([TOTAL_AREA_NAME if r.area == TOTAL_AREA else r.area_name,
                     sv_number(r.official_value, 2), "ja" if bool(r.at_action_level) else "nej",
                     own])
    survey = INDICATORS.get(str(rows["survey_indicator"].iloc[0]), "") if len(rows) else ""
    return _html_table([COLUMNS["area_name"], COLUMNS["official_value"],
                        COLUMNS["at_action_level"], f"{survey} (95 % KI)"], body, {1})


def lagesbild_html(tables: dict, *, year: int | None = None, demo: bool,
                   settings: Settings | None = None,
                   pngs: dict[str, bytes] | None = None, notes: list[str] | None = None) -> bytes:
    """The lägesbild as self-contained UTF-8 HTML bytes (figures embedded as data URIs).

    ``tables`` holds the processed tables by name (``"estimates.parquet"`` or
    ``"estimates"``); estimates are required, the rest optional. ``year`` defaults to the
    latest survey year. ``pngs``/``notes`` from ``report_figures`` may be passed to avoid
    rendering the figures twice.
    """
    settings = settings or Settings()
    est = _table(tables, "estimates")
    year = latest_year(est) if year is None else int(year)
    if pngs is None:
        pngs, notes = report_figures(tables, year=year, demo=demo, settings=settings)
    notes = list(notes or [])
    changes = _table(tables, "changes")
    walks = _table(tables, "walk_followup")
    official = _table(tables, "official_vs_survey")
    responses = _table(tables, "responses")
    names = _area_names(est)
    years = sorted(int(y) for y in est["year"].unique())
    scorings = ", ".join(sorted(set(est["scoring"].dropna().astype(str))))
    parts: list[str] = []
    add = parts.append
    add(f"<h1>Lägesbild trygghet {year} – {html.escape(settings.kommun_namn)}</h1>")
    if demo:
        add(f'<div class="demo">{_e(FIGURES["demo"])} Rapporten visar hur lägesbilden ser ut, '
            "inte hur det är i kommunen.</div>")
    sections = [("underlaget", "Om underlaget"), ("problem", "Största problemen per område"),
                ("forandringar", "Förändringar sedan förra mätningen"), ("karta", "Karta"),
                ("vandringar", "Trygghetsvandringar"),
                ("polisen", "Polisens index bredvid våra skattningar"), ("metod", "Metod")]
    add("<nav><ul>" + "".join(f'<li><a href="#{k}">{_e(t)}</a></li>' for k, t in sections)
        + "</ul></nav>")

    # Om underlaget
    add('<h2 id="underlaget">Om underlaget</h2>')
    source = ("syntetiska demodata (inte verkliga svar)" if demo
              else "polisens trygghetsmätning, kommunens leverans")
    n_year = (int((responses["year"] == year).sum()) if responses is not None
              else int(est.loc[(est["year"] == year) & (est["area"] == TOTAL_AREA), "n"].max()))
    add(_html_table(["", ""], [
        ["Källa", source], ["Mätår i rapporten", str(year)],
        ["Mätår i underlaget", ", ".join(str(y) for y in years)],
        ["Antal svar " + str(year), sv_count(n_year)],
        ["Poängsättning", scorings],
        ["Publiceringsregler", f"Ingen skattning från färre än {settings.min_n} svar; "
                               f"{settings.min_n}–{settings.uncertain_n - 1} svar eller brett "
                               "intervall märks som osäker skattning; andelar där 1–2 personer "
                               "står bakom täljaren visas inte."],
        ["Indata", "Hashvärden för alla indatafiler finns i data/processed/manifest.json."],
    ]))
    for note in notes:
        add(f'<p class="note">{_e(note)}</p>')

    # Största problemen
    add('<h2 id="problem">Största problemen per område</h2>')
    add(f"<p>Andel som svarat att något är ett stort problem i sitt område, {year}. "
        "Strecken visar 95 % konfidensintervall.</p>")
    for area in area_order(est.loc[est["year"] == year, "area"].astype(str)):
        add(f"<h3>{_e(names.get(area, area))}</h3>")
        key = f"{FIGURE_DIR}/storsta_problem_{area}.png"
        if key in pngs:
            add(_img(pngs[key], f"Största problemen {year}, {names.get(area, area)}"))
        add(_top_table(est, year, area))
    for indicator, _item in RANKING_INDICATORS:
        key = f"{FIGURE_DIR}/omraden_{indicator}.png"
        if key in pngs:
            add(f"<h3>{_e(INDICATORS[indicator])} per område</h3>")
            add(_img(pngs[key], f"{INDICATORS[indicator]} per område {year}"))
    if f"{FIGURE_DIR}/trend_andel_otrygga.png" in pngs:
        add(f"<h3>{_e(INDICATORS['andel_otrygga'])} över tid</h3>")
        add(_img(pngs[f"{FIGURE_DIR}/trend_andel_otrygga.png"], "Andel otrygga över tid"))

    # Förändringar
    add('<h2 id="forandringar">Förändringar sedan förra mätningen</h2>')
    if changes is not None and (changes["year_to"] == year).any():
        for indicator in CHANGE_INDICATORS:
            key = f"{FIGURE_DIR}/forandringar_{indicator}.png"
            if key in pngs:
                add(_img(pngs[key], f"Förändringar {INDICATORS[indicator]}"))
        add("<h3>Statistiskt säkerställda förändringar</h3>")
        add(_changes_table(changes, year))
        add(f'<p class="note">{_e(FIGURES["bh_note"].format(alpha=sv_number(settings.alpha, 2)))}'
            "</p>")
    else:
        add("<p>Ingen tidigare mätning att jämföra med.</p>")

    # Karta
    add('<h2 id="karta">Karta</h2>')
    maps = [k for k in (f"{FIGURE_DIR}/karta_{i}.png" for i, _ in MAP_INDICATORS) if k in pngs]
    if maps:
        add(f"<p>{_e(FIGURES['map_note'])} Klassgränserna står i "
            "analysis/resources/figures.yaml.</p>")
        for key in maps:
            add(_img(pngs[key], "Karta"))
    else:
        add("<p>Inga områdespolygoner i underlaget; kartorna ritas inte.</p>")

    # Trygghetsvandringar
    add('<h2 id="vandringar">Trygghetsvandringar</h2>')
    if walks is not None and len(walks):
        add("<p>Problem som noterats vid trygghetsvandringarna och hur många som åtgärdats. "
            "Protokollens fritext visas inte här.</p>")
        add(_walk_numbers(walks))
        for key in (f"{FIGURE_DIR}/vandringar_omrade.png", f"{FIGURE_DIR}/vandringar_ansvarig.png"):
            if key in pngs:
                add(_img(pngs[key], "Trygghetsvandringar"))
    else:
        add("<p>Inga trygghetsvandringar i underlaget.</p>")

    # Polisens index
    add('<h2 id="polisen">Polisens index bredvid våra skattningar</h2>')
    indicator = _official_indicator(official, year)
    if indicator is not None:
        add(f"<p>Polisens publicerade index (0–6, åtgärdsnivå 3) för den fråga där kommunen "
            f"har högst värde {year}, bredvid vår egen skattning från samma svar.</p>")
        add(_img(pngs[f"{FIGURE_DIR}/polisens_index_{indicator}.png"], "Polisens index"))
        add(_official_table(official, year, indicator))
    else:
        add(f"<p>Inget polisindex för {year} i underlaget.</p>")

    # Metod
    add('<h2 id="metod">Metod</h2>')
    add("<p>Skattningarna är vägda med enkätens vikter och har 95 % konfidensintervall som "
        "tar hänsyn till urvalsdesignen (designeffekt). Andelar visas i procent utan "
        "decimaler, medelpoäng och problemindex med två decimaler. "
        f"Poängsättning: {_e(scorings)}.</p>")
    add(f"<p>Skattningar från färre än {settings.min_n} svar, och andelar där bara 1–2 personer "
        "står bakom täljaren, visas inte (\u201dför få svar\u201d). Skattningar från "
        f"{settings.min_n}–{settings.uncertain_n - 1} svar eller med brett intervall visas men märks "
        "som osäkra (ljusare och randiga i figurerna).</p>")
    add("<p>En förändring mellan två mätningar jämförs bara när områdets gränser är desamma "
        "båda åren. Eftersom många förändringar prövas samtidigt justeras p-värdena med "
        f"Benjamini–Hochberg; en förändring kallas statistiskt säkerställd när det justerade "
        f"p-värdet är under {sv_number(settings.alpha, 2)}.</p>")
    add("<p>Kartorna har fasta klassgränser (samma alla år) och visar bara de områdesversioner "
        "som gällde mätåret. Inga enskilda svarspersoner visas.</p>")
    add('<p class="note">Rapporten skapas av kommandot <code>trygghet build</code>; samma '
        "indata ger exakt samma fil.</p>")
    doc = ("<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n"
           f"<title>Lägesbild trygghet {year}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
           + "\n".join(parts) + "\n</body>\n</html>\n")
    return doc.encode("utf-8")


def report_outputs(tables: dict, *, year: int | None = None, demo: bool,
                   settings: Settings | None = None) -> tuple[dict[str, bytes], list[str]]:
    """``{"figurer/<name>.png": bytes, ..., "lagesbild.html": bytes}`` and notes."""
    est = _table(tables, "estimates")
    year = latest_year(est) if year is None else int(year)
    pngs, notes = report_figures(tables, year=year, demo=demo, settings=settings)
    page = lagesbild_html(tables, year=year, demo=demo, settings=settings, pngs=pngs,
                          notes=notes)
    return pngs | {REPORT_FILE: page}, notes
