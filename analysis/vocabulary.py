"""Swedish words users read: column headers, indicator names, flags, area names.

One vocabulary for the whole project, so that the same thing never has two
names. Code uses the English identifiers on the left; figures, CSV headers and
reports use the Swedish text on the right.
"""

from __future__ import annotations

# Column headers of tables the analyst or Örat mot marken reads.
COLUMNS = {
    "year": "År",
    "area": "Områdeskod",
    "area_name": "Område",
    "indicator": "Mått",
    "item": "Fråga",
    "item_label": "Frågetext",
    "estimate": "Skattning",
    "se": "Medelfel",
    "ci_low": "KI nedre",
    "ci_high": "KI övre",
    "n": "Antal svar",
    "df": "Frihetsgrader",
    "deff": "Designeffekt",
    "n_eff": "Effektivt antal svar",
    "cv": "Variationskoefficient",
    "numerator": "Antal i täljaren",
    "scoring": "Poängsättning",
    "suppressed": "Undertryckt",
    "uncertain": "Osäker",
    "flag_reason": "Anmärkning",
    "year_from": "Från år",
    "year_to": "Till år",
    "delta": "Förändring",
    "se_delta": "Medelfel för förändringen",
    "z": "z",
    "p": "p-värde",
    "p_bh": "p-värde (Benjamini–Hochberg)",
    "comparable": "Jämförbar",
    "significant": "Statistiskt säkerställd",
    # the police's published index (analysis/official/)
    "value": "Index",
    "value_published": "Värde som tryckt",
    "scale": "Skala",
    "converted_x100": "Omräknat från ×100",
    "source": "Källa",
    "published": "Publicerad",
    "page": "Sida/tabell",
    "note": "Kommentar",
    "vintage": "Version",
    "n_vintages": "Antal publiceringar",
    "first_value": "Först publicerat värde",
    "latest_value": "Senast publicerat värde",
    "restated": "Reviderat",
    "at_action_level": "På eller över åtgärdsnivån (3)",
    "official_value": "Polisens index",
    "official_restated": "Polisens index reviderat",
    "official_source": "Källa för polisens index",
    "official_published": "Polisens index publicerat",
    "survey_indicator": "Eget mått",
    "rank_official": "Rang enligt polisens index",
    "rank_survey": "Rang enligt egen skattning",
    "n_areas_ranked": "Antal rangordnade områden",
    "spearman_rho": "Rangkorrelation (Spearman)",
    "agreement_note": "Kommentar till rangkorrelationen",
    "min_difference": "Minsta skillnad",
    "verdict": "Bedömning",
    # places and area polygons (analysis/places.py)
    "place_id": "Plats",
    "place": "Platsnamn",
    "locality": "Ort",
    "buffer_m": "Buffert (m)",
    "valid_from": "Giltig från år",
    "valid_to": "Giltig till år",
    "version": "Områdesversion",
    "distance_m": "Avstånd (m)",
}

# Indicators (the "Mått" column).
INDICATORS = {
    "poang": "Medelpoäng",
    "andel_stort_problem": "Andel stort problem",
    "problemindex": "Problemindex (eget)",
    "andel_otrygga": "Andel otrygga ute sent på kvällen",
    "andel_oroliga": "Andel oroliga",
    "andel_avstar": "Andel som avstått",
    "andel_utsatta": "Andel utsatta",
    "andel_instammer": "Andel som instämmer",
    "andel_stort_fortroende": "Andel med stort förtroende",
    "andel_vet_ej": "Andel Vet ej",
}

# Whether an indicator is a proportion (shown as %) or a mean on the scoring's scale.
PROPORTION_INDICATORS = {k for k in INDICATORS if k.startswith("andel_")}

# Reasons in the "Anmärkning" column.
FLAGS = {
    "few_respondents": "färre än {min_n} svar",
    "small_numerator": "för få i täljaren (1–2)",
    "secondary": "undertryckt för att skydda en annan cell",
    "few_uncertain": "{min_n}–{uncertain_n} svar",
    "wide_ci": "brett konfidensintervall",
    "not_comparable": "områdets gränser ändrades mellan åren",
}

ALL_ITEMS = "alla"  # item code for indices over all problem items

# Safety walks (analysis/walks/): column headers of the walk tables. The Swedish labels of
# the codes (category, status "pågår", responsible ...) are in resources/walk_vocabulary.yaml.
WALK_COLUMNS = {
    "walk_id": "Vandring",
    "walk_date": "Datum",
    "locality": "Ort",
    "route": "Slinga",
    "light": "Ljus",
    "mode": "Form",
    "participants": "Deltagare",
    "organiser": "Arrangör",
    "observation_id": "Observation",
    "valence": "Typ",
    "category": "Kategori",
    "severity": "Allvarlighet",
    "responsible": "Ansvarig",
    "decision": "Beslut",
    "reason_category": "Motivering (kategori)",
    "target_date": "Måldatum",
    "status": "Status",
    "status_date": "Statusdatum",
    "location_source": "Läge från",
    "place": "Plats",
    "places": "Platser",
    "repeat_of": "Samma plats som observation",
    "observed_again": "Observerad igen senare",
    "dimension": "Redovisning per",
    "observations": "Antal observationer",
    "problems": "Antal problem",
    "duplicates": "Dubbletter",
    "counted": "Problem som räknas",
    "fixed": "Åtgärdade",
    "share_fixed": "Andel åtgärdade",
    "due": "Problem vars måltid gått ut",
    "fixed_within_target": "Åtgärdade inom måltiden",
    "share_fixed_within_target": "Andel åtgärdade inom måltiden",
    "median_days_to_fix": "Median dagar till åtgärd",
    "declined": "Avböjda (ej åtgärdbar/ej vårt ansvar)",
    "open": "Öppna",
    "oldest_open_days": "Äldsta öppna (dagar)",
    "repeated": "Observerade igen i senare vandring",
    "share_repeated": "Andel observerade igen",
    "repeated_after_fix": "Observerade igen efter åtgärd",
    "as_of": "Läge per datum",
    "target_days": "Måltid (dagar)",
    "repeat_distance_m": "Avstånd för samma plats (m)",
    "survey_estimate": "Andel stort problem (enkäten)",
    "survey_ci_low": "KI nedre (enkäten)",
    "survey_ci_high": "KI övre (enkäten)",
    "survey_n": "Antal svar (enkäten)",
    "survey_suppressed": "Undertryckt (enkäten)",
    "n_areas": "Antal områden i korrelationen",
    "spearman_rho": "Rangkorrelation (Spearman)",
    "spearman_p": "p-värde (Spearman)",
    "caveat": "Förbehåll",
}
WALK_DIMENSIONS = {
    "alla": "alla observationer",
    "ar": "år",
    "omrade": "område",
    "omrade_ar": "område och år",
    "plats": "plats",
    "kategori": "kategori",
    "ansvarig": "ansvarig",
    "ansvarig_ar": "ansvarig och år",
}

# Coordinate systems the package accepts, as users read them (EPSG code -> name).
CRS_NAMES = {
    3006: "SWEREF 99 TM (EPSG:3006)",
    3008: "SWEREF 99 13 30 (EPSG:3008)",
    4326: "WGS 84 (EPSG:4326)",
}

# Words in the notebooks' sentences and tables (analysis/narrative.py).
NARRATIVE = {
    "suppressed": "för få svar",
    "uncertain": "osäker skattning",
    "missing": "ingen skattning",
    "all_suppressed": "för få svar för att visa någon fråga",
    "change_suppressed": "kan inte jämföras, för få svar ett av åren",
    "change_not_comparable": "kan inte jämföras, områdets gränser ändrades mellan åren",
    "change_not_significant": "inte statistiskt säkerställd, kan vara slumpvariation",
}

# Figures and the HTML lägesbild (analysis/figures.py, analysis/report.py).
FIGURES = {
    "demo": "Syntetiska demodata – inte verkliga svar.",
    "suppressed_hidden": "Värden med för få svar visas inte.",
    "uncertain_marked": "Ljusare, randiga staplar/punkter: osäker skattning (få svar eller brett intervall).",
    "ci": "Strecken visar 95 % konfidensintervall.",
    "scoring": "Poängsättning: {scoring}.",
    "too_few": "för få svar",
    "no_estimates": "Inga publicerade skattningar att visa.",
    "total": "Hela kommunen",
    "year": "År",
    "area": "Område",
    "item": "Fråga",
    "change": "Förändring",
    "increase": "ökning",
    "decrease": "minskning",
    "significant_increase": "Statistiskt säkerställd ökning",
    "significant_decrease": "Statistiskt säkerställd minskning",
    "not_significant": "Inte statistiskt säkerställd",
    "bh_note": "Säkerställd = p-värde efter Benjamini–Hochberg under {alpha}. Jämförs bara där "
               "områdets gränser är desamma båda åren och ingen skattning är undertryckt.",
    "version_break": "Ett avbrott i linjen betyder att områdets gränser ändrades.",
    "map_note": "Klassgränserna är desamma alla år så att kartor kan jämföras.",
    "map_crs": "Kartan är ritad i SWEREF 99 TM (EPSG:3006).",
    "walk_fixed": "Åtgärdade",
    "walk_declined": "Avböjda",
    "walk_open": "Öppna",
    "walk_count": "Antal problem",
    "walk_title": "Trygghetsvandringar: åtgärdade och öppna problem per {dimension}",
    "walk_as_of": "Läge per {date}. Dubbletter räknas inte.",
    "official_x": "Polisens index (0–6)",
    "action_level": "Åtgärdsnivå (3)",
    "official_title": "Polisens index och vår skattning {year}: {name}",
    "official_note": "Polisens index saknar konfidensintervall; åtgärdsnivån 3 gäller polisens index.",
    "top_title": "Största problemen {year}: {area}",
    "ranking_title": "{indicator} {year}: {item}",
    "trend_title": "{indicator} över tid: {item}",
    "changes_title": "Förändring {year_from}–{year_to}: {indicator}",
    "map_title": "{indicator} {year}: {item}",
}

# Citizen promises (analysis/promises.py): statuses, indicator kinds and activity types.
PROMISES = {
    "status": {
        "met": "uppfyllt",
        "partly": "delvis uppfyllt",
        "not_met": "ej uppfyllt",
        "unknown": "kan inte bedömas",
    },
    "kinds": {
        "aktivitet": "Aktivitet (aktivitetsloggen)",
        "enkat": "Trygghetsmätningen",
        "vandring": "Trygghetsvandringar",
        "milstolpe": "Milstolpe",
        "polisindex": "Polisens index",
    },
    "activity_types": {
        "trafikinsats": "Trafikinsats",
        "trygghetsvandring": "Trygghetsvandring",
        "riskzonssamtal": "Riskzonssamtal",
        "samverkansmote": "Samverkansmöte",
        "orat_mot_marken": "Möte i Örat mot marken",
        "grannsamverkan": "Grannsamverkan",
        "uniformerad_narvaro": "Uniformerad närvaro",
        "drogforebyggande": "Drogförebyggande insats",
        "kameraovervakning": "Kameraövervakning (ansökan m.m.)",
        "ovrigt": "Övrigt",
    },
    "directions": {"minska": "ska minska", "oka": "ska öka"},
}
