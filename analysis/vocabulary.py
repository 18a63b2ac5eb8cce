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

# Remarks in the "Anmärkning" column. Every suppressed cell carries the one neutral remark
# "suppressed" (the reason is only in the internal audit table, analysis/disclosure.py);
# "few_respondents", "small_numerator" and "secondary" are kept for older readers but are
# never written on a row.
FLAGS = {
    "suppressed": "Visas inte (röjandekontroll)",
    "few_respondents": "färre än {min_n} svar",
    "small_numerator": "för få i täljaren (1–2)",
    "secondary": "undertryckt för att skydda en annan cell",
    "few_uncertain": "{min_n}–{uncertain_n} svar",
    "wide_ci": "brett konfidensintervall",
    "relative": "stor osäkerhet i förhållande till värdet",
    "few_effective": "motsvarar färre än {min_n} svar",
    "not_comparable": "områdets gränser ändrades mellan åren",
    "index_items_differ": "indexet bygger på olika frågor de två åren",
    "not_tested": "prövas inte (för problemfrågor prövas andelen stort problem)",
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
    "suppressed": "visas inte (röjandekontroll)",
    "uncertain": "osäker skattning",
    "missing": "ingen skattning",
    "not_given": "Ej angiven",
    "all_suppressed": "ingen fråga kan visas (röjandekontroll)",
    "change_suppressed": "kan inte jämföras, ett av åren visas inte (röjandekontroll)",
    "change_not_comparable": "kan inte jämföras, områdets gränser ändrades mellan åren",
    "change_not_significant": "inte statistiskt säkerställd, kan vara slumpvariation",
    "change_not_tested": "prövas inte; för problemfrågor prövas andelen stort problem",
    "change_items_differ": "kan inte jämföras, indexet bygger på olika frågor de två åren",
    # the breakdown by sex and age group (analysis/breakdown.py, the lägesbild)
    "breakdown_sex": "Kön",
    "breakdown_age_group": "Åldersgrupp",
    "breakdown": "Redovisas efter",
    "breakdown_group": "Grupp",
    "breakdown_caption": "Efter {by} {year}, hela kommunen",
    "breakdown_intro": "Hur svaren skiljer sig mellan kvinnor och män och mellan "
                       "åldersgrupper, för hela kommunen (inte per område). Inom parentes "
                       "95 % konfidensintervall.",
    "breakdown_note": "* = osäker skattning (få svar eller brett intervall). .. = visas inte "
                      "(röjandekontroll): siffror som skulle kunna peka ut enskildas svar visas "
                      "inte, och då döljs ibland också en annan grupp så att siffran inte kan "
                      "räknas fram ur de andra.",
    "breakdown_missing": "Enkätsvaren saknar uppgift om kön och ålder.",
    "suppressed_symbol": "..",
}

# Figures and the HTML lägesbild (analysis/figures.py, analysis/report.py).
FIGURES = {
    "demo": "Syntetiska demodata – inte verkliga svar.",
    "suppressed_hidden": "Värden som inte får visas (röjandekontroll) är utelämnade.",
    "uncertain_marked": "Ljusare, randiga staplar/punkter: osäker skattning (få svar eller brett intervall).",
    "ci": "Strecken visar 95 % konfidensintervall.",
    "scoring": "Poängsättning: {scoring}.",
    "too_few": "visas inte",
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
    # added for the full lägesbild (issue 10)
    "ci_band": "Skuggat band: 95 % konfidensintervall.",
    "uncertain_points": "Ofyllda punkter: osäker skattning (få svar eller brett intervall).",
    "uncertain_areas": "Randigt område: osäker skattning.",
    "scale_note": "Skala 0–3: {description}.",
    "changes_note": "Triangelns spets visar riktningen och dess storlek hur stor förändringen "
                    "är. Fylld triangel: statistiskt säkerställd förändring. Bara områden med "
                    "samma gränser båda åren och tillräckligt många svar jämförs.",
    "changes_hidden": "{n} jämförelser visas inte (röjandekontroll eller ändrade gränser).",
    "legend_change": "Förändring",
    "legend_size": "Förändringens storlek",
    "increase_sig": "Säkerställd ökning",
    "decrease_sig": "Säkerställd minskning",
    "increase_ns": "Ökning, inte säkerställd",
    "decrease_ns": "Minskning, inte säkerställd",
    "new_boundaries": "nya gränser",
    "trend_area": "Området",
    "trend_total": "Hela kommunen (jämförelse)",
    "trend_break": "Nya gränser: linjen bryts",
    "trend_note": "Linjen bryts där området fick nya gränser; värden före och efter avser "
                  "olika områden och ska inte jämföras.",
    "map_zoom": "Rutan i kartan till vänster visas förstorad till höger.",
    "walk_title_years": "Trygghetsvandringar {years}: åtgärdade och öppna problem per "
                        "{dimension}",
    "walk_sorted": "Sorterat efter antal öppna problem, flest överst.",
    "walk_label": "{share} åtgärdade",
    "panels_title": "{indicator} {year}",
    "official_axis": "Polisens index (0 = inget problem, 6 = alarmerande)",
}

# Indicator names as readers of figures, the HTML lägesbild and the notebooks see them.
# ``INDICATORS`` above stays as it is (it is the "Mått" column of the CSV exports); here
# the method word "(eget)" is left out: the glossary says that problemindex is our own.
READER_INDICATORS = INDICATORS | {
    "problemindex": "Problemindex",
    "poang": "Medelpoäng (0–3)",
    "andel_vet_ej": "Andel som svarat Vet ej",
}

# The lägesbild (analysis/report.py, notebook 01): section headings in their order. The
# keys are the anchors of the HTML page.
REPORT_SECTIONS = {
    "viktigast": "Det viktigaste i år",
    "problem": "Problem per område",
    "otrygghet": "Otrygghet ute sent på kvällen",
    "utsatthet": "Utsatthet för brott",
    "oro": "Oro för brott",
    "avstar": "Avstått från aktiviteter av oro för brott",
    "polisen": "Förtroende för polisen och svaret Vet ej",
    "kon_alder": "Kön och åldersgrupp",
    "svarsfrekvens": "Svarsfrekvens per område",
    "vandringar": "Trygghetsvandringar",
    "polisindex": "Polisens index bredvid enkäten",
    "brott": "Anmälda brott",
    "loften": "Medborgarlöften",
    "kallor": "Källor och deras begränsningar",
    "ordlista": "Ordlista",
    "metod": "Metod",
}

# Short definitions instead of method words in the running text (the lägesbild's glossary).
GLOSSARY = {
    "Problemindex": "Vårt eget mått på hur stora problemen upplevs: medelvärdet av en persons "
                    "svar på problemfrågorna, där inget problem alls = 0, mycket eller ganska "
                    "litet problem = 1, ganska stort = 2 och mycket stort problem = 3. Det är "
                    "inte polisens index (skala 0–6), som räknas på ett sätt som inte är "
                    "offentligt.",
    "Konfidensintervall (KI)": "Det spann där värdet för alla som bor i området med stor "
                               "sannolikhet (95 %) ligger – inte bara för dem som svarade. Ett "
                               "brett intervall betyder att siffran är osäker.",
    "Osäker skattning": "En siffra som bygger på få svar ({min_n}–{uncertain_max}), har ett "
                        "brett intervall eller ett stort medelfel i förhållande till sig själv "
                        "(relativ precision). Den visas, men ljusare och randig, och ska läsas "
                        "som en fingervisning.",
    "Visas inte (röjandekontroll)": "Siffran visas inte så att ingen enskild svarande kan pekas "
                                    "ut – antingen för att den bygger på för få svar, eller för "
                                    "att den annars skulle gå att räkna fram ur andra siffror.",
    "Statistiskt säkerställd": "En förändring som är så stor att den knappast är slump, även "
                               "när hänsyn tas till att många förändringar prövas samtidigt. "
                               "Andra skillnader kan vara slump och beskrivs inte som ökning "
                               "eller minskning.",
    "Jämförbar": "Två år jämförs bara när områdets gränser är desamma båda åren.",
    "Svarsfrekvens": "Andelen av dem som fick enkäten som svarade.",
}

# Where a figure's numbers come from: the source line under every figure.
SOURCES = {
    "survey": "Polisens trygghetsmätning",
    "survey_demo": "syntetiska demodata i trygghetsmätningens form",
    "walks": "protokoll från trygghetsvandringar",
    "walks_demo": "syntetiska protokoll från trygghetsvandringar",
    "official": "Polisens publicerade index",
    "official_demo": "syntetiskt index i polisens form",
    "promises": "medborgarlöftenas register och aktivitetslogg, trygghetsmätningen",
    "promises_demo": "syntetiska medborgarlöften och aktivitetslogg (demodata)",
    "processing": "Bearbetning: {by}.",
    "processor": "trygghetsanalys",
    "processor_kommun": "{kommun} med trygghetsanalys",
    "line": "Källa: {what}. {processing}",
}

# Citizen promises (analysis/promises/): verdicts, the two parts of a promise, indicator kinds,
# activity types, and the words of the promise tables, figure and CSV.
PROMISES = {
    "status": {
        "met": "uppfyllt",
        "partly": "delvis uppfyllt",
        "not_met": "ej uppfyllt",
        "unknown": "kan inte bedömas",
    },
    # A part of a promise without any indicator: not measured (not the same as "cannot be judged").
    "not_measured": "mäts inte",
    # The two questions asked of every promise (never merged into one word).
    "parts": {"genomforande": "Genomförande", "effekt": "Effekt"},
    "part_questions": {
        "genomforande": "Gjordes det som lovades?",
        "effekt": "Förändrades problemet som löftet gällde?",
    },
    "kinds": {
        "aktivitet": "Aktivitet (aktivitetsloggen)",
        "enkat": "Trygghetsmätningen",
        "vandring": "Trygghetsvandringar",
        "milstolpe": "Milstolpe",
        "polisindex": "Polisens index",
        "anmalda_brott": "Anmälda brott",
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
    # Safety-walk measures (columns of walk_followup, and "walks" = walks held).
    "walk_measures": {
        "walks": "Antal trygghetsvandringar",
        "share_fixed": "Andel åtgärdade problem från trygghetsvandringarna",
        "share_fixed_within_target": "Andel problem från trygghetsvandringarna åtgärdade inom "
                                     "måltiden",
        "fixed": "Antal åtgärdade problem från trygghetsvandringarna",
        "counted": "Antal problem från trygghetsvandringarna",
        "open": "Antal öppna problem från trygghetsvandringarna",
    },
    # How a survey indicator's change was measured.
    "methods": {
        "par": "två mätår",
        "trend": "trend över flera mätår",
        "poolad": "två år sammanslagna i varje ände",
    },
    # The role of a survey indicator when a promise has several.
    "roles": {"primary": "primär", "secondary": "sekundär", "holm": "Holm-justerad"},
    "entries": {"promise": "Löfte", "goal": "Övergripande mål"},
    "total_area": "hela kommunen",
    "lpo_area": "lokalpolisområdet",
    "no_crime_data": "anmälda brott finns inte i underlaget",
    # Headers of the promise tables (notebook, HTML section, CSV).
    "columns": {
        "year": "Löftesår",
        "entry": "Typ",
        "promise": "Löfte",
        "promise_text": "Löftestext",
        "part": "Del",
        "indicator": "Indikator",
        "kind": "Underlag",
        "role": "Roll",
        "method": "Mätt som",
        "status": "Bedömning",
        "implementation": "Genomförande",
        "effect": "Effekt",
        "target": "Mål",
        "value": "Värde",
        "unit": "Enhet",
        "year_from": "Från år",
        "year_to": "Till år",
        "estimate_from": "Värde första året",
        "estimate_to": "Värde sista året",
        "ci_low_to": "KI nedre sista året",
        "ci_high_to": "KI övre sista året",
        "delta": "Förändring",
        "ci_low_delta": "KI nedre för förändringen",
        "ci_high_delta": "KI övre för förändringen",
        "mdc": "Minsta upptäckbara förändring",
        "min_change": "Minsta förändring som räknas",
        "p_holm": "p-värde (Holm inom löftet)",
        "explanation": "Förklaring",
        "sentence": "Bedömning i klartext",
        "area_name": "Område",
        "item": "Fråga",
        "rank": "Rang",
        "estimate": "Andel stort problem",
        "ci": "95 % KI",
        "n": "Antal svar",
        "covered": "Täcks av löfte",
        "covering": "Löften som täcker problemet",
        "walk_problems": "Problem från trygghetsvandringar",
        "walk_share_fixed": "Andel åtgärdade",
        "official_value": "Polisens index (0–6)",
        "baseline": "Utgångsläge",
        "n_planned": "Förväntat antal svar per år",
        "mdc_pair": "Minsta upptäckbara förändring, två mätår",
        "mdc_pooled": "Minsta upptäckbara förändring, två år sammanslagna",
        "needed": "Förändring som målet kräver",
        "judgeable": "Kan enkäten avgöra målet?",
    },
}
