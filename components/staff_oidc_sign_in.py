"""The desk's sign-in through the clinics' identity provider: ``st.login``, ``st.user``, ``st.logout`` (ADR 19).

What a person sees, in order of precedence:

* the sign-in is not set up right: "not available, contact your administrator"
  (the operator's reason goes to the log, once);
* not signed in: a "Sign in" button per provider (or, if the provider does
  not answer, "try again shortly"), after a note when a sign-in just failed
  or a sign-in cookie was refused;
* signed in, but the sign-in is older than the session allows, or was
  signed out: asked to sign in again;
* signed in but not on the allow-list: told so, who they are signed in as,
  how to ask for access, and "Sign out"; never the desk;
* signed in and allowed: who they are, "Sign out", and the desk.

Every run checks all of it again, so a sign-out anywhere, the end of a
session or a change to ``[staff_access]`` applies at the next thing staff do.
"""

from __future__ import annotations

import logging

import streamlit as st

from components.text import markdown_as_typed
from locator import messages
from web import staff_oidc
from web.audit import SIGN_IN, SIGN_OUT, StaffMember, desk_action
from web.sign_in_flow import AGAIN, DOWN, SIGNED_OUT, UNAVAILABLE
from web.sign_outs import sign_outs
from web.staff_oidc import SignInConfig

# The sign-in this session has already written to the audit log: (who, when it began).
_AUDITED = "oidc_sign_in_audited"
_OUTCOMES = {AGAIN: (st.warning, messages.SIGN_IN_AGAIN), UNAVAILABLE: (st.error, messages.SIGN_IN_NOT_AVAILABLE),
             DOWN: (st.warning, messages.SIGN_IN_PROVIDER_DOWN), SIGNED_OUT: (st.info, messages.SIGNED_OUT)}


def oidc_signed_in(config: SignInConfig) -> StaffMember | None:
    """The signed-in, allowed member of staff; otherwise draws what the person is to do and returns None."""
    outcome = st.query_params.get(staff_oidc.OUTCOME_PARAM)
    if outcome is not None:
        del st.query_params[staff_oidc.OUTCOME_PARAM]  # said once, not again on a reload
    problems = [*config.problems, *_page_problems(config)]
    if problems:
        for problem in problems:
            staff_oidc.report(problem)
        st.error(messages.SIGN_IN_NOT_AVAILABLE)
        return None
    claims = st.user.to_dict()
    if not claims.get("is_logged_in"):
        _sign_in(config, outcome)
        return None
    who = staff_oidc.identity(claims)
    began = staff_oidc.signed_in_at(claims)
    if staff_oidc.session_over(claims, config.rules):
        st.warning(messages.session_over(staff_oidc.hours_text(config.rules.session_hours)))
        _sign_in_buttons(config)
        return None
    if began is not None and sign_outs().ended(who, began):
        st.warning(messages.SIGNED_OUT_ELSEWHERE)
        _sign_in_buttons(config)
        return None
    member = StaffMember(who, "oidc", str(claims.get("name") or ""))
    if not staff_oidc.allowed(claims, config.rules):
        st.error(markdown_as_typed(messages.not_allowed(who, config.rules.ask_for_access or messages.DEFAULT_ASK_FOR_ACCESS)))
        _sign_out_button(member, began)
        return None
    if st.session_state.get(_AUDITED) != (who, began):
        desk_action(member, SIGN_IN)
        st.session_state[_AUDITED] = (who, began)
    st.caption(markdown_as_typed(messages.signed_in_as(member.name, who)))
    _sign_out_button(member, began)
    return member


def _page_problems(config: SignInConfig) -> list[str]:
    """A page opened at another address than redirect_uri's can never be signed in (the cookie is that origin's)."""
    opened_at = staff_oidc.origin_of(st.context.headers.get("Origin") or "")
    if opened_at and opened_at != config.origin:
        return [f"the desk was opened at {opened_at} but [{staff_oidc.AUTH_SECTION}] redirect_uri is on "
                f"{config.origin}: a sign-in there cannot reach this page. Set redirect_uri to the address staff "
                f"open (the public https one, {staff_oidc.PUBLIC_URL_ENV}) followed by {staff_oidc.CALLBACK_PATH}."]
    return []


def _sign_in(config: SignInConfig, outcome: str | None) -> None:
    for provider in config.providers:
        problem = staff_oidc.PROVIDERS.problem(provider)
        if problem is None:
            staff_oidc.forget_reports(staff_oidc.UNREACHABLE)
            continue
        kind, text = problem
        staff_oidc.report(text, logging.WARNING if kind == "down" else logging.ERROR)
        if kind == "down":
            st.warning(messages.SIGN_IN_PROVIDER_DOWN)
            st.button(messages.SIGN_IN_TRY_AGAIN, key="oidc_try_again")  # a rerun asks the provider again
        else:
            st.error(messages.SIGN_IN_NOT_AVAILABLE)
        return
    if outcome in _OUTCOMES:
        show, text = _OUTCOMES[outcome]
        show(text)
    elif st.context.cookies.get("_streamlit_user"):
        # A sign-in cookie Streamlit refused: altered, signed with another secret, or too old.
        st.warning(messages.SIGN_IN_AGAIN)
    st.markdown(messages.SIGN_IN_INTRO)
    _sign_in_buttons(config)


def _sign_in_buttons(config: SignInConfig) -> None:
    for provider in config.providers:
        if st.button(provider.label, key=f"oidc_sign_in_{provider.name or 'default'}", type="primary"):
            st.login(provider.name)


def _sign_out_button(member: StaffMember, began: float | None) -> None:
    if st.button(messages.SIGN_OUT_LABEL, key="oidc_sign_out", type="tertiary"):
        # Written down first, so that every replica refuses this sign-in from now on (ADR 23).
        if began is not None:
            sign_outs().record(member.who, began)
        desk_action(member, SIGN_OUT)
        st.logout()
