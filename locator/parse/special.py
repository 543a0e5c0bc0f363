"""Postcodes that are real, or were, but do not say where a person is.

Read from ``data/special_postcodes.toml``:

* named special postcodes (``GIR 0AA``, ``XM4 5HQ``, the banks' ``BX`` codes),
  each with what it is and, where its addressee has a real place, a live
  sector or district to answer from;
* non-geographic postcode areas (``BX``, ``XX``), where no postcode is a place;
* retired districts (``AB1``–``AB5``), with when they went and the post towns
  they served; what replaced them is read from the district list.

The parser (:mod:`locator.parse`) asks here only about text shaped like a
postcode, so place names are never mistaken for one.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass

from locator import reference
from locator.reference import DATA_DIR

SPECIAL_TOML = DATA_DIR / "special_postcodes.toml"


@dataclass(frozen=True, slots=True)
class SpecialPostcode:
    """A named postcode: how it is written, what it is, and where it really is (``at``), if anywhere."""

    code: str
    what: str
    at: str | None


@dataclass(frozen=True, slots=True)
class RetiredDistrict:
    """A district that no longer exists: when it went, its post towns and the districts they have now."""

    district: str
    retired: str
    post_towns: tuple[str, ...]
    current: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Table:
    codes: dict[str, SpecialPostcode]
    postcode_areas: dict[str, str]  # non-geographic postcode area -> what it is for
    retired: dict[str, RetiredDistrict]


@functools.cache
def _table() -> _Table:
    with open(SPECIAL_TOML, "rb") as f:
        data = tomllib.load(f)
    codes = {}
    for record in data["special"]:
        for code in record["codes"]:
            codes[code.replace(" ", "")] = SpecialPostcode(code, record["what"], record.get("at"))
    districts = reference.districts().values()
    retired = {}
    for record in data["retired"]:
        towns = tuple(record["post_towns"])
        # Districts numbered from 90 are for post only (AB99, CF99): no one's address moved there.
        current = tuple(d.code for d in districts if set(d.post_towns) & set(towns) and _number(d.code) < 90)
        for district in record["districts"]:
            retired[district] = RetiredDistrict(district, record["retired"], towns, current)
    return _Table(codes, {r["area"]: r["what"] for r in data["area"]}, retired)


def _number(district: str) -> int:
    return int("".join(c for c in district[1:] if c.isdigit()))


def named(compact: str) -> SpecialPostcode | None:
    """The special postcode ``compact`` (capitals, no spaces: ``GIR0AA``) is, or ``None``."""
    return _table().codes.get(compact)


def non_geographic_area(area: str) -> str | None:
    """What the postcode area ``area`` is, if it is a non-geographic one (``BX``); else ``None``."""
    return _table().postcode_areas.get(area)


def retired(district: str) -> RetiredDistrict | None:
    """The retired district ``district`` (``AB1``), or ``None``."""
    return _table().retired.get(district)
