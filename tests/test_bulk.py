"""The list pipeline: a pasted list or a CSV file in, answers and a spreadsheet-safe CSV out."""

from __future__ import annotations

import csv
import io

import pytest

from locator import bulk
from locator.bulk import (
    COLUMNS,
    MAX_ROWS,
    MAX_UPLOAD_MB,
    answer_list,
    read_queries_csv,
    read_queries_text,
    to_csv,
    to_csv_bytes,
)
from locator.errors import FileTooLarge, InvalidQuery, LocatorError, TooManyRows, UnreadableFile

DUBLIN_FROM_NI = "+353 1 293 7839"
DUBLIN_FROM_IE = "01 293 7839"
FREEPHONE = "0800 783 6106"


def answers(locator, queries: list[str]) -> list[dict]:
    return answer_list(locator, queries).table()


def parse_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def unquote(cell: str) -> str:
    """What a spreadsheet shows for a cell: a leading apostrophe only marks it as text."""
    return cell[1:] if cell.startswith("'") else cell


# ------------------------------------------------------------------ a pasted list


def test_a_pasted_list_is_one_query_per_line_in_the_order_given():
    assert read_queries_text("SL6 8DG\nHP7 0HP\r\nW1G 8AJ\n") == ["SL6 8DG", "HP7 0HP", "W1G 8AJ"]


def test_blank_lines_and_surrounding_spaces_in_a_paste_are_dropped():
    assert read_queries_text("\n  SL6 8DG  \n\n   \nD18 X5K7\n\n") == ["SL6 8DG", "D18 X5K7"]


def test_a_header_line_copied_with_the_column_is_not_a_query():
    assert read_queries_text("Postcode\nSL6 8DG") == ["SL6 8DG"]
    assert read_queries_text("SL6 8DG\nPostcode") == ["SL6 8DG", "Postcode"]  # only a first line is a header


def test_an_empty_paste_has_no_queries():
    assert read_queries_text("") == []
    assert read_queries_text("\n \n") == []


# ------------------------------------------------------------------ the table


def test_each_clinic_is_found_with_the_number_the_caller_dials(locator):
    rows = answers(locator, ["SL6 8DG", "HP7 0HP", "W1G 8AJ", "BT1 1AA", "D18 X5K7"])
    assert [(r["Query"], r["Nearest clinic"], r["Phone"]) for r in rows] == [
        ("SL6 8DG", "Maidenhead", FREEPHONE),
        ("HP7 0HP", "Amersham", FREEPHONE),
        ("W1G 8AJ", "London", FREEPHONE),
        ("BT1 1AA", "Dublin", DUBLIN_FROM_NI),
        ("D18 X5K7", "Dublin", DUBLIN_FROM_IE),
    ]
    assert [r["Email"] for r in rows] == ["enquiries@britishveininstitute.com"] * 3 + ["enquiries@varicoseveins.ie"] * 2
    assert all(r["Error"] == "" for r in rows)


def test_every_row_says_what_a_single_lookup_says(locator):
    queries = ["sl68dg", "Reading", "SL6", "BT1 1AA", "Dun Laoghaire", "D18X5K7", "L1 8JQ"]
    for query, row in zip(queries, answers(locator, queries), strict=True):
        answer = locator.lookup(query)
        assert row == {
            "Query": query,
            "Postcode": answer.location.normalised,
            "Precision": answer.location.precision.value,
            "Nearest clinic": answer.clinic.name,
            "Miles": round(answer.distance.miles, 2),
            "Km": round(answer.distance.km, 2),
            "Phone": answer.contact.phone_dial,
            "Email": answer.contact.email,
            "Error": "",
        }


def test_a_postcode_is_written_normally_with_its_precision(locator):
    [row] = answers(locator, ["sl68dg"])
    assert (row["Postcode"], row["Precision"]) == ("SL6 8DG", "postcode")
    [row] = answers(locator, ["SL6"])
    assert (row["Postcode"], row["Precision"]) == ("SL6", "district")


def test_distances_are_numbers_in_miles_and_km(locator):
    [row] = answers(locator, ["Reading"])
    assert row["Miles"] == pytest.approx(12.41, abs=0.01)
    assert row["Km"] == pytest.approx(row["Miles"] * 1.609344, abs=0.01)


def test_a_bad_row_is_flagged_in_its_own_row_and_never_stops_the_others(locator):
    rows = answers(locator, ["SL6 8DG", "ZZ1 1ZZ", "not a place at all", "90210", "", "D18 X5K7"])
    assert [r["Nearest clinic"] for r in rows] == ["Maidenhead", "", "", "", "", "Dublin"]
    for row in rows[1:5]:
        assert row["Error"], row
        assert (row["Postcode"], row["Miles"], row["Km"], row["Phone"]) == ("", None, None, "")
    assert "ZZ1 1ZZ is not a real postcode" in rows[1]["Error"]


def test_a_list_answer_is_a_list_of_rows_each_its_query_and_its_answer_or_its_error(locator):
    queries = ["SL6 8DG", "ZZ1 1ZZ", "Reading", "BT1 1AA"]
    answers = answer_list(locator, queries)
    assert len(answers) == len(queries) and [row.query for row in answers] == queries
    assert [row.query for row in answers[1:3]] == queries[1:3] and answers[-1].query == "BT1 1AA"
    for row in answers:
        assert (row.answer is None) != (row.error is None)
        assert row.outcome is (row.answer or row.error)
    assert answers[1].error and answers[1].error.label == "Not a real postcode"
    assert answers[3].answer and answers[3].answer.clinic.name == "Dublin"
    assert not answers.all_answered and answer_list(locator, ["SL6 8DG", "Reading"]).all_answered
    with pytest.raises(IndexError):
        answers[len(queries)]


def test_a_row_holds_an_answer_or_an_error_never_both_nor_neither(locator):
    [row] = answer_list(locator, ["ZZ1 1ZZ"])
    with pytest.raises(ValueError):
        bulk.ListRow("ZZ1 1ZZ")
    with pytest.raises(ValueError):
        bulk.ListRow("SL6 8DG", answer=locator.lookup("SL6 8DG"), error=row.error)


def test_the_table_says_what_each_row_says(locator):
    queries = ["SL6 8DG", "ZZ1 1ZZ", "Reading", "BT1 1AA", "D18 X5K7"]
    answers = answer_list(locator, queries)
    for row, cells in zip(answers, answers.table(), strict=True):
        if row.error:
            assert (cells["Error"], cells["Nearest clinic"]) == (row.error.message, "")
        else:
            answer = row.answer
            assert (cells["Postcode"], cells["Precision"], cells["Nearest clinic"], cells["Phone"], cells["Email"],
                    cells["Miles"]) == (answer.location.normalised, answer.location.precision.value,
                                        answer.clinic.name, answer.contact.phone_dial, answer.contact.email,
                                        round(answer.distance.miles, 2))


def test_counts_per_clinic_and_per_error(locator):
    result = answer_list(locator, ["SL6 8DG", "SL6 8DG", "BT1 1AA", "ZZ1 1ZZ", "nowhere-ville"])
    per_clinic, per_error = result.counts()
    assert per_clinic == {c.name: 0 for c in locator.clinics} | {"Maidenhead": 2, "Dublin": 1}
    assert per_error == {"Not a real postcode": 1, "Unknown place": 1}


def test_every_error_is_counted_under_its_own_label(locator):
    per_error = answer_list(locator, ["", "ZZ1 1ZZ", "SL6 8DG SL6 8DH", "90210", "BF", "x" * 101, "BF1 1AA",
                                      "07700 900123"]).counts()[1]
    assert per_error == {"Blank": 1, "Not a real postcode": 1, "Several postcodes in one row": 1,
                         "Outside the UK and Ireland": 1, "No fixed location": 1, "Too long": 1,
                         "Overseas or forces address": 1, "Not a place": 1}


def test_a_long_list_is_answered_in_chunks_and_reports_its_progress(locator):
    queries = ["SL6 8DG", "Reading", "", "BT1 1AA", "D18"] * 7
    seen = []
    chunked = answer_list(locator, queries, on_progress=lambda done, total: seen.append((done, total)), chunk=10)
    assert seen == [(10, 35), (20, 35), (30, 35), (35, 35)]
    assert chunked.table() == answer_list(locator, queries).table()
    assert chunked.counts() == answer_list(locator, queries, chunk=1).counts()


def test_an_empty_list_has_no_rows_and_no_progress(locator):
    seen = []
    empty = answer_list(locator, [], on_progress=lambda *args: seen.append(args))
    assert len(empty) == 0 and empty.table() == [] and seen == []


# ------------------------------------------------------------------ CSV in


def test_a_csv_column_is_chosen_by_its_name(locator):
    data = b"Name,Postcode,Notes\nAnn,SL6 8DG,first\nBob,BT1 1AA,second\n"
    assert read_queries_csv(data) == ["SL6 8DG", "BT1 1AA"]


@pytest.mark.parametrize("header", ["postcode", "POSTCODE", "Post Code", "postcode_or_town", "Eircode", "Location",
                                    "Home postcode"])
def test_the_postcode_column_is_recognised_by_any_of_its_usual_names(header):
    data = f"Patient,{header}\nAnn,SL6 8DG\n".encode()
    assert read_queries_csv(data) == ["SL6 8DG"]


def test_without_a_named_column_the_first_column_is_used_and_the_first_line_is_data():
    assert read_queries_csv(b"SL6 8DG,Ann\nD18 X5K7,Bob\n") == ["SL6 8DG", "D18 X5K7"]
    assert read_queries_csv(b"SL6 8DG\nHP7 0HP") == ["SL6 8DG", "HP7 0HP"]


def test_an_exact_name_wins_over_one_that_only_contains_postcode():
    assert read_queries_csv(b"Old postcode,Eircode\nSL6 8DG,D18 X5K7\n") == ["D18 X5K7"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16"])
def test_a_csv_is_read_in_utf8_with_or_without_bom_latin1_and_what_excel_saves(encoding, locator):
    data = "Postcode\nDún Laoghaire\nSL6 8DG\n".encode(encoding)
    queries = read_queries_csv(data)
    assert queries == ["Dún Laoghaire", "SL6 8DG"]
    assert [r["Nearest clinic"] for r in answers(locator, queries)] == ["Dublin", "Maidenhead"]


def test_a_bom_does_not_hide_the_header_name():
    assert read_queries_csv("Postcode\nSL6 8DG\n".encode("utf-8-sig")) == ["SL6 8DG"]


def test_blank_lines_in_a_csv_are_skipped():
    data = b"Postcode\r\n\r\nSL6 8DG\r\n,\r\n  \r\nHP7 0HP\r\n\r\n"
    assert read_queries_csv(data) == ["SL6 8DG", "HP7 0HP"]


def test_a_record_with_an_empty_postcode_cell_is_kept_and_flagged_blank(locator):
    queries = read_queries_csv(b"Name,Postcode\nAnn,SL6 8DG\nBob,\nCat\n")
    assert queries == ["SL6 8DG", "", ""]
    rows = answers(locator, queries)
    assert [bool(r["Error"]) for r in rows] == [False, True, True]
    assert answer_list(locator, queries).counts()[1] == {"Blank": 2}


def test_semicolon_and_tab_separated_files_and_excels_sep_line_are_read():
    assert read_queries_csv(b"Name;Postcode\nAnn;SL6 8DG\n") == ["SL6 8DG"]
    assert read_queries_csv(b"Name\tPostcode\nAnn\tSL6 8DG\n") == ["SL6 8DG"]
    assert read_queries_csv(b"sep=;\nName;Postcode\nAnn;SL6 8DG\n") == ["SL6 8DG"]


def test_quoted_cells_keep_their_commas():
    assert read_queries_csv(b'Location,Note\n"Sandyford, Dublin 18",x\n') == ["Sandyford, Dublin 18"]


def test_a_spreadsheet_workbook_is_refused_with_a_hint():
    with pytest.raises(UnreadableFile, match="Save As, then CSV"):
        read_queries_csv(b"PK\x03\x04" + bytes(100))


# ------------------------------------------------------------------ limits


def test_a_list_may_hold_at_least_fifty_thousand_rows():
    assert MAX_ROWS >= 50_000
    assert len(read_queries_text("SL6 8DG\n" * MAX_ROWS)) == MAX_ROWS
    assert len(read_queries_csv(b"Postcode\n" + b"SL6 8DG\n" * MAX_ROWS)) == MAX_ROWS


def test_one_row_too_many_is_refused_with_the_limit_in_the_message():
    with pytest.raises(TooManyRows) as raised:
        read_queries_text("SL6 8DG\n" * (MAX_ROWS + 1))
    assert f"{MAX_ROWS + 1:,} rows" in raised.value.message
    assert f"at most {MAX_ROWS:,}" in raised.value.message
    with pytest.raises(TooManyRows):
        read_queries_csv(b"SL6 8DG\n" * (MAX_ROWS + 1))


def test_a_file_over_the_upload_size_is_refused_before_it_is_read():
    with pytest.raises(FileTooLarge, match=f"at most {MAX_UPLOAD_MB} MB"):
        read_queries_csv(b"x" * (MAX_UPLOAD_MB * 1024 * 1024 + 1))


def test_limit_errors_are_locator_errors_so_the_ui_and_cli_show_their_message():
    for error in (TooManyRows, FileTooLarge, UnreadableFile):
        assert issubclass(error, InvalidQuery) and issubclass(error, LocatorError) and issubclass(error, ValueError)


# ------------------------------------------------------------------ CSV out


def test_the_csv_has_the_table_columns_and_one_line_per_query(locator):
    rows = answers(locator, ["SL6 8DG", "ZZ1 1ZZ", "D18 X5K7"])
    lines = to_csv(rows).splitlines()
    assert lines[0] == "Query,Postcode,Precision,Nearest clinic,Miles,Km,Phone,Email,Error"
    assert len(lines) == 4
    assert list(parse_csv(to_csv(rows))[0]) == list(COLUMNS)


def test_an_international_number_is_kept_as_text_that_reads_as_the_number(locator):
    [row] = parse_csv(to_csv(answers(locator, ["BT1 1AA"])))
    assert row["Phone"] == "'" + DUBLIN_FROM_NI
    assert unquote(row["Phone"]) == DUBLIN_FROM_NI


@pytest.mark.parametrize("typed", ["=HYPERLINK(\"http://evil.example\",\"SL6 8DG\")", "+SL6 8DG", "-2+3",
                                   "@SUM(A1:A2)", " =1+1"])
def test_a_formula_typed_into_a_list_cannot_run_in_a_spreadsheet(typed, locator):
    [row] = parse_csv(to_csv(answers(locator, [typed])))
    assert row["Query"] == "'" + typed
    assert not any(cell.lstrip()[:1] in "=+-@" and cell for cell in row.values())


def test_formula_characters_inside_a_cell_are_left_alone():
    assert bulk.safe_cell("SL6 8DG = home") == "SL6 8DG = home"
    assert bulk.safe_cell("\tSL6") == "'\tSL6"
    assert bulk.safe_cell("") == ""


def test_distances_stay_numbers_in_the_csv(locator):
    text = to_csv(answers(locator, ["Reading", "ZZ1 1ZZ"]))
    reading, bad = parse_csv(text)
    assert float(reading["Miles"]) == pytest.approx(12.41, abs=0.01)
    assert ",12.4" in text  # unquoted, so a spreadsheet reads a number
    assert (bad["Miles"], bad["Km"]) == ("", "")


def test_an_error_message_quoting_a_formula_is_made_safe_too(locator):
    [row] = parse_csv(to_csv(answers(locator, ["=1+1"])))
    assert row["Error"] and not row["Error"].startswith("=")


def test_downloaded_bytes_have_a_bom_only_when_excel_needs_one(locator):
    ascii_only = to_csv_bytes(answers(locator, ["SL6 8DG"]))
    assert not ascii_only.startswith(b"\xef\xbb\xbf")
    accented = to_csv_bytes(answers(locator, ["Dún Laoghaire"]))
    assert accented.startswith(b"\xef\xbb\xbf")
    assert "Dún Laoghaire" in accented.decode("utf-8-sig")


def test_a_csv_file_in_gives_a_csv_file_out_row_for_row(locator):
    upload = ("\ufeffRef;Post code;Note\r\n"
              "1;SL6 8DG;\r\n"
              "\r\n"
              "2;=cmd|' /C calc'!A0;injected\r\n"
              "3;BT1 1AA;\r\n"
              "4;Dún Laoghaire;\r\n"
              "5;;no postcode\r\n").encode("utf-8")
    out = parse_csv(to_csv_bytes(answers(locator, read_queries_csv(upload))).decode("utf-8-sig"))
    assert [(unquote(r["Query"]), r["Nearest clinic"], unquote(r["Phone"])) for r in out] == [
        ("SL6 8DG", "Maidenhead", FREEPHONE),
        ("=cmd|' /C calc'!A0", "", ""),
        ("BT1 1AA", "Dublin", DUBLIN_FROM_NI),
        ("Dún Laoghaire", "Dublin", DUBLIN_FROM_IE),
        ("", "", ""),
    ]
    assert [bool(r["Error"]) for r in out] == [False, True, False, False, True]
    assert out[1]["Query"].startswith("'=")
