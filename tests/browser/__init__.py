"""Browser-test harness: helpers that tests import (`from . import wait_for_app, screenshot`).

The fixtures that use them live in conftest.py. Everything here is plain Playwright
(sync API) driving Debian's /usr/bin/chromium; Playwright's own browser downloads are
never used.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page

from web.staff import PASSPHRASE_ENV

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "artifacts"  # git-ignored; CI can keep it as a build artefact

CHROMIUM = "/usr/bin/chromium"  # Debian's; installed by `bin/setup --browser`
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in CI, where the sandbox refuses to start
    "--disable-gpu",
    "--disable-dev-shm-usage",  # CI containers have a tiny /dev/shm
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Every URL that is not our own server. Matched by the Playwright driver, so local
# requests are not round-tripped through Python and timings stay honest.
NOT_LOCAL = re.compile(r"^(?!(?:https?|wss?)://(?:127\.0\.0\.1|localhost|\[::1\])(?::\d+)?(?:[/?#]|$))")
# The staff passphrase of every server the tests start.
STAFF_PASSPHRASE = "correct horse battery staple"
# The clinics' website, as named in the app server's CLINIC_LOCATOR_ALLOWED_ORIGINS (with the
# local parent page of the embed tests).
CLINIC_SITE = "https://www.clinics.example"


# ---------------------------------------------------------------- page recording


@dataclass
class PageLog:
    """What one page did. Attached to the `page` fixture as `page.log`.

    requests:          every request URL, from the page and all its iframes, in order
    external_requests: (url, resource_type) of every non-local request; all were aborted
    errors:            uncaught exceptions and console.error messages from all frames;
                       the page fixture fails the test if any are left at teardown
                       (clear the list, or mark the test allow_page_errors, to accept them)
    console:           every console message as (type, text)
    """

    requests: list[str] = field(default_factory=list)
    external_requests: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)
    # Streamlit websocket bookkeeping for wait_for_app (sequence numbers of events).
    reruns_requested: int = 0
    runs_finished: int = 0
    streams_opened: int = 0  # websockets to /_stcore/stream: one per connection, reconnections included
    _seq: int = 0
    _last_rerun: int = -1
    _last_start: int = -1
    _last_finish: int = -1
    _last_activity: float = 0.0
    _blocked: set[str] = field(default_factory=set)

    def third_party(self) -> list[tuple[str, str]]:
        """Every request to another origin, of any kind (must be empty: the fixtures fail a test that made one)."""
        return list(self.external_requests)

    # -- listeners
    def _on_request(self, request) -> None:
        self.requests.append(request.url)
        if NOT_LOCAL.match(request.url) and not request.url.startswith(("data:", "blob:", "about:")):
            self.external_requests.append((request.url, request.resource_type))

    def _on_console(self, msg) -> None:
        self.console.append((msg.type, msg.text))
        if msg.type != "error":
            return
        where = msg.location.get("url", "") if msg.location else ""
        # Our own abort of a third-party request makes Chromium log "Failed to load
        # resource"; that is the harness at work, not an app error.
        if msg.text.startswith("Failed to load resource") and where in self._blocked:
            return
        self.errors.append(f"console.error at {where}: {msg.text}")

    def _on_pageerror(self, error) -> None:
        self.errors.append(f"uncaught {error.name or 'Error'}: {error.message}\n{error.stack or ''}".rstrip())

    def _on_websocket(self, ws) -> None:
        if "/_stcore/stream" not in ws.url:
            return
        self.streams_opened += 1
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        def sent(payload) -> None:
            if isinstance(payload, bytes) and BackMsg.FromString(payload).WhichOneof("type") == "rerun_script":
                self.reruns_requested += 1
                self._last_rerun = self._tick()

        def received(payload) -> None:
            if not isinstance(payload, bytes):
                return
            msg = ForwardMsg.FromString(payload)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self._last_start = self._tick()
            elif kind == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                self.runs_finished += 1
                self._last_finish = self._tick()
            elif kind != "heartbeat_ack":
                self._tick()

        ws.on("framesent", sent)
        ws.on("framereceived", received)

    def _tick(self) -> int:
        self._seq += 1
        self._last_activity = time.monotonic()
        return self._seq

    def _settled(self) -> bool:
        """A rerun was requested, and the last run that started has finished since."""
        return self._last_rerun >= 0 and self._last_finish > max(self._last_rerun, self._last_start)


def track(page: Page) -> PageLog:
    """Start recording `page` (requests, errors, Streamlit runs); returns and sets page.log."""
    log = PageLog()
    page.on("request", log._on_request)
    page.on("console", log._on_console)
    page.on("pageerror", log._on_pageerror)
    page.on("websocket", log._on_websocket)
    page.log = log  # Page has requests()/page_errors() methods already: one new name only
    return log


def block_third_party(context, log: PageLog | None = None) -> None:
    """Abort every non-local request of `context`, so tests never touch the network.

    The attempt is still recorded by the page's request listener; `log` learns which
    URLs were blocked so that Chromium's "Failed to load resource" for them is ignored.
    """

    def abort(route) -> None:
        if log is not None:
            log._blocked.add(route.request.url)
        route.abort("blockedbyclient")

    context.route(NOT_LOCAL, abort)


# ---------------------------------------------------------------- streamlit helpers

_APP_STATE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app ? [app.getAttribute('data-test-connection-state'),
                app.getAttribute('data-test-script-state')] : [null, null];
}"""
_TWO_FRAMES_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"


def wait_for_app(page: Page, timeout: float = 30.0, quiet: float = 0.15, allow_exception: bool = False) -> None:
    """Wait until Streamlit has finished running the script and the page shows the result.

    Call it after page.goto() and after any interaction that reruns the script. The
    DOM alone cannot tell: after a widget change `stApp[data-test-script-state]` often
    stays "notRunning" throughout, because React batches the running/notRunning
    updates of a fast run. So this also watches the websocket: settled means a rerun
    was requested, the last run that started has sent `script_finished`, nothing has
    arrived for `quiet` seconds (also covers st.rerun() chains and the instant between
    a key press and its rerun request), the app is CONNECTED and notRunning, and the
    browser has painted. Fails if the script raised (an stException is shown) unless
    allow_exception.
    """
    __tracebackhide__ = True  # a failure shows the test's line, not this loop
    log: PageLog | None = getattr(page, "log", None)
    if log is None:
        raise RuntimeError("wait_for_app needs a page from the `page` or `new_page` fixture (see track())")
    start = time.monotonic()
    deadline = start + timeout
    state = [None, None]
    while True:
        quiet_since = max(log._last_activity, start)
        if log._settled() and time.monotonic() - quiet_since >= quiet:
            state = page.evaluate(_APP_STATE_JS)
            if state[0] == "CONNECTED" and state[1] in ("notRunning", "compilationError"):
                page.evaluate(_TWO_FRAMES_JS)
                if max(log._last_activity, start) == quiet_since:  # nothing new meanwhile
                    break
        if time.monotonic() > deadline:
            raise AssertionError(
                f"Streamlit app at {page.url} did not settle within {timeout}s: "
                f"connection={state[0]} script={state[1]} reruns requested={log.reruns_requested} "
                f"runs finished={log.runs_finished}; page errors: {log.errors}"
            )
        page.wait_for_timeout(25)  # lets Playwright deliver the websocket events
    if not allow_exception:
        exc = page.locator('[data-testid="stException"]')
        if exc.count():
            raise AssertionError(f"the Streamlit script raised:\n{exc.first.inner_text()}")


def sign_in(page: Page, passphrase: str = STAFF_PASSPHRASE) -> None:
    """On the call-centre page, type the staff passphrase and press Enter, as staff do."""
    from components.staff_sign_in import PASSPHRASE_LABEL

    field = page.get_by_label(PASSPHRASE_LABEL)
    field.fill(passphrase)
    field.press("Enter")
    wait_for_app(page)


def screenshot(page: Page, name: str, full_page: bool = True) -> Path:
    """Save a PNG of the page to artifacts/screenshots/<name>.png and return its path."""
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    return path


# ---------------------------------------------------------------- a parent site


class ParentSite:
    """A local web server on its own port (so its own origin) serving one page that embeds the app.

    `url` is its base URL; `/embed.html` is tests/browser/embed_parent.html with {{APP}}
    set to the address given to `embed_app`. Threads, not a process: it only serves a file.
    """

    def __init__(self) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        site = self
        self.app_url = ""

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                if self.path.split("?")[0] != "/embed.html":
                    self.send_error(404)
                    return
                body = (Path(__file__).with_name("embed_parent.html").read_text()
                        .replace("{{APP}}", site.app_url).encode())
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def embed_app(self, app_url: str) -> None:
        self.app_url = app_url

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


# ---------------------------------------------------------------- streamlit server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class StreamlitServer:
    """A `streamlit run` child process; `url` is its base URL (no trailing slash)."""

    script: str
    url: str
    proc: subprocess.Popen
    log_path: Path

    def log_tail(self, chars: int = 6000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        """Terminate the server's whole process group (streamlit may spawn children)."""
        if self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        except ProcessLookupError:
            pass


def start_streamlit(script: str, *args: str, env: dict[str, str] | None = None, ready_timeout: float = 60.0,
                    attempts: int = 3, port: int | None = None, root: Path = REPO_ROOT) -> StreamlitServer:
    """Start `streamlit run <script>` (path relative to `root`, the repo root by default) on a free port.

    Returns once /_stcore/health answers "ok"; raises with the server's output if it
    exits or does not answer within ready_timeout. Extra args go to `streamlit run`;
    `env` is added to the server's environment, whose staff passphrase is always
    STAFF_PASSPHRASE (never a developer's own). `port`: this one (known in advance, e.g. for a
    sign-in's redirect URI) rather than a free one.
    """
    __tracebackhide__ = True
    if not (root / script).is_file():
        raise FileNotFoundError(f"no Streamlit script {script!r} under {root}")
    logs = ARTIFACTS / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    fixed_port = port
    for attempt in range(1, attempts + 1):
        port = fixed_port or _free_port()
        log_path = logs / f"streamlit-{Path(script).stem}-{port}.log"
        cmd = [
            sys.executable, "-m", "streamlit", "run", script,
            "--server.port", str(port),
            "--server.address", "127.0.0.1",
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
            # Others edit files in this checkout while tests run; a watcher would rerun the app under the test.
            "--server.fileWatcherType", "none",
            *args,
        ]
        with open(log_path, "wb") as out:  # a file, not a pipe: a full pipe would block the server
            proc = subprocess.Popen(
                cmd, cwd=root, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1", PASSPHRASE_ENV: STAFF_PASSPHRASE, **(env or {})},
            )
        server = StreamlitServer(script, f"http://127.0.0.1:{port}", proc, log_path)
        deadline = time.monotonic() + ready_timeout
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        return server
            except OSError:
                pass
            time.sleep(0.2)
        exit_code = proc.poll()
        server.stop()
        # The free port can be taken between our check and streamlit's bind: try another.
        if "already in use" in server.log_tail() and attempt < attempts and not fixed_port:
            continue
        why = f"exited with code {exit_code}" if exit_code is not None else f"not healthy after {ready_timeout}s"
        raise RuntimeError(f"streamlit run {script} {why}; its output ({log_path}):\n{server.log_tail()}")
    raise AssertionError("unreachable")
