"""Clinic Locator core: parse a postcode or town, locate it, choose the clinic.

Pure Python, no UI. The usual entry point is :class:`Locator`::

    from locator import Locator
    answer = Locator.load().lookup("SL6 8DG")

Every failure a person can see is a :class:`LocatorError` carrying the
message to show them.
"""

from locator.errors import LocatorError

__all__ = ["Locator", "LocatorError"]


def __getattr__(name: str):
    # Lazy, so `python -m locator.index` can run before the package has imported it.
    if name == "Locator":
        from locator.service import Locator

        return Locator
    raise AttributeError(f"module 'locator' has no attribute {name!r}")
