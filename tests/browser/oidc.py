"""A real OpenID provider on loopback (tests/oidc/provider.mjs: panva's oidc-provider) and an app that trusts it.

``OidcProvider(port, redirect_uris)`` starts ``node tests/oidc/provider.mjs`` (installed by
``bin/fetch-oidc``, which this runs if needed) and waits for its metadata; ``stop()`` ends it.
``auth_secrets(...)`` writes the ``[auth]`` and ``[staff_access]`` a clinic's operator would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from . import ARTIFACTS, REPO_ROOT

CLIENT_ID, CLIENT_SECRET = "clinic-locator", "test-secret"
COOKIE_SECRET = "a-test-cookie-secret-shared-by-every-replica-0123456789"
# The provider's development login page: any password; the login is the email address.
LOGIN_FIELD, PASSWORD_FIELD, LOGIN_BUTTON = 'input[name="login"]', 'input[name="password"]', "Sign-in"
LOGOUT_BUTTON = "Yes, sign me out"


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
