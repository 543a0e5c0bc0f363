"""Plain HTML for browsers without JavaScript: the search form, the clinics, an answer, a problem.

Used by the ``<noscript>`` block of every page (:mod:`web.page_html`) and by
the server-rendered answer (:mod:`web.plain_search`). Every value is escaped
here; the wording is the app's own (``locator.messages`` and the components'
headings), so a person reads the same sentences with or without JavaScript.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from urllib.parse import urlencode

from components.answer_card import distance_table, first_line, heading
from components.clinic_list import HEADING as CLINICS_HEADING
from components.clinic_list import NUMBERS_NOTE
from components.search import HINT, KEY
from components.search_problem import HEADING as PROBLEM_HEADING
from components.text import distance_sentence
from components.view import AnswerCard, ClinicPin
from locator import messages
from locator.parse import MAX_QUERY_LENGTH

#: Where the form is answered, relative to a page of the app (``/`` or ``/about-treatment``).
SEARCH_PATH = "search"

# Readable with no other styles: system fonts, the theme's colours, links that look like links.
STYLE = """
.plain{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5;color:#31333f;
 max-width:46rem;margin:0 auto;padding:1rem}
.plain a{color:#0b57d0}
.plain label{display:block;font-weight:600}
.plain input{font-size:1rem;padding:.5rem;margin:.25rem .5rem .5rem 0;max-width:100%;box-sizing:border-box}
.plain button{font-size:1rem;padding:.5rem 1rem}
.plain ul.clinics{list-style:none;padding:0}
.plain ul.clinics li{margin-bottom:1rem}
.plain .problem{border-left:4px solid #b3261e;padding-left:1rem}
.plain table{border-collapse:collapse}.plain th,.plain td{text-align:left;padding:.25rem .75rem .25rem 0}
"""


def search_form(value: str = "", invalid: bool = False) -> str:
    """A GET form to :data:`SEARCH_PATH` with the app's own label, hint and field name (``postcode``)."""
    described = ' aria-invalid="true" aria-describedby="plain-problem"' if invalid else ""
    return (f'<form method="get" action="{SEARCH_PATH}" role="search">'
            f'<label for="plain-{KEY}">{escape(messages.SEARCH_LABEL)}</label>'
            f'<p id="plain-hint">{escape(HINT)}</p>'
            f'<input id="plain-{KEY}" name="{KEY}" type="text" autocomplete="postal-code" '
            f'maxlength="{MAX_QUERY_LENGTH}" value="{escape(value)}" aria-describedby="plain-hint"{described}>'
            f'<button type="submit">{escape(messages.SEARCH_BUTTON)}</button></form>')


def clinic_list(pins: Sequence[ClinicPin], level: int = 2) -> str:
    """Every clinic: name, address, phone (``tel:``) and email (``mailto:``), under an ``h{level}``."""
    items = []
    for pin in pins:
        address = "<br>".join(escape(line) for line in pin.address)
        items.append(f'<li><h{level + 1}>{escape(pin.name)}</h{level + 1}><p>{address}</p>'
                     f'<p><a href="{escape(pin.phone_tel)}">{escape(pin.phone_display)}</a></p>'
                     f'<p><a href="mailto:{escape(pin.email)}">{escape(pin.email)}</a></p></li>')
    return (f"<h{level}>{escape(CLINICS_HEADING)}</h{level}><p>{escape(NUMBERS_NOTE)}</p>"
            f'<ul class="clinics">{"".join(items)}</ul>')


def answer(card: AnswerCard, level: int = 2) -> str:
    """The answer card as the app draws it: heading, what was searched, distance, call, email, address."""
    parts = [f"<h{level}>{escape(heading(card))}</h{level}>", f"<p>{escape(first_line(card))}</p>"]
    parts += [f"<p>{escape(text)}</p>" for text in (card.caption, card.note) if text]
    if card.alternatives:
        parts.append(_suggestions(card.alternatives))
    address = "<br>".join(escape(line) for line in card.address)
    parts += [f"<p><strong>{escape(distance_sentence(card.miles, card.km))}</strong></p>",
              f'<p><a href="{escape(card.tel_uri)}">{escape(card.phone_dial)}</a></p>',
              f'<p><a href="{escape(card.mailto_uri)}">{escape(card.email)}</a></p>',
              f"<p>{address}</p>",
              f'<p><a href="{escape(card.directions_url)}" rel="noreferrer">Directions</a></p>',
              distance_table(card)]
    return "".join(parts)


def problem(message: str, suggestions: Sequence[str], level: int = 2) -> str:
    """Why a search got no answer, as the app's alert says it, with a link per suggestion."""
    more = _suggestions(suggestions) if suggestions else ""
    return (f'<div class="problem" role="alert"><h{level}>{escape(PROBLEM_HEADING)}</h{level}>'
            f'<p id="plain-problem">{escape(message)}</p>{more}</div>')


def _suggestions(queries: Sequence[str]) -> str:
    links = "".join(f'<li><a href="{SEARCH_PATH}?{escape(urlencode({KEY: q}))}">{escape(q)}</a></li>'
                    for q in queries)
    return f"<p>{escape(messages.DID_YOU_MEAN)}</p><ul>{links}</ul>"
