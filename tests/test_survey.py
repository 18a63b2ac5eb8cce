"""Reading and validating survey deliveries."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import problems as P
from analysis.files import xlsx_bytes
from analysis.pipeline import build
from analysis.problems import DataError
from analysis.survey import load_survey, read_responses
from tests.conftest import HEADERS, csv_text, processed_files, survey_rows, write_survey


def test_reads_canonical_table_with_codes_and_vet_ej(project, register):
    path = write_survey(project, "enkat_2022.csv", csv_text(survey_rows()), "cp1252")
    table = read_responses(path, register=register)
    assert list(table["respondent_id"]) == ["1", "2", "3", "4", "5", "6"]
    assert list(table["area"]) == ["01", "01", "01", "02", "02", "02"]
    assert list(table["stratum"]) == list(table["area"])
    assert table["weight"].tolist() == [12.5, 10.0, 7.25, 20.0, 15.0, 8.0]
    assert table["nedskrapning"].tolist() == [5, 4, 3, 1, pd.NA, 5]
    assert table["nedskrapning_vet_ej"].tolist() == [False, False, False, False, True, False]
    assert table["fortkorning"].tolist() == [1, pd.NA, 4, pd.NA, 5, 3]
    assert table["fortkorning_vet_ej"].tolist() == [False, True, False, False, False, False]
    assert table["otrygg_kvall"].tolist() == [3, 1, 6, 5, 2, pd.NA]
    assert table["source_row"].tolist() == [2, 3, 4, 5, 6, 7]
    assert (table["year"] == 2022).all()


def test_same_answers_in_three_formats_give_the_same_table(project, register):
    rows = survey_rows()
    cp = write_survey(project, "a_2022.csv", csv_text(rows, ";"), "cp1252")
    dot_rows = [[c.replace(",", ".") if i == 3 else c for i, c in enumerate(r)] for r in rows]
    bom = write_survey(project, "b_2022.csv", csv_text(dot_rows, ","), "utf-8-sig")
    frame = pd.DataFrame(dot_rows, columns=HEADERS)
    frame["Vikt"] = frame["Vikt"].astype(float)
    xlsx = project / "data" / "raw" / "trygghetsmatning" / "c_2022.xlsx"
    xlsx.write_bytes(xlsx_bytes(frame))
    assert cp.read_bytes() != bom.read_bytes()
    tables = [read_responses(p, register=register).drop(columns="source_file")
              for p in (cp, bom, xlsx)]
    pd.testing.assert_frame_equal(tables[0], tables[1])
    pd.testing.assert_frame_equal(tables[0], tables[2])


def test_labels_and_headers_in_odd_case_and_spacing(project, register):
    rows = survey_rows()
    rows[0][4] = "  MYCKET   stort problem "
    headers = [" löpnummer", "ÅR ", "område", "VIKT", "nedskräpning", "bilar som  kör för fort",
               HEADERS[6].upper()]
    path = write_survey(project, "x_2022.csv", csv_text(rows, headers=headers), "cp1252")
    table = read_responses(path, register=register)
    assert table.loc[0, "nedskrapning"] == 5
    assert table["otrygg_kvall"].notna().sum() == 5


def test_cp1252_swedish_letters_are_decoded(project, register):
    path = write_survey(project, "x_2022.csv", csv_text(survey_rows()), "cp1252")
    assert "Ö".encode("cp1252") in path.read_bytes()
    table = read_responses(path, register=register)
    assert set(table["area"]) == {"01", "02"}  # "Öster" recognised


def test_year_from_file_name_when_there_is_no_year_column(project, register):
    rows = [r[:1] + r[2:] for r in survey_rows()]
    headers = HEADERS[:1] + HEADERS[2:]
    path = write_survey(project, "leverans_2022_slutlig.csv", csv_text(rows, headers=headers))
    assert (read_responses(path, register=register)["year"] == 2022).all()


def test_vendor_headings_through_mapping_file(project, register):
    headers = ["Lnr", "År", "Område", "Vikt", "Fråga 7a", "Fråga 7b", "Fråga 12"]
    path = write_survey(project, "v_2022.csv", csv_text(survey_rows(), headers=headers))
    mapping = project / "data" / "raw" / "trygghetsmatning" / "kolumnmappning.csv"
    mapping.write_text("rubrik;kolumn\nLnr;respondent_id\nFråga 7a;nedskrapning\n"
                       "Fråga 7b;fortkorning\nFråga 12;otrygg_kvall\n", encoding="utf-8")
    table = read_responses(path, register=register, mapping=mapping)
    assert table["nedskrapning"].tolist() == [5, 4, 3, 1, pd.NA, 5]


def _problem_text(project, text, encoding="utf-8", name="enkat_2022.csv"):
    """Build a project with one bad file; return the error text after asserting nothing was written."""
    write_survey(project, name, text, encoding)
    with pytest.raises(DataError) as info:
        build(project, demo=False, progress=lambda s: None)
    assert processed_files(project) == {}
    return str(info.value)


def test_unknown_answer_label_names_file_row_column_and_value(project):
    rows = survey_rows()
    rows[2][4] = "Jättestort problem"
    msg = _problem_text(project, csv_text(rows))
    assert 'enkat_2022.csv, rad 4, kolumn "Nedskräpning"' in msg
    assert "Jättestort problem" in load_survey_text(project)
    assert "okänt svarsalternativ" in msg and "Förväntat ett av: Inget problem alls" in msg


def load_survey_text(project):
    from analysis.areas import read_area_register

    reg = read_area_register(project / "data/raw/omraden/omradesindelning.csv")
    delivery = load_survey([project / "data/raw/trygghetsmatning/enkat_2022.csv"], register=reg)
    return " ".join(p.value or "" for p in delivery.problems)


def test_missing_required_column(project):
    rows = [[r[0], r[1], r[3], *r[4:]] for r in survey_rows()]
    headers = [HEADERS[0], HEADERS[1], *HEADERS[3:]]
    msg = _problem_text(project, csv_text(rows, headers=headers))
    assert "enkat_2022.csv, rad 1" in msg and 'kolumnen "Område" saknas' in msg


def test_duplicated_respondent_id(project):
    rows = survey_rows()
    rows[4][0] = "2"
    msg = _problem_text(project, csv_text(rows))
    assert 'enkat_2022.csv, rad 3, kolumn "Löpnummer"' in msg
    assert 'enkat_2022.csv, rad 6, kolumn "Löpnummer"' in msg
    assert "förekommer flera gånger" in msg


@pytest.mark.parametrize("weight", ["0", "-3", "tolv", ""])
def test_bad_weight(project, weight):
    rows = survey_rows()
    rows[3][3] = weight
    msg = _problem_text(project, csv_text(rows))
    assert 'enkat_2022.csv, rad 5, kolumn "Vikt"' in msg
    assert "vikten måste vara ett positivt tal" in msg


def test_empty_file(project):
    msg = _problem_text(project, "")
    assert "enkat_2022.csv: filen är tom" in msg


def test_file_with_only_headers(project):
    msg = _problem_text(project, csv_text([]))
    assert "enkat_2022.csv: filen har rubriker men inga rader" in msg


@pytest.mark.parametrize("content, expected", [
    ("Det här är ett brev\nmed lite text\n", "inte en tabell"),
    ("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binära data"),
])
def test_file_that_is_not_a_table(project, content, expected):
    msg = _problem_text(project, content, encoding="latin-1")
    assert "enkat_2022.csv" in msg and expected in msg


def test_excel_file_that_is_not_excel(project):
    msg = _problem_text(project, "Löpnummer;År\n1;2022\n", name="enkat_2022.xlsx")
    assert "enkat_2022.xlsx: filen är inte en Excel-fil" in msg


def test_unknown_area_lists_valid_ones(project):
    rows = survey_rows()
    rows[1][2] = "Väster"
    msg = _problem_text(project, csv_text(rows))
    assert 'rad 3, kolumn "Område"' in msg and "Giltiga områden 2022: 01 Centrum, 02 Öster" in msg


def test_row_accounting_for_mixed_good_and_bad_rows(project, register):
    rows = survey_rows()
    rows[0][3] = "0"  # bad weight
    rows[2][4] = "Jättestort problem"  # unknown label
    rows[2][3] = "-1"  # and a bad weight on the same row: one rejected row, two reasons
    rows[5][0] = "5"  # duplicate of row 6 (respondent 5): both rejected
    path = write_survey(project, "enkat_2022.csv", csv_text(rows))
    from analysis.areas import read_area_register

    delivery = load_survey([path], register=read_area_register(register))
    acc = delivery.accounting["enkat_2022.csv"]
    assert acc == {"lasta": 6, "godkanda": 2, "avvisade": 4,
                   "orsaker": {P.BAD_WEIGHT: 2, P.DUPLICATE_ID: 2, P.UNKNOWN_LABEL: 1}}
    assert len(delivery.responses) + len(delivery.rejected) == 6
    assert sorted(delivery.rejected["rad"]) == [2, 4, 6, 7]
    assert delivery.rejected.loc[delivery.rejected["rad"] == 4, "orsak"].item() == \
        "ogiltig_vikt;okant_svar"


def test_quarantine_build_writes_rejected_rows_and_goes_on(project):
    rows = survey_rows()
    rows[2][4] = "Jättestort problem"
    rows.append(["7", "2022", "Öster", "9", "Ganska litet problem", "Inget problem alls",
                 "Mycket trygg"])
    write_survey(project, "enkat_2022.csv", csv_text(rows) + "\r\n")
    manifest = build(project, demo=False, quarantine=True, progress=lambda s: None)
    out = project / "data" / "processed"
    rejected = pd.read_parquet(out / "avvisade_rader.parquet")
    responses = pd.read_parquet(out / "responses.parquet")
    assert rejected["rad"].tolist() == [4] and len(responses) == 6
    acc = manifest["radredovisning"]["trygghetsmatning/enkat_2022.csv"]
    assert (acc["lasta"], acc["godkanda"], acc["avvisade"]) == (7, 6, 1)


def test_raw_file_is_never_written(project):
    path = write_survey(project, "enkat_2022.csv", csv_text(survey_rows()))
    before = path.read_bytes(), path.stat().st_mtime_ns
    build(project, demo=False, progress=lambda s: None)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_several_problems_are_all_reported(project):
    rows = survey_rows()
    rows[0][4] = "fel 1"
    rows[5][5] = "fel 2"
    msg = _problem_text(project, csv_text(rows))
    assert "rad 2" in msg and "rad 7" in msg and "2 problem" in msg


def test_read_responses_quarantine_returns_good_rows(project, register):
    rows = survey_rows()
    rows[0][4] = "fel"
    path = write_survey(project, "enkat_2022.csv", csv_text(rows))
    with pytest.raises(DataError):
        read_responses(path, register=register)
    assert len(read_responses(path, register=register, quarantine=True)) == 5


def test_title_rows_above_the_header_are_skipped_and_rows_keep_excel_numbers(project, register):
    frame = pd.DataFrame([r for r in survey_rows()], columns=HEADERS)
    data = xlsx_bytes(frame)
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    ws.insert_rows(1, 2)
    ws["A1"] = "Trygghetsmätning 2022 – export"
    buf = io.BytesIO()
    wb.save(buf)
    path = project / "data" / "raw" / "trygghetsmatning" / "export_2022.xlsx"
    path.write_bytes(buf.getvalue())
    table = read_responses(path, register=register)
    assert len(table) == 6 and table["source_row"].tolist() == [4, 5, 6, 7, 8, 9]


def test_old_excel_format_is_reported_not_skipped(project):
    msg = _problem_text(project, "x", name="enkat_2022.xls")
    assert "enkat_2022.xls: filformatet .xls kan inte läsas" in msg


def test_header_problems_name_the_real_header_row(project):
    rows = [[r[0], r[1], r[3], *r[4:]] for r in survey_rows()]
    headers = [HEADERS[0], HEADERS[1], *HEADERS[3:]]
    text = "Trygghetsmätning 2022\r\n\r\n" + csv_text(rows, headers=headers)
    msg = _problem_text(project, text)
    assert 'enkat_2022.csv, rad 3: kolumnen "Område" saknas' in msg


# --- hardening: weights, stray quotes, links; compact dtypes ------------------------------

@pytest.mark.parametrize("weight", ["1e308", "inf", "nan", "0", "-3", "100001", "1,5e400"])
def test_implausible_weights_are_rejected_with_the_allowed_range(project, register, weight):
    rows = survey_rows()
    rows[3][3] = weight
    path = write_survey(project, "enkat_2022.csv", csv_text(rows))
    from analysis.areas import read_area_register

    delivery = load_survey([path], register=read_area_register(register))
    [problem] = delivery.problems
    assert (problem.file, problem.row, problem.column, problem.value) == \
        ("enkat_2022.csv", 5, "Vikt", weight)
    assert problem.reason == P.BAD_WEIGHT
    assert "vikten måste vara ett positivt tal, högst 100\u202f000" in problem.message
    assert "större än 0 och högst 100\u202f000" in problem.message
    assert len(delivery.responses) == 5 and delivery.responses["weight"].max() < 1e5


def test_weight_limit_is_a_setting(project, register):
    rows = survey_rows()
    rows[3][3] = "100000"  # at the limit: accepted
    path = write_survey(project, "enkat_2022.csv", csv_text(rows))
    assert read_responses(path, register=register)["weight"].max() == 100_000
    with pytest.raises(DataError, match='rad 5, kolumn "Vikt": "100000" – vikten måste vara ett '
                                        "positivt tal, högst 50"):
        read_responses(path, register=register, max_weight=50)


def test_build_passes_the_weight_limit_from_the_settings(project):
    rows = survey_rows()
    rows[3][3] = "500"
    write_survey(project, "enkat_2022.csv", csv_text(rows))
    from analysis.settings import Settings

    build(project, demo=False, progress=lambda s: None)  # 500 <= 100 000
    with pytest.raises(DataError, match="högst 100"):
        build(project, demo=False, settings=Settings(max_weight=100.0), progress=lambda s: None)


def test_stray_quote_swallowing_a_respondent_stops_the_build(project):
    """Issue 8: an unmatched quote in an ignored column used to make the next respondent
    vanish (read = accepted); now the lines are named and nothing is written."""
    headers = [*HEADERS, "Kommentar"]
    rows = [[*r, "fritext"] for r in survey_rows()]
    rows[2][-1] = '"inte avslutad'
    msg = _problem_text(project, csv_text(rows, headers=headers))
    assert "enkat_2022.csv, rad 4" in msg and "raderna 4–7 lästes som en rad" in msg


def test_every_physical_line_is_accounted_for(project, register):
    headers = [*HEADERS, "Kommentar"]
    rows = [[*r, "fritext"] for r in survey_rows()]
    rows[1][-1] = '"två\r\nrader"'  # a legitimate line break inside a quoted cell
    path = write_survey(project, "enkat_2022.csv", csv_text(rows, headers=headers) + "\r\n")
    from analysis.files import read_table

    table = read_table(path)
    physical = path.read_bytes().count(b"\n") - 1  # lines below the header
    assert table.data_lines + table.blank_lines == physical == 8
    assert len(table.frame) == 6 and table.lines.sum() == table.data_lines == 7
    assert read_responses(path, register=register)["source_row"].tolist() == [2, 3, 4, 5, 6, 7]


def test_a_link_in_the_survey_folder_is_refused(project):
    write_survey(project, "enkat_2022.csv", csv_text(survey_rows()))
    folder = project / "data" / "raw" / "trygghetsmatning"
    (folder / "enkat_2023.csv").symlink_to(project / "nowhere.csv")
    with pytest.raises(DataError, match="enkat_2023.csv: är en länk"):
        build(project, demo=False, progress=lambda s: None)


def test_responses_are_compact_in_memory_and_stored_as_text(project, register):
    from analysis.survey import stored_responses

    path = write_survey(project, "enkat_2022.csv", csv_text(survey_rows()))
    table = read_responses(path, register=register)
    for col in ["area", "stratum", "sex", "age_group", "source_file"]:
        assert isinstance(table[col].dtype, pd.CategoricalDtype), col
    assert str(table["nedskrapning"].dtype) == "Int8"
    assert str(table["nedskrapning_vet_ej"].dtype) == "boolean"
    stored = stored_responses(table)
    for col in ["area", "stratum", "sex", "age_group", "source_file"]:
        assert stored[col].dtype == pd.StringDtype(na_value=pd.NA), col
    assert stored["area"].tolist() == ["01", "01", "01", "02", "02", "02"]
    assert stored["sex"].isna().all()
    assert isinstance(table["area"].dtype, pd.CategoricalDtype)  # the input is not changed


def test_labels_are_looked_up_once_per_distinct_value(project, register, monkeypatch):
    import analysis.survey as S

    calls = []
    real = S.normalise_label
    monkeypatch.setattr(S, "normalise_label", lambda v: calls.append(v) or real(v))
    rows = [list(r) for r in survey_rows() * 50]
    for i, r in enumerate(rows):
        r[0] = str(i + 1)
    path = write_survey(project, "enkat_2022.csv", csv_text(rows))
    assert len(read_responses(path, register=register)) == 300
    assert len(calls) < 60  # distinct labels and areas, not 300 rows x 4 columns


# --- onboarding messages that teach (issue 11) ----------------------------------------------


@pytest.mark.parametrize("heading", ["Löpnr", "Löpnummer", "ID", "Id-nr", "Respondentnr",
                                     "RespID", "löpnr"])
def test_common_id_headings_are_recognised_without_a_mapping_file(project, register, heading):
    path = write_survey(project, "enkat_2022.csv",
                        csv_text(survey_rows(), headers=[heading, *HEADERS[1:]]))
    table = read_responses(path, register=register)
    assert list(table["respondent_id"]) == ["1", "2", "3", "4", "5", "6"]


def test_an_unknown_id_heading_gets_the_exact_mapping_line_and_the_valid_names(project):
    msg = _problem_text(project, csv_text(survey_rows(), headers=["Nr", *HEADERS[1:]]))
    assert ('enkat_2022.csv, rad 1: kolumnen "Löpnummer" saknas (vår kolumn respondent_id). '
            "Rubriker som känns igen: Löpnummer, Löpnr,") in msg
    assert ('Har filen en egen rubrik för löpnummer (kanske "Nr"): lägg raden "Nr;respondent_id" '
            "i data/raw/trygghetsmatning/kolumnmappning.csv") in msg
    assert ("Giltiga kolumnnamn: respondent_id, year, area, stratum, weight, sex, age_group "
            "eller en frågekod") in msg


def test_the_likely_heading_is_the_unrecognised_column_of_unique_ids(project):
    headers = ["Kommentar", "Kod", *HEADERS[1:]]
    rows = [["bra", *r] for r in survey_rows()]
    for r in rows:
        r[0] = "bra"  # free text repeats; the ids do not
    msg = _problem_text(project, csv_text(rows, headers=headers))
    assert 'lägg raden "Kod;respondent_id"' in msg


def test_the_mapping_line_from_the_message_makes_the_file_readable(project, register):
    path = write_survey(project, "enkat_2022.csv",
                        csv_text(survey_rows(), headers=["Nr", *HEADERS[1:]]))
    mapping = path.parent / "kolumnmappning.csv"
    mapping.write_text("rubrik;kolumn\nNr;respondent_id\n", encoding="utf-8")
    assert len(read_responses(path, register=register, mapping=mapping)) == 6


def test_an_unknown_mapping_target_names_the_valid_ones(project, register):
    path = write_survey(project, "enkat_2022.csv", csv_text(survey_rows()))
    mapping = path.parent / "kolumnmappning.csv"
    mapping.write_text("rubrik;kolumn\nNr;respondentid\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_responses(path, register=register, mapping=mapping)
    assert 'kolumnmappning.csv, rad 2, kolumn "kolumn": "respondentid" – okänd kolumn' in str(
        info.value)
    assert "Menade du: respondent_id?" in str(info.value)


def test_a_mixed_encoding_file_gets_one_diagnosis_naming_the_first_bad_line(project):
    rows = [[str(10 * k + int(r[0])), *r[1:]] for k in range(10) for r in survey_rows()]
    text = csv_text(rows)
    lines = text.split("\r\n")
    data = ("\r\n".join(lines[:40]) + "\r\n").encode("utf-8") + \
        "\r\n".join(lines[40:]).encode("cp1252")
    path = project / "data/raw/trygghetsmatning/enkat_2022.csv"
    path.write_bytes(data)
    with pytest.raises(DataError) as info:
        build(project, demo=False, progress=lambda s: None)
    assert len(info.value.problems) == 1
    message = str(info.value)
    later = sum(any(ord(c) > 127 for c in line) for line in lines[41:])  # after the first
    assert ("enkat_2022.csv, rad 41: filen blandar två teckenkodningar: den börjar i UTF-8, men "
            f"rad 41 (och {later} rader till) är Windows-1252 (ANSI)") in message
    assert 'Spara om originalen som "CSV UTF-8"' in message


def test_a_file_without_weights_weighs_every_answer_alike_and_says_so(project, register):
    """DOMAIN §2: weight 1 when none is delivered; the analyst is told, file and row."""
    from analysis.areas import read_area_register

    rows = [[c for k, c in enumerate(r) if k != 3] for r in survey_rows()]
    path = write_survey(project, "enkat_2022.csv",
                        csv_text(rows, headers=[h for h in HEADERS if h != "Vikt"]))
    delivery = load_survey([path], register=read_area_register(register))
    assert (delivery.responses["weight"] == 1.0).all() and len(delivery.responses) == 6
    notes = [n.format() for n in delivery.notices if n.reason == P.MISSING_COLUMN]
    assert notes == ["enkat_2022.csv, rad 1: filen har ingen kolumn för vikt: alla svar i filen "
                     "väger lika (vikt 1). Har urvalet vikter (för strata eller bortfall): lägg "
                     "till kolumnen Vikt."]
