"""Synthetic safety-walk deliveries for 2019–2024, shaped like Eslöv's (DOMAIN §2c, §4).

Two to four walks a year: every year the central walk around Stora torg
(Badhusparken – Stora torg – stationen – Stationsgränd – Malmgatan – Kanalgatan –
Storgatan – Stadsparken – Medborgarhuset) in the dark of late autumn, and walks
in Berga, Rönneberga, Sallerup and the villages of Landsbygd (Marieholm, Stehag,
Löberöd). 20–60 observations a walk, with categories and severities that differ
by area (lighting and social unrest in the centre and Berga, traffic in
Landsbygd), a share of places worth keeping ("värna"), statuses and fix dates as
a kommun records them (most fixed within months, some declined with a reason,
some open for long), and spots that come back in later walks.

The protocols come in the formats kommuner get: 2019–2020 as cp1252 CSV with
``;`` and SWEREF 99 13 30 X/Y from the municipal GIS (X = northing, the Swedish
convention; the coordinate system named in ``vandringar.csv`` or in the
protocol), 2021– as UTF-8 CSV with ``,`` and WGS84 lat/lon from a phone, one
walk as Excel, and some rows with only a place name. Every file says that the
data are synthetic (column ``Datakälla``), and so does the folder's README.

The points are drawn inside the demo area polygons (``analysis.demo.geo``), which
must be written first: the generator reads them back through ``analysis.places``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from analysis.demo.notice import DEMO_NOTICE
from analysis.files import write_bytes, xlsx_bytes
from analysis.paths import AREAS_GEO_STEM, GEO_DIR, PLACES_GEO_STEM, WALKS_DIR
from analysis.places import find_geodata, read_areas, read_places

SEED = 20211207  # the central walk of December 2021
LAST_DATE = pd.Timestamp("2024-12-31")  # nothing is dated after the demo's last day
NOTE = "SYNTETISKA DEMODATA"
ROUTE_CENTRE = ("Badhusparken – Stora torg – stationen – Stationsgränd – Malmgatan – "
                "Kanalgatan – Storgatan – Stadsparken – Medborgarhuset")
CENTRE_PLACES = ["Badhusparken", "Stora torg", "Stationen", "Stationsgränd", "Malmgatan",
                 "Kanalgatan", "Storgatan", "Stadsparken", "Medborgarhuset"]
VILLAGES = {"Marieholm": (13.165, 55.866), "Stehag": (13.393, 55.898),
            "Löberöd": (13.517, 55.776)}


@dataclass(frozen=True)
class Walk:
    walk_id: str
    date: str
    locality: str
    route: str
    kind: str  # centre, berga, ronneberga, sallerup, village
    light: str
    mode: str
    participants: int
    organiser: str
    fmt: str  # sweref_csv, sweref_csv_crs_column, phone_csv, excel
    n: int


ORG = "Eslövs kommun och Polisen (Örat mot marken)"
WALKS = [
    Walk("2019-1", "2019-04-09", "Marieholm", "Stationsområdet – Stora torg – skolan", "village",
         "skymning", "fysisk", 14, "Eslövs kommun", "sweref_csv", 24),
    Walk("2019-2", "2019-11-26", "Eslöv", ROUTE_CENTRE, "centre", "mörker", "fysisk", 26, ORG,
         "sweref_csv", 46),
    Walk("2020-1", "2020-03-03", "Eslöv", "Berga centrum – gångtunneln – skolan", "berga",
         "mörker", "fysisk", 18, ORG, "sweref_csv_crs_column", 32),
    Walk("2020-2", "2020-10-20", "Stehag", "Stationen – Stehags centrum", "village",
         "skymning", "digital", 9, "Eslövs kommun", "sweref_csv_crs_column", 21),
    Walk("2020-3", "2020-12-01", "Eslöv", ROUTE_CENTRE, "centre", "mörker", "digital", 16, ORG,
         "sweref_csv", 38),
    Walk("2021-1", "2021-03-16", "Eslöv", "Rönneberga – gång- och cykelvägarna", "ronneberga",
         "skymning", "fysisk", 12, "Eslövs kommun", "phone_csv", 27),
    Walk("2021-2", "2021-04-27", "Eslöv", "Berga – Bergaskolan – parken", "berga", "skymning",
         "fysisk", 15, ORG, "phone_csv", 34),
    Walk("2021-3", "2021-10-12", "Löberöd", "Löberöds centrum – busshållplatsen", "village",
         "mörker", "fysisk", 11, "Eslövs kommun", "phone_csv", 22),
    Walk("2021-4", "2021-12-07", "Eslöv", ROUTE_CENTRE, "centre", "mörker", "fysisk", 30, ORG,
         "phone_csv", 58),
    Walk("2022-1", "2022-03-22", "Eslöv", "Berga – garagen – gångtunneln", "berga", "mörker",
         "fysisk", 17, ORG, "excel", 36),
    Walk("2022-2", "2022-09-27", "Eslöv", "Sallerup – idrottsplatsen – skolvägen", "sallerup",
         "skymning", "fysisk", 13, "Eslövs kommun", "phone_csv", 25),
    Walk("2022-3", "2022-11-29", "Eslöv", ROUTE_CENTRE, "centre", "mörker", "fysisk", 28, ORG,
         "phone_csv", 52),
    Walk("2023-1", "2023-03-14", "Eslöv", "Rönneberga – parken – förskolan", "ronneberga",
         "skymning", "fysisk", 10, "Eslövs kommun", "phone_csv", 23),
    Walk("2023-2", "2023-04-18", "Eslöv", "Berga centrum – gångtunneln – skolan", "berga",
         "mörker", "fysisk", 19, ORG, "phone_csv", 38),
    Walk("2023-3", "2023-09-19", "Stehag", "Stationen – Stehags centrum", "village", "skymning",
         "fysisk", 8, "Eslövs kommun", "phone_csv", 20),
    Walk("2023-4", "2023-11-28", "Eslöv", ROUTE_CENTRE, "centre", "mörker", "fysisk", 31, ORG,
         "phone_csv", 55),
    Walk("2024-1", "2024-04-09", "Eslöv", "Berga – Bergaskolan – parken", "berga", "skymning",
         "fysisk", 16, ORG, "phone_csv", 33),
    Walk("2024-2", "2024-09-24", "Marieholm", "Stationsområdet – Stora torg – skolan", "village",
         "skymning", "fysisk", 12, "Eslövs kommun", "phone_csv", 26),
    Walk("2024-3", "2024-11-26", "Eslöv", ROUTE_CENTRE, "centre", "mörker", "fysisk", 29, ORG,
         "phone_csv", 49),
]

# Category weights per kind of walk (codes of walk_vocabulary.yaml).
CATEGORIES = {
    "centre": {"belysning": 18, "social_oro": 18, "klotter_skadegorelse": 10, "nedskrapning": 10,
               "kollektivtrafik_station": 8, "skymd_sikt_vegetation": 7,
               "overblickbarhet_insyn": 6, "trafik": 5, "gangvag_cykelvag_passage": 4,
               "folkliv_ode_plats": 5, "fastighet_entre": 4, "skotsel": 3,
               "orienterbarhet_skyltning": 1, "tillganglighet": 1},
    "berga": {"belysning": 22, "social_oro": 18, "skymd_sikt_vegetation": 12,
              "nedskrapning": 10, "klotter_skadegorelse": 10, "fastighet_entre": 10,
              "gangvag_cykelvag_passage": 8, "overblickbarhet_insyn": 5, "trafik": 3,
              "skotsel": 2},
    "ronneberga": {"belysning": 25, "skymd_sikt_vegetation": 18, "gangvag_cykelvag_passage": 15,
                   "trafik": 12, "nedskrapning": 8, "klotter_skadegorelse": 6, "skotsel": 6,
                   "social_oro": 5, "tillganglighet": 5},
    "village": {"trafik": 35, "belysning": 20, "gangvag_cykelvag_passage": 15,
                "kollektivtrafik_station": 10, "skymd_sikt_vegetation": 8, "nedskrapning": 5,
                "skotsel": 5, "orienterbarhet_skyltning": 2},
}
CATEGORIES["sallerup"] = CATEGORIES["ronneberga"]
SEVERE = {"social_oro": 0.45, "belysning": 0.3, "trafik": 0.35, "gangvag_cykelvag_passage": 0.25,
          "overblickbarhet_insyn": 0.25}

# How a protocol writes a category (a few Swedish variants each).
SPELLING = {
    "belysning": ["Belysning", "Dålig belysning", "Trasig lampa", "belysning", "Mörkt"],
    "skymd_sikt_vegetation": ["Buskage", "Skymd sikt", "Vegetation", "Höga buskar"],
    "nedskrapning": ["Nedskräpning", "Skräp", "nedskräpning"],
    "klotter_skadegorelse": ["Klotter", "Skadegörelse", "Klotter/skadegörelse"],
    "trafik": ["Trafik", "Fortkörning", "Hastighet", "trafik"],
    "gangvag_cykelvag_passage": ["Gångväg", "Gång- och cykelväg", "Gångtunnel", "Passage"],
    "orienterbarhet_skyltning": ["Skyltning", "Orienterbarhet"],
    "overblickbarhet_insyn": ["Insyn", "Dålig överblick", "Överblickbarhet"],
    "folkliv_ode_plats": ["Öde plats", "Folkliv"],
    "kollektivtrafik_station": ["Station", "Busshållplats", "Kollektivtrafik"],
    "social_oro": ["Social oro", "Samlingsplats", "Berusade", "Ungdomsgäng"],
    "fastighet_entre": ["Entré", "Port", "Källare", "Fastighet"],
    "skotsel": ["Skötsel", "Underhåll"],
    "tillganglighet": ["Tillgänglighet", "Ojämn beläggning"],
}
DESCRIPTIONS = {
    "belysning": ["Trasig gatlampa vid gångvägen", "Mörk sträcka mellan lyktstolparna",
                  "Belysningen släckt efter kl 22", "Lampan i gångtunneln fungerar inte"],
    "skymd_sikt_vegetation": ["Höga buskar skymmer sikten", "Häcken växer över gångvägen",
                              "Träden skymmer belysningen"],
    "nedskrapning": ["Mycket skräp runt papperskorgen", "Glas på marken", "Fimpar och burkar"],
    "klotter_skadegorelse": ["Klotter på elskåpet", "Sönderslagen busskur", "Taggar på väggen"],
    "trafik": ["Bilar kör fort förbi skolan", "Mopeder på gång- och cykelvägen",
               "Otydligt övergångsställe", "Buskörning på kvällarna"],
    "gangvag_cykelvag_passage": ["Smal och mörk passage", "Gångtunneln känns instängd",
                                 "Saknas gångväg längs vägen"],
    "orienterbarhet_skyltning": ["Svårt att hitta till stationen", "Skyltning saknas"],
    "overblickbarhet_insyn": ["Ingen insyn från husen", "Undanskymd plats bakom förrådet"],
    "folkliv_ode_plats": ["Öde på kvällen", "Få människor i rörelse efter stängning"],
    "kollektivtrafik_station": ["Otryggt vid cykelparkeringen", "Mörkt vid busshållplatsen"],
    "social_oro": ["Samlingsplats för ungdomar på kvällen", "Berusade personer vid bänkarna",
                   "Misstänkt narkotikaförsäljning"],
    "fastighet_entre": ["Trasigt lås i porten", "Mörk entré", "Källardörren står öppen"],
    "skotsel": ["Ogräs och eftersatt underhåll", "Trasiga bänkar"],
    "tillganglighet": ["Ojämn beläggning", "Hög kantsten"],
}
KEEP = ["Levande torg med uteserveringar", "Bra belysning längs stråket",
        "Öppen och överblickbar park", "Trygg mötesplats vid biblioteket"]
ACTIONS = {"belysning": "Byta armatur", "skymd_sikt_vegetation": "Beskära buskagen",
           "nedskrapning": "Tätare tömning", "klotter_skadegorelse": "Sanera klotter",
           "trafik": "Hastighetskontroller och farthinder", "social_oro": "Ökad närvaro kvällstid",
           "fastighet_entre": "Byta lås och belysning", "gangvag_cykelvag_passage":
           "Förbättra belysningen i passagen", "kollektivtrafik_station": "Kameraövervakning"}
# responsible (as written in protocols) by category, weighted
RESPONSIBLE = {
    "belysning": [("Gatukontoret", 6), ("Eslövs kommun", 3), ("EBO", 1)],
    "skymd_sikt_vegetation": [("Park och natur", 6), ("Eslövs Bostads AB", 2), ("HSB", 1)],
    "nedskrapning": [("Eslövs kommun", 6), ("Stadskärneföreningen", 1), ("EBO", 1)],
    "klotter_skadegorelse": [("Eslövs kommun", 5), ("Eslövs Bostads AB", 2), ("Brinova", 1)],
    "trafik": [("Eslövs kommun", 5), ("Trafikverket", 3), ("Polisen", 2)],
    "gangvag_cykelvag_passage": [("Gatukontoret", 6), ("Trafikverket", 1)],
    "orienterbarhet_skyltning": [("Eslövs kommun", 1)],
    "overblickbarhet_insyn": [("Eslövs kommun", 3), ("Fastighetsägare", 1)],
    "folkliv_ode_plats": [("Eslövs kommun", 2), ("Stadskärneföreningen", 1)],
    "kollektivtrafik_station": [("Skånetrafiken", 3), ("Trafikverket", 1),
                                ("Eslövs kommun", 1)],
    "social_oro": [("Polisen", 5), ("Eslövs kommun", 3), ("EBO", 1)],
    "fastighet_entre": [("Eslövs Bostads AB", 4), ("HSB", 2), ("Brinova", 1),
                        ("Fastighetsägare", 1)],
    "skotsel": [("Park och natur", 3), ("Eslövs kommun", 1)],
    "tillganglighet": [("Gatukontoret", 1)],
}
DECLINE_NOT_FEASIBLE = ["Kostnaden för hög i år, prioriteras i budget nästa år",
                        "Kulturmiljö – detaljplanen tillåter inte ändringen",
                        "Tekniskt ej möjligt att belysa sträckan", "Ej prioriterat i år"]
DECLINE_NOT_OURS = ["Trafikverkets väg, ärendet överlämnat", "Privat mark – fastighetsägaren "
                    "informerad", "Annan fastighetsägare ansvarar"]
STATUS_SPELLING = {"ny": ["Ny", "ny"], "planerad": ["Planerad", "planerad"],
                   "pagar": ["Pågår", "pågår", "Påbörjad"], "atgardad": ["Åtgärdad", "Klar"],
                   "ej_atgardbar": ["Ej åtgärdbar"], "ej_vart_ansvar": ["Ej vårt ansvar"],
                   "dubblett": ["Dubblett"]}
DECISION_SPELLING = {"atgardas": "Åtgärdas", "atgardas_ej": "Åtgärdas ej", "utreds": "Utreds"}
SEVERITY_SPELLING = {1: ["1", "Mindre"], 2: ["2", "Betydande"], 3: ["3", "Allvarlig"]}
AREA_OF_KIND = {"berga": "03", "ronneberga": "04", "sallerup": "05"}


def _pick(rng: np.random.Generator, options):
    if isinstance(options, dict):
        keys, weights = list(options), np.array(list(options.values()), dtype=float)
    elif options and isinstance(options[0], tuple):
        keys, weights = [k for k, _ in options], np.array([w for _, w in options], dtype=float)
    else:
        keys, weights = list(options), np.ones(len(options))
    return keys[int(rng.choice(len(keys), p=weights / weights.sum()))]


def _point_in(rng: np.random.Generator, polygon, margin: float = 30.0) -> tuple[float, float]:
    """A random point inside ``polygon`` (rejection sampling; at least ``margin`` m inside)."""
    inner = polygon.buffer(-margin)
    minx, miny, maxx, maxy = inner.bounds
    for _ in range(10_000):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if inner.contains(shapely.Point(x, y)):
            return float(x), float(y)
    raise RuntimeError("no point found inside the polygon")


def _geodata(raw_dir: Path):
    folder = raw_dir / GEO_DIR
    areas_path = find_geodata(folder, AREAS_GEO_STEM)
    places_path = find_geodata(folder, PLACES_GEO_STEM)
    if areas_path is None or places_path is None:
        raise RuntimeError("demo geodata must be written before the demo walks")
    return read_areas(areas_path), read_places(places_path)


def _area_polygon(areas, code: str, year: int):
    valid = areas[(areas["area"] == code).to_numpy() & (areas["valid_from"] <= year).to_numpy()
                  & (areas["valid_to"].fillna(9999) >= year).to_numpy()]
    return valid.geometry.iloc[0]


def observations_for(walk: Walk, rng: np.random.Generator, areas, places,
                     spots: dict[str, list[dict]]) -> list[dict]:
    """The observations of one walk (EPSG:3006 points, codes and dates), before formatting.

    ``spots`` holds the recurring spots per kind of walk; a later walk comes back to
    some of them (the same category within a few metres)."""
    date = pd.Timestamp(walk.date)
    year = date.year
    out: list[dict] = []
    recurring = spots.setdefault(walk.kind if walk.kind != "village" else walk.locality, [])
    torg = places.set_index("place_id").geometry.representative_point()
    for spot in recurring:
        if rng.random() < 0.55 and len(out) < walk.n // 3:
            dx, dy = rng.normal(0, 4, 2)
            out.append({"category": spot["category"], "x": spot["x"] + dx, "y": spot["y"] + dy,
                        "place": None, "valence": "problem"})
    while len(out) < walk.n:
        valence = "varna" if rng.random() < 0.1 else "problem"
        category = (_pick(rng, ["folkliv_ode_plats", "belysning", "overblickbarhet_insyn"])
                    if valence == "varna" else _pick(rng, CATEGORIES[walk.kind]))
        place = None
        if walk.kind == "centre":
            name = CENTRE_PLACES[int(rng.integers(len(CENTRE_PLACES)))]
            p = torg[f"Eslöv: {name}"]
            r, a = rng.uniform(0, 60), rng.uniform(0, 2 * np.pi)
            x, y = p.x + r * np.cos(a), p.y + r * np.sin(a)
            if rng.random() < 0.3:
                place = name  # written as a place name only
        elif walk.kind == "village":
            lon, lat = VILLAGES[walk.locality]
            cx, cy = Transformer.from_crs(4326, 3006, always_xy=True).transform(lon, lat)
            if walk.locality == "Marieholm" and rng.random() < 0.25:
                x, y = torg["Marieholm: Stora torg"].x, torg["Marieholm: Stora torg"].y
                place = "Stora torg"  # resolved through the walk's locality (not Eslöv's)
            else:
                x, y = cx + rng.normal(0, 250), cy + rng.normal(0, 250)
        else:
            x, y = _point_in(rng, _area_polygon(areas, AREA_OF_KIND[walk.kind], year))
        out.append({"category": category, "x": float(x), "y": float(y), "place": place,
                    "valence": valence})
        if valence == "problem" and place is None and rng.random() < 0.12:
            recurring.append({"category": category, "x": float(x), "y": float(y)})
    for obs in out:
        _follow_up(obs, date, rng)
    return out


def _follow_up(obs: dict, walk_date: pd.Timestamp, rng: np.random.Generator) -> None:
    """Severity, responsible party, decision, status and dates of one observation."""
    category = obs["category"]
    if obs["valence"] == "varna":
        obs.update(severity=None, responsible=None, decision=None, reason=None, status=None,
                   status_date=None, target=None, action=None)
        return
    p3 = SEVERE.get(category, 0.15)
    obs["severity"] = int(rng.choice([1, 2, 3], p=[0.35, 0.65 - p3, p3]))
    obs["responsible"] = _pick(rng, RESPONSIBLE[category])
    obs["action"] = ACTIONS.get(category)
    obs["reason"] = None
    u = rng.random()
    if u < 0.02:
        obs.update(decision=None, status="dubblett", target=None,
                   status_date=min(walk_date + pd.Timedelta(days=7), LAST_DATE))
        return
    if u < 0.15:
        not_ours = rng.random() < 0.4
        days = int(rng.integers(20, 70))
        obs.update(decision="atgardas_ej", target=None,
                   status="ej_vart_ansvar" if not_ours else "ej_atgardbar",
                   reason=_pick(rng, DECLINE_NOT_OURS if not_ours else DECLINE_NOT_FEASIBLE))
        obs["status_date"] = min(walk_date + pd.Timedelta(days=days), LAST_DATE)
        return
    if u < 0.25:
        obs.update(decision="utreds", target=None, status=_pick(rng, ["ny", "pagar"]),
                   status_date=min(walk_date + pd.Timedelta(days=30), LAST_DATE))
        return
    obs["decision"] = "atgardas"
    obs["target"] = walk_date + pd.Timedelta(days=183)
    stuck = rng.random() < 0.08  # planned but never done
    days = int(np.clip(rng.lognormal(np.log(75), 0.8), 3, 900))
    fixed = walk_date + pd.Timedelta(days=days)
    if not stuck and fixed <= LAST_DATE:
        obs.update(status="atgardad", status_date=fixed)
    else:
        obs.update(status=_pick(rng, ["planerad", "pagar"]),
                   status_date=min(walk_date + pd.Timedelta(days=int(rng.integers(14, 60))),
                                   LAST_DATE))


def _date(value) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def protocol_frame(walk: Walk, observations: list[dict], rng: np.random.Generator) -> pd.DataFrame:
    """The protocol of one walk as the kommun's export writes it (strings, Swedish headers)."""
    to_3008 = Transformer.from_crs(3006, 3008, always_xy=True)
    to_wgs = Transformer.from_crs(3006, 4326, always_xy=True)
    rows = []
    for i, o in enumerate(observations, start=1):
        row = {"Vandring": walk.walk_id, "Observation": str(i)}
        if o["place"] is not None:
            coords = {"a": "", "b": ""}
        elif walk.fmt.startswith("sweref"):
            e, n = to_3008.transform(o["x"], o["y"])
            coords = {"a": f"{n:.1f}".replace(".", ","), "b": f"{e:.1f}".replace(".", ",")}
        else:
            lon, lat = to_wgs.transform(o["x"], o["y"])
            coords = {"a": f"{lat:.6f}", "b": f"{lon:.6f}"}
        if walk.fmt.startswith("sweref"):
            row["X"], row["Y"] = coords["a"], coords["b"]  # X = northing (Swedish convention)
            if walk.fmt == "sweref_csv_crs_column":
                row["Koordinatsystem"] = "" if o["place"] else "SWEREF 99 13 30"
        else:
            row["Lat"], row["Lon"] = coords["a"], coords["b"]
        row["Plats"] = o["place"] or ""
        if walk.kind in AREA_OF_KIND:
            row["Område"] = AREA_OF_KIND[walk.kind]
        row["Typ"] = "värna" if o["valence"] == "varna" else "problem"
        row["Kategori"] = _pick(rng, SPELLING[o["category"]])
        row["Allvarlighet"] = ("" if o["severity"] is None
                               else _pick(rng, SEVERITY_SPELLING[o["severity"]]))
        row["Beskrivning"] = (_pick(rng, KEEP) if o["valence"] == "varna"
                              else _pick(rng, DESCRIPTIONS[o["category"]]))
        row["Föreslagen åtgärd"] = o.get("action") or ""
        row["Ansvarig"] = o["responsible"] or ""
        row["Beslut"] = DECISION_SPELLING.get(o["decision"], "") if o["decision"] else ""
        row["Motivering"] = o["reason"] or ""
        row["Måldatum"] = _date(o["target"])
        row["Status"] = _pick(rng, STATUS_SPELLING[o["status"]]) if o["status"] else ""
        row["Statusdatum"] = _date(o["status_date"])
        row["Datakälla"] = NOTE
        rows.append(row)
    return pd.DataFrame(rows).fillna("")


def _csv_bytes(frame: pd.DataFrame, sep: str, encoding: str) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    writer.writerow(frame.columns)
    writer.writerows(frame.astype(str).to_numpy().tolist())
    return buf.getvalue().encode(encoding)


def _walks_table() -> pd.DataFrame:
    rows = []
    for w in WALKS:
        rows.append({"Vandring": w.walk_id, "Datum": w.date, "Ort": w.locality, "Slinga": w.route,
                     "Ljus": w.light, "Form": w.mode, "Deltagare": str(w.participants),
                     "Arrangör": w.organiser, "Protokoll": _file_name(w),
                     "Koordinatsystem": "SWEREF 99 13 30" if w.fmt == "sweref_csv" else "",
                     "Datakälla": NOTE})
    return pd.DataFrame(rows)


def _file_name(w: Walk) -> str:
    return f"protokoll_{w.walk_id}.{'xlsx' if w.fmt == 'excel' else 'csv'}"


def write(raw_dir: Path) -> list[Path]:
    areas, places = _geodata(raw_dir)
    rng = np.random.default_rng(SEED)
    folder = raw_dir / WALKS_DIR
    written = []
    out = folder / "vandringar.csv"
    write_bytes(out, _csv_bytes(_walks_table(), ";", "utf-8-sig"))
    written.append(out)
    spots: dict[str, list[dict]] = {}
    for walk in WALKS:
        observations = observations_for(walk, rng, areas, places, spots)
        frame = protocol_frame(walk, observations, rng)
        path = folder / _file_name(walk)
        if walk.fmt == "excel":
            data = xlsx_bytes(frame, sheet_name="Protokoll")
        elif walk.fmt.startswith("sweref"):
            data = _csv_bytes(frame, ";", "cp1252")
        else:
            data = _csv_bytes(frame, ",", "utf-8")
        write_bytes(path, data)
        written.append(path)
    readme = folder / "README.md"
    write_bytes(readme, README.encode("utf-8"))
    written.append(readme)
    return written


README = f"""# Trygghetsvandringar (syntetiska demodata)

**{DEMO_NOTICE}** Vandringarna, observationerna, beskrivningarna och besluten här är
påhittade. Varje fil har kolumnen `Datakälla` = "{NOTE}".

- `vandringar.csv` (UTF-8 med BOM, `;`): en rad per vandring – `Vandring`, `Datum`, `Ort`,
  `Slinga`, `Ljus`, `Form`, `Deltagare`, `Arrangör`, `Protokoll` (protokollfilens namn) och
  `Koordinatsystem` (för X/Y i protokoll som inte själva anger det).
- `protokoll_<vandring>.csv|xlsx`: en rad per observation, i de format kommuner får:
  2019–2020 som CSV i cp1252 med `;` och SWEREF 99 13 30 (X = nordkoordinat, Y =
  östkoordinat, decimalkomma) från kommunens GIS; från 2021 som CSV i UTF-8 med `,` och
  WGS84 Lat/Lon från en mobil; vandringen 2022-1 som Excel. Vissa rader har bara ett
  platsnamn (t.ex. "Stora torg", som i Marieholm betyder Marieholms Stora torg).

Varje år går den centrala vandringen runt Stora torg ({ROUTE_CENTRE}). Formatet
beskrivs i `docs/vandringar.md`. Filerna skrivs om av `trygghet demo` och blir byte för
byte desamma varje gång.
"""
