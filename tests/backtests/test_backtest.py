"""End-to-end backtest: build the bundled demo into tmp_path and compare every CSV export
(its data dictionary, and its machine-readable copy in ``maskinlasbar/``) with the
committed expected files, byte for byte. The demo is
built once per test session (fixture ``demo_built``).

An intended change is accepted with ``python -m tests.backtests.update_expected``.
"""

from pathlib import Path

EXPECTED = Path(__file__).resolve().parent / "expected"


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (the machine-readable copies in ``maskinlasbar/`` too),
    by path relative to it."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_demo_exports_equal_the_committed_ground_truth(demo_built):
    built = demo_built.reports / "csv"
    got = _files(built)
    want = _files(EXPECTED)
    assert sorted(got) == sorted(want)
    for name in want:
        if got[name] != want[name]:
            got_lines = got[name].decode("utf-8-sig").splitlines()
            want_lines = want[name].decode("utf-8-sig").splitlines()
            first = next((i for i, (a, b) in enumerate(zip(got_lines, want_lines, strict=False))
                          if a != b), min(len(got_lines), len(want_lines)))
            raise AssertionError(f"{name} differs from line {first + 1}: "
                                 f"{got_lines[first:first + 1]} != {want_lines[first:first + 1]}")
