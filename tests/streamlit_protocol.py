"""A browser tab's worth of Streamlit's websocket protocol, without a browser (bench/bench_load.py, tests/test_serve*).

A :class:`Session` opens ``/_stcore/stream`` (subprotocol ``streamlit``),
asks for the page (``BackMsg.rerun_script``, with the address bar's query
string), finds the search field in the elements it is sent, and searches by
setting the field's ``string_value`` (scoped to the field's fragment, if it is
in one, as the browser scopes it).

A :class:`Patient` is a person on that page: when the page's connection goes
(its replica died, hung or was drained), the page reconnects, as Streamlit's
frontend does, and opens the app again with its address, which holds the last
search (``?postcode=…``), so the answer comes back from whichever replica now
serves it.
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlencode

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection
from websockets.typing import Subprotocol

TIMEOUT_S = 60.0
# The query parameter the search field is bound to (components/search.py).
SEARCH_PARAM = "postcode"


class Session:
    """One websocket session; ``url`` is the app's base URL (http:// or https://)."""

    def __init__(self, url: str, label: str, timeout_s: float = TIMEOUT_S, ssl=None) -> None:
        self.url = url.replace("http://", "ws://").replace("https://", "wss://") + "/_stcore/stream"
        self.label = label.lower()
        self.timeout_s = timeout_s
        self.ssl = ssl
        self.ws: ClientConnection | None = None
        self.page_hash = ""
        self.field_id = ""
        self.fragment_id = ""
        self.load_s = 0.0  # the page's first run: rerun sent -> script finished

    async def open(self, query_string: str = "") -> list[tuple[float, str]]:
        """Connect and run the page (at ``?query_string``); returns the texts of its first run."""
        self.ws = await websockets.connect(self.url, subprotocols=[Subprotocol("streamlit")], max_size=None,
                                           ssl=self.ssl, open_timeout=self.timeout_s)
        started = time.perf_counter()
        texts = await self.run(query_string=query_string)
        self.load_s = time.perf_counter() - started
        if not self.field_id:
            raise RuntimeError(f"no text field labelled with {self.label!r} on the page; saw {texts[:5]}")
        return texts

    async def run(self, value: str | None = None, query_string: str = "") -> list[tuple[float, str]]:
        """Rerun (with the field set to ``value``); return ``(seconds after sending, text)`` of each text element."""
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = query_string
        state.page_script_hash = self.page_hash
        if value is not None:
            widget = state.widget_states.widgets.add()
            widget.id = self.field_id
            widget.string_value = value
            if self.fragment_id:
                state.fragment_id = self.fragment_id
        started = time.perf_counter()
        assert self.ws is not None
        await self.ws.send(msg.SerializeToString())
        texts: list[tuple[float, str]] = []
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), self.timeout_s)
            if not isinstance(raw, bytes):
                continue
            fwd = ForwardMsg.FromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = fwd.new_session.page_script_hash or self.page_hash
            elif kind == "page_info_changed" or kind == "navigation":
                self.page_hash = getattr(getattr(fwd, kind), "page_script_hash", "") or self.page_hash
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                which = element.WhichOneof("type")
                if which == "text_input" and not self.field_id and self.label in element.text_input.label.lower():
                    self.field_id = element.text_input.id
                    self.fragment_id = fwd.delta.fragment_id
                elif which in ("heading", "markdown", "text"):
                    texts.append((time.perf_counter() - started, getattr(element, which).body))
            elif kind == "script_finished" and fwd.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return texts

    async def search(self, postcode: str, expected: str) -> tuple[float, bool]:
        """Seconds until the answer's text arrived, and whether it was the right one."""
        texts = await self.run(postcode)
        return answered(texts, expected)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def answered(texts: list[tuple[float, str]], expected: str) -> tuple[float, bool]:
    for at, text in texts:
        if expected in text:
            return at, True
    return (texts[-1][0] if texts else 0.0), False


# The ways a page loses its server: closed, reset, refused, silent.
LOST = (websockets.ConnectionClosed, OSError, asyncio.TimeoutError, websockets.InvalidStatus,
        websockets.InvalidHandshake)


class Patient:
    """A page that searches, and reconnects with its address when its connection goes.

    ``answers`` counts searches answered right, ``wrong`` those answered with
    another answer, ``reconnects`` the times the page had to reconnect, and
    ``recoveries`` how long each answer took when it needed a reconnect.
    """

    def __init__(self, url: str, label: str, timeout_s: float = 30.0, give_up_s: float = 90.0, ssl=None) -> None:
        self.url = url
        self.label = label
        self.timeout_s = timeout_s
        self.give_up_s = give_up_s
        self.ssl = ssl
        self.session: Session | None = None
        self.answers = 0
        self.wrong = 0
        self.reconnects = 0
        self.recoveries: list[float] = []
        self.page_loads = 0

    async def open(self, postcode: str = "") -> list[tuple[float, str]]:
        """Load the page (at ``?postcode=`` when given); a failed load counts and raises."""
        self.session = Session(self.url, self.label, self.timeout_s, self.ssl)
        texts = await self.session.open(urlencode({SEARCH_PARAM: postcode}) if postcode else "")
        self.page_loads += 1
        return texts

    async def search(self, postcode: str, expected: str) -> None:
        """Search; if the connection goes, reconnect with the address until answered (or ``give_up_s``).

        The first search of a page that is not open yet loads it at the search's address.
        """
        started = time.monotonic()
        loading = self.session is None
        if not loading:  # else the page is loaded at the search's address
            try:
                _, right = await self.session.search(postcode, expected)
                self._count(right)
                return
            except LOST:
                pass
        while True:
            self.reconnects += not loading
            loading = False
            await self._drop()
            try:
                texts = await self.open(postcode)
                _, right = answered(texts, expected)
                self._count(right)
                if self.reconnects:
                    self.recoveries.append(time.monotonic() - started)
                return
            except LOST:
                if time.monotonic() - started > self.give_up_s:
                    raise
                await asyncio.sleep(0.5)  # Streamlit's frontend also waits before it tries again

    async def close(self) -> None:
        await self._drop()

    def _count(self, right: bool) -> None:
        self.answers += right
        self.wrong += not right

    async def _drop(self) -> None:
        if self.session is not None:
            try:
                await asyncio.wait_for(self.session.close(), 5)
            except (*LOST, RuntimeError):
                pass
            self.session = None
