"""The app's server over real HTTP, as a browser or a search engine meets it on a first visit.

One ``streamlit run app.py`` for the module, talked to with ``http.client``
(the standard library's client, with no compression or caching of its own).
"""

from __future__ import annotations

import gzip
import http.client
import json
import re
import statistics
import time
import tomllib
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import quote_plus, urlsplit

import brotli
import phonenumbers
import pytest

from locator import messages
from locator.clinics import CLINICS_TOML
from tests.browser import start_streamlit
from web.icon_font import served_copy
from web.public_url import PUBLIC_URL_ENV
from web.site_files import NOT_FOR_CRAWLERS, PUBLIC_PAGES
from web.static_files import IMMUTABLE, NO_CACHE, SHORT_CACHE
from web.static_trees import APP_STATIC, STREAMLIT_STATIC

PUBLIC = "https://clinics.example.org"
SECURITY_HEADERS = ("content-security-policy", "x-content-type-options")
MAP_COMPONENT = "streamlit_folium.st_folium"


@pytest.fixture(scope="module")
def server():
    server = start_streamlit("app.py", env={PUBLIC_URL_ENV: PUBLIC})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def plain_server():
    """The app with no public address set: addresses are the request's own."""
    server = start_streamlit("app.py", env={PUBLIC_URL_ENV: ""})
    yield server
    server.stop()


class Reply:
    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.status = response.status
        self.headers = {k.lower(): v for k, v in response.getheaders()}
        self.raw = response.read()

    @property
    def body(self) -> bytes:
        """The body decoded from its Content-Encoding, as a browser would."""
        coding = self.headers.get("content-encoding", "")
        if coding == "br":
            return brotli.decompress(self.raw)
        if coding == "gzip":
            return gzip.decompress(self.raw)
        assert coding in ("", "identity"), coding
        return self.raw

    @property
    def text(self) -> str:
        return self.body.decode()


def fetch(base: str, path: str, method: str = "GET", **headers: str) -> Reply:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "localhost", parts.port, timeout=60)
    try:
        connection.request(method, path, headers={k.replace("_", "-"): v for k, v in headers.items()})
        return Reply(connection.getresponse())
    finally:
        connection.close()


def clinics_file() -> list[dict]:
    return tomllib.loads(CLINICS_TOML.read_text())["clinic"]


# ------------------------------------------------------------------ no 44 ms wait


def test_requests_on_one_kept_alive_connection_take_a_few_milliseconds_not_nagles_44(server):
    """Without TCP_NODELAY on the accepted connection each request waits for a delayed ACK (about 44 ms).

    That wait is on every request, so with it no round of 30 ever has a request under 40 ms past
    the first few. A loaded machine (2 cores shared by many test runs) delays some requests by its
    own scheduling, never all: a round passes when its median is within 5 ms or, under load, a
    third of its requests are (on a quiet machine all are, about 0.5 ms each). Rounds are tried
    for up to 30 s, so that a busy moment passes; with Nagle's wait none would ever pass.
    """
    parts = urlsplit(server.url)
    rounds = []
    deadline = time.monotonic() + 30
    for path in ("/_stcore/health", "/robots.txt"):
        while True:
            times_ms = _kept_alive_round(parts.hostname or "localhost", parts.port, path)
            rounds.append((path, [round(t, 1) for t in times_ms]))
            if statistics.median(times_ms) <= 5 or sum(t <= 5 for t in times_ms) >= 10:
                break
            if time.monotonic() > deadline:
                pytest.fail(f"requests on a kept-alive connection took over 5 ms: {rounds[-3:]}")


def _kept_alive_round(host: str, port: int | None, path: str, n: int = 30) -> list[float]:
    """Milliseconds for each of ``n`` GETs on one connection, after the one that opens it."""
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        times_ms = []
        for _ in range(n + 1):
            start = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            times_ms.append((time.perf_counter() - start) * 1000)
            assert response.status == 200 and not response.will_close
        return times_ms[1:]
    finally:
        connection.close()


# ------------------------------------------------------------------ the page as sent


class _Page(HTMLParser):
    """What a crawler reads: meta tags, links, JSON-LD blocks, the <noscript> text and its form."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.json_ld: list[dict] = []
        self.title = ""
        self.noscript = ""
        self.forms: list[dict[str, str]] = []
        self._in: list[str] = []
        self._script_type = ""

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self._in.append(tag)
        if tag == "meta" and "name" in a:
            self.meta[a["name"]] = a.get("content", "")
        if tag == "link" and "rel" in a:
            self.links[a["rel"]] = a.get("href", "")
        if tag == "script":
            self._script_type = a.get("type", "")
        if tag == "form":
            self.forms.append(a)

    def handle_endtag(self, tag):
        if tag in self._in:
            del self._in[len(self._in) - 1 - self._in[::-1].index(tag):]

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_data(self, data):
        if self._in and self._in[-1] == "script" and self._script_type == "application/ld+json":
            self.json_ld.append(json.loads(data))
        if self._in and self._in[-1] == "title":
            self.title += data
        if "noscript" in self._in:
            self.noscript += data


def parsed(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


@pytest.mark.parametrize("path", ["/", "/about-treatment", "/call-centre"])
def test_every_page_is_sent_with_a_title_a_description_and_a_canonical_address(server, path):
    reply = fetch(server.url, path)
    assert reply.status == 200 and reply.headers["content-type"].startswith("text/html")
    page = parsed(reply.text)
    names = [c["name"] for c in clinics_file()]
    assert page.meta["description"] == messages.page_description(names)
    assert page.title.strip() != "Streamlit"
    assert page.links["canonical"] == PUBLIC + "/"
    assert all(h in reply.headers for h in SECURITY_HEADERS)
    # Streamlit's bundle is still what draws the page (added after the first paint: web/bundle_after_paint.py)
    assert re.search(r'"\./static/js/index\.[\w-]+\.js"', reply.text)
    assert '<div id="root">' in reply.text


def test_each_clinic_is_described_for_search_engines_as_in_the_clinics_file(server):
    page = parsed(fetch(server.url, "/").text)
    clinics = clinics_file()
    assert len(page.json_ld) == len(clinics)
    for data, clinic in zip(page.json_ld, clinics, strict=True):
        assert data["@context"] == "https://schema.org" and data["@type"] == "MedicalClinic"
        assert clinic["name"] in data["name"]
        assert data["email"] == clinic["email"]
        number = phonenumbers.parse(clinic["phone"], "GB" if clinic["region"] == "GB" else "IE")
        assert data["telephone"] == phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        assert data["telephone"].startswith("+")
        address = data["address"]
        written = ", ".join(clinic["address"])
        for part in (address["streetAddress"], address.get("postalCode", "")):
            assert part in written
        assert address["addressCountry"] == ("GB" if clinic["region"] == "GB" else "IE")
        if clinic["locate_by"] in clinic["address"]:  # a postcode written in the address
            assert address["postalCode"] == clinic["locate_by"]
        geo = data["geo"]
        assert 49 < geo["latitude"] < 56 and -11 < geo["longitude"] < 2  # Britain and Ireland
        assert data["url"] == PUBLIC + "/"


def test_a_browser_without_javascript_is_given_the_clinics_and_a_search_form(server):
    page = parsed(fetch(server.url, "/").text)
    text = " ".join(page.noscript.split())
    for clinic in clinics_file():
        assert clinic["name"] in text and clinic["email"] in text
        for line in clinic["address"]:
            assert line in text
    [form] = page.forms
    assert form["method"] == "get" and form["action"] == "search"
    assert "enable JavaScript" not in text  # Streamlit's own note is replaced


def test_without_a_public_address_the_page_names_the_app_relatively_and_robots_the_address_asked_at(plain_server):
    page = parsed(fetch(plain_server.url, "/").text)
    assert "canonical" not in page.links
    # relative: the page is the same whatever Host a request names
    assert {d["url"] for d in page.json_ld} == {"./"}
    assert f"Sitemap: {plain_server.url}/sitemap.xml" in fetch(plain_server.url, "/robots.txt").text


def test_a_page_already_held_is_not_sent_again(server):
    first = fetch(server.url, "/", Accept_Encoding="br")
    again = fetch(server.url, "/", Accept_Encoding="br", If_None_Match=first.headers["etag"])
    assert again.status == 304 and again.raw == b""
    assert again.headers["etag"] == first.headers["etag"]
    plain = fetch(server.url, "/", If_None_Match=first.headers["etag"])
    assert plain.status == 200 and plain.headers["etag"] != first.headers["etag"]


# ------------------------------------------------------------------ robots.txt and sitemap.xml


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_off_what_is_not_for_the_public(server):
    reply = fetch(server.url, "/robots.txt")
    assert reply.status == 200 and reply.headers["content-type"].startswith("text/plain")
    lines = reply.text.splitlines()
    assert lines[0] == "User-agent: *"
    assert {f"Disallow: {p}" for p in NOT_FOR_CRAWLERS} <= set(lines)
    assert "Disallow: /" not in lines  # the pages themselves stay open
    assert f"Sitemap: {PUBLIC}/sitemap.xml" in lines
    assert all(h in reply.headers for h in SECURITY_HEADERS)


def test_the_sitemap_lists_every_public_page_at_the_public_address(server):
    reply = fetch(server.url, "/sitemap.xml")
    assert reply.status == 200 and reply.headers["content-type"].startswith("application/xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in ET.fromstring(reply.body).findall("s:url/s:loc", ns)]
    assert locs == [f"{PUBLIC}/{page}" for page in PUBLIC_PAGES]


def test_the_sitemap_lists_the_pages_app_py_shows_the_public_and_not_the_staff_desk():
    source = (CLINICS_TOML.parents[1] / "app.py").read_text()
    pages = re.findall(r'st\.Page\([^)]*?url_path="([^"]*)"([^)]*)\)', source, re.S)
    assert pages, "no st.Page in app.py"
    assert sorted(p for p, rest in pages if 'visibility="hidden"' not in rest) == sorted(PUBLIC_PAGES)


# ------------------------------------------------------------------ the answer without JavaScript


def test_the_plain_search_answers_as_the_app_does(server):
    reply = fetch(server.url, "/search?postcode=" + quote_plus("SL6 8DG"))
    assert reply.status == 200 and reply.headers["content-type"].startswith("text/html")
    text = reply.text
    assert "Nearest clinic: Maidenhead" in text and "Your search: SL6 8DG" in text
    assert 'href="tel:+448007836106"' in text
    # private: never stored, never indexed, never passed on in a Referer
    assert reply.headers["cache-control"] == "no-store"
    assert reply.headers["referrer-policy"] == "no-referrer"
    assert "noindex" in reply.headers["x-robots-tag"]
    assert all(h in reply.headers for h in SECURITY_HEADERS)


def test_the_plain_search_dials_dublin_as_from_northern_ireland(server):
    text = fetch(server.url, "/search?postcode=" + quote_plus("BT1 1AA")).text
    assert "Nearest clinic: Dublin" in text and "+353 1 293 7839" in text


def test_a_plain_search_that_cannot_be_answered_says_why_and_shows_what_was_typed_as_text(server):
    typed = '<script>alert("x")</script> ZZ99'
    reply = fetch(server.url, "/search?postcode=" + quote_plus(typed))
    assert reply.status == 200
    assert "<script>alert" not in reply.text
    assert "&lt;script&gt;" in reply.text
    assert 'role="alert"' in reply.text and "<title>Error: " in reply.text


def test_an_empty_plain_search_shows_the_form_again(server):
    reply = fetch(server.url, "/search?postcode=")
    assert reply.status == 200 and 'name="postcode"' in reply.text and 'role="alert"' not in reply.text


# ------------------------------------------------------------------ compressed, once, at set-up


def bundle_script(server) -> str:
    """The path of Streamlit's main script, as the page names it."""
    return "/" + re.search(r'"\./(static/js/index\.[\w-]+\.js)"', fetch(server.url, "/").text).group(1)


@pytest.mark.parametrize("coding", ["br", "gzip"])
def test_streamlits_bundle_is_sent_compressed_and_decodes_to_the_file_itself(server, coding):
    path = bundle_script(server)
    on_disk = (STREAMLIT_STATIC / path.lstrip("/")).read_bytes()
    reply = fetch(server.url, path, Accept_Encoding=f"{coding}, identity;q=0.5")
    assert reply.status == 200
    assert reply.headers["content-encoding"] == coding
    assert int(reply.headers["content-length"]) == len(reply.raw) < len(on_disk) / 2
    assert reply.body == on_disk
    assert reply.headers["content-type"].startswith(("application/javascript", "text/javascript"))
    assert reply.headers["vary"] == "Accept-Encoding"
    assert all(h in reply.headers for h in SECURITY_HEADERS)


def test_brotli_is_preferred_and_a_refused_coding_is_never_sent(server):
    path = bundle_script(server)
    assert fetch(server.url, path, Accept_Encoding="gzip, deflate, br, zstd").headers["content-encoding"] == "br"
    assert fetch(server.url, path, Accept_Encoding="br;q=0, gzip").headers["content-encoding"] == "gzip"
    plain = fetch(server.url, path, Accept_Encoding="br;q=0, gzip;q=0")
    assert "content-encoding" not in plain.headers and plain.headers["vary"] == "Accept-Encoding"
    assert "content-encoding" not in fetch(server.url, path).headers


def test_each_form_has_its_own_etag_and_a_range_counts_the_files_own_bytes(server):
    path = bundle_script(server)
    on_disk = (STREAMLIT_STATIC / path.lstrip("/")).read_bytes()
    etags = {fetch(server.url, path, Accept_Encoding=c).headers["etag"] for c in ("br", "gzip", "identity")}
    assert len(etags) == 3
    part = fetch(server.url, path, Accept_Encoding="br, gzip", Range="bytes=100-199")
    assert part.status == 206 and "content-encoding" not in part.headers
    assert part.raw == on_disk[100:200] and part.headers["content-range"] == f"bytes 100-199/{len(on_disk)}"


def test_head_gives_the_headers_of_get_without_a_body(server):
    path = bundle_script(server)
    get = fetch(server.url, path, Accept_Encoding="br")
    head = fetch(server.url, path, "HEAD", Accept_Encoding="br")
    assert head.status == 200 and head.raw == b""
    for name in ("content-encoding", "content-length", "content-type", "etag", "cache-control", "vary"):
        assert head.headers[name] == get.headers[name]


@pytest.mark.parametrize("path", ["/app/static/vendor/leaflet-1.9.4/leaflet.js", "/app/static/map/land.geojson",
                                  "/app/static/vendor/leaflet-1.9.4/leaflet.css"])
def test_the_apps_own_static_text_files_are_sent_compressed(server, path):
    reply = fetch(server.url, path, Accept_Encoding="br")
    assert reply.headers["content-encoding"] == "br"
    assert reply.body == (APP_STATIC / path.removeprefix("/app/static/")).read_bytes()


def test_the_map_components_files_are_sent_compressed(server):
    frame = fetch(server.url, f"/component/{MAP_COMPONENT}/index.html", Accept_Encoding="gzip")
    assert frame.status == 200 and frame.headers["cache-control"] == "no-cache"
    script = re.search(r'src="\.?/?(static/js/main\.[0-9a-f]+\.js)"', frame.text).group(1)
    reply = fetch(server.url, f"/component/{MAP_COMPONENT}/{script}", Accept_Encoding="br")
    assert reply.headers["content-encoding"] == "br" and reply.headers["cache-control"] == IMMUTABLE


def test_api_answers_are_still_compressed_as_they_are_made(server):
    reply = fetch(server.url, "/api/v1/nearest?q=SL6%208DG", Accept_Encoding="gzip")
    assert reply.status == 200 and json.loads(reply.body)["clinic"]["name"] == "Maidenhead"


@pytest.mark.parametrize("coding", ["br", "gzip"])
def test_the_page_itself_is_sent_compressed(server, coding):
    reply = fetch(server.url, "/", Accept_Encoding=coding)
    assert reply.headers["content-encoding"] == coding and reply.headers["vary"] == "Accept-Encoding"
    assert reply.body == fetch(server.url, "/").raw


# ------------------------------------------------------------------ cached by what the name says


def test_files_named_by_their_content_are_cached_for_a_year(server):
    assert fetch(server.url, bundle_script(server)).headers["cache-control"] == IMMUTABLE


def test_a_url_carrying_a_version_is_cached_for_a_year_and_one_without_is_revalidated(server):
    path = "/app/static/map/land.geojson"
    assert fetch(server.url, path + "?v=7d833c36440ec669").headers["cache-control"] == IMMUTABLE
    short = fetch(server.url, path).headers["cache-control"]
    assert short == SHORT_CACHE and "must-revalidate" in short
    assert 0 < int(re.search(r"max-age=(\d+)", short).group(1)) <= 3600


@pytest.mark.parametrize("path", ["/app/static/vendor/leaflet-1.9.4/leaflet.js",
                                  "/app/static/vendor/leaflet-1.9.4/images/marker-icon.png", "/favicon.png"])
def test_a_file_without_a_hash_is_revalidated_with_its_etag(server, path):
    first = fetch(server.url, path, Accept_Encoding="br")
    assert first.headers["cache-control"] in (SHORT_CACHE, NO_CACHE)
    again = fetch(server.url, path, Accept_Encoding="br", If_None_Match=first.headers["etag"])
    assert again.status == 304 and again.raw == b"" and again.headers["etag"] == first.headers["etag"]
    assert all(h in again.headers for h in SECURITY_HEADERS)


def test_streamlit_s_icon_font_is_sent_cut_down_to_the_app_s_icons_and_revalidated(server):
    served = served_copy()
    assert served is not None, "no cut-down icon font: run python -m web.static_build --build"
    address, copy = served
    whole = STREAMLIT_STATIC / address
    reply = fetch(server.url, "/" + address, Accept_Encoding="br")
    assert reply.status == 200 and reply.raw == copy.read_bytes() and len(reply.raw) < whole.stat().st_size / 10
    # Named by the whole font's hash, so never kept as immutable: an icon added later must reach every browser.
    assert reply.headers["cache-control"] == NO_CACHE and reply.headers["content-type"] == "font/woff2"
    again = fetch(server.url, "/" + address, If_None_Match=reply.headers["etag"])
    assert again.status == 304 and again.raw == b""


def test_a_missing_static_file_is_still_streamlits_404(server):
    assert fetch(server.url, "/app/static/vendor/nothing-here.js").status == 404
    assert fetch(server.url, "/app/static/../app.py").status in (400, 404)
