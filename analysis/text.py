"""Matching what people typed: one label normaliser, one looser match key, one suggestion helper.

* ``normalise_label`` – case- and whitespace-insensitive form of a header or answer label
  ("  Mycket  STORT problem" -> "mycket stort problem");
* ``match_key`` – looser still: also å/ä/ö/é/ü folded and ``_ - / – —`` read as spaces
  ("Ej åtgärdbar" == "ej_atgardbar"), for vocabularies with many spellings;
* ``suggest`` / ``did_you_mean`` – the closest known values for a hint ("Menade du: …?").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})
_SEPARATORS = re.compile(r"[\s_\-/–—]+")
_SIGNS = frozenset({"-", "+"})


def normalise_label(value: object) -> str:
    """Case- and whitespace-insensitive form of a header or answer label."""
    if value is None:
        return ""
    text = str(value).replace("\u00a0", " ").replace("\ufeff", "")
    return " ".join(text.split()).casefold()


def match_key(value: object) -> str:
    """A looser key: ``normalise_label``, å/ä/ö folded, ``_``/``-``/``/`` as spaces, leading
    and trailing ``.:;,`` ignored ("Ej vårt ansvar." == "ej_vart_ansvar"); a lone "-" or
    "+" is kept as it is (it is a value in some vocabularies, not a separator)."""
    label = normalise_label(value)
    key = _SEPARATORS.sub(" ", label.translate(_FOLD)).strip(" .:;,")
    if key:
        return key
    return label if label in _SIGNS else ""


def suggest(value: object, candidates: Iterable[str], n: int = 3, cutoff: float = 0.5,
            key: Callable[[object], str] = match_key) -> list[str]:
    """The ``n`` candidates closest to ``value`` (difflib on ``key`` forms), best first."""
    by_key: dict[str, str] = {}
    for c in candidates:
        by_key.setdefault(key(c), str(c))
    near = difflib.get_close_matches(key(value), list(by_key), n=n, cutoff=cutoff)
    return list(dict.fromkeys(by_key[k] for k in near))


def did_you_mean(value: object, candidates: Iterable[str], n: int = 3,
                 quote: bool = False) -> str:
    """``"Menade du: a, b? "`` (empty when nothing is close)."""
    near = suggest(value, candidates, n=n)
    if not near:
        return ""
    shown = [f'"{c}"' for c in near] if quote else near
    return f"Menade du: {', '.join(shown)}? "
