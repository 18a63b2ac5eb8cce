"""CSV exports for Örat mot marken: Swedish Excel format, disclosure, no microdata."""

import shutil

import numpy as np
import pandas as pd
import pytest

from analysis.exports import estimates_for_sharing, excel_csv
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
