"""The clinics, read from ``data/clinics.toml``: the only place their details live."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from locator.errors import IndexUnavailable
from locator.model import Region
from locator.reference import DATA_DIR

CLINICS_TOML = DATA_DIR / "clinics.toml"


@dataclass(frozen=True, slots=True)
class Clinic:
    """One clinic as its own web page gives it.

    ``phone`` is the number as the page writes it and ``region`` the country
    it belongs to (``GB`` or ``IE``), which is what phonenumbers needs to
    read it. ``serves`` are the regions whose patients it takes. ``lat`` and
    ``lon`` (WGS84 degrees) are filled in by the locator from ``locate_by``;
    they are ``nan`` until then.
    """

    id: str
    name: str
    address: tuple[str, ...]
    postcode: str
    locate_by: str
    phone: str
    email: str
    country: str
    region: str
    serves: frozenset[Region]
    lat: float = float("nan")
    lon: float = float("nan")

    @property
    def address_line(self) -> str:
        """The address on one line, as read out or put in a spreadsheet."""
        return ", ".join(self.address)

    @property
    def directions_url(self) -> str:
        """A Google Maps directions link with this clinic as destination (no API key needed)."""
        return "https://www.google.com/maps/dir/?api=1&destination=" + quote(self.address_line)


def load_clinics(path: Path = CLINICS_TOML) -> tuple[Clinic, ...]:
    """Read the clinics in file order (the order breaks exact distance ties)."""
    try:
        with open(path, "rb") as f:
            records = tomllib.load(f)["clinic"]
        return tuple(
            Clinic(
                id=r["id"], name=r["name"], address=tuple(r["address"]), postcode=r["postcode"],
                locate_by=r["locate_by"], phone=r["phone"], email=r["email"], country=r["country"],
                region=r["region"], serves=frozenset(Region(s) for s in r["serves"]),
            )
            for r in records
        )
    except (OSError, KeyError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise IndexUnavailable(f"The clinic list {path} could not be read ({exc!r}).") from exc
