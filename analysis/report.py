"""The yearly lägesbild as one self-contained, offline HTML page (and its figures as PNGs).

``lagesbild_html`` turns the processed tables into a Swedish HTML page in the order a
council reads it (``SECTIONS``): *Det viktigaste i år*, problems per area, unsafe at
night, victimisation, worry, avoided activities, trust in the police and "Vet ej",
response rate, safety walks, the police's index beside the survey, sources and their
limits, a glossary and the method. Every figure is embedded as a base64 ``data:`` PNG
at its natural size (so its text is as large as drawn; a wide figure scrolls sideways
on a phone instead of shrinking), the CSS is inline, there is no JavaScript and no
external address, so the file can be mailed or opened without a network. Tables scroll
sideways on a narrow screen and have captions; every image has an alt text that states
its finding. Only disclosure-controlled values are shown (suppressed estimates never;
uncertain ones marked) and no free text from the walk protocols. The bytes are
deterministic: no timestamps.

The build stage (``analysis/stages/report.py``) writes ``reports/lagesbild.html`` and the
figures under ``reports/figurer/``. A missing input (no polygons, no walks, no police
index) drops that part with a note instead of failing.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from matplotlib.figure import Figure

from analysis import figures
from analysis import narrative as nv
from analysis.areas import TOTAL_AREA, area_order
from analysis.breakdown import breakdown_note, breakdown_tables
from analysis.codebook import load_codebook
from analysis.compact import text_isin
from analysis.crime.present import crime_section, sources_row
from analysis.formatting import sv_count, sv_number, sv_percent
from analysis.official import REFERENCE_CAVEAT, reference_levels
from analysis.paths import safe_slug, unique_slugs
from analysis.processed import is_demo, latest_year, previous_year, underlag_line
from analysis.promises import promise_section, status_alt, status_figure
from analysis.settings import Settings
from analysis.style import css_size, png_bytes
from analysis.vocabulary import (
    FIGURES,
    GLOSSARY,
    NARRATIVE,
    READER_INDICATORS,
    REPORT_SECTIONS,
    SOURCES,
    WALK_COLUMNS,
)
from analysis.walks.terms import term_labels

REPORT_FILE = "lagesbild.html"
FIGURE_DIR = "figurer"
UNSAFE = ("andel_otrygga", "otrygg_kvall")
INDEX = ("problemindex", "alla")
# The measures of the sections with one panel per question (items from the codebook).
PANEL_SECTIONS = {"utsatthet": "andel_utsatta", "oro": "andel_oroliga", "avstar": "andel_avstar"}
POLICE_PANELS = [("andel_instammer", "polisen_bryr_sig"),
                 ("andel_stort_fortroende", "fortroende_polis"),
                 ("andel_vet_ej", "polisen_bryr_sig"),
                 ("andel_vet_ej", "fortroende_polis")]

CSS = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{font-family:"DejaVu Sans",Arial,sans-serif;max-width:52rem;margin:0 auto;padding:1rem;
color:#1a1a1a;line-height:1.5;font-size:1rem;overflow-wrap:break-word}
h1{font-size:1.6rem;line-height:1.25;margin:.4em 0 .3em}
h2{font-size:1.3rem;border-bottom:2px solid #0072B2;padding-bottom:.2em;margin-top:2em}
h3{font-size:1.1rem;margin-top:1.4em}
.demo{background:#FFF3CD;border:2px solid #E69F00;padding:.6em 1em;font-weight:bold;margin:1em 0}
.underlag{color:#333;font-size:.95rem}
.note{color:#444;font-size:.92rem}
.viktigast li{margin-bottom:.5em}
.tablewrap{overflow-x:auto;margin:.6em 0 1.2em;max-width:100%}
table{border-collapse:collapse;font-size:.92rem}
caption{caption-side:top;text-align:left;font-weight:bold;padding:.3em 0 .4em}
th,td{border-bottom:1px solid #ddd;padding:.3em .55em;text-align:left;vertical-align:top}
th{background:#F0F4F8}
td.num{text-align:right;white-space:nowrap}
figure{margin:1em 0}
.figscroll{overflow-x:auto;max-width:100%}
.figscroll img{display:block;max-width:none;height:auto;border:1px solid #eee}
.fighint{display:none;color:#555;font-size:.85rem;margin:.2em 0}
nav ul{columns:2;padding-left:1.2em}
dt{font-weight:bold;margin-top:.6em}dd{margin:0 0 .4em 0}
@media (max-width:40rem){nav ul{columns:1}.fighint{display:block}body{padding:.75rem}
table.reflow thead{display:none}
table.reflow,table.reflow tbody,table.reflow tr,table.reflow td{display:block;width:100%}
table.reflow tr{border-bottom:2px solid #ccc;padding:.3em 0}
table.reflow td{border:0;padding:.15em 0;text-align:left;white-space:normal}
table.reflow td::before{content:attr(data-label) ": ";font-weight:bold}}
"""
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def _table(tables: dict, name: str):
    """``tables["estimates.parquet"]`` or ``tables["estimates"]``; None when absent."""
    for key in (f"{name}.parquet", name):
        if key in tables and tables[key] is not None:
            return tables[key]
    return None


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def html_table(headers: list[str], rows: list[list], caption: str,
               numeric: set[int] = frozenset(), reflow: bool = False) -> str:
    """A table with a caption, inside a box that scrolls sideways on a narrow screen.

    ``reflow``: a table of long texts is instead shown as one block per row on a narrow
    screen, each cell preceded by its column's name (``data-label``).
    """
    head = "<thead><tr>" + "".join(f'<th scope="col">{_e(h)}</th>' for h in headers) + \
        "</tr></thead>"

    def cell(i: int, value) -> str:
        label = f' data-label="{_e(headers[i])}"' if reflow else ""
        return (f'<td class="num"{label}>{_e(value)}</td>' if i in numeric
                else f"<td{label}>{_e(value)}</td>")

    body = "".join("<tr>" + "".join(cell(i, v) for i, v in enumerate(row)) + "</tr>"
                   for row in rows)
    table = '<table class="reflow">' if reflow else "<table>"
    return (f'<div class="tablewrap" role="region" tabindex="0" aria-label="{_e(caption)}">'
            f"{table}<caption>{_e(caption)}</caption>{head}<tbody>{body}</tbody></table></div>")


def frame_table(frame: pd.DataFrame, caption: str, numeric: set[str] = frozenset(),
                reflow: bool = False) -> str:
    """``html_table`` of a narrative frame (Swedish headers, text cells, no index)."""
    cols = list(frame.columns)
    rows = [["–" if v is None or (not isinstance(v, str) and pd.isna(v)) else v
             for v in row] for row in frame.itertuples(index=False)]
    return html_table(cols, rows, caption, {i for i, c in enumerate(cols) if c in numeric},
                      reflow=reflow)


def _problem_figures(est: pd.DataFrame, year: int) -> dict[str, str]:
    """``{area code: "figurer/storsta_problem_<slug>.png"}`` for the areas of ``year``.

    The file name never holds the raw code (a code like ``../../X`` would be a path): it
    holds ``safe_slug`` of the code, made unique in ``area_order`` so two codes with the
    same slug get ``_2``, ``_3``. ``report_figures`` and ``lagesbild_html`` both call this,
    so they name the same files.
    """
    areas = area_order(est.loc[est["year"] == year, "area"].astype(str))
    slugs = unique_slugs(areas)
    return {area: f"{FIGURE_DIR}/storsta_problem_{slugs[area]}.png" for area in areas}


def _official_figure(indicator: str) -> str:
    return f"{FIGURE_DIR}/polisens_index_{safe_slug(indicator)}.png"


def _fig(name: str) -> str:
    return f"{FIGURE_DIR}/{name}.png"


def panel_items(estimates: pd.DataFrame, year: int, indicator: str) -> list[tuple[str, str]]:
    """(indicator, item) of every codebook question measured by ``indicator`` in ``year``."""
    codebook = load_codebook()
    present = set(estimates.loc[(estimates["year"] == year)
                                & (estimates["indicator"] == indicator), "item"])
    return [(indicator, i.code) for i in codebook.items
            if i.scale in codebook.shares and codebook.shares[i.scale].indicator == indicator
            and i.code in present]


def _police_panels(estimates: pd.DataFrame, year: int) -> list[tuple[str, str]]:
    rows = estimates[estimates["year"] == year]
    present = set(zip(rows["indicator"], rows["item"], strict=True))
    return [p for p in POLICE_PANELS if p in present]


def _changed(changes: pd.DataFrame | None, year: int) -> bool:
    return changes is not None and bool((changes["year_to"] == year).any())


# --- figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedFigure:
    """One figure of the report: its file, how to draw it and what it shows in words."""

    key: str  # "figurer/<name>.png"
    make: Callable[[], Figure]
    alt: str


@dataclass
class _Plan:
    figures: dict[str, PlannedFigure] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, key: str, make: Callable[[], Figure], alt: str) -> None:
        if key in self.figures:
            raise ValueError(f"två figurer heter {key}")
        self.figures[key] = PlannedFigure(key, make, alt)


def credit_for(tables: dict, *, demo: bool, settings: Settings) -> figures.Credit:
    """The source line's facts: demo or not, who processed, respondents per year."""
    responses = _table(tables, "responses")
    respondents = ({int(y): int(n) for y, n in responses.groupby("year").size().items()}
                   if responses is not None else {})
    return figures.Credit(demo=demo, processor=None if demo else settings.kommun_namn,
                          respondents=respondents)


def settings_from_manifest(manifest: dict) -> Settings:
    """The settings a notebook needs (the kommun's name) from the build's manifest."""
    name = (manifest.get("parametrar") or {}).get("kommun_namn") or Settings.kommun_namn
    return Settings(kommun_namn=name)


def credit_from_manifest(tables: dict, manifest: dict) -> figures.Credit:
    """``credit_for`` with demo and the kommun's name taken from the build's manifest."""
    return credit_for(tables, demo=is_demo(manifest), settings=settings_from_manifest(manifest))


def responsible_names(settings: Settings, terms: pd.DataFrame | None = None) -> dict[str, str]:
    """Responsible parties' names from the build's walk vocabulary (``walk_terms.parquet``:
    the package's neutral defaults with the kommun's ``ordlista.yaml``); the kommun is named
    as in the settings unless the kommun's own vocabulary names it."""
    names = term_labels(terms, "responsible")
    if names.get("kommunen") in (None, Settings.kommun_namn):
        names["kommunen"] = settings.kommun_namn
    return names


def plan_figures(tables: dict, *, year: int, demo: bool, settings: Settings | None = None
                 ) -> tuple[dict[str, PlannedFigure], list[str]]:
    """Every figure of the report (not drawn yet) with its alt text, and notes for the
    figures left out because their input table is missing. File names are constants of
    the code or ``safe_slug`` of a code from the data, never the raw value."""
    settings = settings or Settings()
    est = _table(tables, "estimates")
    changes = _table(tables, "changes")
    areas = _table(tables, "areas")
    register = _table(tables, "area_register")
    walks = _table(tables, "walk_followup")
    official = _table(tables, "official_vs_survey")
    credit = credit_for(tables, demo=demo, settings=settings)
    names = nv.area_names(est)
    plan = _Plan()
    geo = areas is not None and "geometry" in areas
    versions = areas if areas is not None and "version" in areas else (
        register if register is not None and "version" in register else None)

    def ranking(indicator: str, item: str) -> None:
        plan.add(_fig(f"omraden_{indicator}"),
                 lambda: figures.area_ranking(est, year, indicator, item, credit=credit),
                 nv.alt_ranking(est, year, indicator, item))

    def area_map(indicator: str, item: str) -> None:
        if geo:
            plan.add(_fig(f"karta_{indicator}"),
                     lambda: figures.area_map(est, areas, year, indicator, item, credit=credit),
                     nv.alt_ranking(est, year, indicator, item, kind="Karta"))

    ranking(*INDEX)
    area_map(*INDEX)
    if _changed(changes, year):
        plan.add(_fig("forandringar_andel_stort_problem"),
                 lambda: figures.changes_overview(changes, year, credit=credit),
                 nv.alt_changes(changes, year))
    else:
        plan.notes.append("Ingen tidigare mätning att jämföra med: förändringar visas inte.")
    for area, key in _problem_figures(est, year).items():
        plan.add(key, lambda a=area: figures.top_problems(est, year, a, credit=credit),
                 nv.alt_top_problems(est, year, area, names.get(area, area)))
    ranking(*UNSAFE)
    area_map(*UNSAFE)
    if not geo:
        plan.notes.append("Inga områdespolygoner (geodata): kartorna ritas inte.")
    plan.add(_fig("trend_andel_otrygga"),
             lambda: figures.trend(est, *UNSAFE, register=versions, credit=credit),
             nv.alt_trend(est, *UNSAFE))
    for section, indicator in PANEL_SECTIONS.items():
        panels = panel_items(est, year, indicator)
        if panels:
            title = f"{REPORT_SECTIONS[section]} {year}"
            plan.add(_fig(f"{section}"),
                     lambda p=panels, t=title: figures.indicator_panels(est, year, p, t,
                                                                        credit=credit),
                     nv.alt_panels(est, year, panels, title))
    police = _police_panels(est, year)
    if police:
        title = f"{REPORT_SECTIONS['polisen']} {year}"
        plan.add(_fig("polisen"),
                 lambda: figures.indicator_panels(est, year, police, title, credit=credit),
                 nv.alt_panels(est, year, police, title))
    if walks is not None and len(walks):
        plan.add(_fig("vandringar_omrade"),
                 lambda: figures.walk_followup_chart(walks, "omrade", names=names, credit=credit),
                 nv.alt_walks(walks, "omrade", names))
        if (walks["dimension"] == "ansvarig").any():
            responsible = responsible_names(settings, _table(tables, "walk_terms"))
            plan.add(_fig("vandringar_ansvarig"),
                     lambda: figures.walk_followup_chart(walks, "ansvarig", names=responsible,
                                                         credit=credit),
                     nv.alt_walks(walks, "ansvarig", responsible))
    else:
        plan.notes.append("Inga trygghetsvandringar: avsnittet om vandringar utgår.")
    indicator = official_indicator(official, year)
    if indicator is not None:
        plan.add(_official_figure(indicator),
                 lambda: figures.official_vs_survey_chart(official, year, indicator,
                                                          credit=credit),
                 nv.alt_official(official, year, indicator))
    else:
        plan.notes.append(f"Inget polisindex för {year}: jämförelsen med polisens index utgår.")
    crime = crime_section(tables, year, demo=demo, settings=settings, credit=credit)
    if crime is not None:
        for figure in crime.figures:
            plan.add(figure.key, figure.make, figure.alt)
    else:
        plan.notes.append("Inga anmälda brott i underlaget: avsnittet om anmälda brott utgår.")
    evaluation = _table(tables, "promise_evaluation")
    if evaluation is not None and len(evaluation):
        plan.add(_fig("medborgarloften"),
                 lambda: status_figure(evaluation, year, demo=demo, source=credit.line(
                     SOURCES["promises_demo" if demo else "promises"])),
                 status_alt(evaluation, year))
    else:
        plan.notes.append("Inga medborgarlöften i underlaget: avsnittet om medborgarlöften utgår.")
    return plan.figures, plan.notes


def report_figures(tables: dict, *, year: int, demo: bool, settings: Settings | None = None,
                   part: tuple[int, int] | None = None) -> tuple[dict[str, bytes], list[str]]:
    """All figures of the report as deterministic PNG bytes (``figurer/<name>.png``) + notes.

    A figure whose input table is missing is left out and a Swedish note says so.
    ``part=(k, n)``: only every n-th figure from the k-th (in the report's order), so that
    n processes can draw the report together; together they give every figure once.
    """
    planned, notes = plan_figures(tables, year=year, demo=demo, settings=settings)
    k, n = part or (0, 1)
    return {key: png_bytes(p.make()) for i, (key, p) in enumerate(planned.items())
            if i % n == k}, notes


def official_indicator(official: pd.DataFrame | None, year: int) -> str | None:
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


# --- the page ----------------------------------------------------------------------------------


@dataclass
class _Page:
    """What the sections read: the tables, the year, the figures and their alt texts."""

    tables: dict
    year: int
    demo: bool
    settings: Settings
    pngs: dict[str, bytes]
    planned: dict[str, PlannedFigure]
    notes: list[str]

    def __post_init__(self) -> None:
        self.est = _table(self.tables, "estimates")
        self.changes = _table(self.tables, "changes")
        self.names = nv.area_names(self.est)

    def img(self, key: str) -> str:
        """The figure ``key`` at its natural size, with its alt text ("" when not drawn)."""
        if key not in self.pngs:
            return ""
        blob = self.pngs[key]
        width, height = css_size(blob)
        alt = self.planned[key].alt if key in self.planned else FIGURES["no_estimates"]
        data = base64.b64encode(blob).decode("ascii")
        return (f'<figure><div class="figscroll"><img src="data:image/png;base64,{data}" '
                f'alt="{_e(alt)}" width="{width}" height="{height}" data-figur="{_e(key)}">'
                '</div><p class="fighint">Dra i sidled för att se hela figuren.</p></figure>')


def _section(key: str, body: str, title: str | None = None) -> str:
    return (f'<section id="{key}">\n<h2>{_e(title or REPORT_SECTIONS[key])}</h2>\n{body}\n'
            "</section>")


def _key_findings(p: _Page) -> str:
    items = nv.key_findings(p.est, p.changes, p.year)
    return _section("viktigast", '<ul class="viktigast">'
                    + "".join(f"<li>{_e(s)}</li>" for s in items) + "</ul>")


def _problems(p: _Page) -> str:
    year = p.year
    parts = [f"<p>Hur stora problem de boende upplever i sitt område {year}. Andelarna är de som "
             "svarat att något är ett ganska eller mycket stort problem. Problemindex väger "
             "ihop alla problemfrågor (se ordlistan).</p>",
             "<h3>Problemindex per område</h3>", p.img(_fig("omraden_problemindex")),
             p.img(_fig("karta_problemindex"))]
    if _changed(p.changes, year):
        findings = nv.change_findings(p.changes, year)
        year_from = int(p.changes.loc[p.changes["year_to"] == year, "year_from"].max())
        parts += [f"<h3>Förändringar sedan {year_from}</h3>",
                  "<p>Alla förändringar av andelen som ser något som ett stort problem. Bara de "
                  "fyllda trianglarna är statistiskt säkerställda; övriga kan vara slump.</p>",
                  p.img(_fig("forandringar_andel_stort_problem"))]
        if findings.empty:
            parts.append(f"<p>Ingen förändring sedan {year_from} är statistiskt "
                         "säkerställd.</p>")
        else:
            parts.append(frame_table(
                nv.findings_table(findings),
                f"Statistiskt säkerställda förändringar {year_from}–{year}: en rad per fråga och "
                "område (andel, medelpoäng och problemindex för samma fråga är ett fynd)",
                {"Före → efter", "Justerat p-värde"}, reflow=True))
    else:
        parts.append(f"<p>Det finns ingen tidigare mätning att jämföra {year} med.</p>")
    parts.append("<p>Nedan de åtta största problemen i varje område, med 95 % "
                 "konfidensintervall.</p>")
    for area, key in _problem_figures(p.est, year).items():
        name = p.names.get(area, area)
        parts.append(f"<h3>{_e(name)}</h3>")
        parts.append(p.img(key))
        table = nv.largest_problems(p.est, year, area)
        hidden = int(p.est[(p.est["year"] == year) & (p.est["area"] == area)
                           & (p.est["indicator"] == figures.PROBLEM_SHARE)]["suppressed"]
                     .astype(bool).sum())
        if len(table):
            parts.append(frame_table(table, f"De största problemen {year}: {name}",
                                     {READER_INDICATORS[figures.PROBLEM_SHARE], "95 % KI",
                                      "Antal svar"}))
        if hidden:
            parts.append(f'<p class="note">{hidden} frågor visas inte (röjandekontroll).</p>')
    return _section("problem", "\n".join(x for x in parts if x))


def _unsafe(p: _Page) -> str:
    year = p.year
    previous = previous_year(p.est, year)
    table = nv.indicator_table(p.est, year, *UNSAFE, previous)
    parts = ["<p>Andelen som skulle känna sig ganska eller mycket otrygg ute ensam en sen kväll "
             "i sitt område, eller som aldrig går ut av otrygghet.</p>",
             f"<p>{_e(nv.total_sentence(p.est, year, *UNSAFE))}</p>",
             p.img(_fig("omraden_andel_otrygga")), p.img(_fig("karta_andel_otrygga")),
             "<h3>Över tid</h3>", p.img(_fig("trend_andel_otrygga")),
             frame_table(table, f"Andel otrygga ute sent på kvällen per område, {year}"
                         + (f" och {previous}" if previous else ""),
                         {c for c in table.columns if c.startswith("Antal svar")})]
    return _section("otrygghet", "\n".join(x for x in parts if x))


INTROS = {
    "utsatthet": "Andelen som svarat att de själva utsatts för brottet under de senaste tolv "
                 "månaderna.",
    "oro": "Andelen som mycket eller ganska ofta känner oro för brottet.",
    "avstar": "Andelen som under de senaste tolv månaderna ofta eller ibland avstått från "
              "aktiviteten av oro för brott.",
}


def _panel_section(key: str) -> Callable[[_Page], str]:
    def build(p: _Page) -> str:
        panels = panel_items(p.est, p.year, PANEL_SECTIONS[key])
        if not panels:
            return _section(key, f"<p>Frågorna ingår inte i mätningen {p.year}.</p>")
        table = nv.indicator_matrix(p.est, p.year, panels)
        parts = [f"<p>{_e(INTROS[key])} Punkterna visar skattningen och strecken 95 % "
                 "konfidensintervall.</p>", p.img(_fig(key)),
                 frame_table(table, f"{REPORT_SECTIONS[key]} per område {p.year}, med 95 % "
                                    "konfidensintervall (* osäker skattning)")]
        return _section(key, "\n".join(x for x in parts if x))
    return build


def _police_trust(p: _Page) -> str:
    panels = _police_panels(p.est, p.year)
    if not panels:
        return _section("polisen", f"<p>Frågorna om polisen ingår inte i mätningen {p.year}.</p>")
    table = nv.indicator_matrix(p.est, p.year, panels)
    parts = ["<p>Hur många som instämmer i att polisen bryr sig om de lokala problemen och som "
             "har stort förtroende för polisen – och hur många som svarat <em>Vet ej</em>. "
             "Andelarna som instämmer räknas bara bland dem som tog ställning; en hög andel Vet "
             "ej betyder att många inte har någon uppfattning om polisens arbete i området, "
             "vilket är ett resultat i sig.</p>", p.img(_fig("polisen")),
             frame_table(table, f"Förtroende för polisen och andel Vet ej per område {p.year} "
                                "(* osäker skattning)")]
    return _section("polisen", "\n".join(x for x in parts if x))


def _response_rate(p: _Page) -> str:
    responses = _table(p.tables, "responses")
    register = _table(p.tables, "area_register")
    if responses is None:
        total = p.est.loc[(p.est["year"] == p.year) & (p.est["area"] == TOTAL_AREA), "n"].max()
        return _section("svarsfrekvens", f"<p>Antal svar {p.year}: "
                        f"{sv_count(None if pd.isna(total) else total)}; antalet inbjudna är "
                        "okänt.</p>")
    rates = nv.response_rates(responses, register, p.year)
    parts = [frame_table(nv.response_rate_table(rates),
                         f"Inbjudna, svar och svarsfrekvens per område {p.year}",
                         {"Inbjudna", "Svar", "Svarsfrekvens"})]
    if rates["invited"].isna().all():
        parts.append('<p class="note">Antalet inbjudna är okänt, så svarsfrekvensen kan inte '
                     "räknas. Skriv antalet i kolumnen <code>inbjudna</code> i "
                     "områdesindelningen (omradesindelning.csv).</p>")
    else:
        parts.append('<p class="note">Svarsfrekvens = svar / inbjudna. En låg svarsfrekvens gör '
                     "inte automatiskt resultaten fel, men de som svarar kan skilja sig från dem "
                     "som inte svarar; vikterna rättar bara delvis för det.</p>")
    return _section("svarsfrekvens", "\n".join(parts))


def _walk_numbers(walks: pd.DataFrame, period: str) -> str:
    rows = walks[walks["dimension"] == "alla"]
    if rows.empty:
        return ""
    r = rows.iloc[0]
    pairs = [(WALK_COLUMNS["problems"], sv_count(r["problems"])),
             (WALK_COLUMNS["duplicates"], sv_count(r["duplicates"])),
             (WALK_COLUMNS["counted"], sv_count(r["counted"])),
             (WALK_COLUMNS["fixed"], sv_count(r["fixed"])),
             (WALK_COLUMNS["share_fixed"], sv_percent(r["share_fixed"])),
             (WALK_COLUMNS["share_fixed_within_target"], sv_percent(r["share_fixed_within_target"])),
             (WALK_COLUMNS["target_days"], sv_count(r["target_days"])),
             (WALK_COLUMNS["median_days_to_fix"], sv_number(r["median_days_to_fix"], 0)),
             (WALK_COLUMNS["declined"], sv_count(r["declined"])),
             (WALK_COLUMNS["open"], sv_count(r["open"])),
             (WALK_COLUMNS["share_repeated"], sv_percent(r["share_repeated"])),
             (WALK_COLUMNS["as_of"], pd.Timestamp(r["as_of"]).strftime("%Y-%m-%d"))]
    return html_table(["Nyckeltal", "Värde"], [list(x) for x in pairs],
                      f"Trygghetsvandringarna {period} i siffror", {1})


def _walks(p: _Page) -> str:
    walks = _table(p.tables, "walk_followup")
    if walks is None or not len(walks):
        return _section("vandringar", "<p>Inga trygghetsvandringar i underlaget.</p>")
    period = nv.walk_period(walks)
    parts = [f"<p>{_e(nv.walk_summary(walks))} Protokollens fritext visas inte här.</p>",
             _walk_numbers(walks, period), "<h3>Per område</h3>",
             p.img(_fig("vandringar_omrade")), "<h3>Per ansvarig</h3>",
             p.img(_fig("vandringar_ansvarig"))]
    title = f"{REPORT_SECTIONS['vandringar']} {period}".strip()
    return _section("vandringar", "\n".join(x for x in parts if x), title)


def _official_table(official: pd.DataFrame, year: int, indicator: str) -> str:
    table = nv.official_side_by_side(official, year, indicator)
    name = str(official.loc[official["indicator"] == indicator, "indicator_name"].iloc[0])
    return frame_table(table, f"Polisens index och enkätens andel per område {year}: {name}",
                       {"Polisens index"})


def _police_index(p: _Page) -> str:
    official = _table(p.tables, "official_vs_survey")
    indicator = official_indicator(official, p.year)
    if indicator is None:
        return _section("polisindex", f"<p>Inget polisindex för {p.year} i underlaget.</p>")
    parts = [f"<p>Polisens publicerade index (skala 0–6; över 3 bedömer polisen att åtgärder "
             f"behövs) för den fråga där kommunen har högst värde {p.year}, bredvid enkätens "
             "andel från samma svar. Indexet och andelen mäter inte samma sak på samma skala; "
             "det som kan jämföras är om de pekar ut samma områden.</p>",
             p.img(_official_figure(indicator)), _official_table(official, p.year, indicator),
             f"<p>{_e(nv.agreement_text(official, p.year, indicator))}</p>"]
    indices = _table(p.tables, "official_indices")
    levels = (reference_levels(indices, p.est, p.year, indicator)
              if indices is not None and len(indices) else None)
    if levels is not None and (levels["Nivå"] != "Kommunen").any():
        name = official.loc[official["indicator"] == indicator, "indicator_name"].iloc[0]
        parts += [frame_table(levels, f"Polisens index {p.year} för kommunen och "
                              f"jämförelseområdena: {name}", {"Polisens index"}),
                  f'<p class="note">{_e(REFERENCE_CAVEAT)}</p>']
    return _section("polisindex", "\n".join(x for x in parts if x))


def sources_frame(tables: dict, year: int, demo: bool) -> pd.DataFrame:
    """``narrative.sources_overview`` filled in from the processed tables."""
    est = _table(tables, "estimates")
    responses = _table(tables, "responses")
    walks = _table(tables, "walks")
    followup = _table(tables, "walk_followup")
    official = _table(tables, "official_indices")
    if official is None:
        official = _table(tables, "official_vs_survey")
    areas = _table(tables, "areas")
    years = sorted(int(y) for y in est["year"].unique())
    n = int((responses["year"] == year).sum()) if responses is not None else None
    n_walks = (len(walks) if walks is not None and len(walks) else None)
    return nv.sources_overview(
        crime=sources_row(_table(tables, "crime_rates"), demo=demo),
        years=years, respondents=n, walks=n_walks,
        walk_years=nv.walk_period(followup) if followup is not None else "",
        official_years=sorted({int(y) for y in official["year"].unique()})
        if official is not None and len(official) else None,
        areas=areas is not None and "geometry" in areas, demo=demo)


def _breakdown(p: _Page) -> str:
    tables = breakdown_tables(_table(p.tables, "estimates_by_group"), p.est, p.year)
    if not tables:
        return _section("kon_alder", f"<p>{_e(NARRATIVE['breakdown_missing'])}</p>")
    parts = [f"<p>{_e(NARRATIVE['breakdown_intro'])}</p>"]
    parts += [frame_table(frame, caption, set(frame.columns[1:])) for caption, frame in tables]
    parts.append(f'<p class="note">{_e(breakdown_note())}</p>')
    return _section("kon_alder", "\n".join(parts))


def _crime(p: _Page) -> str:
    section = crime_section(p.tables, p.year, demo=p.demo, settings=p.settings)
    if section is None:
        return _section("brott", "<p>Inga anmälda brott i underlaget.</p>")
    parts = [f"<p>{_e(section.intro)}</p>",
             '<ul class="viktigast">' + "".join(f"<li>{_e(x)}</li>" for x in section.findings)
             + "</ul>" if section.findings else "",
             *[p.img(f.key) for f in section.figures],
             *[frame_table(frame, caption) for caption, frame in section.tables],
             *[f'<p class="note">{_e(n)}</p>' for n in section.notes],
             "<h3>Vad anmälda brott inte kan visa</h3><ul>"
             + "".join(f"<li>{_e(x)}</li>" for x in section.limits) + "</ul>"]
    return _section("brott", "\n".join(x for x in parts if x), section.title)


def _promises(p: _Page) -> str:
    section = promise_section(_table(p.tables, "promise_evaluation"), p.year, demo=p.demo)
    if section is None:
        return _section("loften", "<p>Inga medborgarlöften i underlaget.</p>", "Medborgarlöften")
    body = [f"<p>{_e(section.intro)}</p>", p.img(_fig("medborgarloften")),
            frame_table(section.overview,
                        f"Medborgarlöften {section.year}: genomförande och effekt"),
            frame_table(section.table, f"Medborgarlöften {section.year}: en mening per indikator"),
            f'<p class="note">{_e(section.note)}</p>']
    return _section("loften", "\n".join(x for x in body if x), f"Medborgarlöften {section.year}")


def _sources(p: _Page) -> str:
    frame = sources_frame(p.tables, p.year, p.demo)
    parts = ["<p>Brå råder att en lägesbild säger vilka källor som använts, vilka som inte "
             "använts och varför, och vad källorna inte kan visa.</p>",
             frame_table(frame, "Källor till lägesbilden och deras begränsningar",
                         reflow=True)]
    parts += [f'<p class="note">{_e(n)}</p>' for n in p.notes]
    return _section("kallor", "\n".join(parts))


def glossary(settings: Settings | None = None) -> list[tuple[str, str]]:
    """The glossary's terms and definitions, with the publication rules filled in."""
    settings = settings or Settings()
    fields = {"min_n": settings.min_n, "uncertain_max": settings.uncertain_n - 1}
    return [(term, text.format(**fields)) for term, text in GLOSSARY.items()]


def _glossary(p: _Page) -> str:
    items = "".join(f"<dt>{_e(term)}</dt><dd>{_e(text)}</dd>"
                    for term, text in glossary(p.settings))
    return _section("ordlista", f"<dl>{items}</dl>")


def _method(p: _Page) -> str:
    s = p.settings
    codebook = load_codebook()
    scorings = sorted(set(p.est["scoring"].dropna().astype(str)))
    scale = "; ".join(str(codebook.scorings.get(n, {}).get("description", n)) for n in scorings)
    parts = [
        "<p>Siffrorna är vägda med enkätens vikter. Konfidensintervallen (95 %) tar hänsyn till "
        "hur urvalet gjordes. Andelar visas i hela procent, medelpoäng och problemindex med två "
        f"decimaler. Problemfrågorna poängsätts {_e(scale[:1].lower() + scale[1:])}.</p>",
        f"<p>Siffror som bygger på färre än {s.min_n} svar, andelar där bara 1–2 personer "
        "står bakom, och siffror som annars skulle gå att räkna fram ur dem, visas inte "
        "(\u201dvisas inte (röjandekontroll)\u201d). Siffror från "
        f"{s.min_n}–{s.uncertain_n - 1} svar eller med brett intervall visas men märks som "
        "osäkra (ljusare och randiga, eller ofyllda punkter).</p>",
        "<p>En förändring mellan två mätningar räknas bara när områdets gränser är desamma "
        "båda åren. Eftersom många förändringar prövas samtidigt justeras p-värdena så att "
        "andelen falska fynd hålls nere (metoden heter Benjamini–Hochberg); en förändring "
        f"kallas statistiskt säkerställd när det justerade p-värdet är under "
        f"{sv_number(s.alpha, 2)}.</p>",
        "<p>Kartorna har fasta klassgränser (samma alla år) och visar de områdesgränser som "
        "gällde mätåret. Inga enskilda svarspersoner visas.</p>",
        '<p class="note">Rapporten skapas av kommandot <code>trygghet build</code>; samma '
        "underlag ger exakt samma fil.</p>"]
    return _section("metod", "\n".join(parts))


# The order of the lägesbild (issue 10). Two places are kept for sections built elsewhere.
SECTIONS: list[tuple[str, Callable[[_Page], str]]] = [
    ("viktigast", _key_findings),
    ("problem", _problems),
    ("otrygghet", _unsafe),
    ("utsatthet", _panel_section("utsatthet")),
    ("oro", _panel_section("oro")),
    ("avstar", _panel_section("avstar")),
    ("polisen", _police_trust),
    ("kon_alder", _breakdown),
    ("svarsfrekvens", _response_rate),
    ("vandringar", _walks),
    ("polisindex", _police_index),
    ("brott", _crime),
    ("loften", _promises),
    ("kallor", _sources),
    ("ordlista", _glossary),
    ("metod", _method),
]


def _nav(sections: list[tuple[str, str]]) -> str:
    return ('<nav aria-label="Innehåll"><ul>'
            + "".join(f'<li><a href="#{k}">{_e(t)}</a></li>' for k, t in sections)
            + "</ul></nav>")


def lagesbild_html(tables: dict, *, year: int | None = None, demo: bool,
                   settings: Settings | None = None,
                   pngs: dict[str, bytes] | None = None, notes: list[str] | None = None,
                   underlag: str | None = None) -> bytes:
    """The lägesbild as self-contained UTF-8 HTML bytes (figures embedded as data URIs).

    ``tables`` holds the processed tables by name (``"estimates.parquet"`` or
    ``"estimates"``); estimates are required, the rest optional. ``year`` defaults to the
    latest survey year. ``pngs``/``notes`` from ``report_figures`` may be passed to avoid
    rendering the figures twice. ``underlag`` is the "Underlag" line
    (``analysis.processed.underlag_line``); without it the line says only demo or not.
    """
    settings = settings or Settings()
    est = _table(tables, "estimates")
    year = latest_year(est) if year is None else int(year)
    planned, planned_notes = plan_figures(tables, year=year, demo=demo, settings=settings)
    if pngs is None:
        pngs = {key: png_bytes(p.make()) for key, p in planned.items()}
        notes = planned_notes
    page = _Page(tables, year, demo, settings, pngs, planned, list(notes or []))
    bodies = [(key, build(page)) for key, build in SECTIONS]
    heads = []
    for key, body in bodies:
        start = body.find("<h2>") + 4
        heads.append((key, html.unescape(body[start:body.find("</h2>")])))
    underlag = underlag or underlag_line({"kalla": "demo" if demo else "kommunens filer",
                                          "ar": year})
    parts = [f"<h1>Lägesbild trygghet {year} – {_e(settings.kommun_namn)}</h1>"]
    if demo:
        parts.append(f'<div class="demo">{_e(FIGURES["demo"])} Rapporten visar hur lägesbilden '
                     "ser ut, inte hur det är i kommunen.</div>")
    parts.append(f'<p class="underlag">{_e(underlag)}</p>')
    parts.append(_nav(heads))
    parts += [body for _, body in bodies]
    doc = ("<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n"
           f"{VIEWPORT}\n<title>Lägesbild trygghet {year}</title>\n<style>{CSS}</style>\n"
           "</head>\n<body>\n<main>\n" + "\n".join(parts) + "\n</main>\n</body>\n</html>\n")
    return doc.encode("utf-8")


def focus_areas(tables: dict, year: int, limit: int) -> tuple[dict, str | None]:
    """The tables the report draws, limited to ``limit`` areas when there are more.

    A lägesbild with thousands of areas (a region, the country) cannot show a figure and
    a table per area: it shows the kommun (or whole delivery) total and the ``limit``
    areas with the highest problemindex in ``year`` (ties by code), and says so; every
    area stays in the CSV files.
    """
    est = _table(tables, "estimates")
    in_year = est[(est["year"] == year) & (est["area"] != TOTAL_AREA)]
    n_areas = int(in_year["area"].nunique())
    if n_areas <= limit:
        return tables, None
    index = in_year[(in_year["indicator"] == INDEX[0]) & (in_year["item"] == INDEX[1])
                    & in_year["estimate"].notna()]
    ranked = index.sort_values(["estimate", "area"], ascending=[False, True], kind="stable")
    keep = list(ranked["area"].astype(str).head(limit))
    if len(keep) < limit:  # too few published index values: fill up by code
        rest = sorted(set(in_year["area"].astype(str)) - set(keep))
        keep += rest[:limit - len(keep)]
    chosen = set(keep) | {TOTAL_AREA}
    out = dict(tables)
    for name in ("estimates", "changes", "official_vs_survey"):
        for key in (name, f"{name}.parquet"):
            frame = out.get(key)
            if frame is not None and "area" in frame:
                out[key] = frame[text_isin(frame["area"], chosen)]
    note = (f"Underlaget har {sv_count(n_areas)} områden {year}. Lägesbilden visar de "
            f"{limit} med högst problemindex och hela underlaget; alla områden finns i "
            "CSV-filerna i reports/csv/.")
    return out, note


def report_outputs(tables: dict, *, year: int | None = None, demo: bool,
                   settings: Settings | None = None, underlag: str | None = None
                   ) -> tuple[dict[str, bytes], list[str]]:
    """``{"figurer/<name>.png": bytes, ..., "lagesbild.html": bytes}`` and notes."""
    settings = settings or Settings()
    est = _table(tables, "estimates")
    year = latest_year(est) if year is None else int(year)
    tables, focus = focus_areas(tables, year, settings.report_max_areas)
    return focused_report(tables, year=year, focus=focus, demo=demo, settings=settings,
                          underlag=underlag)


def focused_report(tables: dict, *, year: int, focus: str | None, demo: bool,
                   settings: Settings, underlag: str | None = None
                   ) -> tuple[dict[str, bytes], list[str]]:
    """``report_outputs`` after ``focus_areas`` (``focus``: its note, or None): the figures
    and the page (a national build draws the figures in other processes instead:
    ``analysis.stages.report``)."""
    pngs, notes = report_figures(tables, year=year, demo=demo, settings=settings)
    if focus:
        notes = [focus, *notes]
    page = lagesbild_html(tables, year=year, demo=demo, settings=settings, pngs=pngs,
                          notes=notes, underlag=underlag)
    return pngs | {REPORT_FILE: page}, notes
