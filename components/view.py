"""The UI's one door to the core: what a page asks, and the plain values and typed outcomes it gets back.

Pages and components never call the core, hold its types or catch its
errors. They ask here, with what was typed or the device's position, and get
one of a small closed set of frozen values to draw: a search is
:class:`Answered`, a :class:`SearchProblem` or a :class:`LocationProblem`; a
list is :class:`ListQueries` then a :class:`ListResult`, or a
:class:`ListRefused`; something the page needs is loaded, or
:class:`Unavailable`. The core's wording (``locator.messages``) is the one
part of it the UI reads directly. Everything here is pure: no Streamlit.

A page's search is counted for the metrics (``web.metrics``) here, where it
is answered (the app's page and the plain page for browsers without
JavaScript); the desk's lookups are not counted. See docs/adr/0025.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from locator import Locator, LocatorError, bulk, map_layers, messages
from locator.answer import Answer
from locator.bulk import AnswerList, to_csv_bytes
from locator.clinics import Clinic
from locator.contacts import home_contact
from locator.errors import MapDataError
from locator.model import Location
from locator.position import device_failure
from locator.sources import Source, sources
from locator.treatment import Section, load_sections
from web.metrics import PAGE, counted_search

__all__ = [
    "COLUMNS", "MAX_ROWS", "MAX_UPLOAD_MB", "PROGRESS_AFTER", "AnswerCard", "Answered", "ClinicPin",
    "DevicePosition", "DistanceLine", "ListQueries", "ListRefused", "ListResult", "LocationProblem", "Locator",
    "SearchOutcome", "SearchPin", "SearchProblem", "Unavailable", "answer_card", "answer_list", "attempt",
    "built_map_layers", "clinic_pins", "credits", "distance_rows", "look_up", "map_tiles", "map_unavailable",
    "open_locator", "postcodes_release", "precision_caption", "read_list", "readout", "search", "search_pin",
    "treatment_sections",
]

T = TypeVar("T")

#: A list's limits and its table's columns, as the core sets them.
MAX_ROWS = bulk.MAX_ROWS
MAX_UPLOAD_MB = bulk.MAX_UPLOAD_MB
COLUMNS = bulk.COLUMNS
#: A list longer than this is answered in steps, so there is progress to show.
PROGRESS_AFTER = bulk.CHUNK


# ------------------------------------------------------------------ what the components draw


@dataclass(frozen=True, slots=True)
class ClinicPin:
    """One clinic as the map and the clinic list show it.

    ``address`` is the address lines in order; ``lat``/``lon`` WGS84 degrees;
    ``phone_display`` the number as dialled within the clinic's own country
    (``0800 783 6106``); ``phone_tel`` the ``tel:`` link (``tel:+448007836106``).
    """

    id: str
    name: str
    address: tuple[str, ...]
    lat: float
    lon: float
    phone_display: str
    phone_tel: str
    email: str


@dataclass(frozen=True, slots=True)
class SearchPin:
    """A search as the map shows it.

    ``label`` is what the person searched for, shown as typed (it is
    escaped, never run as HTML); ``clinic_id`` the ``id`` of the clinic the
    search chose.
    """

    lat: float
    lon: float
    label: str
    clinic_id: str


@dataclass(frozen=True, slots=True)
class DistanceLine:
    """One clinic in the answer card's list of distances."""

    name: str
    miles: float
    km: float
    chosen: bool
    serves_you: bool


@dataclass(frozen=True)
class AnswerCard:
    """The answer to a search as the answer card shows it.

    ``searched`` is the search as it was read (``SL6 8DG``); ``caption`` says
    how roughly it was located (``None`` for a full postcode); ``note`` and
    ``alternatives`` are the core's, drawn as plain text; ``miles``/``km`` are
    to the chosen clinic; ``phone_dial`` is what this caller dials;
    ``region_name`` is where the search is ("Northern Ireland");
    ``address_line`` is ``address`` on one line, as staff read it out.
    """

    clinic_name: str
    searched: str
    caption: str | None
    note: str | None
    alternatives: tuple[str, ...]
    miles: float
    km: float
    phone_dial: str
    tel_uri: str
    email: str
    mailto_uri: str
    address: tuple[str, ...]
    address_line: str
    directions_url: str
    region_name: str
    distances: tuple[DistanceLine, ...]


@dataclass(frozen=True)
class ListResult:
    """One list's answer, as the desk shows and downloads it.

    ``source`` says what produced it ("paste" or "upload"); ``rows`` are the
    table rows (:data:`COLUMNS`); ``per_clinic`` counts rows by clinic name,
    ``per_error`` failed rows by kind of problem; ``csv`` is the download.
    """

    source: str
    rows: list[dict]
    per_clinic: dict[str, int]
    per_error: dict[str, int]
    csv: bytes


def clinic_pins(clinics: Iterable[Clinic]) -> list[ClinicPin]:
    """Every clinic, in file order, with its number as dialled at home."""
    pins = []
    for clinic in clinics:
        contact = home_contact(clinic)
        pins.append(ClinicPin(clinic.id, clinic.name, tuple(clinic.address), clinic.lat, clinic.lon,
                              contact.phone_dial, contact.tel_uri, contact.email))
    return pins


def search_pin(answer: Answer) -> SearchPin:
    """Where the answer's search is, labelled as it was read, and which clinic it chose."""
    location = answer.location
    return SearchPin(location.lat, location.lon, location.normalised, answer.clinic.id)


def precision_caption(location: Location) -> str | None:
    """What to say about how precisely a search was located (nothing for a full postcode)."""
    return messages.PRECISION_CAPTIONS.get(location.precision.value)


def answer_card(answer: Answer) -> AnswerCard:
    clinic, contact, location = answer.clinic, answer.contact, answer.location
    return AnswerCard(
        clinic_name=clinic.name, searched=location.normalised, caption=precision_caption(location),
        note=location.note, alternatives=location.alternatives, miles=answer.distance.miles,
        km=answer.distance.km, phone_dial=contact.phone_dial, tel_uri=contact.tel_uri, email=contact.email,
        mailto_uri=contact.mailto_uri, address=tuple(clinic.address), address_line=clinic.address_line,
        directions_url=clinic.directions_url, region_name=location.region.label,
        distances=tuple(DistanceLine(d.clinic.name, d.miles, d.km, d.clinic.id == clinic.id, d.serves_you)
                        for d in answer.distances),
    )


def readout(card: AnswerCard) -> str:
    """The sentence call-centre staff read out to the caller."""
    return messages.readout(card.searched, card.clinic_name, card.address_line, card.miles, card.phone_dial,
                            card.email)


def distance_rows(card: AnswerCard) -> list[dict]:
    """Every clinic, nearest first, as the desk's table: miles and km to one decimal, and whether it takes the caller."""
    return [{"Clinic": d.name, "Miles": round(d.miles, 1), "Km": round(d.km, 1),
             "Takes this caller": "Yes" if d.serves_you else "No (another country)"} for d in card.distances]


# ------------------------------------------------------------------ one search


@dataclass(frozen=True, slots=True)
class DevicePosition:
    """A device's position, already rounded by the browser: WGS84 degrees, and its accuracy in metres."""

    lat: float
    lon: float
    accuracy_m: float | None


@dataclass(frozen=True, slots=True)
class Answered:
    """A search the core answered: the card to draw, and the pin the map adds."""

    card: AnswerCard
    pin: SearchPin


@dataclass(frozen=True, slots=True)
class SearchProblem:
    """What was typed could not be answered: the core's message (what was wrong, and what a good search
    looks like), and the searches it suggests instead (maybe none)."""

    message: str
    suggestions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LocationProblem:
    """"Use my location" gave no answer (refused, unavailable, timed out, at sea): why, and to type instead."""

    message: str


SearchOutcome = Answered | SearchProblem | LocationProblem


def search(locator: Locator, query: str, device: DevicePosition | str | None = None) -> SearchOutcome | None:
    """A patient's search: the device's position when there is one (``device`` is the position, or why the
    device gave none: "denied", "unavailable", "timeout"), else what was typed; None when neither.

    Counted for the metrics as a page's search (``web.metrics``), the position and the text never in them.
    """
    if isinstance(device, DevicePosition):
        try:
            answer = counted_search(PAGE, locator.lookup_position, device.lat, device.lon, device.accuracy_m)
        except LocatorError as exc:
            return LocationProblem(exc.message)
        return Answered(answer_card(answer), search_pin(answer))
    if device:
        return LocationProblem(device_failure(device).message)
    return look_up(locator, query, counted_as=PAGE) if query else None


def look_up(locator: Locator, query: str, counted_as: str | None = None) -> Answered | SearchProblem:
    """What was typed, answered. ``counted_as`` is the page a counted search comes from (``web.metrics``:
    ``page``, ``plain``); the desk's lookups are not counted."""
    try:
        answer = counted_search(counted_as, locator.lookup, query) if counted_as else locator.lookup(query)
    except LocatorError as exc:
        return SearchProblem(exc.message, tuple(exc.suggestions))
    return Answered(answer_card(answer), search_pin(answer))


# ------------------------------------------------------------------ a list


@dataclass(frozen=True, slots=True)
class ListQueries:
    """A list read and ready to answer: where it came from ("paste" or "upload") and its queries, in order."""

    source: str
    queries: tuple[str, ...]


@dataclass(frozen=True)
class ListRefused:
    """A list that was not looked up at all (too long, not a CSV), and why."""

    source: str
    message: str


def read_list(source: str, given: str | bytes) -> ListQueries | ListRefused:
    """A pasted list (``str``, one query a line) or an uploaded file's bytes (CSV), read into its queries."""
    try:
        queries = bulk.read_queries_text(given) if isinstance(given, str) else bulk.read_queries_csv(given)
    except LocatorError as exc:
        return ListRefused(source, exc.message)
    return ListQueries(source, tuple(queries))


def answer_list(locator: Locator, queries: ListQueries,
                on_progress: Callable[[int, int], None] | None = None) -> ListResult:
    """Every query of the list answered in order, one bad one never losing the others.

    ``on_progress(done, total)`` is called after each step of :data:`PROGRESS_AFTER` rows.
    """
    return list_result(queries.source, bulk.answer_list(locator, queries.queries, on_progress=on_progress))


def list_result(source: str, answers: AnswerList) -> ListResult:
    """A list's answers as the desk shows them: table rows, counts and the CSV download."""
    table = answers.table()
    per_clinic, per_error = answers.counts()
    return ListResult(source, table, per_clinic, per_error, to_csv_bytes(table))


# ------------------------------------------------------------------ what a page loads


@dataclass(frozen=True, slots=True)
class Unavailable:
    """Something a page needs could not be loaded: ``message`` for the page; ``kind`` and ``detail`` (which
    file, which command fixes it) for the operator's log only."""

    message: str
    kind: str
    detail: str | None


def attempt(load: Callable[[], T]) -> T | Unavailable:
    """``load()``'s value, or why it could not be loaded."""
    try:
        return load()
    except LocatorError as exc:
        return Unavailable(exc.message, type(exc).__name__, exc.detail)


def open_locator() -> Locator:
    """The postcode index and the clinics (``python -m locator.build`` builds the index).

    Raises the core's error when they cannot be loaded (:func:`attempt` turns it into :class:`Unavailable`).
    """
    return Locator.load()


def postcodes_release(locator: Locator) -> str:
    """The Code-Point Open release the index was built from."""
    return locator.index.release


def treatment_sections() -> tuple[Section, ...]:
    """The clinics' patient information, section by section (``data/treatment``)."""
    return load_sections()


def credits() -> tuple[Source, ...]:
    """Every dataset behind the answers, with its attribution and licence."""
    return sources()


def built_map_layers(locator: Locator) -> dict[str, Any]:
    """Who goes where, as built with the index (``python -m locator.build``); OSError or ValueError if not."""
    return map_layers.load(locator=locator)


def map_tiles() -> map_layers.Tiles | None:
    """The operator's map tiles, if ``data/map.toml`` sets them whole and valid; OSError or ValueError if not."""
    return map_layers.tiles()


def map_unavailable(detail: str) -> MapDataError:
    """The error for a map that cannot be drawn: a plain sentence for the page, ``detail`` for the log."""
    return MapDataError(messages.MAP_UNAVAILABLE, detail=detail)
