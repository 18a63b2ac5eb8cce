"""analysis/paths.py: file names made from data (safe_slug, unique_slugs) and inside()."""

from __future__ import annotations

import os
import random
import re

import pytest

from analysis.paths import inside, safe_slug, unique_slugs

SLUG = re.compile(r"[a-z0-9_][a-z0-9_-]*")


@pytest.mark.parametrize(("text", "slug"), [
    ("01", "01"),
    ("kommunen", "kommunen"),
    ("Öster", "oster"),
    ("Ärlöv Åby", "arlov_aby"),
    ("Café Über", "cafe_uber"),
    ("../../X", "______x"),
    ("..", "__"),
    (".", "_"),
    ("/etc/passwd", "_etc_passwd"),
    ("..\\..\\X", "______x"),
    ("C:\\Windows", "c__windows"),
    ("a\0b", "a_b"),
    ("a\nb\tc\rd", "a_b_c_d"),
    ("", "x"),
    ("-rf", "_rf"),
    ("A-1_b", "a-1_b"),
    ("日本", "__"),
    ("~user", "_user"),
    ("$HOME", "_home"),
    ("%2e%2e%2f", "_2e_2e_2f"),
])
def test_safe_slug_keeps_only_safe_characters(text, slug):
    assert safe_slug(text) == slug
    assert SLUG.fullmatch(slug)


@pytest.mark.parametrize("text", ["..", ".", "...", "../", "/..", ".\0.", "\0", " ", "\u2024\u2024"])
def test_safe_slug_is_never_a_dot_name_or_empty(text):
    slug = safe_slug(text)
    assert slug not in {"", ".", ".."} and "." not in slug and "/" not in slug
    assert SLUG.fullmatch(slug)


def test_long_names_are_cut_with_a_hash_so_they_stay_apart():
    a, b = "a" * 300, "a" * 299 + "b"
    sa, sb = safe_slug(a), safe_slug(b)
    assert len(sa) == len(sb) == 60
    assert sa != sb and sa[:51] == sb[:51] == "a" * 51
    assert re.fullmatch(r"a{51}_[0-9a-f]{8}", sa)
    assert safe_slug("x" * 60) == "x" * 60  # exactly at the limit: not cut
    assert len(safe_slug("x" * 61)) == 60
    assert len(safe_slug("/" * 5000, max_len=20)) == 20
    assert safe_slug(a) == sa  # deterministic


def test_safe_slug_refuses_a_too_small_limit():
    with pytest.raises(ValueError, match="max_len"):
        safe_slug("abc", max_len=5)


def test_safe_slug_of_random_hostile_text_is_always_a_plain_name():
    rng = random.Random(8)
    alphabet = list("./\\\0\n\r\t :*?\"<>|~$%-_aåäöÅÄÖz09") + ["..", "\u202e", "\ufeff", "ﬁ", "é"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 90)))
        slug = safe_slug(text)
        assert SLUG.fullmatch(slug), (text, slug)
        assert 1 <= len(slug) <= 60


def test_unique_slugs_separates_codes_that_share_a_slug_in_order():
    names = unique_slugs(["A", "a", "a_2", "../x", "__x", "Ö", "o", "A"])
    assert names == {"A": "a", "a": "a_2", "a_2": "a_2_2", "../x": "___x", "__x": "__x",
                     "Ö": "o", "o": "o_2"}
    assert len(set(names.values())) == len(names)
    assert unique_slugs(["A", "a", "a_2", "../x"]) == {k: names[k] for k in ["A", "a", "a_2", "../x"]}


def test_unique_slugs_of_long_colliding_names_stay_within_the_limit():
    names = unique_slugs(["ä" * 80, "a" * 80, "å" * 80])
    assert len(set(names.values())) == 3
    assert all(len(s) <= 60 and SLUG.fullmatch(s) for s in names.values())


@pytest.mark.parametrize("relative", ["figurer/a.png", "a.png", "csv/x/y.csv", "figurer/../b.png",
                                      "./c.png", "figurer/storsta_problem_../../../X.png"])
def test_inside_accepts_paths_that_stay_inside(tmp_path, relative):
    target = inside(tmp_path, relative)
    assert target.is_relative_to(tmp_path.resolve()) and target != tmp_path.resolve()
    assert target == (tmp_path / relative).resolve()


@pytest.mark.parametrize("relative", ["../x.png", "figurer/../../x.png", "/etc/passwd",
                                      "figurer/storsta_problem_../../../../X.png", "", ".",
                                      "figurer/..", "a/../../" + "b/" * 3 + "../../../x"])
def test_inside_refuses_escapes_and_the_base_itself(tmp_path, relative):
    base = tmp_path / "reports"
    base.mkdir()
    with pytest.raises(ValueError, match="utanför mappen"):
        inside(base, relative)


def test_inside_refuses_nul(tmp_path):
    with pytest.raises(ValueError, match="NUL"):
        inside(tmp_path, "a\0/../../x")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="inga symboliska länkar")
def test_inside_refuses_a_symlink_that_leads_out(tmp_path):
    base = tmp_path / "reports"
    base.mkdir()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (base / "figurer").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ValueError, match="utanför mappen"):
        inside(base, "figurer/a.png")
    (base / "ok").symlink_to(base / "real", target_is_directory=True)
    assert inside(base, "ok/a.png") == base.resolve() / "real" / "a.png"
