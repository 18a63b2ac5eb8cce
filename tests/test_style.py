"""Tests for analysis/style.py: axis formatters, the style context and deterministic PNGs."""

from __future__ import annotations

import io

import matplotlib

from analysis.style import (
    DPI,
    apply_style,
    css_size,
    new_figure,
    number_formatter,
    percent_formatter,
    png_size,
    save_png,
    smallest_text,
)


def test_axis_formatters():
    assert percent_formatter()(0.4, 0) == "40\u00a0%"
    assert number_formatter(1)(1.25, 0) == "1,2"  # round half to even, as Python formats


def test_apply_style_leaves_global_rcparams_alone():
    before = matplotlib.rcParams["axes.titleweight"]
    with apply_style():
        assert matplotlib.rcParams["axes.titleweight"] == "bold"
        assert matplotlib.rcParams["font.size"] == 9.5
    assert matplotlib.rcParams["axes.titleweight"] == before


def _figure():
    with apply_style():
        fig = new_figure((3, 2))
        ax = fig.add_subplot()
        ax.plot([0, 1, 2], [1, 0, 2], label="Område")
        ax.set_title("Åäö – 45 %")
        ax.legend()
    return fig


def test_save_png_is_deterministic_and_has_no_software_chunk(tmp_path):
    first = save_png(_figure())
    second = save_png(_figure())
    assert first == second
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"Software" not in first and b"matplotlib" not in first
    path = tmp_path / "a" / "fig.png"
    path.parent.mkdir()
    assert save_png(_figure(), path) == first
    assert path.read_bytes() == first
    buf = io.BytesIO()
    save_png(_figure(), buf)
    assert buf.getvalue() == first


def test_png_size_and_the_css_size_that_keeps_point_sizes():
    blob = save_png(_figure())
    width, height = png_size(blob)
    assert 0 < width and 0 < height
    assert css_size(blob) == (round(width * 96 / DPI), round(height * 96 / DPI))


def test_smallest_text_finds_the_smallest_visible_text():
    fig = _figure()
    fig.text(0, 0, "liten", fontsize=6)
    fig.text(0, 0, "", fontsize=2)  # empty texts do not count
    assert smallest_text(fig) == 6
