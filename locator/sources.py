"""The datasets behind every answer, with the attribution their licences ask for."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass

from locator.reference import DATA_DIR

SOURCES_TOML = DATA_DIR / "sources.toml"


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    use: str
    licence: str
    licence_url: str
    attribution: str


@functools.cache
def sources() -> tuple[Source, ...]:
    """Every dataset, in the order ``data/sources.toml`` lists them."""
    with open(SOURCES_TOML, "rb") as f:
        return tuple(Source(**record) for record in tomllib.load(f)["source"])
