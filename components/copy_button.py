"""A "Copy" button that puts a text on the clipboard, reachable with Tab and pressed with Enter.

``st.code`` has a copy icon, but Streamlit keeps it ``visibility: hidden``
until the mouse hovers the box, so the keyboard never reaches it. This is an
ordinary ``<button>`` in the page (a Streamlit v2 component, no iframe).
The text travels as data and is only ever set with ``textContent``/``value``,
never parsed as HTML.
"""

from __future__ import annotations

import streamlit as st

_HTML = '<button type="button"></button><span role="status" aria-live="polite"></span>'

_CSS = """
:host { display: block; }
button {
  font: inherit; font-size: 0.875rem; line-height: 1.6; cursor: pointer;
  padding: 0.25rem 0.75rem; min-height: 2.5rem; border-radius: 0.5rem;
  color: inherit; background: transparent; border: 1px solid rgba(128, 128, 128, 0.45);
}
button:hover { border-color: currentColor; }
button:focus-visible { outline: 2px solid #ff4b4b; outline-offset: 2px; }
span { margin-left: 0.75rem; font-size: 0.875rem; }
"""

# The Clipboard API needs a secure context (https or localhost); an intranet
# server on plain http is not one, so fall back to a selected textarea and
# execCommand("copy"), which browsers still honour inside a click handler.
_JS = """
export default function ({ data, parentElement }) {
  const button = parentElement.querySelector("button");
  const status = parentElement.querySelector("[role=status]");
  button.textContent = data.label;
  status.textContent = "";
  button.onclick = async () => {
    let copied = false;
    if (navigator.clipboard && window.isSecureContext) {
      try { await navigator.clipboard.writeText(data.text); copied = true; } catch (e) { copied = false; }
    }
    if (!copied) {
      const area = document.createElement("textarea");
      area.value = data.text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
      area.remove();
      button.focus();
    }
    status.textContent = copied ? "Copied" : "Could not copy: select the text and press Ctrl+C";
  };
}
"""

_component = st.components.v2.component("clinic_locator.copy_button", html=_HTML, css=_CSS, js=_JS)


def copy_button(text: str, label: str, key: str) -> None:
    """Draw a button labelled ``label`` that copies ``text``, with a "Copied" status beside it."""
    _component(data={"text": text, "label": label}, key=key)
