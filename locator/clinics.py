"""The clinics, read from ``data/clinics.toml``: the only place their details live.

A :class:`Clinic` is complete once loaded: its phone number parses and is
valid for its country, its email is an address, it serves known regions and
it has a position (from the index, which places each clinic's ``locate_by``
when it is built). Anything wrong is a :class:`ClinicDataError` at load,
naming the clinic and the field, never a surprise when a page is drawn.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import phonenumbers

from locator import messages
from locator.errors import ClinicDataError
from locator.model import Region
from locator.reference import DATA_DIR

CLINICS_TOML = DATA_DIR / "clinics.toml"
CLINICS_PATH_ENV = "CLINIC_LOCATOR_CLINICS"
_REQUIRED = ("id", "name", "address", "locate_by", "phone", "email", "region", "serves")
# An address that makes a safe mailto: link: no spaces, quotes, markup or URL syntax around the @.
EMAIL_ADDRESS = re.compile(r"[^@\s<>\"'`\\?#/:]+@[^@\s<>\"'`\\?#/:]+\.[^@\s<>\"'`\\?#/:]+")


@dataclass(frozen=True, slots=True)
class Clinic:
    """One clinic as its own web page gives it.

    ``phone`` is the number as the page writes it and ``region`` the country
    it belongs to (Great Britain or Ireland), which is what phonenumbers
    needs to read it. ``serves`` are the regions whose patients it takes.
    ``lat``/``lon`` are WGS84 degrees, where the index placed ``locate_by``
    (a postcode or a place name).
    """

    id: str
    name: str
    address: tuple[str, ...]
    locate_by: str
    phone: str
    email: str
    region: Region
    serves: frozenset[Region]
    lat: float
    lon: float

    @property
    def address_line(self) -> str:
        """The address on one line, as read out or put in a spreadsheet."""
        return ", ".join(self.address)

    @property
    def directions_url(self) -> str:
        """A Google Maps directions link with this clinic as destination (no API key needed)."""
        return "https://www.google.com/maps/dir/?api=1&destination=" + quote(self.address_line)


@dataclass(frozen=True, slots=True)
class Site:
    """What the index needs of a clinic to place it: its id, name and ``locate_by``."""

    id: str
    name: str
    locate_by: str


def clinics_path() -> Path:
    """The clinics file: ``$CLINIC_LOCATOR_CLINICS`` or ``data/clinics.toml``."""
    return Path(os.environ.get(CLINICS_PATH_ENV) or CLINICS_TOML)


def read_sites(path: Path) -> tuple[Site, ...]:
    """Each clinic's id, name and ``locate_by``, in file order (the index places them)."""
    return tuple(Site(r["id"], r["name"], r["locate_by"]) for r in _records(path))


def emails(path: Path) -> tuple[str, ...]:
    """The clinics' distinct email addresses, in file order (for people outside coverage, who can only write)."""
    return tuple(dict.fromkeys(r["email"] for r in _records(path)))


def load_clinics(path: Path, positions: Mapping[str, tuple[float, float]]) -> tuple[Clinic, ...]:
    """Read and check the clinics in file order (the order breaks exact distance ties).

    ``positions`` maps each clinic id to its (lat, lon), as the index placed
    it. Raises :class:`ClinicDataError` for a missing field, a number that is
    not a valid phone number in the clinic's country, an email that is not
    an address, an unknown region, a repeated id or a clinic with no position.
    """
    clinics = []
    for r in _records(path):
        where = f"The {r['name']!r} clinic in {path}"
        try:
            region, serves = Region(r["region"]), frozenset(Region(s) for s in r["serves"])
        except ValueError as exc:
            raise _bad(f"{where}: {exc}; regions are {', '.join(x.value for x in Region)}.") from exc
        try:
            number = phonenumbers.parse(r["phone"], region.dial_region)
        except phonenumbers.NumberParseException as exc:
            raise _bad(f"{where}: phone {r['phone']!r} is not a phone number ({exc}).") from exc
        if not phonenumbers.is_valid_number(number):
            raise _bad(f"{where}: phone {r['phone']!r} is not a valid number in {region.label}.")
        if not EMAIL_ADDRESS.fullmatch(r["email"]):
            raise _bad(f"{where}: {r['email']!r} is not an email address.")
        lat, lon = positions.get(r["id"], (math.nan, math.nan))
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise _bad(f"{where} has no position: rebuild the index with `python -m locator.build`.")
        clinics.append(Clinic(
            id=r["id"], name=r["name"], address=tuple(r["address"]), locate_by=r["locate_by"], phone=r["phone"],
            email=r["email"], region=region, serves=serves, lat=float(lat), lon=float(lon),
        ))
    ids = [c.id for c in clinics]
    if len(set(ids)) != len(ids):
        raise _bad(f"The clinic ids in {path} must be unique, got {ids}.")
    return tuple(clinics)


def _records(path: Path) -> list[dict]:
    try:
        with open(path, "rb") as f:
            records = tomllib.load(f)["clinic"]
    except (OSError, KeyError, tomllib.TOMLDecodeError) as exc:
        raise _bad(f"The clinic list {path} could not be read ({exc!r}).") from exc
    if not records:
        raise _bad(f"The clinic list {path} names no clinic.")
    for i, r in enumerate(records, 1):
        missing = [k for k in _REQUIRED if not r.get(k)]
        if missing:
            raise _bad(f"Clinic {i} in {path} has no {', '.join(missing)}.")
    return records


def _bad(detail: str) -> ClinicDataError:
    return ClinicDataError(messages.SERVICE_UNAVAILABLE, detail=detail)
