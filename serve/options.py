"""``bin/serve``'s command line, and every check made before anything starts.

A missing or half-written TLS file, a port in use or no ``haproxy``: each is
found here, before a replica or the balancer is started, and reported as a
:class:`ServeError` that says what is wrong and how to fix it.
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import os
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path

import web.public_url
from serve.errors import ServeError
from web.public_url import PUBLIC_URL_ENV
from web.readiness import HEALTH_PORT_OFFSET

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_STATE_DIR = REPO_ROOT / ".serve"


@dataclass(frozen=True)
class Options:
    replicas: int
    port: int
    bind: str
    replica_port: int  # the first slot's; slot i listens on replica_port + i
    stats_port: int
    http_port: int | None
    tls_cert: Path | None
    tls_key: Path | None
    state_dir: Path
    drain_s: float
    ready_timeout_s: float
    public_url: str | None

    @property
    def tls(self) -> bool:
        return self.tls_cert is not None

    @property
    def slot_ports(self) -> tuple[int, ...]:
        """One more slot than replicas: a rolling restart starts each replacement beside its predecessor."""
        return tuple(self.replica_port + i for i in range(self.replicas + 1))

    @property
    def url(self) -> str:
        host = "localhost" if self.bind in ("0.0.0.0", "::", "127.0.0.1") else self.bind
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"


def parse(argv: list[str], environ: dict[str, str]) -> Options:
    parser = argparse.ArgumentParser(
        prog="bin/serve", description="Run the Clinic Locator as a service: HAProxy in front of N Streamlit "
        "replicas. Foreground; Ctrl-C or SIGTERM stops everything, SIGHUP replaces the replicas one at a time.")
    parser.add_argument("--replicas", type=int, default=2, help="Streamlit processes (default 2)")
    parser.add_argument("--port", type=int, default=8080, help="the public port (default 8080)")
    parser.add_argument("--bind", default="0.0.0.0", help="the public address (default 0.0.0.0: every interface)")
    parser.add_argument("--tls-cert", type=Path, help="PEM certificate chain (certbot's fullchain.pem): serve HTTPS")
    parser.add_argument("--tls-key", type=Path, help="PEM private key (certbot's privkey.pem)")
    parser.add_argument("--http-port", type=int, help="with TLS: also listen for plain HTTP here and redirect it")
    parser.add_argument("--replica-port", type=int, default=8600,
                        help="loopback port of the first replica slot; slot i is this + i (default 8600)")
    parser.add_argument("--stats-port", type=int, default=8404,
                        help="loopback port of HAProxy's /stats and /metrics (default 8404)")
    parser.add_argument("--state-dir", type=Path, default=DEFAULT_STATE_DIR,
                        help="HAProxy's configuration and socket, the TLS bundle, the shared sign-in "
                        "throttle (default .serve/ in the checkout)")
    parser.add_argument("--drain-seconds", type=float, default=10.0,
                        help="on SIGHUP, how long a drained replica keeps its open pages (default 10)")
    parser.add_argument("--ready-timeout", type=float, default=180.0,
                        help="how long a new replica may take to become ready (default 180 s)")
    args = parser.parse_args(argv)
    if not 1 <= args.replicas <= 64:
        parser.error("--replicas must be between 1 and 64")
    if (args.tls_cert is None) != (args.tls_key is None):
        parser.error("--tls-cert and --tls-key go together: give both for HTTPS, or neither")
    if args.http_port is not None and args.tls_cert is None:
        parser.error("--http-port redirects to HTTPS: it needs --tls-cert and --tls-key")
    for name in ("port", "http_port", "replica_port", "stats_port"):
        value = getattr(args, name)
        if value is not None and not 1 <= value <= 65535:
            parser.error(f"--{name.replace('_', '-')} must be a port number, 1 to 65535")
    return Options(
        replicas=args.replicas, port=args.port, bind=args.bind, replica_port=args.replica_port,
        stats_port=args.stats_port, http_port=args.http_port, tls_cert=args.tls_cert, tls_key=args.tls_key,
        state_dir=args.state_dir.resolve(), drain_s=max(0.0, args.drain_seconds),
        ready_timeout_s=args.ready_timeout, public_url=public_url(environ),
    )


def public_url(environ: dict[str, str]) -> str | None:
    """``CLINIC_LOCATOR_PUBLIC_URL`` as an origin (``https://clinics.example.org``), or None if unset.

    The replicas would log a malformed one and carry on; a service refuses to start with it.
    """
    value = environ.get(PUBLIC_URL_ENV, "").strip()
    origin = web.public_url.public_url({PUBLIC_URL_ENV: value})
    if value and origin is None:
        raise ServeError(f"{PUBLIC_URL_ENV}={value!r} is not an origin. Give the scheme and host the public "
                         "types, and nothing else, e.g. https://clinics.example.org")
    return origin


def preflight(options: Options) -> None:
    """Every check that can fail before anything starts: TLS files, then ports."""
    if options.tls_cert is not None and options.tls_key is not None:
        check_tls(options.tls_cert, options.tls_key)
    check_ports(options)


def check_tls(cert: Path, key: Path) -> None:
    """Both files readable, PEM, and the key the certificate's own."""
    for path, what in ((cert, "--tls-cert"), (key, "--tls-key")):
        if not path.is_file():
            raise ServeError(f"{what} {path}: no such file. certbot writes the certificate chain to "
                             "/etc/letsencrypt/live/<your domain>/fullchain.pem and its key to privkey.pem.")
        if not os.access(path, os.R_OK):
            raise ServeError(f"{what} {path}: cannot be read by this user. Run bin/serve as a user that can "
                             "read it, or copy it somewhere that user can (the key readable by it alone).")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(cert, key)
    except ssl.SSLError as exc:
        raise ServeError(f"--tls-cert {cert} and --tls-key {key} do not make a certificate and its key "
                         f"({exc.reason or exc}). Is one of them empty, half-written or of another site? Give "
                         "the PEM certificate chain (certbot's fullchain.pem) and its own private key "
                         "(privkey.pem).") from None


def check_ports(options: Options) -> None:
    """Every port bin/serve would listen on is free (and distinct), so that nothing starts half-way."""
    wanted = [("--port", options.bind, options.port), ("--stats-port", "127.0.0.1", options.stats_port)]
    if options.http_port is not None:
        wanted.append(("--http-port", options.bind, options.http_port))
    wanted += [(f"replica slot {i + 1} (--replica-port + {i})", "127.0.0.1", port)
               for i, port in enumerate(options.slot_ports)]
    wanted += [(f"replica slot {i + 1}'s health checks (--replica-port + {i + HEALTH_PORT_OFFSET})", "127.0.0.1",
                port + HEALTH_PORT_OFFSET) for i, port in enumerate(options.slot_ports)]
    seen: dict[int, str] = {}
    for what, address, port in wanted:
        if port in seen:
            raise ServeError(f"{what} and {seen[port]} are both port {port}: give them different ports.")
        seen[port] = what
        _bindable(what, address, port)


def _bindable(what: str, address: str, port: int) -> None:
    family = socket.AF_INET6 if _is_ipv6(address) else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as HAProxy and uvicorn bind
        try:
            sock.bind((address, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ServeError(f"{what}: port {port} is already in use (see what holds it: "
                                 f"ss -ltnp 'sport = :{port}'). Stop that program, or choose another port.") from None
            if exc.errno == errno.EACCES:
                raise ServeError(f"{what}: port {port} needs privileges this user does not have. Use a port "
                                 "above 1023, or let HAProxy bind low ports: sudo setcap "
                                 "cap_net_bind_service=+ep /usr/sbin/haproxy") from None
            if exc.errno == errno.EADDRNOTAVAIL:
                raise ServeError(f"{what}: {address} is not an address of this machine (--bind).") from None
            raise ServeError(f"{what}: cannot listen on {address}:{port}: {exc.strerror}.") from None


def _is_ipv6(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).version == 6
    except ValueError:
        return False
