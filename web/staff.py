"""Who may open the call-centre desk: one staff passphrase, checked in constant time, wrong tries slowed.

The passphrase comes from the environment variable
:data:`PASSPHRASE_ENV`, or else from ``[staff] passphrase`` in
``.streamlit/secrets.toml`` (a section, not a top-level key: Streamlit copies
top-level secrets into the environment, which would override the operator's
own variable). ``bin/app`` writes a random one there on first run
(:func:`ensure_secrets_file`).

A sign-in lasts for the browser session: the page has the browser fetch
``/staff/session`` with a token (:func:`session_token`), which sets an
HttpOnly, SameSite=Strict cookie without an expiry date, so a reload or a
second tab of the desk is still signed in until the browser closes (or 12
hours pass, or the passphrase changes). The cookie is signed with the key
every replica shares (``web.shared_state``), so it outlives the process.

Wrong tries are slowed twice over: each browser session waits longer after
every wrong try past the first few, and every session does too once wrong
tries pile up across sessions (counted across replicas under ``bin/serve``),
so opening a new session does not start a guesser afresh. A try made too early is refused without being checked.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sys
import time
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from web import shared_state

PASSPHRASE_ENV = "CLINIC_LOCATOR_STAFF_PASSWORD"
SECRETS_SECTION = "staff"
SECRETS_KEY = "passphrase"
SECRETS_FILE = Path(".streamlit/secrets.toml")


def configured_passphrase(environ: Mapping[str, str], secrets_: Mapping) -> str | None:
    """The staff passphrase: the environment's, else the secrets file's; None if neither sets one.

    Surrounding spaces are dropped; a value of only spaces counts as not set.
    """
    value = environ.get(PASSPHRASE_ENV)
    if not (value and value.strip()):
        section = secrets_.get(SECRETS_SECTION)
        value = section.get(SECRETS_KEY) if isinstance(section, Mapping) else None
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()


def current_passphrase() -> str | None:
    """The passphrase now: the environment's, else Streamlit's secrets (``st.secrets``), else None.

    A secrets file that exists but cannot be parsed raises (Streamlit's error), so that the
    page can say so rather than act as if none were set.
    """
    import streamlit as st

    try:
        return configured_passphrase(os.environ, st.secrets)
    except FileNotFoundError:  # no secrets file at all
        return configured_passphrase(os.environ, {})


def matches(given: str, passphrase: str) -> bool:
    """Whether ``given`` is the passphrase, in time that does not depend on where they differ.

    Both sides are hashed first, so that neither the position of the first
    difference nor the passphrase's length shows in the timing.
    """
    return hmac.compare_digest(_digest(given.strip()), _digest(passphrase))


def fingerprint(passphrase: str) -> str:
    """What a signed-in session keeps instead of the passphrase: a new passphrase signs everyone out."""
    return hashlib.sha256(b"clinic-locator staff sign-in\0" + passphrase.encode()).hexdigest()


# --- the browser-session cookie ------------------------------------------------------------

COOKIE = "clinic_locator_staff"
SESSION_PATH = "/staff/session"
MAX_SESSION_S = 12 * 3600


def session_token(passphrase: str, now: float | None = None) -> str:
    """A token that proves a sign-in with ``passphrase``: its time, and a MAC of it and the passphrase."""
    issued = int(time.time() if now is None else now)
    return f"{issued}.{_mac(issued, passphrase)}"


def token_valid(token: str | None, passphrase: str, now: float | None = None) -> bool:
    """Whether ``token`` came from :func:`session_token` with this passphrase and the shared key, recently."""
    if not isinstance(token, str):
        return False
    issued, _, mac = token.partition(".")
    if not (issued.isdigit() and len(issued) <= 12 and mac):
        return False
    age = (time.time() if now is None else now) - int(issued)
    return 0 <= age <= MAX_SESSION_S and hmac.compare_digest(mac, _mac(int(issued), passphrase))


def _mac(issued: int, passphrase: str) -> str:
    return hmac.new(shared_state.session_key(), f"{issued}:{fingerprint(passphrase)}".encode(), hashlib.sha256).hexdigest()


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


# ------------------------------------------------------------------ slowing wrong tries


@dataclass
class SessionTries:
    """One browser session's wrong tries (kept in its session state)."""

    wrong: int = 0
    not_before: float = 0.0  # time.time() before which no try is checked


@dataclass
class Throttle:
    """Waits imposed after wrong passphrases, per session and across all sessions.

    A session's first ``free_tries`` wrong tries cost nothing; after that each
    one doubles its wait, from ``base_s`` up to ``max_s``. Across all sessions,
    once more than ``global_free`` wrong tries fall within ``window_s``, every
    session waits in the same way before its next try. The tries of all
    sessions are counted in ``tries_log``: this process's own, or under
    ``bin/serve`` every replica's (``web.shared_state``). Wall-clock times, so
    that processes agree on them.
    """

    free_tries: int = 3
    global_free: int = 20
    base_s: float = 1.0
    max_s: float = 60.0
    window_s: float = 600.0
    tries_log: shared_state.WrongTries = field(default_factory=shared_state.ProcessWrongTries, repr=False)

    def wait_s(self, tries: SessionTries, now: float | None = None) -> float:
        """Seconds before ``tries``' session may try again (0 if it may now)."""
        now = time.time() if now is None else now
        latest, count = self.tries_log.latest()
        return max(0.0, tries.not_before - now, latest + self._delay(count - self.global_free) - now)

    def wrong(self, tries: SessionTries, now: float | None = None) -> None:
        """Record a wrong passphrase from ``tries``' session."""
        now = time.time() if now is None else now
        tries.wrong += 1
        tries.not_before = now + self._delay(tries.wrong - self.free_tries)
        self.tries_log.record(now, self.window_s)

    def right(self, tries: SessionTries) -> None:
        """The session signed in: its own count starts again (the one across sessions does not)."""
        tries.wrong = 0
        tries.not_before = 0.0

    def _delay(self, over: int) -> float:
        return 0.0 if over <= 0 else min(self.max_s, self.base_s * 2 ** min(over - 1, 16))


THROTTLE = Throttle(tries_log=shared_state.wrong_tries())


# ------------------------------------------------------------------ first run (bin/app)


def ensure_secrets_file(path: Path = SECRETS_FILE) -> tuple[str, bool]:
    """The passphrase in ``path``'s ``[staff]`` section, writing a random one first if there is none.

    Returns (passphrase, created). A new file is readable by its owner only;
    an existing file without the section gets the section appended, and is
    otherwise left as it was.
    """
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    parsed = tomllib.loads(existing)  # a broken file raises tomllib.TOMLDecodeError: never overwrite it
    current = configured_passphrase({}, parsed)
    if current:
        return current, False
    if SECRETS_SECTION in parsed:
        raise ValueError(f"{path} has a [{SECRETS_SECTION}] section without a {SECRETS_KEY}: add one, "
                         f"e.g. {SECRETS_KEY} = \"a long phrase\"")
    passphrase = secrets.token_urlsafe(18)  # 24 characters, 144 bits
    path.parent.mkdir(parents=True, exist_ok=True)
    section = (f"# The call-centre desk's passphrase (written by bin/app; change it freely).\n"
               f"[{SECRETS_SECTION}]\n{SECRETS_KEY} = \"{passphrase}\"\n")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        out.write(("\n" if existing and not existing.endswith("\n") else "") + section)
    return passphrase, True


def main(argv: list[str] | None = None) -> int:
    """``python -m web.staff [SECRETS_FILE]``: what bin/app prints before the server starts."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else SECRETS_FILE
    try:
        if "auth" in tomllib.loads(path.read_text(encoding="utf-8") if path.exists() else ""):
            # Staff sign in through the identity provider; no passphrase is made or used (ADR 19).
            print(f"Call centre: /call-centre, staff sign in through the identity provider ([auth] in {path}).")
            return 0
    except (OSError, ValueError) as exc:  # tomllib.TOMLDecodeError is a ValueError
        print(f"error: {path}: {exc}", file=sys.stderr)
        return 1
    if os.environ.get(PASSPHRASE_ENV, "").strip():
        print(f"Call centre: /call-centre, staff passphrase from ${PASSPHRASE_ENV}.")
        return 0
    try:
        passphrase, created = ensure_secrets_file(path)
    except (OSError, ValueError) as exc:  # tomllib.TOMLDecodeError is a ValueError
        print(f"error: {path}: {exc}", file=sys.stderr)
        return 1
    how = "created in" if created else "kept in"
    print(f"Call centre: /call-centre, staff passphrase ({how} {path}):\n\n    {passphrase}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
