"""The last stage: what the locator answers, the clinic, how far, and how to reach it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from locator.clinics import Clinic
from locator.contacts import Contact
from locator.distances import METRES_PER_MILE
from locator.errors import LocatorError
from locator.model import Location
from locator.routing import Route


@dataclass(frozen=True, slots=True)
class ClinicDistance:
    """The straight-line distance to one clinic, and whether it takes patients from there."""

    clinic: Clinic
    metres: float
    serves_you: bool

    @property
    def km(self) -> float:
        return self.metres / 1000

    @property
    def miles(self) -> float:
        return self.metres / METRES_PER_MILE


@dataclass(frozen=True, slots=True)
class Answer:
    """The answer to one query.

    ``distances`` covers every clinic, nearest first (ties in file order);
    the chosen ``clinic`` is the nearest that serves the patient's region,
    which is not always the nearest overall.
    """

    query: str
    location: Location
    clinic: Clinic
    contact: Contact
    distances: tuple[ClinicDistance, ...]

    @property
    def distance(self) -> ClinicDistance:
        """The distance to the chosen clinic."""
        return next(d for d in self.distances if d.clinic.id == self.clinic.id)

    def to_dict(self) -> dict:
        """A JSON-ready dict (the CLI's ``--json`` line)."""
        loc = self.location
        return {
            "query": self.query,
            "ok": True,
            "error": None,
            "precision": loc.precision.value,
            "normalised": loc.normalised,
            "region": loc.region.value,
            "location": {"lat": round(loc.lat, 6), "lon": round(loc.lon, 6)},
            "note": loc.note,
            "alternatives": list(loc.alternatives),
            "distance": _distance_dict(self.distance),
            "distances": {d.clinic.id: {"name": d.clinic.name, **_distance_dict(d), "serves_you": d.serves_you}
                          for d in self.distances},
            "clinic": {
                "id": self.clinic.id,
                "name": self.clinic.name,
                "address": self.clinic.address_line,
                "address_lines": list(self.clinic.address),
                "phone_e164": self.contact.phone_e164,
                "phone_dial": self.contact.phone_dial,
                "tel": self.contact.tel_uri,
                "email": self.contact.email,
                "directions_url": self.clinic.directions_url,
            },
        }


def answer_for(query: str, location: Location, route: Route, contact: Contact) -> Answer:
    """The :class:`Answer` to ``query``: where it is, where it goes and how to get in touch."""
    clinics = route.clinics
    return Answer(
        query=query,
        location=location,
        clinic=route.clinic,
        contact=contact,
        distances=tuple(ClinicDistance(clinics[i], float(route.metres[i]), location.region in clinics[i].serves)
                        for i in np.argsort(route.metres, kind="stable")),
    )


def _distance_dict(d: ClinicDistance) -> dict:
    return {"miles": round(d.miles, 3), "km": round(d.km, 3), "straight_line": True}


#: What one query comes to: its answer, or the error a person reads instead.
Outcome = Answer | LocatorError


def outcome_dict(query: str, outcome: Outcome) -> dict:
    """The JSON object for one query, answered or not: a line of ``python -m locator --json``, a result of the API."""
    return outcome.to_dict() if isinstance(outcome, Answer) else outcome.to_dict(query)
