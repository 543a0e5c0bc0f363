"""The desk's audit trail: one log line per thing a member of staff did, never what they looked up.

``staff desk: who=alice@clinic.example action=list rows=250 at=2026-12-07T09:14:03Z``

``who`` is the signed-in person (``passphrase`` when the desk is opened with
the shared passphrase: it cannot tell who); ``action`` is one of
:data:`ACTIONS`; ``rows`` is a list's length. The same action is counted per person on
``/metrics`` (``clinic_locator_desk_actions_total{person, action}``, ``web.metrics``). The query, a list's content, a
file's name: none of them is ever an argument here, so none can reach the log.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from streamlit.logger import get_logger

from web import metrics

LOOKUP, LIST, DOWNLOAD, SIGN_IN, SIGN_OUT = "lookup", "list", "download", "sign_in", "sign_out"
ACTIONS = (LOOKUP, LIST, DOWNLOAD, SIGN_IN, SIGN_OUT)
PASSPHRASE = "passphrase"

_LOG = get_logger("web.audit")


@dataclass(frozen=True)
class StaffMember:
    """Who is at the desk: an identity from the sign-in, and how they signed in (``oidc`` or ``passphrase``)."""

    who: str
    via: str
    name: str = ""


def desk_action(staff: StaffMember, action: str, rows: int | None = None) -> None:
    """Log one desk action of ``staff``: a lookup, a list of ``rows`` rows, a download, a sign-in or sign-out."""
    if action not in ACTIONS:
        raise ValueError(f"not a desk action: {action!r}")
    at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    count = "" if rows is None else f" rows={int(rows)}"
    # who is an email address or a provider's id: no spaces or '=' to forge another field with.
    who = "".join(c for c in staff.who if c.isprintable() and not c.isspace() and c != "=")[:254]
    _LOG.info("staff desk: who=%s action=%s%s at=%s via=%s", who, action, count, at, staff.via)
    metrics.count_desk_action(who, action)
