"""What every replica of the app must share: the staff session key, and the count of wrong passphrases.

Under ``bin/serve`` several processes serve one site, and a staff member's
browser may reach any of them once theirs is replaced. So:

* The key that signs the staff session cookie is the same everywhere: the
  environment variable :data:`SESSION_KEY_ENV`, else ``[staff_session] key``
  in ``.streamlit/secrets.toml`` (``bin/serve`` writes a random one there on
  its first run: :func:`ensure_session_key`). With neither (``bin/app``: one
  process), each process makes its own, as before: a restart signs staff out.
* Wrong passphrases are counted in one SQLite file in the directory named by
  :data:`STATE_DIR_ENV` (``bin/serve`` gives every replica its state
  directory), so that the slow-down after many wrong tries holds across
  replicas. Without it, the count is the process's own.

No secret is ever printed or logged here.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sqlite3
import threading
import time
import tomllib
from collections import deque
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Protocol

SESSION_KEY_ENV = "CLINIC_LOCATOR_STAFF_SESSION_KEY"
SECRETS_SECTION = "staff_session"
SECRETS_KEY = "key"
STATE_DIR_ENV = "CLINIC_LOCATOR_STATE_DIR"
WRONG_TRIES_FILE = "staff-wrong-tries.sqlite"
# Streamlit's own cookie secret (its XSRF and st.login cookies): the same on every replica too.
STREAMLIT_COOKIE_SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"
_MIN_KEY_CHARS = 32


# ------------------------------------------------------------------ the session key


def configured_session_key(environ: Mapping[str, str], secrets_: Mapping) -> bytes | None:
    """The shared key: the environment's, else the secrets file's; None if neither sets a usable one."""
    value = environ.get(SESSION_KEY_ENV, "").strip()
    if not value:
        section = secrets_.get(SECRETS_SECTION)
        value = section.get(SECRETS_KEY, "") if isinstance(section, Mapping) else ""
        value = value.strip() if isinstance(value, str) else ""
    return value.encode() if len(value) >= _MIN_KEY_CHARS else None


def session_key() -> bytes:
    """The key that signs staff session cookies in this process (see the module's docstring)."""
    import streamlit as st

    try:
        key = configured_session_key(os.environ, st.secrets)
    except FileNotFoundError:  # no secrets file
        key = configured_session_key(os.environ, {})
    return key or _process_key()


@cache
def _process_key() -> bytes:
    return secrets.token_bytes(32)


def ensure_session_key(path: Path) -> bool:
    """Write a random ``[staff_session] key`` to ``path`` unless it has one; True if it wrote it.

    The file is created readable by its owner only; an existing one keeps its
    content, the section being appended. A file that does not parse raises
    (``tomllib.TOMLDecodeError``) and is left alone.
    """
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    parsed = tomllib.loads(existing)
    if configured_session_key({}, parsed):
        return False
    if SECRETS_SECTION in parsed:
        raise ValueError(f"{path} has a [{SECRETS_SECTION}] section without a usable {SECRETS_KEY} (at least "
                         f"{_MIN_KEY_CHARS} characters): remove the section and bin/serve writes one")
    section = (f"# Signs the call-centre desk's session cookies, the same for every replica "
               f"(written by bin/serve; a new one signs staff out).\n"
               f"[{SECRETS_SECTION}]\n{SECRETS_KEY} = \"{secrets.token_urlsafe(32)}\"\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        out.write(("\n" if existing and not existing.endswith("\n") else "") + section)
    return True


def replica_environment(state_dir: Path, secrets_file: Path = Path(".streamlit/secrets.toml"),
                        environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """What ``bin/serve`` adds to each replica's environment: the state directory and Streamlit's cookie secret.

    Makes sure the shared session key exists first. Streamlit's cookie secret
    is derived from that key, so that it too is the same on every replica and
    across restarts without a second secret to keep.
    """
    key = configured_session_key(environ, {})
    if key is None:
        ensure_session_key(secrets_file)
        key = configured_session_key({}, tomllib.loads(secrets_file.read_text(encoding="utf-8")))
    assert key is not None
    cookie_secret = hmac.new(key, b"clinic-locator streamlit cookie secret", hashlib.sha256).hexdigest()
    return {STATE_DIR_ENV: str(state_dir), STREAMLIT_COOKIE_SECRET_ENV: cookie_secret}


# ------------------------------------------------------------------ wrong passphrases


class WrongTries(Protocol):
    """Where the wrong tries of every session are counted."""

    def record(self, now: float, window_s: float) -> tuple[float, int]:
        """Count a wrong try at ``now`` (seconds since the epoch); return (now, tries within ``window_s``)."""

    def latest(self) -> tuple[float, int]:
        """(time, tries within the window then) of the last wrong try; (0, 0) if none."""


class ProcessWrongTries:
    """This process's own count (one process: ``bin/app``)."""

    def __init__(self) -> None:
        self._times: deque[float] = deque()
        self._latest = (0.0, 0)
        self._lock = threading.Lock()

    def record(self, now: float, window_s: float) -> tuple[float, int]:
        with self._lock:
            self._times.append(now)
            while self._times and self._times[0] < now - window_s:
                self._times.popleft()
            self._latest = (now, len(self._times))
            return self._latest

    def latest(self) -> tuple[float, int]:
        with self._lock:
            return self._latest


class SharedWrongTries:
    """Every replica's count, in one SQLite file (a transaction per try: SQLite serialises the writers)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS wrong_try (at REAL NOT NULL)")
            db.execute("CREATE INDEX IF NOT EXISTS wrong_try_at ON wrong_try (at)")

    def _connect(self) -> sqlite3.Connection:
        return connect(self.path)

    def record(self, now: float, window_s: float) -> tuple[float, int]:
        db = self._connect()
        try:
            with db:
                db.execute("DELETE FROM wrong_try WHERE at < ?", (now - window_s,))
                db.execute("INSERT INTO wrong_try (at) VALUES (?)", (now,))
                (count,) = db.execute("SELECT count(*) FROM wrong_try").fetchone()
            return now, int(count)
        finally:
            db.close()

    def latest(self) -> tuple[float, int]:
        db = self._connect()
        try:
            latest, count = db.execute("SELECT max(at), count(*) FROM wrong_try").fetchone()
            return (float(latest), int(count)) if latest is not None else (0.0, 0)
        finally:
            db.close()


#: How long a replica waits for another to finish with a shared file.
BUSY_TIMEOUT_S = 10


def connect(path: Path) -> sqlite3.Connection:
    """A connection to one of the replicas' shared SQLite files.

    Each write is one ``BEGIN IMMEDIATE`` transaction, so replicas take turns
    (waiting up to 10 s); write-ahead logging lets readers go on meanwhile.
    """
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level="IMMEDIATE")
    # SQLite does not wait (its busy timeout) to switch a new file to write-ahead logging while
    # another connection holds it: replicas started together failed with "database is locked".
    # Once switched, the file stays so and this returns at once.
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return db
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                db.close()
                raise
            time.sleep(0.02)


def wrong_tries(environ: Mapping[str, str] = os.environ) -> WrongTries:
    """Shared when the environment names a state directory (``bin/serve``), else this process's own."""
    state_dir = environ.get(STATE_DIR_ENV, "").strip()
    if state_dir:
        return SharedWrongTries(Path(state_dir) / WRONG_TRIES_FILE)
    return ProcessWrongTries()
