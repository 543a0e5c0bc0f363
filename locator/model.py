"""The typed values passed between the core's stages."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from locator import messages


class Region(str, enum.Enum):
    """Where a location is, as far as routing and dialling care.

    Great Britain is one region; Northern Ireland is separate because its
    patients go to Dublin. ``dial_region`` is the ISO code phonenumbers uses
    for a caller there.
    """

    GREAT_BRITAIN = "GB"
    NORTHERN_IRELAND = "NI"
    IRELAND = "IE"
    ISLE_OF_MAN = "IM"
    JERSEY = "JE"
    GUERNSEY = "GG"

    @property
    def dial_region(self) -> str:
        return "GB" if self is Region.NORTHERN_IRELAND else self.value

    @property
    def label(self) -> str:
        return messages.REGION_NAMES[self.value]

    @classmethod
    def of_postcode_area(cls, area: str) -> Region:
        """The region a UK postcode area is in: ``BT`` is Northern Ireland, ``GY`` Guernsey, and so on."""
        return _AREA_REGIONS.get(area, cls.GREAT_BRITAIN)


# The only UK postcode areas outside Great Britain.
_AREA_REGIONS = {"BT": Region.NORTHERN_IRELAND, "IM": Region.ISLE_OF_MAN, "JE": Region.JERSEY,
                 "GY": Region.GUERNSEY}


class Precision(str, enum.Enum):
    """How finely a query was located, finest first (``device``: a device's own position, "Use my location")."""

    DEVICE = "device"
    POSTCODE = "postcode"
    SECTOR = "sector"
    DISTRICT = "district"
    PLACE = "place"
    AREA = "area"


@dataclass(frozen=True, slots=True)
class Location:
    """A located query.

    ``lat``/``lon`` are WGS84 degrees. ``normalised`` is the query in its
    standard written form (``SL6 8DG``, ``D18 X5K7``, ``Reading``). ``note``
    explains anything a person should know about how it was located (a
    fallback, an approximation, an ambiguity); ``alternatives`` lists other
    things the query could have meant, as queries that would select them.
    """

    lat: float
    lon: float
    region: Region
    precision: Precision
    normalised: str
    note: str | None = None
    alternatives: tuple[str, ...] = ()
