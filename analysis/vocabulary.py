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
