"""The routing rule: which clinic a located patient goes to.

A patient goes to the nearest clinic (by geodesic distance) among those
that serve their region; the clinics file says which regions each serves.
So Great Britain, the Isle of Man and the Channel Islands go to the nearest
English clinic, and Northern Ireland and Ireland to Dublin, even where
Dublin is nearer in a straight line (Liverpool, Glasgow) or further.
Exact ties go to the clinic listed first in ``data/clinics.toml``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from locator.clinics import Clinic
from locator.model import Region


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
