"""Signing out ends a sign-in on every replica, although the sign-in cookie is stateless: docs/adr/0023.

Streamlit's sign-in cookie is signed, not stored: any replica that knows the
cookie secret accepts it until it expires. Deleting it from the browser that
signed out is not enough (a copy, another tab's session, a cookie taken
before): so each sign-out is also written down, and a sign-in is refused once
a sign-out of the same person at or after its start is on record.

The record is kept where every replica sees it: one SQLite file in the
directory named by :data:`STATE_DIR_ENV` (``bin/serve`` gives each replica the
same one). Without it (``bin/app``: one process) the process keeps its own.
A record is needed only while a sign-in it ends could still be valid, so
records older than the longest session are dropped.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from web import shared_state
from web.shared_state import STATE_DIR_ENV  # bin/serve's state directory, one for every replica
from web.staff_oidc import MAX_SESSION_HOURS

FILE_NAME = "staff-sign-outs.sqlite"
KEEP_S = MAX_SESSION_HOURS * 3600  # no sign-in a record could end lasts longer


class SignOuts(Protocol):
    def record(self, who: str, signed_in_at: float, now: float | None = None) -> None:
        """``who`` signed out of the sign-in that began at ``signed_in_at``: it, and any earlier one, ends."""

    def ended(self, who: str, signed_in_at: float) -> bool:
        """Whether a sign-out of ``who`` on record ends the sign-in that began at ``signed_in_at``."""


class ProcessSignOuts:
    """This process's own record (one process: ``bin/app``)."""

    def __init__(self) -> None:
        self._latest: dict[str, tuple[float, float]] = {}  # who -> (ends sign-ins begun up to, recorded at)
        self._lock = threading.Lock()

    def record(self, who: str, signed_in_at: float, now: float | None = None) -> None:
        now = time.time() if now is None else now
        with self._lock:
            self._latest = {k: v for k, v in self._latest.items() if v[1] > now - KEEP_S}
            upto = max(signed_in_at, self._latest.get(who, (0.0, 0.0))[0])
            self._latest[who] = (upto, now)

    def ended(self, who: str, signed_in_at: float) -> bool:
        with self._lock:
            entry = self._latest.get(who)
        return entry is not None and signed_in_at <= entry[0]


class SharedSignOuts:
    """Every replica's record, in one SQLite file (a transaction per sign-out; reads need no lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS sign_out (who TEXT NOT NULL, upto REAL NOT NULL, at REAL NOT NULL)")
            db.execute("CREATE INDEX IF NOT EXISTS sign_out_who ON sign_out (who)")

    def _connect(self) -> sqlite3.Connection:
        return shared_state.connect(self.path)

    def record(self, who: str, signed_in_at: float, now: float | None = None) -> None:
        now = time.time() if now is None else now
        db = self._connect()
        try:
            with db:
                db.execute("DELETE FROM sign_out WHERE at < ?", (now - KEEP_S,))
                db.execute("INSERT INTO sign_out (who, upto, at) VALUES (?, ?, ?)", (who, signed_in_at, now))
        finally:
            db.close()

    def ended(self, who: str, signed_in_at: float) -> bool:
        db = self._connect()
        try:
            (upto,) = db.execute("SELECT max(upto) FROM sign_out WHERE who = ?", (who,)).fetchone()
        finally:
            db.close()
        return upto is not None and signed_in_at <= upto


_shared: dict[str, SignOuts] = {}
_process = ProcessSignOuts()


def sign_outs(environ: Mapping[str, str] = os.environ) -> SignOuts:
    """Shared when the environment names a state directory (``bin/serve``), else this process's own."""
    state_dir = environ.get(STATE_DIR_ENV, "").strip()
    if not state_dir:
        return _process
    if state_dir not in _shared:
        _shared[state_dir] = SharedSignOuts(Path(state_dir) / FILE_NAME)
    return _shared[state_dir]


def main(argv: list[str] | None = None) -> int:
    """``python -m web.sign_outs EMAIL``: sign a person out of the desk everywhere, now (e.g. someone who left)."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or "@" not in args[0]:
        print("usage: python -m web.sign_outs person@clinic.example   (with the replicas' "
              f"{STATE_DIR_ENV} set, as bin/serve sets it)", file=sys.stderr)
        return 2
    if not os.environ.get(STATE_DIR_ENV, "").strip():
        print(f"error: {STATE_DIR_ENV} is not set: name the replicas' state directory (bin/serve's), so that "
              f"every replica sees the sign-out.", file=sys.stderr)
        return 2
    who = args[0].strip().lower()
    sign_outs().record(who, time.time())
    print(f"{who} is signed out of the desk; a new sign-in is needed (remove them from [staff_access] too, "
          f"or they can sign in again).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
