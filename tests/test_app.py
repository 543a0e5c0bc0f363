"""The Find a clinic page, run as a script by Streamlit's AppTest: what a person sees
on arrival, after a search, after a bad search and when opening a shared link.

The real core, index and clinics; no browser (tests/browser/test_find_clinic.py
drives Chromium).
"""

from __future__ import annotations

import re
from collections import Counter
from html import unescape
from html.parser import HTMLParser

import pytest
from geopy.distance import geodesic
from streamlit.testing.v1 import AppTest

from components.resources import load_locator
from components.text import distance_sentence
from locator import Locator, messages
from locator.contacts import home_contact
from locator.errors import IndexUnavailable
from locator.model import Region
from tests.apptest import html_text, search, shown, the_map

# However many clinics the clinics file lists.
CLINICS = Locator.load().clinics


def liverpool():
    """The core's answer for L1 8JQ, and the clinic the rule sends it to: the nearest that serves Great Britain."""
    answer = Locator.load().lookup("L1 8JQ")
    here = (answer.location.lat, answer.location.lon)
    serving = [c for c in CLINICS if Region.GREAT_BRITAIN in c.serves]
    return answer, min(serving, key=lambda c: geodesic(here, (c.lat, c.lon)).meters)

FREEPHONE = "0800 783 6106"
FREEPHONE_TEL = "tel:+448007836106"
DUBLIN_FROM_NI = "+353 1 293 7839"
DUBLIN_IN_IRELAND = "01 293 7839"
DUBLIN_TEL = "tel:+35312937839"
ENGLISH_EMAIL = "enquiries@britishveininstitute.com"
DUBLIN_EMAIL = "enquiries@varicoseveins.ie"
SCRIPT_TAG = "<script>alert(1)</script>"
IMG_ONERROR = "<img src=x onerror=alert(1)>"


# ------------------------------------------------------------------------ helpers


def open_link(at: AppTest, **query) -> AppTest:
    """Open the page at ``/?key=value``, as from a bookmark or a shared link."""
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


class _Cells(HTMLParser):
    """The text of an HTML table, row by row and cell by cell, as a person reads it."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append("")

    def handle_data(self, data) -> None:
        if self.rows and self.rows[-1]:
            self.rows[-1][-1] += data


def table_rows(html: str) -> list[list[str]]:
    """Each row of the (one) table in ``html`` as its cells' text, the header row first."""
    cells = _Cells()
    cells.feed(html)
    return cells.rows


def block(at: AppTest, key: str):
    """The container drawn with ``key`` (e.g. the answer card), or None."""

    def walk(node):
        for child in getattr(node, "children", {}).values():
            if getattr(child, "key", None) == key and child.type == "flex_container":
                return child
            found = walk(child)
            if found is not None:
                return found
        return None

    return walk(at._tree)


def problem_message(at: AppTest) -> str:
    """The message in the search's error box, as a person reads it (escapes and word joiners gone)."""
    [error] = block(at, "search-problem").get("error")
    heading, _, body = error.value.partition("\n\n")
    assert heading == "**We could not find that**"  # bold, then the message, in one alert
    return shown(body).replace("\u2060", "")


def card(at: AppTest):
    found = block(at, "answer-card")
    assert found is not None, "no answer card on the page"
    return found


def links(node) -> dict[str, str]:
    """Each link button under ``node`` as label (as seen) -> URL."""
    return {shown(b.proto.label): b.proto.url for b in node.get("link_button")}


def card_text(at: AppTest) -> str:
    """Everything the answer card says, in order, as a person reads it."""
    parts = []

    def walk(node):
        for child in node.children.values():
            if child.type in ("link_button", "button"):
                parts.append(shown(child.proto.label))
            elif child.type in ("header", "subheader", "text", "markdown", "caption", "page_link"):
                parts.append(shown(child.value))
            elif child.type == "html":
                parts.extend(" | ".join(row) for row in table_rows(child.proto.body))
            if getattr(child, "children", None):
                walk(child)

    walk(card(at))
    return "\n".join(parts)


def no_traceback(at: AppTest) -> None:
    assert not at.exception, at.exception[0].value if at.exception else ""


# ------------------------------------------------------------------------ arrival


def test_arrival_shows_no_answer_before_anything_is_searched(app):
    app.run()
    no_traceback(app)
    assert block(app, "answer-card") is None
    assert block(app, "search-problem") is None
    assert not any(h.value.startswith("Nearest clinic") for h in app.header)


def test_the_one_field_is_labelled_postcode_and_shows_an_example(app):
    app.run()
    assert len(app.text_input) == 1
    field = app.text_input[0]
    assert "postcode" in field.label.lower()
    assert "SL6 8DG" in field.placeholder


def test_arrival_lists_every_clinic_with_tap_to_call_and_email_links(app):
    app.run()
    (cards,) = [h for h in app.get("html") if 'class="clinic-cards"' in h.proto.body]
    text = html_text(app).splitlines()
    assert "Our clinics" in text
    for name, line in [("Amersham", "24-28 The Broadway"), ("Maidenhead", "The Bridge Clinic"),
                       ("London", "62 Wimpole Street"), ("Dublin", "Q House, 76 Furze Road")]:
        assert name in text and line in text
    for clinic in CLINICS:
        assert clinic.name in text and all(line in text for line in clinic.address) and clinic.email in text
    urls = Counter(unescape(href) for href in re.findall(r'href="([^"]*)"', cards.proto.body))
    assert urls == Counter(home_contact(c).tel_uri for c in CLINICS) + Counter(f"mailto:{c.email}" for c in CLINICS)
    assert {FREEPHONE_TEL, DUBLIN_TEL, f"mailto:{ENGLISH_EMAIL}", f"mailto:{DUBLIN_EMAIL}"} <= set(urls)


def test_arrival_map_shows_every_clinic_from_the_app_s_own_files(app):
    app.run()
    args = the_map(app)
    assert len(re.findall(r"L\.marker\(\n\s*\[", args["script"])) == len(CLINICS)
    for clinic in CLINICS:
        assert clinic.name in args["script"]
    assert "L.circleMarker(" not in args["script"] + args["feature_group"]  # no searched place yet
    assert args["js_links"] and args["css_links"]
    for url in args["js_links"] + args["css_links"]:
        assert url.startswith(("../../app/static/vendor/", "../../app/static/map/")), url
    assert args["returned_objects"] == []


def test_the_data_sources_are_credited(app):
    app.run()
    credits = " ".join(shown(c.value) for c in block(app, "credits").get("caption"))
    for source in ("OS data", "GeoNames", "Natural Earth"):
        assert source in credits


# ------------------------------------------------------------------------ the answer


def test_great_britain_caller_is_sent_to_the_nearest_english_clinic_with_the_freephone_number(app):
    search(app, "SL6 8DG")
    no_traceback(app)
    assert app.header[0].value == "Nearest clinic: Maidenhead"
    answer_links = links(card(app))
    assert answer_links[FREEPHONE] == FREEPHONE_TEL
    assert answer_links[ENGLISH_EMAIL] == f"mailto:{ENGLISH_EMAIL}"


def test_northern_ireland_caller_sees_dublin_number_in_international_form(app):
    search(app, "BT1 1AA")
    assert app.header[0].value == "Nearest clinic: Dublin"
    answer_links = links(card(app))
    assert answer_links[DUBLIN_FROM_NI] == DUBLIN_TEL
    assert DUBLIN_IN_IRELAND not in answer_links
    assert answer_links[DUBLIN_EMAIL] == f"mailto:{DUBLIN_EMAIL}"


def test_ireland_caller_sees_dublin_number_as_dialled_at_home(app):
    search(app, "D18 X5K7")
    assert app.header[0].value == "Nearest clinic: Dublin"
    assert links(card(app))[DUBLIN_IN_IRELAND] == DUBLIN_TEL


@pytest.mark.parametrize("postcode, clinic", [("HP7 0HP", "Amersham"), ("SL6 8DG", "Maidenhead"),
                                              ("W1G 8AJ", "London")])
def test_each_english_clinic_s_own_postcode_finds_that_clinic_next_door(app, postcode, clinic):
    search(app, postcode)
    assert app.header[0].value == f"Nearest clinic: {clinic}"
    assert "Less than 0.1 miles (under 0.2 km) away in a straight line." in card_text(app)


def test_liverpool_goes_to_an_english_clinic_though_dublin_is_nearer_in_a_straight_line(app):
    answer, rule = liverpool()
    search(app, "L1 8JQ")
    assert app.header[0].value == f"Nearest clinic: {rule.name}"
    assert links(card(app))[FREEPHONE] == FREEPHONE_TEL
    [table] = card(app).get("html")
    header, *rows = table_rows(table.proto.body)
    assert header == ["Clinic", "Distance in a straight line"]
    assert [f"{rule.name} (your clinic)"] == [name for name, _ in rows if name.endswith("(your clinic)")]
    assert "<strong>" + rule.name + "</strong> (your clinic)" in table.proto.body
    assert "Dublin (does not take patients from Great Britain)" in [name for name, _ in rows]
    assert [name.split(" (")[0] for name, _ in rows] == [d.clinic.name for d in answer.distances]


def test_the_distance_table_shows_names_as_written_never_as_html():
    from dataclasses import replace

    from components.answer_card import distance_table
    from components.view import DistanceLine, answer_card

    card = answer_card(load_locator().lookup("BT1 1AA"))
    odd = "<img src=x onerror=alert(1)> & Sons"
    card = replace(card, region_name="<b>Ulster</b>", distances=(
        DistanceLine(odd, 1.0, 1.6, chosen=True, serves_you=True),
        DistanceLine("A&amp;B", 2.0, 3.2, chosen=False, serves_you=False),
    ))
    html = distance_table(card)
    assert "<img" not in html and "<b>" not in html
    assert table_rows(html)[1:] == [[f"{odd} (your clinic)", "1.0 miles (1.6 km)"],
                                    ["A&amp;B (does not take patients from <b>Ulster</b>)", "2.0 miles (3.2 km)"]]


def test_the_answer_card_reads_in_order_heading_search_distance_phone_email_address_directions(app):
    answer, rule = liverpool()
    search(app, "L1 8JQ")
    text = card_text(app)
    expected_order = [
        f"Nearest clinic: {rule.name}",
        "Your search: L1 8JQ",
        distance_sentence(answer.distance.miles, answer.distance.km),
        FREEPHONE,
        ENGLISH_EMAIL,
        rule.address[0],
        "Directions",
        "What to expect at your visit",
        "Distance in a straight line",
    ]
    positions = [text.index(part) for part in expected_order]
    assert positions == sorted(positions), text
    assert text.startswith(f"Nearest clinic: {rule.name}")


def test_directions_open_google_maps_with_the_clinic_as_destination(app):
    search(app, "SL6 8DG")
    url = links(card(app))["Directions"]
    assert url.startswith("https://www.google.com/maps/dir/?api=1&destination=")
    assert "Maidenhead" in url and "SL6%208DG" in url


def test_the_answer_links_to_what_to_expect_at_your_visit(app):
    search(app, "SL6 8DG")
    page_links = card(app).get("page_link")
    assert [p.value for p in page_links] == ["What to expect at your visit"]
    assert page_links[0].proto.page == "about-treatment"
    assert page_links[0].proto.query_string == "search=SL6+8DG"  # so that page can link back to this answer


def test_the_searched_postcode_is_shown_in_its_normal_form(app):
    search(app, "  sl68dg ")
    assert "Your search: SL6 8DG" in card_text(app)


def test_a_full_postcode_needs_no_word_on_precision(app):
    search(app, "SL6 8DG")
    assert "Located by" not in card_text(app)


def test_a_search_located_less_precisely_than_a_postcode_says_so_with_the_core_s_note(app):
    search(app, "BT1 1AA")
    text = card_text(app)
    assert "Located by postcode district, not the full postcode." in text
    assert "Northern Ireland postcodes are located approximately, at Belfast" in text


def test_an_ambiguous_search_offers_the_other_meaning_as_a_button(app):
    search(app, "W12")
    assert app.header[0].value == "Nearest clinic: London"
    assert 'type "Eircode W12"' in card_text(app)
    card(app).get("button")[0].click().run()
    assert app.text_input(key="postcode").value == "Eircode W12"
    assert app.header[0].value == "Nearest clinic: Dublin"


def test_after_a_search_the_map_shows_the_searched_place_and_fits_it_with_the_chosen_clinic(app):
    search(app, "L1 8JQ")
    args = the_map(app)
    assert len(re.findall(r"L\.marker\(\n\s*\[", args["script"])) == len(CLINICS)
    layer = args["feature_group"]
    assert "L.circleMarker(" in layer and "L1 8JQ" in layer
    assert "clinicMap.fitView(" in layer
    assert "Amersham" in layer


# ------------------------------------------------------------------------ bad input


def test_an_unknown_town_gets_the_core_s_message_and_a_button_for_each_suggestion(app):
    search(app, "Maidenhed")
    no_traceback(app)
    problem = block(app, "search-problem")
    assert problem is not None and block(app, "answer-card") is None
    message = problem_message(app)
    assert message.startswith("We could not find a place called Maidenhed. Did you mean Maidenhead?")
    assert "SL6 8DG" in message  # an example of a good search
    [suggestion] = problem.get("button")
    assert shown(suggestion.label) == "Maidenhead"
    suggestion.click().run()
    assert app.text_input(key="postcode").value == "Maidenhead"
    assert app.header[0].value == "Nearest clinic: Maidenhead"


@pytest.mark.parametrize("text", [SCRIPT_TAG, IMG_ONERROR, "**bold** [link](javascript:alert(1)) www.example.com"])
def test_markup_in_the_search_is_shown_as_plain_text_never_as_html_or_markdown(app, text):
    search(app, text)
    no_traceback(app)
    assert problem_message(app).startswith(text)  # shown character for character
    for element in app.get("markdown") + app.get("caption"):
        assert text not in element.value
        assert not (element.proto.allow_html and "alert" in element.value)
    assert all(text not in e.value for e in app.get("error"))  # escaped before it reaches Markdown
    assert all(text not in e.proto.body for e in app.get("html"))


@pytest.mark.parametrize("text", [
    "   ",
    "90210",
    "SL6 8DG HP7 0HP",
    "SL6 8D",
    "ZZ1 1ZZ",
    "x" * 300,
    "SL6\u202e8DG",
    "\x00",
    "Xyzzyville",
])
def test_bad_input_gets_a_plain_message_with_an_example_and_never_a_traceback(app, text):
    search(app, text)
    no_traceback(app)
    problem = block(app, "search-problem")
    assert problem is not None
    message = problem_message(app)
    assert re.search(r"SL6 8DG|Reading|D18 X5K7", message), message


def test_a_bad_search_after_a_good_one_replaces_the_answer_and_the_map_goes_back_to_all_clinics(app):
    search(app, "SL6 8DG")
    search(app, "Xyzzyville")
    assert block(app, "answer-card") is None
    assert block(app, "search-problem") is not None
    assert "L.circleMarker(" not in the_map(app)["feature_group"]


# ------------------------------------------------------------------------ deep links


def test_a_link_with_a_postcode_opens_with_the_answer_shown_and_the_field_filled(app):
    open_link(app, postcode="SL6 8DG")
    no_traceback(app)
    assert app.text_input(key="postcode").value == "SL6 8DG"
    assert app.header[0].value == "Nearest clinic: Maidenhead"


def test_a_link_with_embed_and_a_postcode_opens_with_the_answer(app):
    open_link(app, embed="true", postcode="BT1 1AA")
    no_traceback(app)
    assert app.header[0].value == "Nearest clinic: Dublin"
    assert DUBLIN_FROM_NI in links(card(app))


def test_a_link_with_markup_in_the_postcode_shows_it_as_text(app):
    open_link(app, postcode=IMG_ONERROR)
    no_traceback(app)
    assert problem_message(app).startswith(IMG_ONERROR)


# ------------------------------------------------------------------------ no index


@pytest.fixture
def broken_index(monkeypatch):
    def load(*args, **kwargs):
        raise IndexUnavailable(messages.SERVICE_UNAVAILABLE,
                               detail="The postcode index data/build/index.bin could not be read: run bin/setup.")

    load_locator.clear()
    monkeypatch.setattr(Locator, "load", load)
    yield
    load_locator.clear()


def test_an_index_that_cannot_be_loaded_is_explained_plainly_on_the_page_and_in_detail_in_the_log(
        app, broken_index, caplog):
    open_link(app, postcode="SL6 8DG")
    no_traceback(app)
    assert [e.value for e in app.error] == [messages.SERVICE_UNAVAILABLE]
    assert "bin/setup" not in messages.SERVICE_UNAVAILABLE and "index" not in messages.SERVICE_UNAVAILABLE
    assert block(app, "answer-card") is None
    assert "data/build/index.bin could not be read: run bin/setup" in caplog.text
