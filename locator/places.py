"""Towns and cities by name: GeoNames places, then post towns, matched exactly after folding."""

from __future__ import annotations

import difflib
import functools
import string
from collections.abc import Mapping
from dataclasses import dataclass

from locator.errors import UnknownPlace
from locator.index import names_to_places
from locator.model import Region
from locator.postcodes import EXAMPLES, PlaceName
from locator.text import fold

MAX_ALTERNATIVES = 5


@dataclass(frozen=True, slots=True)
class Place:
    """A named place. ``near`` is the postcode district or routing key it lies in or next to."""

    name: str
    lat: float
    lon: float
    region: Region
    population: int
    nation: str
    near: str

    @property
    def description(self) -> str:
        """``Newport, Wales (NP20)``: enough to tell same-named places apart."""
        where = f", {self.nation}" if self.nation else ""
        return f"{self.name}{where} ({self.near})"


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


class PlaceIndex:
    """Looks up places by folded name.

    ``places`` are GeoNames records as stored in the built index (most
    populous first). ``extra`` maps further folded names (post towns that
    GeoNames lacks) to places standing for them; ``routing_key_towns`` maps
    folded Eircode post towns (``dublin 18``) to their routing key.
    """

    def __init__(self, places: list[dict], extra: Mapping[str, Place],
                 routing_key_towns: Mapping[str, str]) -> None:
        self._places = [
            Place(p["name"], p["lat"], p["lon"], Region(p["region"]), p["population"], p["nation"], p["near"])
            for p in places
        ]
        self._primary: dict[str, list[int]] = {}
        for i, p in enumerate(places):
            self._primary.setdefault(p["folded"], []).append(i)
        self._by_name = names_to_places(places)
        self._extra = dict(extra)
        self._routing_key_towns = dict(routing_key_towns)
        display = {p["folded"]: p["name"] for p in reversed(places)}
        display.update({name: place.name for name, place in self._extra.items() if name not in display})
        self._display = display
        self._names = sorted(display)

    def routing_key_for(self, query: PlaceName) -> str | None:
        """The Eircode routing key whose post town is this name (``Dublin 18``), if no town has it."""
        if query.folded in self._by_name:
            return None
        return self._routing_key_towns.get(query.folded)

    def find(self, query: PlaceName) -> PlaceMatch:
        """The most populous place of that name, with the others; :class:`UnknownPlace` if none."""
        hits = self._by_name.get(query.folded)
        if hits:
            place = self._places[hits[0]]
            primary = set(self._primary.get(query.folded, ()))
            # Others are places whose own name it is: "London" need not list the City of London.
            others = tuple(self._places[i] for i in hits[1:] if i in primary)[:MAX_ALTERNATIVES]
            return PlaceMatch(place, others, string.capwords(query.text))
        if query.folded in self._extra:
            return PlaceMatch(self._extra[query.folded], (), string.capwords(query.text))
        suggestions = self.suggest(query.folded)
        hint = f" Did you mean {_or_list(suggestions)}?" if suggestions else ""
        raise UnknownPlace(
            f"We could not find a place called {query.text}.{hint} You can also type {EXAMPLES}.",
            suggestions,
        )

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


def _or_list(items: tuple[str, ...]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def describe_others(match: PlaceMatch) -> str | None:
    """A sentence naming the place chosen and the others sharing its name, or ``None``."""
    if not match.others:
        return None
    others = "; ".join(o.description for o in match.others)
    return (f"Several places are called {match.name}; this is {match.place.description}, the largest. "
            f"Others: {others}. To choose one, type its postcode district, e.g. {match.others[0].near}.")


def fold_all(names: Mapping[str, Place]) -> dict[str, Place]:
    """Key a name → place mapping by folded name, keeping the first place for each."""
    folded: dict[str, Place] = {}
    for name, place in names.items():
        folded.setdefault(fold(name), place)
    return folded
