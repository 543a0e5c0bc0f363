"""``TCP_NODELAY`` on every connection the server accepts: no 44 ms wait per request (ADR 15).

Streamlit binds its listening socket itself, as ``socket.socket(family=...)``,
so the socket's protocol number is 0; asyncio turns Nagle's algorithm off only
for sockets whose protocol is ``IPPROTO_TCP``, so no accepted connection gets
``TCP_NODELAY``. A response written in two parts (headers, then body) then
waits for the client's delayed ACK: about 44 ms per request on a kept-alive
connection.

On Linux an accepted connection inherits ``TCP_NODELAY`` from its listening
socket. :func:`set_on_listening_sockets` finds the process's listening TCP
sockets through their file descriptors, not through Streamlit's or uvicorn's
internals, so it keeps working whoever binds them; it runs from the app's
lifespan, which uvicorn starts after Streamlit has bound the socket and before
the first connection is accepted. If an upgrade changes that order, the
timing test in ``tests/test_transport.py`` (30 requests on one connection,
at most 5 ms each) fails.
"""

from __future__ import annotations

import os
import socket
import stat

from streamlit.logger import get_logger

_LOG = get_logger(__name__)


def set_on_listening_sockets() -> int:
    """Set ``TCP_NODELAY`` on each listening TCP socket of this process; return how many."""
    done = 0
    for fd in _open_descriptors():
        try:
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue
            # A duplicate descriptor shares the socket: options set through it are the socket's own.
            with socket.socket(fileno=os.dup(fd)) as sock:
                if (sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM
                        and sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)):
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    done += 1
        except OSError:
            continue  # closed meanwhile, or not a socket this can inspect
    _LOG.debug("TCP_NODELAY set on %d listening socket(s)", done)
    return done


def _open_descriptors() -> list[int]:
    try:
        return sorted(int(name) for name in os.listdir("/proc/self/fd"))
    except OSError:  # not Linux: the low descriptors, where a server's listening socket is
        return list(range(256))
