"""The list pipeline: lists of queries in, answers and a table out, for every interface that takes a list.

The call-centre desk, the command line (``--json``, ``--csv``) and the JSON
API all answer lists with :func:`answer_list`, which gives exactly what
:meth:`Locator.lookup <locator.service.Locator.lookup>` gives, row by row,
and reports progress as it goes. Pure Python, no UI::

    from pathlib import Path
    from locator import Locator
    from locator.bulk import answer_list, read_queries_csv, to_csv

    queries = read_queries_csv(Path("list.csv").read_bytes())   # or read_queries_text(pasted)
    answers = answer_list(Locator.load(), queries)             # one ListRow per query: its answer or its error
    print(to_csv(answers.table()), end="")                    # spreadsheet-safe CSV text

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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast, overload

import numpy as np

from locator import messages
from locator.answer import Answer, Outcome, answer_for, outcome_dict
from locator.clinics import Clinic
from locator.contacts import contact_for
from locator.distances import METRES_PER_MILE
from locator.errors import FileTooLarge, LocatorError, TooManyRows, UnreadableFile
from locator.locating import locate_unit_rows
from locator.model import Location, Precision, Region
from locator.parse import unit_key
from locator.routing import Route
from locator.service import Locator
from locator.text import readable

MAX_ROWS = 50_000
# A list is answered this many rows at a time, so that progress can be shown between chunks.
CHUNK = 5_000
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
        raise FileTooLarge(messages.file_too_large(len(data) / 1024 / 1024, MAX_UPLOAD_MB))
    text = decode(data)
    delimiter, text = _delimiter(text)
    try:
        rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
                if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise UnreadableFile(messages.unreadable_csv(str(exc))) from exc
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
            raise UnreadableFile(messages.not_utf16()) from exc
    if data.startswith(b"PK\x03\x04") or b"\x00" in data[:4096]:
        raise UnreadableFile(messages.not_a_csv())
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
    best = max(counts, key=counts.__getitem__)
    return (best if counts[best] else ","), text


def _check_length(n: int) -> None:
    if n > MAX_ROWS:
        raise TooManyRows(messages.too_many_rows(n, MAX_ROWS))


# ------------------------------------------------------------------------ results


@dataclass(frozen=True, slots=True)
class ListRow:
    """One query of a list and what it came to: its answer, or else the error a person reads instead.

    Exactly one of ``answer`` and ``error`` is set; ``outcome`` is whichever it is.
    """

    query: str
    answer: Answer | None = None
    error: LocatorError | None = None

    def __post_init__(self) -> None:
        if (self.answer is None) == (self.error is None):
            raise ValueError("a list row has an answer or an error, never both nor neither")

    @property
    def outcome(self) -> Outcome:
        return self.answer if self.answer is not None else cast(LocatorError, self.error)

    def to_dict(self) -> dict:
        """The row's JSON object: a line of ``python -m locator --json``, a result of the API's list."""
        return outcome_dict(self.query, self.outcome)


@dataclass
class _Columns:
    """A list's answers column by column, as :func:`answer_list` fills them a chunk at a time.

    Row ``i`` has ``errors[i]`` set, or else ``chosen[i]`` (an index into
    ``clinics``), ``metres[i]`` (to every clinic) and its location:
    ``located[i]`` for a query that needed the full locate stage, else the
    plain unit postcode in ``lat``/``lon``/``normalised`` (region Great
    Britain, precision postcode). Columns keep 100,000 lookups a few numpy
    calls; rows are made from them only when read.
    """

    queries: list[str]
    clinics: tuple[Clinic, ...]
    lat: np.ndarray
    lon: np.ndarray
    chosen: np.ndarray
    metres: np.ndarray
    normalised: list[str]
    located: list[Location | None]
    errors: list[LocatorError | None]

    @classmethod
    def empty(cls, queries: list[str], clinics: tuple[Clinic, ...]) -> _Columns:
        n = len(queries)
        return cls(queries=queries, clinics=clinics, lat=np.full(n, np.nan), lon=np.full(n, np.nan),
                   chosen=np.full(n, -1), metres=np.full((n, len(clinics)), np.nan),
                   normalised=[""] * n, located=[None] * n, errors=[None] * n)

    def row(self, i: int) -> ListRow:
        error = self.errors[i]
        if error:
            return ListRow(self.queries[i], error=error)
        location = self.located[i] or Location(float(self.lat[i]), float(self.lon[i]), Region.GREAT_BRITAIN,
                                               Precision.POSTCODE, self.normalised[i])
        route = Route(self.clinics, int(self.chosen[i]), self.metres[i])
        return ListRow(self.queries[i],
                       answer_for(self.queries[i], location, route, contact_for(route.clinic, location.region)))


class AnswerList(Sequence[ListRow]):
    """A list's answers: one :class:`ListRow` per query, in the order given (``answers[i]``, ``for row in answers``).

    Rows are made as they are read. :meth:`table` gives the spreadsheet's
    rows and :meth:`counts` the totals straight from the columns the lookup
    filled, without making a row's full answer (the desk's 50,000-row lists).
    """

    def __init__(self, columns: _Columns) -> None:
        self._columns = columns

    def __len__(self) -> int:
        return len(self._columns.queries)

    @overload
    def __getitem__(self, i: int) -> ListRow: ...
    @overload
    def __getitem__(self, i: slice) -> list[ListRow]: ...
    def __getitem__(self, i: int | slice) -> ListRow | list[ListRow]:
        if isinstance(i, slice):
            return [self._columns.row(j) for j in range(len(self))[i]]
        return self._columns.row(range(len(self))[i])

    def __iter__(self) -> Iterator[ListRow]:
        return map(self._columns.row, range(len(self)))

    @property
    def all_answered(self) -> bool:
        """Whether every query got an answer (no row holds an error)."""
        return not any(self._columns.errors)

    def counts(self) -> tuple[dict[str, int], dict[str, int]]:
        """How many rows went to each clinic (by name) and failed with each kind of error (by its label)."""
        columns = self._columns
        per_clinic = {c.name: 0 for c in columns.clinics}
        names = [c.name for c in columns.clinics]
        for i in columns.chosen[columns.chosen >= 0].tolist():
            per_clinic[names[i]] += 1
        per_error: dict[str, int] = {}
        for error in columns.errors:
            if error:
                per_error[error.label] = per_error.get(error.label, 0) + 1
        return per_clinic, per_error

    def table(self) -> list[dict]:
        """The list as a spreadsheet: one row per query, in the order given, keyed by :data:`COLUMNS`.

        Miles and Km are numbers (rounded to 2 places) or ``None`` for a row
        that could not be located; Error is the sentence saying why, else ``""``.
        """
        columns = self._columns
        clinics = columns.clinics
        contacts: dict = {}
        table: list[dict[str, Any]] = []
        chosen = columns.chosen.tolist()
        for i, query in enumerate(columns.queries):
            error = columns.errors[i]
            c = chosen[i]
            if error is not None or c < 0:
                table.append({"Query": readable(query), "Postcode": "", "Precision": "", "Nearest clinic": "",
                              "Miles": None, "Km": None, "Phone": "", "Email": "",
                              "Error": error.message if error else ""})
                continue
            located = columns.located[i]
            region = located.region if located else Region.GREAT_BRITAIN
            contact = contacts.get((c, region))
            if contact is None:
                contact = contacts[(c, region)] = contact_for(clinics[c], region)
            metres = float(columns.metres[i, c])
            table.append({
                "Query": query,
                "Postcode": located.normalised if located else columns.normalised[i],
                "Precision": located.precision.value if located else Precision.POSTCODE.value,
                "Nearest clinic": clinics[c].name,
                "Miles": round(metres / METRES_PER_MILE, 2),
                "Km": round(metres / 1000, 2),
                "Phone": contact.phone_dial,
                "Email": contact.email,
                "Error": "",
            })
        return table


def answer_list(locator: Locator, queries: Iterable[str], *,
                on_progress: Callable[[int, int], None] | None = None, chunk: int = CHUNK) -> AnswerList:
    """Answer every query in order; row ``i`` is exactly what ``locator.lookup(queries[i])`` gives.

    A query that fails gets its error in its own row and never stops the
    others. The list is answered ``chunk`` rows at a time, and
    ``on_progress(done, total)`` is called after each chunk. Full GB unit
    postcodes (most of any real list) are located and routed a whole column
    at a time; every other row goes through the same parse and locate stages
    as a single lookup.
    """
    columns = _Columns.empty(list(queries), locator.clinics)
    n = len(columns.queries)
    for start in range(0, n, chunk):
        _answer_rows(locator, columns, start, min(start + chunk, n))
        if on_progress:
            on_progress(min(start + chunk, n), n)
    return AnswerList(columns)


def _answer_rows(locator: Locator, answers: _Columns, start: int, stop: int) -> None:
    """Fill rows ``start:stop`` of ``answers``: parse, locate, route (contacts are looked up per row when read)."""
    index = locator.index
    keys = [unit_key(q) for q in answers.queries[start:stop]]
    rows = index.find_units(np.array([k or "" for k in keys], dtype="S7"))
    is_unit = rows >= 0
    is_unit[is_unit] = index.unit_e[rows[is_unit]] > 0
    lat, lon = answers.lat[start:stop], answers.lon[start:stop]  # views: filling them fills the columns
    lat[is_unit], lon[is_unit] = locate_unit_rows(index, rows[is_unit])
    for i in np.flatnonzero(is_unit).tolist():
        key = keys[i] or ""  # a unit row: its key was found
        answers.normalised[start + i] = f"{key[:-3]} {key[-3:]}"
    regions: list[Region | None] = [Region.GREAT_BRITAIN if u else None for u in is_unit.tolist()]
    for i in np.flatnonzero(~is_unit).tolist():
        try:
            location = locator.locate(answers.queries[start + i])
        except LocatorError as exc:
            answers.errors[start + i] = exc
            continue
        lat[i], lon[i] = location.lat, location.lon
        regions[i] = location.region
        answers.located[start + i] = location
    found = ~np.isnan(lat)
    if found.any():
        chosen, metres = locator.router.route_many(lat[found], lon[found], [r for r in regions if r is not None])
        answers.chosen[start:stop][found] = chosen
        answers.metres[start:stop][found] = metres


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
