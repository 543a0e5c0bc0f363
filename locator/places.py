"""Towns and cities by name: GeoNames places, then post towns, matched exactly after folding."""

from __future__ import annotations

import difflib
import functools
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from locator import messages
from locator.errors import UnknownPlace
from locator.model import Region
from locator.text import fold

MAX_ALTERNATIVES = 5


@dataclass(frozen=True, slots=True)
class Place:
    """A named place.

    ``lat``/``lon`` are WGS84 degrees; ``near`` is the postcode district or
    routing key it lies in or next to; ``nation`` is England, Wales, Ireland...
    (empty for a post town). ``folded`` is its name folded for matching and
    ``alternates`` the other folded names it is known by (``derry``).
    """

    name: str
    lat: float
    lon: float
    region: Region
    population: int
    nation: str
    near: str
    folded: str = ""
    alternates: tuple[str, ...] = ()

    @property
    def description(self) -> str:
        """``Newport, Wales (NP20)``: enough to tell same-named places apart."""
        return messages.place_description(self.name, self.nation, self.near)


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """The place a name was taken to mean, and the other places with that name."""

    place: Place
    others: tuple[Place, ...]
    name: str

    @property
    def normalised(self) -> str:
        """The place's name, with the name typed when it is known by another (``Newbridge (Droichead Nua)``)."""
        return self.place.name if fold(self.name) == fold(self.place.name) else f"{self.name} ({self.place.name})"

    @property
    def note(self) -> str | None:
        """A sentence naming the place chosen and the others sharing its name, or ``None``."""
        if not self.others:
            return None
        return messages.several_places(self.name, self.place.description, [o.description for o in self.others],
                                       self.others[0].near)


def names_to_places(places: Sequence[Place]) -> dict[str, list[int]]:
    """Every folded name and alternate name, with the places bearing it, most populous first.

    Alternate names count as much as the main one: GeoNames calls Newbridge,
    Co. Kildare "Droichead Nua", and Londonderry "Derry".
    """
    by_name: dict[str, list[int]] = {}
    for i, p in enumerate(places):  # places are sorted most populous first
        for name in {p.folded, *p.alternates}:
            by_name.setdefault(name, []).append(i)
    return by_name


class PlaceIndex:
    """Looks up places by folded name.

    ``places`` are GeoNames places, most populous first. ``post_towns`` maps
    further folded names (post towns that GeoNames lacks) to places standing
    for them; ``routing_key_by_post_town`` maps folded Eircode post towns
    (``dublin 18``) to their routing key.
    """

    def __init__(self, places: Sequence[Place], post_towns: Mapping[str, Place],
                 routing_key_by_post_town: Mapping[str, str]) -> None:
        self._places = tuple(places)
        self._primary: dict[str, list[int]] = {}
        for i, p in enumerate(self._places):
            self._primary.setdefault(p.folded, []).append(i)
        self._by_name = names_to_places(self._places)
        self._post_towns = dict(post_towns)
        self._routing_key_by_post_town = dict(routing_key_by_post_town)
        display = {p.folded: p.name for p in reversed(self._places)}
        display.update({name: place.name for name, place in self._post_towns.items() if name not in display})
        self._display = display
        self._names = sorted(display)

    def routing_key_for(self, folded: str) -> str | None:
        """The Eircode routing key whose post town is this name (``Dublin 18``), if no town has it."""
        if folded in self._by_name:
            return None
        return self._routing_key_by_post_town.get(folded)

    def find(self, text: str, folded: str) -> PlaceMatch:
        """The most populous place of that name, with the others; :class:`UnknownPlace` if none."""
        hits = self._by_name.get(folded)
        if hits:
            place = self._places[hits[0]]
            primary = set(self._primary.get(folded, ()))
            # Others are places whose own name it is: "London" need not list the City of London.
            others = tuple(self._places[i] for i in hits[1:] if i in primary)[:MAX_ALTERNATIVES]
            return PlaceMatch(place, others, string.capwords(text))
        if folded in self._post_towns:
            return PlaceMatch(self._post_towns[folded], (), string.capwords(text))
        suggestions = self.suggest(folded)
        raise UnknownPlace(messages.unknown_place(text, suggestions), suggestions)

    def suggest(self, folded: str) -> tuple[str, ...]:
        """Up to five known place names close to ``folded`` (a typo, a missing letter)."""
        return _close_names(folded, self)

    def __hash__(self) -> int:
        return id(self)


@functools.lru_cache(maxsize=4096)
def _close_names(folded: str, index: PlaceIndex) -> tuple[str, ...]:
    # Bulk lists repeat the same typo; the cache keeps a bad list from costing a search per row.
    close = difflib.get_close_matches(folded, index._names, n=5, cutoff=0.8)
    return tuple(index._display[name] for name in close)
