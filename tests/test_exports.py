"""CSV exports for Örat mot marken: Swedish Excel format, disclosure, no microdata."""

import io
import re
import shutil

import numpy as np
import pandas as pd
import pytest

from analysis.exports import estimates_for_sharing, excel_csv
from analysis.formatting import csv_decimal, csv_yes_no
from analysis.formatting import csv_decimal as format_decimal


def test_format_decimal_comma_rounding_and_blanks():
    out = format_decimal(pd.Series([0.12345, -0.04, 1e-05, np.nan, 12.0]), 1)
    assert out.tolist() == ["0,1", "0,0", "0,0", "", "12,0"]
    assert format_decimal(pd.Series([1.2345]), 2).tolist() == ["1,23"]


def test_excel_csv_has_bom_semicolons_crlf_and_keeps_codes_as_text():
    frame = pd.DataFrame({"Områdeskod": ["01", "007"], "Värde": ["1,5", "2,25"],
                          "Text": ["a;b", "c"]})
    data = excel_csv(frame)
    assert data.startswith(b"\xef\xbb\xbf") and not data[3:].startswith(b"sep=")
    text = data.decode("utf-8-sig")
    assert text.split("\r\n")[:3] == ["Områdeskod;Värde;Text", '01;1,5;"a;b"', "007;2,25;c"]


def _estimates():
    return pd.DataFrame({
        "year": [2024, 2024], "area": ["01", "02"], "area_name": ["Centrum", "Öster"],
        "indicator": ["andel_stort_problem", "poang"], "item": ["nedskrapning", "nedskrapning"],
        "estimate": [0.4567, np.nan], "se": [0.03, np.nan], "ci_low": [0.4, np.nan],
        "ci_high": [0.51, np.nan], "n": pd.array([120, 12], dtype="Int64"),
        "suppressed": [False, True], "uncertain": [False, False],
        "flag_reason": ["", "färre än 30 svar"], "scoring": ["standard", "standard"],
    })


def test_excel_text_protects_leading_zeros_only():
    from analysis.exports import excel_text

    out = excel_text(pd.Series(["01", "1285", "kommunen", "007"]))
    assert out.tolist() == ['="01"', "1285", "kommunen", '="007"']


def test_estimates_for_sharing_uses_percent_and_swedish_headers():
    out = estimates_for_sharing(_estimates())
    assert out["Områdeskod"].tolist() == ['="01"', '="02"']
    assert list(out.columns[:8]) == ["År", "Områdeskod", "Område", "Mått", "Fråga", "Frågetext",
                                     "Enhet", "Skattning"]
    row = out.iloc[0]
    assert (row["Skattning"], row["KI nedre"], row["KI övre"]) == ("45,7", "40,0", "51,0")
    assert row["Enhet"] == "procent" and row["Mått"] == "Andel stort problem"
    hidden = out.iloc[1]
    assert hidden["Skattning"] == "" and hidden["Undertryckt"] == "ja"
    assert hidden["Anmärkning"] == "färre än 30 svar"


def test_build_exports_contain_no_microdata_or_hidden_values(demo_built):
    folder = demo_built.reports / "csv"
    est = pd.read_csv(folder / "skattningar.csv", sep=";", decimal=",", dtype=str,
                      encoding="utf-8-sig", keep_default_na=False)
    assert "respondent_id" not in est.columns and "Löpnummer" not in est.columns
    assert (est.loc[est["Undertryckt"] == "ja", "Skattning"] == "").all()
    shown_n = pd.to_numeric(est["Antal svar"].replace("", np.nan))
    assert (shown_n.dropna() >= 5).all()
    published = est[est["Undertryckt"] == "nej"]
    assert (pd.to_numeric(published["Antal svar"]) >= 30).all()
    assert est["Områdeskod"].str.fullmatch(r'="0\d"|kommunen').all()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice saknas")
def test_opens_in_libreoffice_with_swedish_settings(tmp_path):
    """Open the CSV as a spreadsheet program would (Swedish locale): numbers stay numbers,
    codes keep their leading zero, å/ä/ö survive."""
    import subprocess

    import openpyxl

    frame = estimates_for_sharing(_estimates())
    path = tmp_path / "s.csv"
    path.write_bytes(excel_csv(frame))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profil", "--headless",
                    "--infilter=CSV:59,34,76,1,,1053", "--convert-to",
                    "xlsx", "--outdir", str(tmp_path), str(path)], check=True, timeout=180,
                   capture_output=True)
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx", data_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("År", "Områdeskod", "Område")
    assert rows[1][1] == "01" and rows[2][2] == "Öster"
    assert rows[1][7] == pytest.approx(45.7)


def test_item_and_group_with_the_same_code_get_their_own_labels():
    from analysis.codebook import load_codebook
    from analysis.exports import _item_labels

    labels = _item_labels(load_codebook(), pd.Series(["andel_stort_problem", "problemindex"]),
                          pd.Series(["missbruk", "missbruk"]))
    assert labels.tolist() == ["Missbruksproblem", "Alla frågor om missbruk"]


# --- formula injection and row structure (issue 8) ------------------------------------------

DANGEROUS = ['=HYPERLINK("http://x.example","klick")', "+1+1", "@SUM(1)", "-2+3", '="x;=1+1;"',
             "=1+1", "\t=1+1", "\r=1+1", "-", "+", "@", "=", "-1e5", "-0,26,3", "- 5", "+46701234",
             "=cmd|' /C calc'!A0", '="01"', "-0.5", "+0,5", "@", "\t", "\tTabb", "=\n1"]
HARMLESS = ["Centrum", "Öster", "kommunen", "", "0,0", "12,5", "-0,26", "-3", "0", "1285", "01",
            "a-b", "a=b", " =1+1", "'=1+1", "Hela kommunen", "färre än 30 svar", "1e-05"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_neutralise_prefixes_a_quote_to_what_a_spreadsheet_would_run(value):
    from analysis.exports import neutralise

    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", HARMLESS)
def test_neutralise_leaves_our_numbers_and_plain_text_alone(value):
    from analysis.exports import neutralise

    assert neutralise(value) == value


@pytest.mark.parametrize(("value", "code", "field"), [
    ('="x;=1+1;"', False, '"\'=""x;=1+1;"""'),
    ('="x;=1+1;"', True, '"\'=""x;=1+1;"""'),
    ('="01"', True, '="01"'),
    ('="01"', False, '"\'=""01"""'),
    ('="1"', True, '"\'=""1"""'),  # no leading zero: not our form
    ('="01";=1', True, '"\'=""01"";=1"'),
    ("01", True, "01"),  # the writer never invents the form; excel_text does
    ("+1+1", False, "\"'+1+1\""),
    ("-0,26", False, "-0,26"),
    ("a;b", False, '"a;b"'),
    ('Väster "gamla"', False, '"Väster ""gamla"""'),
    ("rad 1\nrad 2", False, '"rad 1\nrad 2"'),
    ("rad 1\rrad 2", False, '"rad 1\rrad 2"'),
    ("\tTabb", False, "\"'\tTabb\""),
    ("", False, ""),
])
def test_csv_field_is_neutralised_and_quoted(value, code, field):
    from analysis.exports import csv_field

    assert csv_field(value, code=code) == field


def _parse(data: bytes) -> list[list[str]]:
    import csv
    import io

    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_excel_csv_keeps_every_row_whole_and_every_value_recoverable():
    names = DANGEROUS + ['Väster; "gamla"\nstan', "a;b;c;d", '"', '""', ";", "\r\n", "x\r\n=1+1"]
    frame = pd.DataFrame({"Områdeskod": ['="01"'] * len(names), "Område": names,
                          "=Rubrik": ["-0,26"] * len(names)})
    rows = _parse(excel_csv(frame))
    assert rows[0] == ["Områdeskod", "Område", "'=Rubrik"]  # headers too
    assert len(rows) == len(names) + 1 and {len(r) for r in rows} == {3}
    for row, name in zip(rows[1:], names, strict=True):
        assert row[0] == '="01"' and row[2] == "-0,26"
        risky = name.startswith(("=", "+", "-", "@", "\t", "\r")) and not \
            re.fullmatch(r"-?\d+(,\d+)?", name)
        assert row[1] == ("'" + name if risky else name)
        assert not row[1].startswith(("=", "+", "-", "@", "\t", "\r"))


def test_excel_csv_records_end_in_crlf_and_carry_no_sep_line():
    frame = pd.DataFrame({"A": ["x", "rad 1\nrad 2"], "B": ["1", "2"]})
    text = excel_csv(frame).decode("utf-8-sig")
    assert text == 'A;B\r\nx;1\r\n"rad 1\nrad 2";2\r\n'


def test_excel_csv_keeps_the_code_form_only_in_code_columns():
    frame = pd.DataFrame({"Områdeskod": ['="01"', '="x;=1+1;"', "kommunen"],
                          "Område": ['="01"', "Centrum", "Hela kommunen"]})
    text = excel_csv(frame).decode("utf-8-sig").split("\r\n")
    assert text[1] == '="01";"\'=""01"""'
    assert text[2] == '"\'=""x;=1+1;""";Centrum'
    named = excel_csv(frame, ["Område"]).decode("utf-8-sig").split("\r\n")
    assert named[1] == '"\'=""01""";="01"'
    assert excel_csv(frame, []).decode("utf-8-sig").split("\r\n")[1] == \
        '"\'=""01""";"\'=""01"""'
    with pytest.raises(ValueError, match="okända kodkolumner"):
        excel_csv(frame, ["Kod"])


def test_shared_estimates_never_give_user_text_the_code_form():
    est = _estimates()
    est["area"] = ["01", '="x;=1+1;"']
    est["area_name"] = ["01", '=HYPERLINK("http://x.example","klick")']
    shared = estimates_for_sharing(est)
    assert shared["Område"].tolist() == ["01", '=HYPERLINK("http://x.example","klick")']
    rows = _parse(excel_csv(shared))
    assert {len(r) for r in rows} == {len(shared.columns)}
    assert [r[1] for r in rows[1:]] == ['="01"', '\'="x;=1+1;"']
    assert [r[2] for r in rows[1:]] == ["01", '\'=HYPERLINK("http://x.example","klick")']


def test_data_dictionary_explains_the_apostrophe_only_when_one_is_written():
    from analysis.exports import data_dictionary, neutralised_cells
    from analysis.settings import Settings

    safe = estimates_for_sharing(_estimates())
    assert neutralised_cells(safe) == 0  # ="01" in the code column is ours
    est = _estimates()
    est["area_name"] = ["+1+1", "@SUM(1)"]
    hostile = estimates_for_sharing(est)
    assert neutralised_cells(hostile) == 2

    def text(frame, n):
        return data_dictionary("T", frame, {}, years=[2024], settings=Settings(), source="s",
                               neutralised=n).decode("utf-8-sig")

    assert "apostrof" not in text(safe, neutralised_cells(safe))
    assert "Skydd mot formler: 2 textvärden" in text(hostile, neutralised_cells(hostile))


def _libreoffice_rows(tmp_path, data: bytes, suffix: str = "csv") -> list[tuple]:
    """Open bytes in LibreOffice (Swedish CSV import, formulas evaluated) and read the values
    it computed, as a spreadsheet user would see them."""
    import subprocess

    import openpyxl

    path = tmp_path / f"in.{suffix}"
    path.write_bytes(data)
    out = tmp_path / "ut"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profil", "--headless",
                    "--infilter=CSV:59,34,76,1,,1053", "--convert-to", "xlsx", "--outdir",
                    str(out), str(path)], check=True, timeout=180, capture_output=True)
    ws = openpyxl.load_workbook(out / "in.xlsx", data_only=True).active
    return list(ws.iter_rows(values_only=True))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice saknas")
def test_injected_text_arrives_as_text_in_libreoffice(tmp_path):
    names = ['=HYPERLINK("http://x.example","klick")', "+1+1", "@SUM(1)", "-2+3", '="x;=1+1;"',
             "=1+1", 'Väster; "gamla"\nstan', "\t=1+1"]
    frame = pd.DataFrame({"Områdeskod": ['="01"'] * len(names), "Område": names,
                          "Värde": ["-0,26"] * len(names)})
    # A control line written bare proves that this import really evaluates formulas.
    data = excel_csv(frame) + b"=1+1;=2+2;-0,26\r\n"
    rows = _libreoffice_rows(tmp_path, data)
    assert rows[0] == ("Områdeskod", "Område", "Värde")
    assert rows[-1][:2] == (2, 4)  # the control: bare formulas are evaluated
    body = rows[1:-1]
    assert len(body) == len(names)
    for row, name in zip(body, names, strict=True):
        assert row[0] == "01" and row[2] == pytest.approx(-0.26)
        assert isinstance(row[1], str) and row[1] in (name, "'" + name), (row, name)


# --- the machine-readable flavour (issue 11) ----------------------------------------------


def test_csv_pair_writes_the_excel_csv_unchanged_and_a_tidy_copy():
    from analysis.exports import csv_pair

    frame = estimates_for_sharing(_estimates())
    pair = csv_pair("skattningar", frame, code_columns=["Områdeskod"])
    assert sorted(pair) == ["csv/maskinlasbar/skattningar.csv", "csv/skattningar.csv"]
    assert pair["csv/skattningar.csv"] == excel_csv(frame, ["Områdeskod"])
    tidy = pair["csv/maskinlasbar/skattningar.csv"]
    assert not tidy.startswith(b"\xef\xbb\xbf") and b"\r" not in tidy
    lines = tidy.decode("utf-8").splitlines()
    assert lines[0] == ",".join(frame.columns)  # same headers: one data dictionary for both
    assert lines[1].startswith("2024,01,Centrum,") and ",45.7,40.0,51.0,120," in lines[1]
    back = pd.read_csv(__import__("io").BytesIO(tidy), dtype={"Områdeskod": str})
    assert back["Områdeskod"].tolist() == ["01", "02"]
    assert back["Skattning"].iloc[0] == pytest.approx(45.7)


def test_machine_readable_changes_only_our_numbers_and_code_forms():
    from analysis.exports import machine_readable

    frame = pd.DataFrame({"Områdeskod": ['="01"', "kommunen"], "Värde": ["1,5", ""],
                          "Antal": ["12", "3"], "Text": ["1,5 %", "a, b"],
                          "Datum": ["2024-03-01", ""], "Förklaring": ["12,5", "ja"]})
    before = frame.copy()
    out = machine_readable(frame, ["Områdeskod"])
    pd.testing.assert_frame_equal(frame, before)  # not mutated
    assert out["Områdeskod"].tolist() == ["01", "kommunen"]
    assert out["Värde"].tolist() == ["1.5", ""]
    assert out["Antal"].tolist() == ["12", "3"]
    assert out["Text"].tolist() == ["1,5 %", "a, b"]  # text stays text
    assert out["Förklaring"].tolist() == ["12,5", "ja"]  # not every cell a number: text
    assert out["Datum"].tolist() == ["2024-03-01", ""]


def test_tidy_csv_quotes_only_what_must_be_quoted_and_keeps_values_exact():
    from analysis.exports import tidy_csv

    frame = pd.DataFrame({"a": ["=1+1", 'sa "hej"', "x,y", None], "b": ["-0.3", "1", "", "2"]})
    text = tidy_csv(frame).decode("utf-8")
    # a formula gets the same leading ' as in the Excel CSV; the number -0.3 stays a number
    assert text.split("\n")[:5] == ["a,b", "'=1+1,-0.3", '"sa ""hej""",1', '"x,y",', ",2"]


def test_every_export_has_its_tidy_copy_and_the_copies_are_explained(demo_built):
    built = demo_built.reports / "csv"
    excel = sorted(p.name for p in built.glob("*.csv"))
    tidy = sorted(p.name for p in (built / "maskinlasbar").glob("*.csv"))
    assert excel == tidy and {"skattningar.csv", "medborgarloften.csv"} <= set(tidy)
    readme = (built / "maskinlasbar" / "LASMIG.txt").read_text("utf-8")
    assert "UTF-8 utan BOM" in readme and "decimalpunkt" in readme
    for name in excel:
        rows_excel = (built / name).read_bytes().decode("utf-8-sig").count("\r\n")
        rows_tidy = (built / "maskinlasbar" / name).read_text("utf-8").count("\n")
        assert rows_excel <= rows_tidy  # a quoted line break adds lines, never rows
        tidy_frame = pd.read_csv(built / "maskinlasbar" / name, dtype=str, keep_default_na=False)
        excel_frame = pd.read_csv(built / name, sep=";", dtype=str, encoding="utf-8-sig",
                                  keep_default_na=False)
        assert list(tidy_frame.columns) == list(excel_frame.columns)
        assert len(tidy_frame) == len(excel_frame)


def test_a_csv_made_block_by_block_equals_one_made_at_once(monkeypatch):
    """``excel_csv``/``tidy_csv`` write a block of rows at a time: any block size gives the
    same bytes, categoricals give the bytes of their texts, and our numbers (written as
    they are, checked in one pass) those of the general path."""
    import analysis.exports as ex

    rng = np.random.default_rng(5)
    n = 3000  # above the size where a column of numbers is checked in one pass
    frame = pd.DataFrame({
        "Område": ex.excel_text(pd.Series(rng.choice(["01", "02", "10"], n))),
        "Namn": pd.Series(rng.choice(["Norr", "=Söder", "Väst; öst", 'Citat "x"'], n)),
        "Värde": csv_decimal(pd.Series(rng.normal(0, 5, n)), 1),
        "Ja": csv_yes_no(pd.Series(rng.random(n) < 0.5)),
    })
    as_text = frame.astype({c: "string" for c in frame.columns})
    whole = (ex.excel_csv(frame, ["Område"]), ex.tidy_csv(ex.machine_readable(frame, ["Område"])))
    monkeypatch.setattr(ex, "CHUNK_ROWS", 7)
    blocks = (ex.excel_csv(frame, ["Område"]), ex.tidy_csv(ex.machine_readable(frame, ["Område"])))
    assert blocks == whole
    assert ex.excel_csv(as_text, ["Område"]) == whole[0]
    pair = ex.csv_pair("t", frame, code_columns=["Område"])
    assert pair["csv/t.csv"] == whole[0] and pair["csv/maskinlasbar/t.csv"] == whole[1]
    assert ex.neutralised_cells(frame, ["Område"]) == int((frame["Namn"] == "=Söder").sum())
    lines = whole[1].decode("utf-8").split("\n")
    assert lines[0] == "Område,Namn,Värde,Ja"
    assert all(len(pd.read_csv(io.StringIO(line), header=None).columns) == 4
               for line in lines[1:50] if line)


def test_the_tidy_copy_quotes_a_line_break_or_carriage_return_inside_a_value():
    import analysis.exports as ex

    frame = pd.DataFrame({"a": ["x\ry", "p\nq", "1,5", "ok"], "b": ["1", "2", "3", "4"]})
    text = ex.tidy_csv(frame).decode("utf-8")
    assert text == 'a,b\n"x\ry",1\n"p\nq",2\n"1,5",3\nok,4\n'
    assert ex.tidy_csv(pd.DataFrame({"a": ["", "x"]})) == b'a\n""\nx\n'


def test_csv_decimal_takes_a_number_of_decimals_per_row():
    values = pd.Series([0.125, -0.05, 12.0, np.nan, 2.671])
    out = csv_decimal(values, np.array([1, 2, 1, 2, 2]))
    assert out.tolist() == ["0,1", "-0,05", "12,0", "", "2,67"]
