"""Settings from installningar.yaml in the raw folder: reading, the schema, the build."""

import shutil
import time

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
    assert 'installningar.yaml, kolumn "min_n": "trettio" – ska vara ett heltal' in msg


def test_build_uses_the_settings_file_and_records_it(project):
    from tests.conftest import csv_text, survey_rows, write_survey

    write_survey(project, "enkat_2022.csv", csv_text(survey_rows()))
    (project / "data" / "raw" / "installningar.yaml").write_text(
        "kommun_namn: Exempelby kommun\nmin_n: 160\n", encoding="utf-8")
    manifest = build(project, demo=False, stages=["areas", "survey", "estimates", "report"],
                     progress=lambda s: None)
    assert manifest["parametrar"]["min_n"] == 160
    assert "installningar.yaml" in manifest["indata"]
    html = (project / "reports" / "lagesbild.html").read_text(encoding="utf-8")
    assert "Exempelby kommun" in html and "Eslöv" not in html


@pytest.mark.parametrize("line, message", [
    ("min_n: 0", '"min_n": "0" – ligger utanför det tillåtna intervallet. Tillåtet: från 10 till'),
    ("min_n: -5", '"min_n": "-5" – ligger utanför det tillåtna intervallet'),
    ("min_n: 9", "från 10 till 10000 (lägsta tillåtna är dokumenterat i docs/metod.md)"),
    ("min_n: 30.5", '"min_n": "30.5" – ska vara ett heltal'),
    ("min_count: 1", '"min_count": "1" – ligger utanför det tillåtna intervallet'),
    ("min_cell: 0", '"min_cell": "0" – ligger utanför'),
    ("level: 1.5", '"level": "1.5" – ligger utanför det tillåtna intervallet. Tillåtet: från 0,5'),
    ("single_unit: ignore", "är inte ett tillåtet värde. Tillåtet: tillåtna värden: error, certainty"),
    ("walk_target_days: .inf", '"walk_target_days": "inf" – ska vara ett ändligt tal'),
    ("walk_as_of: 2999-04-26", "ligger utanför åren 1990–2100"),
    ("walk_as_of: '2022-02-30'", "ska vara ett datum ÅÅÅÅ-MM-DD"),
    ("walk_as_of: igår", "ska vara ett datum ÅÅÅÅ-MM-DD"),
    ("kommunkod: 12", "ska vara fyra siffror"),
    ("walk_repeat_same_category: kanske", "ska vara ja eller nej"),
    ("min_cell: 40", "får inte vara större än min_n (30)"),
    ("max_weight: 0", '"max_weight": "0" – ligger utanför'),
    ("latest_year: 1995\nearliest_year: 2000", "ska vara senare än earliest_year (2000)"),
    ("alpha: [1, 2]", '"alpha": "[1, 2]" – ska vara ett tal'),
])
def test_every_setting_is_checked_against_the_schema(tmp_path, line, message):
    path = tmp_path / "installningar.yaml"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_settings(path)
    assert "installningar.yaml" in str(info.value)
    assert message in str(info.value)


def test_the_defaults_pass_the_schema_and_the_build_checks_settings_given_in_code(tmp_path):
    from analysis.settings import validate_settings

    assert validate_settings(Settings()) == Settings()
    shutil.copytree(DEFAULT_ROOT / "data" / "raw" / "demo", tmp_path / "data" / "raw")
    with pytest.raises(DataError, match="okänd poängsättning"):
        build(tmp_path, demo=False, settings=Settings(scoring="leverantor"),
              progress=lambda s: None)
    with pytest.raises(DataError, match="min_n"):
        build(tmp_path, demo=False, settings=Settings(min_n=0), progress=lambda s: None)
    assert not (tmp_path / "data" / "processed").exists()


@pytest.mark.parametrize("text", [
    # billion laughs: 9^6 strings if expanded
    "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
    "a: &a [*a]\n",  # recursive
    "min_n: &n 30\nuncertain_n: *n\n",
])
def test_yaml_aliases_are_refused_at_once(tmp_path, text):
    path = tmp_path / "installningar.yaml"
    path.write_text(text, encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(DataError, match="YAML-ankare eller alias"):
        read_settings(path)
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("text, message", [
    ("min_n: !!python/object/apply:os.system ['echo hej']\n", "inte giltig YAML"),
    ("min_n: 30\n  uncertain_n: 40\n", "inte giltig YAML"),
    ("walk_as_of: 2022-13-01\n", 'rad 1: "2022-13-01" – värdet kan inte tolkas'),
    ("- min_n\n- 30\n", "en inställning per rad"),
    ("x: " + "[" * 5000 + "]" * 5000 + "\n", "nästlad i för många nivåer"),
])
def test_unreadable_settings_files_are_messages(tmp_path, text, message):
    path = tmp_path / "installningar.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=message):
        read_settings(path)


def test_every_setting_is_documented():
    from analysis.paths import DEFAULT_ROOT
    from analysis.settings import SCHEMA

    page = (DEFAULT_ROOT / "docs" / "installningar.md").read_text(encoding="utf-8")
    assert [name for name in SCHEMA if f"| `{name}` |" not in page] == []
