"""The Call centre desk as staff see it, driven through Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from geopy.distance import geodesic
from streamlit.testing.v1 import AppTest

from components.call_centre import (
    DOWNLOAD_LABEL,
    FIELD_LABEL,
    FIND_LIST,
    FIND_ONE,
    LIST_LABEL,
    UPLOAD_LABEL,
)
from components.text import markdown_as_typed
from locator import Locator
from locator.bulk import COLUMNS, MAX_ROWS, MAX_UPLOAD_MB
from locator.clinics import clinics_path, read_sites
from locator.messages import about_miles
from locator.model import Region

DESK = str(Path(__file__).with_name("call_centre_app.py"))
DUBLIN_ADDRESS = "Suites 509-510, Q House, 76 Furze Road, Sandyford, Dublin 18"


def nearest_in_great_britain(query: str):
    """The clinic the rule sends ``query`` to: the nearest (geopy) of those that serve Great Britain."""
    locator = Locator.load()
    answer = locator.lookup(query)
    here = (answer.location.lat, answer.location.lon)
    serving = [c for c in locator.clinics if Region.GREAT_BRITAIN in c.serves]
    return min(serving, key=lambda c: geodesic(here, (c.lat, c.lon)).meters)


@pytest.fixture
def desk() -> AppTest:
    at = AppTest.from_file(DESK, default_timeout=60).run()
    assert not at.exception
    return at


def _submit(at: AppTest, fields, label: str, button: str, text: str) -> AppTest:
    next(f for f in fields if f.label == label).input(text)
    next(b for b in at.button if b.label == button).click()
    at.run()
    assert not at.exception
    return at


def ask(at: AppTest, query: str) -> AppTest:
    """Type a caller's postcode and submit, as Enter does."""
    return _submit(at, at.text_input, FIELD_LABEL, FIND_ONE, query)


def paste(at: AppTest, text: str) -> AppTest:
    """Paste a list and submit it, as Ctrl+Enter does."""
    return _submit(at, at.text_area, LIST_LABEL, FIND_LIST, text)


def sentence(at: AppTest) -> str:
    [code] = at.code
    return code.value


def results_table(at: AppTest):
    return next(df.value for df in at.dataframe if list(df.value.columns) == list(COLUMNS))


def counts(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


# ------------------------------------------------------------------ one caller


def test_the_desk_states_its_limits_before_anything_is_typed(desk):
    limits = " ".join(c.value for c in desk.caption)
    assert f"{MAX_ROWS:,}" in limits and f"{MAX_UPLOAD_MB} MB" in limits
    assert not desk.code and not desk.error


def test_a_northern_ireland_caller_is_sent_to_dublin_and_told_to_dial_internationally(desk):
    assert sentence(ask(desk, "BT1 1AA")) == (
        f"The nearest clinic to BT1 1AA is our Dublin clinic at {DUBLIN_ADDRESS}, about 92 miles away. "
        "You can call +353 1 293 7839 or email enquiries@varicoseveins.ie.")


def test_an_irish_caller_dials_dublin_as_a_national_number(desk):
    assert "You can call 01 293 7839 or email enquiries@varicoseveins.ie." in sentence(ask(desk, "D18 X5K7"))


def test_a_caller_next_door_hears_less_than_a_mile(desk):
    assert sentence(ask(desk, "sl6 8dg")) == (
        "The nearest clinic to SL6 8DG is our Maidenhead clinic at The Bridge Clinic, Maidenhead, Berkshire, "
        "SL6 8DG, less than a mile away. You can call 0800 783 6106 or email enquiries@britishveininstitute.com.")


@pytest.mark.parametrize("query, clinic", [("HP7 0HP", "Amersham"), ("W1G 8AJ", "London"), ("L1 8JQ", None)])
def test_english_callers_hear_their_english_clinic_and_the_freephone_number(desk, query, clinic):
    clinic = clinic or nearest_in_great_britain(query).name
    said = sentence(ask(desk, query))
    assert f"is our {clinic} clinic at" in said
    assert "You can call 0800 783 6106" in said


def test_every_clinics_distance_is_shown_nearest_first_in_miles_and_km(desk):
    table = ask(desk, "L1 8JQ").dataframe[0].value
    assert sorted(table["Clinic"]) == sorted(site.name for site in read_sites(clinics_path()))
    assert list(table["Miles"]) == sorted(table["Miles"])
    for miles, km in zip(table["Miles"], table["Km"], strict=True):
        assert km == pytest.approx(miles * 1.609344, abs=0.2)
    answer = Locator.load().lookup("L1 8JQ")
    assert f"{about_miles(answer.distance.miles)} away" in sentence(desk)


def test_a_northern_ireland_caller_sees_why_nearer_english_clinics_are_not_offered(desk):
    table = ask(desk, "BT1 1AA").dataframe[0].value
    takes = dict(zip(table["Clinic"], table["Takes this caller"], strict=True))
    assert takes["Dublin"] == "Yes" and takes["London"].startswith("No")
    assert "located approximately" in " ".join(c.value for c in desk.caption)


def test_a_misspelt_town_shows_why_and_a_suggestion_never_a_traceback(desk):
    ask(desk, "Readng")
    assert not desk.code
    assert "Readng" in desk.error[0].value
    assert "Reading" in [b.label for b in desk.button]


def test_choosing_a_suggestion_answers_it(desk):
    ask(desk, "Readng")
    next(b for b in desk.button if b.label == "Reading").click()
    desk.run()
    assert not desk.error
    assert sentence(desk).startswith("The nearest clinic to Reading is our Maidenhead clinic")


def test_an_empty_submission_shows_nothing(desk):
    ask(desk, "   ")
    assert not desk.code and not desk.error


def test_typed_text_is_escaped_so_markdown_cannot_turn_it_into_a_link_or_image():
    # Markdown escapes for syntax; a word joiner (U+2060) inside bare links, which escapes do not stop.
    assert markdown_as_typed("![x](http://evil.example/a.png) :red[boom] **b** a@b.com") == (
        "\\!\\[x\\]\\(http:\u2060//evil.example/a.png\\) :\u2060red\\[boom\\] \\*\\*b\\*\\* a@\u2060b.com")
    assert markdown_as_typed("1. Main Street") == "1\\. Main Street"


def test_the_locators_own_sentences_are_left_as_they_are():
    message = "ZZ1 1ZZ is not a real postcode: ZZ is not a UK postcode area. Try SL6 8DG, or Reading."
    assert markdown_as_typed(message) == message


@pytest.mark.parametrize("miles, said", [(0.0, "less than a mile"), (0.99, "less than a mile"),
                                         (1.2, "about 1 mile"), (2.5, "about 3 miles"), (92.25, "about 92 miles")])
def test_distances_are_said_in_whole_miles(miles, said):
    assert about_miles(miles) == said


# ------------------------------------------------------------------ lists


def test_a_pasted_list_gives_its_table_in_the_order_given_with_bad_rows_flagged(desk):
    table = results_table(paste(desk, "SL6 8DG\n\nZZ1 1ZZ\nBT1 1AA\n  \nD18 X5K7\nnot a place\nL1 8JQ\n"))
    assert list(table["Query"]) == ["SL6 8DG", "ZZ1 1ZZ", "BT1 1AA", "D18 X5K7", "not a place", "L1 8JQ"]
    liverpool = nearest_in_great_britain("L1 8JQ").name
    assert list(table["Nearest clinic"]) == ["Maidenhead", "", "Dublin", "Dublin", "", liverpool]
    assert list(table["Phone"]) == ["0800 783 6106", "", "+353 1 293 7839", "01 293 7839", "", "0800 783 6106"]
    assert [bool(e) for e in table["Error"]] == [False, True, False, False, True, False]
    assert table["Miles"][0] == 0 and table["Km"][5] == pytest.approx(table["Miles"][5] * 1.609344, abs=0.02)
    assert table["Miles"][5] > 0


def test_a_list_shows_how_many_rows_went_to_each_clinic_and_why_others_failed(desk):
    paste(desk, "SL6 8DG\nSL6 8DG\nBT1 1AA\nZZ1 1ZZ\nnowhere-ville\n")
    every_clinic = {site.name: "0" for site in read_sites(clinics_path())}
    assert counts(desk) == every_clinic | {"Maidenhead": "2", "Dublin": "1", "Not located": "2"}
    problems = next(df.value for df in desk.dataframe if "Problem" in df.value.columns)
    assert dict(zip(problems["Problem"], problems["Rows"], strict=True)) == {"Not a real postcode": 1, "Unknown place": 1}
    assert any("5 rows" in m.value and "3 found" in m.value for m in desk.markdown)


def test_a_list_offers_its_results_as_a_csv_download(desk):
    paste(desk, "SL6 8DG\n")
    assert [b.label for b in desk.download_button] == [DOWNLOAD_LABEL]


def test_a_list_over_the_limit_is_refused_with_a_clear_message(desk):
    paste(desk, "SL6 8DG\n" * (MAX_ROWS + 1))
    [error] = desk.error
    assert f"{MAX_ROWS + 1:,} rows" in error.value and f"{MAX_ROWS:,}" in error.value
    assert not desk.metric and not desk.download_button


def test_a_list_of_only_blank_lines_says_it_is_empty(desk):
    paste(desk, "\n\n  \n")
    assert "empty" in desk.info[0].value
    assert not desk.download_button


def test_an_uploaded_csv_is_answered_from_its_postcode_column(desk):
    upload = next(u for u in desk.file_uploader if u.label == UPLOAD_LABEL)
    upload.upload("patients.csv", "Name;Eircode\r\nÁine;D18 X5K7\r\nBob;BT1 1AA\r\n".encode("latin-1"), "text/csv")
    desk.run()
    assert not desk.exception
    table = results_table(desk)
    assert list(table["Query"]) == ["D18 X5K7", "BT1 1AA"]
    assert list(table["Phone"]) == ["01 293 7839", "+353 1 293 7839"]


def test_a_workbook_uploaded_by_mistake_is_refused_with_a_hint(desk):
    upload = next(u for u in desk.file_uploader if u.label == UPLOAD_LABEL)
    upload.upload("patients.csv", b"PK\x03\x04" + bytes(200), "text/csv")
    desk.run()
    assert not desk.exception
    assert "Save As" in desk.error[0].value


def test_a_list_pasted_after_a_file_stays_on_screen_though_the_file_is_still_there(desk):
    next(u for u in desk.file_uploader if u.label == UPLOAD_LABEL).upload("a.csv", b"Postcode\nSL6 8DG\n", "text/csv")
    desk.run()
    paste(desk, "BT1 1AA\n")
    desk.run()
    assert list(results_table(desk)["Query"]) == ["BT1 1AA"]


def test_removing_the_file_removes_its_answer(desk):
    upload = next(u for u in desk.file_uploader if u.label == UPLOAD_LABEL)
    upload.upload("a.csv", b"Postcode\nSL6 8DG\n", "text/csv")
    desk.run()
    assert list(results_table(desk)["Query"]) == ["SL6 8DG"]
    next(u for u in desk.file_uploader if u.label == UPLOAD_LABEL).clear()
    desk.run()
    assert not desk.download_button


def test_answering_a_caller_keeps_the_list_on_screen(desk):
    paste(desk, "SL6 8DG\nBT1 1AA\n")
    ask(desk, "D18 X5K7")
    assert "01 293 7839" in sentence(desk)
    assert list(results_table(desk)["Query"]) == ["SL6 8DG", "BT1 1AA"]
