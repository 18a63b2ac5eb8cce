"""Tests for analysis/codebook.py: items, scales, scorings, labels, police indicators."""

from __future__ import annotations

import pytest

from analysis.codebook import load_codebook, load_police_indicators
from analysis.text import match_key, normalise_label


@pytest.fixture(scope="module")
def codebook():
    return load_codebook()


def test_items_have_known_scales_and_unique_codes(codebook):
    codes = codebook.item_codes
    assert len(codes) == len(set(codes))
    assert all(i.scale in codebook.scales for i in codebook.items)
    assert {"otrygg_kvall", "fortkorning", "nedskrapning"} <= set(codes)


def test_default_scoring_follows_domain(codebook):
    problem = codebook.scales["problem"]
    score = codebook.scoring("standard")
    assert score[problem.lookup["inget problem alls"]] == 0.0
    assert score[problem.lookup["mycket stort problem"]] == 3.0
    with pytest.raises(KeyError, match="Okänd poängsättning"):
        codebook.scoring("finns_inte")


def test_answer_labels_match_case_and_space_insensitively(codebook):
    problem = codebook.scales["problem"]
    assert problem.lookup[normalise_label("  Mycket  STORT problem ")] == \
        problem.lookup["mycket stort problem"]
    assert normalise_label("vet ej") in problem.dont_know


def test_labels_depend_on_the_indicator(codebook):
    assert codebook.label("missbruk", "problemindex") == "Alla frågor om missbruk"
    assert codebook.label("alla", "problemindex") == "Alla problemfrågor"
    assert codebook.label("fortkorning", "andel_stort_problem") == "Bilar som kör för fort"
    assert codebook.label("okand", "poang") == "okand"


def test_headers_resolve_to_columns(codebook):
    lookup = codebook.header_lookup()
    assert lookup[normalise_label("Löpnummer")] == "respondent_id"
    assert lookup[normalise_label("Bilar som kör för fort")] == "fortkorning"


def test_police_indicators_are_unique_even_under_the_loose_key():
    indicators = load_police_indicators()
    keys = {}
    for ind in indicators:
        for name in (ind.code, ind.name, *ind.aliases):
            assert keys.setdefault(match_key(name), ind.code) == ind.code, name
