"""A child process of ``bin/serve`` in a process group of its own, its output prefixed with its name.

Its own process group (a new session), so that stopping it reaches anything it
started, and a Ctrl-C in the operator's terminal reaches only the supervisor,
which then stops its children in order. Each child is also told by the kernel
to stop if the supervisor itself dies (``PR_SET_PDEATHSIG``, set by util-linux's
``setpriv`` before it execs the command: no Python runs between fork and exec),
so that not even a ``kill -9`` of ``bin/serve`` leaves one behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

# util-linux (Essential on Debian): sets the parent-death signal, then execs the command in place.
STOP_WITH_PARENT = ["setpriv", "--pdeathsig", "TERM", "--"]


class Child:
    """``cmd`` started in ``cwd`` with exactly ``env``; each line it writes goes to ``out`` as ``[name] line``."""

    def __init__(self, name: str, cmd: Sequence[str], env: Mapping[str, str], out: IO[str], cwd: Path) -> None:
        self.name = name
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [*STOP_WITH_PARENT, *cmd], cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, errors="replace", start_new_session=True,
        )
        self._out = out
        self._stop_by = 0.0  # when terminate() was called: the monotonic time to SIGKILL at
        self._copier = threading.Thread(target=self._copy_output, name=f"{name}-output", daemon=True)
        self._copier.start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def exited(self) -> int | None:
        """Its exit code once it has exited (and been reaped), else None."""
        return self.proc.poll()

    def stopped(self) -> bool:
        """Whether it is stopped (SIGSTOP, or a debugger): alive, but it will answer nothing."""
        try:
            state = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return False
        return state in ("T", "t")

    def terminate(self, grace_s: float) -> None:
        """SIGTERM to its process group now; :meth:`reap` sends SIGKILL once ``grace_s`` has passed."""
        if not self._stop_by:
            self._stop_by = time.monotonic() + grace_s
            self._signal_group(signal.SIGTERM)
            self._signal_group(signal.SIGCONT)  # a stopped process must run to act on SIGTERM

    def reap(self) -> bool:
        """After :meth:`terminate`: True once it has exited, SIGKILLing it when its grace has run out."""
        if self.proc.poll() is not None:
            self._signal_group(signal.SIGKILL)  # anything it started and left behind
            return True
        if self._stop_by and time.monotonic() >= self._stop_by:
            self.kill()
            return True
        return False

    def stop(self, grace_s: float = 10.0) -> None:
        """SIGTERM, then SIGKILL after ``grace_s``; returns once the whole group has gone."""
        self.terminate(grace_s)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=grace_s)
        self.kill()

    def kill(self) -> None:
        """SIGKILL to its process group (a stopped process dies too); returns once it is reaped."""
        self._signal_group(signal.SIGKILL)
        self.proc.wait()
        self._copier.join(timeout=2)

    def _signal_group(self, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):  # the whole group has gone already
            os.killpg(self.proc.pid, sig)

    def _copy_output(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._out.write(f"[{self.name}] {line}")
            self._out.flush()
