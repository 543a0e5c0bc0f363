"""The sentence call-centre staff read out to a caller. Plain text, no Streamlit."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from locator.answer import Answer


def about_miles(miles: float) -> str:
    """A distance as said aloud: "less than a mile", "about 1 mile", "about 12 miles"."""
    if miles < 1:
        return "less than a mile"
    whole = math.floor(miles + 0.5)  # half-up: round() would say 2 for 2.5, which nobody expects
    return f"about {whole} mile" if whole == 1 else f"about {whole} miles"


def readout_sentence(answer: Answer) -> str:
    """The answer as one sentence to read out: clinic, address, distance, the number to dial and the email.

    "The nearest clinic to BT1 1AA is our Dublin clinic at Suites 509-510, ...,
    about 92 miles away. You can call +353 1 293 7839 or email enquiries@varicoseveins.ie."
    """
    clinic = answer.clinic
    return (
        f"The nearest clinic to {answer.location.normalised} is our {clinic.name} clinic at "
        f"{clinic.address_line}, {about_miles(answer.distance.miles)} away. "
        f"You can call {answer.contact.phone_dial} or email {answer.contact.email}."
    )
