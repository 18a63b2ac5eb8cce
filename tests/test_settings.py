"""Settings from installningar.yaml in the raw folder."""

import shutil

import pytest

from analysis.paths import DEFAULT_ROOT
from analysis.pipeline import build
from analysis.problems import DataError
from analysis.settings import Settings, read_settings


def test_read_settings_overrides_defaults(tmp_path):
    path = tmp_path / "installningar.yaml"
    path.write_text("kommunkod: 1234\nkommun_namn: Exempelby kommun\nmin_n: 40\n"
                    "max_halfwidth_share: 1\n", encoding="utf-8")
    s = read_settings(path)
    assert (s.kommunkod, s.kommun_namn, s.min_n, s.max_halfwidth_share) == \
        ("1234", "Exempelby kommun", 40, 1.0)
    assert s.uncertain_n == Settings().uncertain_n


def test_unknown_setting_and_wrong_type_are_reported_together(tmp_path):
    path = tmp_path / "installningar.yaml"
    path.write_text("min_antal: 40\nmin_n: trettio\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_settings(path)
    msg = str(info.value)
    assert 'installningar.yaml, kolumn "min_antal": okänd inställning' in msg
    assert 'installningar.yaml, kolumn "min_n": "trettio" – ska vara int' in msg


def test_build_uses_the_settings_file_and_records_it(tmp_path):
    shutil.copytree(DEFAULT_ROOT / "data" / "raw" / "demo", tmp_path / "data" / "raw")
    (tmp_path / "data" / "raw" / "installningar.yaml").write_text(
        "kommun_namn: Exempelby kommun\nmin_n: 160\n", encoding="utf-8")
    manifest = build(tmp_path, demo=False, progress=lambda s: None)
    assert manifest["parametrar"]["min_n"] == 160
    assert "installningar.yaml" in manifest["indata"]
    html = (tmp_path / "reports" / "lagesbild.html").read_text(encoding="utf-8")
    assert "Exempelby kommun" in html and "Eslövs kommun" not in html
