"""The app inside another site's page, as the README's snippet embeds it: the iframe takes the
height of the answer (iframe-resizer's parent script, served by the app), and only the
allowed origins may frame it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from components.search import LABEL

from . import screenshot

FRAME = "#clinic-locator"
CARD = ".st-key-answer-card"


def frame_height(page: Page) -> float:
    return page.locator(FRAME).bounding_box()["height"]


def settled_height(page: Page, timeout_ms: int = 15_000) -> float:
    """The iframe's height once it has stopped changing for half a second."""
    last, stable_since = -1.0, 0
    for _ in range(timeout_ms // 100):
        height = frame_height(page)
        stable_since = stable_since + 1 if height == last else 0
        if stable_since >= 5:
            return height
        last = height
        page.wait_for_timeout(100)
    raise AssertionError(f"the iframe's height kept changing (last {last}px)")


def inner_scroll(page: Page) -> dict:
    app = page.frame_locator(FRAME)
    return app.locator("html").evaluate(
        "() => { const e = document.scrollingElement;"
        "  return {scroll: e.scrollHeight, client: e.clientHeight, inner: window.innerHeight}; }")


def test_the_embedded_app_grows_with_its_answer_and_never_scrolls_inside(page: Page, parent_site, app_url):
    page.goto(parent_site.url + "/embed.html")
    app = page.frame_locator(FRAME)
    field = app.get_by_label(LABEL)
    expect(field).to_be_visible(timeout=30_000)
    before = settled_height(page)
    assert before > 300, "iframe-resizer set the height from the content (an iframe is 150 px by default)"

    field.fill("SL6 8DG")
    field.press("Enter")
    expect(app.locator(CARD)).to_be_visible()
    after = settled_height(page)
    assert after > before + 100, (before, after)
    sizes = inner_scroll(page)
    assert sizes["scroll"] <= sizes["client"] + 1, f"the app scrolls inside its frame: {sizes}"
    # The whole answer sits within the frame, and the site's own footer follows it.
    card = app.locator(CARD).bounding_box()
    frame = page.locator(FRAME).bounding_box()
    assert card["y"] + card["height"] <= frame["y"] + frame["height"]
    assert page.locator("#site-footer").bounding_box()["y"] >= frame["y"] + frame["height"]
    screenshot(page, "embed-parent-after-search")


def test_a_site_not_named_in_the_allowed_origins_cannot_frame_the_app(page: Page, parent_site, app_url):
    # The same page from another origin (localhost is not 127.0.0.1 to a browser), not in the list.
    other_site = parent_site.url.replace("127.0.0.1", "localhost")
    page.goto(other_site + "/embed.html")
    expect(page.locator("#site-footer")).to_be_visible()
    page.wait_for_timeout(1_000)
    refused = [e for e in page.log.errors if "frame-ancestors" in e]
    assert refused, f"Chromium did not refuse the frame; errors: {page.log.errors}"
    page.log.errors[:] = [e for e in page.log.errors if e not in refused]
    expect(page.frame_locator(FRAME).get_by_label(LABEL)).to_have_count(0)
    assert not [f for f in page.frames if f.url.startswith(app_url) and f.locator("[data-testid=stApp]").count()]
