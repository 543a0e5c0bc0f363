"""Streamlit's bundle starts loading once the first view has been painted, not before.

Streamlit's ``index.html`` asks for its bundle in the head: one ``<script type="module">``
and some sixty ``<link rel="modulepreload">``, about 700 KB (compressed) of high-priority
script that starts downloading with the HTML. The page's first view is painted from the
HTML itself (:mod:`web.first_view`), so on a slow link those requests only compete with
what the first paint needs (the HTML, the styles) for the same bandwidth.

:func:`after_first_paint` takes them out of the head and puts a small inline script in
their place that adds the very same tags (same files, same order, same ``crossorigin``)
once the first view has been painted: when the browser reports its first contentful
paint (a ``PerformanceObserver``; at most 3 s), or, where there is no first view to
paint (the other pages, embedded) or no paint timing, one frame on
(``requestAnimationFrame`` runs before a paint, the ``setTimeout`` from it after).
In a tab that is not shown (no frames run there) it adds them at once. Every file is
still preloaded, so the bundle still loads in one round of requests, not import by
import. See ADR 17.
"""

from __future__ import annotations

import json
import re

_ENTRY = re.compile(r'[ \t]*<script type="module" crossorigin src="([^"]+)"></script>\n?')
_PRELOAD = re.compile(r'[ \t]*<link rel="modulepreload" crossorigin href="([^"]+)">\n?')


#: Preloads added per task. Starting a preload costs the main thread a few milliseconds on a phone
#: (about 6 ms each at Lighthouse's 4x CPU slowdown): sixty in one task held it for up to 350 ms just
#: after the first paint, when a person may already be scrolling; in tasks of six, none is long.
PRELOADS_PER_TASK = 6


class BundleNotFound(ValueError):
    """Streamlit's index.html no longer asks for its bundle as this module expects (a Streamlit upgrade)."""


def after_first_paint(page: str) -> str:
    """``page`` (Streamlit's index.html) with its bundle's tags replaced by a script that adds them after the first paint."""
    entries = _ENTRY.findall(page)
    if len(entries) != 1:
        raise BundleNotFound(f"Streamlit's index.html has {len(entries)} module scripts, not one")
    preloads = _PRELOAD.findall(page)
    page = _PRELOAD.sub("", _ENTRY.sub("", page))
    preloaded = json.dumps(preloads, separators=(",", ":"))
    loader = (
        "<script>(function(){var d=document,w=window,done=false,v=d.getElementById('first-view');"
        "function add(tag,rel,url){var e=d.createElement(tag);e.crossOrigin='anonymous';"
        "if(rel){e.rel=rel;e.href=url}else{e.type='module';e.src=url}d.head.appendChild(e)}"
        "function load(){if(done)return;done=true;"
        f"add('script','',{json.dumps(entries[0])});var left={preloaded};"
        f"(function next(){{left.splice(0,{PRELOADS_PER_TASK}).forEach(function(u){{add('link','modulepreload',u)}});"
        "if(left.length)setTimeout(next,0)})()}"
        "d.addEventListener('visibilitychange',load);"
        "if(d.visibilityState==='hidden')load();"
        "else if(v&&!v.hidden&&w.PerformanceObserver&&(PerformanceObserver.supportedEntryTypes||[]).indexOf('paint')>=0){"
        "new PerformanceObserver(function(l,o){if(l.getEntriesByName('first-contentful-paint').length){o.disconnect();load()}})"
        ".observe({type:'paint',buffered:true});setTimeout(load,3000)}"
        "else requestAnimationFrame(function(){setTimeout(load,0)});})();</script>"
    )
    # Last in the body: by the time it runs, the first view is in the document to be painted.
    if page.count("</body>") != 1:
        raise BundleNotFound(f"Streamlit's index.html has {page.count('</body>')} '</body>', not one")
    return page.replace("</body>", loader + "</body>")
