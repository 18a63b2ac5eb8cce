"""End-to-end backtest: build the bundled demo into tmp_path and compare every CSV export
(and its data dictionary) with the committed expected files, byte for byte. The demo is
built once per test session (fixture ``demo_built``).

An intended change is accepted with ``python -m tests.backtests.update_expected``.
"""

from pathlib import Path

EXPECTED = Path(__file__).resolve().parent / "expected"


def test_demo_exports_equal_the_committed_ground_truth(demo_built):
    built = demo_built.reports / "csv"
    got = {p.name: p.read_bytes() for p in sorted(built.iterdir())}
    want = {p.name: p.read_bytes() for p in sorted(EXPECTED.iterdir())}
    assert sorted(got) == sorted(want)
    for name in want:
        if got[name] != want[name]:
            got_lines = got[name].decode("utf-8-sig").splitlines()
            want_lines = want[name].decode("utf-8-sig").splitlines()
            first = next((i for i, (a, b) in enumerate(zip(got_lines, want_lines, strict=False))
                          if a != b), min(len(got_lines), len(want_lines)))
            raise AssertionError(f"{name} differs from line {first + 1}: "
                                 f"{got_lines[first:first + 1]} != {want_lines[first:first + 1]}")
