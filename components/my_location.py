"""The "Use my location" button: the device's position, asked for once, on a click, never on load.

A Streamlit v2 component (no iframe, no CDN: the app serves it). It is an
ordinary ``<button>`` with an accessible name, drawn only where the browser
can give a position: ``navigator.geolocation`` exists, the page is a secure
context (HTTPS or localhost) and, when embedded, the parent page's iframe
allows geolocation (``allow="geolocation"``).

On a click it says it is looking (on the button and in a live region), asks
the browser once, with a 10 s time-out, and sends Python one of two
one-run trigger values:

* ``position``: ``{"lat", "lon", "accuracy"}``, rounded in the browser to
  0.001° (about 100 m) before it leaves the page;
* ``failure``: ``"denied"``, ``"unavailable"`` or ``"timeout"``.

A trigger value lasts for the run it starts and is then gone: the position
is never kept in the session, the address bar or the logs.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from components.view import DevicePosition

LABEL = "Use my location"
LOOKING = "Finding your location…"
#: How long the browser may take to find the position, in milliseconds.
TIMEOUT_MS = 10_000

_HTML = """<div class="my-location" hidden>
<button type="button"><svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
<circle cx="12" cy="12" r="3.2" fill="currentColor"/><circle cx="12" cy="12" r="7" fill="none" stroke="currentColor"
stroke-width="2"/><path d="M12 1v4M12 19v4M1 12h4M19 12h4" stroke="currentColor" stroke-width="2"/></svg>
<span class="label"></span></button>
<span class="status" role="status" aria-live="polite"></span>
</div>"""

_CSS = """
:host { display: block; }
.my-location { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 0.75rem; }
.my-location[hidden] { display: none; }
button {
  display: inline-flex; align-items: center; gap: 0.5rem;
  font: inherit; font-size: 1rem; line-height: 1.4; cursor: pointer;
  min-height: 48px; padding: 0.5rem 1rem; border-radius: 0.5rem;
  color: inherit; background: transparent; border: 1px solid rgba(128, 128, 128, 0.6);
}
button:hover { border-color: currentColor; }
button:focus-visible { outline: 3px solid currentColor; outline-offset: 2px; }
button[aria-busy="true"] { cursor: progress; }
.status { font-size: 0.875rem; }
"""

_JS = """
function geolocationAllowed() {
  if (!("geolocation" in navigator) || !window.isSecureContext) return false;
  const policy = document.permissionsPolicy || document.featurePolicy;
  return !(policy && policy.allowsFeature && !policy.allowsFeature("geolocation"));
}

const FAILURES = {1: "denied", 2: "unavailable", 3: "timeout"};
const round = x => Math.round(x * 1000) / 1000;

export default function ({ data, parentElement, setTriggerValue }) {
  const box = parentElement.querySelector(".my-location");
  const button = box.querySelector("button");
  const label = button.querySelector(".label");
  const status = box.querySelector("[role=status]");
  box.hidden = !geolocationAllowed();
  let looking = false;
  const show = busy => {
    looking = busy;
    label.textContent = busy ? data.looking : data.label;
    status.textContent = busy ? data.looking : "";
    if (busy) button.setAttribute("aria-busy", "true"); else button.removeAttribute("aria-busy");
  };
  show(false);
  button.onclick = () => {
    if (looking) return;
    show(true);
    navigator.geolocation.getCurrentPosition(
      p => {
        show(false);
        setTriggerValue("position", {lat: round(p.coords.latitude), lon: round(p.coords.longitude),
                                     accuracy: Math.round(p.coords.accuracy)});
      },
      e => { show(false); setTriggerValue("failure", FAILURES[e.code] || "unavailable"); },
      {enableHighAccuracy: false, timeout: data.timeout, maximumAge: 60000},
    );
  };
}
"""

_component = st.components.v2.component("clinic_locator.my_location", html=_HTML, css=_CSS, js=_JS)


def my_location_button(on_click: Callable[[], None], key: str = "my-location") -> DevicePosition | str | None:
    """Draw the button; return this run's position, a failure ("denied", "unavailable", "timeout"), or None.

    ``on_click`` runs before the rerun that carries the answer (to clear a
    search the position replaces, say).
    """
    result = _component(data={"label": LABEL, "looking": LOOKING, "timeout": TIMEOUT_MS}, key=key,
                        on_position_change=on_click, on_failure_change=on_click)
    position, failure = result.position, result.failure
    if isinstance(position, dict):
        try:
            return DevicePosition(float(position["lat"]), float(position["lon"]),
                                  float(position["accuracy"]) if position.get("accuracy") is not None else None)
        except (KeyError, TypeError, ValueError):
            return "unavailable"
    return failure if isinstance(failure, str) else None
