"""Small reference tables kept in ``data/``: postcode districts and Eircode routing keys.

They say which codes exist and which post town each serves; coordinates come
from the postcode index. Both are read once per process.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from locator.text import fold

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# The letters an Eircode uses, both for a routing key's first character and in its last four.
EIRCODE_LETTERS = "ACDEFHKNPRTVWXY"
EIRCODE_CHARACTERS = "0123456789" + EIRCODE_LETTERS
DISTRICTS_CSV = DATA_DIR / "postcode_districts.csv"
ROUTING_KEYS_CSV = DATA_DIR / "eircode_routing_keys.csv"


@dataclass(frozen=True, slots=True)
class District:
    """A UK postcode district (``SL6``, ``BT1``, ``JE2``) and its post towns."""

    code: str
    postcode_area: str
    post_towns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RoutingKey:
    """An Eircode routing key (``D18``) with its post town and county."""

    code: str
    post_town: str
    county: str


@functools.cache
def districts() -> dict[str, District]:
    """Every UK postcode district, keyed by its code."""
    with DISTRICTS_CSV.open(newline="", encoding="utf-8") as f:
        return {
            row["district"]: District(
                row["district"], row["area"], tuple(t.strip() for t in row["post_towns"].split(";"))
            )
            for row in csv.DictReader(f)
        }


def postcode_area_of(outward: str) -> str:
    """The postcode area of an outward code or district: ``SL6`` → ``SL``, ``W1G`` → ``W``, ``EC1A`` → ``EC``."""
    return outward[:2] if outward[1:2].isalpha() else outward[:1]


@functools.cache
def postcode_areas() -> frozenset[str]:
    """Every UK postcode area (``SL``, ``W``, ``BT``)."""
    return frozenset(d.postcode_area for d in districts().values())


@functools.cache
def routing_keys() -> dict[str, RoutingKey]:
    """The 139 Eircode routing keys, keyed by code."""
    with ROUTING_KEYS_CSV.open(newline="", encoding="utf-8") as f:
        return {
            row["routing_key"]: RoutingKey(row["routing_key"], row["post_town"], row["county"])
            for row in csv.DictReader(f)
        }


@functools.cache
def routing_key_by_post_town() -> dict[str, str]:
    """Each Eircode routing key under its post town's folded name (``dublin 18`` → ``D18``)."""
    return {fold(key.post_town): code for code, key in routing_keys().items()}


@functools.cache
def post_town_by_routing_key() -> dict[str, str]:
    """Each Eircode routing key with its post town (``D18`` → ``Dublin 18``)."""
    return {code: key.post_town for code, key in routing_keys().items()}
