"""The balancer's configuration for the deploy recipes in ``deploy/``, from the template ``bin/serve`` uses.

    python -m serve.recipes systemd --replicas 3 > /etc/clinic-locator/haproxy.cfg
    python -m serve.recipes compose --replicas 3 > deploy/compose/haproxy.cfg

Unlike ``bin/serve``'s, these list exactly the replicas the recipe runs (no spare
slot for a rolling restart: systemd and compose replace a replica in place, and
HAProxy's health checks keep traffic away from it until it is ready), every one
in service from the start. Replica ``i`` (from 1) listens on ``8500 + i`` and
answers its health checks on ``9500 + i`` (web/readiness.py), on loopback under
systemd, on the host ``replica<i>`` under compose.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from serve.haproxy import BalancerConfig, Slot

FIRST_PORT = 8501  # replica i: 8500 + i; the image's port (deploy/Containerfile) is replica 1's
MAX_REPLICAS = 9  # the systemd template unit spells a replica's ports as 850%i and 950%i
DOCKER_DNS = "127.0.0.11:53"  # Docker's and Podman's (aardvark-dns) resolver inside a compose network


def systemd(replicas: int, port: int = 80, tls_pem: Path | None = None, http_port: int | None = None) -> str:
    """For deploy/systemd: replicas ``clinic-locator@1`` .. ``@N`` on loopback, HAProxy on ``port``."""
    slots = tuple(Slot(f"r{i}", FIRST_PORT + i - 1) for i in range(1, replicas + 1))
    return BalancerConfig(bind_address="0.0.0.0", port=port, slots=slots, stats_port=8404,
                          runtime_socket=Path("/run/clinic-locator-haproxy/admin.sock"),
                          in_service=frozenset(s.name for s in slots), tls_pem=tls_pem,
                          http_port=http_port).render()


def compose(replicas: int) -> str:
    """For deploy/compose.yaml: the services ``replica1`` .. ``replicaN``, each on the image's port."""
    slots = tuple(Slot(f"r{i}", FIRST_PORT, host=f"replica{i}") for i in range(1, replicas + 1))
    return BalancerConfig(bind_address="0.0.0.0", port=8080, slots=slots, stats_port=8404,
                          runtime_socket=Path("/tmp/haproxy-admin.sock"),
                          in_service=frozenset(s.name for s in slots), dns=DOCKER_DNS).render()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m serve.recipes", description=__doc__.splitlines()[0])
    parser.add_argument("recipe", choices=["systemd", "compose"])
    parser.add_argument("--replicas", type=int, default=3, choices=range(1, MAX_REPLICAS + 1), metavar="N",
                        help=f"how many replicas (1 to {MAX_REPLICAS}; default 3)")
    parser.add_argument("--port", type=int, default=80, help="systemd: the public port (default 80; 443 with TLS)")
    parser.add_argument("--tls-pem", type=Path, help="systemd: certificate chain and key in one PEM file: HTTPS")
    parser.add_argument("--http-port", type=int, help="systemd, with --tls-pem: redirect plain HTTP from here")
    args = parser.parse_args(argv)
    if args.recipe == "compose":
        sys.stdout.write(compose(args.replicas))
    else:
        sys.stdout.write(systemd(args.replicas, args.port, args.tls_pem, args.http_port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
