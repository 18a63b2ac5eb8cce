"""Demo citizen promises (medborgarlöften) 2022–2024 and a synthetic activity log.

The 2022 registry transcribes the eight promises Eslöv kommun and the police signed
in 2022 (texts from the kommun's press release); the indicators and targets are
demo examples, and so are the 2023 and 2024 registries, which reuse the promises.

The survey indicator for "safe out at night in the centre" uses area 01 (Eslövs
tätort) in 2022: the centrum area 06 exists only from 2023, and before that the
centre is part of the tätort. The 2023 registry keeps area 01, which was redrawn
in 2023 (centrum split out), so that indicator cannot be judged (a demonstration of
a redrawn area); the 2024 registry uses area 06 (2023–2024, same boundaries) with a
smallest change that matters of 5 percentage points.

Every registry lists the two overall goals of the 2022 promises (``overgripande_mal``):
people feel safe outdoors at night (the share unsafe in the whole kommun, from 2021: a
pair of years in 2022, a trend from 2023) and youth violence decreases (reported crime from
the synthetic Brå export, ``analysis.demo.crime``: assault against children 7–17 and robbery
of children; a pair of years in 2022, a Poisson trend from 2023, a smallest change of 10 %).
The 2024 registry also shows the other survey methods: a trend for Berga (secondary to the
kommun's primary indicator) and,
for neighbourhood watch, a trend in Rönneberga and two pooled years in Sallerup, judged
with Holm within the promise.

The activity log ``aktivitetslogg.csv`` (UTF-8 with BOM, ``;``) is synthetic and
deterministic (fixed seed): some promises are met (traffic interventions 2022 and
2024), some partly (traffic 2023, neighbourhood watch 2022) and some not.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from pathlib import Path

from analysis.files import write_bytes
from analysis.paths import ACTIVITY_LOG_STEM, PROMISES_DIR

SEED = 20220315
NOTICE_2022 = ("texterna från kommunens pressmeddelande 2022; indikatorer och mål är "
               "demoexempel")
NOTICE_LATER = ("DEMOEXEMPEL: påhittat register som återanvänder 2022 års löftestexter; "
                "indikatorer och mål är demoexempel")

TITLES = {
    "grannsamverkan": "Grannsamverkan i bostadsområdena",
    "trafik": "Minst 40 trafikinsatser per år",
    "trygghetsvandringar": "Minst två trygghetsvandringar per år",
    "ungdomar": "Kontakt och relationer med barn och unga",
    "drogforebyggande": "Drogförebyggande samverkan",
    "lagesbild": "Gemensam lägesbild i Örat mot marken",
    "uniformerad_polis": "Synlig uniformerad polis i stadskärnan",
    "kameraovervakning": "Ansökan om kameraövervakning",
    "trygg_kvall": "Trygga ute på kvällen",
    "ungdomsvald": "Ungdomsvåldet ska minska",
}
GOALS = {
    "trygg_kvall": "Alla som bor, verkar och vistas i Eslövs kommun ska känna sig trygga ute på "
                   "kvällen.",
    "ungdomsvald": "Ungdomsvåldet i kommunen ska minska.",
}

TEXTS = {
    "grannsamverkan": "Tillsammans med bostadsbolagen Eslövs Bostads AB, HSB och Brinova arbeta "
                      "för en lokal grannsamverkan i kommunens bostadsområden i syfte att uppnå "
                      "en ökad trygghet",
    "trafik": "Genomföra riktade insatser mot trafikrelaterade problem enligt den lägesbild som "
              "tagits fram, samt även i den löpande verksamheten med ett antal av minst 40 "
              "insatser per år.",
    "trygghetsvandringar": "Arrangera och bjuda in till trygghetsvandringar på prioriterade "
                           "orter/platser utifrån bland annat resultatet av polisens "
                           "trygghetsmätning 2021. Minst två trygghetsvandring ska genomföras "
                           "under året.",
    "ungdomar": "Arbeta uppsökande, kontaktskapande och bygga relationer med barn och ungdomar "
                "genom bland annat riskzonssamtal och samverkan med Gasverket.",
    "drogforebyggande": "Utveckla samverkansformerna mellan polis och kommun för att stärka det "
                        "drogförebyggande arbetet med ett särskilt fokus på nya brukare av "
                        "narkotika under 18 år.",
    "lagesbild": "Fortsätta att arbeta med och utveckla den gemensamma lokala lägesbilden genom "
                 "Örat mot marken.",
    "uniformerad_polis": "Synlig uniformerad polis finns inom stadskärnan i syfte att arbeta "
                         "kontaktskapande.",
    "kameraovervakning": "Skicka in en ansökan om permanent kameraövervakning i centrala Eslöv.",
}


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _head(pid: str) -> list[str]:
    return [f"  - id: {pid}", f"    rubrik: {_q(TITLES[pid])}", f"    text: {_q(TEXTS[pid])}"]


def _survey(indicator: str, item: str, area: str, *extra: str) -> list[str]:
    return ["      - typ: enkat", f"        indikator: {indicator}", f"        fraga: {item}",
            f"        omrade: '{area}'" if area != "kommunen" else "        omrade: kommunen",
            "        riktning: minska", *(f"        {line}" for line in extra)]


def _neighbourhood(year: int) -> list[str]:
    lines = ["      - typ: aktivitet", "        aktivitet: grannsamverkan", '        mal: ">= 4"']
    if year >= 2024:  # two survey indicators, no primary: Holm within the promise
        lines += ["      # två enkätindikatorer utan primär: Holm-justeras inom löftet"]
        lines += _survey("andel_stort_problem", "bostadsinbrott", "04", "fran_ar: 2021",
                         "till_ar: 2024", "metod: trend")
        lines += _survey("andel_stort_problem", "bostadsinbrott", "05", "fran_ar: 2022",
                         "till_ar: 2024", "metod: poolad")
    return lines


def _youth(year: int) -> list[str]:
    lines = ["      - typ: aktivitet", "        aktivitet: riskzonssamtal", '        mal: ">= 20"']
    if year >= 2024:
        lines += _survey("andel_stort_problem", "ungdomsgang", "kommunen", "primar: ja")
        lines += ["      # Berga: trend över fyra mätår, sekundär (visas men avgör inte)"]
        lines += _survey("andel_stort_problem", "ungdomsgang", "03", "fran_ar: 2021",
                         "till_ar: 2024")
    else:
        lines += _survey("andel_stort_problem", "ungdomsgang", "kommunen")
    return lines


def _centre(year: int) -> list[str]:
    centre = "06" if year >= 2024 else "01"
    why = ("område 06 (Eslövs centrum) finns från 2023; 2023 och 2024 har samma gränser"
           if year >= 2024 else
           "centrum (06) finns först från 2023; före dess ingår centrum i tätorten (01)"
           + ("; 01 ritades om 2023, så 2022 och 2023 kan inte jämföras" if year == 2023 else ""))
    extra = ['minsta_betydelsefulla_forandring: "5 %"'] if year >= 2024 else []
    return [f"    omraden: ['{centre}']",
            "    platser: [{namn: Stora torg, ort: Eslöv}, {namn: Stationen, ort: Eslöv}]",
            "    ansvariga: [Polisen]",
            "    indikatorer:",
            "      - typ: aktivitet",
            "        aktivitet: uniformerad_narvaro",
            '        mal: ">= 24"',
            f"      # {why}",
            *_survey("andel_otrygga", "otrygg_kvall", centre, *extra)]


def _goals(year: int) -> list[str]:
    years = ["fran_ar: 2021", f"till_ar: {year}"] if year > 2022 else []
    return [
        "overgripande_mal:",
        "  - id: trygg_kvall",
        f"    rubrik: {_q(TITLES['trygg_kvall'])}",
        f"    text: {_q(GOALS['trygg_kvall'])}",
        "    problem:",
        '      beskrivning: "Otrygghet ute på kvällen"',
        "      fragor: [otrygg_kvall]",
        "    omraden: [kommunen]",
        "    indikatorer:",
        "      # från 2023 en trend över alla mätår sedan 2021",
        *_survey("andel_otrygga", "otrygg_kvall", "kommunen", *years,
                 'minsta_betydelsefulla_forandring: "3 %"'),
        "  - id: ungdomsvald",
        f"    rubrik: {_q(TITLES['ungdomsvald'])}",
        f"    text: {_q(GOALS['ungdomsvald'])}",
        "    problem:",
        '      beskrivning: "Våld bland och mot unga"',
        "      fragor: [brak_slagsmal, vald_allman_plats]",
        "    omraden: [kommunen]",
        "    indikatorer:",
        "      # anmälda brott (Brå): misshandel mot barn 7–17 år och personrån mot barn;",
        "      # från 2023 en Poissontrend över alla år sedan 2021",
        "      - typ: anmalda_brott",
        "        brott: ungdomsvåld",
        "        omrade: kommunen",
        "        riktning: minska",
        *(["        fran_ar: 2021", f"        till_ar: {year}"] if year > 2022 else []),
        '        minsta_betydelsefulla_forandring: "10 %"',
    ]


def _registry(year: int) -> str:
    notice = NOTICE_2022 if year == 2022 else NOTICE_LATER
    lines = [
        f"# Medborgarlöften {year} – Polisen och Eslövs kommun.",
        f"# {notice}.",
        f"ar: {year}",
        f"undertecknat: {year}-03-15",
        "parter: [Polisen lokalpolisområde Eslöv, Eslövs kommun]",
        f"kalla: {_q(notice)}",
        "loften:",
        *_head("grannsamverkan"),
        "    problem:",
        '      beskrivning: "Bostadsinbrott och otrygghet i bostadsområdena"',
        "      fragor: [bostadsinbrott]",
        "    omraden: [kommunen]",
        "    ansvariga: [Eslövs kommun, Polisen, Eslövs Bostads AB, HSB, Brinova]",
        "    indikatorer:",
        *_neighbourhood(year),
        *_head("trafik"),
        "    problem:",
        '      beskrivning: "Bilar som kör för fort och buskörning"',
        "      fragor: [fortkorning, buskorning, moped_gc]",
        "    omraden: [kommunen]",
        "    ansvariga: [Polisen]",
        "    indikatorer:",
        "      - typ: aktivitet",
        "        aktivitet: trafikinsats",
        '        mal: ">= 40"',
        "      - typ: polisindex",
        "        indikator: fortkorning",
        "        omrade: kommunen",
        "        riktning: minska",
        "        minsta_skillnad: 0.2",
        *_head("trygghetsvandringar"),
        "    problem:",
        '      beskrivning: "Platser som upplevs otrygga, t.ex. mörka områden"',
        "      fragor: [morka_omraden]",
        "    omraden: [kommunen]",
        "    ansvariga: [Eslövs kommun, Polisen]",
        "    indikatorer:",
        "      - typ: aktivitet",
        "        aktivitet: trygghetsvandring",
        '        mal: ">= 2"',
        "      - typ: vandring",
        "        matt: vandringar",
        '        mal: ">= 2"',
        "      - typ: vandring",
        "        matt: andel_atgardade",
        '        mal: ">= 70 %"',
        *_head("ungdomar"),
        "    problem:",
        '      beskrivning: "Ungdomsvåldet ska minska; ungdomsgäng som stör ordningen"',
        "      fragor: [ungdomsgang, brak_slagsmal]",
        "    omraden: [kommunen]",
        "    platser: [{namn: Gasverket, ort: Eslöv}]",
        "    ansvariga: [Polisen, Eslövs kommun]",
        "    indikatorer:",
        *_youth(year),
        *_head("drogforebyggande"),
        "    problem:",
        '      beskrivning: "Narkotika bland unga under 18 år"',
        "      fragor: [narkotikapaverkade, narkotikaforsaljning]",
        "    omraden: [kommunen]",
        "    ansvariga: [Polisen, Eslövs kommun]",
        "    indikatorer:",
        "      - typ: aktivitet",
        "        aktivitet: drogforebyggande",
        '        mal: ">= 6"',
        *_head("lagesbild"),
        "    problem:",
        '      beskrivning: "En gemensam lokal lägesbild"',
        "    omraden: [kommunen]",
        "    ansvariga: [Örat mot marken]",
        "    indikatorer:",
        "      - typ: aktivitet",
        "        aktivitet: orat_mot_marken",
        '        mal: ">= 40"',
        *_head("uniformerad_polis"),
        "    problem:",
        '      beskrivning: "Otrygghet i stadskärnan på kvällen"',
        "      fragor: [otrygg_kvall, berusade]",
        *_centre(year),
    ]
    if year == 2022:
        lines += [
            *_head("kameraovervakning"),
            "    problem:",
            '      beskrivning: "Brott och otrygghet i centrala Eslöv"',
            "      fragor: [skadegorelse, vald_allman_plats]",
            "    omraden: ['01']",
            "    platser: [{namn: Stora torg, ort: Eslöv}]",
            "    ansvariga: [Eslövs kommun]",
            "    indikatorer:",
            "      - typ: milstolpe",
            '        beskrivning: "Ansökan om kameraövervakning inskickad"',
            "        aktivitet: kameraovervakning",
            "        senast: 2022-12-31",
        ]
    lines += _goals(year)
    return "\n".join(lines) + "\n"


# Per year: activity type -> (how many rows, spelling variants used in the log).
PLAN = {
    2022: {"trafikinsats": 43, "riskzonssamtal": 22, "grannsamverkan": 2, "drogforebyggande": 6,
           "orat_mot_marken": 44, "uniformerad_narvaro": 26, "kameraovervakning": 1},
    2023: {"trafikinsats": 31, "riskzonssamtal": 15, "grannsamverkan": 4, "drogforebyggande": 2,
           "orat_mot_marken": 38, "uniformerad_narvaro": 18},
    2024: {"trafikinsats": 45, "riskzonssamtal": 24, "grannsamverkan": 5, "drogforebyggande": 7,
           "orat_mot_marken": 42, "uniformerad_narvaro": 25},
}
# The demo safety walks (analysis/demo/walks.py) logged as activities, with their dates.
WALK_DATES = {2022: ["2022-03-22", "2022-09-27", "2022-11-29"],
              2023: ["2023-03-14", "2023-04-18", "2023-09-19", "2023-11-28"],
              2024: ["2024-04-09", "2024-09-24", "2024-11-26"]}
SPELLING = {"trafikinsats": ["trafikinsats", "Trafikinsats", "Trafikkontroll"],
            "riskzonssamtal": ["riskzonssamtal", "Riskzonssamtal"],
            "grannsamverkan": ["Grannsamverkan", "grannsamverkansmöte"],
            "drogforebyggande": ["Drogförebyggande", "drogforebyggande"],
            "orat_mot_marken": ["Örat mot marken", "orat_mot_marken"],
            "uniformerad_narvaro": ["Uniformerad närvaro", "uniformerad_narvaro", "Synlig polis"],
            "kameraovervakning": ["Ansökan kameraövervakning"],
            "trygghetsvandring": ["Trygghetsvandring"]}
PLACES = {"trafikinsats": [("Väg 113", "02"), ("Föreningsgatan", "01"), ("Marieholm", "02"),
                           ("Västra Ringvägen", "01"), ("Stehag", "02")],
          "uniformerad_narvaro": [("Stora torg", "01"), ("Stationen", "01"), ("Storgatan", "01")],
          "riskzonssamtal": [("Gasverket", "01"), ("", "")],
          "grannsamverkan": [("Berga", "03"), ("Rönneberga", "04"), ("Sallerup", "05")],
          "drogforebyggande": [("Gasverket", "01"), ("", "kommunen")],
          "orat_mot_marken": [("Stadshuset", "kommunen")],
          "kameraovervakning": [("Stora torg", "01")],
          "trygghetsvandring": [("Stora torg", "01")]}
RESPONSIBLE = {"trafikinsats": "Polisen", "uniformerad_narvaro": "Polisen",
               "riskzonssamtal": "Polisen", "grannsamverkan": "Eslövs kommun",
               "drogforebyggande": "Eslövs kommun", "orat_mot_marken": "Eslövs kommun",
               "kameraovervakning": "Eslövs kommun", "trygghetsvandring": "Eslövs kommun"}
NOTES = {"trafikinsats": ["Hastighetskontroll", "Kontroll av mopeder", "Nykterhetskontroll"],
         "uniformerad_narvaro": ["Fotpatrull kväll", "Fotpatrull fredag kväll"],
         "riskzonssamtal": ["Samtal med vårdnadshavare", "Samtal tillsammans med socialtjänsten"],
         "grannsamverkan": ["Informationsträff med bostadsbolag", "Uppstartsmöte"],
         "drogforebyggande": ["Föräldramöte", "Samverkansmöte om unga och narkotika"],
         "orat_mot_marken": ["Veckomöte"],
         "kameraovervakning": ["Ansökan skickad till IMY"],
         "trygghetsvandring": ["Kvällsvandring"]}


def _activity_rows() -> list[list[str]]:
    rng = random.Random(SEED)
    rows = []
    for year, plan in PLAN.items():
        for code, n in plan.items():
            if code == "orat_mot_marken":  # weekly meetings, some weeks skipped
                weeks = sorted(rng.sample(range(1, 52), n))
                dates = [dt.date.fromisocalendar(year, w, 2) for w in weeks]
            elif code == "kameraovervakning":
                dates = [dt.date(year, 10, 14)]
            else:
                days = sorted(rng.sample(range(5, 360), n))
                dates = [dt.date(year, 1, 1) + dt.timedelta(days=d) for d in days]
            for d in dates:
                place, area = rng.choice(PLACES[code])
                rows.append([d.isoformat(), rng.choice(SPELLING[code]), place, area,
                             RESPONSIBLE[code], "1", rng.choice(NOTES[code])])
        for d in WALK_DATES[year]:
            rows.append([d, "Trygghetsvandring", "Stora torg", "01", "Eslövs kommun", "1",
                         "Kvällsvandring"])
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    return rows


def activity_log_bytes() -> bytes:
    """The synthetic activity log as UTF-8 with BOM and ``;`` (byte-reproducible)."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(["datum", "typ", "plats", "omrade", "ansvarig", "antal", "anteckning"])
    w.writerows(_activity_rows())
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


README = """# Medborgarlöften (demo)

- `medborgarloften_2022.yaml`: de åtta medborgarlöften som Polisen och Eslövs kommun
  undertecknade 2022 – texterna från kommunens pressmeddelande 2022; indikatorer och
  mål är demoexempel.
- `medborgarloften_2023.yaml`, `medborgarloften_2024.yaml`: DEMOEXEMPEL som återanvänder
  löftestexterna från 2022.
- Varje register har också de två övergripande målen från 2022 (`overgripande_mal`): att
  alla ska känna sig trygga ute på kvällen och att ungdomsvåldet ska minska.
- `aktivitetslogg.csv`: SYNTETISKA DEMODATA – en påhittad aktivitetslogg 2022–2024 (vissa
  löften uppfylls, andra inte). Inte verkliga insatser.

Formatet beskrivs i docs/medborgarloften.md.
"""


def write(raw_dir: Path) -> list[Path]:
    """Write the demo registries, the activity log and a README; return the paths."""
    folder = Path(raw_dir) / PROMISES_DIR
    written = []
    for year in (2022, 2023, 2024):
        written.append(write_bytes(folder / f"medborgarloften_{year}.yaml",
                                   _registry(year).encode("utf-8")))
    written.append(write_bytes(folder / f"{ACTIVITY_LOG_STEM}.csv", activity_log_bytes()))
    written.append(write_bytes(folder / "README.md", README.encode("utf-8")))
    return written
