"""``bin/serve`` started by a test on loopback, as an operator starts it, and stopped after (tests/test_serve*.py).

:func:`start_service` runs the real command (``bin/serve``: setup, HAProxy, real
replicas) on free ports with a state directory of the test's own, the test
staff passphrase and a session key from the environment, so that it never
reads or writes the checkout's ``.streamlit/secrets.toml``. Its output goes to
``artifacts/logs/``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from serve.haproxy import RuntimeApi
from web.shared_state import SESSION_KEY_ENV
from web.staff import PASSPHRASE_ENV

REPO_ROOT = Path(__file__).resolve().parents[1]
LOGS = REPO_ROOT / "artifacts" / "logs"
STAFF_PASSPHRASE = "correct horse battery staple"  # as tests/browser's servers
SESSION_KEY = "the test services' shared staff session key, 32+ characters"
READY_LINE = "bin/serve: serving "


def free_ports(n: int) -> list[int]:
    """``n`` distinct free loopback ports (consecutive for the replica slots is not needed: see ``slot_ports``)."""
    sockets = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def free_port_run(n: int) -> int:
    """The first of ``n`` consecutive free loopback ports (the replica slots)."""
    for _ in range(200):
        first = free_ports(1)[0]
        if first + n < 65535 and all(_free(first + i) for i in range(n)):
            return first
    raise RuntimeError(f"no {n} consecutive free ports")


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


@dataclass
class Service:
    proc: subprocess.Popen
    url: str
    replicas: int
    replica_port: int
    stats_port: int
    state_dir: Path
    log_path: Path
    runtime: RuntimeApi = field(init=False)

    def __post_init__(self) -> None:
        self.runtime = RuntimeApi(self.state_dir / "haproxy.sock")

    @property
    def slot_ports(self) -> list[int]:
        return [self.replica_port + i for i in range(self.replicas + 1)]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def statuses(self) -> dict[str, str]:
        """Each slot's HAProxy status: UP, DOWN, MAINT, DRAIN, …"""
        return {name: row["status"] for name, row in self.runtime.servers().items()}

    def replica_pid(self, slot: str) -> int | None:
        """The pid of the ``streamlit run`` in ``slot`` (r1, r2, …), None if there is none."""
        return pid_listening_as(self.slot_ports[int(slot[1:]) - 1])

    def in_service(self) -> dict[str, int]:
        """The slots HAProxy sends traffic to (UP), with their replicas' pids."""
        return {slot: pid for slot, status in self.statuses().items()
                if status == "UP" and (pid := self.replica_pid(slot)) is not None}

    def wait_for(self, condition: Callable[[], bool], timeout: float, what: str) -> float:
        """Poll ``condition`` until true; returns the seconds it took, fails with the log after ``timeout``."""
        started = time.monotonic()
        while not condition():
            if time.monotonic() - started > timeout:
                raise AssertionError(f"not within {timeout} s: {what}\n--- bin/serve's output:\n{self.log()[-6000:]}")
            time.sleep(0.05)
        return time.monotonic() - started

    def pids(self) -> set[int]:
        """Every process bin/serve started that is still there: the supervisor, HAProxy and the replicas."""
        return descendants(self.proc.pid) | {p for port in self.slot_ports if (p := pid_listening_as(port))} | \
            ({self.proc.pid} if alive(self.proc.pid) else set())

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def start_service(replicas: int, *args: str, env: dict[str, str] | None = None, tmp: Path,
                  timeout: float = 240.0, tls: bool = False, port: int | None = None) -> Service:
    """``bin/serve --replicas N`` on free loopback ports (the public one ``port`` if given, e.g. for a sign-in's
    redirect URI); returns once it says it is serving."""
    free, stats_port = free_ports(2)
    port = port or free
    replica_port = free_port_run(replicas + 1)
    state_dir = tmp / "serve-state"
    LOGS.mkdir(parents=True, exist_ok=True)
    log_path = LOGS / f"bin-serve-{port}.log"
    cmd = [str(REPO_ROOT / "bin" / "serve"), "--replicas", str(replicas), "--port", str(port), "--bind", "127.0.0.1",
           "--replica-port", str(replica_port), "--stats-port", str(stats_port), "--state-dir", str(state_dir),
           *args]
    environ = {**os.environ, PASSPHRASE_ENV: STAFF_PASSPHRASE, SESSION_KEY_ENV: SESSION_KEY, **(env or {})}
    with open(log_path, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=environ, start_new_session=True)
    service = Service(proc, f"{'https' if tls else 'http'}://127.0.0.1:{port}", replicas, replica_port, stats_port,
                      state_dir, log_path)
    try:
        service.wait_for(lambda: READY_LINE in service.log() or proc.poll() is not None, timeout, "bin/serve serving")
    except AssertionError:
        service.stop()
        raise
    if proc.poll() is not None:
        raise AssertionError(f"bin/serve exited with {proc.returncode}:\n{service.log()[-6000:]}")
    return service


def self_signed(directory: Path, name: str = "localhost") -> tuple[Path, Path]:
    """A self-signed certificate and its key for ``name``, made with the openssl command."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={name}",
                    "-addext", f"subjectAltName=DNS:{name},IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


# ------------------------------------------------------------------ processes, from /proc


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def descendants(pid: int) -> set[int]:
    """Every living process whose chain of parents leads to ``pid``."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found = {pid}
    changed = True
    while changed:
        changed = False
        for child, parent in parents.items():
            if parent in found and child not in found:
                found.add(child)
                changed = True
    return {p for p in found - {pid} if alive(p)}


def pid_listening_as(port: int) -> int | None:
    """The ``streamlit run`` process started with ``--server.port port``, if one is alive."""
    needle = f"--server.port\0{port}\0".encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if needle in (entry / "cmdline").read_bytes() and alive(int(entry.name)):
                    return int(entry.name)
            except OSError:
                continue
    return None
