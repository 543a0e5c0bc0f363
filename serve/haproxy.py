"""HAProxy for ``bin/serve``: its configuration (from ``deploy/haproxy.cfg.j2``), its check, its runtime API.

The balancer knows one ``server`` line per replica *slot*: ``replicas + 1``
of them, each a fixed loopback port, so that a rolling restart can start a
replacement beside the replica it replaces. Every slot starts ``disabled``
(HAProxy's maintenance) unless a ready replica is already in it; the
supervisor puts a slot in service (``set server … state ready``) only once
its replica answers the readiness check, takes it out with ``drain`` then
``maint``, all over the stats socket's runtime API.
"""

from __future__ import annotations

import csv
import io
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import jinja2

from serve.errors import ServeError
from web.readiness import HEALTH_PORT_OFFSET, READY_PATH

TEMPLATE = Path(__file__).resolve().parents[1] / "deploy" / "haproxy.cfg.j2"
BACKEND = "replicas"
# The cookie that pins a browser to its replica (see the template's `cookie` line).
STICKY_COOKIE = "clinic_locator_replica"
# Debian installs it in /usr/sbin, which is not on an ordinary user's PATH.
SEARCH_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


@dataclass(frozen=True)
class Slot:
    """One ``server`` line: its name (also its cookie value), its host and port; checks on ``port + 1000``."""

    name: str
    port: int
    host: str = "127.0.0.1"  # another host in the deploy recipes (deploy/compose.yaml's replicas)


@dataclass(frozen=True)
class BalancerConfig:
    """Everything the template needs."""

    bind_address: str
    port: int
    slots: tuple[Slot, ...]
    stats_port: int
    runtime_socket: Path
    in_service: frozenset[str] = frozenset()  # slots whose replica is ready when HAProxy starts
    tls_pem: Path | None = None
    http_port: int | None = None
    public_origin: str | None = None  # where plain HTTP is sent; else the Host asked for, on `port`
    maxconn: int = 4096
    dns: str | None = None  # a nameserver for the replicas' host names (deploy/compose.yaml), else none

    def render(self) -> str:
        template = jinja2.Template(TEMPLATE.read_text(encoding="utf-8"), undefined=jinja2.StrictUndefined,
                                   keep_trailing_newline=True, autoescape=False)
        return template.render(
            bind_address=self.bind_address, port=self.port, http_port=self.http_port, tls=self.tls_pem is not None,
            tls_pem=self.tls_pem, redirect_origin=self._redirect_origin(), runtime_socket=self.runtime_socket,
            maxconn=self.maxconn, cookie=STICKY_COOKIE, ready_path=READY_PATH, slots=self.slots,
            stats_port=self.stats_port, in_service=self.in_service, health_offset=HEALTH_PORT_OFFSET,
            dns=self.dns)

    def _redirect_origin(self) -> str:
        if self.public_origin:
            return self.public_origin.rstrip("/")
        # The host the browser asked for, without its port, then the HTTPS port (none if 443).
        host = "%[req.hdr(host),field(1,:)]"
        return f"https://{host}" + ("" if self.port == 443 else f":{self.port}")


def haproxy_binary() -> str:
    """The ``haproxy`` to run; a :class:`ServeError` saying how to install it if there is none."""
    found = shutil.which("haproxy") or shutil.which("haproxy", path=SEARCH_PATH)
    if not found:
        raise ServeError("haproxy is not installed. Run bin/setup (it installs Debian's haproxy), "
                         "or: sudo apt-get update && sudo apt-get install haproxy")
    return found


def check(binary: str, config_path: Path) -> None:
    """``haproxy -c``: a :class:`ServeError` with HAProxy's own words if the configuration is refused."""
    result = subprocess.run([binary, "-c", "-q", "-f", str(config_path)], capture_output=True, text=True,
                            timeout=60)
    if result.returncode != 0:
        detail = (result.stdout + result.stderr).strip()
        raise ServeError(f"HAProxy refuses the generated configuration {config_path}:\n{detail}")


class RuntimeApi:
    """HAProxy's runtime API on its stats socket (``level admin``), one command per connection."""

    def __init__(self, path: Path, backend: str = BACKEND) -> None:
        self.path = path
        self.backend = backend

    def command(self, line: str, timeout: float = 5.0) -> str:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(str(self.path))
            sock.sendall(line.encode() + b"\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode(errors="replace")

    def set_state(self, slot: str, state: str) -> None:
        """``ready``, ``drain`` or ``maint``."""
        reply = self.command(f"set server {self.backend}/{slot} state {state}").strip()
        if reply:
            raise RuntimeError(f"HAProxy: set server {self.backend}/{slot} state {state}: {reply}")

    def servers(self) -> dict[str, dict[str, str]]:
        """Each slot's row of ``show stat`` (``status`` is UP, DOWN, MAINT, DRAIN, …; ``scur`` its sessions)."""
        text = self.command(f"show stat {self.backend} 4 -1").lstrip("# ")
        return {row["svname"]: row for row in csv.DictReader(io.StringIO(text)) if row.get("svname")}

    def answers(self) -> bool:
        try:
            self.command("show info", timeout=1.0)
            return True
        except OSError:
            return False
