"""Every sentence the core says to a person, in one place to read and review.

Errors (:mod:`locator.errors`) take their ``message`` from here; locating
notes, region names, the precision captions and the sentence call-centre
staff read out are here too. Each function builds a whole sentence from the
facts it is given, and no message is made by editing another one.

What a person reads is plain: which input was wrong, why, and what a good
one looks like. What an operator needs (a file path, a command to run) is
written separately, as an error's ``detail``, and never shown on a screen.
Nothing here knows a clinic's address or number: those come from
``data/clinics.toml``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# --- examples and coverage -------------------------------------------------------------

EXAMPLES = "a postcode such as SL6 8DG, an Eircode such as D18 X5K7, or a town such as Reading"
COVERAGE = ("Great Britain, Northern Ireland, the Crown Dependencies (Isle of Man, Jersey and Guernsey) "
            "and Ireland")

# The search field, the same on every screen that asks for a place.
SEARCH_LABEL = "Your postcode or town"
SEARCH_PLACEHOLDER = "e.g. SL6 8DG, D18 X5K7 or Reading"

REGION_NAMES = {
    "GB": "Great Britain",
    "NI": "Northern Ireland",
    "IE": "Ireland",
    "IM": "Isle of Man",
    "JE": "Jersey",
    "GG": "Guernsey",
}

# Said only when a search was located less precisely than a full postcode (keyed by precision).
PRECISION_CAPTIONS = {
    "sector": "Located by postcode sector, not the full postcode.",
    "district": "Located by postcode district, not the full postcode.",
    "place": "Located by town or place name, not a postcode.",
    "area": "Located only roughly, by a wide area (a postcode area, county, island or nation), so distances "
            "are rough.",
}


# --- reading the text ------------------------------------------------------------------


def not_text(type_name: str) -> str:
    return f"Type the postcode as text, for example SL6 8DG (got {type_name})."


def too_long(length: int, limit: int) -> str:
    return (f"That is {length} characters long; a postcode or town name is at most {limit}. "
            f"Type one postcode or town, for example SL6 8DG or Reading.")


def hidden_character(code_point: int) -> str:
    return (f"The text contains an invisible control or text-direction character "
            f"(U+{code_point:04X}), which no postcode has. Type the postcode again by hand, for example SL6 8DG.")


def broken_character(code_point: int) -> str:
    # A lone UTF-16 surrogate: half of an emoji or rare symbol, left behind by a bad copy or a bad encoder.
    return (f"The text contains a broken character (U+{code_point:04X}, half of a symbol that was cut in two), "
            f"which no postcode has. Type the postcode again by hand, for example SL6 8DG.")


def empty() -> str:
    return f"Type a postcode or town to search: {EXAMPLES}."


def several_postcodes(found: Sequence[str]) -> str:
    shown = ", ".join(dict.fromkeys(found))
    return (f"That has more than one postcode in it ({shown}). Search for one at a time, "
            f"for example {found[0]}.")


def incomplete_postcode(shown: str, district: str) -> str:
    return (f"{shown} is not a complete postcode: a full postcode ends with a number and two letters, "
            f"like {district} 8DG. You can also search for just {district}.")


def impossible_unit_letters(postcode: str, letters: Sequence[str]) -> str:
    return (f"{postcode} is not a valid postcode: the last two letters of a UK postcode are never "
            f"{' or '.join(letters)}. Check the postcode on a letter; a valid one looks like SL6 8DG.")


def no_such_district(shown: str, district: str, area: str) -> str:
    return (f"{shown} is not a real postcode: there is no district {district} in the {area} area. "
            f"Check the postcode; a valid one looks like SL6 8DG.")


def neither_routing_key_nor_area(shown: str, outward: str, area: str) -> str:
    return (f"{shown} is not a real postcode or Eircode: {outward} is not an Eircode routing key and "
            f"{area} is not a UK postcode area. Try {EXAMPLES}.")


def no_such_area(shown: str, area: str) -> str:
    return f"{shown} is not a real postcode: {area} is not a UK postcode area. Try {EXAMPLES}."


def no_such_routing_key(shown: str, key: str) -> str:
    return (f"{shown} is not a real Eircode: {key} is not an Eircode routing key. An Eircode looks "
            f"like D18 X5K7; check it on a letter or utility bill.")


def impossible_eircode_characters(shown: str, allowed_letters: str, found: Sequence[str]) -> str:
    return (f"{shown} is not a valid Eircode: its last four characters use only digits and the letters "
            f"{' '.join(allowed_letters)}, so {', '.join(found)} cannot appear. An Eircode looks like D18 X5K7.")


def not_an_eircode(shown: str) -> str:
    return (f"{shown} is not an Eircode. An Eircode is a routing key such as D18, optionally followed by "
            f"four characters: D18 X5K7.")


def foreign_postcode(shown: str) -> str:
    return (f"{shown} looks like a postcode from outside the places we cover. We cover {COVERAGE}: "
            f"type {EXAMPLES}.")


def not_a_postcode_or_eircode(shown: str) -> str:
    return f"{shown} is not a valid UK postcode or Eircode. Try {EXAMPLES}."


def not_a_postcode_or_place(shown: str) -> str:
    return f"{shown} is not a postcode or a place name we know. Type {EXAMPLES}."


def district_or_routing_key(district: str, town: str) -> str:
    return (f"{district} is read as the UK postcode district. It is also the Eircode routing key "
            f"for {town}, Ireland: to search there, type \"Eircode {district}\".")


# --- places ------------------------------------------------------------------------------


def unknown_place(typed: str, suggestions: Sequence[str]) -> str:
    hint = f" Did you mean {_or_list(suggestions)}?" if suggestions else ""
    return f"We could not find a place called {typed}.{hint} You can also type {EXAMPLES}."


def several_places(typed: str, chosen: str, others: Sequence[str], example_district: str) -> str:
    return (f"Several places are called {typed}; this is {chosen}, the largest. "
            f"Others: {'; '.join(others)}. To choose one, type its postcode district, e.g. {example_district}.")


def place_description(name: str, nation: str, near: str) -> str:
    """``Newport, Wales (NP20)``: enough to tell same-named places apart."""
    where = f", {nation}" if nation else ""
    return f"{name}{where} ({near})"


def _or_list(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _and_list(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --- a postcode inside other text, and slips ---------------------------------------------


def code_in_text(normalised: str, kind: str) -> str:
    """Other words were left out: the answer is for the one code (``kind``: postcode, Eircode) found in them."""
    return f"Searched for {normalised}, the {kind} in what you typed."


_SLIP_NAMES = {("O", "0"): "the letter O taken as a zero", ("I", "1"): "the letter I taken as a one",
               ("L", "1"): "the letter l taken as a one", ("0", "O"): "the zero taken as the letter O"}


def slip_read(typed: str, read: str, changes: Sequence[tuple[str, str]]) -> str:
    """A slip corrected with certainty: what was typed, what was read, and why.

    ``changes`` are ``(typed character, read character)`` pairs.
    """
    how = _and_list([_SLIP_NAMES[c] for c in dict.fromkeys(changes)])
    targets = {read_as.isdigit() for _, read_as in changes}
    why = ("only a digit can go there" if targets == {True} else
           "only a letter can go there" if targets == {False} else "a postcode has a digit or a letter there")
    return f"Read {typed} as {read} ({how}: {why})."


def with_slip_suggestions(message: str, suggestions: Sequence[str]) -> str:
    """An error, followed by the corrections of a slip that might be meant."""
    return f"{message} Did you mean {_or_list(suggestions)}?"


def impossible_inward_code(shown: str, outward: str, misplaced: Sequence[tuple[str, str]], instead: str) -> str:
    """A real district followed by three characters that cannot be a postcode's second half.

    ``misplaced`` are ``(character, "a digit" or "a letter")``: what stands where the other must;
    ``instead`` is the sector or district to search for.
    """
    wrong = _and_list([f"{char} where {want} should be" for char, want in misplaced])
    return (f"{shown} is not a valid postcode: after {outward} come a digit and two letters, like {outward} 8DG, "
            f"but it has {wrong}. Check the postcode on a letter, or search for just {instead}.")


def _divided_into(subs: Sequence[str]) -> str:
    return _and_list(list(subs)) if len(subs) <= 6 else f"{subs[0]} to {subs[-1]}"


def divided_district(district: str, subs: Sequence[str]) -> str:
    """A London district typed whole (``W1``), though it is divided into sub-districts."""
    return (f"{district} is divided into {_divided_into(subs)}; it is located at the middle of them. "
            f"A full postcode gives a closer answer.")


def divided_district_read(typed: str, read: str, subs: Sequence[str]) -> str:
    return f"Read {typed} as {read}: {typed.split()[0]} is divided into {_divided_into(subs)}, and {read} is the postcode."


def divided_district_unit(shown: str, district: str, subs: Sequence[str]) -> str:
    return (f"{shown} is not a full postcode: {district} is divided into {_divided_into(subs)}, so a postcode there "
            f"starts with one of them, like {subs[0]} 1AA. Check the postcode on a letter, or search for just "
            f"{district}.")


def not_a_valid_postcode(shown: str) -> str:
    return f"{shown} is not a valid UK postcode."


# --- not a place at all, or not a place we cover -----------------------------------------


def not_a_place(what: str) -> str:
    """Text shaped like something else (``what``: a phone number, an email address, a spreadsheet formula)."""
    return f"That looks like {what}, not a place. Type where you are instead: {EXAMPLES}."


def placeholder(typed: str) -> str:
    return f"“{typed}” is not a place. Type where you are: {EXAMPLES}."


def outside_coverage(place: str, emails: Sequence[str]) -> str:
    """An overseas territory or forces address: named, not covered, and the clinics' email (which works anywhere)."""
    return (f"We cannot find the nearest clinic for {place}: it is outside the places this service covers "
            f"({COVERAGE}). Email the clinics at {_or_list(emails)}; email works from anywhere.")


# --- how a query was located -------------------------------------------------------------


def unit_without_position(postcode: str) -> str:
    return f"{postcode} is in the postcode list but has no map position."


def unit_not_in_list(postcode: str, release: str) -> str:
    return f"{postcode} is not in the postcode list we have ({release}): it may be new or no longer used."


def no_current_sector(sector: str) -> str:
    return f"No current postcode starts {sector}."


def located_by_sector(why: str, sector: str) -> str:
    return f"{why} It is located by its sector, {sector}."


def located_by_district(why: str, district: str) -> str:
    return f"{why} It is located by its district, {district}."


def located_by_area(why: str, area: str) -> str:
    return f"{why} Its district has no map position either, so it is located by its area, {area}."


def district_at_post_town(district: str, town: str) -> str:
    return f"{district} has no homes' postcodes of its own, so it is located at its post town, {town}."


def region_at_post_town(region: str, district: str, town: str) -> str:
    return f"{REGION_NAMES[region]} postcodes are located approximately, at {town}, the post town for {district}."


def eircode_at_post_town(routing_key: str, town: str) -> str:
    return f"Eircodes are located approximately, at {town}, the post town for {routing_key}."


def no_fixed_location(postcode: str) -> str:
    return (f"{postcode} is a postcode with no fixed location (such as a British Forces or PO box address), "
            f"so we cannot tell how far away it is. Type the postcode or town where you are, for example SL6 8DG.")


def post_only_postcode(code: str, what: str) -> str:
    """A named postcode that reaches post but no place (``what`` continues "XM4 5HQ is ...")."""
    return (f"{code} is {what}. It is for post only, not a place, so it cannot tell us which clinic is nearest. "
            f"Type the postcode or town where you are, for example SL6 8DG.")


def post_only_area(shown: str, area: str, what: str) -> str:
    """A postcode in a non-geographic area (``BX``)."""
    said = f"{area} is {what}." if shown == area else f"{shown} is a postcode in {area}, {what}."
    return (f"{said} Its postcodes are for post only, not places, so they cannot tell us which clinic is nearest. "
            f"Type the postcode or town where you are, for example SL6 8DG.")


def special_postcode_located(code: str, what: str, at: str) -> str:
    """A named postcode answered from where its addressee really is (``at``)."""
    return f"{code} is {what}. It is not a home address; it is located there, by the postcode {at}."


def retired_district(shown: str, district: str, when: str, towns: Sequence[str], current: Sequence[str]) -> str:
    """An old postcode: its district went ``when``; ``current`` are the districts of its ``towns`` today."""
    now = f" Postcodes in {_or_list(towns)} now start {_or_list(current)}." if current else ""
    return (f"{shown} is an old postcode: the district {district} was retired in {when}.{now} "
            f"Type the postcode from a recent letter, or the town, for example {towns[0]}.")


def area_without_location(area: str) -> str:
    return (f"{area} postcodes have no fixed location, so we cannot tell how far away they are. "
            f"Type the postcode or town where you are, for example SL6 8DG.")


# --- areas larger than a town ------------------------------------------------------------

_KIND_PHRASES = {"county": "a county", "region": "a region", "island": "an island",
                 "islands": "a group of islands", "nation": "a nation", "state": "a country"}


def area_located(name: str, kind: str, at: str, eircode: bool) -> str:
    """A county, island or nation, located at one of its own postcodes (``at``)."""
    return (f"{name} is {_KIND_PHRASES[kind]}, so it is located roughly, at a point inside it ({at}). "
            f"{'An Eircode' if eircode else 'A postcode'} gives a better answer.")


def area_also_covers(region_names: Sequence[str]) -> str:
    """An area reaching a region whose answer differs (the United Kingdom reaches Northern Ireland)."""
    return (f"{_and_list(region_names)} {'is' if len(region_names) == 1 else 'are'} part of it too: "
            f"type {_or_list(region_names)}, or a postcode there, for the answer from there.")


def areas_share_name(typed: str, chosen: str, others: Sequence[str]) -> str:
    return (f"Several areas are called {typed}; this is {chosen}, the largest. "
            f"To choose another, type {_or_list(others)}.")


def area_namesakes(typed: str, descriptions: Sequence[str], near: str) -> str:
    """Smaller places elsewhere sharing an area's name (Wales, the village near Sheffield)."""
    place = "place" if len(descriptions) == 1 else "places"
    return (f"There is also a smaller {place} called {typed}: {'; '.join(descriptions)}. "
            f"To search there, type its postcode district, {near}.")


def joined(first: str | None, second: str | None) -> str | None:
    """Two notes about one answer, said one after the other (either may be missing)."""
    return " ".join(n for n in (first, second) if n) or None


# --- lists -------------------------------------------------------------------------------


def file_too_large(megabytes: float, limit_mb: int) -> str:
    return (f"This file is {megabytes:.1f} MB; a file may be at most {limit_mb} MB. "
            f"Split it into smaller files, or keep only the postcode column.")


def unreadable_csv(reason: str) -> str:
    return f"This file could not be read as a CSV ({reason}). Save it from your spreadsheet as CSV and try again."


def not_utf16() -> str:
    return "This file says it is UTF-16 text but is not. Save it as CSV and try again."


def not_a_csv() -> str:
    return ("This file is not a CSV (it looks like a spreadsheet workbook or another binary file). "
            "In your spreadsheet choose Save As, then CSV, and upload that.")


def too_many_rows(rows: int, limit: int) -> str:
    return (f"This list has {rows:,} rows; one list may hold at most {limit:,}. "
            f"Split it into lists of {limit:,} or fewer and run each one.")



# --- the JSON API's request bodies -------------------------------------------------------


def body_nested_too_deep(example: str) -> str:
    return (f"That JSON is nested far too deeply to be a list of queries. "
            f"The body must be a JSON object like {example}.")


def body_unknown_keys(keys: Sequence[str], example: str) -> str:
    named = ", ".join(repr(k)[:40] for k in keys[:5]) + (", ..." if len(keys) > 5 else "")
    return (f"The body may hold only a list named queries, but it also has {named}. "
            f"Send a JSON object like {example}.")


# --- "Use my location" -----------------------------------------------------------------

_INSTEAD = "Type your postcode or town instead, for example SL6 8DG."
OUT_OF_COVERAGE = ("Your location seems to be at sea, or outside the places our clinics serve (Great Britain, "
                   "Northern Ireland, Ireland, the Isle of Man and the Channel Islands). " + _INSTEAD)
LOCATION_REFUSED = "Your browser did not share your location with us. " + _INSTEAD
LOCATION_UNAVAILABLE = "Your device could not tell where you are just now. " + _INSTEAD
LOCATION_TIMED_OUT = "Finding your location took too long. " + _INSTEAD


def located_at_postcode(within: str, postcode: str, away: str) -> str:
    return f"Located from your device, to within {within}: the nearest postcode is {postcode}, {away} away."


def located_in_region(within: str, where: str) -> str:
    return f"Located from your device, to within {within}, {where}."


# --- the service itself ------------------------------------------------------------------

# What a person sees when the service cannot answer at all; the reason is in the error's detail.
SERVICE_UNAVAILABLE = ("Sorry, the clinic finder cannot look up postcodes just now. "
                       "Please try again in a few minutes.")
TREATMENT_UNAVAILABLE = "Sorry, the treatment information cannot be shown just now. Please try again later."
MAP_UNAVAILABLE = "Sorry, the map cannot be drawn just now."


# --- the page as the server sends it: search engines, and browsers without JavaScript ------

APP_NAME = "Clinic Locator"
PAGE_HEADING = "Find your nearest clinic"
SEARCH_BUTTON = "Find my nearest clinic"
DID_YOU_MEAN = "Did you mean:"
WITHOUT_JAVASCRIPT = ("Your browser is not running JavaScript, so this is the simple version of the page: "
                      "search below, or call or email a clinic directly.")
FULL_FINDER = "Open the full clinic finder, with the map"


def page_description(clinic_names: Sequence[str]) -> str:
    """The page's summary for search results: which clinics, and what the page tells you."""
    return (f"Which of our vein clinics, in {_and_list(clinic_names)}, is nearest to you: type your postcode, "
            "Eircode or town to see how far it is, which number to call and where to email.")


def clinic_title(name: str) -> str:
    """A clinic as a search engine lists it: "Amersham vein clinic"."""
    return f"{name} vein clinic"


# --- an answer, said aloud ---------------------------------------------------------------


def about_miles(miles: float) -> str:
    """A distance as said aloud: "less than a mile", "about 1 mile", "about 12 miles"."""
    if miles < 1:
        return "less than a mile"
    whole = math.floor(miles + 0.5)  # half-up: round() would say 2 for 2.5, which nobody expects
    return f"about {whole} mile" if whole == 1 else f"about {whole} miles"


def readout(searched: str, clinic_name: str, address: str, miles: float, phone: str, email: str) -> str:
    """The answer as one sentence to read out: clinic, address, distance, the number to dial and the email.

    "The nearest clinic to BT1 1AA is our Dublin clinic at Suites 509-510, ...,
    about 92 miles away. You can call +353 1 293 7839 or email enquiries@varicoseveins.ie."
    """
    return (f"The nearest clinic to {searched} is our {clinic_name} clinic at {address}, "
            f"{about_miles(miles)} away. You can call {phone} or email {email}.")


# --- the staff desk's sign-in through the clinics' identity provider (components/staff_sign_in.py) ------

SIGN_IN_INTRO = "The desk is for the clinics' staff. Sign in with your work account."
SIGN_IN_NOT_AVAILABLE = ("Sign-in is not available. Contact your administrator: the desk's sign-in is not set up "
                         "correctly.")
SIGN_IN_PROVIDER_DOWN = ("Sign-in is not available just now: the sign-in service is not answering. Try again in a "
                         "few minutes; if it keeps happening, contact your administrator.")
SIGN_IN_AGAIN = "Your sign-in did not complete, or could not be checked. Sign in again."
SIGNED_OUT = "You have signed out."
SIGNED_OUT_ELSEWHERE = "You signed out of the desk. Sign in again to use it."
SIGN_IN_TRY_AGAIN = "Try again"
SIGN_OUT_LABEL = "Sign out"
DEFAULT_ASK_FOR_ACCESS = ("To ask for access, contact the person who looks after the Clinic Locator for your "
                          "clinic, and give them the address above.")
PASSPHRASE_REFUSED = "The desk now uses the clinics' sign-in: the staff passphrase no longer opens it."


def sign_in_with(provider: str | None) -> str:
    """The sign-in button: "Sign in", or with several providers "Sign in with Microsoft"."""
    return "Sign in" if provider is None else f"Sign in with {provider}"


def session_over(hours: str) -> str:
    return f"Your sign-in has ended: a sign-in lasts {hours}. Sign in again to go on."


def signed_in_as(name: str, who: str) -> str:
    return f"Signed in as {name} ({who})" if name and name.lower() != who else f"Signed in as {who}"


def not_allowed(who: str, ask: str) -> str:
    return f"You are signed in as {who}, but this account is not allowed to use the call-centre desk. {ask}"
