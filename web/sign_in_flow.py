"""Streamlit's sign-in routes, made the desk's: where they lead, how long their cookie lasts, how they fail.

Streamlit serves ``/auth/login``, ``/oauth2callback`` and ``/auth/logout``
itself (``st.login`` and ``st.logout`` send the browser there). Left alone,
each ends on the patients' page, a failure to reach the provider is a bare
"Authentication error" page, and the sign-in cookie lasts 30 days. This
middleware keeps Streamlit's handling of the protocol (state, PKCE, the
token exchange, the signed cookie) and changes only the response:

* every redirect back to the app goes to the desk, with ``?sign_in=`` saying
  how it went when it did not complete (``again``: a refused, replayed,
  cancelled or mismatched callback; ``down``: the provider does not answer;
  ``unavailable``: the sign-in could not start otherwise; ``signed_out``);
* the sign-in cookies last at most the configured session, and are
  ``Secure`` when the public address is https;
* an error becomes a redirect to the desk, never a traceback or a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import parse_qs

from anyio import to_thread
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web import staff_oidc
from web.staff_oidc import DESK_PATH, OUTCOME_PARAM, SignInConfig

LOGIN, CALLBACK, LOGOUT = "/auth/login", staff_oidc.CALLBACK_PATH, "/auth/logout"
# Streamlit's sign-in cookies (and their chunks, _streamlit_user__1...).
USER_COOKIES = (b"_streamlit_user=", b"_streamlit_user_tokens=", b"_streamlit_user__", b"_streamlit_user_tokens__")
AGAIN, DOWN, UNAVAILABLE, SIGNED_OUT = "again", "down", "unavailable", "signed_out"
STREAMLIT_AUTH_LOGGER = "streamlit.web.server.starlette.starlette_auth_routes"


class SignInFlow:
    """ASGI middleware around Streamlit's three sign-in routes (see the module's docstring)."""

    def __init__(self, app: ASGIApp, config: Callable[[], SignInConfig | None]) -> None:
        self.app = app
        self.config = config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path not in (LOGIN, CALLBACK, LOGOUT):
            await self.app(scope, receive, send)
            return
        params = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        config = self.config()
        state = {"started": False, "replaced": False}

        async def send_changed(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["started"] = True
                if path == LOGIN and message["status"] >= 400:
                    # Streamlit's plain "Authentication error": the provider could not be asked.
                    outcome = await to_thread.run_sync(_sign_in_failed, config)
                    state["replaced"] = True
                    message = _redirect_start(outcome)
                else:
                    _change(message, path, params, config)
            elif message["type"] == "http.response.body" and state["replaced"]:
                message = {**message, "body": b""}
            await send(message)

        try:
            await self.app(scope, receive, send_changed)
        except Exception as exc:  # never a traceback page: the desk says sign-in is not available
            if state["started"]:
                raise
            staff_oidc.report(f"{path} failed ({type(exc).__name__}); check [{staff_oidc.AUTH_SECTION}] in "
                              f".streamlit/secrets.toml.")
            await send(_redirect_start(UNAVAILABLE))
            await send({"type": "http.response.body", "body": b""})


def _change(message: Message, path: str, params: dict[str, list[str]], config: SignInConfig | None) -> None:
    headers = MutableHeaders(scope=message)
    location = headers.get("location")
    signed_in = any(_sets_user_cookie(value) for name, value in message["headers"] if name.lower() == b"set-cookie")
    if message["status"] in (302, 303, 307) and location is not None and location.startswith("/"):
        if path == CALLBACK and signed_in:
            headers["location"] = DESK_PATH
        elif path == CALLBACK and not any(k in params for k in ("code", "state", "error")):
            headers["location"] = _desk(SIGNED_OUT)  # back from the provider's own sign-out page
        elif path == LOGOUT:
            headers["location"] = _desk(SIGNED_OUT)
        else:
            headers["location"] = _desk(AGAIN)
    if config is not None:
        _limit_cookies(message, config)


def _sets_user_cookie(value: bytes) -> bool:
    name, _, rest = value.partition(b"=")
    return name == b"_streamlit_user" and not rest.startswith((b";", b'""')) and b"max-age=0" not in value.lower()


def _limit_cookies(message: Message, config: SignInConfig) -> None:
    """The sign-in cookies last the session at most (Streamlit's: 30 days), and are Secure on https."""
    seconds = int(config.rules.session_hours * 3600)
    secure = config.origin.startswith("https://")
    changed = []
    for name, value in message["headers"]:
        if name.lower() == b"set-cookie" and value.startswith(USER_COOKIES) and b"max-age=0" not in value.lower():
            parts = [p for p in value.split(b"; ") if not p.lower().startswith((b"max-age=", b"expires="))]
            parts.append(f"Max-Age={seconds}".encode())
            if secure and b"secure" not in (p.lower() for p in parts):
                parts.append(b"Secure")
            value = b"; ".join(parts)
        changed.append((name, value))
    message["headers"] = changed


def _sign_in_failed(config: SignInConfig | None) -> str:
    """Why a sign-in could not start, for the log; returns what the desk is to say (``down`` or ``unavailable``)."""
    if config is None or config.problems:
        staff_oidc.report(f"a sign-in was started but [{staff_oidc.AUTH_SECTION}] is not usable; the desk page "
                          f"says why.")
        return UNAVAILABLE
    for provider in config.providers:
        problem = staff_oidc.PROVIDERS.problem(provider, fresh=True)
        if problem:
            kind, text = problem
            staff_oidc.report(text, logging.WARNING if kind == "down" else logging.ERROR)
            return DOWN if kind == "down" else UNAVAILABLE
    staff_oidc.report("the identity provider refused to start a sign-in (Streamlit's warning above says how); "
                      f"check client_id and redirect_uri in [{staff_oidc.AUTH_SECTION}] against the app's "
                      f"registration.", logging.WARNING)
    return UNAVAILABLE


def _desk(outcome: str) -> str:
    return f"{DESK_PATH}?{OUTCOME_PARAM}={outcome}"


def _redirect_start(outcome: str) -> Message:
    return {"type": "http.response.start", "status": 302,
            "headers": [(b"location", _desk(outcome).encode()), (b"content-length", b"0"),
                        (b"cache-control", b"no-store")]}


class ExceptionTypeOnly(logging.Filter):
    """Streamlit's sign-in warnings keep the exception's type and lose the traceback (the operator's line is ours)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.msg = f"{record.getMessage()} ({type(record.exc_info[1]).__name__})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


def install_log_filter() -> None:
    logging.getLogger(STREAMLIT_AUTH_LOGGER).addFilter(ExceptionTypeOnly())
