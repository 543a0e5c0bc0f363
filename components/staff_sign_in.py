"""The staff sign-in in front of the call-centre desk.

The desk opens only after the staff passphrase is given (see ``web.staff``
for where it comes from and how wrong tries are slowed). The sign-in lasts as
long as the browser's session with the app: every rerun and every page of the
app, until the tab is closed or "Sign out" is pressed.
"""

from __future__ import annotations

import math
import os

import streamlit as st

from web import staff

PASSPHRASE_LABEL = "Staff passphrase"
SIGN_IN = "Sign in"
SIGN_OUT = "Sign out"
WRONG = "That passphrase is not right. Check it (capitals count) and try again."
EMPTY = "Type the staff passphrase, then press Enter or Sign in."
NOT_SET = (f"The call-centre desk is closed: no staff passphrase is set. To open it, set the environment "
           f"variable `{staff.PASSPHRASE_ENV}` before starting the app, or put it in "
           f"`.streamlit/secrets.toml` as\n\n```toml\n[{staff.SECRETS_SECTION}]\n"
           f"{staff.SECRETS_KEY} = \"a long phrase only staff know\"\n```\n\n`bin/app` writes a random one "
           f"there on its first run and prints it.")
UNREADABLE = "The call-centre desk is closed: `.streamlit/secrets.toml` cannot be read ({why}). Fix the file and restart the app."

_SIGNED_IN = "staff_signed_in"  # the passphrase's fingerprint, once signed in
_TRIES = "staff_tries"


def staff_signed_in() -> bool:
    """True if this session may use the desk; otherwise draws why not, or the sign-in form, and returns False."""
    try:
        passphrase = staff.configured_passphrase(os.environ, st.secrets)
    except FileNotFoundError:  # no secrets file at all
        passphrase = staff.configured_passphrase(os.environ, {})
    except Exception as exc:  # a broken secrets file: say so rather than fail the page
        st.error(UNREADABLE.format(why=type(exc).__name__))
        return False
    if passphrase is None:
        st.warning(NOT_SET)
        return False
    if st.session_state.get(_SIGNED_IN) == staff.fingerprint(passphrase):
        st.button(SIGN_OUT, key="staff_sign_out", on_click=_sign_out, type="tertiary")
        return True
    _sign_in_form(passphrase)
    return False


def _sign_in_form(passphrase: str) -> None:
    tries: staff.SessionTries = st.session_state.setdefault(_TRIES, staff.SessionTries())
    with st.form("staff_sign_in", border=False, enter_to_submit=True):
        given = st.text_input(PASSPHRASE_LABEL, type="password", key="staff_passphrase", autocomplete="current-password")
        submitted = st.form_submit_button(SIGN_IN, type="primary")
    if not submitted:
        return
    if not (given or "").strip():
        st.error(EMPTY)
        return
    wait = staff.THROTTLE.wait_s(tries)
    if wait > 0:
        st.error(f"Too many wrong tries. Wait {math.ceil(wait)} seconds, then try again.")
        return
    if not staff.matches(given or "", passphrase):
        staff.THROTTLE.wrong(tries)
        st.error(WRONG)
        return
    staff.THROTTLE.right(tries)
    st.session_state[_SIGNED_IN] = staff.fingerprint(passphrase)
    # The typed passphrase is not kept in the session once it has done its job.
    del st.session_state["staff_passphrase"]
    st.rerun()


def _sign_out() -> None:
    st.session_state.pop(_SIGNED_IN, None)
