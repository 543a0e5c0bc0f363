"""What the property tests share: hypothesis's settings for this project, its strategies, a live postcode."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Reproducible in CI: the same examples every run, and no example database to carry around.
PROPERTY = settings(derandomize=True, database=None, max_examples=400, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

# Every code point, surrogates included (hypothesis leaves them out unless asked).
ANY_CHARACTER = st.characters(codec=None, exclude_categories=())
AWKWARD = st.sampled_from(["\x00", "\ud800", "\udfff", "\udcff", "\u200f", "\u200e", "\u202e", "\u2066", "\ufeff",
                           "\u200b", "\t", "\n", "\r", "\x7f", "\u0085", "\u2028", "\uff33", "\U0001f3e5", " "])
POSTCODE_BITS = st.sampled_from(["SL6", "8DG", "SW1A", "0AA", "O", "0", "GIR", "XM4", "5HQ", "BX1", "AB1", "D18",
                                 "X5K7", "Eircode", "Reading", "Dún", "BFPO", "-", ".", ",", " "])
TEXT = st.one_of(
    st.text(ANY_CHARACTER, max_size=120),
    st.lists(st.one_of(AWKWARD, POSTCODE_BITS), max_size=12).map("".join),
    # Long: just under, at and over the core's cap, and 10,000 characters.
    st.builds(lambda unit, n: (unit * n)[:n], st.text(ANY_CHARACTER, min_size=1, max_size=4),
              st.sampled_from([99, 100, 101, 1_000, 10_000])),
)


def live_postcode(locator, n: int) -> str:
    """The n-th postcode in the index (any n), spaced as people write it."""
    keys = locator.index.unit_keys
    key = keys[n % len(keys)].decode()
    return f"{key[:-3]} {key[-3:]}"
