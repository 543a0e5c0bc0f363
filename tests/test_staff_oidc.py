"""Staff sign-in through the identity provider, below the browser: the operator's settings and what each
problem says, who is allowed, how long a sign-in lasts, sign-outs every replica sees, the audit line, and
that with [auth] the passphrase opens nothing."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.staff_sign_in import PASSPHRASE_LABEL
from locator import messages
from web import audit, metrics, staff_oidc
from web.sign_outs import ProcessSignOuts, SharedSignOuts
from web.staff import PASSPHRASE_ENV
from web.staff_oidc import AccessRules, read_config

REPO = Path(__file__).resolve().parent.parent
DESK = str(Path(__file__).with_name("staff_desk_app.py"))
PASSPHRASE = "a long phrase only staff know"

AUTH = {"redirect_uri": "https://clinics.example.org/oauth2callback", "cookie_secret": "x" * 40,
        "client_id": "id", "client_secret": "secret",
        "server_metadata_url": "https://login.example.com/.well-known/openid-configuration"}
ACCESS = {"allowed_domains": ["clinic.example"]}


def problems(auth=None, access=None, environ=None) -> tuple[str, ...]:
    secrets = {"auth": AUTH if auth is None else auth, "staff_access": ACCESS if access is None else access}
    return read_config(secrets, environ or {}).problems


def test_a_complete_setting_has_no_problem_and_one_provider():
    config = read_config({"auth": AUTH, "staff_access": ACCESS}, {})
    assert config.problems == ()
    assert [p.name for p in config.providers] == [None]
    assert config.origin == "https://clinics.example.org"


def test_named_providers_each_get_a_button():
    auth = {k: AUTH[k] for k in ("redirect_uri", "cookie_secret")}
    provider = {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")}
    config = read_config({"auth": {**auth, "microsoft": provider, "google": provider}, "staff_access": ACCESS}, {})
    assert config.problems == ()
    assert [p.label for p in config.providers] == ["Sign in with Google", "Sign in with Microsoft"]


@pytest.mark.parametrize("change, says", [
    ({"client_id": None}, "missing client_id"),
    ({"redirect_uri": None}, "redirect_uri is missing"),
    ({"redirect_uri": "https://clinics.example.org/callback"}, "followed by /oauth2callback"),
    ({"redirect_uri": "http://clinics.example.org/oauth2callback"}, "plain http"),
    ({"cookie_secret": "short"}, "cookie_secret"),
    ({"server_metadata_url": "login.example.com"}, "not a web address"),
])
def test_each_misconfiguration_is_named_for_the_operator(change, says):
    auth = {k: v for k, v in {**AUTH, **change}.items() if v is not None}
    [problem] = problems(auth)
    assert says in problem


def test_the_callback_must_be_on_the_public_address_the_balancer_serves():
    [problem] = problems(environ={staff_oidc.PUBLIC_URL_ENV: "https://desk.clinics.example.org"})
    assert "https://desk.clinics.example.org/oauth2callback" in problem
    assert problems(environ={staff_oidc.PUBLIC_URL_ENV: "https://clinics.example.org/"}) == ()


def test_an_allow_list_that_names_no_one_closes_the_desk():
    [problem] = problems(access={})
    assert "allows no one" in problem


def test_loopback_may_use_plain_http_for_a_developer():
    assert problems({**AUTH, "redirect_uri": "http://127.0.0.1:{port}/oauth2callback"}) == ()


RULES = AccessRules(domains=frozenset({"clinic.example"}), emails=frozenset({"locum@mail.example"}),
                    groups=frozenset({"call-centre"}), groups_claim="roles")


@pytest.mark.parametrize("user, ok", [
    ({"email": "Alice@Clinic.Example"}, True),
    ({"email": "alice@clinic.example", "email_verified": False}, False),  # an address no one checked
    ({"email": "alice@clinic.example.evil.test"}, False),
    ({"email": "alice@sub.clinic.example"}, False),
    ({"email": "locum@mail.example"}, True),
    ({"email": "someone@mail.example"}, False),
    ({"email": "x@elsewhere.example", "roles": ["Call-Centre"]}, True),
    ({"email": "x@elsewhere.example", "groups": ["call-centre"]}, False),  # not the configured claim
    ({"preferred_username": "bob@clinic.example"}, True),  # Entra ID without an email claim
    ({"sub": "abc"}, False),
])
def test_who_is_allowed(user, ok):
    assert staff_oidc.allowed(user, RULES) is ok


def test_a_sign_in_lasts_the_configured_hours_and_no_longer():
    rules = AccessRules(domains=frozenset({"clinic.example"}), session_hours=8)
    user = {"email": "a@clinic.example", "iat": 1_000_000}
    assert not staff_oidc.session_over(user, rules, now=1_000_000 + 8 * 3600)
    assert staff_oidc.session_over(user, rules, now=1_000_000 + 8 * 3600 + 1)
    assert staff_oidc.session_over({"email": "a@clinic.example"}, rules, now=1_000_000)  # cannot tell: over


@pytest.mark.parametrize("make", [lambda tmp: ProcessSignOuts(), lambda tmp: SharedSignOuts(tmp / "s.sqlite")])
def test_a_sign_out_ends_that_sign_in_and_earlier_ones_but_not_a_later_one(tmp_path, make):
    store = make(tmp_path)
    store.record("alice@clinic.example", 1_000, now=2_000)
    assert store.ended("alice@clinic.example", 1_000)
    assert store.ended("alice@clinic.example", 900)
    assert not store.ended("alice@clinic.example", 1_001)
    assert not store.ended("bob@clinic.example", 1_000)


def test_every_replica_sees_a_sign_out_made_by_another(tmp_path):
    SharedSignOuts(tmp_path / "s.sqlite").record("alice@clinic.example", 1_000)
    assert SharedSignOuts(tmp_path / "s.sqlite").ended("alice@clinic.example", 1_000)


def test_an_audit_line_says_who_what_kind_and_when_in_one_line(caplog):
    with caplog.at_level(logging.INFO, logger="web.audit"):
        audit.desk_action(audit.StaffMember("alice@clinic.example", "oidc"), audit.LIST, rows=250)
        audit.desk_action(audit.StaffMember("eve@x.example action=download\nforged", "oidc"), audit.LOOKUP)
    first, second = [r.getMessage() for r in caplog.records]
    assert first.startswith("staff desk: who=alice@clinic.example action=list rows=250 at=20")
    assert "\n" not in second and second.count("action=") == 1
    with pytest.raises(ValueError):
        audit.desk_action(audit.StaffMember("a@clinic.example", "oidc"), "SL6 8DG")


def test_each_desk_action_is_counted_per_person_on_metrics():
    def count() -> float:
        return metrics.REGISTRY.get_sample_value("clinic_locator_desk_actions_total",
                                                 {"person": "dora@clinic.example", "action": "download"}) or 0.0

    before = count()
    audit.desk_action(audit.StaffMember("dora@clinic.example", "oidc"), audit.DOWNLOAD)
    assert count() == before + 1


def test_with_auth_configured_the_passphrase_no_longer_opens_the_desk(monkeypatch):
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    at = AppTest.from_file(DESK, default_timeout=30)
    at.secrets = {"auth": {**AUTH, "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
                           "redirect_uri": "http://127.0.0.1:8501/oauth2callback"},
                  "staff_access": ACCESS}
    at.run()
    assert not at.exception
    assert not [t for t in at.text_input if t.label == PASSPHRASE_LABEL]
    assert not [t for t in at.text_input if t.label == "Your postcode or town"]
    # The provider there does not answer: staff are told to try again, not shown a passphrase field.
    assert messages.SIGN_IN_PROVIDER_DOWN in [w.value for w in at.warning]


def test_a_half_written_auth_section_closes_the_desk_with_a_plain_message(monkeypatch, caplog):
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    at = AppTest.from_file(DESK, default_timeout=30)
    at.secrets = {"auth": {k: v for k, v in AUTH.items() if k != "client_id"}, "staff_access": ACCESS}
    with caplog.at_level(logging.ERROR, logger="web.staff_oidc"):
        at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [messages.SIGN_IN_NOT_AVAILABLE]
    assert not at.text_input and not at.button
    assert any("missing client_id" in r.getMessage() for r in caplog.records)


def test_bin_app_makes_no_passphrase_when_staff_sign_in_through_the_provider(tmp_path):
    path = tmp_path / "secrets.toml"
    path.write_text('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\n')
    env = {k: v for k, v in os.environ.items() if k != PASSPHRASE_ENV}
    run = subprocess.run([sys.executable, "-m", "web.staff", str(path)], cwd=REPO, env=env,
                         capture_output=True, text=True, check=True)
    assert "identity provider" in run.stdout
    assert "[staff]" not in path.read_text()


def test_the_passphrase_cookie_route_refuses_a_token_once_auth_is_configured(monkeypatch):
    import httpx
    from starlette.applications import Starlette

    from web import staff, staff_session

    async def post(token: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=Starlette(routes=staff_session.ROUTES))
        async with httpx.AsyncClient(transport=transport, base_url="http://desk.test") as client:
            return await client.post(staff.SESSION_PATH, content=token)

    monkeypatch.setattr(staff, "current_passphrase", lambda: PASSPHRASE)
    token = staff.session_token(PASSPHRASE)
    monkeypatch.setattr(staff_oidc, "current_config", lambda: None)
    assert in_own_loop(post, token).status_code == 204
    monkeypatch.setattr(staff_oidc, "current_config", lambda: read_config({"auth": AUTH, "staff_access": ACCESS}, {}))
    refused = in_own_loop(post, token)
    assert refused.status_code == 403 and "set-cookie" not in refused.headers


def in_own_loop(fn, *args):
    """``await fn(*args)`` on a thread of its own: in a whole run, Playwright's loop holds the main thread."""
    import anyio

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(anyio.run, fn, *args).result()


def run_flow(path: str, query: str, status: int, headers: list[tuple[bytes, bytes]], config) -> dict:
    """What SignInFlow sends for a response Streamlit's route gave: {"status", "headers"}."""
    from web.sign_in_flow import SignInFlow

    async def streamlit_route(scope, receive, send):
        await send({"type": "http.response.start", "status": status, "headers": list(headers)})
        await send({"type": "http.response.body", "body": b"Authentication error" if status >= 400 else b""})

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def call():
        scope = {"type": "http", "path": path, "query_string": query.encode(), "headers": []}
        await SignInFlow(streamlit_route, config=lambda: config)(scope, receive, send)

    in_own_loop(call)
    return {"status": sent[0]["status"], "headers": sent[0]["headers"], "body": b"".join(m.get("body", b"")
                                                                                          for m in sent[1:])}


def test_a_completed_sign_in_lands_on_the_desk_with_a_cookie_that_lasts_the_session_and_is_secure_on_https():
    config = read_config({"auth": AUTH, "staff_access": {**ACCESS, "session_hours": 8}}, {})
    cookie = b'_streamlit_user=signed; HttpOnly; Max-Age=2592000; Path=/; SameSite=lax'
    sent = run_flow("/oauth2callback", "code=c&state=s", 302, [(b"location", b"/"), (b"set-cookie", cookie)], config)
    headers = dict(sent["headers"])
    assert headers[b"location"] == b"/call-centre"
    assert b"Max-Age=28800" in headers[b"set-cookie"] and b"Max-Age=2592000" not in headers[b"set-cookie"]
    assert headers[b"set-cookie"].endswith(b"; Secure")


@pytest.mark.parametrize("path, query, lands", [
    ("/oauth2callback", "code=c&state=forged", "/call-centre?sign_in=again"),  # refused: no cookie set
    ("/oauth2callback", "error=access_denied", "/call-centre?sign_in=again"),
    ("/oauth2callback", "", "/call-centre?sign_in=signed_out"),  # back from the provider's sign-out
    ("/auth/logout", "", "/call-centre?sign_in=signed_out"),
])
def test_every_way_back_from_the_sign_in_routes_lands_on_the_desk_saying_how_it_went(path, query, lands):
    config = read_config({"auth": AUTH, "staff_access": ACCESS}, {})
    sent = run_flow(path, query, 302, [(b"location", b"/")], config)
    assert dict(sent["headers"])[b"location"] == lands.encode()


def test_a_sign_in_that_cannot_start_is_a_redirect_to_the_desk_never_an_error_page():
    config = read_config({"auth": {**AUTH, "client_id": None}, "staff_access": ACCESS}, {})
    sent = run_flow("/auth/login", "provider=x", 400, [(b"content-type", b"text/plain")], config)
    assert sent["status"] == 302 and sent["body"] == b""
    assert dict(sent["headers"])[b"location"] == b"/call-centre?sign_in=unavailable"
