"""The locator: text in, an answer out, through the pipeline's stages.

One query goes down the stages and never comes back up:

1. parse (:mod:`locator.parse`): text → a typed query, or a clear error;
2. locate (:mod:`locator.locating`): query → :class:`~locator.model.Location`,
   by the strategy registered for the query's type;
3. route (:mod:`locator.routing`): location → the clinic, with distances;
4. contact (:mod:`locator.contacts`): the clinic's number as this caller dials it;

and :func:`locator.answer.answer_for` puts them together. Lists go through
:func:`locator.bulk.answer_list`, which gives the same answer row by row.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from locator import reference, store
from locator.answer import Answer, answer_for
from locator.clinics import Clinic, load_clinics
from locator.clinics import clinics_path as default_clinics_path
from locator.contacts import contact_for
from locator.gazetteer import PostcodeIndex
from locator.locating import locate
from locator.model import Location
from locator.parse import parser_for
from locator.places import PlaceIndex
from locator.position import PositionLocator
from locator.routing import Router


class Locator:
    """Answers queries against one loaded index and clinic list (read-only, shared by threads)."""

    def __init__(self, index: PostcodeIndex, clinics: Sequence[Clinic]) -> None:
        self.index = index
        self.clinics: tuple[Clinic, ...] = tuple(clinics)
        self.parser = parser_for(index.unit_districts, units=lambda compact: index.unit_row(compact) >= 0,
                                 emails=[clinic.email for clinic in self.clinics])
        self.places = PlaceIndex(index.places, index.post_towns, reference.routing_key_by_post_town())
        self.router = Router(self.clinics)

    @classmethod
    def load(cls, index_path: Path | None = None, clinics_path: Path | None = None) -> Locator:
        """Load the built index (``python -m locator.build`` builds it) and the clinics.

        ``clinics_path`` defaults to ``$CLINIC_LOCATOR_CLINICS`` or
        ``data/clinics.toml``, ``index_path`` to ``$CLINIC_LOCATOR_INDEX`` or
        ``data/build/index.bin``. Raises :class:`~locator.errors.IndexUnavailable`.
        """
        clinics_path = Path(clinics_path or default_clinics_path())
        index = store.load(index_path, clinics_path=clinics_path)
        return cls(index, load_clinics(clinics_path, index.clinic_positions))

    def lookup(self, text: str) -> Answer:
        """The full answer for one query: location, clinic, distances and contact."""
        query = self.parser.parse(text)
        location = locate(query, self.index, self.places)
        route = self.router.route(location)
        return answer_for(text, location, route, contact_for(route.clinic, location.region))

    def lookup_position(self, lat: float, lon: float, accuracy_m: float | None = None) -> Answer:
        """The full answer for a device's position ("Use my location"); see :mod:`locator.position`.

        Raises :class:`~locator.errors.PositionOutsideArea` at sea or outside the area served.
        """
        location = self.positions.locate(lat, lon, accuracy_m)
        route = self.router.route(location)
        return answer_for(location.normalised, location, route, contact_for(route.clinic, location.region))

    @functools.cached_property
    def positions(self) -> PositionLocator:
        """Made on the first position asked about, so loading for text queries never pays for it."""
        return PositionLocator(self.index)

    def locate(self, text: str) -> Location:
        """Where ``text`` is (parse and locate only). Raises a :class:`~locator.errors.LocatorError` subclass."""
        return locate(self.parser.parse(text), self.index, self.places)

