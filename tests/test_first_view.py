"""Every page's HTML carries the layout's styles and the first view of "Find a clinic"
(web/first_view.py): the heading, the hint and every clinic, as escaped HTML, shown only at
the app's root address. tests/browser/test_first_view.py checks it in Chromium."""

from __future__ import annotations

import dataclasses
import json
import re
from html import escape

import pytest

from components.layout import stylesheet
from components.search import HINT
from components.view import clinic_pins
from locator import Locator, messages
from web import first_view
from web.page_html import INDEX_HTML, PageTemplateError, build_page, render

LOCATOR = Locator.load()
PAGE_URL = "https://clinics.example.org/"


def test_the_layout_s_styles_are_in_the_head_so_they_apply_from_the_first_paint():
    page = build_page(LOCATOR, PAGE_URL, True)
    head = page[: page.index("</head>")]
    assert stylesheet() in head
    assert "--map-height:" in head


def test_the_first_view_has_the_heading_the_hint_and_every_clinic_in_the_root():
    page = build_page(LOCATOR, PAGE_URL, True)
    root = page[page.index('<div id="root">'):]
    view = root[: root.index("</ul>")]
    assert f"<h1>{escape(messages.PAGE_HEADING)}</h1>" in view
    assert escape(HINT) in view
    for pin in clinic_pins(LOCATOR.clinics):
        assert f"<strong>{escape(pin.name)}</strong>" in view
        assert all(escape(line) in view for line in pin.address)
        assert f'href="{pin.phone_tel}"' in view and f'href="mailto:{pin.email}"' in view
    assert view.count('class="clinic-card"') == len(LOCATOR.clinics)


def test_the_first_view_is_hidden_but_at_the_app_s_root_address_and_without_javascript():
    view = first_view.root(clinic_pins(LOCATOR.clinics), PAGE_URL)
    assert re.match(r'<div id="first-view" class="first-view" hidden>', view)
    assert f'new URL("{PAGE_URL}",document.baseURI)' in view


def test_clinic_text_in_the_first_view_is_escaped():
    odd = dataclasses.replace(clinic_pins(LOCATOR.clinics)[0], name="<script>alert(1)</script>",
                              address=("1 \"High\" St & Co",))
    view = first_view.root([odd], PAGE_URL)
    assert "<script>alert" not in view
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in view and "1 &quot;High&quot; St &amp; Co" in view


def test_streamlit_s_bundle_is_not_asked_for_in_the_head_but_added_after_the_first_paint_file_for_file():
    template = INDEX_HTML.read_text(encoding="utf-8")
    wanted = re.findall(r'<(?:script type="module"|link rel="modulepreload") crossorigin (?:src|href)="([^"]+)"',
                        template)
    page = build_page(LOCATOR, PAGE_URL, True)
    assert wanted and 'rel="modulepreload"' not in page and '<script type="module"' not in page
    loader = page[page.rindex("<script>"): page.index("</body>")]
    assert "requestAnimationFrame" in loader
    assert all(json.dumps(url) in loader for url in wanted)


def test_a_streamlit_whose_page_asks_for_its_bundle_otherwise_is_refused_loudly():
    template = INDEX_HTML.read_text(encoding="utf-8")
    with pytest.raises(PageTemplateError, match="module scripts"):
        render(re.sub(r'<script type="module"[^>]*></script>', "", template), [])
