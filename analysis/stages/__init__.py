"""The build's stages, one file each, in the order they are declared.

Each module defines ``STAGE`` (``analysis.stages.context.Stage``): what it needs, what it
uses when present and what it writes. ``analysis.pipeline.build`` checks the order from
these declarations before anything runs. To add a data source, add a module here and put
it in ``STAGES`` (see docs/ny_datakalla.md).
"""

from analysis.stages import (
    areas,
    crime,
    estimates,
    exports,
    official,
    places,
    promises,
    report,
    survey,
    walks,
)
from analysis.stages.context import BuildContext, Stage, StageError, StageResult

STAGES: tuple[Stage, ...] = (
    areas.STAGE,
    survey.STAGE,
    estimates.STAGE,
    official.STAGE,
    places.STAGE,
    walks.STAGE,
    crime.STAGE,
    promises.STAGE,
    exports.STAGE,
    report.STAGE,
)

__all__ = ["STAGES", "BuildContext", "Stage", "StageError", "StageResult"]
