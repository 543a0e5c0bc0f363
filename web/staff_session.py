"""``/staff/session``: the route that turns a desk sign-in into a browser-session cookie (see ``web.staff``).

POST with a token the signed-in page was given sets the cookie (HttpOnly,
SameSite=Strict, no expiry date: it goes when the browser closes); DELETE
(Sign out) removes it. Anything else is a JSON refusal.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from web import staff, staff_oidc
from web.api import ApiError, error_response
from web.privacy import log_failure


async def staff_session(request: Request) -> Response:
    if request.method == "DELETE":
        response = Response(status_code=204)
        response.delete_cookie(staff.COOKIE, path="/", httponly=True, samesite="strict")
        return response
    if request.method != "POST":
        return error_response(ApiError(405, "Only POST and DELETE are supported here.", {"Allow": "POST, DELETE"}))
    token = (await request.body())[:200].decode("ascii", "replace")
    try:
        # With [auth] the desk is the identity provider's: the passphrase opens nothing (ADR 19).
        passphrase = None if staff_oidc.current_config() else staff.current_passphrase()
    except Exception as exc:  # a broken secrets file: the page says so; no session here
        log_failure("Reading the staff passphrase failed", exc)
        passphrase = None
    if not passphrase or not staff.token_valid(token, passphrase):
        return error_response(ApiError(403, "Sign in on the call-centre page first."))
    response = Response(status_code=204)
    response.set_cookie(staff.COOKIE, token, path="/", httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    return response


ROUTES = [Route(staff.SESSION_PATH, staff_session, methods=["GET", "POST", "DELETE", "PUT", "PATCH"])]
