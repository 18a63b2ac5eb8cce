"""One look for every figure: fonts, colours, axis formatters, deterministic PNGs.

Nothing is set at import: figure functions draw inside ``with apply_style():`` (a
``matplotlib.rc_context``), so the caller's rcParams are left as they were. Numbers
follow Swedish typography: decimal comma, a space before ``%`` ("45 %") and a
(narrow, non-breaking) space between thousands ("12 345").
"""

from __future__ import annotations

import io
import os
import struct
from contextlib import contextmanager

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from analysis.files import write_bytes
from analysis.formatting import sv_number, sv_percent

DPI = 110
FIGSIZE = (7.4, 4.4)
# Figures are shown at their natural size (one figure inch = 96 CSS pixels), never shrunk:
# then a text of 8 pt in the figure is 8 pt on the screen. No text in a figure is smaller.
CSS_PX_PER_INCH = 96
MIN_FONT_PT = 8.0
NOTE_FONT_PT = 8.5
PAD_INCHES = 0.12

# Colours (colour-blind safe, Okabe–Ito based).
COLOURS = {
    "bar": "#0072B2",
    "total": "#000000",
    "uncertain": "#9EC9E2",
    "suppressed": "#D0D0D0",
    "significant_up": "#D55E00",
    "significant_down": "#009E73",
    "not_significant": "#9A9A9A",
    "fixed": "#009E73",
    "open": "#E69F00",
    "declined": "#9A9A9A",
    "action_level": "#D55E00",
}
# Series colours for several areas in one figure (trend).
SERIES = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#7F7F7F"]
# Map classes: light -> dark (ColorBrewer OrRd, 7 classes; other counts are interpolated).
MAP_COLOURS = ["#FEF0D9", "#FDD49E", "#FDBB84", "#FC8D59", "#EF6548", "#D7301F", "#990000"]
UNCERTAIN_HATCH = "///"

RC_PARAMS = {
    "font.family": "DejaVu Sans",
    "font.size": 9.5,
    "axes.titlesize": 11.5,
    "axes.titleweight": "bold",
    "axes.labelsize": 9.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "axes.formatter.use_locale": False,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.figsize": FIGSIZE,
    "legend.frameon": False,
    "legend.fontsize": 9.0,
    "legend.title_fontsize": 9.0,
    "xtick.labelsize": 9.5,
    "ytick.labelsize": 9.5,
    "svg.hashsalt": "trygghetsanalys",
    "path.simplify": True,
    # area names and labels are text, never TeX: "$x^$" must not be parsed as mathtext
    "text.parse_math": False,
}


@contextmanager
def apply_style():
    """Context manager: the house rcParams (and the Agg backend's defaults) inside the block."""
    with matplotlib.rc_context(RC_PARAMS):
        yield


def new_figure(figsize: tuple[float, float] | None = None) -> Figure:
    """A figure that is not registered with pyplot (no global state, nothing to close)."""
    return Figure(figsize=figsize or FIGSIZE, dpi=DPI)


# --- axis formatters (numbers from analysis.formatting) --------------------------------------


def percent_formatter(decimals: int = 0) -> FuncFormatter:
    """Axis tick formatter for proportions: ``0.4`` -> ``"40 %"``."""
    return FuncFormatter(lambda x, _pos: sv_percent(x, decimals))


def number_formatter(decimals: int = 1) -> FuncFormatter:
    """Axis tick formatter with a decimal comma: ``1.5`` -> ``"1,5"``."""
    return FuncFormatter(lambda x, _pos: sv_number(x, decimals))


# --- deterministic PNG -----------------------------------------------------------------------


def png_bytes(fig: Figure, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes, identical for identical figures (Agg, fixed dpi, no metadata).

    The image is cropped to what is drawn (``bbox_inches="tight"``), so titles and source
    lines placed above or below the axes area are included.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)  # attach an Agg canvas whatever the session's backend
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None}, bbox_inches="tight",
                pad_inches=PAD_INCHES)
    return buf.getvalue()


def png_size(blob: bytes) -> tuple[int, int]:
    """Width and height in pixels of PNG bytes (from the IHDR chunk)."""
    if blob[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("inte en PNG-bild")
    return struct.unpack(">II", blob[16:24])


def css_size(blob: bytes, dpi: int = DPI) -> tuple[int, int]:
    """The size in CSS pixels at which a figure rendered at ``dpi`` shows its true point sizes."""
    width, height = png_size(blob)
    return round(width * CSS_PX_PER_INCH / dpi), round(height * CSS_PX_PER_INCH / dpi)


def smallest_text(fig: Figure) -> float:
    """The smallest font size (pt) of any visible, non-empty text in the figure."""
    from matplotlib.text import Text

    sizes = [t.get_fontsize() for t in fig.findobj(Text)
             if t.get_visible() and t.get_text().strip()]
    return min(sizes) if sizes else float("inf")


def save_png(fig: Figure, path_or_buffer=None, dpi: int = DPI) -> bytes:
    """Render ``fig`` to deterministic PNG bytes; also write them when given a path or buffer.

    Only this function (and the pipeline) writes figures; a path is written atomically.
    """
    blob = png_bytes(fig, dpi)
    if path_or_buffer is None:
        return blob
    if isinstance(path_or_buffer, (str, os.PathLike)):
        write_bytes(path_or_buffer, blob)
    else:
        path_or_buffer.write(blob)
    return blob
