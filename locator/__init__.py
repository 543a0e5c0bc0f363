"""Clinic Locator core: parse a postcode or town, locate it, choose the clinic.

Pure Python, no UI. The usual entry point is :class:`Locator`::

    from locator import Locator
    answer = Locator.load().lookup("SL6 8DG")

Every failure a person can see is a :class:`LocatorError` carrying the
message to show them.
"""

from locator.errors import LocatorError
from locator.service import Locator

__all__ = ["Locator", "LocatorError"]
