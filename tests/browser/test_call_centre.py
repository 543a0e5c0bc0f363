"""The Call centre desk in a real browser, driven the way staff drive it: by keyboard.

Long lists go in as staff put them in, with a real paste: the list is put on
the clipboard and Ctrl+V pressed in the text area. (Typing it, or Playwright's
fill() or insert_text(), takes minutes for a few thousand lines.)
"""

from __future__ import annotations

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from components.call_centre import COPY_LABEL, DOWNLOAD_LABEL, FIELD_LABEL, LIST_LABEL
from components.search_problem import HEADING as PROBLEM_HEADING
from components.staff_sign_in import PASSPHRASE_LABEL
from locator.bulk import COLUMNS, MAX_ROWS
from web.staff_oidc import DESK_PATH

from . import STAFF_PASSPHRASE, screenshot, wait_for_app
from .desk import DUBLIN_FROM_NI, as_read, download_results, expected_row, open_desk, shown_as, tab_to
from .patient import forget_subpage_probes

NAMED = ["SL6 8DG", "HP7 0HP", "W1G 8AJ", "L1 8JQ", "BT1 1AA", "D18 X5K7", "Reading", "Dun Laoghaire"]
BAD = ["ZZ1 1ZZ", "=HYPERLINK(\"http://evil.example\",\"x\")", "not a place at all", "90210", "+44 20 7946 0000",
       "SL6 8DG HP7 0HP", "@SUM(1+1)"]
SAMPLE_SIZE = 3_000
SEED = 20240705


@pytest.fixture(scope="module")
def desk_url(app_url) -> str:
    return app_url + DESK_PATH


@pytest.fixture
def clipboard(page: Page, app_url: str):
    """Let the page use the clipboard, as a person's browser does; returns a writer."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)

    def put(text: str) -> None:
        page.evaluate("text => navigator.clipboard.writeText(text)", text)

    return put


def paste_list(page: Page, put_on_clipboard, lines: list[str]) -> None:
    put_on_clipboard("\n".join(lines))
    tab_to(page, LIST_LABEL, "TEXTAREA")
    page.keyboard.press("Control+v")
    expect(page.get_by_role("textbox", name=LIST_LABEL)).to_have_value("\n".join(lines), timeout=30_000)
    page.keyboard.press("Control+Enter")
    wait_for_app(page, timeout=60)


def sample_postcodes(locator, n: int) -> list[str]:
    keys = locator.index.unit_keys
    picked = keys[np.random.default_rng(SEED).choice(len(keys), n, replace=False)]
    return [f"{k[:-3]} {k[-3:]}" for k in (key.decode() for key in picked)]


# ------------------------------------------------------------------ one caller


def test_staff_sign_in_reach_the_read_out_sentence_and_copy_it_without_a_mouse(page, desk_url, clipboard):
    page.goto(desk_url)
    wait_for_app(page)
    forget_subpage_probes(page)
    tab_to(page, PASSPHRASE_LABEL, "INPUT")
    page.keyboard.type(STAFF_PASSPHRASE)
    page.keyboard.press("Enter")
    wait_for_app(page)

    tab_to(page, FIELD_LABEL, "INPUT")
    page.keyboard.type("BT1 1AA")
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text(DUBLIN_FROM_NI)).to_be_visible()
    # The copy button's code can load a moment after the sentence is painted.
    expect(page.get_by_role("button", name=COPY_LABEL)).to_be_visible()

    presses = tab_to(page, COPY_LABEL, "BUTTON")
    assert presses <= 3  # past the Find button and the sentence itself, no further
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Copied")
    assert page.evaluate("() => navigator.clipboard.readText()") == DUBLIN_FROM_NI
    screenshot(page, "call-centre-caller-keyboard", full_page=False)


def test_the_desk_opens_directly_by_its_address(page, desk_url):
    open_desk(page, desk_url)
    expect(page.get_by_role("textbox", name=FIELD_LABEL)).to_be_visible()
    expect(page.get_by_text(f"up to {MAX_ROWS:,} postcodes")).to_be_visible()


def test_every_clinics_distance_shows_nearest_first(page, desk_url):
    open_desk(page, desk_url)
    tab_to(page, FIELD_LABEL, "INPUT")
    page.keyboard.type("L1 8JQ")
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text("is our Amersham clinic at")).to_be_visible()
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    grid.scroll_into_view_if_needed()
    screenshot(page, "call-centre-caller-distances", full_page=False)


def test_a_misspelt_town_is_put_right_from_the_keyboard(page, desk_url):
    open_desk(page, desk_url)
    tab_to(page, FIELD_LABEL, "INPUT")
    page.keyboard.type("Readng")
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(page.get_by_test_id("stAlert")).to_contain_text("Readng")
    tab_to(page, "searchReading", "BUTTON")  # the patient page's suggestion button: its icon's text, then the place
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text("The nearest clinic to Reading is our Maidenhead clinic")).to_be_visible()
    expect(page.get_by_role("textbox", name=FIELD_LABEL)).to_have_value("Reading")


def test_a_query_that_looks_like_markdown_is_shown_as_typed(page, desk_url):
    open_desk(page, desk_url)
    tab_to(page, FIELD_LABEL, "INPUT")
    typed = "[call us](http://evil.example) **now** or mail a@evil.example"
    page.keyboard.type(typed)
    page.keyboard.press("Enter")
    wait_for_app(page)
    alert = page.get_by_test_id("stAlert")
    expect(alert).to_be_visible()
    assert typed in alert.inner_text().replace("\u2060", "")  # word joiners keep links from forming
    assert alert.locator("a, img").count() == 0
    assert alert.locator("strong").all_inner_texts() == [PROBLEM_HEADING]  # only the heading is bold


# ------------------------------------------------------------------ lists


def test_a_pasted_list_with_bad_rows_is_run_with_ctrl_enter_and_every_downloaded_row_is_right(
        page, desk_url, clipboard, locator, tmp_path):
    queries = NAMED + BAD[:3] + sample_postcodes(locator, SAMPLE_SIZE) + BAD[3:]
    open_desk(page, desk_url)
    paste_list(page, clipboard, ["", *queries[:5], "", "   ", *queries[5:], ""])  # blank lines are skipped

    expect(page.get_by_text(f"{len(queries):,} rows")).to_be_visible()
    not_located = page.get_by_test_id("stMetric").filter(has_text="Not located")
    expect(not_located).to_contain_text(str(len(BAD)))
    expect(page.get_by_role("button", name=DOWNLOAD_LABEL)).to_be_visible()
    expect(page.get_by_test_id("stDataFrame").last.locator("canvas").first).to_be_visible()
    not_located.scroll_into_view_if_needed()
    screenshot(page, "call-centre-list-pasted", full_page=False)

    rows = download_results(page, tmp_path)
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == len(queries)
    for query, row in zip(queries, rows, strict=True):
        assert as_read(row) == expected_row(locator, query), query
    by_query = {shown_as(r["Query"]): r for r in rows}
    assert by_query["BT1 1AA"]["Phone"] == "'+353 1 293 7839"  # text in a spreadsheet, not a formula
    assert by_query["D18 X5K7"]["Phone"] == "01 293 7839"
    for row in rows:
        assert not any(cell[:1] in ("=", "+", "-", "@") for cell in row.values()), row


def test_a_long_list_shows_progress_while_it_is_looked_up(page, desk_url, clipboard, locator):
    # The longest list allowed: short lists are looked up faster than the bar can be painted.
    queries = sample_postcodes(locator, MAX_ROWS)
    open_desk(page, desk_url)
    page.evaluate("""() => {
      window.__progress = [];
      new MutationObserver(() => {
        const bar = document.querySelector('[data-testid="stProgress"]');
        if (bar) window.__progress.push(bar.textContent);
      }).observe(document.body, {childList: true, subtree: true, characterData: true});
    }""")
    paste_list(page, clipboard, queries)
    expect(page.get_by_text(f"{len(queries):,} rows")).to_be_visible()
    seen = page.evaluate("window.__progress")
    assert any(f"{len(queries):,} rows" in text for text in seen), seen
    expect(page.get_by_test_id("stProgress")).to_have_count(0)  # gone once the table is there


def test_a_list_one_row_over_the_limit_gets_a_clear_message_not_a_hang(page, desk_url, clipboard):
    open_desk(page, desk_url)
    paste_list(page, clipboard, ["SL6 8DG"] * (MAX_ROWS + 1))
    expect(page.get_by_test_id("stAlert")).to_contain_text(f"at most {MAX_ROWS:,}")
    expect(page.get_by_role("button", name=DOWNLOAD_LABEL)).to_have_count(0)


def test_an_uploaded_csv_is_chosen_with_the_keyboard_and_answered(page, desk_url, locator, tmp_path):
    upload = tmp_path / "patients.csv"
    upload.write_bytes("Name;Post code\r\nÁine;D18 X5K7\r\n\r\nBob;BT1 1AA\r\nCat;=1+1\r\n".encode("latin-1"))
    open_desk(page, desk_url)
    # The uploader's code loads after the first paint; until its file input is there, Enter opens nothing.
    expect(page.get_by_test_id("stFileUploaderDropzoneInput")).to_be_attached()
    # Playwright starts catching file choosers asynchronously when asked to wait for one;
    # asking before the Tab presses gives that time to take effect before Enter.
    with page.expect_file_chooser() as chooser:
        tab_to(page, "uploadUpload", "BUTTON")
        page.keyboard.press("Enter")
    chooser.value.set_files(upload)
    wait_for_app(page)
    expect(page.get_by_text("3 rows")).to_be_visible()
    rows = download_results(page, tmp_path)
    assert [as_read(r) for r in rows] == [expected_row(locator, q) for q in ["D18 X5K7", "BT1 1AA", "=1+1"]]
