"""One exception tree for everything a person can get wrong or we cannot do.

Each class also inherits the matching built-in, so callers that only know
``ValueError`` or ``LookupError`` still catch it. ``message`` is the sentence
a person reads: it says what was wrong and what a good input looks like.
"""

from __future__ import annotations

from typing import Iterable


class LocatorError(Exception):
    """Base of every error the locator raises on purpose.

    ``message`` is complete and human-readable; ``suggestions`` are
    alternative queries a person might have meant (may be empty).
    """

    def __init__(self, message: str, suggestions: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.suggestions: tuple[str, ...] = tuple(suggestions)

    def __str__(self) -> str:
        return self.message


class InvalidQuery(LocatorError, ValueError):
    """The text typed cannot be a postcode, Eircode or known place."""


class EmptyQuery(InvalidQuery):
    """Nothing but spaces was typed."""


class QueryTooLong(InvalidQuery):
    """The text is longer than any postcode or place name could be."""


class ForbiddenCharacters(InvalidQuery):
    """Control or text-direction characters, which no postcode contains."""


class MultiplePostcodes(InvalidQuery):
    """More than one postcode in a single query."""


class InvalidPostcode(InvalidQuery):
    """Looks like a UK postcode or Eircode, but is not a real one."""


class NotCovered(InvalidQuery):
    """A postcode from a country we do not cover (a US ZIP code, say)."""


class UnknownPlace(InvalidQuery, LookupError):
    """A town name we do not know; ``suggestions`` holds near misses."""


class NotLocatable(LocatorError, LookupError):
    """A real postcode with no geographic location (e.g. a PO box district)."""


class IndexUnavailable(LocatorError, RuntimeError):
    """The postcode index cannot be built or read."""
