"""What a build stage sees and returns, and how a stage declares itself.

A stage is a plain function ``run(ctx) -> StageResult`` wrapped in a ``Stage`` that
declares the processed tables it **needs** (the build fails before it starts when no
earlier stage writes them), the tables it **uses** when they exist (ordering only) and
the tables it **writes**. ``BuildContext`` gives a stage the project paths, the raw
source folder, the settings, the year of the lägesbild and the tables earlier stages
wrote; a stage may read only the tables it declared (``ctx.need``/``ctx.maybe``).

Domain modules never import this package: stages call the domain, never the reverse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.paths import ProjectPaths
from analysis.problems import DataError, Problem
from analysis.settings import Settings


class StageError(RuntimeError):
    """A stage broke its own declaration (a programming error, not an input problem)."""


@dataclass
class StageResult:
    """A stage's outputs (file name under ``data/processed/`` -> table or bytes), the raw
    files it read, its row accounting (``{name: {"lasta": n, ...}}``), notes for the
    manifest, and files for ``reports/`` (path relative to ``reports/`` -> bytes), and ``streams`` of more
    such files, ``(path, bytes or blocks of bytes)`` pairs made while the build writes them
    (independent streams are written side by side)."""

    outputs: dict[str, pd.DataFrame | bytes] = field(default_factory=dict)
    inputs: list[Path] = field(default_factory=list)
    accounting: dict[str, dict] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    reports: dict[str, bytes] = field(default_factory=dict)
    streams: list[Iterable[tuple[str, bytes | Iterable[bytes]]]] = field(default_factory=list)


@dataclass
class BuildContext:
    """What a stage may use: paths, the raw source folder, settings, the year and the
    tables written by earlier stages (read through ``need``/``maybe``)."""

    paths: ProjectPaths
    source: Path
    settings: Settings
    quarantine: bool = False
    progress: Callable[[str], None] = print
    year: int | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    stage: Stage | None = None

    @property
    def demo(self) -> bool:
        """True when the build reads the bundled synthetic demo set."""
        return self.source == self.paths.demo_raw

    def _check_declared(self, name: str) -> None:
        if self.stage is not None and name not in self.stage.needs + self.stage.uses:
            raise StageError(f"steget {self.stage.key!r} läser {name} utan att ha deklarerat det")

    def need(self, name: str) -> pd.DataFrame:
        """A table the stage declared in ``needs`` (always there: the build checked it)."""
        self._check_declared(name)
        if name not in self.tables:
            raise StageError(f"tabellen {name} saknas trots att den är deklarerad")
        return self.tables[name]

    def maybe(self, name: str) -> pd.DataFrame | None:
        """A table the stage declared in ``uses``, or None when no stage wrote it."""
        self._check_declared(name)
        return self.tables.get(name)

    def stop_on_problems(self, problems: list[Problem], what: str) -> None:
        """Raise a ``DataError`` with every problem unless the build quarantines bad rows.

        ``what`` names the delivery in Swedish ("Trygghetsmätningen"); the message says
        that nothing was written and how to go on.
        """
        if problems and not self.quarantine:
            raise DataError(problems, title=f"{what} har fel – inget har skrivits. Rätta "
                                            "filerna, eller kör med --karantan för att lägga "
                                            "undan raderna")


@dataclass(frozen=True)
class Stage:
    """One step of the build and its declaration.

    ``key`` is a short English identifier (``build(stages=[...])``), ``name`` the
    Swedish text shown while building; ``needs`` must be written by an earlier stage,
    ``uses`` are read when present, ``writes`` are the processed tables it may return.
    """

    key: str
    name: str
    run: Callable[[BuildContext], StageResult]
    needs: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    # True for stages that only present what earlier stages computed (CSV, report): they
    # read no delivery, so ``trygghet build --kontroll`` skips them.
    presents: bool = False
