"""The locator: text in, located and routed answer out, one query or a hundred thousand."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from locator import index as index_module
from locator import reference
from locator.answer import Answer, ClinicDistance
from locator.clinics import CLINICS_TOML, Clinic, load_clinics
from locator.contacts import contact_for
from locator.distances import distances_m
from locator.errors import IndexUnavailable, LocatorError, NotLocatable
from locator.index import PostcodeIndex, bng_to_wgs84, release_of
from locator.model import Location, Precision, Region
from locator.places import Place, PlaceIndex, describe_others, fold_all
from locator.postcodes import MAX_QUERY_LENGTH, Eircode, PlaceName, QueryParser, UKPostcode
from locator.routing import choose, eligibility
from locator.text import fold


class Locator:
    """Parses, locates and routes queries against one loaded index and clinic list."""

    def __init__(self, index: PostcodeIndex, clinics: Sequence[Clinic]) -> None:
        self.index = index
        tables = index.tables
        self._sectors: dict = tables["sectors"]
        self._districts: dict = tables["districts"]
        self._districts_by_town: dict = tables["districts_by_town"]
        self._areas: dict = tables["areas"]
        self._routing: dict = tables["routing_keys"]
        known_districts = set(reference.districts()) | set(tables["all_districts"])
        self.parser = QueryParser(
            known_districts, reference.areas(),
            {code: key.post_town for code, key in reference.routing_keys().items()},
        )
        self.places = PlaceIndex(tables["places"], self._post_town_places(),
                                 {fold(k.post_town): code for code, k in reference.routing_keys().items()})
        self._eligible = eligibility(clinics)
        self.clinics: tuple[Clinic, ...] = tuple(self._place_clinic(c) for c in clinics)
        self._clinic_lats = np.array([c.lat for c in self.clinics])
        self._clinic_lons = np.array([c.lon for c in self.clinics])

    @classmethod
    def load(cls, index_path: Path | None = None, clinics_path: Path = CLINICS_TOML) -> Locator:
        """Load (building on first use) the index and the clinics. Raises :class:`IndexUnavailable`."""
        return cls(index_module.load(index_path), load_clinics(clinics_path))

    # -- one query ----------------------------------------------------------------------

    def locate(self, text: str) -> Location:
        """Where ``text`` is. Raises a :class:`LocatorError` subclass saying why not."""
        parsed = self.parser.parse(text)
        value = parsed.value
        if isinstance(value, UKPostcode):
            location = self._locate_uk(value)
        elif isinstance(value, Eircode):
            location = self._locate_eircode(value)
        else:
            location = self._locate_place(value)
        if parsed.note:
            note = parsed.note if not location.note else f"{parsed.note} {location.note}"
            location = dataclasses.replace(location, note=note, alternatives=parsed.alternatives)
        return location

    def lookup(self, text: str) -> Answer:
        """The full answer for one query: location, clinic, distances and contact."""
        location = self.locate(text)
        metres = distances_m(location.lat, location.lon, self._clinic_lats, self._clinic_lons)
        eligible = self._eligible[location.region]
        chosen = int(choose(metres, eligible)[0])
        return _answer(text, location, self.clinics, chosen, metres[0])

    # -- many queries -------------------------------------------------------------------

    def lookup_many(self, texts: Iterable[str]) -> BulkResult:
        """Answer a list of queries in order, vectorised for full GB postcodes.

        A query that fails gets its error in place; it never stops the others.
        Results are identical to calling :meth:`lookup` on each.
        """
        texts = list(texts)
        n = len(texts)
        compact = [_compact_candidate(t) for t in texts]
        keys = np.array([c or "" for c in compact], dtype="S7")
        rows = self.index.find_units(keys)
        has_unit = rows >= 0
        has_unit[has_unit] = self.index.unit_e[rows[has_unit]] > 0
        lat = np.full(n, np.nan)
        lon = np.full(n, np.nan)
        lat[has_unit], lon[has_unit] = bng_to_wgs84(
            self.index.unit_e[rows[has_unit]].astype(float), self.index.unit_n[rows[has_unit]].astype(float))
        result = BulkResult(
            queries=texts, clinics=self.clinics, lat=lat, lon=lon,
            chosen=np.full(n, -1), metres=np.full((n, len(self.clinics)), np.nan),
            normalised=[None] * n, precision=[None] * n, regions=[None] * n, located=[None] * n,
            errors=[None] * n,
        )
        for i in np.flatnonzero(has_unit).tolist():
            c = compact[i]
            result.normalised[i] = f"{c[:-3]} {c[-3:]}"
            result.precision[i] = Precision.POSTCODE
            result.regions[i] = Region.GREAT_BRITAIN
        for i in np.flatnonzero(~has_unit).tolist():
            try:
                location = self.locate(texts[i])
            except LocatorError as exc:
                result.errors[i] = exc
                continue
            lat[i], lon[i] = location.lat, location.lon
            result.normalised[i] = location.normalised
            result.precision[i] = location.precision
            result.regions[i] = location.region
            result.located[i] = location
        located = ~np.isnan(lat)
        if located.any():
            metres = distances_m(lat[located], lon[located], self._clinic_lats, self._clinic_lons)
            masks = np.array([self._eligible[r] for r, ok in zip(result.regions, located) if ok])
            result.metres[located] = metres
            result.chosen[located] = choose(metres, masks)
        return result

    # -- locating each kind of query ----------------------------------------------------

    def _locate_uk(self, pc: UKPostcode) -> Location:
        if pc.region is not Region.GREAT_BRITAIN:
            return self._locate_by_post_town(pc)
        if pc.unit:
            row = self.index.unit_row(pc.compact)
            if row >= 0 and self.index.unit_e[row] > 0:
                lat, lon = bng_to_wgs84(float(self.index.unit_e[row]), float(self.index.unit_n[row]))
                return Location(float(lat), float(lon), pc.region, Precision.POSTCODE, pc.normalised)
            why = ("is in the postcode list but has no map position" if row >= 0 else
                   f"is not in the postcode list we have ({release_of(self.index)}): it may be new or no longer used")
            return self._fallback(pc, f"{pc.normalised} {why}.")
        if pc.sector_digit:
            return self._fallback(pc, None)
        if pc.district:
            return self._locate_district(pc, pc.normalised, None)
        return self._locate_area(pc)

    def _fallback(self, pc: UKPostcode, why: str | None) -> Location:
        """Locate at the sector's centroid, else the district's, saying so when it is a fallback."""
        sector = self._sectors.get(pc.sector)
        if sector:
            note = f"{why} It is located by its sector, {pc.sector}." if why else None
            return Location(sector[0], sector[1], pc.region, Precision.SECTOR, pc.normalised, note)
        why = why or f"No current postcode starts {pc.sector}."
        return self._locate_district(pc, pc.normalised, f"{why} It is located by its district, {pc.district}.")

    def _locate_district(self, pc: UKPostcode, normalised: str, note: str | None) -> Location:
        centroid = self._districts.get(pc.district)
        if centroid:
            return Location(centroid[0], centroid[1], pc.region, Precision.DISTRICT, normalised, note)
        by_town = self._districts_by_town.get(pc.district)
        if by_town:
            town_note = (f"{pc.district} has no homes' postcodes of its own, so it is located at its post town, "
                         f"{by_town[2]}.")
            return Location(by_town[0], by_town[1], pc.region, Precision.DISTRICT, normalised,
                            f"{note} {town_note}" if note else town_note)
        area = self._areas.get(pc.area)
        if area and note:
            # A unit in the data whose whole district has no map position (EH77): the area still is close.
            return Location(area[0], area[1], pc.region, Precision.AREA, normalised,
                            f"{note.removesuffix(f' It is located by its district, {pc.district}.')} "
                            f"Its district has no map position either, so it is located by its area, {pc.area}.")
        raise NotLocatable(
            f"{normalised} is a postcode with no fixed location (such as a British Forces or PO box address), "
            f"so we cannot tell how far away it is. Type the postcode or town where you are, for example SL6 8DG.")

    def _locate_area(self, pc: UKPostcode) -> Location:
        centroid = self._areas.get(pc.area)
        if not centroid:
            raise NotLocatable(
                f"{pc.area} postcodes have no fixed location, so we cannot tell how far away they are. "
                f"Type the postcode or town where you are, for example SL6 8DG.")
        return Location(centroid[0], centroid[1], pc.region, Precision.AREA, pc.area)

    def _locate_by_post_town(self, pc: UKPostcode) -> Location:
        if not pc.district:
            return self._locate_area(pc)
        lat, lon, town = self._districts_by_town[pc.district]
        return Location(lat, lon, pc.region, Precision.DISTRICT, pc.normalised,
                        f"{pc.region.label} postcodes are located approximately, at {town}, "
                        f"the post town for {pc.district}.")

    def _locate_eircode(self, eircode: Eircode) -> Location:
        lat, lon, town = self._routing[eircode.routing_key]
        return Location(lat, lon, Region.IRELAND, Precision.DISTRICT, eircode.normalised,
                        f"Eircodes are located approximately, at {town}, the post town for {eircode.routing_key}.")

    def _locate_place(self, query: PlaceName) -> Location:
        key = self.places.routing_key_for(query)
        if key:
            return self._locate_eircode(Eircode(key))
        match = self.places.find(query)
        place = match.place
        return Location(place.lat, place.lon, place.region, Precision.PLACE, match.normalised,
                        describe_others(match), tuple(o.near for o in match.others))

    # -- set-up -------------------------------------------------------------------------

    def _place_clinic(self, clinic: Clinic) -> Clinic:
        try:
            location = self.locate(clinic.locate_by)
        except LocatorError as exc:
            raise IndexUnavailable(f"The {clinic.name} clinic cannot be placed on the map: {exc}") from exc
        return dataclasses.replace(clinic, lat=location.lat, lon=location.lon)

    def _post_town_places(self) -> dict[str, Place]:
        """Names GeoNames lacks: UK post towns (Jersey, Isle of Man) and Irish counties (Co. Kerry).

        A post town stands at the centroid of its districts; a county at the
        centroid of its routing keys' post towns.
        """
        members: dict[tuple[str, Region], list[list[float]]] = {}
        for code, district in reference.districts().items():
            region = UKPostcode(area=district.area).region
            point = self._districts.get(code)
            if not point and region is not Region.GREAT_BRITAIN and code in self._districts_by_town:
                point = [*self._districts_by_town[code][:2], 1]
            for town in district.post_towns if point else ():
                members.setdefault((town, region), []).append(point)
        for code, key in reference.routing_keys().items():
            point = [*self._routing[code][:2], 1]
            for name in (key.county, f"County {key.county}", f"Co. {key.county}"):
                members.setdefault((name, Region.IRELAND), []).append(point)
        towns = {}
        for (town, region), points in members.items():
            weights = np.array([p[2] for p in points], dtype=float)
            lat = float(np.average([p[0] for p in points], weights=weights))
            lon = float(np.average([p[1] for p in points], weights=weights))
            towns[town] = Place(town, lat, lon, region, 0, "", "post town")
        return fold_all(towns)


def _answer(query: str, location: Location, clinics: tuple[Clinic, ...], chosen: int,
            metres: np.ndarray) -> Answer:
    """The :class:`Answer` for a located query, its chosen clinic and its distance to each clinic."""
    clinic = clinics[chosen]
    return Answer(
        query=query,
        location=location,
        clinic=clinic,
        contact=contact_for(clinic, location.region),
        distances=tuple(ClinicDistance(clinics[i], float(metres[i]), location.region in clinics[i].serves)
                        for i in np.argsort(metres, kind="stable")),
    )


def _compact_candidate(text: str) -> str | None:
    """The bulk fast path's key: plain ASCII text that could be a full unit postcode, or ``None``."""
    if len(text) > MAX_QUERY_LENGTH or not text.isascii() or not text.isprintable():
        return None
    compact = "".join(text.split()).upper()
    return compact if 5 <= len(compact) <= 7 and compact.isalnum() else None


@dataclass
class BulkResult:
    """Answers to a list of queries, column by column (cheap for 100,000 rows).

    Row ``i`` has ``errors[i]`` set, or else ``chosen[i]`` (an index into
    ``clinics``), ``metres[i]`` (to every clinic) and the location columns.
    ``located[i]`` keeps the full :class:`Location` (note, alternatives) of
    rows that were not plain unit postcodes.
    """

    queries: list[str]
    clinics: tuple[Clinic, ...]
    lat: np.ndarray
    lon: np.ndarray
    chosen: np.ndarray
    metres: np.ndarray
    normalised: list[str | None]
    precision: list[Precision | None]
    regions: list[Region | None]
    located: list[Location | None]
    errors: list[LocatorError | None]

    def __len__(self) -> int:
        return len(self.queries)

    def answer(self, i: int) -> Answer | LocatorError:
        """Row ``i`` as a full :class:`Answer`, or its error."""
        if self.errors[i]:
            return self.errors[i]
        location = self.located[i] or Location(
            float(self.lat[i]), float(self.lon[i]), self.regions[i], self.precision[i], self.normalised[i])
        return _answer(self.queries[i], location, self.clinics, int(self.chosen[i]), self.metres[i])

    def counts(self) -> tuple[dict[str, int], dict[str, int]]:
        """How many rows went to each clinic (by name) and failed with each error (by kind)."""
        per_clinic = {c.name: 0 for c in self.clinics}
        names = [c.name for c in self.clinics]
        for i in self.chosen[self.chosen >= 0].tolist():
            per_clinic[names[i]] += 1
        per_error: dict[str, int] = {}
        for error in self.errors:
            if error:
                kind = ERROR_LABELS.get(type(error).__name__, "Other")
                per_error[kind] = per_error.get(kind, 0) + 1
        return per_clinic, per_error


ERROR_LABELS = {
    "EmptyQuery": "Blank",
    "QueryTooLong": "Too long",
    "ForbiddenCharacters": "Hidden characters",
    "MultiplePostcodes": "Several postcodes in one row",
    "InvalidPostcode": "Not a real postcode",
    "NotCovered": "Outside the UK and Ireland",
    "UnknownPlace": "Unknown place",
    "InvalidQuery": "Not a postcode or place",
    "NotLocatable": "No fixed location",
}
