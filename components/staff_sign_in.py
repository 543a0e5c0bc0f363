"""The staff sign-in in front of the call-centre desk.

With ``[auth]`` in the secrets, staff sign in through the clinics' identity
provider (``components.staff_oidc_sign_in``, docs/adr/0019) and the
passphrase opens nothing. Otherwise the desk opens only after the staff passphrase is given (see ``web.staff``
for where it comes from and how wrong tries are slowed). The sign-in lasts for
the browser session: this Streamlit session keeps it, and the browser is given
a session cookie (through ``/staff/session``: a Streamlit script cannot set
one itself), so a reload or a new tab of the desk is still signed in until the
browser closes or "Sign out" is pressed.
"""

from __future__ import annotations

import math

import streamlit as st

from web import staff, staff_oidc
from web.audit import PASSPHRASE, StaffMember, desk_action
from web.audit import SIGN_IN as SIGNED_IN_ACTION

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

# The passphrase is shared: the audit trail can say only that it was used.
PASSPHRASE_DESK = StaffMember(PASSPHRASE, PASSPHRASE)

_SIGNED_IN = "staff_signed_in"  # the passphrase's fingerprint, once signed in
_TRIES = "staff_tries"
_COOKIE_TO_SEND = "staff_cookie_to_send"  # the token the browser is to keep, or "" to forget it
_SIGNED_OUT = "staff_signed_out"  # this session's cookie (read when it began) no longer counts

# Has the browser call /staff/session: POST keeps a token as an HttpOnly cookie, DELETE drops it.
_SESSION_JS = """
export default function ({ data }) {
  fetch(data.path, { method: data.method, body: data.token || null, credentials: "same-origin",
                     headers: { "Content-Type": "text/plain" } }).catch(() => {});
}
"""
_session_call = st.components.v2.component("clinic_locator.staff_session", html="", js=_SESSION_JS)


def staff_signed_in() -> StaffMember | None:
    """Who is at the desk, if this session may use it; otherwise draws why not, or the sign-in, and returns None."""
    try:
        oidc = staff_oidc.current_config()
        passphrase = None if oidc else staff.current_passphrase()
    except Exception as exc:  # a broken secrets file: say so rather than fail the page
        st.error(UNREADABLE.format(why=type(exc).__name__))
        return None
    if oidc is not None:
        from components.staff_oidc_sign_in import oidc_signed_in

        return oidc_signed_in(oidc)
    if passphrase is None:
        st.warning(NOT_SET)
        return None
    _tell_the_browser()
    fingerprint = staff.fingerprint(passphrase)
    if (st.session_state.get(_SIGNED_IN) != fingerprint and not st.session_state.get(_SIGNED_OUT)
            and staff.token_valid(st.context.cookies.get(staff.COOKIE), passphrase)):
        st.session_state[_SIGNED_IN] = fingerprint  # signed in earlier in this browser session
    if st.session_state.get(_SIGNED_IN) == fingerprint:
        st.button(SIGN_OUT, key="staff_sign_out", on_click=_sign_out, type="tertiary")
        return PASSPHRASE_DESK
    _sign_in_form(passphrase)
    return None


def _tell_the_browser() -> None:
    """Send the cookie change a sign-in or sign-out left for this run, once."""
    token = st.session_state.pop(_COOKIE_TO_SEND, None)
    if token is not None:
        _session_call(data={"path": staff.SESSION_PATH, "method": "POST" if token else "DELETE", "token": token},
                      key="staff_session_call")


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
    desk_action(PASSPHRASE_DESK, SIGNED_IN_ACTION)
    st.session_state[_SIGNED_IN] = staff.fingerprint(passphrase)
    st.session_state[_COOKIE_TO_SEND] = staff.session_token(passphrase)
    st.session_state[_SIGNED_OUT] = False
    # The typed passphrase is not kept in the session once it has done its job.
    del st.session_state["staff_passphrase"]
    st.rerun()


def _sign_out() -> None:
    st.session_state.pop(_SIGNED_IN, None)
    st.session_state[_SIGNED_OUT] = True
    st.session_state[_COOKIE_TO_SEND] = ""
