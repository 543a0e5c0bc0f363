"""Lists of queries in, a table of answers out: the call-centre desk and ``--csv``.

Pure Python, no UI::

    from pathlib import Path
    from locator import Locator
    from locator.bulk import read_queries_csv, result_rows, to_csv

    queries = read_queries_csv(Path("list.csv").read_bytes())   # or read_queries_text(pasted)
    rows = result_rows(Locator.load().lookup_many(queries))    # one dict per query, in order
    print(to_csv(rows), end="")                               # spreadsheet-safe CSV text

Reading rules (the same for a paste and a file):

* Lines that are entirely blank are skipped: they are gaps in a paste or the
  trailing empty lines spreadsheets write, not queries anyone asked. Every
  other line gives exactly one output row, in the order given, so a bad line
  is flagged in its own row. In a CSV with several columns, a row that has
  data but an empty postcode cell is kept (flagged "Blank"), because it is a
  real record whose postcode is missing.
* A first line naming the column (``Postcode``, ``Post code``, ``Eircode``,
  ``Location``, ``Postcode or town``..., any case) is a header, not a query.
  In a CSV that column is used; with no such header the first column is, and
  the first line is data.
* Files are decoded as UTF-8 (with or without a byte-order mark), or UTF-16
  when they start with its byte-order mark, else as Windows-1252/Latin-1,
  which is what spreadsheets on Windows save (docs/adr/0005-bulk-csv-safety.md).
* At most :data:`MAX_ROWS` queries per list and :data:`MAX_UPLOAD_MB` per file;
  more raises :class:`TooManyRows` / :class:`FileTooLarge` before any lookup.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence

from locator.contacts import contact_for
from locator.distances import METRES_PER_MILE
from locator.errors import InvalidQuery
from locator.service import BulkResult

MAX_ROWS = 50_000
MAX_UPLOAD_MB = 10  # 50,000 rows of a few columns is about 2 MB; this leaves room for wide exports

COLUMNS = ("Query", "Postcode", "Precision", "Nearest clinic", "Miles", "Km", "Phone", "Email", "Error")

# Header names, compared with case, spaces, underscores and hyphens removed.
HEADER_NAMES = ("postcode", "postcodes", "postalcode", "postcodeortown", "postcodeorplace", "postcodeoreircode",
                "eircode", "eircodes", "location", "locations", "town", "towns", "place", "places", "query")
HEADER_WORDS = ("postcode", "eircode")

# OWASP's list of characters that make a spreadsheet run a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_SET = frozenset(FORMULA_STARTS)

_NOT_HEADER_CHARS = re.compile(r"[\s_\-]+")
_DELIMITERS = ",;\t|"


class TooManyRows(InvalidQuery):
    """The list is longer than :data:`MAX_ROWS`."""


class FileTooLarge(InvalidQuery):
    """The uploaded file is bigger than :data:`MAX_UPLOAD_MB`."""


class UnreadableFile(InvalidQuery):
    """The upload is not a text CSV (a spreadsheet workbook, an image...)."""


# ------------------------------------------------------------------------ reading


def read_queries_text(text: str) -> list[str]:
    """The queries in pasted text: one per non-blank line, a header line dropped.

    Raises :class:`TooManyRows` past :data:`MAX_ROWS`.
    """
    lines = [line.strip() for line in text.splitlines()]
    queries = [line for line in lines if line]
    if queries and is_header(queries[0]):
        queries = queries[1:]
    _check_length(len(queries))
    return queries


def read_queries_csv(data: bytes) -> list[str]:
    """The queries in a CSV file's bytes: the postcode column's cells, in order.

    Raises :class:`FileTooLarge`, :class:`UnreadableFile` or :class:`TooManyRows`.
    """
    if len(data) > MAX_UPLOAD_MB * 1024 * 1024:
        raise FileTooLarge(
            f"This file is {len(data) / 1024 / 1024:.1f} MB; a file may be at most {MAX_UPLOAD_MB} MB. "
            f"Split it into smaller files, or keep only the postcode column.")
    text = decode(data)
    delimiter, text = _delimiter(text)
    try:
        rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
                if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise UnreadableFile(f"This file could not be read as a CSV ({exc}). "
                             f"Save it from your spreadsheet as CSV and try again.") from exc
    column = _header_column(rows[0]) if rows else None
    if column is None:
        column = 0
    else:
        rows = rows[1:]
    _check_length(len(rows))
    return [row[column].strip() if column < len(row) else "" for row in rows]


def decode(data: bytes) -> str:
    """Text from a file's bytes: UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1252/Latin-1."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnreadableFile("This file says it is UTF-16 text but is not. Save it as CSV and try again.") from exc
    if data.startswith(b"PK\x03\x04") or b"\x00" in data[:4096]:
        raise UnreadableFile(
            "This file is not a CSV (it looks like a spreadsheet workbook or another binary file). "
            "In your spreadsheet choose Save As, then CSV, and upload that.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # cp1252 leaves five bytes undefined; Latin-1 reads every byte


def is_header(cell: str) -> bool:
    """Whether ``cell`` is exactly the name of a column of postcodes or places, in any case or spacing."""
    return _header_key(cell) in HEADER_NAMES


def _header_column(cells: Sequence[str]) -> int | None:
    """The postcode column named in a header row, or ``None`` if the row is not a header.

    An exact name wins; else a name containing "postcode" or "eircode" (such
    as "Home postcode"); the leftmost of either.
    """
    keys = [_header_key(cell) for cell in cells]
    for matches in (lambda k: k in HEADER_NAMES, lambda k: any(word in k for word in HEADER_WORDS)):
        found = [i for i, key in enumerate(keys) if matches(key)]
        if found:
            return found[0]
    return None


def _header_key(cell: str) -> str:
    return _NOT_HEADER_CHARS.sub("", cell).casefold()


def _delimiter(text: str) -> tuple[str, str]:
    """The delimiter, and the text without Excel's ``sep=;`` hint line if it had one."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    if len(first) == 5 and first.casefold().startswith("sep="):
        return first[4], text.split(first, 1)[1]
    # Excel writes ";" where the decimal separator is a comma; a one-column
    # file has no delimiter at all, and then any choice reads it the same.
    counts = {d: first.count(d) for d in _DELIMITERS}
    best = max(counts, key=counts.get)
    return (best if counts[best] else ","), text


def _check_length(n: int) -> None:
    if n > MAX_ROWS:
        raise TooManyRows(
            f"This list has {n:,} rows; one list may hold at most {MAX_ROWS:,}. "
            f"Split it into lists of {MAX_ROWS:,} or fewer and run each one.")


# ------------------------------------------------------------------------ results


def result_rows(result: BulkResult) -> list[dict]:
    """One dict per query, in the order given, keyed by :data:`COLUMNS`.

    Miles and Km are numbers (rounded to 2 places) or ``None`` for a row
    that could not be located; Error is the sentence saying why, else ``""``.
    """
    clinics = result.clinics
    contacts: dict = {}
    rows = []
    chosen = result.chosen.tolist()
    for i, query in enumerate(result.queries):
        error = result.errors[i]
        c = chosen[i]
        if error is not None or c < 0:
            rows.append({"Query": query, "Postcode": "", "Precision": "", "Nearest clinic": "", "Miles": None,
                         "Km": None, "Phone": "", "Email": "", "Error": error.message if error else ""})
            continue
        region = result.regions[i]
        contact = contacts.get((c, region))
        if contact is None:
            contact = contacts[(c, region)] = contact_for(clinics[c], region)
        metres = float(result.metres[i, c])
        rows.append({
            "Query": query,
            "Postcode": result.normalised[i],
            "Precision": result.precision[i].value,
            "Nearest clinic": clinics[c].name,
            "Miles": round(metres / METRES_PER_MILE, 2),
            "Km": round(metres / 1000, 2),
            "Phone": contact.phone_dial,
            "Email": contact.email,
            "Error": "",
        })
    return rows


def to_csv(rows: Iterable[dict], columns: Sequence[str] = COLUMNS) -> str:
    """The rows as CSV text with a header line, every text cell made safe for spreadsheets.

    A text cell that a spreadsheet would run as a formula gets a leading
    apostrophe, which spreadsheets show as the text itself (``'+353 1 293 7839``
    reads as +353 1 293 7839). Numbers are written as numbers; ``None`` as an
    empty cell.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in columns])
    writer.writerows([_cell(row.get(c)) for c in columns] for row in rows)
    return out.getvalue()


def to_csv_bytes(rows: Iterable[dict], columns: Sequence[str] = COLUMNS) -> bytes:
    """:func:`to_csv` as a file's bytes: UTF-8, with a byte-order mark only if any text is not ASCII.

    Excel reads a BOM-less file as Windows-1252, which garbles accented place
    names; a plain ASCII file reads the same either way, so it needs no BOM
    (and programs that do not expect one are not surprised by it).
    """
    text = to_csv(rows, columns)
    return text.encode("utf-8") if text.isascii() else text.encode("utf-8-sig")


def safe_cell(value: str) -> str:
    """``value`` with a leading apostrophe if a spreadsheet would run it as a formula."""
    first = value[:1]
    if first == " ":  # some spreadsheets trim leading spaces before deciding
        first = value.lstrip(" ")[:1]
    return "'" + value if first in _FORMULA_SET else value


def _cell(value) -> object:
    if type(value) is str:
        return safe_cell(value)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, (int, float)):
        return value
    return safe_cell(str(value))
