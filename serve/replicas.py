"""One replica: ``streamlit run app.py`` on a loopback port (a :class:`~serve.processes.Child`)."""

from __future__ import annotations

import sys
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from serve.processes import Child
from web.readiness import HEALTH_PORT_ENV, HEALTH_PORT_OFFSET, READY_PATH

REPO_ROOT = Path(__file__).resolve().parents[1]


class Replica(Child):
    """The app in slot ``name``, listening on 127.0.0.1:``port``."""

    def __init__(self, name: str, port: int, env: Mapping[str, str], out: IO[str]) -> None:
        self.port = port
        cmd = [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.port", str(port),
            "--server.address", "127.0.0.1",
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
            # A service takes new code and data by a rolling restart (SIGHUP), never under a running session.
            "--server.fileWatcherType", "none",
            "--server.runOnSave", "false",
        ]
        self.health_port = port + HEALTH_PORT_OFFSET
        super().__init__(name, cmd, {**env, "PYTHONUNBUFFERED": "1", HEALTH_PORT_ENV: str(self.health_port)}, out,
                         REPO_ROOT)

    def ready(self, timeout: float = 1.0) -> bool:
        """Whether its readiness endpoint answers 200 now (the first call starts loading its index)."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.health_port}{READY_PATH}", timeout=timeout) as response:
                return bool(response.status == 200)
        except (OSError, urllib.error.URLError):
            return False
