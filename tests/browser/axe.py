"""axe-core in the browser tests: ``run_axe(page_or_frame)`` fails on any WCAG A/AA violation.

axe-core is taken from the npm registry at test time by ``bin/fetch-axe``
(pinned version, checked SHA-256, into the git-ignored ``.cache/``), never
from a CDN. It is evaluated into the page or frame through the browser's
debugging protocol, so a Content-Security-Policy does not stop it and the
page makes no extra request.

    from .axe import run_axe
    run_axe(page)                                     # the page itself, not its iframes
    run_axe(page.locator(MAP).element_handle().content_frame())   # a frame, e.g. the map's
"""

from __future__ import annotations

import functools
import re
import subprocess

from playwright.sync_api import Frame, Page

from . import REPO_ROOT

FETCH = REPO_ROOT / "bin" / "fetch-axe"
#: Every WCAG 2.0, 2.1 and 2.2 rule at levels A and AA; axe's best-practice rules are not WCAG.
WCAG_AA_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa")

_RUN_JS = """async ([tags, exclude]) => {
  const context = exclude.length ? {include: [document], exclude: exclude.map(s => [s])} : document;
  const result = await axe.run(context, {runOnly: {type: 'tag', values: tags}, iframes: false,
                                         resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' >> '), summary: n.failureSummary,
                              html: n.html.slice(0, 200)})),
  }));
}"""


@functools.cache
def axe_source() -> str:
    """The text of axe.min.js, fetching the pinned release first if it is not cached yet."""
    version = re.search(r"^AXE_VERSION=(\S+)$", FETCH.read_text(), re.MULTILINE)[1]
    path = REPO_ROOT / ".cache" / f"axe-core-{version}" / "axe.min.js"
    if not path.is_file():
        subprocess.run([str(FETCH)], check=True)
    return path.read_text(encoding="utf-8")


def axe_violations(target: Page | Frame, exclude: tuple[str, ...] = ()) -> list[dict]:
    """Run axe's WCAG 2.x A and AA rules on ``target``'s document; return its violations.

    ``exclude`` lists CSS selectors to leave out (each must be justified where it is used).
    Frames inside ``target`` are not entered: run this on each frame that matters.
    """
    if not target.evaluate("() => typeof window.axe === 'object'"):
        target.evaluate(axe_source())
    return target.evaluate(_RUN_JS, [list(WCAG_AA_TAGS), list(exclude)])


def run_axe(target: Page | Frame, exclude: tuple[str, ...] = ()) -> None:
    """Fail, listing each rule, element and what axe says is wrong, if ``target`` has any violation."""
    __tracebackhide__ = True
    violations = axe_violations(target, exclude)
    if violations:
        raise AssertionError(f"axe-core found {len(violations)} WCAG A/AA violation(s) in {target.url}:\n"
                             + describe(violations))


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:8]:
            lines.append(f"    {node['target']}\n      {node['html']}\n      "
                         + (node["summary"] or "").replace("\n", "\n      "))
        if len(v["nodes"]) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more")
    return "\n".join(lines)
