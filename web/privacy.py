"""No query, postcode or position in the server's log, not even when something fails.

What reaches the log is counted or classified, never quoted:

* uvicorn's access log (off under ``streamlit run``, on under a bare
  ``uvicorn app:app``) would print each request line, query string included
  (``GET /api/v1/nearest?q=SL6%208DG``): :class:`DropQueryStrings` cuts the
  query string off.
* A traceback's last line is the exception's message, which can quote what
  was typed (``KeyError: 'SL6 8DG'``); Streamlit logs the full traceback of an
  uncaught script error, uvicorn that of an ASGI error.
  :class:`TracebackWithoutMessages` keeps the frames (file, line, function:
  what an operator needs) and replaces every message with its exception's
  type name.
"""

from __future__ import annotations

import logging
import traceback

from streamlit.logger import get_logger

# The loggers that write tracebacks of errors a request or a script run can cause.
TRACEBACK_LOGGERS = ("streamlit.error_util", "streamlit.runtime.scriptrunner.script_runner",
                     "streamlit.runtime.app_session", "streamlit.web.server.starlette.starlette_websocket",
                     "uvicorn.error", "uvicorn.asgi", "web")
ACCESS_LOGGER = "uvicorn.access"

_LOG = get_logger("web")


class DropQueryStrings(logging.Filter):
    """uvicorn's access lines without their query strings: ``GET /api/v1/nearest?…``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_path_only(a) if isinstance(a, str) and "?" in a else a for a in record.args)
        return True


def _path_only(text: str) -> str:
    return text.split("?", 1)[0] + "?…"


class TracebackWithoutMessages(logging.Filter):
    """Records with a traceback keep its frames, and lose every exception message in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.msg = f"{record.getMessage()}\n{redacted_traceback(record.exc_info[1])}"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


def redacted_traceback(exc: BaseException) -> str:
    """``exc``'s traceback, causes first as Python prints them, each exception by its type name alone."""
    parts = []
    for e in reversed(_chain(exc)):
        frames = traceback.format_list(traceback.extract_tb(e.__traceback__))
        parts.append("Traceback (most recent call last):\n" + "".join(frames)
                     + f"{type(e).__module__}.{type(e).__qualname__} (message withheld: it may quote what was typed)")
    return "\n\nwhich led to:\n\n".join(parts)


def _chain(exc: BaseException | None) -> list[BaseException]:
    """``exc`` and the exceptions that caused it, latest first."""
    chain: list[BaseException] = []
    while exc is not None and all(exc is not c for c in chain):
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    return chain


def log_failure(what: str, exc: BaseException) -> None:
    """Log that ``what`` failed with ``exc``: its type and frames, never its message."""
    _LOG.error("%s: %s\n%s", what, type(exc).__name__, redacted_traceback(exc))


def install() -> None:
    """Attach the filters (idempotent): called when the server is built."""
    access = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, DropQueryStrings) for f in access.filters):
        access.addFilter(DropQueryStrings())
    for name in TRACEBACK_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, TracebackWithoutMessages) for f in logger.filters):
            logger.addFilter(TracebackWithoutMessages())
