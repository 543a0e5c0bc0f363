"""The call-centre desk as the browser tests drive it: by keyboard, the way staff do."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import Page, expect

from components.call_centre import DOWNLOAD_LABEL, FIELD_LABEL
from locator.bulk import COLUMNS
from locator.errors import LocatorError

from . import sign_in, wait_for_app
from .patient import forget_subpage_probes

DUBLIN_FROM_NI = "The nearest clinic to BT1 1AA is our Dublin clinic at Suites 509-510, Q House, 76 Furze Road, " \
                 "Sandyford, Dublin 18, about 92 miles away. You can call +353 1 293 7839 or email " \
                 "enquiries@varicoseveins.ie."

# The element with keyboard focus, looking into shadow roots (the copy button lives in one).
_FOCUSED = """() => {
  let e = document.activeElement;
  while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
  return e ? [e.tagName, (e.getAttribute('aria-label') || e.textContent || '').trim()] : [null, ''];
}"""


def open_desk(page: Page, desk_url: str) -> None:
    """Open the desk by its address and sign in."""
    page.goto(desk_url)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Call centre")).to_be_visible()
    forget_subpage_probes(page)
    sign_in(page)
    expect(page.get_by_role("textbox", name=FIELD_LABEL)).to_be_visible()


def tab_to(page: Page, name: str, tag: str | None = None, limit: int = 40) -> int:
    """Press Tab until the element named ``name`` has focus; returns how many presses it took."""
    visited = []
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        focused_tag, focused_name = page.evaluate(_FOCUSED)
        if focused_name == name and (tag is None or focused_tag == tag):
            return presses
        visited.append(f"{focused_tag} {focused_name[:30]!r}")
    raise AssertionError(f"{name!r} not reached in {limit} presses of Tab; focus went to: " + ", ".join(visited))


def download_results(page: Page, tmp_path) -> list[dict]:
    """Tab to the download button, press Enter, and read the file the browser saves."""
    # The button comes with the table, which can be drawn just after the row count; a person
    # waits for it to appear before tabbing to it, and so does the test.
    expect(page.get_by_role("button", name=DOWNLOAD_LABEL)).to_be_visible()
    tab_to(page, DOWNLOAD_LABEL, "BUTTON")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name.endswith(".csv")
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def shown_as(cell: str) -> str:
    """A CSV cell as a spreadsheet shows it: a leading apostrophe only marks it as text."""
    return cell[1:] if cell.startswith("'") else cell


def expected_row(locator, query: str) -> dict:
    try:
        answer = locator.lookup(query)
    except LocatorError as exc:
        return {"Query": query, "Postcode": "", "Precision": "", "Nearest clinic": "", "Miles": "", "Km": "",
                "Phone": "", "Email": "", "Error": exc.message}
    return {
        "Query": query, "Postcode": answer.location.normalised, "Precision": answer.location.precision.value,
        "Nearest clinic": answer.clinic.name, "Miles": round(answer.distance.miles, 2),
        "Km": round(answer.distance.km, 2), "Phone": answer.contact.phone_dial, "Email": answer.contact.email,
        "Error": "",
    }


def as_read(row: dict) -> dict:
    read: dict[str, str | float] = {column: shown_as(row[column]) for column in COLUMNS}
    for column in ("Miles", "Km"):
        read[column] = float(read[column]) if read[column] else ""
    return read
