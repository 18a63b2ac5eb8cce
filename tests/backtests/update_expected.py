"""Rebuild the demo in a temporary folder and replace the expected backtest files.

Run after an intended change of the demo data or the exports, then review the diff:

    .venv/bin/python -m tests.backtests.update_expected
"""

import shutil
import tempfile
from pathlib import Path

from analysis.paths import DEFAULT_ROOT
from analysis.pipeline import build

EXPECTED = Path(__file__).resolve().parent / "expected"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(DEFAULT_ROOT / "data" / "raw" / "demo", root / "data" / "raw" / "demo")
        build(root, progress=lambda s: None)
        shutil.rmtree(EXPECTED, ignore_errors=True)
        shutil.copytree(root / "reports" / "csv", EXPECTED)
    print(f"Uppdaterade {EXPECTED}")


if __name__ == "__main__":
    main()
