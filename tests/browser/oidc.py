"""A real OpenID provider on loopback (tests/oidc/provider.mjs: panva's oidc-provider) and an app that trusts it.

``OidcProvider(port, redirect_uris)`` starts ``node tests/oidc/provider.mjs`` (installed by
``bin/fetch-oidc``, which this runs if needed) and waits for its metadata; ``stop()`` ends it.
``auth_secrets(...)`` writes the ``[auth]`` and ``[staff_access]`` a clinic's operator would.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page

from components.call_centre import FIELD_LABEL

from . import ARTIFACTS, REPO_ROOT, wait_for_app

CLIENT_ID, CLIENT_SECRET = "clinic-locator", "test-secret"
COOKIE_SECRET = "a-test-cookie-secret-shared-by-every-replica-0123456789"
# The provider's development login page: any password; the login is the email address.
LOGIN_FIELD, PASSWORD_FIELD, LOGIN_BUTTON = 'input[name="login"]', 'input[name="password"]', "Sign-in"
LOGOUT_BUTTON = "Yes, sign me out"
DESK = "/call-centre"
# A page load of the app or the provider on a machine whose 2 cores run several test suites at once.
LOADED_MACHINE_MS = 60_000
ALLOWED, IN_GROUP, OTHER_DOMAIN = "alice@clinic.example", "carol@partner.example", "mallory@elsewhere.example"
# Streamlit's own 404s when a page is opened at its own address (see test_call_centre.py), and the
# provider's missing favicon.
HARMLESS = re.compile(r"/[\w-]+/_stcore/(health|host-config): Failed to load resource|favicon\.ico")


class OidcProvider:
    def __init__(self, port: int, redirect_uris: list[str], ready_timeout: float = 60.0) -> None:
        subprocess.run([str(REPO_ROOT / "bin" / "fetch-oidc")], check=True)
        self.port = port
        self.issuer = f"http://127.0.0.1:{port}"
        self.metadata_url = f"{self.issuer}/.well-known/openid-configuration"
        logs = ARTIFACTS / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        self.log_path = logs / f"oidc-provider-{port}.log"
        with open(self.log_path, "wb") as out:
            self.proc = subprocess.Popen(
                ["node", str(REPO_ROOT / "tests" / "oidc" / "provider.mjs"), "--port", str(port),
                 "--redirect-uri", ",".join(redirect_uris)],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the OpenID provider exited: {self.log_path.read_text()}")
            try:
                with urllib.request.urlopen(self.metadata_url, timeout=2) as r:
                    if json.load(r).get("issuer") == self.issuer:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the OpenID provider did not answer within {ready_timeout}s: {self.log_path.read_text()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def auth_secrets(path: Path, redirect_uri: str, metadata_url: str, session_hours: float | None = None,
                 **auth: str | None) -> Path:
    """The operator's .streamlit/secrets.toml for the test provider: clinic.example staff and the call-centre group.

    ``auth`` changes or (None) removes ``[auth]`` keys, as a mistaken operator might.
    """
    keys = {"redirect_uri": redirect_uri, "cookie_secret": COOKIE_SECRET, "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET, "server_metadata_url": metadata_url, **auth}
    lines = ["[auth]", *(f"{k} = {json.dumps(v)}" for k, v in keys.items() if v is not None),
             # The test provider knows the standard prompts only (Streamlit asks for select_account).
             'client_kwargs = { prompt = "login" }', "",
             "[staff_access]", 'allowed_domains = ["clinic.example"]', 'allowed_groups = ["call-centre"]',
             'ask_for_access = "Ask the practice manager to add you."',
             *([f"session_hours = {session_hours}"] if session_hours is not None else []), ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def sign_in_as(page: Page, app_url: str, email: str, keyboard: bool = False) -> None:
    """Open the desk, press Sign in (clicked, or reached with Tab and pressed with Enter) and sign in at the provider."""
    page.goto(app_url + DESK, timeout=LOADED_MACHINE_MS)
    wait_for_app(page)
    button = page.get_by_role("button", name="Sign in")
    if keyboard:
        for _ in range(30):
            page.keyboard.press("Tab")
            if button.evaluate("b => b === document.activeElement"):
                break
        else:
            raise AssertionError("Tab never reached the Sign in button")
        page.keyboard.press("Enter")
    else:
        button.click()
    page.locator(LOGIN_FIELD).fill(email)
    page.locator(PASSWORD_FIELD).fill("any password")
    page.get_by_role("button", name=LOGIN_BUTTON).click()
    page.wait_for_url(re.compile(re.escape(app_url + DESK)), timeout=LOADED_MACHINE_MS)
    wait_for_app(page)


def put_back(page: Page, url: str, cookies) -> None:
    """Set ``cookies`` (as read from the context) in the page's browser again, for ``url``, as session cookies."""
    page.context.add_cookies([{"name": c["name"], "value": c["value"], "url": url} for c in cookies])


def desk(page: Page):
    return page.get_by_role("textbox", name=FIELD_LABEL)
