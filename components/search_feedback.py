"""What a search tells a screen reader and the keyboard, which Streamlit cannot say by itself.

Following GOV.UK's patterns, after each search:

* the answer's heading and first line are put in a polite live region
  (``role="status"``), so they are read out;
* a bad search's message is already an alert (``st.error``); the field is
  marked ``aria-invalid`` and ``aria-describedby`` that message, the page
  title starts "Error: ", and focus moves to the error box, as to an error
  summary;
* when the button that was pressed has gone (a suggestion, once answered),
  focus goes back to the search field rather than being lost.

Streamlit exposes none of these attributes, so this is a small Streamlit v2
component (no iframe) that sets them on the real page. Its own element is
a zero-size live region; everything it writes is set with ``textContent``
or ``setAttribute``, never as HTML.
"""

from __future__ import annotations

import streamlit as st

KEY = "search-feedback"
#: Put before the page's own title while it shows an error.
TITLE_PREFIX = "Error: "

_HTML = '<div class="search-feedback-status" role="status" aria-live="polite" aria-atomic="true"></div>'

# Not isolated in a shadow root, so that the live region is in the page's own accessibility tree
# and findable by id. Its element is visually hidden by components/layout.css, which applies from
# the first paint: a rule sent with the component would come only once its code has loaded, and
# until then Streamlit's placeholder for it took a row of the page.

_JS = """
const MESSAGE_ID = "search-error-message";

function fieldLabelled(label) {
  return document.querySelector(`input[aria-label="${CSS.escape(label)}"]`);
}

function describeBy(field, id, invalid) {
  const ids = (field.getAttribute("aria-describedby") || "").split(/\\s+/).filter(x => x && x !== id);
  if (invalid) ids.push(id);
  if (ids.length) field.setAttribute("aria-describedby", ids.join(" "));
  else field.removeAttribute("aria-describedby");
  if (invalid) field.setAttribute("aria-invalid", "true");
  else field.removeAttribute("aria-invalid");
}

// Streamlit may draw the elements of this run a frame or two after this component.
function whenDrawn(find, then) {
  let tries = 0;
  const look = () => {
    const found = find();
    if (found) then(found);
    else if (tries++ < 40) setTimeout(look, 25);
  };
  requestAnimationFrame(look);
}

function keepErrorTitle(prefix) {
  const apply = () => {
    const title = document.title;
    const base = title.startsWith(prefix) ? title.slice(prefix.length) : title;
    const wanted = window.clinicLocatorErrorPage === window.location.pathname ? prefix + base : base;
    if (title !== wanted) document.title = wanted;
  };
  if (!window.clinicLocatorTitleKept) {
    window.clinicLocatorTitleKept = true;
    new MutationObserver(apply).observe(document.head, { subtree: true, childList: true, characterData: true });
  }
  apply();
}

function focusLost() {
  const active = document.activeElement;
  return !active || active === document.body || !active.isConnected;
}

export default function ({ data, parentElement }) {
  const status = parentElement.querySelector("[role=status]");
  const firstDraw = !parentElement.dataset.drawn;
  parentElement.dataset.drawn = "1";

  // Emptied first, so that the same answer twice is still read out twice.
  status.textContent = "";
  if (data.status) setTimeout(() => { status.textContent = data.status; }, 100);

  // Streamlit writes the page title itself when a run's page settings arrive, which can be after
  // this: the prefix is kept on through such writes, on this page only.
  window.clinicLocatorErrorPage = data.problem ? window.location.pathname : null;
  keepErrorTitle(data.prefix);

  if (data.problem) {
    whenDrawn(() => document.querySelector(`.st-key-${data.problem} [role=alert]`), alert => {
      alert.id = MESSAGE_ID;
      const field = fieldLabelled(data.field);
      if (field) describeBy(field, MESSAGE_ID, true);
      const box = alert.closest(`.st-key-${data.problem}`);
      box.setAttribute("tabindex", "-1");
      box.focus();
    });
    return;
  }
  const field = fieldLabelled(data.field);
  if (field) describeBy(field, MESSAGE_ID, false);
  if (!firstDraw) {
    // A suggestion button removed by its own answer takes focus with it: give it to the field.
    whenDrawn(() => true, () => { if (focusLost() && field && field.isConnected) field.focus(); });
  }
}
"""

_component = st.components.v2.component("clinic_locator.search_feedback", html=_HTML, js=_JS,
                                         isolate_styles=False)


def search_feedback(field_label: str, *, announce: str = "", problem_key: str | None = None) -> None:
    """Draw the (invisible) feedback for this run's search.

    ``field_label`` is the search field's label; ``announce`` the words to
    read out (the answer's heading and first line), empty when there is
    nothing new; ``problem_key`` the key of the container holding this run's
    ``st.error``, when the search failed.
    """
    _component(data={"field": field_label, "status": announce, "problem": problem_key, "prefix": TITLE_PREFIX},
               key=KEY)
