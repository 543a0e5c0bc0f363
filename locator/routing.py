"""The route stage: which clinic a located patient goes to.

A patient goes to the nearest clinic (by geodesic distance) among those
that serve their region; the clinics file says which regions each serves.
So Great Britain, the Isle of Man and the Channel Islands go to the nearest
English clinic, and Northern Ireland and Ireland to Dublin, even where
Dublin is nearer in a straight line (Liverpool, Glasgow) or further.
Exact ties go to the clinic listed first in ``data/clinics.toml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from locator.clinics import Clinic
from locator.distances import distances_m
from locator.model import Location, Region


@dataclass(frozen=True)
class Route:
    """Where one located query goes: ``clinics[chosen]``, and the metres to each of ``clinics``."""

    clinics: tuple[Clinic, ...]
    chosen: int
    metres: np.ndarray

    @property
    def clinic(self) -> Clinic:
        return self.clinics[self.chosen]


class Router:
    """Chooses among one list of clinics, one query or a whole column of them."""

    def __init__(self, clinics: Sequence[Clinic]) -> None:
        self.clinics = tuple(clinics)
        self._lats = np.array([c.lat for c in self.clinics])
        self._lons = np.array([c.lon for c in self.clinics])
        self._eligible = eligibility(self.clinics)

    def route(self, location: Location) -> Route:
        """The clinic for one located query."""
        metres = distances_m(location.lat, location.lon, self._lats, self._lons)
        chosen = int(choose(metres, self._eligible[location.region])[0])
        return Route(self.clinics, chosen, metres[0])

    def route_many(self, lat: np.ndarray, lon: np.ndarray,
                   regions: Sequence[Region]) -> tuple[np.ndarray, np.ndarray]:
        """For ``n`` located queries: the chosen clinic's index ``(n,)`` and metres to every clinic ``(n, k)``."""
        metres = distances_m(lat, lon, self._lats, self._lons)
        masks = np.array([self._eligible[r] for r in regions]).reshape(len(regions), len(self.clinics))
        return choose(metres, masks), metres


def eligibility(clinics: Sequence[Clinic]) -> dict[Region, np.ndarray]:
    """For each region, a boolean mask of the clinics that serve it."""
    return {region: np.array([region in c.serves for c in clinics]) for region in Region}


def choose(distances: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Index of the chosen clinic for each row.

    ``distances`` is ``(n, k)`` metres; ``eligible`` is a ``(k,)`` mask or an
    ``(n, k)`` mask per row. ``argmin`` returns the first of equal minima,
    which is the fixed tie-break.
    """
    masked = np.where(eligible, distances, np.inf)
    return np.argmin(masked, axis=1)
