"""The one boundary between the core and the components: core values in, what a component draws out.

Components take these plain values (map pins, list items, table rows,
sentences) and draw them; they never reach into the core's types or into
each other's. Everything here is pure: no Streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from locator import messages
from locator.answer import Answer
from locator.bulk import AnswerList, to_csv_bytes
from locator.clinics import Clinic
from locator.contacts import home_contact
from locator.model import Location


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


@dataclass(frozen=True)
class ListResult:
    """One list's answer, as the desk shows and downloads it.

    ``source`` says what produced it ("paste" or "upload"); ``rows`` are the
    table rows (:data:`locator.bulk.COLUMNS`); ``per_clinic`` counts rows by
    clinic name, ``per_error`` failed rows by kind of problem; ``csv`` is the
    download.
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


def readout(answer: Answer) -> str:
    """The sentence call-centre staff read out to the caller."""
    return messages.readout(answer.location.normalised, answer.clinic.name, answer.clinic.address_line,
                            answer.distance.miles, answer.contact.phone_dial, answer.contact.email)


def distance_rows(answer: Answer) -> list[dict]:
    """Every clinic, nearest first, as the desk's table: miles and km to one decimal, and whether it takes the caller."""
    return [{"Clinic": d.clinic.name, "Miles": round(d.miles, 1), "Km": round(d.km, 1),
             "Takes this caller": "Yes" if d.serves_you else "No (another country)"} for d in answer.distances]


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
    ``region_name`` is where the search is ("Northern Ireland").
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
    directions_url: str
    region_name: str
    distances: tuple[DistanceLine, ...]


def answer_card(answer: Answer) -> AnswerCard:
    clinic, contact, location = answer.clinic, answer.contact, answer.location
    return AnswerCard(
        clinic_name=clinic.name, searched=location.normalised, caption=precision_caption(location),
        note=location.note, alternatives=location.alternatives, miles=answer.distance.miles,
        km=answer.distance.km, phone_dial=contact.phone_dial, tel_uri=contact.tel_uri, email=contact.email,
        mailto_uri=contact.mailto_uri, address=tuple(clinic.address), directions_url=clinic.directions_url,
        region_name=location.region.label,
        distances=tuple(DistanceLine(d.clinic.name, d.miles, d.km, d.clinic.id == clinic.id, d.serves_you)
                        for d in answer.distances),
    )


def list_result(source: str, answers: AnswerList) -> ListResult:
    """A list's answers as the desk shows them: table rows, counts and the CSV download."""
    rows = answers.rows()
    per_clinic, per_error = answers.counts()
    return ListResult(source, rows, per_clinic, per_error, to_csv_bytes(rows))
