"""One exception tree for everything a person can get wrong or we cannot do.

Each class also inherits the matching built-in, so callers that only know
``ValueError`` or ``LookupError`` still catch it.

* ``message`` is the sentence a person reads: what was wrong and what a good
  input looks like. It comes from :mod:`locator.messages` and is all a screen
  ever shows.
* ``detail`` is for whoever runs the service (which file, which command fixes
  it); it goes to logs and the command line's standard error, never to a
  patient. ``str(error)`` gives both, so a log or traceback is complete.
* ``label`` is a short name for the kind of problem, for tables and counts
  ("Not a real postcode: 12 rows").
* ``status`` is the HTTP status an answer with this error carries (422: the
  query was well formed but cannot be answered; 503: the service cannot answer
  just now), and :meth:`LocatorError.to_dict` its JSON object, the same for the
  command line and the API. ``error_type`` names the kind in that JSON; it is
  the class's name, and stays the published one if a class is renamed.

A new kind of problem is a new subclass here, with its ``label`` (and a
``status`` if not 422), and its sentences in :mod:`locator.messages`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from locator.text import readable


class LocatorError(Exception):
    """Base of every error the locator raises on purpose.

    ``suggestions`` are alternative queries a person might have meant (may
    be empty).
    """

    label: ClassVar[str] = "Other"
    status: ClassVar[int] = 422
    error_type: ClassVar[str] = "LocatorError"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "error_type" not in cls.__dict__:
            cls.error_type = cls.__name__

    def __init__(self, message: str, suggestions: Iterable[str] = (), *, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.suggestions: tuple[str, ...] = tuple(suggestions)
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.message} ({self.detail})" if self.detail else self.message

    def to_dict(self, query: str) -> dict[str, Any]:
        """The JSON object for ``query``, which could not be answered (its echo always encodable)."""
        return {
            "query": readable(query),
            "ok": False,
            "error": self.message,
            "error_type": self.error_type,
            "suggestions": list(self.suggestions),
            "precision": None,
            "normalised": None,
            "location": None,
            "distances": None,
            "clinic": None,
        }


# --- what was typed -------------------------------------------------------------------


class InvalidQuery(LocatorError, ValueError):
    """The text typed cannot be a postcode, Eircode or known place."""

    label = "Not a postcode or place"


class EmptyQuery(InvalidQuery):
    """Nothing but spaces was typed."""

    label = "Blank"


class QueryTooLong(InvalidQuery):
    """The text is longer than any postcode or place name could be."""

    label = "Too long"


class ForbiddenCharacters(InvalidQuery):
    """Control or text-direction characters, which no postcode contains."""

    label = "Hidden characters"


class MultiplePostcodes(InvalidQuery):
    """More than one postcode in a single query."""

    label = "Several postcodes in one row"


class InvalidPostcode(InvalidQuery):
    """Looks like a UK postcode or Eircode, but is not a real one."""

    label = "Not a real postcode"


class RetiredPostcode(InvalidPostcode):
    """A postcode in a district that was retired (``AB1``): the message says when, and what to type now."""

    label = "Old postcode"


class NotCovered(InvalidQuery):
    """A postcode from a country we do not cover (a US ZIP code, say)."""

    label = "Outside the UK and Ireland"


class UnknownPlace(InvalidQuery, LookupError):
    """A town name we do not know; ``suggestions`` holds near misses."""

    label = "Unknown place"


class OverseasAddress(NotCovered):
    """An overseas territory's or the forces' code or place, which the service does not cover (BFPO, Gibraltar).

    Not to be confused with :class:`PositionOutsideArea`, a device's position.
    """

    label = "Overseas or forces address"
    error_type = "OutsideCoverage"  # the name the JSON has always given it


class NotAPlace(InvalidQuery):
    """Text that is no place at all: a phone number, an email address, a formula, a placeholder."""

    label = "Not a place"


class NotLocatable(LocatorError, LookupError):
    """A real postcode with no geographic location (e.g. a PO box district)."""

    label = "No fixed location"


class NonGeographic(NotLocatable):
    """A postcode for post only (``BX1 1LT``, ``XM4 5HQ``), not a place: the message says whose it is."""

    label = "Not a place (post only)"


# --- a list of queries ----------------------------------------------------------------


class TooManyRows(InvalidQuery):
    """A list longer than :data:`locator.bulk.MAX_ROWS`."""

    label = "Too many rows"
    status = 413


class FileTooLarge(InvalidQuery):
    """An uploaded file bigger than :data:`locator.bulk.MAX_UPLOAD_MB`."""

    label = "File too large"
    status = 413


class UnreadableFile(InvalidQuery):
    """An upload that is not a text CSV (a spreadsheet workbook, an image...)."""

    label = "Not a CSV file"


# --- the service's own data -----------------------------------------------------------


class IndexUnavailable(LocatorError, RuntimeError):
    """The postcode index cannot be built or read; ``detail`` says why and how to fix it."""

    label = "Service unavailable"
    status = 503


class CodePointError(IndexUnavailable):
    """A Code-Point Open download is not in the layout OS distributes, or cannot be read."""

    label = "Postcode download unreadable"


class ClinicDataError(IndexUnavailable, ValueError):
    """``data/clinics.toml`` is missing, malformed, or names a clinic that cannot be placed or called."""

    label = "Clinic list unreadable"


class TreatmentContentError(LocatorError, ValueError):
    """The treatment folder is missing or empty, or one of its files is malformed.

    The message names the folder or file and says what to fix: it is for the
    person editing ``data/treatment``.
    """

    label = "Treatment information unreadable"
    status = 503


class MapDataError(LocatorError, ValueError):
    """The map was given something it cannot draw (no clinics, a position off the globe)."""

    label = "Map unavailable"
    status = 503


class PaletteTooShort(MapDataError):
    """There are more clinics than colours in ``data/map.toml``."""

    label = "Too few map colours"


# --- "Use my location" ----------------------------------------------------------------


class PositionUnavailable(LocatorError, LookupError):
    """The device gave no usable position ("Use my location")."""

    label = "Position unavailable"


class PermissionRefused(PositionUnavailable):
    """The person, or the browser, refused to share the device's position."""

    label = "Location refused"


class PositionTimedOut(PositionUnavailable):
    """The device did not find its position in time."""

    label = "Location timed out"


class PositionOutsideArea(LocatorError, LookupError):
    """A device's position at sea, or outside the places the clinics serve ("Use my location").

    Not to be confused with :class:`OverseasAddress`, a typed code or place.
    """

    label = "Outside the area served"
