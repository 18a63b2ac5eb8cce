"""Indices per area × year, kommun totals and changes, against hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from analysis.areas import TOTAL_AREA, read_area_register
from analysis.codebook import load_codebook
from analysis.compact import stored
from analysis.indices import (
    area_estimates,
    estimate_tables,
    index_item_sets,
    indicator_values,
    year_changes,
)
from analysis.settings import Settings
from analysis.survey import read_responses
from analysis.vocabulary import FLAGS
from tests.conftest import csv_text, survey_rows, write_survey

OPEN = Settings(min_n=1, uncertain_n=1, min_count=1, min_cell=0)  # no suppression


@pytest.fixture
def responses(project, register):
    path = write_survey(project, "enkat_2022.csv", csv_text(survey_rows()))
    return read_responses(path, register=register)


def _values(responses):
    return {(ind, item): v for ind, item, _, v in indicator_values(responses, load_codebook())}


def test_indicator_values_per_respondent(responses):
    v = _values(responses)
    nan = np.nan
    # nedskrapning: Mycket stort, Ganska stort, Ganska litet, Inget, Vet ej, Mycket stort
    assert_allclose(v[("poang", "nedskrapning")], [3, 2, 1, 0, nan, 3])
    assert_allclose(v[("andel_stort_problem", "nedskrapning")], [1, 1, 0, 0, nan, 1])
    assert_allclose(v[("andel_vet_ej", "nedskrapning")], [0, 0, 0, 0, 1, 0])
    # fortkorning: Inget, Vet ej, Ganska stort, (empty), Mycket stort, Ganska litet
    assert_allclose(v[("poang", "fortkorning")], [0, nan, 2, nan, 3, 1])
    assert_allclose(v[("andel_vet_ej", "fortkorning")], [0, 1, 0, nan, 0, 0])
    # otrygg: Ganska otrygg, Mycket trygg, aldrig ut av andra skäl (excluded),
    # aldrig ut av otrygghet, Ganska trygg, Vet ej
    assert_allclose(v[("andel_otrygga", "otrygg_kvall")], [1, 0, nan, 1, 0, nan])
    # problemindex: mean over the problem items each respondent answered
    assert_allclose(v[("problemindex", "alla")], [1.5, 2, 1.5, 0, 3, 2])
    assert_allclose(v[("problemindex", "utemiljo")], [1.5, 2, 1.5, 0, 3, 2])
    assert ("poang", "klotter") not in v  # not asked: left out


def test_area_and_kommun_estimates(responses, register):
    reg = read_area_register(register)
    table = area_estimates(responses, reg, settings=OPEN)
    get = table.set_index(["area", "indicator", "item"])
    w = np.array([12.5, 10, 7.25, 20, 15, 8])
    # area 01 = rows 1-3: share stort problem (nedskrapning) = (12.5 + 10) / 29.75
    assert_allclose(get.loc[("01", "andel_stort_problem", "nedskrapning"), "estimate"],
                    22.5 / 29.75)
    # kommun problemindex = weighted mean of [1.5, 2, 1.5, 0, 3, 2]
    assert_allclose(get.loc[(TOTAL_AREA, "problemindex", "alla"), "estimate"],
                    (w * [1.5, 2, 1.5, 0, 3, 2]).sum() / w.sum())
    assert get.loc[(TOTAL_AREA, "problemindex", "alla"), "area_name"] == "Hela kommunen"
    assert get.loc[("02", "poang", "nedskrapning"), "area_name"] == "Öster"
    # area 02, nedskrapning poäng: rows 4 (0, w 20) and 6 (3, w 8); row 5 is Vet ej
    assert_allclose(get.loc[("02", "poang", "nedskrapning"), "estimate"], 24 / 28)
    assert get.loc[("02", "poang", "nedskrapning"), "n"] == 2
    # share Vet ej for fortkorning in area 01: 1 of 3 answered (weight 10 of 29.75)
    assert_allclose(get.loc[("01", "andel_vet_ej", "fortkorning"), "estimate"], 10 / 29.75)
    assert (table["scoring"] == "standard").all()
    assert list(table.columns[:6]) == ["year", "area", "area_name", "area_version", "indicator",
                                       "item"]
    assert get.loc[("02", "poang", "nedskrapning"), "area_version"] == "02@2020"
    assert get.loc[(TOTAL_AREA, "poang", "nedskrapning"), "area_version"] == TOTAL_AREA
    assert table.equals(table.sort_values(["year", "area", "indicator", "item"],
                                          ignore_index=True))


def test_scoring_is_configuration(responses, register, tmp_path):
    import yaml

    from analysis.paths import RESOURCES_DIR

    raw = yaml.safe_load((RESOURCES_DIR / "codebook.yaml").read_text(encoding="utf-8"))
    raw["scorings"]["noll_till_tre_linjar"] = {"description": "x",
                                               "problem": {1: 0, 2: 0.5, 3: 1, 4: 2, 5: 3}}
    path = tmp_path / "kodbok.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    from analysis.codebook import load_codebook as load

    v = {(i, it): x for i, it, _, x in indicator_values(responses, load(path), "noll_till_tre_linjar")}
    assert_allclose(v[("poang", "nedskrapning")], [3, 2, 1, 0, np.nan, 3])
    with pytest.raises(KeyError, match="Okänd poängsättning"):
        load_codebook().scoring("finns_inte")


def test_inputs_not_mutated(responses, register):
    before = responses.copy()
    area_estimates(responses, read_area_register(register), settings=OPEN)
    pd.testing.assert_frame_equal(responses, before)


def _two_years(project, register):
    rows22 = survey_rows()
    rows23 = [[str(int(r[0]) + 100), "2023", *r[2:]] for r in survey_rows()]
    rows23[3][4] = "Ganska stort problem"  # Öster worse in 2023
    path = write_survey(project, "enkat.csv", csv_text(rows22 + rows23))
    return read_responses(path, register=register)


def test_changes_respect_redrawn_areas(project, register):
    reg = read_area_register(register)
    responses = _two_years(project, register)
    est = area_estimates(responses, reg, settings=OPEN)
    ch = year_changes(est, reg, settings=OPEN).set_index(["area", "indicator", "item"])
    # 01 "Centrum" was redrawn in 2023 (new version): not comparable, no delta
    row = ch.loc[("01", "poang", "nedskrapning")]
    assert not row["comparable"] and np.isnan(row["delta"])
    assert row["flag_reason"] == "områdets gränser ändrades mellan åren"
    # 02 Öster: same version both years
    row = ch.loc[("02", "poang", "nedskrapning")]
    e = est.set_index(["year", "area", "indicator", "item"])
    a, b = e.loc[(2022, "02", "poang", "nedskrapning")], e.loc[(2023, "02", "poang", "nedskrapning")]
    assert row["comparable"]
    assert_allclose(row["delta"], b["estimate"] - a["estimate"])
    assert_allclose(row["delta"], (20 * 2 + 8 * 3) / 28 - 24 / 28)
    assert_allclose(row["se_delta"], np.hypot(a["se"], b["se"]))
    # the kommun total is always comparable
    assert ch.loc[(TOTAL_AREA, "poang", "nedskrapning"), "comparable"]
    # a problem question is tested once, on its share: the score has a delta but no test
    assert not row["tested"] and np.isnan(row["p"]) and np.isnan(row["p_bh"])
    assert row["flag_reason"] == FLAGS["not_tested"]
    share = ch.loc[("02", "andel_stort_problem", "nedskrapning")]
    assert share["tested"]
    assert_allclose(share["p"], 2 * stats.norm.sf(abs(share["delta"]) / share["se_delta"]))
    # BH within each indicator family into 2023
    usable = ch[ch["p"].notna()]
    for _, family in usable.groupby("indicator"):
        assert_allclose(family["p_bh"], stats.false_discovery_control(family["p"].to_numpy()))


def test_changes_of_suppressed_estimates_are_suppressed(project, register):
    reg = read_area_register(register)
    responses = _two_years(project, register)
    est = area_estimates(responses, reg)  # default settings: every area has < 30 answers
    ch = year_changes(est, reg)
    assert ch["suppressed"].all() and ch["delta"].isna().all()


def test_problemindex_groups_need_two_items(responses):
    v = _values(responses)
    # nedskrapning and fortkorning are both "utemiljo": a group index exists
    assert ("problemindex", "utemiljo") in v
    # no other group has two answered items in this delivery
    assert {item for ind, item in v if ind == "problemindex"} == {"alla", "utemiljo"}


# --- the columnar assembly gives exactly the table of one frame per indicator -------------

def _reference_estimates(responses, register, s):
    """area_estimates as first written: one frame per indicator and level, concat, sort."""
    from analysis.areas import TOTAL_AREA_NAME, area_versions
    from analysis.disclosure import apply_disclosure
    from analysis.estimate import DomainDesign

    designs = {"area": DomainDesign(responses, ["year", "area"], weight="weight",
                                    strata=["year", "stratum"], single_unit=s.single_unit),
               "total": DomainDesign(responses, ["year"], weight="weight",
                                     strata=["year", "stratum"], single_unit=s.single_unit)}
    frames = []
    for indicator, item, kind, value in indicator_values(responses, load_codebook(), s.scoring):
        for level, design in designs.items():
            est = design.estimate(value, kind=kind, level=s.level)
            if level == "total":
                est.insert(1, "area", TOTAL_AREA)
            est.insert(2, "indicator", indicator)
            est.insert(3, "item", item)
            frames.append(est[est["n"] > 0])
    table = pd.concat(frames, ignore_index=True)
    table["year"] = table["year"].astype("int64")
    for col in ["area", "indicator", "item"]:
        table[col] = table[col].astype("string")
    versions = area_versions(register, table["area"], table["year"])
    names = versions.map(dict(zip(register["version"], register["area_name"], strict=True)))
    table.insert(2, "area_name", names.astype("string").mask(table["area"] == TOTAL_AREA,
                                                             TOTAL_AREA_NAME))
    table.insert(3, "area_version", versions.mask(table["area"] == TOTAL_AREA, TOTAL_AREA))
    table["scoring"] = pd.array([s.scoring] * len(table), dtype="string")
    table = apply_disclosure(table, s)
    sets = {k: ",".join(v) for k, v in index_item_sets(responses, load_codebook()).items()}
    table["index_items"] = pd.array(
        [sets.get((y, i)) if ind == "problemindex" else None
         for y, ind, i in zip(table["year"], table["indicator"], table["item"], strict=True)],
        dtype="string")
    return table.sort_values(["year", "area", "indicator", "item"], ignore_index=True)


def _reference_changes(estimates, register, s):
    """year_changes as first written: merges on the text keys."""
    from analysis.areas import comparable
    from analysis.estimate import benjamini_hochberg, change_test
    from analysis.vocabulary import FLAGS

    years = sorted(estimates["year"].unique())
    pairs = pd.DataFrame({"year_from": years[:-1], "year_to": years[1:]})
    keep = ["year", "area", "indicator", "item", "area_name", "estimate", "se", "n", "suppressed",
            "index_items"]
    left = estimates[keep].rename(columns={"year": "year_from"})
    right = estimates[keep].rename(columns={"year": "year_to"})
    m = (pairs.merge(left, on="year_from")
         .merge(right, on=["year_to", "area", "indicator", "item"], suffixes=("_from", "_to")))
    ok_area = comparable(register, m["area"], m["year_from"], m["year_to"]).to_numpy()
    same = (m["index_items_from"].fillna("") == m["index_items_to"].fillna("")).to_numpy()
    ok = ok_area & same
    test = change_test(m["estimate_from"], m["se_from"], m["estimate_to"], m["se_to"])
    suppressed = (m["suppressed_from"] | m["suppressed_to"]).to_numpy()
    tested = ok & ~suppressed & (m["indicator"] != "poang").to_numpy()
    for col in test.columns:
        keep = tested if col in ("z", "p") else ok & ~suppressed
        m[col] = np.where(keep, test[col].to_numpy(), np.nan)
    m["comparable"] = ok
    m["suppressed"] = suppressed
    m["tested"] = tested
    m["p_bh"] = np.nan
    for _, idx in m[tested].groupby(["year_to", "indicator"]).groups.items():
        rows = np.asarray(idx)
        m.loc[rows, "p_bh"] = benjamini_hochberg(m.loc[rows, "p"].to_numpy())
    m["significant"] = (m["p_bh"] < s.alpha).to_numpy()
    m["flag_reason"] = pd.array(np.select(
        [~ok_area, ~same, ~suppressed & ~tested],
        [FLAGS["not_comparable"], FLAGS["index_items_differ"], FLAGS["not_tested"]], ""),
        dtype="string")
    cols = ["year_from", "year_to", "area", "area_name_to", "indicator", "item",
            "estimate_from", "estimate_to", "n_from", "n_to", "delta", "se_delta", "z", "p",
            "p_bh", "significant", "comparable", "suppressed", "tested", "flag_reason"]
    out = m[cols].rename(columns={"area_name_to": "area_name"})
    return out.sort_values(["year_to", "area", "indicator", "item"], ignore_index=True)


@pytest.mark.parametrize("nested", [True, False])
def test_estimates_and_changes_equal_the_reference_exactly(tmp_path, nested):
    """Random delivery over four years with a redrawn area; strata nested in areas or not."""
    rng = np.random.default_rng(7)
    labels = ["Mycket stort problem", "Ganska stort problem", "Ganska litet problem",
              "Inget problem alls", "Vet ej", ""]
    safe = ["Mycket trygg", "Ganska trygg", "Ganska otrygg", "Mycket otrygg", "Vet ej"]
    lines = ["Löpnummer;År;Område;Stratum;Vikt;Nedskräpning;Klotter;Trygghet ute ensam sent en kväll"]
    for i in range(1200):
        year = 2020 + i % 4
        area = ["01", "02", "03"][rng.integers(0, 3)]
        stratum = area if nested else "s" + str(rng.integers(0, 4))
        lines.append(f"{i};{year};{area};{stratum};{rng.uniform(1, 30):.3f}".replace(".", ",")
                     + f";{labels[rng.integers(0, 6)]};{labels[rng.integers(0, 6)]}"
                     + f";{safe[rng.integers(0, 5)]}")
    (tmp_path / "e.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "r.csv").write_text("omrade;namn;giltig_fran;giltig_till\n01;A;2019;2021\n"
                                    "01;A ny;2022;\n02;B;2019;\n03;C;2019;\n", encoding="utf-8")
    reg = read_area_register(tmp_path / "r.csv")
    responses = read_responses(tmp_path / "e.csv", register=reg)
    s = Settings(min_n=75, uncertain_n=90)
    est = area_estimates(responses, reg, settings=s)
    expected = _reference_estimates(responses, reg, s)
    # the in-memory table is compact (categoricals); stored, it is the reference exactly
    pd.testing.assert_frame_equal(stored(est), stored(expected), check_exact=True)
    audit = estimate_tables(responses, reg, settings=s).audit
    assert est["suppressed"].any() and (audit["reason"] == "secondary").any()
    pd.testing.assert_frame_equal(stored(year_changes(est, reg, settings=s)),
                                  _reference_changes(expected, reg, s), check_exact=True)


def test_the_domain_designs_are_built_once(responses, register, monkeypatch):
    import analysis.indices as I

    built = []
    real = I.DomainDesign
    monkeypatch.setattr(I, "DomainDesign", lambda *a, **k: built.append(a[1]) or real(*a, **k))
    area_estimates(responses, read_area_register(register), settings=OPEN)
    # two designs for every indicator (no sex or age in this delivery: no breakdown design)
    assert built == [["year", "area"], ["year"]]


# --- issue 13: Vet ej only where offered, problemindex item sets, families, breakdowns ------

def _canonical(rows: list[dict], items: list[str]) -> pd.DataFrame:
    """A canonical respondent table from dicts of answer codes (None = no answer, "dk" =
    Vet ej); weight 1, stratum = area."""
    frame = pd.DataFrame({
        "respondent_id": pd.array([str(i) for i in range(len(rows))], dtype="string"),
        "year": [r["year"] for r in rows],
        "area": pd.array([r["area"] for r in rows], dtype="string"),
        "weight": [float(r.get("weight", 1.0)) for r in rows],
        "sex": pd.array([r.get("sex") for r in rows], dtype="string"),
        "age_group": pd.array([r.get("age") for r in rows], dtype="string"),
    })
    frame.insert(3, "stratum", frame["area"])
    for item in items:
        values = [r.get(item) for r in rows]
        frame[item] = pd.array([None if v in (None, "dk") else v for v in values], dtype="Int8")
        frame[f"{item}_vet_ej"] = pd.array([v == "dk" for v in values], dtype="boolean")
    return frame


def _register(areas=("01", "02")) -> pd.DataFrame:
    return pd.DataFrame({"area": pd.array(list(areas), dtype="string"),
                         "area_name": pd.array([f"Område {a}" for a in areas], dtype="string"),
                         "valid_from": pd.array([2000] * len(areas), dtype="Int64"),
                         "valid_to": pd.array([None] * len(areas), dtype="Int64"),
                         "version": pd.array([f"{a}@2000" for a in areas], dtype="string")})


def test_vet_ej_shares_only_for_questions_and_years_that_offered_it():
    rng = np.random.default_rng(1)
    rows = []
    for year in (2023, 2024):
        for i in range(40):
            rows.append({"year": year, "area": "01" if i % 2 else "02",
                         "utsatt_vald": int(rng.integers(1, 3)),
                         # klotter offers Vet ej only in 2024
                         "klotter": "dk" if (year == 2024 and i % 7 == 0)
                         else int(rng.integers(1, 6))})
    responses = _canonical(rows, ["utsatt_vald", "klotter"])
    est = area_estimates(responses, _register(), settings=OPEN)
    vet_ej = est[est["indicator"] == "andel_vet_ej"]
    assert set(vet_ej["item"]) == {"klotter"}  # utsatt_vald never had the option
    assert set(vet_ej["year"]) == {2024}
    # every published share has a real interval: never "0,0 (0,0–0,0)"
    shown = est[~est["suppressed"]]
    assert (shown["ci_high"] > shown["ci_low"]).all()


def test_problemindex_needs_answers_to_half_the_questions():
    codes = {"nedskrapning": 5, "klotter": 4, "skadegorelse": 1, "morka_omraden": 2}
    rows = [
        {"year": 2024, "area": "01", **codes},  # 4 of 4 answered
        {"year": 2024, "area": "01", "nedskrapning": 5, "klotter": 5},  # 2 of 4: enough
        {"year": 2024, "area": "01", "nedskrapning": 5, "klotter": "dk"},  # 1 of 4: too few
    ]
    responses = _canonical(rows, list(codes))
    v = _values(responses)
    # standard scoring: 5 -> 3, 4 -> 2, 1 -> 0, 2 -> 1
    assert_allclose(v[("problemindex", "alla")], [1.5, 3.0, np.nan])
    from analysis.indices import index_min_items

    assert [index_min_items(k) for k in (1, 2, 3, 4, 5, 15)] == [1, 1, 2, 2, 3, 8]


def test_problemindex_changes_only_over_the_same_questions():
    rng = np.random.default_rng(4)
    rows = []
    for year in (2023, 2024):
        for i in range(60):
            row = {"year": year, "area": "01" if i % 2 else "02",
                   "nedskrapning": int(rng.integers(1, 6)), "klotter": int(rng.integers(1, 6)),
                   "skadegorelse": int(rng.integers(1, 6))}
            if year == 2024:  # a question added in 2024
                row["morka_omraden"] = int(rng.integers(1, 6))
            rows.append(row)
    responses = _canonical(rows, ["nedskrapning", "klotter", "skadegorelse", "morka_omraden"])
    reg = _register()
    est = area_estimates(responses, reg, settings=OPEN)
    index = est[est["indicator"] == "problemindex"].set_index(["year", "area", "item"])
    assert index.loc[(2023, TOTAL_AREA, "alla"), "index_items"] == \
        "nedskrapning,skadegorelse,klotter"
    assert index.loc[(2024, TOTAL_AREA, "alla"), "index_items"] == \
        "nedskrapning,skadegorelse,klotter,morka_omraden"
    # the common subset is named and has the same questions both years
    assert index.loc[(2024, TOTAL_AREA, "alla_gemensamma"), "index_items"] == \
        index.loc[(2023, TOTAL_AREA, "alla_gemensamma"), "index_items"]
    ch = year_changes(est, reg, settings=OPEN).set_index(["area", "indicator", "item"])
    row = ch.loc[(TOTAL_AREA, "problemindex", "alla")]
    assert not row["comparable"] and np.isnan(row["delta"]) and not row["tested"]
    assert row["flag_reason"] == FLAGS["index_items_differ"]
    common = ch.loc[(TOTAL_AREA, "problemindex", "alla_gemensamma")]
    assert common["comparable"] and common["tested"] and not np.isnan(common["p_bh"])


def test_benjamini_hochberg_families_keep_vet_ej_apart():
    rng = np.random.default_rng(9)
    rows = []
    for year in (2023, 2024):
        for i in range(200):
            rows.append({"year": year, "area": ["01", "02"][i % 2],
                         "klotter": "dk" if rng.random() < 0.1 else int(rng.integers(1, 6)),
                         "utsatt_vald": int(rng.integers(1, 3))})
    responses = _canonical(rows, ["klotter", "utsatt_vald"])
    reg = _register()
    ch = year_changes(area_estimates(responses, reg, settings=OPEN), reg, settings=OPEN)
    tested = ch[ch["tested"]]
    assert set(tested["indicator"]) == {"andel_stort_problem", "andel_vet_ej", "andel_utsatta"}
    for _, family in tested.groupby(["year_to", "indicator"]):
        assert_allclose(family["p_bh"], stats.false_discovery_control(family["p"].to_numpy()))
    # the score is not tested; the "Vet ej" family is not the substantive one
    assert not ch.loc[ch["indicator"] == "poang", "tested"].any()
    assert ch.loc[ch["indicator"] == "poang", "p_bh"].isna().all()


def test_breakdowns_by_sex_and_age_at_kommun_level():
    from analysis.estimate import survey_estimates

    rng = np.random.default_rng(2)
    rows = [{"year": 2024, "area": ["01", "02"][i % 2], "weight": float(rng.uniform(1, 3)),
             "sex": ["Kvinna", "Man"][int(rng.integers(0, 2))],
             "age": ["16–44", "45–85"][int(rng.integers(0, 2))] if i != 5 else None,
             "utsatt_vald": int(rng.integers(1, 3))} for i in range(400)]
    responses = _canonical(rows, ["utsatt_vald"])
    tables = estimate_tables(responses, _register(), settings=Settings())
    b = tables.breakdowns
    assert list(b.columns[:4]) == ["year", "breakdown", "group", "area"]
    assert set(zip(b["breakdown"], b["group"], strict=True)) == {
        ("sex", "Kvinna"), ("sex", "Man"), ("age_group", "16–44"), ("age_group", "45–85")}
    assert (b["area"] == TOTAL_AREA).all() and (b["area_name"] == "Hela kommunen").all()
    # the estimates are domain estimates over the whole design (strata = areas)
    share = b[(b["breakdown"] == "sex") & (b["indicator"] == "andel_utsatta")].set_index("group")
    ref = survey_estimates(responses.assign(y=(responses["utsatt_vald"] == 1).astype(float)),
                           "y", "sex", weight="weight", strata=["year", "stratum"],
                           kind="proportion").set_index("sex")
    assert_allclose(share["estimate"], ref.loc[share.index, "estimate"])
    assert_allclose(share["ci_low"], ref.loc[share.index, "ci_low"])
    # respondent 5 has no age group: a hidden remainder, in the audit but never published
    audit = tables.audit
    rem = audit[(audit["breakdown"] == "age_group") & (audit["group"] == "")]
    assert len(rem) and not rem["published"].any()
    # the estimates table keeps its meaning: one kommun row per indicator and year
    est = tables.estimates
    assert est.groupby(["year", "area", "indicator", "item"]).size().max() == 1
    assert list(est.columns[:6]) == ["year", "area", "area_name", "area_version", "indicator",
                                     "item"]


def test_breakdowns_are_protected_with_their_margin():
    # the 1-2 victims among the men are hidden, and so is the women's cell (else the men's
    # count would be the kommun's minus the women's)
    rows = []
    for i in range(200):
        sex = "Kvinna" if i < 100 else "Man"
        victim = (sex == "Kvinna" and i % 10 == 0) or i in (150, 151)
        rows.append({"year": 2024, "area": ["01", "02"][i % 2], "sex": sex,
                     "utsatt_vald": 1 if victim else 2})
    tables = estimate_tables(_canonical(rows, ["utsatt_vald"]), _register(), settings=Settings())
    b = tables.breakdowns.set_index(["group", "indicator"])
    assert b.loc[("Man", "andel_utsatta"), "suppressed"]
    assert b.loc[("Kvinna", "andel_utsatta"), "suppressed"]
    assert pd.isna(b.loc[("Man", "andel_utsatta"), "n"])
    assert b.loc[("Man", "andel_utsatta"), "flag_reason"] == FLAGS["suppressed"]
    reasons = tables.audit.set_index(["group", "indicator"])["reason"]
    assert reasons[("Man", "andel_utsatta")] == "small_numerator"
    assert reasons[("Kvinna", "andel_utsatta")] == "secondary"


def test_the_breakdown_designs_are_built_once(monkeypatch):
    import analysis.indices as I

    rows = [{"year": 2024, "area": "01", "sex": "Kvinna", "age": "16–44", "klotter": 1},
            {"year": 2024, "area": "01", "sex": "Man", "age": "45–85", "klotter": 4}]
    built = []
    real = I.DomainDesign
    monkeypatch.setattr(I, "DomainDesign", lambda *a, **k: built.append(a[1]) or real(*a, **k))
    estimate_tables(_canonical(rows, ["klotter"]), _register(), settings=OPEN)
    # the two breakdowns are added up from one sex × age group design (one pass over rows)
    assert built == [["year", "area"], ["year"], ["year", "sex"], ["year", "age_group"],
                     ["year", "sex", "age_group"]]
