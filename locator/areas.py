"""Areas larger than a town: counties, islands, the nations (``data/areas.csv``).

In this code an *area* is always one of these, a place a person names
(``Shropshire``, ``Holy Island``, ``Wales``); the one or two letters that
start a postcode (``SL``) are a *postcode area*, always called so.

The table says which postcodes each area covers; where it is comes from the
postcode data when the index is built (:mod:`locator.build.areas` places
them). Here: the table's rows, and an :class:`Area` as the index holds it.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass

from locator import reference
from locator.model import Region
from locator.text import fold

AREAS_CSV = reference.DATA_DIR / "areas.csv"
KINDS = ("county", "region", "island", "islands", "nation", "state")


@dataclass(frozen=True, slots=True)
class AreaRecord:
    """One row of ``data/areas.csv``: names (the first is shown), kind, the area it is part of, codes."""

    names: tuple[str, ...]
    kind: str
    within: str
    codes: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.names[0]


@dataclass(frozen=True, slots=True)
class Area:
    """An area as located at build time.

    ``lat``/``lon`` (WGS84 degrees) are those of ``at``, the postcode (or
    district or routing key) it stands at; ``size`` counts the postcodes it
    covers and ranks areas that share a name; ``regions`` lists every region
    its codes reach (the United Kingdom reaches GB and NI), ``region`` the one
    its point is in.
    """

    name: str
    kind: str
    folded_names: tuple[str, ...]
    lat: float
    lon: float
    region: Region
    at: str
    size: int
    regions: tuple[Region, ...]
    namesakes: tuple[Namesake, ...] = ()

    def to_row(self) -> list:
        """The JSON-ready row the index stores."""
        return [self.name, self.kind, list(self.folded_names), self.lat, self.lon, self.region.value, self.at,
                self.size, [r.value for r in self.regions],
                [[n.name, n.description, n.near, n.population] for n in self.namesakes]]

    @classmethod
    def from_row(cls, row: Sequence) -> Area:
        name, kind, folded, lat, lon, region, at, size, regions, namesakes = row
        return cls(name, kind, tuple(folded), lat, lon, Region(region), at, size,
                   tuple(Region(r) for r in regions), tuple(Namesake(*n) for n in namesakes))


@dataclass(frozen=True, slots=True)
class Namesake:
    """A town or village elsewhere with one of an area's names (Wales, a village near Sheffield)."""

    name: str
    description: str
    near: str
    population: int


@functools.cache
def records() -> tuple[AreaRecord, ...]:
    """Every row of ``data/areas.csv`` (lines starting ``#`` are comments)."""
    text = AREAS_CSV.read_text(encoding="utf-8")
    rows = csv.DictReader(io.StringIO("".join(line for line in text.splitlines(keepends=True)
                                              if not line.startswith("#"))))
    out = []
    for row in rows:
        record = AreaRecord(
            names=tuple(n.strip() for n in row["names"].split(";") if n.strip()),
            kind=row["kind"].strip(),
            within=row["within"].strip(),
            codes=tuple(c.strip() for c in row["codes"].split(";") if c.strip()),
        )
        if record.kind not in KINDS:
            raise ValueError(f"{AREAS_CSV.name}: {record.name}: kind must be one of {', '.join(KINDS)}")
        out.append(record)
    return tuple(out)


def by_name(areas: Sequence[Area]) -> dict[str, tuple[Area, ...]]:
    """Every area under each of its folded names, largest first (three islands are called Holy Island)."""
    named: dict[str, list[Area]] = {}
    for area in sorted(areas, key=lambda a: -a.size):
        for name in area.folded_names:
            named.setdefault(name, []).append(area)
    return {name: tuple(hits) for name, hits in named.items()}


@functools.cache
def folded_names() -> frozenset[str]:
    """The folded names of every row of the table (the parser knows these as areas)."""
    return frozenset(fold(name) for row in records() for name in row.names)
