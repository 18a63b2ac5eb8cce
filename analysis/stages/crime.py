"""Stage: ``anmalda_brott/`` (Brå's reported crime, SCB's folkmängd) -> the crime tables.

Writes ``reported_crime.parquet`` (every vintage as delivered), ``population.parquet``,
``crime_rates.parquet`` (yearly counts of the latest vintage with rates per 100 000 and
exact intervals, youth violence included), ``crime_comparisons.parquet`` (the kommun against
its county, riket and the comparison kommuner), ``crime_changes.parquet`` (consecutive
years), ``crime_trends.parquet`` (Poisson trends) and the rejected rows.

Without an ``anmalda_brott/`` folder (or without tables in it) the stage writes nothing and
says so. Rows with problems stop the build unless it quarantines them; a year without a
population, a sub-category larger than its parent and a kommun missing from Brå's tables are
notes.
"""

from __future__ import annotations

import pandas as pd

from analysis import tables as T
from analysis.crime import (
    RegionResolver,
    crime_changes,
    crime_comparisons,
    crime_config,
    crime_folder,
    crime_rates,
    crime_trends,
    empty_population,
    known_regions,
    load_crime,
    load_population,
    missing_population,
    read_crime_files,
)
from analysis.paths import CRIME_DIR
from analysis.problems import unread_note
from analysis.stages.context import BuildContext, Stage, StageResult

WRITES = (T.CRIME, T.POPULATION, T.CRIME_RATES, T.CRIME_COMPARISONS, T.CRIME_CHANGES,
          T.CRIME_TRENDS, T.REJECTED_CRIME)


def run(ctx: BuildContext) -> StageResult:
    listing = crime_folder(ctx.source / CRIME_DIR)
    notes = [unread_note(CRIME_DIR, p) for p in listing.ignored]
    for note in notes:
        ctx.progress(f"  Obs: {note}")
    if not listing.files:
        note = (f"Ingen mapp {CRIME_DIR}/ med Brås anmälda brott i rådata: avsnittet om "
                "anmälda brott utgår och löften om anmälda brott kan inte bedömas.")
        ctx.progress(f"  Obs: {note}")
        return StageResult(notes=[*notes, note])
    s = ctx.settings
    files = read_crime_files(listing.files, max_rows=s.max_rows)
    window = {"earliest_year": s.earliest_year, "latest_year": s.latest_year}
    population = load_population(files.population, RegionResolver(), **window)
    resolver = RegionResolver(known_regions(population.table))
    crime = load_crime(files.crime, resolver, **window)
    ctx.stop_on_problems(files.problems + population.problems + crime.problems,
                         "Anmälda brott och folkmängd")
    inputs = listing.files
    accounting = {f"{CRIME_DIR}/{k}": v for k, v in (crime.accounting
                                                     | population.accounting).items()}
    notes += [n.format() for n in crime.notices]
    if not files.crime:
        note = f"Ingen tabell från Brå i {CRIME_DIR}/ (bara folkmängd): inga anmälda brott att visa."
        ctx.progress(f"  Obs: {note}")
        return StageResult(inputs=inputs, accounting=accounting, notes=[*notes, note])
    config = crime_config(s, crime.table)
    pop_table = population.table if files.population else empty_population()
    rates = crime_rates(crime.table, pop_table, config)
    if not files.population:
        notes.append(f"Ingen folkmängd från SCB i {CRIME_DIR}/: antal anmälda brott visas, men "
                     "inga brott per 100 000 invånare.")
    else:
        for r in missing_population(rates).itertuples(index=False):
            notes.append(f"Folkmängd saknas för {r.region_name} {r.year}: antalet anmälda brott "
                         "visas men ingen takt per 100 000 invånare. Lägg till året i SCB-filen.")
    if not config.kommun:
        notes.append("Ingen kommunkod i inställningarna och fler än en kommun i Brås tabeller: "
                     "jämförelser med länet och riket görs inte. Skriv kommunkod i "
                     "installningar.yaml.")
    elif config.kommun not in set(rates["region"]):
        notes.append(f"Kommunen ({config.kommun}, kommunkod i inställningarna) finns inte i Brås "
                     "tabeller: jämförelser med länet och riket görs inte.")
    outputs = {T.CRIME: crime.table, T.POPULATION: pop_table, T.CRIME_RATES: rates,
               T.CRIME_COMPARISONS: crime_comparisons(rates, config),
               T.CRIME_CHANGES: crime_changes(rates, config),
               T.CRIME_TRENDS: crime_trends(rates, config),
               T.REJECTED_CRIME: pd.concat([crime.rejected, population.rejected],
                                           ignore_index=True)}
    for note in notes:
        ctx.progress(f"  Obs: {note}")
    read = sum(a["lasta"] for a in crime.accounting.values())
    ctx.progress(f"  {len(files.crime)} tabeller från Brå ({read} rader, {len(crime.rejected)} "
                 f"avvisade), {len(files.population)} med folkmängd; {len(crime.table)} värden, "
                 f"{int(crime.table['preliminary'].sum())} preliminära, "
                 f"{int(crime.table['restated'].sum())} i reviderade år")
    return StageResult(outputs=outputs, inputs=inputs, accounting=accounting, notes=notes)


STAGE = Stage("crime", "anmälda brott", run, writes=WRITES)
