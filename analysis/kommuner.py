"""Sweden's 290 kommuner: codes, names and simplified outlines, bundled with the package.

The outlines are ``resources/kommuner.geojson`` (WGS 84, properties ``id`` = kommunkod,
``kom_namn``, ``lan_code``), an unchanged copy of the public okfse/sweden-geojson file
(originally Valmyndigheten's data; source and licence in ``resources/kommuner_README.md``
and docs/ny_kommun.md). They are simplified: good for a map and for checking that points
lie in the kommun, not for drawing borders.

``find_kommun`` takes what an analyst types (a name in any case, with or without
"kommun", or a kommunkod) and returns the kommun, or a Swedish ``DataError`` with the
closest names. No kommun is special here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from analysis.paths import RESOURCES_DIR
from analysis.problems import UNKNOWN_AREA, DataError, Problem
from analysis.text import match_key, normalise_label, suggest

KOMMUNER_FILE = RESOURCES_DIR / "kommuner.geojson"
KOMMUNER_SOURCE = ("okfse/sweden-geojson (förenklad med mapshaper; ursprungligen "
                   "Valmyndighetens kommungränser via Opendatasoft)")

# Kommuner whose official name is not "<name>s kommun" / "<name> kommun".
_OFFICIAL_NAMES = {
    "0180": "Stockholms stad", "0183": "Sundbybergs stad", "0184": "Solna stad",
    "0186": "Lidingö stad", "0187": "Vaxholms stad", "0980": "Region Gotland",
    "1280": "Malmö stad", "1282": "Landskrona stad", "1283": "Helsingborgs stad",
    "1480": "Göteborgs Stad", "1481": "Mölndals stad", "1488": "Trollhättans stad",
    "1490": "Borås Stad", "1980": "Västerås stad",
}
_SUFFIXES = (" kommun", " stad", " kommuner")
_NO_GENITIVE_S = "aeiouyåäösxz"


@dataclass(frozen=True)
class Kommun:
    """One kommun: ``code`` (four digits, text), ``name`` ("Upplands Väsby"), ``county``
    (länskod) and a point inside it (``lat``, ``lon``)."""

    code: str
    name: str
    county: str
    lat: float | None = None
    lon: float | None = None

    @property
    def official_name(self) -> str:
        """The name in reports: "Upplands Väsby kommun", "Lunds kommun", "Malmö stad"."""
        if self.code in _OFFICIAL_NAMES:
            return _OFFICIAL_NAMES[self.code]
        genitive = "" if self.name[-1].lower() in _NO_GENITIVE_S else "s"
        return f"{self.name}{genitive} kommun"


@lru_cache(maxsize=1)
def _collection() -> dict:
    return json.loads(KOMMUNER_FILE.read_text(encoding="utf-8"))


def kommuner() -> list[Kommun]:
    """Every kommun in the bundled file, sorted by code."""
    out = []
    for feature in _collection()["features"]:
        p = feature["properties"]
        point = p.get("geo_point_2d") or [None, None]
        out.append(Kommun(str(p["id"]).zfill(4), str(p["kom_namn"]), str(p.get("lan_code", "")),
                          point[0], point[1]))
    return sorted(out, key=lambda k: k.code)


def _name_key(text: str) -> str:
    """A typed name without "kommun"/"stad" (and the genitive s before it)."""
    label = normalise_label(text)
    if label.startswith("region "):
        label = label[len("region "):]
    for suffix in _SUFFIXES:
        if label.endswith(suffix):
            return label[: -len(suffix)].strip()
    return label


def find_kommun(text: object) -> Kommun:
    """The kommun a user means by ``text``: a kommunkod ("0114", "114") or a name
    ("Lund", "lunds kommun", "Upplands Väsby", "Malmö stad"), case and spacing ignored.

    Names are matched exactly first, then with å/ä/ö folded (``analysis.text.match_key``);
    a folded name that fits two kommuner (Habo, Håbo) is refused with both codes. Anything
    else is a ``DataError`` with the closest names.
    """
    typed = str(text or "").strip()
    every = kommuner()
    if typed.isdigit():
        code = typed.zfill(4)
        for k in every:
            if k.code == code:
                return k
        raise _error(typed, "det finns ingen kommun med den koden.",
                     "Kommunkoden är fyra siffror, t.ex. 0114 (Upplands Väsby).")
    key = _name_key(typed)
    candidates = {normalise_label(k.name): [k] for k in every}
    exact = candidates.get(key) or candidates.get(key[:-1] if key.endswith("s") else "")
    if exact:
        return exact[0]
    folded: dict[str, list[Kommun]] = {}
    for k in every:
        folded.setdefault(match_key(k.name), []).append(k)
    hits = folded.get(match_key(key)) or (folded.get(match_key(key[:-1]))
                                           if key.endswith("s") else None)
    if hits and len(hits) == 1:
        return hits[0]
    if hits:
        both = " eller ".join(f"{k.name} ({k.code})" for k in hits)
        raise _error(typed, f"namnet passar flera kommuner: {both}.",
                     "Skriv namnet med å, ä och ö, eller ange kommunkoden.")
    near = suggest(key, [k.name for k in every], n=3, cutoff=0.6)
    hint = (f"Menade du: {', '.join(near)}? " if near else "") + (
        "Skriv kommunens namn (t.ex. Upplands Väsby) eller kommunkod (t.ex. 0114).")
    raise _error(typed, "ingen kommun heter så.", hint)


def _error(value: str, message: str, hint: str) -> DataError:
    return DataError([Problem("trygghet ny", None, None, value, UNKNOWN_AREA, message,
                              hint)], title="Kommunen hittades inte")


def kommun_geojson(kommun: Kommun) -> bytes:
    """The kommun's outline as a GeoJSON FeatureCollection (RFC 7946, WGS 84), with the
    properties ``id`` (kommunkod), ``kom_namn`` and ``kalla`` (the source)."""
    for feature in _collection()["features"]:
        if str(feature["properties"]["id"]).zfill(4) == kommun.code:
            out = {"type": "Feature",
                   "properties": {"id": kommun.code, "kom_namn": kommun.name,
                                  "kalla": KOMMUNER_SOURCE},
                   "geometry": feature["geometry"]}
            head = json.dumps({"type": "FeatureCollection", "name": "kommun"},
                              ensure_ascii=False)[:-1]
            return (f'{head}, "features": [\n{json.dumps(out, ensure_ascii=False)}\n]}}\n'
                    .encode())
    raise KeyError(kommun.code)


def kommun_names() -> dict[str, str]:
    """``{kommunkod: name}`` of every kommun ("0114": "Upplands Väsby"), for lookups in
    other deliveries (e.g. statistics that name kommuner); never hard-code the list."""
    return {k.code: k.name for k in kommuner()}
