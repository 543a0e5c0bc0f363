"""Turning values into words and safe Markdown. No Streamlit, no geography."""

from __future__ import annotations

import re

_MARKDOWN_SPECIALS = re.compile(r"([!-/:-@\[-`{-~])")


def md(text: str) -> str:
    """``text`` as Markdown that shows every character as written (clinic names, addresses).

    Backslash-escapes all ASCII punctuation, which CommonMark always allows,
    so nothing becomes emphasis, a link, a colour or a formula. It does not
    stop bare web addresses becoming links, so text a person typed goes
    through ``st.text`` instead, never through this.
    """
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def distance(miles: float, km: float) -> str:
    """"10.6 miles (17.1 km)", "156 miles (252 km)", "less than 0.1 miles (under 0.2 km)".

    One decimal below 10 miles, where a tenth is a few minutes' walk; whole
    miles above, where it is noise in a straight-line figure.
    """
    if miles < 0.1:
        return "less than 0.1 miles (under 0.2 km)"
    if miles < 10:
        return f"{miles:.1f} miles ({km:.1f} km)"
    return f"{miles:.0f} miles ({km:.0f} km)"


def distance_sentence(miles: float, km: float) -> str:
    """"About 10.6 miles (17.1 km) away in a straight line." (or "Less than 0.1 miles ...")."""
    words = distance(miles, km)
    words = words[0].upper() + words[1:] if miles < 0.1 else f"About {words}"
    return f"{words} away in a straight line."
